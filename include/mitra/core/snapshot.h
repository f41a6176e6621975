// Snapshot files: a whole workspace on disk (layout in
// proto/mitra/v1/snapshot.proto).
#ifndef MITRA_CORE_SNAPSHOT_H_
#define MITRA_CORE_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/snapshot.pb.h"

namespace mitra {

inline constexpr uint32_t kSnapshotMajor = 1;
inline constexpr uint32_t kSnapshotMinor = 0;

// Writes `path.tmp-<pid>-<n>` beside `path`, fsyncs it, renames it over
// `path` and fsyncs the directory: after a crash `path` holds the old
// snapshot or the new one, never a mix. A temporary file left by a writer
// that was killed is removed by the next save once that process is gone.
absl::Status SaveSnapshot(const Workspace& ws, const std::string& path);

// The snapshot's bytes (what SaveSnapshot writes).
absl::StatusOr<std::string> EncodeSnapshot(const Workspace& ws);
// The same bytes handed to `out` a frame at a time, so that memory stays at
// one frame; stops at the first error `out` returns.
absl::Status EncodeSnapshot(const Workspace& ws,
                            const std::function<absl::Status(std::string_view)>& out);

// What a snapshot says about itself.
struct SnapshotInfo {
  uint32_t major = 0, minor = 0;
  v1::SnapshotHeader header;
};

// A new workspace from a snapshot. DATA_LOSS for a truncated or corrupted
// file, FAILED_PRECONDITION for a newer major format version. `info`, when
// given, receives the file's version and header.
absl::StatusOr<std::unique_ptr<Workspace>> LoadSnapshot(const std::string& path,
                                                        SnapshotInfo* info = nullptr);
absl::StatusOr<std::unique_ptr<Workspace>> DecodeSnapshot(std::string_view bytes,
                                                          std::string_view name,
                                                          SnapshotInfo* info = nullptr);

// Hands the record frames of a snapshot file to `batch` in file order
// without building a workspace: memory stays at one frame however large the
// file. The magic, version and checksum are checked before the first frame
// is handed over, the record counts against the header's after the last
// (DATA_LOSS then, with every frame already handed over). References between
// records are not checked (LoadSnapshot does that).
absl::Status ReadSnapshotBatches(const std::string& path,
                                 const std::function<absl::Status(const v1::Batch&)>& batch,
                                 SnapshotInfo* info = nullptr);

}  // namespace mitra

#endif  // MITRA_CORE_SNAPSHOT_H_
