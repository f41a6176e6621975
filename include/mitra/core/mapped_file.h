// A whole file mapped read-only, for readers that pass over it once.
#ifndef MITRA_CORE_MAPPED_FILE_H_
#define MITRA_CORE_MAPPED_FILE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace mitra {

// Mapping rather than reading keeps a large CSV or snapshot out of the heap:
// the pages a reader is done with are handed back with Release(), so memory
// stays near one window of the file however large it is. The price: a file
// truncated by another process while it is being read raises SIGBUS on the
// missing pages instead of an error (ReadFile reports DATA_LOSS for that).
class MappedFile {
 public:
  // NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT (a folder or not a
  // regular file) ... naming the path, as ReadFile does.
  static absl::StatusOr<std::unique_ptr<MappedFile>> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view text() const { return {data_, size_}; }
  // Drops the resident pages of bytes [begin, end) (whole pages, rounded
  // down at both ends); reading them again later still works (the kernel
  // pages them back in from the file).
  void Release(size_t begin, size_t end) noexcept;

 private:
  MappedFile(const char* data, size_t size) : data_(data), size_(size) {}
  const char* data_;
  size_t size_;
};

// The status for a failed file call: errno mapped to a code, with `what`
// ("cannot open") and the quoted path in the message.
absl::Status FileError(std::string_view what, const std::string& path, int error_number);

}  // namespace mitra

#endif  // MITRA_CORE_MAPPED_FILE_H_
