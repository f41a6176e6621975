// PageRank on soc-Epinions1 (to 1e-10 L1; igraph's PRPACK: 0.038 s) and on
// the R-MAT graph (time per iteration; a plain C CSR pull kernel: 22 ms per
// iteration on one thread, ~2 ms bandwidth bound). Counters: iterations,
// the L1 error against a 1e-15 reference, ms per iteration.
#include <chrono>
#include <cmath>
#include <vector>

#include "benchmark/benchmark.h"
#include "graph_data.h"
#include "mitra/graph/pagerank.h"
#include "common/random.h"
#include "graph/sliced_ell.h"  // SetSlicedEllSimd, ChunkSums

namespace mitra::graph::bench {
namespace {

const std::vector<double>& Reference(const CsrGraph& g) {
  static std::vector<double> epinions, rmat;
  std::vector<double>& ref = &g == &Epinions() ? epinions : rmat;
  if (ref.empty()) {
    PageRankOptions o;
    o.solver = PageRankSolver::kPower;  // the reference: networkx's iteration
    o.tolerance = 1e-15;
    o.require_convergence = false;
    o.max_iterations = 2000;
    ref = PageRank(g, o)->rank;
  }
  return ref;
}

// Benchmark argument "power": 0 Gauss-Seidel (linear system), 1 power, 2
// Gauss-Seidel on the Google equation, 3 the default (kAuto).
PageRankSolver Solver(int64_t k) {
  return k == 0   ? PageRankSolver::kGaussSeidel
         : k == 1 ? PageRankSolver::kPower
         : k == 2 ? PageRankSolver::kGaussSeidelGoogle
                  : PageRankSolver::kAuto;
}

// Benchmark argument "reorder": 0 never, 1 always, 2 the default (kAuto:
// from 2^18 arcs, so both graphs here).
PageRankReorder Reorder(int64_t k) {
  return k == 0   ? PageRankReorder::kNever
         : k == 1 ? PageRankReorder::kAlways
                  : PageRankReorder::kAuto;
}

double L1(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += std::fabs(a[i] - b[i]);
  return s;
}

void Converge(benchmark::State& state, const CsrGraph& g) {
  PageRankOptions o;
  o.tolerance = std::pow(10.0, -static_cast<double>(state.range(3)));
  o.solver = Solver(state.range(0));
  o.threads = static_cast<int>(state.range(1));
  o.reorder = Reorder(state.range(2));
  g.in();  // the transpose is built once, outside the timing
  const auto& ref = Reference(g);
  PageRankResult r;
  for (auto _ : state) {
    r = *PageRank(g, o);
    benchmark::DoNotOptimize(r.rank.data());
  }
  state.counters["iterations"] = r.iterations;
  state.counters["l1_error"] = L1(r.rank, ref);
}

void BM_PageRankEpinions(benchmark::State& state) { Converge(state, Epinions()); }
BENCHMARK(BM_PageRankEpinions)
    ->ArgNames({"power", "threads", "reorder", "tol_exp"})
    ->Args({0, 1, 0, 10})
    ->Args({0, 1, 0, 12})
    ->Args({0, 1, 1, 10})
    ->Args({1, 1, 0, 10})
    ->Args({1, 2, 0, 10})
    ->Args({2, 1, 0, 10})
    ->Args({2, 1, 0, 12})
    ->Args({2, 2, 0, 10})
    ->Args({2, 1, 1, 10})
    ->Args({3, 1, 2, 10})  // every option at its default
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_PageRankRmat(benchmark::State& state) { Converge(state, Rmat()); }
BENCHMARK(BM_PageRankRmat)
    ->ArgNames({"power", "threads", "reorder", "tol_exp"})
    ->Args({0, 1, 0, 10})
    ->Args({0, 1, 1, 10})
    ->Args({1, 1, 1, 10})
    ->Args({1, 2, 1, 10})
    ->Args({2, 1, 1, 10})
    ->Args({2, 2, 1, 10})
    ->Args({3, 1, 2, 10})  // every option at its default
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// With the plan (reordered transpose, out-weights) built once, outside the
// timing: what each further PageRank on the graph costs (e.g. one per
// personalised vector). BM_PageRankPlan times building the plan.
void Planned(benchmark::State& state, const CsrGraph& g) {
  const PageRankPlan plan = PageRankPlan::Create(g, true, PageRankReorder::kAlways);
  PageRankOptions o;
  o.tolerance = 1e-10;
  o.solver = Solver(state.range(0));
  o.threads = static_cast<int>(state.range(1));
  const auto& ref = Reference(g);
  PageRankResult r;
  for (auto _ : state) {
    r = *PageRank(plan, o);
    benchmark::DoNotOptimize(r.rank.data());
  }
  state.counters["iterations"] = r.iterations;
  state.counters["l1_error"] = L1(r.rank, ref);
}
void BM_PageRankRmatPlanned(benchmark::State& state) { Planned(state, Rmat()); }
BENCHMARK(BM_PageRankRmatPlanned)
    ->ArgNames({"power", "threads"})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Args({1, 2})
    ->Args({2, 1})
    ->Args({2, 2})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
void BM_PageRankEpinionsPlanned(benchmark::State& state) { Planned(state, Epinions()); }
BENCHMARK(BM_PageRankEpinionsPlanned)
    ->ArgNames({"power", "threads"})
    ->Args({0, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_PageRankPlanRmat(benchmark::State& state) {
  const CsrGraph& g = Rmat();
  for (auto _ : state) {
    PageRankPlan plan = PageRankPlan::Create(g, true, PageRankReorder::kAlways);
    benchmark::DoNotOptimize(plan.num_nodes());
  }
}
BENCHMARK(BM_PageRankPlanRmat)->Iterations(3)->Unit(benchmark::kMillisecond);

// Per iteration, on a prepared plan: (time of 21 iterations - time of 1)
// / 20, so the O(n + m) set-up (out-weights, copies of the vector) is not
// counted. For kGaussSeidelGoogle (power:2) float:0 includes the float
// sweeps it starts with on large graphs (until the change is below 1e-7:
// 12 of the 21 on R-MAT); float:1 is float throughout. simd:0 runs the
// sliced layout's portable code instead of its AVX2 gathers (same bits).
void BM_PageRankRmatPerIteration(benchmark::State& state) {
  const CsrGraph& g = Rmat();
  const PageRankPlan plan = PageRankPlan::Create(
      g, true, state.range(2) ? PageRankReorder::kAlways : PageRankReorder::kNever);
  PageRankOptions o;
  o.solver = Solver(state.range(0));
  o.threads = static_cast<int>(state.range(1));
  o.single_precision = state.range(3) != 0;
  o.tolerance = 0;
  o.require_convergence = false;
  SetSlicedEllSimd(state.range(4) != 0);
  for (auto _ : state) {
    o.max_iterations = 1;
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(PageRank(plan, o)->rank.data());
    auto t1 = std::chrono::steady_clock::now();
    o.max_iterations = 21;
    benchmark::DoNotOptimize(PageRank(plan, o)->rank.data());
    auto t2 = std::chrono::steady_clock::now();
    const double per = (std::chrono::duration<double>(t2 - t1).count() -
                        std::chrono::duration<double>(t1 - t0).count()) /
                       20;
    state.SetIterationTime(per);
  }
  SetSlicedEllSimd(true);
}
BENCHMARK(BM_PageRankRmatPerIteration)
    ->ArgNames({"power", "threads", "reorder", "float", "simd"})
    ->Args({0, 1, 0, 0, 1})
    ->Args({0, 1, 1, 0, 1})
    ->Args({1, 1, 0, 0, 1})
    ->Args({1, 1, 1, 0, 1})
    ->Args({1, 1, 1, 1, 1})
    ->Args({1, 2, 1, 1, 1})
    ->Args({2, 1, 1, 0, 1})
    ->Args({2, 1, 1, 0, 0})
    ->Args({2, 1, 1, 1, 1})
    ->Args({2, 2, 1, 0, 1})
    ->Args({2, 2, 1, 1, 1})
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// The floor under a sliced sweep: ChunkSums alone (float values, one
// thread) over R-MAT's shape, 35,842 chunks of 18 slots (10.3 M slots),
// with sources drawn at random from a window of `window` nodes: 16,384
// (the values stay in L1: what the gathers cost by themselves) or 573,464
// (R-MAT's non-isolated nodes: every value equally likely, unlike the
// degree-ordered graph, where most reads hit the hot prefix).
void BM_ChunkSumsFloor(benchmark::State& state) {
  const uint32_t window = static_cast<uint32_t>(state.range(0));
  constexpr uint32_t kChunks = 35842, kLength = 18;
  SlicedEll e;
  e.chunk_length.assign(kChunks, kLength);
  e.chunk_start.resize(kChunks + 1);
  for (uint32_t c = 0; c <= kChunks; ++c) {
    e.chunk_start[c] = uint64_t{SlicedEll::kLanes} * kLength * c;
  }
  e.sources.Reset(e.slots());
  Rng rng(1);
  for (uint64_t at = 0; at < e.slots(); ++at) {
    e.sources[at] = static_cast<uint32_t>(rng.Below(window));
  }
  std::vector<float> z(window, 1.0f);
  std::vector<double> out(SlicedEll::kLanes);
  SetSlicedEllSimd(state.range(1) != 0);
  for (auto _ : state) {
    for (uint32_t c = 0; c < kChunks; ++c) ChunkSums<false>(e, c, z.data(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  SetSlicedEllSimd(true);
  state.counters["ns_per_slot"] = benchmark::Counter(
      static_cast<double>(e.slots()) * 1e-9,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ChunkSumsFloor)
    ->ArgNames({"window", "simd"})
    ->Args({16384, 1})
    ->Args({16384, 0})
    ->Args({573464, 1})
    ->Args({573464, 0})
    ->Unit(benchmark::kMillisecond);

// The plain C CSR pull kernel (double, one thread) on the same arrays, as a
// baseline measured on this machine.
void BM_PlainPullKernelRmat(benchmark::State& state) {
  const CsrGraph& g = Rmat();
  const Adjacency& in = g.in();
  const uint32_t n = g.num_nodes();
  std::vector<double> x(n, 1.0 / n), y(n), inv(n);
  for (uint32_t u = 0; u < n; ++u) inv[u] = g.out_degree(u) ? 1.0 / g.out_degree(u) : 0;
  for (auto _ : state) {
    double dangling = 0;
    for (uint32_t u = 0; u < n; ++u) {
      if (!g.out_degree(u)) dangling += x[u];
      y[u] = x[u] * inv[u];
    }
    const double base = (0.85 * dangling + 0.15) / n;
    for (uint32_t v = 0; v < n; ++v) {
      double s = 0;
      for (uint32_t p = in.offsets[v]; p < in.offsets[v + 1]; ++p) s += y[in.targets[p]];
      x[v] = 0.85 * s + base;
    }
    benchmark::DoNotOptimize(x.data());
  }
}
BENCHMARK(BM_PlainPullKernelRmat)->Iterations(20)->Unit(benchmark::kMillisecond);

// Memory: CSR out + in arrays, bytes.
void BM_RmatMemory(benchmark::State& state) {
  const CsrGraph& g = Rmat();
  g.in();
  for (auto _ : state) benchmark::DoNotOptimize(g.MemoryBytes());
  state.counters["csr_MB"] = g.MemoryBytes() / 1e6;
  state.counters["arcs"] = static_cast<double>(g.num_arcs());
  state.counters["nodes"] = g.num_nodes();
}
BENCHMARK(BM_RmatMemory)->Iterations(1);

}  // namespace
}  // namespace mitra::graph::bench
