// IMM on NetHEPT and soc-Epinions1: IC, weighted cascade, k = 50.
// Arguments: graph (0 NetHEPT, 1 Epinions), epsilon * 100, threads.
// Counters: RR sets, RR memory (bytes of the flat arrays and the inverted
// index), the plan's estimate and the Monte-Carlo spread of the seeds
// (10,000 runs, computed once per configuration, outside the timing).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "mitra/activation/diffusion.h"
#include "mitra/activation/imm.h"
#include "mitra/graph/edge_list.h"

namespace mitra::activation {
namespace {

const DiffusionGraph& Load(int which) {
  static const DiffusionGraph* graphs[2] = {nullptr, nullptr};
  if (!graphs[which]) {
    const std::string path = std::string(MITRA_SHARED_DATA_DIR) + "/graphs/" +
                             (which == 0 ? "nethept.txt" : "soc-Epinions1.txt");
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
  state.counters["rr_MB"] = last.rr_memory_bytes / 1e6;
  state.counters["estimate"] = last.estimated_spread;
  if (std::getenv("MITRA_BENCH_NO_MC") == nullptr) {
    SpreadOptions so;
    so.runs = 10000;
    so.threads = 2;
    auto mc = EstimateSpread(dg, last.seeds, so);
    if (mc.ok()) {
      state.counters["mc_spread"] = mc->mean;
      state.counters["mc_ci95"] = mc->ci_high - mc->mean;
    }
  }
}

BENCHMARK(BM_Imm)
    ->ArgNames({"graph", "eps100", "threads"})
    ->ArgsProduct({{0, 1}, {10, 50}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
}  // namespace mitra::activation
