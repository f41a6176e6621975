// IMM and OPIM-C on NetHEPT, soc-Epinions1 and the Graph500-style R-MAT
// graph of the graph benchmarks (2^20 ids, 10M generated edges): IC,
// weighted cascade, k = 50. Arguments: graph (0 NetHEPT, 1 Epinions, 2
// R-MAT), epsilon * 100, threads, algorithm (0 IMM, 1 OPIM-C). Time is wall
// time; CPU is the process's CPU time (both threads), worth reading on a
// shared machine. Also the process's peak resident memory (max_rss_MB).
// Counters: RR sets used for the selection (rr_sets; OPIM-C: |R1|) and all
// sampled (rr_sampled; OPIM-C: |R1| + |R2|), RR memory (bytes of the flat
// arrays and the inverted index; OPIM-C: R1, its index and R2), the
// algorithm's estimate, OPIM-C's rounds and certified ratio, and the
// Monte-Carlo spread of the seeds (10,000 runs; 1,000 on R-MAT, where a run
// activates ~10^5 nodes; computed once per configuration, outside the
// timing; MITRA_BENCH_NO_MC=1 skips it).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "mitra/activation/diffusion.h"
#include "mitra/activation/imm.h"
#include "mitra/graph/edge_list.h"
#include "graph/graph_data.h"
#include "bench_util.h"

namespace mitra::activation {
namespace {

const DiffusionGraph& Load(int which) {
  static const DiffusionGraph* graphs[3] = {nullptr, nullptr, nullptr};
  if (!graphs[which] && which == 2) {
    const graph::CsrGraph& g = graph::bench::Rmat();
    auto p = WeightedCascadeProbabilities(g);
    auto dg = DiffusionGraph::Create(g, Model::kIndependentCascade, *p);
    graphs[2] = new DiffusionGraph(*std::move(dg));
  }
  if (!graphs[which]) {
    const std::string path = which == 0
                                 ? std::string(MITRA_REFERENCE_DATA_DIR) + "/graphs/nethept.txt"
                                 : std::string(MITRA_EPINIONS_PATH);
    auto loaded = graph::LoadEdgeList(path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
      std::exit(1);
    }
    auto p = WeightedCascadeProbabilities(loaded->graph);
    auto dg = DiffusionGraph::Create(loaded->graph, Model::kIndependentCascade, *p);
    graphs[which] = new DiffusionGraph(*std::move(dg));
  }
  return *graphs[which];
}

void BM_Imm(benchmark::State& state) {
  const DiffusionGraph& dg = Load(static_cast<int>(state.range(0)));
  ImmOptions o;
  o.algorithm = state.range(3) == 1 ? ImAlgorithm::kOpimC : ImAlgorithm::kImm;
  o.k = 50;
  o.epsilon = state.range(1) / 100.0;
  o.threads = static_cast<int>(state.range(2));
  o.seed = 1;
  ImmResult last;
  for (auto _ : state) {
    auto r = Imm(dg, o);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    last = *std::move(r);
  }
  state.counters["rr_sets"] = static_cast<double>(last.rr_sets);
  state.counters["rr_sampled"] = static_cast<double>(last.rr_sets_sampled);
  state.counters["rr_MB"] = last.rr_memory_bytes / 1e6;
  state.counters["estimate"] = last.estimated_spread;
  if (last.algorithm == ImAlgorithm::kOpimC) {
    state.counters["rounds"] = last.rounds;
    state.counters["certified"] = last.certified_ratio;
  }
  if (std::getenv("MITRA_BENCH_NO_MC") == nullptr) {
    SpreadOptions so;
    so.runs = state.range(0) == 2 ? 1000 : 10000;
    so.threads = 2;
    auto mc = EstimateSpread(dg, last.seeds, so);
    if (mc.ok()) {
      state.counters["mc_spread"] = mc->mean;
      state.counters["mc_ci95"] = mc->ci_high - mc->mean;
    }
  }
  state.counters["max_rss_MB"] = mitra::bench::PeakRssMb();
}

BENCHMARK(BM_Imm)
    ->ArgNames({"graph", "eps100", "threads", "alg"})
    ->ArgsProduct({{0, 1}, {10, 50}, {1, 2}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_Imm)
    ->ArgNames({"graph", "eps100", "threads", "alg"})
    ->ArgsProduct({{2}, {50}, {1, 2}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(1);
// OPIM-C at smaller epsilon: where does its spread reach IMM's at 0.1?
BENCHMARK(BM_Imm)
    ->ArgNames({"graph", "eps100", "threads", "alg"})
    ->ArgsProduct({{0, 1}, {1, 2, 5}, {1, 2}, {1}})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
}  // namespace mitra::activation
