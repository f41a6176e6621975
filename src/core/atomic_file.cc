#include "mitra/core/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/crc32c.h"
#include "mitra/core/file_io.h"
#include "mitra/core/text_checks.h"

namespace mitra {
namespace {

constexpr std::string_view kTmpTag = ".mitra-tmp.";
constexpr size_t kRandomDigits = 16;

std::string RandomHex() {
  uint64_t r = 0;
  if (::getrandom(&r, sizeof r, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof r)) {
    // No entropy yet (early boot): unique within this host is still enough,
    // as O_EXCL catches any clash.
    static std::atomic<uint64_t> counter{0};
    r = (uint64_t(::getpid()) << 40) ^ uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()) ^
        (counter++ * 0x9E3779B97F4A7C15ull);
  }
  // By hand: absl::StrFormat cannot pass an allocation failure on (the
  // Debian build terminates), and this runs under the out-of-memory sweep.
  std::string out(kRandomDigits, '0');
  for (size_t i = kRandomDigits; i-- > 0; r >>= 4) out[i] = "0123456789abcdef"[r & 0xF];
  return out;
}

bool IsHexTail(std::string_view s) {
  if (s.size() != kRandomDigits) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Still the file `fd` holds, under `name` in `dfd`?
bool NameIsFd(int dfd, const char* name, int fd) {
  struct stat by_name, by_fd;
  return ::fstatat(dfd, name, &by_name, AT_SYMLINK_NOFOLLOW) == 0 && ::fstat(fd, &by_fd) == 0 &&
         SameFile(by_name, by_fd);
}

// Removes the temporaries of dead writers (see the header). Best effort:
// every failure just leaves the file. POSIX calls, not std::filesystem:
// libstdc++'s noexcept directory_iterator allocates, and an allocation
// failure there terminates the process.
void RemoveDeadTemporaries(int dfd, const std::string& prefix, std::string_view magic) {
  const int scan = ::fcntl(dfd, F_DUPFD_CLOEXEC, 0);
  if (scan < 0) return;
  DIR* d = ::fdopendir(scan);
  if (d == nullptr) {
    ::close(scan);
    return;
  }
  ::rewinddir(d);
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name(e->d_name);
    if (name.substr(0, prefix.size()) != prefix || !IsHexTail(name.substr(prefix.size())))
      continue;
    // Read-write where permitted: NFS emulates flock with byte-range locks,
    // whose exclusive form needs a writable descriptor. Nothing is written.
    constexpr int kFlags = O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
    int fd = ::openat(dfd, e->d_name, O_RDWR | kFlags);
    if (fd < 0) fd = ::openat(dfd, e->d_name, O_RDONLY | kFlags);
    if (fd < 0) continue;
    struct stat st;
    char head[16] = {};
    bool remove = false;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      const size_t want = magic.size() < sizeof head ? magic.size() : sizeof head;
      const ssize_t n = ::pread(fd, head, want, 0);
      // Whole magic, or a file that is all a prefix of it (killed early).
      remove = n >= 0 && std::memcmp(head, magic.data(), static_cast<size_t>(n)) == 0 &&
               (static_cast<size_t>(n) == want || st.st_size == n) &&
               NameIsFd(dfd, e->d_name, fd);
    }
    if (remove) ::unlinkat(dfd, e->d_name, 0);
    ::close(fd);
  }
  ::closedir(d);
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Owns the temporary until it is renamed: closes and removes it otherwise.
struct Temporary {
  int dfd = -1;
  int fd = -1;
  std::string name;
  bool renamed = false;
  ~Temporary() {
    if (fd >= 0) {
      if (!renamed) ::unlinkat(dfd, name.c_str(), 0);
      ::close(fd);  // drops the lock, after the name is gone
    }
    if (dfd >= 0) ::close(dfd);
  }
};

// Writes a file's bytes as they come. Once a file passes one block, it goes to
// the disk with O_DIRECT: its bytes must reach the disk before the rename
// anyway (fsync), and a buffered write first copies each of them into the
// page cache, which was a fifth of a large import's CPU time (and the disk
// takes direct writes of whole blocks faster than the flush of the page
// cache). Bytes gather in an aligned block and go out a block at a time;
// the last block is padded to the alignment and the padding cut off again.
// Where direct I/O is refused (tmpfs, an odd block size: EINVAL) or the
// block cannot be allocated, plain writes carry on from where it stopped:
// the bytes in the file are the same either way.
class FileSink {
 public:
  explicit FileSink(int fd) : fd_(fd) {}
  ~FileSink() { std::free(block_); }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  // 0 or an errno.
  int Write(std::string_view piece) {
    size_ += piece.size();
    if (plain_) return WriteAll(fd_, piece);
    if (block_ == nullptr) {
      void* p = nullptr;
      if (::posix_memalign(&p, kAlign, kBlock) != 0) {
        plain_ = true;
        return WriteAll(fd_, piece);
      }
      block_ = static_cast<char*>(p);
    }
    while (!piece.empty()) {
      const size_t k = std::min(kBlock - used_, piece.size());
      std::memcpy(block_ + used_, piece.data(), k);
      used_ += k;
      piece.remove_prefix(k);
      if (used_ == kBlock) {
        if (!direct_ && !plain_) StartDirect();
        if (const int err = Out(kBlock, kBlock); err != 0) return err;
        used_ = 0;
        if (plain_) return WriteAll(fd_, piece);
      }
    }
    return 0;
  }

  // Writes what is left; 0 or an errno.
  int Finish() {
    if (used_ > 0) {
      const size_t padded = direct_ ? (used_ + kAlign - 1) / kAlign * kAlign : used_;
      std::memset(block_ + used_, 0, padded - used_);
      if (const int err = Out(padded, used_); err != 0) return err;
      used_ = 0;
    }
    const off_t end = ::lseek(fd_, 0, SEEK_CUR);
    if (end < 0) return errno;
    if (static_cast<uint64_t>(end) != size_ && ::ftruncate(fd_, static_cast<off_t>(size_)) != 0)
      return errno;
    return 0;
  }

 private:
  static constexpr size_t kAlign = 4096;
  static constexpr size_t kBlock = size_t{4} << 20;

  void StartDirect() {
    const int flags = ::fcntl(fd_, F_GETFL);
    direct_ = flags >= 0 && ::fcntl(fd_, F_SETFL, flags | O_DIRECT) == 0;
    plain_ = !direct_;
  }
  void StopDirect() {
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags >= 0) (void)::fcntl(fd_, F_SETFL, flags & ~O_DIRECT);
    direct_ = false;
    plain_ = true;
  }
  // Writes the block's first `n` bytes, of which the first `real` are the
  // file's (the rest padding, written only while direct).
  int Out(size_t n, size_t real) {
    size_t done = 0;
    while (direct_ && done < n) {
      const ssize_t w = ::write(fd_, block_ + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && errno == EINVAL) {
        StopDirect();
        break;
      }
      if (w < 0) return errno;
      done += static_cast<size_t>(w);
    }
    if (done >= real) return 0;
    return WriteAll(fd_, std::string_view(block_ + done, real - done));
  }

  int fd_;
  char* block_ = nullptr;  // kBlock bytes at kAlign
  size_t used_ = 0;
  uint64_t size_ = 0;
  bool direct_ = false;
  bool plain_ = false;  // direct I/O given up: every byte written as it comes
};

}  // namespace

std::string TemporaryPrefix(std::string_view name) {
  const uint32_t crc = Crc32c(0, name.data(), name.size());
  // NAME_MAX less the dot, "~", the checksum, the tag and the random digits.
  const size_t room = NAME_MAX - 1 - 1 - 8 - kTmpTag.size() - kRandomDigits;
  size_t keep = name.size() < room ? name.size() : room;
  // Do not cut a UTF-8 character in two.
  while (keep > 0 && keep < name.size() && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80)
    --keep;
  return absl::StrCat(".", Av(name.substr(0, keep)), "~", absl::Hex(crc, absl::kZeroPad8), Av(kTmpTag));
}

absl::Status ReplaceFileAtomically(const std::string& path, std::string_view bytes,
                                   std::string_view magic) {
  return ReplaceFileAtomically(
      path, [&](const ByteSink& out) { return out(bytes); }, magic);
}

absl::Status ReplaceFileAtomically(const std::string& path,
                                   const std::function<absl::Status(const ByteSink&)>& produce,
                                   std::string_view magic) {
  const size_t slash = path.rfind('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..")
    return absl::InvalidArgumentError(
        absl::StrCat("cannot save ", QuotePath(path), ": not a file name"));
  Temporary tmp;
  tmp.dfd = ::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (tmp.dfd < 0) return FileError(errno, "cannot save", path);

  struct stat target;
  const bool exists = ::fstatat(tmp.dfd, name.c_str(), &target, 0) == 0;
  if (!exists && errno != ENOENT) return FileError(errno, "cannot save", path);
  if (exists && !S_ISREG(target.st_mode))
    return absl::InvalidArgumentError(
        absl::StrCat("cannot save ", QuotePath(path), ": not a regular file"));

  const std::string prefix = TemporaryPrefix(name);
  RemoveDeadTemporaries(tmp.dfd, prefix, magic);

  // Create and lock. A cleaner that got to the empty file first may remove
  // it: then its name no longer leads to our file, and we try again.
  for (int attempt = 0;; ++attempt) {
    if (attempt == 16)
      return absl::UnavailableError(
          absl::StrCat("cannot save ", QuotePath(path), ": no temporary file could be claimed"));
    tmp.name = prefix + RandomHex();
    tmp.fd = ::openat(tmp.dfd, tmp.name.c_str(),
                      O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (tmp.fd < 0) {
      if (errno == EEXIST) continue;
      return FileError(errno, "cannot save", path);
    }
    const bool locked = ::flock(tmp.fd, LOCK_EX | LOCK_NB) == 0;
    // No lock support (EINVAL, ENOLCK, EOPNOTSUPP): go on unlocked; no
    // cleaner can take the lock there either, so none removes the file.
    const bool busy = !locked && errno == EWOULDBLOCK;
    const bool mine = NameIsFd(tmp.dfd, tmp.name.c_str(), tmp.fd);
    if (!busy && mine) break;
    if (mine) ::unlinkat(tmp.dfd, tmp.name.c_str(), 0);
    ::close(tmp.fd);
    tmp.fd = -1;
  }

  if (exists) {
    // chown first: it clears set-id bits that the chmod then restores.
    struct stat mine;
    if (::fstat(tmp.fd, &mine) == 0 && (mine.st_uid != target.st_uid || mine.st_gid != target.st_gid)) {
      if (::fchown(tmp.fd, target.st_uid, target.st_gid) != 0)
        (void)::fchown(tmp.fd, static_cast<uid_t>(-1), target.st_gid);  // at least the group
    }
    if (::fchmod(tmp.fd, target.st_mode & 07777) != 0) return FileError(errno, "cannot save", path);
  }
  FileSink sink(tmp.fd);
  absl::Status produced = produce([&](std::string_view piece) -> absl::Status {
    if (const int err = sink.Write(piece); err != 0) return FileError(err, "cannot save", path);
    return absl::OkStatus();
  });
  if (!produced.ok()) return produced;
  if (const int err = sink.Finish(); err != 0) return FileError(err, "cannot save", path);
  if (::fsync(tmp.fd) != 0) return FileError(errno, "cannot save", path);
  if (::renameat(tmp.dfd, tmp.name.c_str(), tmp.dfd, name.c_str()) != 0)
    return FileError(errno, "cannot save", path);
  tmp.renamed = true;
  // The rename itself is durable only once the folder is synced.
  ::fsync(tmp.dfd);
  return absl::OkStatus();
}

}  // namespace mitra
