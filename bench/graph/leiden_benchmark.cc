// Leiden (modularity, gamma = 1) on soc-Epinions1 as an undirected simple
// graph (igraph: 0.36 s, modularity 0.449) and on the R-MAT graph made
// undirected (igraph: 30 s). Counters: modularity, communities, iterations.
#include "benchmark/benchmark.h"
#include "graph_data.h"
#include "mitra/graph/leiden.h"

namespace mitra::graph::bench {
namespace {

void Run(benchmark::State& state, const CsrGraph& g) {
  LeidenOptions o;
  o.seed = static_cast<uint64_t>(state.range(0));
  o.max_iterations = static_cast<int>(state.range(1));
  LeidenResult r;
  for (auto _ : state) {
    r = *Leiden(g, o);
    benchmark::DoNotOptimize(r.membership.data());
  }
  state.counters["modularity"] = r.quality;
  state.counters["communities"] = r.num_communities;
  state.counters["iterations"] = r.iterations;
}

void BM_LeidenEpinions(benchmark::State& state) { Run(state, EpinionsUndirected()); }
// max_iterations 2 is igraph's default n_iterations; 100 runs until stable.
BENCHMARK(BM_LeidenEpinions)
    ->ArgNames({"seed", "max_iter"})
    ->Args({1, 2})
    ->Args({1, 100})
    ->Args({2, 100})
    ->Args({3, 100})
    ->Unit(benchmark::kMillisecond);

void BM_LeidenRmat(benchmark::State& state) { Run(state, RmatUndirected()); }
// Until stable is not shown: on R-MAT some nodes keep changing between
// equally good communities, so all max_iterations run.
BENCHMARK(BM_LeidenRmat)
    ->ArgNames({"seed", "max_iter"})
    ->Args({1, 2})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra::graph::bench
