#include "handles.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>

#include "absl/strings/str_cat.h"
#include "capi_internal.h"

namespace mitra::capi {
namespace {

#if MITRA_CHECK_HANDLES
// A std::set, not a hash map: erasing never allocates, so free stays
// allocation-free, and a failed insert leaves the set as it was.
struct Registry {
  std::mutex mu;
  std::set<const mitra_workspace*> live;
};
Registry& Live() {
  static Registry* r = new Registry;  // never destroyed: hosts free handles at exit
  return *r;
}
#endif

[[noreturn]] void Misuse(const char* function, const char* what, const void* p) noexcept {
  std::fprintf(stderr,
               "mitra: %s was given %s %p that is not live (freed already, or never returned "
               "by mitra); this is a bug in the calling program\n",
               function, what, p);
  std::abort();
}

}  // namespace

void RegisterWorkspace(const mitra_workspace* w) {
#if MITRA_CHECK_HANDLES
  std::lock_guard lock(Live().mu);
  Live().live.insert(w);
#else
  (void)w;
#endif
}

void UnregisterWorkspace(const mitra_workspace* w) noexcept {
#if MITRA_CHECK_HANDLES
  std::lock_guard lock(Live().mu);
  if (Live().live.erase(w) == 0) Misuse("mitra_workspace_free", "workspace", w);
#else
  (void)w;
#endif
}

absl::Status CheckWorkspace(const mitra_workspace* w, const char* what) {
  if (w == nullptr) return Null(what);
#if MITRA_CHECK_HANDLES
  std::lock_guard lock(Live().mu);
  if (Live().live.count(w) == 0)
    return absl::FailedPreconditionError(
        absl::StrCat(what, " is not a live workspace handle: it was freed with "
                           "mitra_workspace_free, or never came from mitra"));
#endif
  return absl::OkStatus();
}

void CheckError(const mitra_error* e, const char* function) noexcept {
#if MITRA_CHECK_HANDLES
  // The magic first: a freed block's first 16 bytes (code, is_static) hold
  // the allocator's own pointers.
  if (e != nullptr && e->magic != kErrorLive) Misuse(function, "error", e);
#else
  (void)e;
  (void)function;
#endif
}

}  // namespace mitra::capi
