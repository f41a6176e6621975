#include "mitra/core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/text_checks.h"

namespace mitra {

absl::Status FileError(std::string_view what, const std::string& path, int e) {
  std::string msg = absl::StrCat(Av(what), " ", QuotePath(path), ": ", std::strerror(e));
  switch (e) {
    case ENOENT: return absl::NotFoundError(msg);
    case EACCES: case EPERM: return absl::PermissionDeniedError(msg);
    case EISDIR: case ENOTDIR: return absl::InvalidArgumentError(msg);
    case ENOMEM: return absl::ResourceExhaustedError(msg);
    default: return absl::UnavailableError(msg);
  }
}

absl::StatusOr<std::unique_ptr<MappedFile>> MappedFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError("cannot open", path, errno);
  auto fail = [&](std::string_view what, int e) {
    ::close(fd);
    return FileError(what, path, e);
  };
  struct stat st;
  if (::fstat(fd, &st) != 0) return fail("cannot stat", errno);
  if (!S_ISREG(st.st_mode)) return fail("not a regular file:", S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
  const size_t size = static_cast<size_t>(st.st_size);
  const char* data = "";
  if (size > 0) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return fail("cannot read", errno);
    ::madvise(p, size, MADV_SEQUENTIAL);  // a hint only: its failure changes nothing
    data = static_cast<const char*>(p);
  }
  ::close(fd);  // the mapping keeps the file
  std::unique_ptr<MappedFile> f(new (std::nothrow) MappedFile(data, size));
  if (f == nullptr) {
    if (size > 0) ::munmap(const_cast<char*>(data), size);
    return absl::ResourceExhaustedError(absl::StrCat("out of memory mapping ", QuotePath(path)));
  }
  return f;
}

MappedFile::~MappedFile() {
  if (size_ > 0) ::munmap(const_cast<char*>(data_), size_);
}

void MappedFile::Release(size_t begin, size_t end) noexcept {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  begin = begin / page * page;
  end = std::min(end, size_) / page * page;
  if (end <= begin) return;
  // A hint: if it fails the pages merely stay resident.
  ::madvise(const_cast<char*>(data_) + begin, end - begin, MADV_DONTNEED);
}

}  // namespace mitra
