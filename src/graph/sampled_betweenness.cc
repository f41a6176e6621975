#include "mitra/graph/sampled_betweenness.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/parallel.h"
#include "common/random.h"
#include "option_checks.h"

namespace mitra::graph {
namespace {

// Strongly connected components (Tarjan 1972, iterative). Components are
// numbered in completion order, so every arc between two components goes
// from a higher number to a lower one.
std::vector<uint32_t> StronglyConnected(const CsrGraph& g, uint32_t* count) {
  const uint32_t n = g.num_nodes();
  const Adjacency& out = g.out();
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> index(n, kNone), low(n), comp(n, kNone), stack, call_node, call_edge;
  uint32_t next_index = 0, c = 0;
  for (uint32_t root = 0; root < n; ++root) {
    if (index[root] != kNone) continue;
    call_node.push_back(root);
    call_edge.push_back(out.offsets[root]);
    index[root] = low[root] = next_index++;
    stack.push_back(root);
    while (!call_node.empty()) {
      const uint32_t v = call_node.back();
      uint32_t& p = call_edge.back();
      if (p < out.offsets[v + 1]) {
        const uint32_t w = out.targets[p++];
        if (index[w] == kNone) {
          index[w] = low[w] = next_index++;
          stack.push_back(w);
          call_node.push_back(w);
          call_edge.push_back(out.offsets[w]);
        } else if (comp[w] == kNone) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          comp[w] = c;
        } while (w != v);
        ++c;
      }
      call_node.pop_back();
      call_edge.pop_back();
      if (!call_node.empty()) {
        const uint32_t u = call_node.back();
        low[u] = std::min(low[u], low[v]);
      }
    }
  }
  *count = c;
  return comp;
}

// Distances from `root` following `adj` through the nodes `inside` admits
// (hops, or weighted), written into `dist` (-1: not reached) for the nodes
// listed in `touched`; returns the largest.
template <class Inside>
double Search(const Adjacency& adj, uint32_t root, bool weighted, std::vector<double>& dist,
              std::vector<uint32_t>& touched, Inside inside) {
  touched.clear();
  double ecc = 0;
  dist[root] = 0;
  touched.push_back(root);
  if (!weighted) {
    for (size_t head = 0; head < touched.size(); ++head) {
      const uint32_t v = touched[head];
      ecc = dist[v];
      for (uint32_t p = adj.offsets[v]; p < adj.offsets[v + 1]; ++p) {
        const uint32_t w = adj.targets[p];
        if (!inside(w) || dist[w] >= 0) continue;
        dist[w] = dist[v] + 1;
        touched.push_back(w);
      }
    }
  } else {
    std::vector<std::pair<double, uint32_t>> heap{{0.0, root}};
    const std::greater<> later;
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), later);
      const auto [d, v] = heap.back();
      heap.pop_back();
      if (d > dist[v]) continue;
      ecc = std::max(ecc, d);
      for (uint32_t p = adj.offsets[v]; p < adj.offsets[v + 1]; ++p) {
        const uint32_t w = adj.targets[p];
        if (!inside(w)) continue;
        const double nd = d + adj.weights[p];
        if (dist[w] < 0) touched.push_back(w);
        if (dist[w] < 0 || nd < dist[w]) {
          dist[w] = nd;
          heap.emplace_back(nd, w);
          std::push_heap(heap.begin(), heap.end(), later);
        }
      }
    }
  }
  return ecc;
}

// Largest distance from `root` inside its component, following `adj`.
double Eccentricity(const Adjacency& adj, const std::vector<uint32_t>& comp, uint32_t root,
                    bool weighted, std::vector<double>& dist, std::vector<uint32_t>& touched) {
  const uint32_t c = comp[root];
  const double ecc =
      Search(adj, root, weighted, dist, touched, [&](uint32_t w) { return comp[w] == c; });
  for (uint32_t v : touched) dist[v] = -1;
  return ecc;
}

// State of one thread's searches; arrays are reset where they were touched.
struct Sampler {
  explicit Sampler(uint32_t n)
      : df(n, -1), db(n, -1), sf(n, 0), sb(n, 0), dist(n, std::numeric_limits<double>::infinity()),
        settled(n, 0), count(n, 0) {}
  std::vector<int32_t> df, db;  // hops from s / to t, -1 unseen
  std::vector<double> sf, sb;   // shortest-path counts from s / to t
  std::vector<double> dist;
  std::vector<uint8_t> settled;
  std::vector<uint32_t> touched_f, touched_b, frontier_f, frontier_b, next, meet, path;
  std::vector<std::pair<double, uint32_t>> heap;
  std::vector<uint32_t> count;  // interior appearances per node
};

// Picks an index of `items` with probability weight(i) / total.
template <class Weight>
uint32_t Pick(const std::vector<uint32_t>& items, double total, Rng& rng, Weight&& weight) {
  double u = rng.Uniform() * total;
  for (uint32_t x : items) {
    u -= weight(x);
    if (u < 0) return x;
  }
  return items.back();  // rounding
}

// One uniform shortest s-t path by balanced bidirectional BFS; its interior
// nodes go to `sm.path`. false when t is unreachable.
bool SampleBfs(const Adjacency& out, const Adjacency& in, uint32_t s, uint32_t t, Rng& rng,
               Sampler& sm) {
  sm.path.clear();
  sm.touched_f.assign(1, s);
  sm.touched_b.assign(1, t);
  sm.frontier_f.assign(1, s);
  sm.frontier_b.assign(1, t);
  sm.df[s] = 0;
  sm.sf[s] = 1;
  sm.db[t] = 0;
  sm.sb[t] = 1;
  uint64_t cost_f = out.offsets[s + 1] - out.offsets[s];
  uint64_t cost_b = in.offsets[t + 1] - in.offsets[t];
  int32_t rf = 0, rb = 0;
  bool found = false;
  // Invariant: no node is seen from both sides, so d(s, t) > rf + rb. When
  // a new forward layer rf+1 hits backward-seen nodes, they all have
  // db = rb and d(s, t) = rf + 1 + rb; every shortest path crosses exactly
  // one of them (symmetrically for a backward step).
  while (!found && !sm.frontier_f.empty() && !sm.frontier_b.empty()) {
    const bool forward = cost_f <= cost_b;
    const Adjacency& adj = forward ? out : in;
    std::vector<int32_t>& d = forward ? sm.df : sm.db;
    std::vector<double>& sigma = forward ? sm.sf : sm.sb;
    const std::vector<int32_t>& other = forward ? sm.db : sm.df;
    std::vector<uint32_t>& frontier = forward ? sm.frontier_f : sm.frontier_b;
    std::vector<uint32_t>& touched = forward ? sm.touched_f : sm.touched_b;
    const int32_t layer = (forward ? rf : rb) + 1;
    const Adjacency& next_cost = forward ? out : in;
    uint64_t cost = 0;
    sm.next.clear();
    sm.meet.clear();
    for (uint32_t u : frontier) {
      const double su = sigma[u];
      for (uint32_t p = adj.offsets[u]; p < adj.offsets[u + 1]; ++p) {
        const uint32_t w = adj.targets[p];
        if (d[w] < 0) {
          d[w] = layer;
          sm.next.push_back(w);
          touched.push_back(w);
          cost += next_cost.offsets[w + 1] - next_cost.offsets[w];
          if (other[w] >= 0) sm.meet.push_back(w);
        }
        if (d[w] == layer) sigma[w] += su;
      }
    }
    frontier.swap(sm.next);
    (forward ? rf : rb) = layer;
    (forward ? cost_f : cost_b) = cost;
    found = !sm.meet.empty();
  }
  if (found) {
    double total = 0;
    for (uint32_t x : sm.meet) total += sm.sf[x] * sm.sb[x];
    const uint32_t x = Pick(sm.meet, total, rng, [&](uint32_t y) { return sm.sf[y] * sm.sb[y]; });
    if (x != s && x != t) sm.path.push_back(x);
    // Towards s: a predecessor p of y is on a shortest path with
    // probability sigma_s(p) / sigma_s(y).
    for (uint32_t y = x; y != s;) {
      sm.meet.clear();
      for (uint32_t p = in.offsets[y]; p < in.offsets[y + 1]; ++p) {
        const uint32_t q = in.targets[p];
        if (sm.df[q] >= 0 && sm.df[q] == sm.df[y] - 1) sm.meet.push_back(q);
      }
      y = Pick(sm.meet, sm.sf[y], rng, [&](uint32_t q) { return sm.sf[q]; });
      if (y != s) sm.path.push_back(y);
    }
    for (uint32_t y = x; y != t;) {
      sm.meet.clear();
      for (uint32_t p = out.offsets[y]; p < out.offsets[y + 1]; ++p) {
        const uint32_t q = out.targets[p];
        if (sm.db[q] >= 0 && sm.db[q] == sm.db[y] - 1) sm.meet.push_back(q);
      }
      y = Pick(sm.meet, sm.sb[y], rng, [&](uint32_t q) { return sm.sb[q]; });
      if (y != t) sm.path.push_back(y);
    }
  }
  for (uint32_t v : sm.touched_f) {
    sm.df[v] = -1;
    sm.sf[v] = 0;
  }
  for (uint32_t v : sm.touched_b) {
    sm.db[v] = -1;
    sm.sb[v] = 0;
  }
  return found;
}

// Weighted: Dijkstra from s until t is settled, then a uniform walk back.
bool SampleDijkstra(const Adjacency& out, const Adjacency& in, uint32_t s, uint32_t t, Rng& rng,
                    Sampler& sm) {
  sm.path.clear();
  sm.touched_f.assign(1, s);
  sm.heap.assign(1, {0.0, s});
  sm.dist[s] = 0;
  sm.sf[s] = 1;
  const std::greater<> later;
  bool found = false;
  while (!sm.heap.empty()) {
    std::pop_heap(sm.heap.begin(), sm.heap.end(), later);
    const auto [d, v] = sm.heap.back();
    sm.heap.pop_back();
    if (sm.settled[v] || d > sm.dist[v]) continue;
    sm.settled[v] = 1;
    if (v == t) {
      found = true;
      break;
    }
    const double sv = sm.sf[v];
    for (uint32_t p = out.offsets[v]; p < out.offsets[v + 1]; ++p) {
      const uint32_t w = out.targets[p];
      if (sm.settled[w]) continue;
      const double nd = d + out.weights[p];
      if (nd < sm.dist[w]) {
        if (sm.dist[w] == std::numeric_limits<double>::infinity()) sm.touched_f.push_back(w);
        sm.dist[w] = nd;
        sm.sf[w] = sv;
        sm.heap.emplace_back(nd, w);
        std::push_heap(sm.heap.begin(), sm.heap.end(), later);
      } else if (nd == sm.dist[w]) {
        sm.sf[w] += sv;
      }
    }
  }
  if (found) {
    for (uint32_t y = t; y != s;) {
      sm.meet.clear();
      for (uint32_t p = in.offsets[y]; p < in.offsets[y + 1]; ++p) {
        const uint32_t q = in.targets[p];
        // Same expression as the relaxation, so equality is exact.
        if (sm.settled[q] && q != y && sm.dist[q] + in.weights[p] == sm.dist[y]) {
          sm.meet.push_back(q);
        }
      }
      y = Pick(sm.meet, sm.sf[y], rng, [&](uint32_t q) { return sm.sf[q]; });
      if (y != s) sm.path.push_back(y);
    }
  }
  for (uint32_t v : sm.touched_f) {
    sm.dist[v] = std::numeric_limits<double>::infinity();
    sm.sf[v] = 0;
    sm.settled[v] = 0;
  }
  return found;
}

constexpr uint32_t kBlocks = 64;  // fixed, so results do not depend on threads
// From this many nodes on, two threads search from the busiest node while
// the components are found.
constexpr uint32_t kSearchesSideBySide = 1 << 12;

}  // namespace

uint32_t VertexDiameterBound(const CsrGraph& g, bool use_weights, int threads) {
  const uint32_t n = g.num_nodes();
  if (n == 0) return 0;
  const bool weighted = use_weights && g.weighted();
  const Adjacency& out = g.out();
  uint32_t nc = 0;
  std::vector<uint32_t> comp;
  // With two threads, the searches from the node with most out-arcs (the
  // first such) run beside Tarjan's pass, on the whole graph. That node is
  // the root its component would get below, and a path from it to a node of
  // its own component, or back, never leaves the component: so the same
  // distances, which on a large graph are most of the bound's time once
  // the components are known. The in-arcs, built on first use, are built
  // on that side too (Tarjan reads the out-arcs only).
  const bool side_by_side = threads > 1 && g.directed() && n >= kSearchesSideBySide;
  uint32_t hub = 0;
  std::vector<double> hub_out, hub_in;
  if (side_by_side) {
    for (uint32_t v = 1; v < n; ++v)
      if (out.offsets[v + 1] - out.offsets[v] > out.offsets[hub + 1] - out.offsets[hub]) hub = v;
    ParallelChunks(2, 2, [&](size_t which, size_t, int) {
      if (which == 0) {
        comp = StronglyConnected(g, &nc);
        return;
      }
      std::vector<uint32_t> touched;
      auto anywhere = [](uint32_t) { return true; };
      hub_out.assign(n, -1);
      Search(out, hub, weighted, hub_out, touched, anywhere);
      hub_in.assign(n, -1);
      Search(g.in(), hub, weighted, hub_in, touched, anywhere);
    });
  } else {
    comp = StronglyConnected(g, &nc);
  }
  const Adjacency& in = g.in();
  // Nodes grouped by component.
  std::vector<uint32_t> start(static_cast<size_t>(nc) + 1, 0), members(n);
  for (uint32_t v = 0; v < n; ++v) ++start[comp[v] + 1];
  for (uint32_t c = 0; c < nc; ++c) start[c + 1] += start[c];
  {
    std::vector<uint32_t> pos(start.begin(), start.end() - 1);
    for (uint32_t v = 0; v < n; ++v) members[pos[comp[v]]++] = v;
  }
  std::vector<double> dist(n, -1);
  std::vector<uint32_t> touched;
  std::vector<uint64_t> best(nc, 0);
  uint64_t vd = 0;
  for (uint32_t c = 0; c < nc; ++c) {  // sinks first
    const uint32_t size = start[c + 1] - start[c];
    uint64_t within = 1;
    if (size > 1) {
      // Root: the member with most arcs (a central node gives a tighter bound).
      uint32_t root = members[start[c]];
      double min_weight = std::numeric_limits<double>::infinity();
      for (uint32_t i = start[c]; i < start[c + 1]; ++i) {
        const uint32_t v = members[i];
        if (out.offsets[v + 1] - out.offsets[v] > out.offsets[root + 1] - out.offsets[root]) {
          root = v;
        }
        if (weighted) {
          for (uint32_t p = out.offsets[v]; p < out.offsets[v + 1]; ++p) {
            if (comp[out.targets[p]] == c && out.targets[p] != v) {
              min_weight = std::min(min_weight, out.weights[p]);
            }
          }
        }
      }
      double e_out = 0, e_in = 0;
      if (side_by_side && root == hub) {
        for (uint32_t i = start[c]; i < start[c + 1]; ++i) {
          e_out = std::max(e_out, hub_out[members[i]]);
          e_in = std::max(e_in, hub_in[members[i]]);
        }
      } else {
        e_out = Eccentricity(out, comp, root, weighted, dist, touched);
        e_in = g.directed() ? Eccentricity(in, comp, root, weighted, dist, touched) : e_out;
      }
      double hops = e_out + e_in;
      if (weighted) hops = min_weight > 0 ? std::floor(hops / min_weight) : size;
      within = static_cast<uint64_t>(std::min<double>(size, hops + 1));
    }
    uint64_t after = 0;
    for (uint32_t i = start[c]; i < start[c + 1]; ++i) {
      const uint32_t v = members[i];
      for (uint32_t p = out.offsets[v]; p < out.offsets[v + 1]; ++p) {
        const uint32_t d = comp[out.targets[p]];
        if (d != c) after = std::max(after, best[d]);
      }
    }
    best[c] = within + after;
    vd = std::max(vd, best[c]);
  }
  return static_cast<uint32_t>(std::min<uint64_t>(vd, n));
}

uint64_t RiondatoKornaropoulosSampleSize(double epsilon, double delta, uint32_t vertex_diameter,
                                         double c) {
  const double span = std::max<double>(1.0, static_cast<double>(vertex_diameter) - 2.0);
  const double r =
      c / (epsilon * epsilon) * (std::floor(std::log2(span)) + 1 + std::log(1 / delta));
  // A tiny epsilon or delta can ask for more than 2^64 samples (or an
  // infinite number): saturate, and let the caller refuse it.
  if (!(r < 0x1p64)) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(std::ceil(r));
}

absl::StatusOr<SampledBetweennessResult> SampledBetweenness(const CsrGraph& g,
                                                            const SampledBetweennessOptions& o) {
  if (absl::Status s = CheckRange(o.epsilon, o.names("epsilon"), o.epsilon > 0 && o.epsilon < 1, "in (0, 1)");
      !s.ok())
    return s;
  if (absl::Status s = CheckRange(o.delta, o.names("delta"), o.delta > 0 && o.delta < 1, "in (0, 1)");
      !s.ok())
    return s;
  if (absl::Status s = CheckRange(o.c, o.names("c"), o.c > 0, "finite and > 0"); !s.ok()) return s;
  if (absl::Status s = CheckCount(o.threads, 1, kMaxThreads, o.names("threads"));
      !s.ok())
    return s;
  const uint32_t n = g.num_nodes();
  const bool weighted = g.weighted() && o.use_weights;
  if (weighted) {
    for (double w : g.out().weights) {
      if (!(w > 0)) {
        return Invalid(o.names("use_weights"),
                       "weighted shortest paths need positive weights (set it to false for hop counts)");
      }
    }
  }
  SampledBetweennessResult r;
  r.epsilon = o.epsilon;
  r.delta = o.delta;
  r.betweenness.assign(n, 0.0);
  if (n < 2) return r;
  r.vertex_diameter =
      o.vertex_diameter > 0 ? o.vertex_diameter : VertexDiameterBound(g, weighted, o.threads);
  r.samples = RiondatoKornaropoulosSampleSize(o.epsilon, o.delta, r.vertex_diameter, o.c);
  if (r.samples >= std::numeric_limits<uint32_t>::max()) {
    return Invalid(o.names("epsilon"),
                   absl::StrCat(r.samples, " samples needed; raise it or ", o.names("delta")));
  }
  const Adjacency& out = g.out();
  const Adjacency& in = g.in();
  const int threads = std::max(1, std::min<int>(o.threads, kBlocks));
  // Per thread a Sampler: 37 bytes per node of arrays and up to 44 of
  // frontiers, paths and heap; then the totals.
  MemoryReservation memory(o.memory);
  if (absl::Status s = memory.Reserve(
          static_cast<double>(n) * (81.0 * threads + 16), o.names("threads"),
          absl::StrCat("sampled betweenness on ", threads, " threads of ", n, " nodes"));
      !s.ok())
    return s;
  std::vector<std::vector<uint32_t>> counts(threads);
  std::vector<uint64_t> connected(threads, 0);
  // Blocks are dealt to threads round-robin; block b always draws the same
  // samples from its own stream.
  ParallelChunks(threads, threads, [&](size_t, size_t, int c) {
    Sampler sm(n);
    for (uint32_t b = c; b < kBlocks; b += threads) {
      Rng rng(o.seed, b);
      const uint64_t lo = r.samples * b / kBlocks, hi = r.samples * (b + 1) / kBlocks;
      for (uint64_t i = lo; i < hi; ++i) {
        const uint32_t s = static_cast<uint32_t>(rng.Below(n));
        uint32_t t = static_cast<uint32_t>(rng.Below(n - 1));
        if (t >= s) ++t;
        const bool ok = weighted ? SampleDijkstra(out, in, s, t, rng, sm)
                                 : SampleBfs(out, in, s, t, rng, sm);
        if (!ok) continue;
        ++connected[c];
        for (uint32_t v : sm.path) ++sm.count[v];
      }
    }
    counts[c] = std::move(sm.count);
  });
  std::vector<uint64_t> total(n, 0);
  for (int c = 0; c < threads; ++c) {
    r.connected_samples += connected[c];
    for (uint32_t v = 0; v < n; ++v) total[v] += counts[c][v];
  }
  const double inv = 1.0 / static_cast<double>(r.samples);
  for (uint32_t v = 0; v < n; ++v) r.betweenness[v] = static_cast<double>(total[v]) * inv;
  return r;
}

}  // namespace mitra::graph
