// BG/NBD and MBG/NBD (one implementation, src/value/bg_family.h) fits on
// 1,000,000 simulated customers (as given, and for BG/NBD as the fit does
// by default, identical rows merged into weighted ones, merging timed), and scoring of P(alive)
// and expected purchases over 10,000,000 customers.
#include <cstdio>
#include <string>

#include "benchmark/benchmark.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/mbgnbd.h"
#include "simulate.h"

namespace mitra::value {
namespace {

template <class Params>
struct Model;
template <>
struct Model<BgNbdParams> {
  static constexpr auto Fit = FitBgNbd;
  static constexpr auto Alive = BgNbdProbabilityAlive;
  static constexpr auto Expected = BgNbdExpectedPurchases;
};
template <>
struct Model<MbgNbdParams> {
  static constexpr auto Fit = FitMbgNbd;
  static constexpr auto Alive = MbgNbdProbabilityAlive;
  static constexpr auto Expected = MbgNbdExpectedPurchases;
};

const bench::Simulated& Customers(size_t n) {
  static auto* one_million =
      new bench::Simulated(bench::Simulate(1000000, 0, 0.243, 4.414, 0.793, 2.426, 42));
  static auto* ten_million =
      new bench::Simulated(bench::Simulate(10000000, 0, 0.243, 4.414, 0.793, 2.426, 43));
  return n == 1000000 ? *one_million : *ten_million;
}

template <class Params>
void BM_Fit1M(benchmark::State& state) {
  const auto& s = Customers(1000000);
  const CustomerData data{s.x, s.t_x, s.T, {}};
  for (auto _ : state) {
    FitOptions o;
    o.threads = static_cast<int>(state.range(0));
    o.group_identical = false;  // the rows as given
    auto fit = Model<Params>::Fit(data, o);
    if (!fit.ok()) state.SkipWithError(std::string(fit.status().message()).c_str());
    benchmark::DoNotOptimize(fit);
    state.counters["r"] = fit->params.r;
    state.counters["alpha"] = fit->params.alpha;
    state.counters["a"] = fit->params.a;
    state.counters["b"] = fit->params.b;
    state.counters["evals"] = fit->report.evaluations;
  }
  state.SetItemsProcessed(state.iterations() * 1000000);
}
BENCHMARK(BM_Fit1M<BgNbdParams>)
    ->Name("BM_BgNbdFit1M")
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fit1M<MbgNbdParams>)
    ->Name("BM_MbgNbdFit1M")
    ->ArgName("threads")
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

void BM_BgNbdFit1MGrouped(benchmark::State& state) {
  const auto& s = Customers(1000000);
  const CustomerData data{s.x, s.t_x, s.T, {}};
  for (auto _ : state) {
    FitOptions o;  // identical rows merged by the fit (FitOptions::group_identical), timed
    o.threads = static_cast<int>(state.range(0));
    auto fit = FitBgNbd(data, o);
    if (!fit.ok()) state.SkipWithError(std::string(fit.status().message()).c_str());
    benchmark::DoNotOptimize(fit);
    state.counters["rows"] = static_cast<double>(fit->report.rows);
    state.counters["r"] = fit->params.r;
    state.counters["evals"] = fit->report.evaluations;
  }
  state.SetItemsProcessed(state.iterations() * 1000000);
}
BENCHMARK(BM_BgNbdFit1MGrouped)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// P(alive) and E[Y(39)] for every customer: two passes over 10M rows.
template <class Params>
void BM_Score10M(benchmark::State& state) {
  const auto& s = Customers(10000000);
  const CustomerData data{s.x, s.t_x, s.T, {}};
  const Params p{0.243, 4.414, 0.793, 2.426};
  std::vector<double> alive(s.x.size()), expected(s.x.size());
  for (auto _ : state) {
    if (!Model<Params>::Alive(p, data, absl::MakeSpan(alive)).ok() ||
        !Model<Params>::Expected(p, data, 39, absl::MakeSpan(expected)).ok()) {
      state.SkipWithError("scoring failed");
    }
    benchmark::DoNotOptimize(alive.data());
    benchmark::DoNotOptimize(expected.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(s.x.size()));
}
BENCHMARK(BM_Score10M<BgNbdParams>)->Name("BM_BgNbdScore10M")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Score10M<MbgNbdParams>)->Name("BM_MbgNbdScore10M")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra::value
