#include "mitra/graph/pagerank_block.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "kernels.h"

namespace mitra::graph {

absl::Status PageRankBlockProduct(const CsrGraph& g, uint32_t first, uint32_t last,
                                  absl::Span<const double> x, bool use_weights,
                                  absl::Span<double> y, double* dangling) {
  const uint32_t n = g.num_nodes();
  if (first > last || last > n) {
    return Invalid("first", absl::StrCat("the block [", first, ", ", last,
                                         ") must lie within the graph's ", n, " nodes"));
  }
  if (x.size() != last - first) {
    return Invalid("x", absl::StrCat(x.size(), " values, but the block [", first, ", ", last,
                                     ") has ", last - first, " nodes"));
  }
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) return Invalid(absl::StrCat("x[", i, "]"), absl::StrCat("must be finite, got ", x[i]));
  }
  if (y.size() != n) {
    return Invalid("y", absl::StrCat(y.size(), " values, but the graph has ", n, " nodes"));
  }
  const Adjacency& out = g.out();
  for (uint32_t u = 0; u < n; ++u) {
    if ((u < first || u >= last) && out.offsets[u + 1] > out.offsets[u]) {
      return Invalid("src", absl::StrCat("node ", u, " has out-edges but lies outside the block [",
                                         first, ", ", last, ")"));
    }
  }
  const bool weighted = use_weights && g.weighted();
  // The same out-weights, and so the same transition matrix, as PageRank's.
  const std::vector<double> w = OutWeights(g, weighted);
  std::vector<double> result(n, 0.0);
  double mass = 0;
  for (uint32_t u = first; u < last; ++u) {
    const double xu = x[u - first];
    if (w[u] == 0) {
      mass += xu;
      continue;
    }
    const double z = xu * (1.0 / w[u]);
    for (uint32_t p = out.offsets[u]; p < out.offsets[u + 1]; ++p) {
      result[out.targets[p]] += weighted ? out.weights[p] * z : z;
    }
  }
  std::copy(result.begin(), result.end(), y.begin());
  *dangling = mass;
  return absl::OkStatus();
}

}  // namespace mitra::graph
