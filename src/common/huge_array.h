// Uninitialised memory, from 2 MiB up on transparent huge pages where the
// system offers them (madvise mode). Large arrays that are written once and
// then read at random (graph kernels' arcs, the id tables' slots) pay for
// 4 KiB pages twice: a first-touch page fault per page, and a TLB miss on
// most random reads (a nested page walk under virtualisation).
#ifndef MITRA_SRC_COMMON_HUGE_ARRAY_H_
#define MITRA_SRC_COMMON_HUGE_ARRAY_H_

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <cstddef>
#include <cstdlib>
#include <new>
#include <utility>

namespace mitra {

// `bytes` of memory aligned to 64 bytes at least (a cache line, and what
// aligned vector loads need); from 2 MiB up aligned to 2 MiB and advised
// onto huge pages. Free with std::free. Throws std::bad_alloc.
inline void* AllocateLarge(size_t bytes) {
  constexpr size_t kHuge = size_t{1} << 21;
  const size_t align = bytes >= kHuge ? kHuge : 64;
  bytes = (bytes + align - 1) / align * align;
  void* p = std::aligned_alloc(align, bytes);
  if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  if (align == kHuge) madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return p;
}

template <class T>
class HugeArray {
 public:
  HugeArray() = default;
  explicit HugeArray(size_t n) { Reset(n); }
  HugeArray(HugeArray&& o) noexcept
      : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  HugeArray& operator=(HugeArray&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  HugeArray(const HugeArray&) = delete;
  HugeArray& operator=(const HugeArray&) = delete;
  ~HugeArray() { std::free(p_); }
  // Drops the contents; the new n elements are uninitialised.
  void Reset(size_t n) {
    std::free(p_);
    p_ = nullptr;
    n_ = 0;
    if (n == 0) return;
    p_ = static_cast<T*>(AllocateLarge(n * sizeof(T)));
    n_ = n;
  }
  T* data() { return p_; }
  const T* data() const { return p_; }
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }
  size_t size() const { return n_; }

 private:
  T* p_ = nullptr;
  size_t n_ = 0;
};

}  // namespace mitra

#endif  // MITRA_SRC_COMMON_HUGE_ARRAY_H_
