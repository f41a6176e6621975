#include "mitra/graph/leiden.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "option_checks.h"
#include "vector_checks.h"

namespace mitra::graph {
namespace {

// One level of the hierarchy: the input graph, then aggregates. Rows may
// hold self-loops (level 0); they are skipped, since a node's own internal
// weight moves with it and never changes a gain.
struct Level {
  uint32_t n = 0;
  const uint32_t* offsets = nullptr;
  const NodeId* targets = nullptr;
  const double* weights = nullptr;  // nullptr: all 1
  std::vector<double> node_weight;  // ||v||; directed modularity: out-weight
  std::vector<double> node_weight_in;  // directed modularity: in-weight; else empty
  // Storage for aggregates.
  std::vector<uint32_t> own_offsets;
  std::vector<NodeId> own_targets;
  std::vector<double> own_weights;
};

// Dense per-community scratch: accumulated weight towards each community
// touched from one node, reset through the touched list.
struct Scratch {
  explicit Scratch(uint32_t n) : weight(n, 0.0), seen(n, 0) {}
  std::vector<double> weight;
  std::vector<uint8_t> seen;
  std::vector<uint32_t> touched;
  void Clear() {
    for (uint32_t c : touched) {
      seen[c] = 0;
      weight[c] = 0;
    }
    touched.clear();
  }
  // Add(key(u), w) for each arc v -> u of g but a self-loop, in row order,
  // leaving out the arcs whose key is kSkip. The arrays are read through
  // locals: the touched list's stores would otherwise make the compiler
  // reload them at every arc of the hottest loop.
  static constexpr uint32_t kSkip = UINT32_MAX;
  template <class Key>
  void AddRow(const Level& g, uint32_t v, Key key);
};

template <class Key>
void Scratch::AddRow(const Level& g, uint32_t v, Key key) {
  double* w = weight.data();
  uint8_t* s = seen.data();
  const NodeId* targets = g.targets;
  const uint32_t b = g.offsets[v], e = g.offsets[v + 1];
  auto add = [&](uint32_t c, double x) {
    if (!s[c]) {
      s[c] = 1;
      touched.push_back(c);
    }
    w[c] += x;
  };
  const double* arc_weight = g.weights;  // nullptr: all 1
  for (uint32_t p = b; p < e; ++p) {
    const uint32_t u = targets[p];
    if (u == v) continue;
    const uint32_t c = key(u);
    if (c != kSkip) add(c, arc_weight ? arc_weight[p] : 1.0);
  }
}

void Shuffle(std::vector<uint32_t>& v, Rng& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.Below(i)]);
}

// What joining a community C costs a node v (both as weights: ||v|| and
// ||C||, or with directed modularity v's out- and in-weight and C's sums of
// them): gamma' ||v|| ||C||, or gamma' (out_v in_C + in_v out_C), the
// expected arcs between v and C under the directed null model (Leicht &
// Newman 2008). An undirected graph is the directed case with out = in and
// gamma' halved, to the bit; the template keeps its loops as they were.
template <bool kDirected>
inline double Penalty(double gamma, double v, double v_in, double c, double c_in) {
  if constexpr (kDirected) {
    return gamma * (v * c_in + v_in * c);
  } else {
    return gamma * v * c;
  }
}

// Fast local moving (paper, Alg. A.2 MoveNodesFast): visit nodes from a
// queue in random order; move each to the community with the largest gain
// (an empty one counts, gain 0); when a node moves, queue its neighbours
// that are outside its new community. comm/size/weight are updated.
template <bool kDirected>
void MoveNodesFast(const Level& g, double gamma, std::vector<uint32_t>& comm,
                   std::vector<double>& comm_weight, std::vector<double>& comm_weight_in,
                   std::vector<uint32_t>& comm_size, Scratch& scratch, Rng& rng) {
  const uint32_t n = g.n;
  std::vector<uint32_t> empty;
  for (uint32_t c = n; c-- > 0;) {
    if (comm_size[c] == 0) empty.push_back(c);
  }
  std::vector<uint32_t> queue(n);
  std::iota(queue.begin(), queue.end(), 0u);
  Shuffle(queue, rng);
  std::vector<uint8_t> queued(n, 1);
  size_t head = 0, count = n;  // ring buffer of capacity n
  while (count > 0) {
    const uint32_t v = queue[head];
    head = head + 1 == n ? 0 : head + 1;
    --count;
    queued[v] = 0;
    const uint32_t cur = comm[v];
    const double wv = g.node_weight[v];
    const double wv_in = kDirected ? g.node_weight_in[v] : 0.0;
    const uint32_t* community = comm.data();
    scratch.AddRow(g, v, [community](uint32_t u) { return community[u]; });
    --comm_size[cur];
    comm_weight[cur] = comm_size[cur] == 0 ? 0.0 : comm_weight[cur] - wv;
    if constexpr (kDirected)
      comm_weight_in[cur] = comm_size[cur] == 0 ? 0.0 : comm_weight_in[cur] - wv_in;
    auto penalty = [&](uint32_t c) {
      return Penalty<kDirected>(gamma, wv, wv_in, comm_weight[c],
                                kDirected ? comm_weight_in[c] : 0.0);
    };
    uint32_t best = cur;
    double best_gain = scratch.weight[cur] - penalty(cur);
    for (uint32_t c : scratch.touched) {
      const double gain = scratch.weight[c] - penalty(c);
      if (gain > best_gain) {
        best_gain = gain;
        best = c;
      }
    }
    if (best_gain < 0 && comm_size[cur] > 0) {
      best = empty.back();  // alone is better than anywhere
      best_gain = 0;
    }
    if (comm_size[cur] == 0 && best != cur) empty.push_back(cur);
    if (best != cur && best == empty.back() && comm_size[best] == 0) empty.pop_back();
    comm[v] = best;
    comm_weight[best] += wv;
    if constexpr (kDirected) comm_weight_in[best] += wv_in;
    ++comm_size[best];
    scratch.Clear();
    if (best == cur) continue;
    for (uint32_t p = g.offsets[v]; p < g.offsets[v + 1]; ++p) {
      const uint32_t u = g.targets[p];
      if (!queued[u] && comm[u] != best) {
        queued[u] = 1;
        size_t tail = head + count;
        if (tail >= n) tail -= n;
        queue[tail] = u;
        ++count;
      }
    }
  }
}

// Refinement (paper, Alg. A.2 RefinePartition / MergeNodesSubset): within
// each community S of `comm`, start from singletons and visit the nodes in
// random order; a node that is still a singleton and well connected to S
// (E(v, S - v) >= gamma' ||v|| (||S|| - ||v||)) joins a random refined
// community R of S that is well connected to S and whose gain is >= 0,
// with probability proportional to exp(gain / theta). Returns the refined
// community of each node (ids are node ids of a representative).
template <bool kDirected>
std::vector<uint32_t> Refine(const Level& g, double gamma, double theta,
                             const std::vector<uint32_t>& comm, Scratch& scratch, Rng& rng) {
  const uint32_t n = g.n;
  // Nodes grouped by community.
  std::vector<uint32_t> start(static_cast<size_t>(n) + 1, 0), members(n);
  for (uint32_t v = 0; v < n; ++v) ++start[comm[v] + 1];
  for (uint32_t c = 0; c < n; ++c) start[c + 1] += start[c];
  {
    std::vector<uint32_t> pos(start.begin(), start.end() - 1);
    for (uint32_t v = 0; v < n; ++v) members[pos[comm[v]]++] = v;
  }
  std::vector<uint32_t> refined(n);
  std::iota(refined.begin(), refined.end(), 0u);
  std::vector<double> rweight(g.node_weight);  // ||R||
  std::vector<double> rweight_in(g.node_weight_in);  // directed: R's in-weight
  std::vector<double> ext(n, 0.0);             // E(v, S - v), then E(R, S - R)
  std::vector<double> rext(n, 0.0);
  std::vector<uint8_t> singleton(n, 1);
  for (uint32_t v = 0; v < n; ++v) {
    double e = 0;
    for (uint32_t p = g.offsets[v]; p < g.offsets[v + 1]; ++p) {
      const uint32_t u = g.targets[p];
      if (u != v && comm[u] == comm[v]) e += g.weights ? g.weights[p] : 1.0;
    }
    ext[v] = e;
    rext[v] = e;
  }
  std::vector<uint32_t> order, cand;
  std::vector<double> cand_gain;
  for (uint32_t c = 0; c < n; ++c) {
    if (start[c + 1] - start[c] < 2) continue;
    order.assign(members.begin() + start[c], members.begin() + start[c + 1]);
    double total = 0, total_in = 0;  // ||S||
    for (uint32_t v : order) {
      total += g.node_weight[v];
      if constexpr (kDirected) total_in += g.node_weight_in[v];
    }
    Shuffle(order, rng);
    for (uint32_t v : order) {
      if (!singleton[v]) continue;  // v moved or was joined already
      const double wv = g.node_weight[v];
      const double wv_in = kDirected ? g.node_weight_in[v] : 0.0;
      if (ext[v] < Penalty<kDirected>(gamma, wv, wv_in, total - wv, total_in - wv_in)) continue;
      const uint32_t *community = comm.data(), *into = refined.data();
      scratch.AddRow(g, v, [community, into, c](uint32_t u) {
        return community[u] == c ? into[u] : Scratch::kSkip;
      });
      // v leaves its singleton R = v (weight 0 now; staying has gain 0).
      rweight[v] -= wv;
      if constexpr (kDirected) rweight_in[v] -= wv_in;
      cand.assign(1, v);
      cand_gain.assign(1, 0.0);
      double max_gain = 0;
      for (uint32_t r : scratch.touched) {
        if (r == v) continue;
        const double r_in = kDirected ? rweight_in[r] : 0.0;
        if (rext[r] < Penalty<kDirected>(gamma, rweight[r], r_in, total - rweight[r],
                                         total_in - r_in))
          continue;
        const double gain = scratch.weight[r] - Penalty<kDirected>(gamma, wv, wv_in, rweight[r], r_in);
        if (gain < 0) continue;
        cand.push_back(r);
        cand_gain.push_back(gain);
        max_gain = std::max(max_gain, gain);
      }
      uint32_t chosen = v;
      if (cand.size() > 1) {
        // exp((gain - max) / theta): the same distribution, no overflow.
        double sum = 0;
        for (double& x : cand_gain) {
          x = std::exp((x - max_gain) / theta);
          sum += x;
        }
        double u = rng.Uniform() * sum;
        chosen = cand.back();
        for (size_t i = 0; i < cand.size(); ++i) {
          u -= cand_gain[i];
          if (u < 0) {
            chosen = cand[i];
            break;
          }
        }
      }
      const double to_chosen = chosen == v ? 0.0 : scratch.weight[chosen];
      scratch.Clear();
      rweight[chosen] += wv;
      if constexpr (kDirected) rweight_in[chosen] += wv_in;
      if (chosen != v) {
        refined[v] = chosen;
        singleton[v] = 0;
        singleton[chosen] = 0;
        // Edges between v and R become internal to R.
        rext[chosen] += ext[v] - 2 * to_chosen;
      }
    }
  }
  return refined;
}

// Renumbers labels (< n) to 0..k-1 in order of first appearance; returns k.
uint32_t Compact(std::vector<uint32_t>& labels, uint32_t n) {
  std::vector<uint32_t> id(n, UINT32_MAX);
  uint32_t k = 0;
  for (uint32_t& x : labels) {
    if (id[x] == UINT32_MAX) id[x] = k++;
    x = id[x];
  }
  return k;
}

// The graph whose nodes are the communities of `part` (0..k-1): node
// weights add up, edges between communities add up, internal edges vanish.
Level Aggregate(const Level& g, const std::vector<uint32_t>& part, uint32_t k, Scratch& scratch) {
  Level a;
  a.n = k;
  a.node_weight.assign(k, 0.0);
  const bool directed = !g.node_weight_in.empty();
  if (directed) a.node_weight_in.assign(k, 0.0);
  std::vector<uint32_t> start(static_cast<size_t>(k) + 1, 0), members(g.n);
  for (uint32_t v = 0; v < g.n; ++v) {
    a.node_weight[part[v]] += g.node_weight[v];
    if (directed) a.node_weight_in[part[v]] += g.node_weight_in[v];
    ++start[part[v] + 1];
  }
  for (uint32_t c = 0; c < k; ++c) start[c + 1] += start[c];
  {
    std::vector<uint32_t> pos(start.begin(), start.end() - 1);
    for (uint32_t v = 0; v < g.n; ++v) members[pos[part[v]]++] = v;
  }
  a.own_offsets.assign(static_cast<size_t>(k) + 1, 0);
  for (uint32_t c = 0; c < k; ++c) {
    for (uint32_t i = start[c]; i < start[c + 1]; ++i) {
      // A self-loop's ends share c, so AddRow leaving it out changes nothing.
      const uint32_t* of = part.data();
      scratch.AddRow(g, members[i], [of, c](uint32_t u) {
        return of[u] != c ? of[u] : Scratch::kSkip;
      });
    }
    for (uint32_t d : scratch.touched) {
      a.own_targets.push_back(d);
      a.own_weights.push_back(scratch.weight[d]);
    }
    a.own_offsets[c + 1] = static_cast<uint32_t>(a.own_targets.size());
    scratch.Clear();
  }
  a.offsets = a.own_offsets.data();
  a.targets = a.own_targets.data();
  a.weights = a.own_weights.data();
  return a;
}

// Communities numbered in order of their smallest node.
uint32_t Canonical(std::vector<uint32_t>& membership) {
  return Compact(membership, static_cast<uint32_t>(membership.size()));
}

absl::Status CheckMembership(const CsrGraph& g, absl::Span<const uint32_t> membership) {
  if (membership.size() != g.num_nodes()) {
    return absl::InvalidArgumentError(absl::StrCat("membership has ", membership.size(),
                                                   " entries for ", g.num_nodes(), " nodes"));
  }
  for (uint32_t v = 0; v < g.num_nodes(); ++v) {
    if (membership[v] >= g.num_nodes()) {
      return absl::InvalidArgumentError(absl::StrCat("membership of node ", v, " is ",
                                                     membership[v], ", not below n = ",
                                                     g.num_nodes()));
    }
  }
  return absl::OkStatus();
}

// A + A^T of a directed graph: each pair's arcs both ways added up (1 an
// arc when the weights are not used).
absl::StatusOr<CsrGraph> BothWays(const CsrGraph& g, bool use_weights) {
  if (use_weights || !g.weighted()) return g.Undirected(Symmetrize::kSum);
  const Adjacency& out = g.out();
  std::vector<NodeId> src(out.targets.size());
  for (uint32_t u = 0; u < g.num_nodes(); ++u)
    std::fill(src.begin() + out.offsets[u], src.begin() + out.offsets[u + 1], u);
  absl::StatusOr<CsrGraph> plain = CsrGraph::FromEdges(g.num_nodes(), src, out.targets);
  if (!plain.ok()) return plain.status();
  return plain->Undirected(Symmetrize::kSum);
}

// Empty (1 each), or one finite size >= 0 per node.
absl::Status CheckSizes(absl::Span<const double> sizes, uint32_t n, std::string_view where) {
  if (sizes.empty()) return absl::OkStatus();
  return CheckNodeVector(std::vector<double>(sizes.begin(), sizes.end()), n, where);
}

}  // namespace

absl::StatusOr<double> Modularity(const CsrGraph& g, absl::Span<const uint32_t> membership,
                                  double resolution, bool use_weights) {
  if (absl::Status s = CheckMembership(g, membership); !s.ok()) return s;
  if (!(std::isfinite(resolution) && resolution >= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("modularity: resolution ", resolution, " must be finite and >= 0"));
  }
  const uint32_t n = g.num_nodes();
  const Adjacency& out = g.out();
  const bool weighted = use_weights && g.weighted();
  std::vector<double> internal(n, 0.0), kout(n, 0.0), kin(n, 0.0);
  double total = 0;  // directed: m; undirected: 2m
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t p = out.offsets[u]; p < out.offsets[u + 1]; ++p) {
      const uint32_t v = out.targets[p];
      const double w = weighted ? out.weights[p] : 1.0;
      // Undirected: a self-loop is stored once but is counted twice in the
      // degree and in A_uu (so that it contributes w / m, as networkx).
      const double mult = (!g.directed() && u == v) ? 2.0 : 1.0;
      total += mult * w;
      kout[membership[u]] += mult * w;
      kin[membership[v]] += mult * w;
      if (membership[u] == membership[v]) internal[membership[u]] += mult * w;
    }
  }
  if (!(total > 0)) {
    return absl::InvalidArgumentError("modularity is undefined for a graph without edge weight");
  }
  double q = 0;
  for (uint32_t c = 0; c < n; ++c) {
    if (kout[c] == 0 && internal[c] == 0) continue;
    // Directed: L_c/m - gamma Kout Kin / m^2. Undirected (total = 2m, the
    // internal sum counts each edge twice): the same expression is
    // L_c/m - gamma (K_c / 2m)^2.
    q += internal[c] / total - resolution * kout[c] * kin[c] / (total * total);
  }
  return q;
}

absl::StatusOr<double> CpmQuality(const CsrGraph& g, absl::Span<const uint32_t> membership,
                                  double resolution, absl::Span<const double> node_sizes,
                                  bool use_weights) {
  if (absl::Status s = CheckMembership(g, membership); !s.ok()) return s;
  if (absl::Status s = CheckSizes(node_sizes, g.num_nodes(), "node_sizes"); !s.ok()) return s;
  if (g.directed()) return absl::InvalidArgumentError("CPM: the graph must be undirected");
  if (!(std::isfinite(resolution) && resolution >= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("CPM: resolution ", resolution, " must be finite and >= 0"));
  }
  const uint32_t n = g.num_nodes();
  const Adjacency& out = g.out();
  const bool weighted = use_weights && g.weighted();
  std::vector<double> internal(n, 0.0), size(n, 0.0);
  for (uint32_t u = 0; u < n; ++u) {
    size[membership[u]] += node_sizes.empty() ? 1.0 : node_sizes[u];
    for (uint32_t p = out.offsets[u]; p < out.offsets[u + 1]; ++p) {
      const uint32_t v = out.targets[p];
      if (membership[u] != membership[v]) continue;
      const double w = weighted ? out.weights[p] : 1.0;
      internal[membership[u]] += u == v ? w : w / 2;  // each edge stored twice
    }
  }
  double h = 0;
  for (uint32_t c = 0; c < n; ++c) h += internal[c] - resolution * size[c] * (size[c] - 1) / 2;
  return h;
}

absl::StatusOr<LeidenResult> Leiden(const CsrGraph& graph, const LeidenOptions& o) {
  if (o.directed && !graph.directed())
    return Invalid(o.names("directed"), "directed modularity needs a directed graph");
  if (graph.directed() && !o.directed) {
    return absl::InvalidArgumentError(
        "leiden: the graph must be undirected (use CsrGraph::Undirected()), or "
        "options.directed set for directed modularity");
  }
  if (o.directed && o.quality != LeidenQuality::kModularity)
    return Invalid(o.names("directed"), "applies to modularity only (CPM is undirected)");
  if (absl::Status s = CheckRange(o.resolution, o.names("resolution"), o.resolution >= 0, "finite and >= 0");
      !s.ok())
    return s;
  if (absl::Status s = CheckRange(o.randomness, o.names("randomness"), o.randomness > 0, "finite and > 0");
      !s.ok())
    return s;
  if (absl::Status s =
          CheckCount(o.max_iterations, 1, kMaxLeidenIterations, o.names("max_iterations"));
      !s.ok())
    return s;
  if (o.quality == LeidenQuality::kModularity && !o.node_sizes.empty())
    return Invalid(o.names("node_sizes"), "apply to CPM only");
  const uint32_t n = graph.num_nodes();
  if (absl::Status s = CheckSizes(o.node_sizes, n, o.names("node_sizes")); !s.ok()) return s;
  const bool weighted = o.use_weights && graph.weighted();
  // Directed modularity: a node's gain counts its arcs both ways, so the
  // levels hold A + A^T; the penalty reads the out- and in-weights.
  absl::StatusOr<CsrGraph> both_ways;
  if (o.directed) {
    both_ways = BothWays(graph, weighted);
    if (!both_ways.ok()) return both_ways.status();
  }
  const Adjacency& adj = o.directed ? both_ways->out() : graph.out();

  Level base;
  base.n = n;
  base.offsets = adj.offsets.data();
  base.targets = adj.targets.data();
  base.weights = (weighted || o.directed) && !adj.weights.empty() ? adj.weights.data() : nullptr;
  base.node_weight.assign(n, 1.0);
  double gamma = o.resolution;
  if (o.directed) {
    // Q = sum_c [L_c / m - gamma Kout_c Kin_c / m^2]; moving v into C gains
    // m dQ = E(v, C) - (gamma / m) (out_v Kin_C + in_v Kout_C).
    const Adjacency& arcs = graph.out();
    base.node_weight.assign(n, 0.0);
    base.node_weight_in.assign(n, 0.0);
    double m = 0;
    for (uint32_t u = 0; u < n; ++u) {
      for (uint32_t p = arcs.offsets[u]; p < arcs.offsets[u + 1]; ++p) {
        const double w = weighted ? arcs.weights[p] : 1.0;
        base.node_weight[u] += w;
        base.node_weight_in[arcs.targets[p]] += w;
        m += w;
      }
    }
    if (!(m > 0)) return Invalid(o.names("quality"), "modularity needs a graph with edge weight");
    gamma = o.resolution / m;
  } else if (o.quality == LeidenQuality::kModularity) {
    double two_m = 0;
    for (uint32_t v = 0; v < n; ++v) {
      double k = 0;
      for (uint32_t p = adj.offsets[v]; p < adj.offsets[v + 1]; ++p) {
        const double w = weighted ? adj.weights[p] : 1.0;
        k += adj.targets[p] == v ? 2 * w : w;  // a self-loop adds 2w to the degree
      }
      base.node_weight[v] = k;
      two_m += k;
    }
    if (!(two_m > 0)) {
      return Invalid(o.names("quality"), "modularity needs a graph with edge weight");
    }
    gamma = o.resolution / two_m;
  } else if (!o.node_sizes.empty()) {
    base.node_weight = o.node_sizes;
  }

  LeidenResult result;
  result.membership.resize(n);
  std::iota(result.membership.begin(), result.membership.end(), 0u);
  Rng rng(o.seed);
  Scratch scratch(n);
  std::vector<uint32_t> to_level(n);
  for (result.iterations = 0; result.iterations < o.max_iterations;) {
    ++result.iterations;
    const std::vector<uint32_t> before = result.membership;
    std::vector<uint32_t> comm = result.membership;  // partition of the current level
    std::iota(to_level.begin(), to_level.end(), 0u);
    const Level* g = &base;
    Level agg;
    while (true) {
      std::vector<double> comm_weight(g->n, 0.0), comm_weight_in(o.directed ? g->n : 0, 0.0);
      std::vector<uint32_t> comm_size(g->n, 0);
      for (uint32_t v = 0; v < g->n; ++v) {
        comm_weight[comm[v]] += g->node_weight[v];
        if (o.directed) comm_weight_in[comm[v]] += g->node_weight_in[v];
        ++comm_size[comm[v]];
      }
      if (o.directed) {
        MoveNodesFast<true>(*g, gamma, comm, comm_weight, comm_weight_in, comm_size, scratch, rng);
      } else {
        MoveNodesFast<false>(*g, gamma, comm, comm_weight, comm_weight_in, comm_size, scratch,
                             rng);
      }
      uint32_t k = 0;
      for (uint32_t c = 0; c < g->n; ++c) k += comm_size[c] > 0;
      if (k == g->n) break;  // every community is one node: done
      std::vector<uint32_t> refined =
          o.directed ? Refine<true>(*g, gamma, o.randomness, comm, scratch, rng)
                     : Refine<false>(*g, gamma, o.randomness, comm, scratch, rng);
      uint32_t kr = Compact(refined, g->n);
      if (kr == g->n) {
        // The refinement merged nothing: aggregate the partition itself (as
        // igraph), which still shrinks the graph.
        refined = comm;
        kr = Compact(refined, g->n);
      }
      // The aggregate starts from the unrefined partition.
      std::vector<uint32_t> next_comm(kr);
      for (uint32_t v = 0; v < g->n; ++v) next_comm[refined[v]] = comm[v];
      Compact(next_comm, g->n);
      for (uint32_t x = 0; x < n; ++x) to_level[x] = refined[to_level[x]];
      Level next = Aggregate(*g, refined, kr, scratch);
      agg = std::move(next);
      g = &agg;
      comm = std::move(next_comm);
    }
    for (uint32_t x = 0; x < n; ++x) result.membership[x] = comm[to_level[x]];
    result.num_communities = Canonical(result.membership);
    if (result.membership == before) {
      result.stable = true;
      break;
    }
  }
  absl::StatusOr<double> q = o.quality == LeidenQuality::kModularity
                                 ? Modularity(graph, result.membership, o.resolution, weighted)
                                 : CpmQuality(graph, result.membership, o.resolution,
                                              o.node_sizes, weighted);
  if (!q.ok()) return q.status();
  result.quality = *q;
  return result;
}

}  // namespace mitra::graph
