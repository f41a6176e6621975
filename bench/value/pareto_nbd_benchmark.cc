// Pareto/NBD fits on 1,000,000 simulated customers, as given and with
// identical rows grouped as weights (grouping time included).
#include <string>

#include "benchmark/benchmark.h"
#include "mitra/value/pareto_nbd.h"
#include "simulate.h"

namespace mitra::value {
namespace {

const bench::Simulated& Customers() {
  static auto* s = new bench::Simulated(bench::Simulate(1000000, 1, 0.55, 10.58, 0.61, 11.67, 42));
  return *s;
}

void Report(benchmark::State& state, const absl::StatusOr<ParetoNbdFit>& fit) {
  if (!fit.ok()) {
    state.SkipWithError(std::string(fit.status().message()).c_str());
    return;
  }
  state.counters["r"] = fit->params.r;
  state.counters["alpha"] = fit->params.alpha;
  state.counters["s"] = fit->params.s;
  state.counters["beta"] = fit->params.beta;
  state.counters["evals"] = fit->report.evaluations;
}

void BM_ParetoNbdFit1M(benchmark::State& state) {
  const auto& s = Customers();
  const CustomerData data{s.x, s.t_x, s.T, {}};
  for (auto _ : state) {
    FitOptions o;
    o.threads = static_cast<int>(state.range(0));
    o.group_identical = false;  // the rows as given
    auto fit = FitParetoNbd(data, o);
    Report(state, fit);
    benchmark::DoNotOptimize(fit);
  }
  state.SetItemsProcessed(state.iterations() * 1000000);
}
BENCHMARK(BM_ParetoNbdFit1M)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_ParetoNbdFit1MGrouped(benchmark::State& state) {
  const auto& s = Customers();
  const CustomerData data{s.x, s.t_x, s.T, {}};
  for (auto _ : state) {
    FitOptions o;  // identical rows merged by the fit (FitOptions::group_identical)
    o.threads = static_cast<int>(state.range(0));
    auto fit = FitParetoNbd(data, o);
    Report(state, fit);
    state.counters["rows"] = static_cast<double>(fit->report.rows);
    benchmark::DoNotOptimize(fit);
  }
  state.SetItemsProcessed(state.iterations() * 1000000);
}
BENCHMARK(BM_ParetoNbdFit1MGrouped)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra::value

namespace mitra::value {
namespace {

// P(alive) and E[Y(39)] for 1,000,000 customers (ln G memoised per (x, t)).
void BM_ParetoNbdScore1M(benchmark::State& state) {
  const auto& s = Customers();
  const CustomerData data{s.x, s.t_x, s.T, {}};
  const ParetoNbdParams p{0.55, 10.58, 0.61, 11.67};
  std::vector<double> alive(s.x.size()), expected(s.x.size());
  for (auto _ : state) {
    if (!ParetoNbdProbabilityAlive(p, data, absl::MakeSpan(alive)).ok() ||
        !ParetoNbdExpectedPurchases(p, data, 39, absl::MakeSpan(expected)).ok()) {
      state.SkipWithError("scoring failed");
    }
    benchmark::DoNotOptimize(alive.data());
    benchmark::DoNotOptimize(expected.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(s.x.size()));
}
BENCHMARK(BM_ParetoNbdScore1M)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra::value
