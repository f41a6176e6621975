// Files as the library and the CLI touch them: one reader, one plain writer,
// a probe that never throws, and one table from errno to status code. Every
// file operation goes through these, so a FIFO, a device or a symlink loop
// fails the same clear way everywhere (docs/CSV.md, "Files").
#ifndef MITRA_CORE_FILE_IO_H_
#define MITRA_CORE_FILE_IO_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace mitra {

// The status code of a failed system call's errno:
//   ENOENT                                            NOT_FOUND
//   EACCES EPERM EROFS                                PERMISSION_DENIED
//   ELOOP ENAMETOOLONG EISDIR ENOTDIR ENXIO ENODEV
//   EINVAL                                            INVALID_ARGUMENT
//   ENOSPC EDQUOT ENOMEM EMFILE ENFILE EFBIG EOVERFLOW RESOURCE_EXHAUSTED
//   EEXIST                                            ALREADY_EXISTS
//   EINTR EAGAIN EBUSY ETXTBSY ETIMEDOUT ESTALE EIO
//   ENOLCK EPIPE ECONNRESET                           UNAVAILABLE (may pass)
//   anything else                                     UNKNOWN
absl::StatusCode ErrnoCode(int err);

// "WHAT "PATH": <strerror(err)>" with ErrnoCode(err).
absl::Status FileError(int err, std::string_view what, std::string_view path);

// The whole content of the regular file at `path` (symlinks followed).
// Anything else (a directory, FIFO, socket or device) is INVALID_ARGUMENT
// "not a regular file", found without reading it, so nothing can block.
// The file is read to its end: files that report size 0 (/proc, /sys) give
// their real content. Other failures follow ErrnoCode and name the path; a
// dangling symbolic link is NOT_FOUND and says so; a file that shrinks while
// being read is DATA_LOSS.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Creates or truncates `path` (mode 0666 less the umask, as a shell
// redirection does) and writes `bytes`: for outputs such as `mitra export
// -o FILE`, which may be a FIFO or /dev/stdout. Not atomic (snapshots use
// ReplaceFileAtomically). Errors follow ErrnoCode and name the path.
absl::Status WriteFile(const std::string& path, std::string_view bytes);

// Writes all of `bytes` to `fd`, retrying short writes and EINTR. Returns 0,
// or the errno of the failure.
int WriteAll(int fd, std::string_view bytes);

// What is at `path`, without reading it and without exceptions.
enum class PathKind { kMissing, kRegular, kDirectory, kOther };
// Follows symlinks. kMissing only when nothing is there at all (ENOENT on
// lstat too); a dangling symlink, a loop or an unreadable folder is an error
// naming the path.
absl::StatusOr<PathKind> ProbePath(const std::string& path);

}  // namespace mitra

#endif  // MITRA_CORE_FILE_IO_H_
