// The Cholesky factor of a small symmetric matrix (a fit's Hessian, a
// covariance): what the standard errors and the parameter draws share.
#ifndef MITRA_SRC_VALUE_CHOLESKY_H_
#define MITRA_SRC_VALUE_CHOLESKY_H_

#include <cmath>
#include <cstddef>
#include <vector>

namespace mitra::value {

// Lower-triangular l (row-major, n x n) with l l' = a; false when a is not
// positive definite (or not finite).
inline bool Cholesky(const std::vector<double>& a, size_t n, std::vector<double>& l) {
  l.assign(n * n, 0);
  for (size_t j = 0; j < n; ++j) {
    double s = a[j * n + j];
    for (size_t k = 0; k < j; ++k) s -= l[j * n + k] * l[j * n + k];
    if (!(s > 0) || !std::isfinite(s)) return false;
    l[j * n + j] = std::sqrt(s);
    for (size_t i = j + 1; i < n; ++i) {
      double t = a[i * n + j];
      for (size_t k = 0; k < j; ++k) t -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = t / l[j * n + j];
    }
  }
  return true;
}

}  // namespace mitra::value

#endif  // MITRA_SRC_VALUE_CHOLESKY_H_
