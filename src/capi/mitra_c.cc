// The C ABI (include/mitra/mitra.h) over the C++ core.
//
// Every entry point runs its body through Guard(), which clears *error,
// catches every exception and turns the outcome into a status code and an
// error object. Error objects are built with malloc, never with C++
// allocation, and fall back to a static object when even that fails, so the
// out-of-memory path never throws or allocates.
#include "mitra/mitra.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "mitra/core/columns.h"
#include "mitra/core/csv_import.h"
#include "mitra/core/snapshot.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/batch.pb.h"

struct mitra_error {
  mitra_status code;
  bool is_static;  // the out-of-memory error is never freed
  const char* message;
};

struct mitra_workspace {
  std::unique_ptr<mitra::Workspace> ws = std::make_unique<mitra::Workspace>();
  // Readers share, ingestion is exclusive (the threading rule of mitra.h).
  // std::shared_mutex (a pthread rwlock) rather than absl::Mutex, whose
  // futex waits ThreadSanitizer cannot see in Debian's uninstrumented build.
  mutable std::shared_mutex mu;
};

namespace {

mitra_error kOutOfMemory = {MITRA_RESOURCE_EXHAUSTED, true, "out of memory"};

mitra_status Fail(mitra_error** error, mitra_status code, const char* msg, size_t len) noexcept {
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
  *error = e;
  return code;
}

mitra_status Report(const absl::Status& s, mitra_error** error) noexcept {
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

absl::Status Null(const char* what) {
  return absl::InvalidArgumentError(absl::StrCat(what, " is NULL"));
}

absl::Status EmitMessage(const google::protobuf::Message& m, uint8_t** out, size_t* out_len) {
  const size_t n = m.ByteSizeLong();
  if (n > static_cast<size_t>(std::numeric_limits<int>::max()))
    return absl::ResourceExhaustedError(
        absl::StrCat("result of ", n, " bytes exceeds protobuf's 2 GiB message limit"));
  void* buf = std::malloc(n == 0 ? 1 : n);
  if (buf == nullptr) throw std::bad_alloc();
  // Deterministic: map entries in key order, so equal contents give equal
  // bytes (hosts can diff and hash what they get).
  google::protobuf::io::ArrayOutputStream array(buf, static_cast<int>(n));
  google::protobuf::io::CodedOutputStream coded(&array);
  coded.SetSerializationDeterministic(true);
  m.SerializeWithCachedSizes(&coded);
  *out = static_cast<uint8_t*>(buf);
  *out_len = n;
  return absl::OkStatus();
}

absl::Status CheckOut(uint8_t** out, size_t* out_len) {
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
  if (workspace == nullptr) return Null("workspace");
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

absl::Status ParseBatch(const uint8_t* data, size_t len, mitra::v1::Batch* batch) {
  if (data == nullptr && len > 0) return Null("batch");
  if (len > static_cast<size_t>(std::numeric_limits<int>::max()))
    return absl::InvalidArgumentError(
        absl::StrCat("batch of ", len, " bytes exceeds protobuf's 2 GiB message limit"));
  if (!batch->ParseFromArray(data, static_cast<int>(len)))
    return absl::InvalidArgumentError(absl::StrCat(
        "batch: not a valid serialized mitra.v1.Batch (", len, " bytes; truncated or malformed)"));
  return absl::OkStatus();
}

}  // namespace

extern "C" {

uint32_t mitra_version_number(void) noexcept { return MITRA_VERSION_NUMBER; }
const char* mitra_version_string(void) noexcept { return MITRA_VERSION_STRING; }

mitra_status mitra_error_code(const mitra_error* error) noexcept {
  return error == nullptr ? MITRA_OK : error->code;
}
const char* mitra_error_message(const mitra_error* error) noexcept {
  return error == nullptr ? "" : error->message;
}
void mitra_error_free(mitra_error* error) noexcept {
  if (error != nullptr && !error->is_static) std::free(error);
}

const char* mitra_status_name(mitra_status status) noexcept {
  switch (status) {
    case MITRA_OK: return "OK";
    case MITRA_CANCELLED: return "CANCELLED";
    case MITRA_UNKNOWN: return "UNKNOWN";
    case MITRA_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case MITRA_DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case MITRA_NOT_FOUND: return "NOT_FOUND";
    case MITRA_ALREADY_EXISTS: return "ALREADY_EXISTS";
    case MITRA_PERMISSION_DENIED: return "PERMISSION_DENIED";
    case MITRA_RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case MITRA_FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case MITRA_ABORTED: return "ABORTED";
    case MITRA_OUT_OF_RANGE: return "OUT_OF_RANGE";
    case MITRA_UNIMPLEMENTED: return "UNIMPLEMENTED";
    case MITRA_INTERNAL: return "INTERNAL";
    case MITRA_UNAVAILABLE: return "UNAVAILABLE";
    case MITRA_DATA_LOSS: return "DATA_LOSS";
    case MITRA_UNAUTHENTICATED: return "UNAUTHENTICATED";
  }
  return "UNKNOWN_STATUS";
}

void mitra_free(void* buffer) noexcept { std::free(buffer); }

mitra_status mitra_workspace_create(mitra_workspace** out, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (out == nullptr) return Null("out");
    *out = nullptr;
    *out = new mitra_workspace();
    return absl::OkStatus();
  });
}

void mitra_workspace_free(mitra_workspace* workspace) noexcept { delete workspace; }

mitra_status mitra_workspace_ingest(mitra_workspace* workspace, const uint8_t* batch,
                                    size_t batch_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (workspace == nullptr) return Null("workspace");
    google::protobuf::Arena arena;
    auto* b = NewMessage<mitra::v1::Batch>(arena);
    if (absl::Status s = ParseBatch(batch, batch_len, b); !s.ok()) return s;
    std::unique_lock lock(workspace->mu);
    return workspace->ws->Ingest(*b);
  });
}

mitra_status mitra_workspace_ingest_csv(mitra_workspace* workspace, const char* kind,
                                        const char* path, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (workspace == nullptr) return Null("workspace");
    if (kind == nullptr) return Null("kind");
    if (path == nullptr) return Null("path");
    absl::StatusOr<std::string> text = mitra::ReadFile(path);
    if (!text.ok()) return text.status();
    std::unique_lock lock(workspace->mu);
    return mitra::IngestCsv(*workspace->ws, kind, path, *text);
  });
}

mitra_status mitra_workspace_ingest_csv_bytes(mitra_workspace* workspace, const char* kind,
                                              const char* name, const uint8_t* csv,
                                              size_t csv_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (workspace == nullptr) return Null("workspace");
    if (kind == nullptr) return Null("kind");
    if (csv == nullptr && csv_len > 0) return Null("csv");
    std::string_view text(reinterpret_cast<const char*>(csv), csv_len);
    std::unique_lock lock(workspace->mu);
    return mitra::IngestCsv(*workspace->ws, kind, name ? name : "", text);
  });
}

mitra_status mitra_workspace_counts(const mitra_workspace* workspace, uint8_t** out,
                                    size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return ReadInto(workspace, out, out_len, [&](const mitra::Workspace& ws) {
      google::protobuf::Arena arena;
      auto* counts = NewMessage<mitra::v1::WorkspaceCounts>(arena);
      *counts = ws.Counts();
      return EmitMessage(*counts, out, out_len);
    });
  });
}

mitra_status mitra_workspace_export(const mitra_workspace* workspace, uint8_t** out,
                                    size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return ReadInto(workspace, out, out_len, [&](const mitra::Workspace& ws) {
      // With no record limit the export is one batch, serialized as it comes.
      return ws.Export(std::numeric_limits<size_t>::max(), [&](mitra::v1::Batch& b) {
        if (*out != nullptr) return absl::InternalError("export came in more than one batch");
        return EmitMessage(b, out, out_len);
      });
    });
  });
}

mitra_status mitra_workspace_ids(const mitra_workspace* workspace, const char* kind,
                                 uint8_t** out, size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (kind == nullptr) return Null("kind");
    return ReadInto(workspace, out, out_len, [&](const mitra::Workspace& ws) -> absl::Status {
      absl::StatusOr<const mitra::IdInterner*> ids = ws.Ids(kind);
      if (!ids.ok()) return ids.status();
      return EmitIdList((*ids)->size(), [&](size_t i) { return (*ids)->Id(i); }, out, out_len);
    });
  });
}

mitra_status mitra_workspace_column_names(const mitra_workspace* workspace, uint8_t** out,
                                          size_t* out_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    return ReadInto(workspace, out, out_len, [&](const mitra::Workspace& ws) {
      const std::vector<std::string> names = mitra::ColumnNames(ws.tables());
      return EmitIdList(names.size(), [&](size_t i) { return names[i]; }, out, out_len);
    });
  });
}

mitra_status mitra_workspace_column_info(const mitra_workspace* workspace, const char* name,
                                         mitra_dtype* dtype, size_t* length,
                                         mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (workspace == nullptr) return Null("workspace");
    if (name == nullptr) return Null("name");
    std::shared_lock lock(workspace->mu);
    absl::StatusOr<mitra::ColumnView> c = mitra::FindColumn(workspace->ws->tables(), name);
    if (!c.ok()) return c.status();
    if (dtype) *dtype = static_cast<mitra_dtype>(c->dtype);
    if (length) *length = c->length;
    return absl::OkStatus();
  });
}

mitra_status mitra_workspace_column_copy(const mitra_workspace* workspace, const char* name,
                                         void* out, size_t out_bytes, size_t* length,
                                         mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (workspace == nullptr) return Null("workspace");
    if (name == nullptr) return Null("name");
    std::shared_lock lock(workspace->mu);
    absl::StatusOr<mitra::ColumnView> c = mitra::FindColumn(workspace->ws->tables(), name);
    if (!c.ok()) return c.status();
    const size_t bytes = c->length * mitra::DtypeSize(c->dtype);
    if (bytes > out_bytes)
      return absl::OutOfRangeError(absl::StrCat("column ", name, " needs ", bytes,
                                                " bytes; the buffer holds ", out_bytes));
    if (bytes > 0 && out == nullptr) return Null("out");
    if (bytes > 0) std::memcpy(out, c->data, bytes);
    if (length) *length = c->length;
    return absl::OkStatus();
  });
}

mitra_status mitra_workspace_save(const mitra_workspace* workspace, const char* path,
                                  mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (workspace == nullptr) return Null("workspace");
    if (path == nullptr) return Null("path");
    std::shared_lock lock(workspace->mu);
    return mitra::SaveSnapshot(*workspace->ws, path);
  });
}

mitra_status mitra_workspace_load(const char* path, mitra_workspace** out, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (out == nullptr) return Null("out");
    *out = nullptr;
    if (path == nullptr) return Null("path");
    absl::StatusOr<std::unique_ptr<mitra::Workspace>> loaded = mitra::LoadSnapshot(path);
    if (!loaded.ok()) return loaded.status();
    auto handle = std::make_unique<mitra_workspace>();
    handle->ws = *std::move(loaded);
    *out = handle.release();
    return absl::OkStatus();
  });
}

}  // extern "C"
