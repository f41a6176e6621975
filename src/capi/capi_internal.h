// What every C ABI source shares: the handle and error structs, Guard()
// (the exception boundary), and the helpers that check arguments and emit
// messages. Internal to libmitra.
#ifndef MITRA_SRC_CAPI_CAPI_INTERNAL_H_
#define MITRA_SRC_CAPI_CAPI_INTERNAL_H_

#include <cstdlib>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message.h"
#include "handles.h"
#include "mitra/core/workspace.h"
#include "mitra/mitra.h"

struct mitra_error {
  mitra_status code;
  bool is_static;  // the out-of-memory error is never freed
  const char* message;
#if MITRA_CHECK_HANDLES
  // Last, past the 16 bytes the allocator reuses in a freed block, so a
  // second free still sees kErrorFreed (see handles.h).
  unsigned magic;
#endif
};

struct mitra_workspace {
  std::unique_ptr<mitra::Workspace> ws = std::make_unique<mitra::Workspace>();
  // Readers share, ingestion is exclusive (the threading rule of mitra.h).
  // std::shared_mutex (a pthread rwlock) rather than absl::Mutex, whose
  // futex waits ThreadSanitizer cannot see in Debian's uninstrumented build.
  mutable std::shared_mutex mu;
};

namespace mitra::capi {

inline mitra_error kOutOfMemory = {MITRA_RESOURCE_EXHAUSTED, true, "out of memory"
#if MITRA_CHECK_HANDLES
                                   , kErrorLive
#endif
};

inline mitra_status Fail(mitra_error** error, mitra_status code, const char* msg, size_t len) noexcept {
  if (error == nullptr) return code;
  auto* e = static_cast<mitra_error*>(std::malloc(sizeof(mitra_error) + len + 1));
  if (e == nullptr) {  // no room to say what went wrong: say that instead
    *error = &kOutOfMemory;
    return MITRA_RESOURCE_EXHAUSTED;
  }
  char* text = reinterpret_cast<char*>(e + 1);
  std::memcpy(text, msg, len);
  text[len] = '\0';
  e->code = code;
  e->is_static = false;
  e->message = text;
#if MITRA_CHECK_HANDLES
  e->magic = kErrorLive;
#endif
  *error = e;
  return code;
}

inline mitra_status Report(const absl::Status& s, mitra_error** error) noexcept {
  if (s.ok()) return MITRA_OK;
  const auto code = static_cast<mitra_status>(s.code());  // same numbering
  return Fail(error, code, s.message().data(), s.message().size());
}

template <typename Body>
mitra_status Guard(mitra_error** error, Body&& body) noexcept {
  if (error != nullptr) *error = nullptr;
  const char* what = nullptr;
  try {
    return Report(body(), error);
  } catch (const std::bad_alloc&) {
    if (error != nullptr) *error = &kOutOfMemory;
    return MITRA_RESOURCE_EXHAUSTED;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  // Outside the handlers: nothing here can throw.
  static constexpr char kPrefix[] = "internal error: ";
  char buf[512];
  const size_t n = std::strlen(what);
  const size_t p = sizeof kPrefix - 1;
  const size_t m = n < sizeof buf - p - 1 ? n : sizeof buf - p - 1;
  std::memcpy(buf, kPrefix, p);
  std::memcpy(buf + p, what, m);
  return Fail(error, MITRA_INTERNAL, buf, p + m);
}

// The number a C caller passed for an enum parameter. C lets any int through
// an enum type, but in C++ reading an enum outside the range of its
// enumerators is undefined (clang's UBSan checks it), so the parameter is
// read as its bytes and only the int is compared.
template <typename Enum>
int EnumValue(const Enum& e) {
  static_assert(sizeof(Enum) == sizeof(int), "the C ABI's enums are int-sized");
  int v;
  std::memcpy(&v, &e, sizeof v);
  return v;
}

inline absl::Status Null(const char* what) {
  return absl::InvalidArgumentError(absl::StrCat(what, " is NULL"));
}

// The status of a fit whose sum a host's callback made: the callback's
// non-zero return at evaluation `calls` is why the fit stopped, and says so
// (ABORTED) whatever the fit then reported. Call it after the fit (its
// arguments are read when it is called).
inline absl::Status HostFitStatus(absl::Status fit, int failure, int calls) {
  if (failure != 0)
    return absl::AbortedError(absl::StrCat("log_likelihood: the host's callback returned ",
                                           failure, " at evaluation ", calls,
                                           ": the fit stopped"));
  return fit;
}

// A malloc'd buffer of `n` bytes for a result the host frees with
// mitra_free; results past protobuf's limit are refused, as no binding
// could parse them.
inline absl::StatusOr<uint8_t*> ResultBuffer(size_t n) {
  if (n > static_cast<size_t>(std::numeric_limits<int>::max()))
    return absl::ResourceExhaustedError(
        absl::StrCat("result of ", n, " bytes exceeds protobuf's 2 GiB message limit"));
  void* buf = std::malloc(n == 0 ? 1 : n);
  if (buf == nullptr) throw std::bad_alloc();
  return static_cast<uint8_t*>(buf);
}

// Bytes already in wire form (Workspace::ExportWire), handed over as
// EmitMessage hands a message: malloc'd, freed by the host with mitra_free.
inline absl::Status EmitBytes(std::string_view bytes, uint8_t** out, size_t* out_len) {
  absl::StatusOr<uint8_t*> buf = ResultBuffer(bytes.size());
  if (!buf.ok()) return buf.status();
  if (!bytes.empty()) std::memcpy(*buf, bytes.data(), bytes.size());
  *out = *buf;
  *out_len = bytes.size();
  return absl::OkStatus();
}

inline absl::Status EmitMessage(const google::protobuf::Message& m, uint8_t** out, size_t* out_len) {
  const size_t n = m.ByteSizeLong();
  absl::StatusOr<uint8_t*> buf = ResultBuffer(n);
  if (!buf.ok()) return buf.status();
  // Deterministic: map entries in key order, so equal contents give equal
  // bytes (hosts can diff and hash what they get).
  google::protobuf::io::ArrayOutputStream array(*buf, static_cast<int>(n));
  google::protobuf::io::CodedOutputStream coded(&array);
  coded.SetSerializationDeterministic(true);
  m.SerializeWithCachedSizes(&coded);
  *out = *buf;
  *out_len = n;
  return absl::OkStatus();
}

// Each per-row input array must be present when there are rows.
inline absl::Status Arrays(size_t n,
                           std::initializer_list<std::pair<const void*, const char*>> arrays) {
  if (n == 0) return absl::OkStatus();
  for (const auto& [p, name] : arrays)
    if (p == nullptr) return Null(name);
  return absl::OkStatus();
}

// A caller's input array as a span (empty when NULL).
inline absl::Span<const double> In(const double* p, size_t n) { return {p, p ? n : 0}; }

inline absl::Status CheckOut(uint8_t** out, size_t* out_len) {
  if (out == nullptr) return Null("out");
  if (out_len == nullptr) return Null("out_len");
  *out = nullptr;
  *out_len = 0;
  return absl::OkStatus();
}

// Every message built here lives on an Arena: protobuf 3.21 cannot destroy a
// message whose map or repeated field failed to grow (the out-of-memory sweep
// crashed there), but an arena frees its blocks without running message
// destructors.
template <typename M>
M* NewMessage(google::protobuf::Arena& arena) {
  return google::protobuf::Arena::CreateMessage<M>(&arena);
}

// The shape of every read-only entry point that returns bytes: check the
// out-parameters and the handle, then run `body` on the workspace, held
// shared.
template <typename Body>
absl::Status ReadInto(const mitra_workspace* workspace, uint8_t** out, size_t* out_len,
                      Body&& body) {
  if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
  if (absl::Status s = CheckWorkspace(workspace); !s.ok()) return s;
  std::shared_lock lock(workspace->mu);
  return body(*workspace->ws);
}

// n strings, name(i) for each, as a serialized mitra.v1.IdList.
template <typename Name>
absl::Status EmitIdList(size_t n, Name&& name, uint8_t** out, size_t* out_len) {
  google::protobuf::Arena arena;
  auto* list = NewMessage<mitra::v1::IdList>(arena);
  list->mutable_ids()->Reserve(static_cast<int>(n));
  for (size_t i = 0; i < n; ++i) list->add_ids(name(i));
  return EmitMessage(*list, out, out_len);
}

// Parses a serialized message of m's type; errors name the type. Callers
// put `m` on an Arena (see NewMessage).
inline absl::Status ParseMessage(const uint8_t* data, size_t len, google::protobuf::Message* m,
                                 const char* what) {
  if (data == nullptr && len > 0) return Null(what);
  if (len > static_cast<size_t>(std::numeric_limits<int>::max()))
    return absl::InvalidArgumentError(
        absl::StrCat(what, " of ", len, " bytes exceeds protobuf's 2 GiB message limit"));
  if (!m->ParseFromArray(data, static_cast<int>(len)))
    return absl::InvalidArgumentError(absl::StrCat(what, ": not a valid serialized ",
                                                   m->GetTypeName(), " (", len,
                                                   " bytes; truncated or malformed)"));
  return absl::OkStatus();
}

// The shape of every workspace entry point that takes a request message and
// returns a report message: parse the request, run `driver(ws, request,
// report)` on the workspace held shared, emit the report only when the
// whole call succeeded.
template <typename Request, typename Report, typename Driver>
absl::Status RunWorkspaceRequest(const mitra_workspace* workspace, const uint8_t* request,
                                 size_t request_len, uint8_t** out, size_t* out_len,
                                 Driver&& driver) {
  if (absl::Status s = CheckOut(out, out_len); !s.ok()) return s;
  google::protobuf::Arena arena;
  auto* req = NewMessage<Request>(arena);
  if (absl::Status s = ParseMessage(request, request_len, req, "request"); !s.ok()) return s;
  return ReadInto(workspace, out, out_len, [&](const mitra::Workspace& ws) -> absl::Status {
    auto* report = NewMessage<Report>(arena);
    if (absl::Status s = driver(ws, *req, report); !s.ok()) return s;
    return EmitMessage(*report, out, out_len);
  });
}

}  // namespace mitra::capi


#endif  // MITRA_SRC_CAPI_CAPI_INTERNAL_H_
