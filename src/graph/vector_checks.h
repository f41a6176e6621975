// Input checks shared by the centralities and Leiden: a per-node vector has
// one finite value per node (non-negative unless said otherwise). Errors
// name the vector as the caller does (`where`: "teleport",
// "request.pagerank.personalization") and the entry at fault ("<where>[2]").
#ifndef MITRA_SRC_GRAPH_VECTOR_CHECKS_H_
#define MITRA_SRC_GRAPH_VECTOR_CHECKS_H_

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "mitra/core/absl_view.h"

namespace mitra::graph {

inline absl::Status CheckNodeVector(const std::vector<double>& v, uint32_t n, std::string_view where,
                                    bool non_negative = true) {
  if (v.size() != n)
    return Invalid(Av(where), absl::StrCat(v.size(), " values, but the graph has ", n, " nodes"));
  for (uint32_t i = 0; i < n; ++i) {
    if (!std::isfinite(v[i]) || (non_negative && v[i] < 0))
      return Invalid(absl::StrCat(Av(where), "[", i, "]"),
                     absl::StrCat("must be finite", non_negative ? " and >= 0" : "", ", got ", v[i]));
  }
  return absl::OkStatus();
}

// v / sum(v); INVALID_ARGUMENT when the sum is not positive and finite.
inline absl::StatusOr<std::vector<double>> NormalisedDistribution(const std::vector<double>& v,
                                                                  uint32_t n,
                                                                  std::string_view where) {
  if (absl::Status s = CheckNodeVector(v, n, where); !s.ok()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  if (!(sum > 0)) return Invalid(Av(where), "must have a positive sum");
  if (!std::isfinite(sum)) return Invalid(Av(where), "must have a finite sum");
  std::vector<double> out(v);
  for (double& x : out) x /= sum;
  return out;
}

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_VECTOR_CHECKS_H_
