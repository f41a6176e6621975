// The mean of an estimate over independent draws (posterior worlds,
// batches) and its normal interval mean -+ z sd: the one summary of "how
// much the answer moves from world to world" that every estimate over
// uncertain parameters reports.
#ifndef MITRA_COMMON_WORLD_INTERVAL_H_
#define MITRA_COMMON_WORLD_INTERVAL_H_

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace mitra {

struct WorldInterval {
  double mean = 0, sd = 0, low = 0, high = 0;
};

// Over values[0], values[stride], ... (count >= 2 of them); sd with n - 1.
inline WorldInterval OverWorlds(const double* values, size_t count, double z, size_t stride = 1) {
  WorldInterval out;
  double sum = 0;
  for (size_t k = 0; k < count; ++k) sum += values[k * stride];
  out.mean = sum / static_cast<double>(count);
  double ss = 0;
  for (size_t k = 0; k < count; ++k) {
    const double d = values[k * stride] - out.mean;
    ss += d * d;
  }
  out.sd = std::sqrt(std::max(0.0, ss / static_cast<double>(count - 1)));
  out.low = out.mean - z * out.sd;
  out.high = out.mean + z * out.sd;
  return out;
}

}  // namespace mitra

#endif  // MITRA_COMMON_WORLD_INTERVAL_H_
