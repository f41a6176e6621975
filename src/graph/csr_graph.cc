#include "mitra/graph/csr_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"

namespace mitra::graph {

struct CsrGraph::LazyIn {
  absl::once_flag once;
  Adjacency adj;
};

namespace {

enum class Merge { kSum, kMax };

// Arcs (src[i], dst[i], w[i]) -> CSR with sorted rows and merged duplicates.
// Two stable counting sorts (by target, then by source) give sorted rows in
// O(n + m) without a per-row sort.
Adjacency BuildAdjacency(uint32_t n, absl::Span<const NodeId> src, absl::Span<const NodeId> dst,
                         absl::Span<const double> w, Merge merge) {
  const size_t m = src.size();
  const bool weighted = !w.empty();
  std::vector<uint32_t> perm(m);
  {
    std::vector<uint32_t> start(static_cast<size_t>(n) + 1, 0);
    for (size_t i = 0; i < m; ++i) ++start[dst[i] + 1];
    for (uint32_t v = 0; v < n; ++v) start[v + 1] += start[v];
    for (size_t i = 0; i < m; ++i) perm[start[dst[i]]++] = static_cast<uint32_t>(i);
  }
  Adjacency a;
  a.offsets.assign(static_cast<size_t>(n) + 1, 0);
  for (size_t i = 0; i < m; ++i) ++a.offsets[src[i] + 1];
  for (uint32_t v = 0; v < n; ++v) a.offsets[v + 1] += a.offsets[v];
  a.targets.resize(m);
  if (weighted) a.weights.resize(m);
  {
    std::vector<uint32_t> pos(a.offsets.begin(), a.offsets.end() - 1);
    for (uint32_t i : perm) {
      const uint32_t p = pos[src[i]]++;
      a.targets[p] = dst[i];
      if (weighted) a.weights[p] = w[i];
    }
  }
  std::vector<uint32_t>().swap(perm);
  // Merge equal neighbours (adjacent now), compacting in place.
  uint32_t out = 0, row_begin = 0;
  for (uint32_t u = 0; u < n; ++u) {
    const uint32_t b = row_begin, e = a.offsets[u + 1];
    row_begin = e;
    a.offsets[u] = out;
    for (uint32_t p = b; p < e; ++p) {
      if (out > a.offsets[u] && a.targets[out - 1] == a.targets[p]) {
        if (weighted) {
          double& acc = a.weights[out - 1];
          acc = merge == Merge::kSum ? acc + a.weights[p] : std::max(acc, a.weights[p]);
        }
        continue;
      }
      a.targets[out] = a.targets[p];
      if (weighted) a.weights[out] = a.weights[p];
      ++out;
    }
  }
  a.offsets[n] = out;
  a.targets.resize(out);
  a.targets.shrink_to_fit();
  if (weighted) {
    a.weights.resize(out);
    a.weights.shrink_to_fit();
  }
  return a;
}

Adjacency Transpose(uint32_t n, const Adjacency& out) {
  Adjacency in;
  in.offsets.assign(static_cast<size_t>(n) + 1, 0);
  for (NodeId v : out.targets) ++in.offsets[v + 1];
  for (uint32_t v = 0; v < n; ++v) in.offsets[v + 1] += in.offsets[v];
  in.targets.resize(out.targets.size());
  const bool weighted = !out.weights.empty();
  if (weighted) in.weights.resize(out.weights.size());
  std::vector<uint32_t> pos(in.offsets.begin(), in.offsets.end() - 1);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t p = out.offsets[u]; p < out.offsets[u + 1]; ++p) {
      const uint32_t q = pos[out.targets[p]]++;
      in.targets[q] = u;  // sources ascending: rows come out sorted
      if (weighted) in.weights[q] = out.weights[p];
    }
  }
  return in;
}

constexpr uint64_t kMaxArcs = std::numeric_limits<uint32_t>::max();

}  // namespace

CsrGraph::CsrGraph() : in_(std::make_shared<LazyIn>()) { out_.offsets.assign(1, 0); }

absl::StatusOr<CsrGraph> CsrGraph::FromEdges(uint32_t num_nodes, absl::Span<const NodeId> src,
                                             absl::Span<const NodeId> dst,
                                             absl::Span<const double> weights,
                                             const BuildOptions& options) {
  if (src.size() != dst.size()) {
    return absl::InvalidArgumentError(absl::StrCat("edge list: ", src.size(), " sources but ",
                                                   dst.size(), " targets"));
  }
  if (!weights.empty() && weights.size() != src.size()) {
    return absl::InvalidArgumentError(absl::StrCat("edge list: ", src.size(), " edges but ",
                                                   weights.size(), " weights"));
  }
  if (num_nodes == std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError("graph: at most 2^32 - 2 nodes");
  }
  const size_t m = src.size();
  const bool weighted = !weights.empty();
  uint64_t arcs = 0, dropped = 0;
  for (size_t i = 0; i < m; ++i) {
    if (src[i] >= num_nodes || dst[i] >= num_nodes) {
      return absl::InvalidArgumentError(absl::StrCat("edge ", i, " (", src[i], " -> ", dst[i],
                                                     "): node id out of range [0, ", num_nodes,
                                                     ")"));
    }
    if (weighted && !(std::isfinite(weights[i]) && weights[i] >= 0)) {
      return absl::InvalidArgumentError(absl::StrCat("edge ", i, " (", src[i], " -> ", dst[i],
                                                     "): weight ", weights[i],
                                                     " is not finite and non-negative"));
    }
    const bool loop = src[i] == dst[i];
    dropped += loop && !options.keep_self_loops;
    if (loop && !options.keep_self_loops) continue;
    arcs += (options.directed || loop) ? 1 : 2;
  }
  if (arcs > kMaxArcs) {
    return absl::InvalidArgumentError(
        absl::StrCat("graph: ", arcs, " arcs exceed the CSR limit of 2^32 - 1"));
  }
  CsrGraph g;
  g.num_nodes_ = num_nodes;
  g.directed_ = options.directed;
  if (options.directed && dropped == 0) {
    // Every edge is an arc as given: no copy of the list (on a large graph
    // the copy was as large as the graph it builds).
    g.out_ = BuildAdjacency(num_nodes, src, dst, weights, Merge::kSum);
    return std::move(g).CountSelfLoops();
  }
  std::vector<NodeId> s, d;
  std::vector<double> w;
  s.reserve(arcs);
  d.reserve(arcs);
  if (weighted) w.reserve(arcs);
  for (size_t i = 0; i < m; ++i) {
    const bool loop = src[i] == dst[i];
    if (loop && !options.keep_self_loops) continue;
    s.push_back(src[i]);
    d.push_back(dst[i]);
    if (weighted) w.push_back(weights[i]);
    if (!options.directed && !loop) {
      s.push_back(dst[i]);
      d.push_back(src[i]);
      if (weighted) w.push_back(weights[i]);
    }
  }
  g.out_ = BuildAdjacency(num_nodes, s, d, w, Merge::kSum);
  return std::move(g).CountSelfLoops();
}

CsrGraph CsrGraph::CountSelfLoops() && {
  uint64_t loops = 0;
  for (uint32_t u = 0; u < num_nodes_; ++u) {
    for (NodeId v : out_neighbors(u)) loops += v == u;
  }
  self_loops_ = loops;
  return std::move(*this);
}

uint64_t CsrGraph::num_edges() const {
  if (directed_) return num_arcs();
  return (num_arcs() - self_loops_) / 2 + self_loops_;
}

const Adjacency& CsrGraph::in() const {
  if (!directed_) return out_;
  absl::call_once(in_->once, [this] { in_->adj = Transpose(num_nodes_, out_); });
  return in_->adj;
}

absl::StatusOr<CsrGraph> CsrGraph::Undirected(Symmetrize mode) const {
  if (!directed_) return *this;
  const uint64_t arcs = 2 * num_arcs();
  if (arcs > kMaxArcs) {
    return absl::InvalidArgumentError(
        absl::StrCat("undirected view: ", arcs, " arcs exceed the CSR limit of 2^32 - 1"));
  }
  std::vector<NodeId> s, d;
  std::vector<double> w;
  s.reserve(arcs);
  d.reserve(arcs);
  const bool wt = weighted();
  if (wt) w.reserve(arcs);
  for (uint32_t u = 0; u < num_nodes_; ++u) {
    for (uint32_t p = out_.offsets[u]; p < out_.offsets[u + 1]; ++p) {
      const NodeId v = out_.targets[p];
      s.push_back(u);
      d.push_back(v);
      if (wt) w.push_back(out_.weights[p]);
      if (v != u) {
        s.push_back(v);
        d.push_back(u);
        if (wt) w.push_back(out_.weights[p]);
      }
    }
  }
  // Each direction contributes once per stored arc, so kMax keeps the larger
  // direction and kSum adds both; an unweighted graph simply collapses.
  Merge merge = mode == Symmetrize::kSum ? Merge::kSum : Merge::kMax;
  if (mode == Symmetrize::kSum && !wt) {
    // A + A^T of an unweighted graph: weight 1 per direction present.
    w.assign(s.size(), 1.0);
  }
  CsrGraph g;
  g.num_nodes_ = num_nodes_;
  g.directed_ = false;
  g.out_ = BuildAdjacency(num_nodes_, s, d, w, merge);
  g.self_loops_ = self_loops_;
  if (mode == Symmetrize::kSum) {
    // A self-loop is one arc in A and one in A^T: a_uu + a_uu.
    for (uint32_t u = 0; u < num_nodes_; ++u) {
      for (uint32_t p = g.out_.offsets[u]; p < g.out_.offsets[u + 1]; ++p) {
        if (g.out_.targets[p] == u) g.out_.weights[p] *= 2;
      }
    }
  }
  return g;
}

Adjacency CsrGraph::TakeOut() && {
  Adjacency out = std::move(out_);
  *this = CsrGraph();
  return out;
}

size_t CsrGraph::MemoryBytes() const {
  auto bytes = [](const Adjacency& a) {
    return a.offsets.size() * sizeof(uint32_t) + a.targets.size() * sizeof(NodeId) +
           a.weights.size() * sizeof(double);
  };
  size_t b = bytes(out_);
  if (directed_) b += bytes(in_->adj);
  return b;
}

}  // namespace mitra::graph
