// Input checks shared by the centralities: per-node vectors must have one
// finite, non-negative value per node.
#ifndef MITRA_SRC_GRAPH_VECTOR_CHECKS_H_
#define MITRA_SRC_GRAPH_VECTOR_CHECKS_H_

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "mitra/core/absl_view.h"

namespace mitra::graph {

inline absl::Status CheckNodeVector(const std::vector<double>& v, uint32_t n,
                                    std::string_view what) {
  if (v.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat(Av(what), ": ", v.size(), " values for ", n, " nodes"));
  }
  for (uint32_t i = 0; i < n; ++i) {
    if (!(std::isfinite(v[i]) && v[i] >= 0)) {
      return absl::InvalidArgumentError(absl::StrCat(Av(what), ": value ", v[i], " of node ", i,
                                                     " is not finite and non-negative"));
    }
  }
  return absl::OkStatus();
}

// v / sum(v); INVALID_ARGUMENT when the sum is 0.
inline absl::StatusOr<std::vector<double>> NormalisedDistribution(const std::vector<double>& v,
                                                                  uint32_t n,
                                                                  std::string_view what) {
  if (absl::Status s = CheckNodeVector(v, n, what); !s.ok()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  if (!(sum > 0) || !std::isfinite(sum)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Av(what), ": the values must have a positive finite sum"));
  }
  std::vector<double> out(v);
  for (double& x : out) x /= sum;
  return out;
}

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_VECTOR_CHECKS_H_
