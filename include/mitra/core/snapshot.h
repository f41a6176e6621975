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

// Writes the snapshot with ReplaceFileAtomically (atomic_file.h): after a
// crash `path` holds the old snapshot or the new one, never a mix; the
// temporary name always fits NAME_MAX; temporaries of writers that died are
// removed by the next save, never a live writer's or a stranger's file; the
// target's mode and owner carry over and a new file is 0600.
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
// file (the checksum is checked before any field, the version included),
// FAILED_PRECONDITION for a newer major format version. The file is opened
// with FileReader (file_io.h) and read with read(), a slice or a frame at a
// time, never mapped: memory is the workspace plus one frame, and a file
// truncated meanwhile is DATA_LOSS, not a crash. `info`, when given,
// receives the file's version and header.
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
