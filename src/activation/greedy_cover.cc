#include "greedy_cover.h"

#include <algorithm>
#include <functional>

#include "common/parallel.h"

namespace mitra::activation::rr {
namespace {

struct HeapEntry {
  double key;
  NodeId node;
  bool operator<(const HeapEntry& o) const {  // max-heap: larger key, then smaller id
    if (key != o.key) return key < o.key;
    return node > o.node;
  }
};

}  // namespace

// Greedy max-coverage over the flat RR sets with lazy (CELF) evaluation
// (greedy_cover.h).
Selection SelectNodes(const RrStore& store, const Constraints& c,
                      std::optional<uint64_t> bound_k) {
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
    // Stale keys bound the true ones from above, so taking v when it beats
    // the top in (key, smaller id) order picks the node of the largest
    // marginal coverage, the smallest id among ties: a function of the
    // current counts alone, which a greedy over coverage counts summed
    // across machines repeats exactly (docs/SCALE.md, "Activation").
    if (!heap.empty() && HeapEntry{key, v} < heap.front()) {
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
// seed (in order) it contains (greedy_cover.h).
std::vector<uint64_t> CoverageInOrder(const RrStore& store, const std::vector<NodeId>& seeds,
                                      uint32_t n, int threads, std::vector<uint64_t>* counts) {
  return CoverageInOrder(store.offsets, store.nodes, seeds, n, threads, counts);
}

std::vector<uint64_t> CoverageInOrder(absl::Span<const uint32_t> offsets,
                                      absl::Span<const NodeId> nodes,
                                      absl::Span<const NodeId> seeds, uint32_t n, int threads,
                                      std::vector<uint64_t>* counts) {
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> rank(n, kNone);
  for (size_t i = 0; i < seeds.size(); ++i) rank[seeds[i]] = static_cast<uint32_t>(i);
  const uint64_t sets = offsets.size() - 1;
  const int t = counts ? 1 : UsefulThreads(threads, static_cast<size_t>(sets));
  std::vector<std::vector<uint64_t>> local(t, std::vector<uint64_t>(seeds.size(), 0));
  if (counts) counts->assign(n, 0);
  ParallelChunks(t, sets, [&](size_t b, size_t e, int c) {
    auto& g = local[c];
    for (size_t s = b; s < e; ++s) {
      uint32_t first = kNone;
      for (uint32_t i = offsets[s]; i < offsets[s + 1]; ++i) first = std::min(first, rank[nodes[i]]);
      if (first != kNone) {
        ++g[first];
      } else if (counts) {
        for (uint32_t i = offsets[s]; i < offsets[s + 1]; ++i) ++(*counts)[nodes[i]];
      }
    }
  });
  std::vector<uint64_t> gains(seeds.size(), 0);
  for (const auto& g : local)
    for (size_t i = 0; i < g.size(); ++i) gains[i] += g[i];
  return gains;
}

}  // namespace mitra::activation::rr
