#include "mitra/core/memory_budget.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace mitra {
namespace {

constexpr char kPayloadUrl[] = "type.mitra/memory_budget";
constexpr uint64_t kFloor = uint64_t{64} << 20;
constexpr uint64_t kNone = std::numeric_limits<uint64_t>::max();

// The first line of a small file as a byte count; kNone when absent,
// unreadable or "max" (cgroup v2's "no limit").
uint64_t ReadLimitFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) return kNone;
  char line[64] = {0};
  const bool got = std::fgets(line, sizeof line, f) != nullptr;
  std::fclose(f);
  if (!got) return kNone;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(line, &end, 10);
  if (end == line) return kNone;
  return static_cast<uint64_t>(v);
}

// The memory limit of this process's cgroup (v2, or v1's memory
// controller); kNone when there is none.
uint64_t CgroupLimit() {
  uint64_t limit = std::min(ReadLimitFile("/sys/fs/cgroup/memory.max"),
                            ReadLimitFile("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
  // Not at the root of the hierarchy: "0::/some/path" names our v2 group.
  if (FILE* f = std::fopen("/proc/self/cgroup", "re")) {
    char line[512];
    while (std::fgets(line, sizeof line, f) != nullptr) {
      // "0::/path" (v2) or "4:memory:/path" (v1's memory controller).
      const bool v2 = std::strncmp(line, "0::", 3) == 0;
      const char* v1 = std::strstr(line, ":memory:");
      if (!v2 && v1 == nullptr) continue;
      std::string path(v2 ? line + 3 : v1 + 8);
      while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
      if (path.empty() || path == "/") continue;
      limit = std::min(limit, v2 ? ReadLimitFile(absl::StrCat("/sys/fs/cgroup", path, "/memory.max"))
                                 : ReadLimitFile(absl::StrCat("/sys/fs/cgroup/memory", path,
                                                              "/memory.limit_in_bytes")));
    }
    std::fclose(f);
  }
  // cgroup v1 reports "no limit" as a huge page-rounded number.
  return limit >= (uint64_t{1} << 62) ? kNone : limit;
}

// Physical memory and the cgroup's limit, read once.
uint64_t MachineLimit() {
  uint64_t bound = kNone;
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page > 0)
    bound = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page);
  return std::min(bound, CgroupLimit());
}

}  // namespace

uint64_t DefaultMemoryLimit() {
  static const uint64_t machine = MachineLimit();
  uint64_t bound = machine;
  // RLIMIT_AS is read every time (one system call): a host or a child
  // process may lower it after the first request.
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    bound = std::min<uint64_t>(bound, rl.rlim_cur);
  if (bound == kNone) bound = uint64_t{8} << 30;  // nothing known: assume a small machine
  return std::max(kFloor, bound / 2);
}

uint64_t MemoryBudget::limit() const {
  const uint64_t own = limit_.load(std::memory_order_relaxed);
  if (own != 0) return own;
  return fallback_ ? fallback_->limit() : DefaultMemoryLimit();
}

MemoryBudget& MemoryBudget::Process() {
  static MemoryBudget* process = new MemoryBudget();  // never destroyed: used at exit too
  return *process;
}

bool MemoryBudget::TryAdd(uint64_t bytes, uint64_t* seen) {
  const uint64_t lim = limit();
  uint64_t cur = used_.load(std::memory_order_relaxed);
  do {
    *seen = cur;
    if (bytes > lim || cur > lim - bytes) return false;
  } while (!used_.compare_exchange_weak(cur, cur + bytes, std::memory_order_relaxed));
  uint64_t peak = peak_.load(std::memory_order_relaxed);
  while (cur + bytes > peak &&
         !peak_.compare_exchange_weak(peak, cur + bytes, std::memory_order_relaxed)) {
  }
  return true;
}

MemoryReservation::MemoryReservation(MemoryBudget* budget)
    : budget_(budget != nullptr ? budget : &MemoryBudget::Process()) {}

absl::Status MemoryReservation::Reserve(double bytes, absl::string_view parameter,
                                        absl::string_view what) {
  if (!(bytes > 0)) return absl::OkStatus();
  uint64_t seen = 0;
  // 2^64 and beyond (or NaN from a degenerate estimate) cannot be reserved.
  const bool representable = bytes < 18446744073709551616.0;
  const uint64_t want = representable ? static_cast<uint64_t>(std::ceil(bytes)) : kNone;
  if (representable && budget_->TryAdd(want, &seen)) {
    bytes_ += want;
    return absl::OkStatus();
  }
  // Said as the request's whole need (what it holds and this), beside what
  // the other requests on the budget hold.
  const double total = bytes + static_cast<double>(bytes_);
  char estimate[32];
  if (total < 18446744073709551616.0)
    std::snprintf(estimate, sizeof estimate, "%llu",
                  static_cast<unsigned long long>(std::ceil(total)));
  else
    std::snprintf(estimate, sizeof estimate, "%.3g", total);
  absl::Status s = absl::ResourceExhaustedError(absl::StrCat(
      parameter, ": ", what, " needs an estimated ", estimate,
      " bytes, more than the memory limit allows (limit ", budget_->limit(), " bytes, ",
      seen - std::min(seen, bytes_), " held by other requests); change ", parameter,
      " or raise the memory limit"));
  s.SetPayload(kPayloadUrl, absl::Cord(parameter));
  return s;
}

absl::Status MemoryReservation::ReserveTotal(double total, absl::string_view parameter,
                                             absl::string_view what) {
  if (!(total > static_cast<double>(bytes_))) return absl::OkStatus();
  return Reserve(total - static_cast<double>(bytes_), parameter, what);
}

void MemoryReservation::Release() {
  if (bytes_ > 0) budget_->Sub(bytes_);
  bytes_ = 0;
}

bool IsMemoryBudgetError(const absl::Status& s) {
  return absl::IsResourceExhausted(s) && s.GetPayload(kPayloadUrl).has_value();
}

}  // namespace mitra
