// Snapshot files: a whole workspace on disk (layout in
// proto/mitra/v1/snapshot.proto).
#ifndef MITRA_CORE_SNAPSHOT_H_
#define MITRA_CORE_SNAPSHOT_H_

#include <cstdint>
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

// What a snapshot says about itself.
struct SnapshotInfo {
  uint32_t major = 0, minor = 0;
  v1::SnapshotHeader header;
};

// A new workspace from a snapshot. DATA_LOSS for a truncated or corrupted
// file (the checksum is checked before any field, the version included),
// FAILED_PRECONDITION for a newer major format version. The file is read
// with ReadFile (file_io.h). `info`, when
// given, receives the file's version and header.
absl::StatusOr<std::unique_ptr<Workspace>> LoadSnapshot(const std::string& path,
                                                        SnapshotInfo* info = nullptr);
absl::StatusOr<std::unique_ptr<Workspace>> DecodeSnapshot(std::string_view bytes,
                                                          std::string_view name,
                                                          SnapshotInfo* info = nullptr);

}  // namespace mitra

#endif  // MITRA_CORE_SNAPSHOT_H_
