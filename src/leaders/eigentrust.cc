#include "mitra/leaders/eigentrust.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "mitra/graph/csr_graph.h"
#include "mitra/graph/pagerank.h"

namespace mitra::leaders {

absl::StatusOr<EigenTrustResult> EigenTrust(uint32_t n, absl::Span<const uint32_t> src,
                                            absl::Span<const uint32_t> dst,
                                            absl::Span<const double> local,
                                            const EigenTrustOptions& o) {
  if (absl::Status s = CheckRange(o.a, o.names("a"), o.a > 0 && o.a <= 1, "in (0, 1]"); !s.ok())
    return s;
  if (absl::Status s = CheckRange(o.tolerance, o.names("tolerance"), o.tolerance >= 0, "finite and >= 0");
      !s.ok())
    return s;
  if (o.max_iterations < 1)
    return Invalid(o.names("max_iterations"), absl::StrCat("must be >= 1, got ", o.max_iterations));
  if (src.size() != dst.size() || src.size() != local.size()) {
    return absl::InvalidArgumentError(absl::StrCat("eigentrust: src (", src.size(), "), dst (",
                                                   dst.size(), ") and local (", local.size(),
                                                   ") must have the same length"));
  }
  for (size_t i = 0; i < src.size(); ++i) {
    if (src[i] >= n || dst[i] >= n) {
      return absl::InvalidArgumentError(absl::StrCat("eigentrust: edge ", i, " (", src[i], " -> ",
                                                     dst[i], ") out of range (", n, " nodes)"));
    }
    if (!std::isfinite(local[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("eigentrust: local[", i, "] ", local[i], " must be finite"));
    }
  }
  std::vector<double> teleport;
  if (!o.pretrusted.empty()) {
    teleport.assign(n, 0.0);
    for (size_t i = 0; i < o.pretrusted.size(); ++i) {
      if (o.pretrusted[i] >= n) {
        return Invalid(absl::StrCat(o.names("pretrusted"), "[", i, "]"),
                       absl::StrCat("node ", o.pretrusted[i], " out of range (", n, " nodes)"));
      }
      teleport[o.pretrusted[i]] = 1.0;  // a set: duplicates count once
    }
  }
  EigenTrustResult out;
  if (n == 0) {
    out.converged = true;
    return out;
  }

  // s_ij summed per pair, then clipped at 0; self-trust is dropped.
  std::vector<uint32_t> order(src.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return src[x] != src[y] ? src[x] < src[y] : dst[x] < dst[y];
  });
  std::vector<graph::NodeId> s2, d2;
  std::vector<double> w2;
  for (size_t i = 0; i < order.size();) {
    const uint32_t u = src[order[i]], v = dst[order[i]];
    double sum = 0;
    size_t j = i;
    for (; j < order.size() && src[order[j]] == u && dst[order[j]] == v; ++j) {
      sum += local[order[j]];
    }
    if (u != v && sum > 0) {
      s2.push_back(u);
      d2.push_back(v);
      w2.push_back(sum);
    }
    i = j;
  }
  graph::BuildOptions bo;
  bo.directed = true;
  bo.keep_self_loops = false;
  auto g = graph::CsrGraph::FromEdges(n, s2, d2, w2, bo);
  if (!g.ok()) return g.status();

  // t = (1 - a) C^T t + a p, a member trusting nobody following p: PageRank
  // with damping 1 - a and teleport p.
  graph::PageRankOptions po;
  po.damping = 1 - o.a;
  po.tolerance = o.tolerance;
  po.max_iterations = o.max_iterations;
  po.teleport = std::move(teleport);
  po.use_weights = true;
  auto pr = graph::PageRank(*g, po);
  if (!pr.ok()) return pr.status();
  out.trust = std::move(pr->rank);
  out.iterations = pr->iterations;
  out.converged = pr->converged;
  return out;
}

}  // namespace mitra::leaders
