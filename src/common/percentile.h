// The empirical quantile of a sample (bootstrap intervals): linear
// interpolation between order statistics (Hyndman & Fan's type 7, R's and
// numpy's default), in linear time.
#ifndef MITRA_SRC_COMMON_PERCENTILE_H_
#define MITRA_SRC_COMMON_PERCENTILE_H_

#include <algorithm>
#include <cstddef>
#include <vector>

namespace mitra {

// The q-quantile of v (q in [0, 1], v not empty); v is reordered.
inline double Percentile(std::vector<double>& v, double q) {
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  std::nth_element(v.begin(), v.begin() + i, v.end());
  const double lo = v[i];
  if (i + 1 >= v.size()) return lo;
  const double hi = *std::min_element(v.begin() + i + 1, v.end());
  return lo + (pos - static_cast<double>(i)) * (hi - lo);
}

}  // namespace mitra

#endif  // MITRA_SRC_COMMON_PERCENTILE_H_
