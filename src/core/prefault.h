// Mapping in memory that is about to be written, in one call.
#ifndef MITRA_SRC_CORE_PREFAULT_H_
#define MITRA_SRC_CORE_PREFAULT_H_

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace mitra {

// Maps in the pages of `n` elements from `at` on, which the caller is about
// to write, in one call rather than a page fault per page as the writes
// reach them: on this project's virtual machines a fault costs several
// microseconds, most of it entering and leaving the kernel. Only whole pages
// inside the range. A hint: a kernel without MADV_POPULATE_WRITE (before
// 5.14), or a failure, changes nothing but the speed.
template <typename T>
void Prefault(T* at, size_t n) noexcept {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(at) + page - 1) / page * page;
  const uintptr_t end = reinterpret_cast<uintptr_t>(at + n) / page * page;
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
  (void)at;
  (void)n;
#endif
}

}  // namespace mitra

#endif  // MITRA_SRC_CORE_PREFAULT_H_
