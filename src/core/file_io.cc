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

// Closes on every path out, the bad_alloc of a buffer included.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

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

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  // POSIX calls rather than iostreams: errno says exactly what failed, and
  // the only allocation is the string (bad_alloc, reported upstream).
  // stat first, so that a FIFO or a device is never even opened; the
  // non-blocking open and the fstat after it close the race with a file
  // swapped in between.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return errno == ENOENT ? Missing("cannot open", path) : FileError(errno, "cannot open", path);
  if (!S_ISREG(st.st_mode)) return NotRegular(path, st.st_mode);
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0)
    return errno == ENOENT ? Missing("cannot open", path) : FileError(errno, "cannot open", path);
  if (::fstat(fd.get(), &st) != 0) return FileError(errno, "cannot read", path);
  if (!S_ISREG(st.st_mode)) return NotRegular(path, st.st_mode);
  // Read the reported size, then on to the real end: /proc files report 0,
  // and a file may grow meanwhile.
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t r = ::read(fd.get(), text.data() + got, text.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return FileError(errno, "cannot read", path);
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  if (got < text.size())
    return absl::DataLossError(absl::StrCat(QuotePath(path), " shrank while being read"));
  char more[16384];
  while (true) {
    const ssize_t r = ::read(fd.get(), more, sizeof more);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return FileError(errno, "cannot read", path);
    if (r == 0) break;
    text.append(more, static_cast<size_t>(r));
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

absl::Status WriteFile(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
  if (fd < 0) return FileError(errno, "cannot write", path);
  const int err = WriteAll(fd, bytes);
  // close() reports what a network file system deferred.
  const int closed = ::close(fd) == 0 ? 0 : errno;
  if (err != 0 || closed != 0) return FileError(err != 0 ? err : closed, "cannot write", path);
  return absl::OkStatus();
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
