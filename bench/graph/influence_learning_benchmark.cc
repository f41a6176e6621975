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
#include "graph_data.h"
#include "mitra/core/memory_budget.h"
#include "mitra/graph/influence_learning.h"

namespace mitra::graph::bench {
namespace {

constexpr int64_t kHour = 3600;

const ActionLog& Log() {
  static const ActionLog log = [] {
    const CsrGraph& g = Rmat();
    const Adjacency& out = g.out();
    std::vector<uint32_t> in_degree(g.num_nodes(), 0);
    for (NodeId v : out.targets) ++in_degree[v];
    ActionLog l;
    Rng rng(7);
    constexpr uint32_t kUnset = UINT32_MAX;
    std::vector<uint32_t> step(g.num_nodes(), kUnset);
    std::vector<NodeId> frontier, next, active;
    for (uint32_t item = 0; item < 2000; ++item) {
      for (NodeId v : active) step[v] = kUnset;
      active.clear();
      frontier.clear();
      for (int s = 0; s < 200; ++s) {
        const NodeId v = static_cast<NodeId>(rng.Below(g.num_nodes()));
        if (step[v] != kUnset) continue;
        step[v] = 0;
        frontier.push_back(v);
        active.push_back(v);
      }
      for (uint32_t s = 0; !frontier.empty(); ++s) {
        next.clear();
        for (NodeId u : frontier) {
          for (uint32_t k = out.offsets[u]; k < out.offsets[u + 1]; ++k) {
            const NodeId v = out.targets[k];
            if (step[v] != kUnset || rng.Uniform() * in_degree[v] >= 1) continue;
            step[v] = s + 1;
            next.push_back(v);
            active.push_back(v);
          }
        }
        frontier.swap(next);
      }
      for (NodeId v : active) {
        l.node.push_back(v);
        l.item.push_back(item);
        l.time.push_back(int64_t{item} * 1000 * kHour + step[v] * kHour);
      }
    }
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
