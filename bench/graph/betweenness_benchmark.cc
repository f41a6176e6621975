// Betweenness on soc-Epinions1 (directed): Brandes per pivot (source; igraph
// ~12 ms per pivot), Riondato-Kornaropoulos per sampled path, and exact
// Brandes on NetHEPT; Brandes per pivot on the R-MAT graph (igraph ~0.29 s
// per pivot).
#include "benchmark/benchmark.h"
#include "graph_data.h"
#include "mitra/graph/betweenness.h"
#include "mitra/graph/sampled_betweenness.h"

namespace mitra::graph::bench {
namespace {

const CsrGraph& NetHept() {
  static const CsrGraph g =
      LoadEdgeList(std::string(MITRA_REFERENCE_DATA_DIR) + "/graphs/nethept.txt")->graph;
  return g;
}

// Runs on 1 and 2 threads, wall time in milliseconds.
void OneAndTwoThreads(benchmark::internal::Benchmark* b) {
  b->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
}

// 256 pivots; time per pivot = time / 256 (the counter).
void BM_BrandesPivotsEpinions(benchmark::State& state) {
  const CsrGraph& g = Epinions();
  BetweennessOptions o;
  o.sample_sources = 256;
  o.threads = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(Betweenness(g, o)->data());
  state.counters["ms_per_pivot"] = benchmark::Counter(
      256.0 / 1000, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_BrandesPivotsEpinions)->Apply(OneAndTwoThreads);

// 8 pivots on the R-MAT graph (2^20 node ids, ~9.7M arcs).
void BM_BrandesPivotsRmat(benchmark::State& state) {
  const CsrGraph& g = Rmat();
  BetweennessOptions o;
  o.sample_sources = 8;
  for (auto _ : state) benchmark::DoNotOptimize(Betweenness(g, o)->data());
  state.counters["ms_per_pivot"] = benchmark::Counter(
      8.0 / 1000, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_BrandesPivotsRmat)->Iterations(2)->Unit(benchmark::kMillisecond);

// eps = 0.01, delta = 0.1 on `g` (its in-arcs built beforehand, outside
// the timing; the vertex-diameter bound inside it): r samples, the counter
// is time per sample.
void RiondatoKornaropoulos(benchmark::State& state, const CsrGraph& g) {
  g.in();
  SampledBetweennessOptions o;
  o.epsilon = 0.01;
  o.threads = static_cast<int>(state.range(0));
  SampledBetweennessResult r;
  for (auto _ : state) r = *SampledBetweenness(g, o);
  state.counters["samples"] = static_cast<double>(r.samples);
  state.counters["vd_bound"] = r.vertex_diameter;
  state.counters["us_per_sample"] = benchmark::Counter(
      static_cast<double>(r.samples) / 1e6,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
void BM_RiondatoKornaropoulosEpinions(benchmark::State& state) {
  RiondatoKornaropoulos(state, Epinions());
}
void BM_RiondatoKornaropoulosRmat(benchmark::State& state) { RiondatoKornaropoulos(state, Rmat()); }
BENCHMARK(BM_RiondatoKornaropoulosEpinions)->Apply(OneAndTwoThreads);
BENCHMARK(BM_RiondatoKornaropoulosRmat)->Apply(OneAndTwoThreads)->Iterations(2);

// The bound alone, on 1 and 2 threads.
void VertexDiameter(benchmark::State& state, const CsrGraph& g) {
  g.in();
  uint32_t vd = 0;
  for (auto _ : state) vd = VertexDiameterBound(g, false, static_cast<int>(state.range(0)));
  state.counters["vd_bound"] = vd;
}
void BM_VertexDiameterBoundEpinions(benchmark::State& state) { VertexDiameter(state, Epinions()); }
void BM_VertexDiameterBoundRmat(benchmark::State& state) { VertexDiameter(state, Rmat()); }
BENCHMARK(BM_VertexDiameterBoundEpinions)->Apply(OneAndTwoThreads);
BENCHMARK(BM_VertexDiameterBoundRmat)->Apply(OneAndTwoThreads)->Iterations(2);

void BM_ExactNetHept(benchmark::State& state) {
  const CsrGraph& g = NetHept();
  BetweennessOptions o;
  o.threads = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(Betweenness(g, o)->data());
}
BENCHMARK(BM_ExactNetHept)->Apply(OneAndTwoThreads);

}  // namespace
}  // namespace mitra::graph::bench
