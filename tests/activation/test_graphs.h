// Graphs the IMM and OPIM-C tests share: a 14-node graph small enough for
// exact spreads by live-edge enumeration (IC probabilities / LT weights),
// and seeded random weighted-cascade graphs.
#ifndef MITRA_TESTS_ACTIVATION_TEST_GRAPHS_H_
#define MITRA_TESTS_ACTIVATION_TEST_GRAPHS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "exact.h"
#include "gtest/gtest.h"
#include "mitra/activation/diffusion.h"
#include "mitra/activation/imm.h"
#include "mitra/graph/edge_list.h"

namespace mitra::activation::testing {

// 14 nodes, 14 arcs: two hubs, a chain and a small cycle (IC probabilities).
inline std::vector<Arc> SmallIc() {
  return {{0, 1, 0.8}, {0, 2, 0.7}, {0, 3, 0.6}, {0, 4, 0.5}, {5, 6, 0.9}, {5, 7, 0.8},
          {5, 8, 0.4}, {6, 9, 0.5},  {9, 10, 0.6}, {10, 11, 0.7}, {11, 12, 0.3}, {12, 9, 0.5},
          {3, 13, 0.5}, {7, 13, 0.4}};
}
// LT weights (in-weights of 13 and 9 sum to <= 1).
inline std::vector<Arc> SmallLt() {
  return {{0, 1, 0.8}, {0, 2, 0.7}, {0, 3, 0.6}, {0, 4, 0.5}, {5, 6, 0.9}, {5, 7, 0.8},
          {5, 8, 0.4}, {6, 9, 0.5},  {9, 10, 0.6}, {10, 11, 0.7}, {11, 12, 0.3}, {12, 9, 0.4},
          {3, 13, 0.5}, {7, 13, 0.4}};
}

inline std::vector<uint32_t> AsU32(const std::vector<NodeId>& v) { return {v.begin(), v.end()}; }

// n nodes, `arcs` arcs drawn by a fixed LCG from `seed`, weighted cascade.
inline DiffusionGraph RandomWc(uint32_t n, int arcs, uint64_t seed, Model m,
                               CsrGraph* keep = nullptr) {
  std::vector<uint32_t> s, d;
  uint64_t x = seed;
  for (int i = 0; i < arcs; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    s.push_back((x >> 33) % n);
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    d.push_back((x >> 33) % n);
  }
  auto g = CsrGraph::FromEdges(n, s, d);
  auto p = WeightedCascadeProbabilities(*g);
  if (keep) *keep = *g;
  return *DiffusionGraph::Create(*g, m, *p);
}

// NetHEPT (the IMM authors' file: each listed line one directed arc, 15,229
// nodes, 62,752 arcs), IC with weighted-cascade probabilities.
inline DiffusionGraph NetHeptWc() {
  auto loaded = graph::LoadEdgeList(std::string(MITRA_REFERENCE_DATA_DIR) + "/graphs/nethept.txt");
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->graph.num_nodes(), 15229u);
  EXPECT_EQ(loaded->graph.num_arcs(), 62752u);
  auto p = WeightedCascadeProbabilities(loaded->graph);
  auto dg = DiffusionGraph::Create(loaded->graph, Model::kIndependentCascade, *p);
  EXPECT_TRUE(dg.ok()) << dg.status();
  return *std::move(dg);
}

// One seed selection, timed, and the chosen seeds' spread by 10,000
// independent Monte-Carlo runs (2 threads).
struct MeasuredRun {
  ImmResult result;
  SpreadEstimate mc;
  double seconds = 0;
};
inline MeasuredRun RunAndMeasure(const DiffusionGraph& dg, const ImmOptions& o) {
  MeasuredRun m;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = Imm(dg, o);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return m;
  m.result = *std::move(r);
  SpreadOptions so;
  so.runs = 10000;
  so.threads = 2;
  auto mc = EstimateSpread(dg, m.result.seeds, so);
  EXPECT_TRUE(mc.ok()) << mc.status();
  if (mc.ok()) m.mc = *mc;
  return m;
}

// The bounds OPIM-C reports, checked against the exact spread of its seeds
// and the exact optimum: they hold (with probability 1 - 1/n^ell; these
// seeded runs are deterministic), and the result honours its guarantee.
inline void ExpectOpimBoundsHold(const ImmResult& r, double exact, double opt) {
  EXPECT_LE(r.spread_lower_bound, exact);
  EXPECT_GE(r.opt_upper_bound, opt);
  EXPECT_NEAR(r.certified_ratio, r.spread_lower_bound / r.opt_upper_bound, 1e-12);
  EXPECT_GE(r.approximation, r.gamma - r.epsilon - 1e-12);
  EXPECT_GE(r.approximation, r.certified_ratio - 1e-12);
  EXPECT_GE(exact, r.approximation * opt);
}

}  // namespace mitra::activation::testing

#endif  // MITRA_TESTS_ACTIVATION_TEST_GRAPHS_H_
