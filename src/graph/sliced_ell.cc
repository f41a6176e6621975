#include "sliced_ell.h"

#include <atomic>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MITRA_SLICED_ELL_AVX2 1
#include <immintrin.h>
#endif

namespace mitra::graph {
namespace {

constexpr uint32_t kLanes = SlicedEll::kLanes;

template <bool kWeighted, class T>
void PortableSums(const SlicedEll& e, uint32_t c, const T* z, double* out) {
  double a[kLanes] = {};
  const uint32_t* s = e.sources.data() + e.chunk_start[c];
  const double* w = kWeighted ? e.weights.data() + e.chunk_start[c] : nullptr;
  for (uint32_t j = 0; j < e.chunk_length[c]; ++j, s += kLanes) {
    for (uint32_t l = 0; l < kLanes; ++l) {
      if constexpr (kWeighted) {
        a[l] += w[l] * static_cast<double>(z[s[l]]);
      } else {
        a[l] += static_cast<double>(z[s[l]]);
      }
    }
    if constexpr (kWeighted) w += kLanes;
  }
  for (uint32_t l = 0; l < kLanes; ++l) out[l] = a[l];
}

#ifdef MITRA_SLICED_ELL_AVX2
// Four accumulators of four doubles: lanes 0-3, 4-7, 8-11, 12-15. Only
// "avx2" is enabled (no FMA), so a weighted slot is a product then a sum,
// as in the portable code.
template <bool kWeighted, class T>
__attribute__((target("avx2"))) void Avx2Sums(const SlicedEll& e, uint32_t c, const T* z,
                                               double* out) {
  __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  // The masked gathers with every lane on: the unmasked intrinsics leave
  // their pass-through operand undefined, which GCC 12 warns about.
  const __m256 all_ps = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
  const __m256d all_pd = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
  const __m256 zero_ps = _mm256_setzero_ps();
  const __m256d zero_pd = _mm256_setzero_pd();
  const uint32_t* s = e.sources.data() + e.chunk_start[c];
  const double* w = kWeighted ? e.weights.data() + e.chunk_start[c] : nullptr;
  for (uint32_t j = 0; j < e.chunk_length[c]; ++j, s += kLanes) {
    const __m256i i0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s));
    const __m256i i1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + 8));
    __m256d g0, g1, g2, g3;
    if constexpr (sizeof(T) == 4) {
      const float* zf = reinterpret_cast<const float*>(z);
      const __m256 f0 = _mm256_mask_i32gather_ps(zero_ps, zf, i0, all_ps, 4);
      const __m256 f1 = _mm256_mask_i32gather_ps(zero_ps, zf, i1, all_ps, 4);
      g0 = _mm256_cvtps_pd(_mm256_castps256_ps128(f0));
      g1 = _mm256_cvtps_pd(_mm256_extractf128_ps(f0, 1));
      g2 = _mm256_cvtps_pd(_mm256_castps256_ps128(f1));
      g3 = _mm256_cvtps_pd(_mm256_extractf128_ps(f1, 1));
    } else {
      const double* zd = reinterpret_cast<const double*>(z);
      g0 = _mm256_mask_i32gather_pd(zero_pd, zd, _mm256_castsi256_si128(i0), all_pd, 8);
      g1 = _mm256_mask_i32gather_pd(zero_pd, zd, _mm256_extracti128_si256(i0, 1), all_pd, 8);
      g2 = _mm256_mask_i32gather_pd(zero_pd, zd, _mm256_castsi256_si128(i1), all_pd, 8);
      g3 = _mm256_mask_i32gather_pd(zero_pd, zd, _mm256_extracti128_si256(i1, 1), all_pd, 8);
    }
    if constexpr (kWeighted) {
      g0 = _mm256_mul_pd(_mm256_loadu_pd(w), g0);
      g1 = _mm256_mul_pd(_mm256_loadu_pd(w + 4), g1);
      g2 = _mm256_mul_pd(_mm256_loadu_pd(w + 8), g2);
      g3 = _mm256_mul_pd(_mm256_loadu_pd(w + 12), g3);
      w += kLanes;
    }
    a0 = _mm256_add_pd(a0, g0);
    a1 = _mm256_add_pd(a1, g1);
    a2 = _mm256_add_pd(a2, g2);
    a3 = _mm256_add_pd(a3, g3);
  }
  _mm256_storeu_pd(out, a0);
  _mm256_storeu_pd(out + 4, a1);
  _mm256_storeu_pd(out + 8, a2);
  _mm256_storeu_pd(out + 12, a3);
}

bool CpuHasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}
#else
bool CpuHasAvx2() { return false; }
#endif

std::atomic<bool>& SimdAllowed() {
  static std::atomic<bool> allowed{true};
  return allowed;
}

std::atomic<uint32_t>& MinRows() {
  static std::atomic<uint32_t> rows{uint32_t{1} << 18};
  return rows;
}

bool UseSimd() {
  static const bool has = CpuHasAvx2();
  return has && SimdAllowed().load(std::memory_order_relaxed);
}

}  // namespace

template <bool kWeighted, class T>
void ChunkSums(const SlicedEll& e, uint32_t c, const T* z, double* out) {
#ifdef MITRA_SLICED_ELL_AVX2
  if (UseSimd()) {
    Avx2Sums<kWeighted, T>(e, c, z, out);
    return;
  }
#endif
  PortableSums<kWeighted, T>(e, c, z, out);
}

template void ChunkSums<false, float>(const SlicedEll&, uint32_t, const float*, double*);
template void ChunkSums<false, double>(const SlicedEll&, uint32_t, const double*, double*);
template void ChunkSums<true, float>(const SlicedEll&, uint32_t, const float*, double*);
template void ChunkSums<true, double>(const SlicedEll&, uint32_t, const double*, double*);

uint32_t SlicedEllLanes(uint32_t rows) {
  return rows >= MinRows().load(std::memory_order_relaxed) ? kLanes : 1;
}
void SetSlicedEllMinRows(uint32_t rows) { MinRows().store(rows, std::memory_order_relaxed); }

bool SlicedEllUsesSimd() { return UseSimd(); }
void SetSlicedEllSimd(bool allowed) { SimdAllowed().store(allowed, std::memory_order_relaxed); }

}  // namespace mitra::graph
