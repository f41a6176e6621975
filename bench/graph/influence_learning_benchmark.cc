// Influence learning at scale: the R-MAT graph of graph_data.h (2^20 node
// ids, 10M generated edges, 9.7M arcs after merging: "who attends to whom"
// from 10M interactions) and an action log simulated on it: 2,000 items,
// each starting from 200 random nodes and spreading by the independent
// cascade with weighted-cascade probabilities (1 / in-degree), one hour per
// step; window 1 hour. Every method is timed on the same log; the counters
// give the log's size, the arcs with trials, EM's iterations, the budget's
// peak reservation and the process's peak RSS (which includes the graph
// and the log).
#include <cstdint>
#include <vector>

#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "common/random.h"
#include "graph/planted_cascades.h"  // tests/graph: the cascade simulator
#include "graph_data.h"
#include "mitra/core/memory_budget.h"
#include "mitra/graph/influence_learning.h"

namespace mitra::graph::bench {
namespace {

constexpr int64_t kHour = 3600;

const ActionLog& Log() {
  static const ActionLog log = [] {
    const CsrGraph& g = Rmat();
    std::vector<double> in_degree(g.num_nodes(), 0);
    for (NodeId v : g.out().targets) ++in_degree[v];
    std::vector<double> p(g.num_arcs());
    for (uint64_t k = 0; k < g.num_arcs(); ++k) p[k] = 1 / in_degree[g.out().targets[k]];
    ActionLog l;
    Rng rng(7);
    testing::SimulateCascades(g, p, 2000, 1000 * kHour, kHour, rng,
                              [&](Rng& r, auto&& activate) {
                                for (int s = 0; s < 200; ++s) {
                                  activate(static_cast<NodeId>(r.Below(g.num_nodes())));
                                }
                              },
                              l);
    return l;
  }();
  return log;
}

void BM_LearnInfluence(benchmark::State& state) {
  const CsrGraph& g = Rmat();
  const ActionLog& log = Log();
  InfluenceOptions o;
  o.method = static_cast<InfluenceMethod>(state.range(0));
  o.window = kHour;
  MemoryBudget budget;
  o.memory = &budget;
  InfluenceModel m;
  for (auto _ : state) {
    m = *LearnInfluence(g, log, o);
    benchmark::DoNotOptimize(m.posterior_mean.data());
  }
  uint64_t with_trials = 0;
  for (uint32_t t : m.trials) with_trials += t > 0;
  state.counters["actions"] = static_cast<double>(m.actions);
  state.counters["arcs"] = static_cast<double>(g.num_arcs());
  state.counters["arcs_with_trials"] = static_cast<double>(with_trials);
  state.counters["em_iterations"] = m.em_iterations;
  state.counters["reserved_MB"] = budget.peak() / 1048576.0;
  state.counters["peak_rss_MB"] = ::mitra::bench::PeakRssMb();
}
// 0 Bernoulli, 1 Jaccard, 2 continuous time, 3 EM.
BENCHMARK(BM_LearnInfluence)
    ->ArgName("method")
    ->DenseRange(0, 3)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra::graph::bench
