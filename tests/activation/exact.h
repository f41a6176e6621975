// Exact expected spreads by enumerating live-edge worlds (tiny graphs only):
// IC keeps each arc independently with its probability; LT lets each node
// keep at most one in-arc, u->v with probability w(u->v).
#ifndef MITRA_TESTS_ACTIVATION_EXACT_H_
#define MITRA_TESTS_ACTIVATION_EXACT_H_

#include <bit>
#include <cstdint>
#include <functional>
#include <vector>

#include "mitra/activation/diffusion.h"

namespace mitra::activation::testing {

struct Arc {
  uint32_t u, v;
  double p;
};

// reach[v] = bitmask of nodes reachable from v in a world of `live` arcs (n <= 32).
inline std::vector<uint32_t> Reach(uint32_t n, const std::vector<Arc>& arcs,
                                   const std::vector<uint8_t>& live) {
  std::vector<uint32_t> reach(n);
  for (uint32_t s = 0; s < n; ++s) {
    uint32_t seen = 1u << s, frontier = seen;
    while (frontier) {
      uint32_t next = 0;
      for (size_t a = 0; a < arcs.size(); ++a)
        if (live[a] && (frontier >> arcs[a].u & 1) && !(seen >> arcs[a].v & 1))
          next |= 1u << arcs[a].v;
      seen |= next;
      frontier = next;
    }
    reach[s] = seen;
  }
  return reach;
}

// Calls f(probability, reach masks) for every live-edge world of the model.
inline void ForEachWorld(uint32_t n, const std::vector<Arc>& arcs, Model model,
                         const std::function<void(double, const std::vector<uint32_t>&)>& f) {
  std::vector<uint8_t> live(arcs.size());
  if (model == Model::kIndependentCascade) {
    const uint64_t worlds = uint64_t{1} << arcs.size();
    for (uint64_t w = 0; w < worlds; ++w) {
      double pr = 1;
      for (size_t a = 0; a < arcs.size(); ++a) {
        live[a] = (w >> a) & 1;
        pr *= live[a] ? arcs[a].p : 1 - arcs[a].p;
      }
      if (pr > 0) f(pr, Reach(n, arcs, live));
    }
    return;
  }
  // LT: choice[v] in {-1 (none), each in-arc of v}.
  std::vector<std::vector<int>> in(n);
  for (size_t a = 0; a < arcs.size(); ++a) in[arcs[a].v].push_back(static_cast<int>(a));
  std::vector<int> choice(n, -1);
  std::function<void(uint32_t, double)> rec = [&](uint32_t v, double pr) {
    if (pr <= 0) return;
    if (v == n) {
      std::fill(live.begin(), live.end(), 0);
      for (uint32_t x = 0; x < n; ++x)
        if (choice[x] >= 0) live[choice[x]] = 1;
      f(pr, Reach(n, arcs, live));
      return;
    }
    double rest = 1;
    for (int a : in[v]) {
      choice[v] = a;
      rec(v + 1, pr * arcs[a].p);
      rest -= arcs[a].p;
    }
    choice[v] = -1;
    rec(v + 1, pr * rest);
  };
  rec(0, 1.0);
}

// Exact spread of `seeds`, counted on `counted` (bitmask; all ones: every node).
inline double ExactSpread(uint32_t n, const std::vector<Arc>& arcs, Model model,
                          const std::vector<uint32_t>& seeds, uint32_t counted = ~0u) {
  double total = 0;
  ForEachWorld(n, arcs, model, [&](double pr, const std::vector<uint32_t>& reach) {
    uint32_t on = 0;
    for (uint32_t s : seeds) on |= reach[s];
    total += pr * std::popcount(on & counted);
  });
  return total;
}

// Exact spreads of every set of size k (as bitmask -> spread), in one pass,
// counted on `counted` (bitmask; all ones: every node).
inline std::vector<std::pair<uint32_t, double>> AllSetSpreads(uint32_t n,
                                                              const std::vector<Arc>& arcs,
                                                              Model model, int k,
                                                              uint32_t counted = ~0u) {
  std::vector<uint32_t> sets;
  for (uint32_t m = 0; m < (1u << n); ++m)
    if (std::popcount(m) == k) sets.push_back(m);
  std::vector<double> spread(sets.size(), 0.0);
  ForEachWorld(n, arcs, model, [&](double pr, const std::vector<uint32_t>& reach) {
    for (size_t i = 0; i < sets.size(); ++i) {
      uint32_t on = 0;
      for (uint32_t m = sets[i]; m; m &= m - 1) on |= reach[std::countr_zero(m)];
      spread[i] += pr * std::popcount(on & counted);
    }
  });
  std::vector<std::pair<uint32_t, double>> out;
  for (size_t i = 0; i < sets.size(); ++i) out.push_back({sets[i], spread[i]});
  return out;
}

// The DiffusionGraph of the arcs (values aligned with the CSR's sorted rows).
inline DiffusionGraph Build(uint32_t n, const std::vector<Arc>& arcs, Model model) {
  std::vector<uint32_t> s, d;
  for (const Arc& a : arcs) {
    s.push_back(a.u);
    d.push_back(a.v);
  }
  auto g = CsrGraph::FromEdges(n, s, d);
  std::vector<double> values(g->num_arcs());
  const auto& out = g->out();
  for (const Arc& a : arcs)
    for (uint32_t k = out.offsets[a.u]; k < out.offsets[a.u + 1]; ++k)
      if (out.targets[k] == a.v) values[k] = a.p;
  return *DiffusionGraph::Create(*g, model, values);
}

}  // namespace mitra::activation::testing

#endif  // MITRA_TESTS_ACTIVATION_EXACT_H_
