#include "mitra/graph/betweenness.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/parallel.h"
#include "common/random.h"
#include "option_checks.h"

namespace mitra::graph {
namespace {

// A node's state in a breadth-first search, packed so that scanning an arc
// touches one cache line of the target: `val` is sigma (shortest paths from
// the source) during the search and (1 + delta) / sigma once the node's
// dependency is known.
struct BfsNode {
  double val = 0;
  int32_t hops = -1;  // -1: not reached
};

// Per-thread state; every array is reset only where a search touched it.
// Unweighted searches use `bfs`, weighted ones the other per-node arrays.
struct Workspace {
  Workspace(uint32_t n, bool weighted, uint64_t arcs) : bc(n, 0), arc_bc(arcs, 0) {
    if (weighted) {
      dist.assign(n, std::numeric_limits<double>::infinity());
      sigma.assign(n, 0);
      delta.assign(n, 0);
      settled.assign(n, 0);
    } else {
      bfs.assign(n, BfsNode{});
    }
    order.reserve(n);
  }
  std::vector<BfsNode> bfs;
  std::vector<double> dist;   // Dijkstra distance
  std::vector<double> sigma, delta;
  std::vector<uint8_t> settled;
  std::vector<uint32_t> order;  // nodes in non-decreasing distance from s
  std::vector<std::pair<double, uint32_t>> heap;
  std::vector<double> bc;
  std::vector<double> arc_bc;  // per arc: EdgeBetweenness only (else empty)
};

// Brandes' dependency accumulation, walking `order` backwards. The
// predecessors of x are not stored: w's successors are scanned instead
// (x is a successor when w -> x lies on a shortest path).
template <bool kArcs, class IsSuccessor>
void Accumulate(const Adjacency& out, uint32_t s, bool endpoints, Workspace& ws,
                IsSuccessor&& is_successor) {
  const auto& order = ws.order;
  if (endpoints) ws.bc[s] += static_cast<double>(order.size() - 1);
  for (size_t i = order.size(); i-- > 0;) {
    const uint32_t w = order[i];
    double dw = 0;
    const double sw = ws.sigma[w];
    for (uint32_t p = out.offsets[w]; p < out.offsets[w + 1]; ++p) {
      const uint32_t x = out.targets[p];
      if (is_successor(w, x, p)) {
        const double c = sw / ws.sigma[x] * (1 + ws.delta[x]);
        dw += c;
        if constexpr (kArcs) ws.arc_bc[p] += c;  // the arc's share of x's paths
      }
    }
    ws.delta[w] = dw;
    if (w != s) ws.bc[w] += endpoints ? dw + 1 : dw;
  }
}

// How far ahead in a row the targets' states are prefetched: the searches
// are bound by these random reads, not by arithmetic.
constexpr uint32_t kPrefetch = 8;

template <bool kArcs>
void FromSourceBfs(const Adjacency& out, uint32_t s, bool endpoints, Workspace& ws) {
  auto& order = ws.order;
  auto& node = ws.bfs;
  order.clear();
  order.push_back(s);
  node[s] = {1, 0};
  for (size_t head = 0; head < order.size(); ++head) {
    const uint32_t v = order[head];
    const int32_t dn = node[v].hops + 1;
    const double sv = node[v].val;
    const uint32_t end = out.offsets[v + 1];
    for (uint32_t p = out.offsets[v]; p < end; ++p) {
      if (p + kPrefetch < end) __builtin_prefetch(&node[out.targets[p + kPrefetch]], 1);
      BfsNode& w = node[out.targets[p]];
      if (w.hops < 0) {
        w.hops = dn;
        order.push_back(out.targets[p]);
      }
      if (w.hops == dn) w.val += sv;
    }
  }
  // Brandes' accumulation, backwards: the successors x of w (one hop
  // further) all come later in `order`, so their val already holds
  // (1 + delta_x) / sigma_x, and delta_w = sigma_w * the sum of those.
  if (endpoints) ws.bc[s] += static_cast<double>(order.size() - 1);
  for (size_t i = order.size(); i-- > 0;) {
    const uint32_t w = order[i];
    const int32_t next = node[w].hops + 1;
    double sum = 0;
    const uint32_t end = out.offsets[w + 1];
    for (uint32_t p = out.offsets[w]; p < end; ++p) {
      if (p + kPrefetch < end) __builtin_prefetch(&node[out.targets[p + kPrefetch]], 0);
      const BfsNode& x = node[out.targets[p]];
      if (x.hops == next) {
        sum += x.val;
        if constexpr (kArcs) ws.arc_bc[p] += node[w].val * x.val;  // sigma_w (1 + delta_x) / sigma_x
      }
    }
    const double dw = node[w].val * sum;
    node[w].val = (1 + dw) / node[w].val;
    if (w != s) ws.bc[w] += endpoints ? dw + 1 : dw;
  }
  for (uint32_t v : order) node[v] = BfsNode{};
}

template <bool kArcs>
void FromSourceDijkstra(const Adjacency& out, uint32_t s, bool endpoints, Workspace& ws) {
  auto& order = ws.order;
  auto& heap = ws.heap;
  order.clear();
  heap.clear();
  const std::greater<> later;
  ws.dist[s] = 0;
  ws.sigma[s] = 1;
  heap.emplace_back(0.0, s);
  std::vector<uint32_t>& reached = ws.order;  // settled nodes, in order
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const auto [d, v] = heap.back();
    heap.pop_back();
    if (ws.settled[v] || d > ws.dist[v]) continue;
    ws.settled[v] = 1;
    reached.push_back(v);
    const double sv = ws.sigma[v];
    for (uint32_t p = out.offsets[v]; p < out.offsets[v + 1]; ++p) {
      const uint32_t w = out.targets[p];
      if (ws.settled[w]) continue;
      const double nd = d + out.weights[p];
      if (nd < ws.dist[w]) {
        ws.dist[w] = nd;
        ws.sigma[w] = sv;
        heap.emplace_back(nd, w);
        std::push_heap(heap.begin(), heap.end(), later);
      } else if (nd == ws.dist[w]) {
        ws.sigma[w] += sv;
      }
    }
  }
  // Nodes reached but not settled cannot exist (the heap ran dry), so the
  // touched set is exactly `order`.
  Accumulate<kArcs>(out, s, endpoints, ws, [&ws, &out](uint32_t w, uint32_t x, uint32_t p) {
    return ws.settled[x] && ws.dist[w] + out.weights[p] == ws.dist[x];
  });
  for (uint32_t v : order) {
    ws.dist[v] = std::numeric_limits<double>::infinity();
    ws.sigma[v] = 0;
    ws.delta[v] = 0;
    ws.settled[v] = 0;
  }
}

// The searches of Betweenness and EdgeBetweenness (kArcs): the options
// checked, the sources (all, or a seeded sample), and the per-thread sums
// added in a fixed order; per node, or per arc of graph.out(), unscaled.
template <bool kArcs>
absl::StatusOr<std::vector<double>> SumOverSources(const CsrGraph& graph,
                                                   const BetweennessOptions& o) {
  if (absl::Status s = CheckCount(o.threads, 1, kMaxThreads, o.names("threads"));
      !s.ok())
    return s;
  const uint32_t n = graph.num_nodes();
  if (o.sample_sources > n)
    return Invalid(o.names("sample_sources"),
                   absl::StrCat("must be 0..", n, " (the number of nodes), got ", o.sample_sources));
  const Adjacency& out = graph.out();
  const bool weighted = graph.weighted() && o.use_weights;
  if (weighted) {
    for (size_t p = 0; p < out.weights.size(); ++p) {
      if (!(out.weights[p] > 0)) {
        return Invalid(o.names("use_weights"),
                       absl::StrCat("weighted shortest paths need positive weights; arc ", p, " weighs ",
                                    out.weights[p], " (set it to false for hop counts)"));
      }
    }
  }
  const uint64_t arcs = kArcs ? graph.num_arcs() : 0;
  std::vector<double> sum(kArcs ? arcs : n, 0.0);
  if (n == 0) return sum;
  std::vector<uint32_t> sources(n);
  for (uint32_t v = 0; v < n; ++v) sources[v] = v;
  if (o.sample_sources > 0) {
    // The first k of a seeded Fisher-Yates shuffle.
    Rng rng(o.seed);
    for (uint32_t i = 0; i < o.sample_sources; ++i) {
      std::swap(sources[i], sources[i + rng.Below(n - i)]);
    }
    sources.resize(o.sample_sources);
  }
  const int threads = std::max(1, std::min<int>(o.threads, static_cast<int>(sources.size())));
  // Per thread a Workspace: weighted 29 bytes per node of arrays, an order
  // and a heap of up to 20; unweighted its BfsNodes and order; then bc (and
  // 8 bytes an arc for the arcs' sums).
  MemoryReservation memory(o.memory);
  const double per_node = weighted ? 61 : sizeof(BfsNode) + 12;
  if (absl::Status s = memory.Reserve(
          (static_cast<double>(n) * per_node + 8.0 * static_cast<double>(arcs)) * threads,
          o.names("threads"),
          absl::StrCat(kArcs ? "edge betweenness" : "betweenness", " on ", threads,
                       " threads of ", n, " nodes"));
      !s.ok())
    return s;
  std::vector<std::vector<double>> partial(threads);
  ParallelChunks(threads, sources.size(), [&](size_t b, size_t e, int c) {
    Workspace ws(n, weighted, arcs);
    for (size_t i = b; i < e; ++i) {
      if (weighted) {
        FromSourceDijkstra<kArcs>(out, sources[i], o.endpoints, ws);
      } else {
        FromSourceBfs<kArcs>(out, sources[i], o.endpoints, ws);
      }
    }
    partial[c] = kArcs ? std::move(ws.arc_bc) : std::move(ws.bc);
  });
  for (const auto& part : partial) {
    for (size_t v = 0; v < sum.size(); ++v) sum[v] += part[v];
  }
  return sum;
}

void Scale(std::vector<double>& values, double scale) {
  if (scale != 1) {
    for (double& x : values) x *= scale;
  }
}

}  // namespace

absl::StatusOr<std::vector<double>> Betweenness(const CsrGraph& graph,
                                                const BetweennessOptions& o) {
  absl::StatusOr<std::vector<double>> bc = SumOverSources<false>(graph, o);
  if (!bc.ok()) return bc.status();
  const uint32_t n = graph.num_nodes();
  // networkx's _rescale.
  double scale = 1;
  if (o.normalized) {
    if (o.endpoints) {
      if (n >= 2) scale = 1.0 / (static_cast<double>(n) * (n - 1));
    } else if (n > 2) {
      scale = 1.0 / (static_cast<double>(n - 1) * (n - 2));
    }
  } else if (!graph.directed()) {
    scale = 0.5;
  }
  if (o.sample_sources > 0) scale *= static_cast<double>(n) / o.sample_sources;
  Scale(*bc, scale);
  return bc;
}

absl::StatusOr<std::vector<double>> EdgeBetweenness(const CsrGraph& graph,
                                                    const BetweennessOptions& o) {
  if (o.endpoints) return Invalid(o.names("endpoints"), "not defined for edges");
  absl::StatusOr<std::vector<double>> arcs = SumOverSources<true>(graph, o);
  if (!arcs.ok()) return arcs.status();
  const uint32_t n = graph.num_nodes();
  // networkx's _rescale_e: an undirected edge's two arcs are added by the
  // caller (the pairs are counted from both ends, as networkx counts them).
  double scale = 1;
  if (o.normalized) {
    if (n > 1) scale = 1.0 / (static_cast<double>(n) * (n - 1));
  } else if (!graph.directed()) {
    scale = 0.5;
  }
  if (o.sample_sources > 0) scale *= static_cast<double>(n) / o.sample_sources;
  Scale(*arcs, scale);
  return arcs;
}

}  // namespace mitra::graph
