// An uninitialised array; from 2 MiB up on transparent huge pages where
// the system offers them (madvise mode). The graph kernels' arc arrays are
// written once and then read at random: with 4 KiB pages the first-touch
// page faults and the zeroing a std::vector does cost about as much as the
// writes themselves, and most random reads would also miss the TLB.
#ifndef MITRA_SRC_GRAPH_HUGE_ARRAY_H_
#define MITRA_SRC_GRAPH_HUGE_ARRAY_H_

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <cstddef>
#include <cstdlib>
#include <new>
#include <utility>

namespace mitra::graph {

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
  // Drops the contents; the new n elements are uninitialised. Aligned to
  // 64 bytes at least (a cache line, and what aligned vector loads need).
  void Reset(size_t n) {
    std::free(p_);
    p_ = nullptr;
    n_ = n;
    if (n == 0) return;
    size_t bytes = n * sizeof(T);
    constexpr size_t kHuge = size_t{1} << 21;
    const size_t align = bytes >= kHuge ? kHuge : 64;
    bytes = (bytes + align - 1) / align * align;
    p_ = static_cast<T*>(std::aligned_alloc(align, bytes));
    if (p_ == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    if (align == kHuge) madvise(p_, bytes, MADV_HUGEPAGE);
#endif
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

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_HUGE_ARRAY_H_
