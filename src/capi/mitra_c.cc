// The C ABI (include/mitra/mitra.h) over the C++ core.
//
// Every entry point runs its body through Guard(), which clears *error,
// catches every exception and turns the outcome into a status code and an
// error object. Error objects are built with malloc, never with C++
// allocation, and fall back to a static object when even that fails, so the
// out-of-memory path never throws or allocates.
#include "mitra/mitra.h"

#include "capi_internal.h"

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

using namespace mitra::capi;  // NOLINT: the C ABI files share these helpers

extern "C" {

uint32_t mitra_version_number(void) noexcept { return MITRA_VERSION_NUMBER; }
const char* mitra_version_string(void) noexcept { return MITRA_VERSION_STRING; }

mitra_status mitra_error_code(const mitra_error* error) noexcept {
  CheckError(error, "mitra_error_code");
  return error == nullptr ? MITRA_OK : error->code;
}
const char* mitra_error_message(const mitra_error* error) noexcept {
  CheckError(error, "mitra_error_message");
  return error == nullptr ? "" : error->message;
}
void mitra_error_free(mitra_error* error) noexcept {
  if (error == nullptr) return;
  CheckError(error, "mitra_error_free");
  if (error->is_static) return;
#if MITRA_CHECK_HANDLES
  error->magic = kErrorFreed;
#endif
  std::free(error);
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
    auto handle = std::make_unique<mitra_workspace>();
    RegisterWorkspace(handle.get());
    *out = handle.release();
    return absl::OkStatus();
  });
}

void mitra_workspace_free(mitra_workspace* workspace) noexcept {
  if (workspace == nullptr) return;
  UnregisterWorkspace(workspace);
  delete workspace;
}

mitra_status mitra_set_memory_limit(uint64_t bytes, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    mitra::MemoryBudget::Process().set_limit(bytes);
    return absl::OkStatus();
  });
}

mitra_status mitra_memory_limit(uint64_t* bytes, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (bytes == nullptr) return Null("bytes");
    *bytes = mitra::MemoryBudget::Process().limit();
    return absl::OkStatus();
  });
}

mitra_status mitra_workspace_set_memory_limit(mitra_workspace* workspace, uint64_t bytes,
                                              mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (workspace == nullptr) return Null("workspace");
    std::unique_lock lock(workspace->mu);
    workspace->ws->memory_budget().set_limit(bytes);
    return absl::OkStatus();
  });
}

mitra_status mitra_workspace_memory_limit(const mitra_workspace* workspace, uint64_t* bytes,
                                          mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (workspace == nullptr) return Null("workspace");
    if (bytes == nullptr) return Null("bytes");
    std::shared_lock lock(workspace->mu);
    *bytes = workspace->ws->memory_budget().limit();
    return absl::OkStatus();
  });
}

mitra_status mitra_workspace_ingest(mitra_workspace* workspace, const uint8_t* batch,
                                    size_t batch_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckWorkspace(workspace); !s.ok()) return s;
    google::protobuf::Arena arena;
    auto* b = NewMessage<mitra::v1::Batch>(arena);
    if (absl::Status s = ParseMessage(batch, batch_len, b, "batch"); !s.ok()) return s;
    std::unique_lock lock(workspace->mu);
    return workspace->ws->Ingest(*b);
  });
}

mitra_status mitra_workspace_ingest_csv(mitra_workspace* workspace, const char* kind,
                                        const char* path, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckWorkspace(workspace); !s.ok()) return s;
    if (kind == nullptr) return Null("kind");
    if (path == nullptr) return Null("path");
    // Mapped and applied in chunks: memory stays near the workspace's size.
    std::unique_lock lock(workspace->mu);
    return mitra::IngestCsvFile(*workspace->ws, kind, path);
  });
}

mitra_status mitra_workspace_ingest_csv_bytes(mitra_workspace* workspace, const char* kind,
                                              const char* name, const uint8_t* csv,
                                              size_t csv_len, mitra_error** error) noexcept {
  return Guard(error, [&]() -> absl::Status {
    if (absl::Status s = CheckWorkspace(workspace); !s.ok()) return s;
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
      // With no record limit the export is one batch, already serialized.
      return ws.ExportWire(std::numeric_limits<size_t>::max(), [&](std::string_view b) {
        if (*out != nullptr) return absl::InternalError("export came in more than one batch");
        return EmitBytes(b, out, out_len);
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
      return EmitIdList(
          (*ids)->size(), [&](size_t i) { return std::string((*ids)->Id(i)); }, out, out_len);
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
    if (absl::Status s = CheckWorkspace(workspace); !s.ok()) return s;
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
    if (absl::Status s = CheckWorkspace(workspace); !s.ok()) return s;
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
    if (absl::Status s = CheckWorkspace(workspace); !s.ok()) return s;
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
    RegisterWorkspace(handle.get());
    *out = handle.release();
    return absl::OkStatus();
  });
}

}  // extern "C"
