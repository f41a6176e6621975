#include "mitra/core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/text_checks.h"

namespace mitra {
namespace {

std::string_view TypeName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

absl::Status NotRegular(const std::string& path, mode_t mode) {
  return absl::InvalidArgumentError(absl::StrCat("cannot read ", QuotePath(path),
                                                 ": not a regular file (", Av(TypeName(mode)),
                                                 ")"));
}

// stat() failed with ENOENT: say so plainly when the name is a symlink.
absl::Status Missing(std::string_view what, const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
    return absl::NotFoundError(absl::StrCat(Av(what), " ", QuotePath(path),
                                            ": dangling symbolic link (its target does not exist)"));
  return FileError(ENOENT, what, path);
}

}  // namespace

absl::StatusCode ErrnoCode(int err) {
  switch (err) {
    case ENOENT:
      return absl::StatusCode::kNotFound;
    case EACCES: case EPERM: case EROFS:
      return absl::StatusCode::kPermissionDenied;
    case ELOOP: case ENAMETOOLONG: case EISDIR: case ENOTDIR: case ENXIO: case ENODEV:
    case EINVAL:
      return absl::StatusCode::kInvalidArgument;
    case ENOSPC: case EDQUOT: case ENOMEM: case EMFILE: case ENFILE: case EFBIG: case EOVERFLOW:
      return absl::StatusCode::kResourceExhausted;
    case EEXIST:
      return absl::StatusCode::kAlreadyExists;
    case EINTR: case EAGAIN: case EBUSY: case ETXTBSY: case ETIMEDOUT: case ESTALE: case EIO:
    case ENOLCK: case EPIPE: case ECONNRESET:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kUnknown;
  }
}

absl::Status FileError(int err, std::string_view what, std::string_view path) {
  return absl::Status(ErrnoCode(err), absl::StrCat(Av(what), " ", QuotePath(path), ": ",
                                                   std::strerror(err)));
}

FileReader::~FileReader() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status FileReader::Open(const std::string& path) {
  // stat first, so that a FIFO or a device is never even opened; the
  // non-blocking open and the fstat after it close the race with a file
  // swapped in between.
  path_ = path;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return errno == ENOENT ? Missing("cannot open", path) : FileError(errno, "cannot open", path);
  if (!S_ISREG(st.st_mode)) return NotRegular(path, st.st_mode);
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd_ < 0)
    return errno == ENOENT ? Missing("cannot open", path) : FileError(errno, "cannot open", path);
  if (::fstat(fd_, &st) != 0) return FileError(errno, "cannot read", path);
  if (!S_ISREG(st.st_mode)) return NotRegular(path, st.st_mode);
  size_ = static_cast<uint64_t>(st.st_size);
  return absl::OkStatus();
}

absl::StatusOr<size_t> FileReader::Read(char* to, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd_, to + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return FileError(errno, "cannot read", path_);
    if (r == 0) break;
    got += static_cast<size_t>(r);
    offset_ += static_cast<uint64_t>(r);
  }
  if (got < n && offset_ < size_)
    return absl::DataLossError(absl::StrCat(QuotePath(path_), " shrank while being read"));
  return got;
}

absl::Status FileReader::ReadAt(uint64_t at, char* to, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd_, to + got, n - got, static_cast<off_t>(at + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return FileError(errno, "cannot read", path_);
    if (r == 0)
      return absl::DataLossError(absl::StrCat(QuotePath(path_), " shrank while being read"));
    got += static_cast<size_t>(r);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  // POSIX calls rather than iostreams: errno says exactly what failed, and
  // the only allocation is the string (bad_alloc, reported upstream).
  FileReader file;
  if (absl::Status s = file.Open(path); !s.ok()) return s;
  // Read the reported size, then on to the real end: /proc files report 0,
  // and a file may grow meanwhile.
  std::string text(static_cast<size_t>(file.size()), '\0');
  absl::StatusOr<size_t> got = file.Read(text.data(), text.size());
  if (!got.ok()) return got.status();
  char more[16384];
  while (true) {
    absl::StatusOr<size_t> r = file.Read(more, sizeof more);
    if (!r.ok()) return r.status();
    if (*r == 0) break;
    text.append(more, *r);
  }
  return text;
}

int WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t w = ::write(fd, bytes.data(), bytes.size());
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return errno;
    bytes.remove_prefix(static_cast<size_t>(w));
  }
  return 0;
}

FileWriter::~FileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status FileWriter::Open(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
  if (fd_ < 0) return FileError(errno, "cannot write", path);
  struct stat st;
  regular_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
  return absl::OkStatus();
}

absl::Status FileWriter::Write(std::string_view bytes) {
  if (const int err = WriteAll(fd_, bytes); err != 0) return FileError(err, "cannot write", path_);
  return absl::OkStatus();
}

absl::Status FileWriter::Close() {
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return FileError(errno, "cannot write", path_);
  return absl::OkStatus();
}

absl::Status WriteFile(const std::string& path, std::string_view bytes) {
  FileWriter file;
  if (absl::Status s = file.Open(path); !s.ok()) return s;
  absl::Status written = file.Write(bytes);
  // close() reports what a network file system deferred.
  absl::Status closed = file.Close();
  return written.ok() ? closed : written;
}

absl::StatusOr<PathKind> ProbePath(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    if (e != ENOENT) return FileError(e, "cannot open", path);
    if (::lstat(path.c_str(), &st) != 0) return PathKind::kMissing;
    return Missing("cannot open", path);
  }
  if (S_ISREG(st.st_mode)) return PathKind::kRegular;
  if (S_ISDIR(st.st_mode)) return PathKind::kDirectory;
  return PathKind::kOther;
}

}  // namespace mitra
