// Files as the library and the CLI touch them: one reader, one plain writer,
// a probe that never throws, and one table from errno to status code. Every
// file operation goes through these, so a FIFO, a device or a symlink loop
// fails the same clear way everywhere (docs/CSV.md, "Files").
#ifndef MITRA_CORE_FILE_IO_H_
#define MITRA_CORE_FILE_IO_H_

#include <cstddef>
#include <cstdint>
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

// A regular file read in bounded pieces with read() (never mapped: a file
// truncated by another process under a mapping raises SIGBUS and kills the
// host), opened with ReadFile's checks and errors. Closes on destruction.
class FileReader {
 public:
  FileReader() = default;
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  // Opens `path` as ReadFile does: anything but a regular file is
  // INVALID_ARGUMENT before it is opened, errors follow ErrnoCode.
  absl::Status Open(const std::string& path);
  // The next bytes, up to `n` (fewer only at the end of the file), from where
  // the last Read ended; 0 at the end. A file that ends before the size it
  // had when opened (truncated meanwhile) is DATA_LOSS naming the path.
  absl::StatusOr<size_t> Read(char* to, size_t n);
  // Exactly `n` bytes at offset `at`; DATA_LOSS naming the path if the file
  // ends first. Does not move Read's position.
  absl::Status ReadAt(uint64_t at, char* to, size_t n);
  // The size when opened.
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t offset_ = 0;
  std::string path_;
};

// Creates or truncates `path` (mode 0666 less the umask, as a shell
// redirection does) and writes `bytes`: for outputs such as `mitra export
// -o FILE`, which may be a FIFO or /dev/stdout. Not atomic (snapshots use
// ReplaceFileAtomically). Errors follow ErrnoCode and name the path.
absl::Status WriteFile(const std::string& path, std::string_view bytes);

// WriteFile a piece at a time, for outputs too large to hold at once.
class FileWriter {
 public:
  FileWriter() = default;
  ~FileWriter();  // closes, if Close was not called
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Creates or truncates `path` as WriteFile does.
  absl::Status Open(const std::string& path);
  absl::Status Write(std::string_view bytes);
  // Closes, reporting what a network file system deferred.
  absl::Status Close();
  // Whether what Open opened is a regular file (not a FIFO or a device),
  // which may be removed after a failure.
  bool regular() const { return regular_; }

 private:
  int fd_ = -1;
  bool regular_ = false;
  std::string path_;
};

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
