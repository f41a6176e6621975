#include "mitra/activation/imm.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <limits>
#include <new>
#include <optional>
#include <vector>

#include "common/parallel.h"
#include "common/random.h"
#include "rr_budget.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/special.h"

namespace mitra::activation {
namespace {


constexpr uint64_t kRrDomain = 0x72722d7365747321ULL;
constexpr uint64_t kFreshDomain = 0x6672657368727221ULL;
// OPIM-C's two collections (mixed through SplitMix64 before use).
constexpr uint64_t kR1Domain = 0x6f70696d2d723121ULL;
constexpr uint64_t kR2Domain = 0x6f70696d2d723221ULL;

// Samples RR sets; one per thread, reused across batches.
class RrSampler {
 public:
  RrSampler(const DiffusionGraph& dg, const std::vector<NodeId>& roots,
            const std::vector<uint8_t>& storable)
      : dg_(dg), roots_(roots), storable_(storable), mark_(dg.num_nodes(), 0) {}

  // Appends RR set `index` (its stored nodes) to `out`; returns how many.
  uint32_t Sample(uint64_t seed, uint64_t index, std::vector<NodeId>& out) {
    if (++stamp_ == 0) {
      std::fill(mark_.begin(), mark_.end(), 0);
      stamp_ = 1;
    }
    Rng rng(seed, index);
    const NodeId root = roots_.empty() ? static_cast<NodeId>(rng.Below(dg_.num_nodes()))
                                       : roots_[rng.Below(roots_.size())];
    const size_t start = out.size();
    const auto& off = dg_.in_offsets();
    const auto& src = dg_.in_sources();
    const auto& uni = dg_.in_uniform_value();
    if (dg_.model() == Model::kIndependentCascade) {
      const auto& thr = dg_.in_thresholds();
      const auto& ilq = dg_.in_inv_log_q();
      queue_.clear();
      queue_.push_back(root);
      mark_[root] = stamp_;
      for (size_t h = 0; h < queue_.size(); ++h) {
        const NodeId v = queue_[h];
        const uint32_t b = off[v], e = off[v + 1];
        if (b == e) continue;
        const double pu = uni[v];
        auto visit = [&](uint32_t k) {
          const NodeId u = src[k];
          if (mark_[u] != stamp_) {
            mark_[u] = stamp_;
            queue_.push_back(u);
          }
        };
        if (pu >= 0) {
          if (pu <= 0) continue;
          if (pu >= 1) {
            for (uint32_t k = b; k < e; ++k) visit(k);
            continue;
          }
          // Geometric skipping: the gap to the next live arc is
          // floor(log U / log(1 - p)), U uniform in (0, 1].
          const double inv = ilq[v];
          uint32_t j = b;
          while (true) {
            const double skip = std::floor(std::log(1.0 - rng.Uniform()) * inv);
            if (skip >= static_cast<double>(e - j)) break;
            j += static_cast<uint32_t>(skip);
            visit(j);
            ++j;
          }
        } else {
          for (uint32_t k = b; k < e; ++k)
            if ((rng.Next() >> 11) < thr[k]) visit(k);
        }
      }
      for (NodeId u : queue_)
        if (storable_.empty() || storable_[u]) out.push_back(u);
    } else {
      const auto& w = dg_.in_values();
      NodeId v = root;
      while (true) {
        mark_[v] = stamp_;
        if (storable_.empty() || storable_[v]) out.push_back(v);
        const uint32_t b = off[v], e = off[v + 1];
        if (b == e) break;
        const double r = rng.Uniform();
        uint32_t pick = e;
        const double pu = uni[v];
        if (pu >= 0) {
          if (pu > 0) {
            const double idx = std::floor(r / pu);
            if (idx < static_cast<double>(e - b)) pick = b + static_cast<uint32_t>(idx);
          }
        } else {
          double cum = 0;
          for (uint32_t k = b; k < e; ++k) {
            cum += w[k];
            if (r < cum) {
              pick = k;
              break;
            }
          }
        }
        if (pick == e) break;
        const NodeId u = src[pick];
        if (mark_[u] == stamp_) break;
        v = u;
      }
    }
    return static_cast<uint32_t>(out.size() - start);
  }

 private:
  const DiffusionGraph& dg_;
  const std::vector<NodeId>& roots_;
  const std::vector<uint8_t>& storable_;
  std::vector<uint32_t> mark_;
  uint32_t stamp_ = 0;
  std::vector<NodeId> queue_;
};

// Samples RR sets [store.count(), target) with streams (seed, i), in
// chunks whose memory is reserved from `budget` first: a pilot of one set
// per thread, then chunks that double (at most kMaxChunk sets), each
// estimated at the mean set size so far and reserved again at its actual
// size before it joins the store. Set i depends only on (seed, i), so the
// chunking changes nothing in the result.
absl::Status SampleTo(RrStore& store, uint64_t target, uint64_t seed,
                      std::vector<RrSampler>& samplers, RrBudget& budget, const char* stage) {
  constexpr uint64_t kMaxChunk = uint64_t{1} << 22;
  if (target <= store.count()) return absl::OkStatus();
  if (absl::Status s = budget.Hold(4.0 * static_cast<double>(target + 1), stage); !s.ok())
    return s;
  store.offsets.reserve(target + 1);
  uint64_t chunk = samplers.size();
  while (store.count() < target) {
    const uint64_t first = store.count();
    const uint64_t batch = std::min(target - first, chunk);
    chunk = std::min(kMaxChunk, 2 * chunk);
    // The sampling threads' buffers, at the mean size so far.
    if (absl::Status s = budget.Hold(8.0 * batch * budget.SetSize(), stage); !s.ok()) return s;
    const int threads = static_cast<int>(std::min<uint64_t>(samplers.size(), batch));
    std::vector<std::vector<NodeId>> local_nodes(threads);
    std::vector<std::vector<uint32_t>> local_sizes(threads);
    ParallelChunks(threads, batch, [&](size_t b, size_t e, int c) {
      auto& nodes = local_nodes[c];
      auto& sizes = local_sizes[c];
      sizes.reserve(e - b);
      for (size_t i = b; i < e; ++i) sizes.push_back(samplers[c].Sample(seed, first + i, nodes));
    });
    uint64_t added = 0;
    for (const auto& v : local_nodes) added += v.size();
    const uint64_t total = store.nodes.size() + added;
    if (total > std::numeric_limits<uint32_t>::max())
      return absl::ResourceExhaustedError(
          "Imm: the RR sets exceed 2^32 - 1 stored nodes (uint32 offsets)");
    if (total > store.nodes.capacity()) {
      // Growth by half again: while moving, the old and new arrays coexist.
      const uint64_t cap = std::max<uint64_t>(total, store.nodes.capacity() * 3 / 2);
      if (absl::Status s = budget.Hold(4.0 * (static_cast<double>(added) + cap), stage);
          !s.ok())
        return s;
      store.nodes.reserve(cap);
    }
    for (int c = 0; c < threads; ++c) {
      uint32_t at = store.offsets.back();
      for (uint32_t s : local_sizes[c]) store.offsets.push_back(at += s);
      store.nodes.insert(store.nodes.end(), local_nodes[c].begin(), local_nodes[c].end());
      std::vector<NodeId>().swap(local_nodes[c]);
    }
  }
  return absl::OkStatus();
}

struct Constraints {
  uint32_t n = 0;
  uint32_t k = 0;  // total seeds incl. must-include (k mode)
  std::vector<uint8_t> allowed;  // selectable by the greedy (not must-include)
  std::vector<NodeId> must;
  bool budgeted = false;
  double budget = 0;
  const std::vector<double>* costs = nullptr;
  const std::vector<uint32_t>* groups = nullptr;  // null: no quotas
  const std::vector<uint32_t>* quota = nullptr;
};

struct Selection {
  std::vector<NodeId> seeds;
  std::vector<uint32_t> gains;  // newly covered RR sets per seed
  uint64_t covered = 0;
  uint64_t index_bytes = 0;
  // With BoundOptions: the smallest, over the evaluated greedy steps i, of
  // covered(S_i) + the k' largest marginal coverages of allowed nodes w.r.t.
  // S_i (S_0 = the must-include nodes): an upper bound on the coverage of
  // any set of the must-include nodes and at most k' allowed nodes (by
  // submodularity; Tang et al. 2018). UINT64_MAX when not asked.
  uint64_t coverage_upper_bound = std::numeric_limits<uint64_t>::max();
};

struct HeapEntry {
  double key;
  NodeId node;
  bool operator<(const HeapEntry& o) const {  // max-heap: larger key, then smaller id
    if (key != o.key) return key < o.key;
    return node > o.node;
  }
};

// Greedy max-coverage over the flat RR sets with lazy (CELF) evaluation.
// Marginal coverages are kept exact (covering a set decrements the count of
// each of its nodes), so re-evaluating a node is O(1). bound_k: when set,
// also computes Selection::coverage_upper_bound for sets of at most
// *bound_k free nodes, at greedy steps 0, 1, 2, 4, ... and at the end.
Selection SelectNodes(const RrStore& store, const Constraints& c,
                      std::optional<uint64_t> bound_k = std::nullopt) {
  const uint32_t n = c.n;
  const uint64_t sets = store.count();
  // Inverted index node -> sets, by counting sort.
  std::vector<uint32_t> node_off(n + 1, 0);
  for (NodeId v : store.nodes) ++node_off[v + 1];
  for (uint32_t v = 0; v < n; ++v) node_off[v + 1] += node_off[v];
  std::vector<uint32_t> node_sets(store.nodes.size());
  {
    std::vector<uint32_t> pos(node_off.begin(), node_off.end() - 1);
    for (uint64_t s = 0; s < sets; ++s)
      for (uint32_t i = store.offsets[s]; i < store.offsets[s + 1]; ++i)
        node_sets[pos[store.nodes[i]]++] = static_cast<uint32_t>(s);
  }
  Selection out;
  out.index_bytes = (node_off.size() + node_sets.size()) * sizeof(uint32_t);
  // count[v] = RR sets containing v not yet covered (v's marginal coverage).
  std::vector<uint32_t> count(n);
  for (uint32_t v = 0; v < n; ++v) count[v] = node_off[v + 1] - node_off[v];
  std::vector<uint8_t> covered(sets, 0);
  auto cover = [&](NodeId v) {
    uint32_t cnt = 0;
    for (uint32_t i = node_off[v]; i < node_off[v + 1]; ++i) {
      const uint32_t s = node_sets[i];
      if (covered[s]) continue;
      covered[s] = 1;
      ++cnt;
      for (uint32_t j = store.offsets[s]; j < store.offsets[s + 1]; ++j) --count[store.nodes[j]];
    }
    out.covered += cnt;
    return cnt;
  };
  std::vector<uint32_t> used;
  if (c.groups) used.assign(c.quota->size(), 0);
  double spent = 0;
  for (NodeId m : c.must) {
    out.seeds.push_back(m);
    out.gains.push_back(cover(m));
    if (c.groups) ++used[(*c.groups)[m]];
    if (c.costs) spent += (*c.costs)[m];
  }
  auto group_full = [&](NodeId v) {
    return c.groups && used[(*c.groups)[v]] >= (*c.quota)[(*c.groups)[v]];
  };
  const double remaining = c.budget - spent;
  auto cost = [&](NodeId v) { return (*c.costs)[v]; };

  // The upper bound: allowed nodes that are in some set (the others have
  // marginal coverage 0 throughout).
  std::vector<NodeId> active;
  std::vector<uint32_t> buf;
  if (bound_k)
    for (NodeId v = 0; v < n; ++v)
      if (c.allowed[v] && count[v] > 0) active.push_back(v);
  auto note_bound = [&] {
    buf.clear();
    for (NodeId v : active)
      if (count[v] > 0) buf.push_back(count[v]);
    const size_t top = static_cast<size_t>(std::min<uint64_t>(*bound_k, buf.size()));
    if (top < buf.size())
      std::nth_element(buf.begin(), buf.begin() + top, buf.end(), std::greater<uint32_t>());
    uint64_t b = out.covered;
    for (size_t i = 0; i < top; ++i) b += buf[i];
    out.coverage_upper_bound = std::min(out.coverage_upper_bound, b);
  };
  if (bound_k) note_bound();

  // Best single affordable node after the must-include ones (budget mode).
  NodeId best_single = n;
  uint32_t best_single_gain = 0;
  std::vector<HeapEntry> heap;
  for (NodeId v = 0; v < n; ++v) {
    if (!c.allowed[v] || group_full(v)) continue;
    if (c.budgeted && cost(v) > remaining) continue;
    const uint32_t g = count[v];
    if (c.budgeted) {
      if (best_single == n || g > best_single_gain) {
        best_single = v;
        best_single_gain = g;
      }
      heap.push_back({g / cost(v), v});
    } else {
      heap.push_back({static_cast<double>(g), v});
    }
  }
  std::make_heap(heap.begin(), heap.end());
  const uint64_t covered_must = out.covered;
  double left = remaining;
  size_t picked = 0;
  while (!heap.empty()) {
    if (!c.budgeted && out.seeds.size() >= c.k) break;
    std::pop_heap(heap.begin(), heap.end());
    const HeapEntry top = heap.back();
    heap.pop_back();
    const NodeId v = top.node;
    if (group_full(v)) continue;
    if (c.budgeted && cost(v) > left) continue;
    const uint32_t g = count[v];
    const double key = c.budgeted ? g / cost(v) : static_cast<double>(g);
    if (!heap.empty() && key < heap.front().key) {
      heap.push_back({key, v});
      std::push_heap(heap.begin(), heap.end());
      continue;
    }
    out.seeds.push_back(v);
    out.gains.push_back(cover(v));
    if (c.groups) ++used[(*c.groups)[v]];
    if (c.budgeted) left -= cost(v);
    ++picked;
    if (bound_k && (picked & (picked - 1)) == 0) note_bound();  // 1, 2, 4, ...
  }
  if (bound_k) note_bound();
  if (c.budgeted && best_single != n && covered_must + best_single_gain > out.covered) {
    out.seeds.resize(c.must.size());
    out.gains.resize(c.must.size());
    out.seeds.push_back(best_single);
    out.gains.push_back(best_single_gain);
    out.covered = covered_must + best_single_gain;
  }
  return out;
}

// Coverage of `seeds` in `store`, each covered set credited to the first
// seed (in order) it contains: gains[i] = sets whose first seed is seeds[i].
// Integer sums over chunks, so the result does not depend on `threads`.
std::vector<uint64_t> CoverageInOrder(const RrStore& store, const std::vector<NodeId>& seeds,
                                      uint32_t n, int threads) {
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> rank(n, kNone);
  for (size_t i = 0; i < seeds.size(); ++i) rank[seeds[i]] = static_cast<uint32_t>(i);
  const uint64_t sets = store.count();
  const int t = UsefulThreads(threads, static_cast<size_t>(sets));
  std::vector<std::vector<uint64_t>> local(t, std::vector<uint64_t>(seeds.size(), 0));
  ParallelChunks(t, sets, [&](size_t b, size_t e, int c) {
    auto& g = local[c];
    for (size_t s = b; s < e; ++s) {
      uint32_t first = kNone;
      for (uint32_t i = store.offsets[s]; i < store.offsets[s + 1]; ++i)
        first = std::min(first, rank[store.nodes[i]]);
      if (first != kNone) ++g[first];
    }
  });
  std::vector<uint64_t> gains(seeds.size(), 0);
  for (const auto& g : local)
    for (size_t i = 0; i < g.size(); ++i) gains[i] += g[i];
  return gains;
}

absl::Status CheckIds(const std::vector<NodeId>& ids, const char* field, uint32_t n) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] >= n)
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: node id ", ids[i], " >= num_nodes ", n));
  return absl::OkStatus();
}

// What IMM and OPIM-C share: the checked options as constraints, the RR
// roots and stored nodes, and the quantities their sample sizes use.
struct Setup {
  uint32_t n = 0;
  Constraints c;
  std::vector<NodeId> roots;      // RR roots (targets, deduplicated); empty: all nodes
  std::vector<uint8_t> storable;  // nodes worth storing; empty: all
  std::vector<uint8_t> is_must;
  std::vector<uint32_t> must_per_group;
  double must_cost = 0;
  double big_n = 0;               // possible roots
  uint64_t n_allowed = 0;         // selectable nodes
  uint64_t k_free = 0;            // k': seeds the greedy chooses (budget: the most it can buy)
  double gamma = 0;               // the greedy's ratio
  double approx = 0;              // gamma - epsilon, or 0 when no ratio is claimed
  bool has_ratio = true;          // false: budget with quotas
  double logn = 0;                // log max(n, 2)
  double log_cnk = 0;             // log C(n_c, k')
};

absl::StatusOr<Setup> Prepare(const DiffusionGraph& dg, const ImmOptions& o) {
  const uint32_t n = dg.num_nodes();
  if (n == 0) return absl::InvalidArgumentError("graph: no nodes");
  if (o.algorithm != ImAlgorithm::kImm && o.algorithm != ImAlgorithm::kOpimC)
    return absl::InvalidArgumentError(
        absl::StrCat("algorithm: unknown value ", static_cast<int>(o.algorithm)));
  if (!(o.epsilon > 0 && o.epsilon < 1))
    return absl::InvalidArgumentError(absl::StrCat("epsilon must be in (0, 1), got ", o.epsilon));
  if (!(o.ell > 0) || !std::isfinite(o.ell))
    return absl::InvalidArgumentError(absl::StrCat("ell must be positive, got ", o.ell));
  if (o.threads < 1)
    return absl::InvalidArgumentError(absl::StrCat("threads must be >= 1, got ", o.threads));
  const bool budgeted = o.budget.has_value();
  if (!budgeted && (o.k == 0 || o.k > n))
    return absl::InvalidArgumentError(
        absl::StrCat("k must be in [1, num_nodes = ", n, "], got ", o.k));
  if (auto s = CheckIds(o.candidates, "candidates", n); !s.ok()) return s;
  if (auto s = CheckIds(o.excluded, "excluded", n); !s.ok()) return s;
  if (auto s = CheckIds(o.must_include, "must_include", n); !s.ok()) return s;
  if (auto s = CheckIds(o.targets, "targets", n); !s.ok()) return s;
  if (budgeted && (!(*o.budget >= 0) || !std::isfinite(*o.budget)))
    return absl::InvalidArgumentError(
        absl::StrCat("budget must be finite and >= 0, got ", *o.budget));
  if (budgeted && o.costs.size() != n)
    return absl::InvalidArgumentError(absl::StrCat(
        "costs has ", o.costs.size(), " entries, expected num_nodes = ", n, " with a budget"));
  if (!o.costs.empty() && o.costs.size() != n)
    return absl::InvalidArgumentError(
        absl::StrCat("costs has ", o.costs.size(), " entries, expected num_nodes = ", n));
  for (size_t i = 0; i < o.costs.size(); ++i)
    if (!(o.costs[i] > 0) || !std::isfinite(o.costs[i]))
      return absl::InvalidArgumentError(
          absl::StrCat("costs[", i, "] must be positive and finite, got ", o.costs[i]));
  if (o.groups.empty() != o.group_quota.empty())
    return absl::InvalidArgumentError("groups and group_quota must be given together");
  if (!o.groups.empty()) {
    if (o.groups.size() != n)
      return absl::InvalidArgumentError(absl::StrCat(
          "groups has ", o.groups.size(), " entries, expected num_nodes = ", n));
    for (size_t i = 0; i < n; ++i)
      if (o.groups[i] >= o.group_quota.size())
        return absl::InvalidArgumentError(
            absl::StrCat("groups[", i, "] = ", o.groups[i], " has no entry in group_quota (size ",
                         o.group_quota.size(), ")"));
  }

  Setup st;
  st.n = n;
  Constraints& c = st.c;
  c.n = n;
  c.k = o.k;
  c.budgeted = budgeted;
  c.budget = budgeted ? *o.budget : 0;
  c.costs = o.costs.empty() ? nullptr : &o.costs;
  if (!o.groups.empty()) {
    c.groups = &o.groups;
    c.quota = &o.group_quota;
  }
  c.allowed.assign(n, o.candidates.empty() ? 1 : 0);
  for (NodeId v : o.candidates) c.allowed[v] = 1;
  std::vector<uint8_t> excluded(n, 0);
  for (NodeId v : o.excluded) {
    excluded[v] = 1;
    c.allowed[v] = 0;
  }
  st.is_must.assign(n, 0);
  st.must_per_group.assign(o.group_quota.size(), 0);
  for (size_t i = 0; i < o.must_include.size(); ++i) {
    const NodeId v = o.must_include[i];
    if (st.is_must[v])
      return absl::InvalidArgumentError(
          absl::StrCat("must_include[", i, "]: node ", v, " listed twice"));
    if (excluded[v])
      return absl::InvalidArgumentError(
          absl::StrCat("must_include[", i, "]: node ", v, " is also excluded"));
    st.is_must[v] = 1;
    c.allowed[v] = 0;
    c.must.push_back(v);
    if (c.costs) st.must_cost += o.costs[v];
    if (c.groups && ++st.must_per_group[o.groups[v]] > o.group_quota[o.groups[v]])
      return absl::InvalidArgumentError(absl::StrCat(
          "must_include: more nodes in group ", o.groups[v], " than group_quota allows"));
  }
  if (!budgeted && c.must.size() > o.k)
    return absl::InvalidArgumentError(
        absl::StrCat("must_include has ", c.must.size(), " nodes, more than k = ", o.k));
  if (budgeted && st.must_cost > *o.budget)
    return absl::InvalidArgumentError(
        absl::StrCat("must_include costs ", st.must_cost, ", more than the budget ", *o.budget));

  // Roots of RR sets (targets, deduplicated) and the nodes worth storing.
  if (!o.targets.empty()) {
    std::vector<uint8_t> t(n, 0);
    for (NodeId v : o.targets) t[v] = 1;
    for (NodeId v = 0; v < n; ++v)
      if (t[v]) st.roots.push_back(v);
  }
  st.big_n = st.roots.empty() ? n : static_cast<double>(st.roots.size());
  for (NodeId v = 0; v < n; ++v) st.n_allowed += c.allowed[v];
  if (st.n_allowed + c.must.size() < n) {
    st.storable.assign(n, 0);
    for (NodeId v = 0; v < n; ++v) st.storable[v] = c.allowed[v] || st.is_must[v];
  }

  // k' = seeds the greedy chooses (budget: the most the budget can buy).
  if (budgeted) {
    std::vector<double> affordable;
    for (NodeId v = 0; v < n; ++v)
      if (c.allowed[v]) affordable.push_back(o.costs[v]);
    std::sort(affordable.begin(), affordable.end());
    double left = *o.budget - st.must_cost;
    for (double x : affordable) {
      if (x > left) break;
      left -= x;
      ++st.k_free;
    }
  } else {
    st.k_free = std::min<uint64_t>(o.k - c.must.size(), st.n_allowed);
  }
  const double one_minus_inv_e = 1 - std::exp(-1.0);
  st.gamma = one_minus_inv_e;
  if (budgeted)
    st.gamma = one_minus_inv_e / 2;
  else if (c.groups)
    st.gamma = 0.5;
  st.has_ratio = !(budgeted && c.groups);
  st.approx = st.has_ratio ? std::max(0.0, st.gamma - o.epsilon) : 0.0;
  st.logn = std::log(std::max<double>(n, 2));
  const double nc = static_cast<double>(std::max<uint64_t>(st.n_allowed, 1));
  const double kf = static_cast<double>(std::min<uint64_t>(
      std::max<uint64_t>(st.k_free, 1), st.n_allowed > 0 ? st.n_allowed : 1));
  st.log_cnk = LogGamma(nc + 1) - LogGamma(kf + 1) - LogGamma(nc - kf + 1);
  return st;
}

// Refuses a sample of more than max_rr_sets RR sets. `sets` stays a
// double: a tiny epsilon asks for more than 2^64 sets (or infinitely many),
// which no integer conversion survives.
absl::Status TooMany(const char* who, double sets, const ImmOptions& o) {
  if (sets <= static_cast<double>(o.max_rr_sets)) return absl::OkStatus();
  char need[40];
  if (sets < 1e15)
    std::snprintf(need, sizeof need, "%.0f", std::ceil(sets));
  else
    std::snprintf(need, sizeof need, "%.4g", sets);
  return absl::ResourceExhaustedError(
      absl::StrCat(who, ": ", need, " RR sets needed (epsilon ", o.epsilon, ", ell ", o.ell,
                   "), more than max_rr_sets = ", o.max_rr_sets,
                   "; raise epsilon or max_rr_sets"));
}

// Seeds, their total cost and the figures every result carries.
void FillCommon(const Setup& st, const ImmOptions& o, const Selection& sel, ImmResult& r) {
  r.algorithm = o.algorithm;
  r.seeds = sel.seeds;
  if (st.c.costs) {
    for (NodeId v : r.seeds) r.total_cost += o.costs[v];
  } else {
    r.total_cost = static_cast<double>(r.seeds.size());
  }
  r.epsilon = o.epsilon;
  r.ell = o.ell;
  r.gamma = st.gamma;
}

absl::StatusOr<ImmResult> RunImm(const DiffusionGraph& dg, const ImmOptions& o, const Setup& st) {
  const Constraints& c = st.c;
  const double big_n = st.big_n;
  const double gamma = st.gamma;
  const double logn = st.logn;
  const double log_cnk = st.log_cnk;
  const double ell = o.ell * (1 + std::log(2.0) / logn);
  const double eps = o.epsilon;
  const double eps_p = std::sqrt(2.0) * eps;
  const double lambda_p = (2 + 2.0 / 3 * eps_p) *
                          (log_cnk + ell * logn + std::log(std::max(std::log2(big_n), 1.0))) *
                          big_n / (eps_p * eps_p);
  const double alpha = std::sqrt(ell * logn + std::log(2.0));
  const double beta = std::sqrt(gamma * (log_cnk + ell * logn + std::log(2.0)));
  const double lambda_star =
      2 * big_n * (gamma * alpha + beta) * (gamma * alpha + beta) / (eps * eps);

  std::vector<RrSampler> samplers;
  samplers.reserve(o.threads);
  for (int t = 0; t < o.threads; ++t) samplers.emplace_back(dg, st.roots, st.storable);
  const uint64_t seed = o.seed ^ kRrDomain;
  RrStore store;
  RrBudget budget(o, st.n, st.storable.empty() ? 1.0 : 0.0, {&store});
  // The least the run can need, before anything is sampled: the first
  // round of phase 1, and the final theta = lambda* / LB with LB <= N.
  const int rounds = static_cast<int>(std::ceil(std::log2(big_n))) - 1;
  {
    const double least = std::max(rounds >= 1 ? std::ceil(lambda_p / (big_n / 2)) : 0.0,
                                  std::ceil(lambda_star / big_n));
    if (auto s = TooMany("Imm", least, o); !s.ok()) return s;
    if (auto s = budget.Plan(least, "at least"); !s.ok()) return s;
  }
  uint64_t peak_bytes = 0;
  auto note_memory = [&](const Selection& s) {
    peak_bytes = std::max<uint64_t>(
        peak_bytes, (store.offsets.size() + store.nodes.size()) * sizeof(uint32_t) + s.index_bytes);
  };

  // Phase 1 (Sampling): a lower bound LB on OPT.
  double lb = 1;
  for (int i = 1; i <= rounds; ++i) {
    const double x = big_n / std::pow(2.0, i);
    const double theta_i = std::ceil(lambda_p / x);
    if (auto s = TooMany("Imm", theta_i, o); !s.ok()) return s;
    if (auto s = budget.Plan(theta_i, "phase 1"); !s.ok()) return s;
    if (auto s = SampleTo(store, static_cast<uint64_t>(theta_i), seed, samplers, budget,
                          "phase 1");
        !s.ok())
      return s;
    if (auto s = budget.Hold(RrBudget::IndexBytes(store), "phase 1"); !s.ok()) return s;
    const Selection sel = SelectNodes(store, c, st.k_free);
    note_memory(sel);
    const double spread = big_n * static_cast<double>(sel.covered) / store.count();
    if (spread >= (1 + eps_p) * x) {
      lb = spread / (1 + eps_p);
      break;
    }
    // Where this is heading: OPT's coverage here is at most the smaller of
    // covered / gamma and the greedy's top-k' bound (as in OPIM-C), so
    // E[OPT] <= N (sqrt(that + a/2) + sqrt(a/2))^2 / theta_i except with
    // probability e^-a, and the final theta = lambda* / LB >= lambda* / OPT.
    // When even that cannot fit, refuse now rather than after rounds of
    // sampling toward it (10^6 isolated nodes with k = 50 head for ~2
    // billion sets). Only a refusal depends on this, never a result.
    double cover_upper = static_cast<double>(sel.coverage_upper_bound);
    if (st.has_ratio) cover_upper = std::min(cover_upper, sel.covered / gamma);
    const double a = ell * logn + std::log(2.0);
    const double y = std::sqrt(cover_upper + a / 2) + std::sqrt(a / 2);
    const double opt_upper = std::min(big_n, big_n * y * y / store.count());
    if (auto s = budget.Plan(std::ceil(lambda_star / opt_upper), "projected selection");
        !s.ok())
      return s;
  }
  const double theta = std::ceil(lambda_star / lb);
  if (auto s = TooMany("Imm", theta, o); !s.ok()) return s;
  if (auto s = budget.Plan(theta, "selection"); !s.ok()) return s;
  uint64_t sampled_before = 0;
  if (o.fresh_rr_sets) {
    sampled_before = store.count();
    store = RrStore();
    if (auto s = SampleTo(store, static_cast<uint64_t>(theta), o.seed ^ kFreshDomain, samplers,
                          budget, "selection");
        !s.ok())
      return s;
  } else if (auto s = SampleTo(store, static_cast<uint64_t>(theta), seed, samplers, budget,
                               "selection");
             !s.ok()) {
    return s;
  }
  samplers.clear();
  if (auto s = budget.Hold(RrBudget::IndexBytes(store), "selection"); !s.ok()) return s;
  const Selection sel = SelectNodes(store, c);
  note_memory(sel);

  ImmResult r;
  FillCommon(st, o, sel, r);
  const double sets = static_cast<double>(store.count());
  for (uint32_t g : sel.gains) r.marginal_gains.push_back(big_n * g / sets);
  r.estimated_spread = big_n * static_cast<double>(sel.covered) / sets;
  r.rr_sets = store.count();
  r.rr_sets_sampled = sampled_before + store.count();
  r.theta = theta;
  r.lower_bound = lb;
  r.ell_adjusted = ell;
  r.approximation = st.approx;
  r.rr_memory_bytes = peak_bytes;
  r.average_rr_size = static_cast<double>(store.nodes.size()) / sets;
  return r;
}

// OPIM-C's L: a lower bound on OPT, the counted nodes (targets, or all) of
// one feasible seed set (each seed activates itself): the must-include ones
// plus allowed ones taken cheapest first (budget) or in id order (k), within
// the quotas and k'. At least 1, as IMM assumes (OPT >= 1).
double OptLowerBound(const Setup& st, const ImmOptions& o) {
  const Constraints& c = st.c;
  std::vector<uint8_t> counted;
  if (!st.roots.empty()) {
    counted.assign(st.n, 0);
    for (NodeId v : st.roots) counted[v] = 1;
  }
  auto is_counted = [&](NodeId v) { return counted.empty() || counted[v]; };
  uint64_t l = 0;
  for (NodeId m : c.must) l += is_counted(m);
  std::vector<NodeId> pool;
  for (NodeId v = 0; v < st.n; ++v)
    if (c.allowed[v] && is_counted(v)) pool.push_back(v);
  if (c.budgeted)
    std::stable_sort(pool.begin(), pool.end(),
                     [&](NodeId a, NodeId b) { return o.costs[a] < o.costs[b]; });
  std::vector<uint32_t> used = st.must_per_group;
  double left = c.budget - st.must_cost;
  uint64_t taken = 0;
  for (NodeId v : pool) {
    if (taken >= st.k_free) break;
    if (c.budgeted && o.costs[v] > left) break;  // sorted: no later node fits either
    if (c.groups) {
      const uint32_t g = o.groups[v];
      if (used[g] >= o.group_quota[g]) continue;
      ++used[g];
    }
    if (c.budgeted) left -= o.costs[v];
    ++taken;
  }
  return std::max<double>(1.0, static_cast<double>(l + taken));
}

absl::StatusOr<ImmResult> RunOpimC(const DiffusionGraph& dg, const ImmOptions& o,
                                   const Setup& st) {
  const Constraints& c = st.c;
  const double big_n = st.big_n;
  const double gamma = st.gamma;
  const double eps = o.epsilon;
  const double log_inv_delta = o.ell * st.logn;  // delta = 1/n^ell
  const double opt_lb = OptLowerBound(st, o);
  const double ln6 = std::log(6.0) + log_inv_delta;
  const double a = std::sqrt(ln6);
  const double b = std::sqrt(gamma * (st.log_cnk + ln6));
  const double theta_max_paper =
      std::ceil(2 * big_n * (gamma * a + b) * (gamma * a + b) / (eps * eps * opt_lb));
  // A tiny epsilon can make theta_max astronomical (or infinite): the rounds
  // stop at 2^62 sets, which max_rr_sets or memory refuses long before, and
  // a capped last round does not claim the theta_max guarantee.
  constexpr double kCap = 4611686018427387904.0;  // 2^62
  const bool capped = !(theta_max_paper <= kCap);
  const double theta_max = capped ? kCap : theta_max_paper;
  const double theta_0 = std::min(theta_max, std::ceil(2 * (gamma * a + b) * (gamma * a + b)));
  // Rounds of theta_0, 2 theta_0, ..., capped at theta_max (the last round).
  const int i_max = static_cast<int>(std::ceil(std::log2(theta_max / theta_0))) + 1;
  const double a_round = std::log(3.0 * i_max) + log_inv_delta;  // ln(3 i_max / delta)
  const double target = gamma - eps;

  std::vector<RrSampler> samplers;
  samplers.reserve(o.threads);
  for (int t = 0; t < o.threads; ++t) samplers.emplace_back(dg, st.roots, st.storable);
  uint64_t s1 = o.seed ^ kR1Domain, s2 = o.seed ^ kR2Domain;
  const uint64_t seed1 = SplitMix64(s1), seed2 = SplitMix64(s2);
  RrStore r1, r2;
  RrBudget budget(o, st.n, st.storable.empty() ? 1.0 : 0.0, {&r1, &r2});
  uint64_t peak_bytes = 0;
  Selection sel;
  std::vector<uint64_t> gains2;
  double lower = 0, upper = 0, ratio = 0;
  int rounds_run = 0;
  for (int i = 1; i <= i_max; ++i) {
    rounds_run = i;
    const double size = std::min(theta_max, std::ldexp(theta_0, i - 1));
    if (auto s = TooMany("Imm (OPIM-C)", 2 * size, o); !s.ok()) return s;
    const char* stage = i == 1 ? "round 1" : "doubling round";
    if (auto s = budget.Plan(size, stage); !s.ok()) return s;
    if (auto s = SampleTo(r1, static_cast<uint64_t>(size), seed1, samplers, budget, stage);
        !s.ok())
      return s;
    if (auto s = SampleTo(r2, static_cast<uint64_t>(size), seed2, samplers, budget, stage);
        !s.ok())
      return s;
    if (auto s = budget.Hold(RrBudget::IndexBytes(r1), stage); !s.ok()) return s;
    sel = SelectNodes(r1, c, st.k_free);
    peak_bytes = std::max<uint64_t>(
        peak_bytes,
        (r1.offsets.size() + r1.nodes.size() + r2.offsets.size() + r2.nodes.size()) *
                sizeof(uint32_t) +
            sel.index_bytes);
    // Upper bound on OPT's coverage in R1.
    double cover1_upper = static_cast<double>(sel.coverage_upper_bound);
    if (st.has_ratio)
      cover1_upper = std::min(cover1_upper, static_cast<double>(sel.covered) / gamma);
    gains2 = CoverageInOrder(r2, sel.seeds, st.n, o.threads);
    uint64_t cover2 = 0;
    for (uint64_t g : gains2) cover2 += g;
    // Tang et al. 2018, Lemmas 4.2-4.3 (martingale bounds), a = ln(3 i_max / delta).
    const double x =
        std::sqrt(static_cast<double>(cover2) + 2 * a_round / 9) - std::sqrt(a_round / 2);
    const double lower_cover = std::max(0.0, x * x - a_round / 18);
    const double y = std::sqrt(cover1_upper + a_round / 2) + std::sqrt(a_round / 2);
    lower = big_n * lower_cover / static_cast<double>(r2.count());
    upper = big_n * y * y / static_cast<double>(r1.count());
    ratio = upper > 0 ? lower / upper : 0;
    if (ratio >= target) break;
  }
  samplers.clear();

  ImmResult r;
  FillCommon(st, o, sel, r);
  const double sets2 = static_cast<double>(r2.count());
  uint64_t cover2 = 0;
  for (uint64_t g : gains2) {
    r.marginal_gains.push_back(big_n * static_cast<double>(g) / sets2);
    cover2 += g;
  }
  r.estimated_spread = big_n * static_cast<double>(cover2) / sets2;
  r.rr_sets = r1.count();
  r.rr_sets_sampled = r1.count() + r2.count();
  r.theta = theta_max_paper;
  r.lower_bound = opt_lb;
  r.ell_adjusted = o.ell;
  r.rounds = static_cast<uint32_t>(rounds_run);
  r.spread_lower_bound = lower;
  r.opt_upper_bound = upper;
  r.certified_ratio = ratio;
  // Stopped by the bounds: ratio >= gamma - epsilon; at theta_max: IMM's
  // argument gives gamma - epsilon (unless capped). Either way the certified
  // ratio holds too.
  const bool qualified = ratio >= target;
  r.approximation = std::max(qualified || !capped ? st.approx : 0.0, std::min(1.0, ratio));
  r.rr_memory_bytes = peak_bytes;
  r.average_rr_size = static_cast<double>(r1.nodes.size()) / static_cast<double>(r1.count());
  return r;
}

absl::StatusOr<ImmResult> ImmImpl(const DiffusionGraph& dg, const ImmOptions& o) {
  absl::StatusOr<Setup> st = Prepare(dg, o);
  if (!st.ok()) return st.status();
  if (o.algorithm == ImAlgorithm::kOpimC) return RunOpimC(dg, o, *st);
  return RunImm(dg, o, *st);
}

}  // namespace

absl::StatusOr<ImmResult> Imm(const DiffusionGraph& dg, const ImmOptions& options) {
  try {
    return ImmImpl(dg, options);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("Imm: out of memory");
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("Imm: ", e.what()));
  }
}

}  // namespace mitra::activation
