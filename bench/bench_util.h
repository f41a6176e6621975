// What the benchmarks share: a fixed random generator for the synthetic
// workspaces, the bundled sample in a workspace, and the process's peak
// memory.
#ifndef MITRA_BENCH_BENCH_UTIL_H_
#define MITRA_BENCH_BENCH_UTIL_H_

#include <sys/resource.h>

#include <cstdint>

#include "common/sample_data.h"  // tests/common, header-only

namespace mitra::bench {

// splitmix64: a fixed, fully specified generator, so every run on every
// platform builds the same synthetic data.
struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // In [0, n), n <= 2^32 (the slight modulo bias does not matter here).
  uint32_t Below(uint64_t n) { return static_cast<uint32_t>(Next() % n); }
  // In [0, 1), 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
};

// The bundled sample (data/sample), loaded once per process.
using ::mitra::testing::SampleWorkspace;

// The process's maximum resident set so far, in MiB (Linux reports KiB).
inline double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

}  // namespace mitra::bench

#endif  // MITRA_BENCH_BENCH_UTIL_H_
