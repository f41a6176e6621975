// 12-month CLV (BG/NBD purchases x Gamma-Gamma spend, 1% a month) for
// 1,000,000 simulated customers, and the Gamma-Gamma fit on their repeat
// buyers.
#include "benchmark/benchmark.h"
#include "mitra/value/clv.h"
#include "mitra/value/summary.h"
#include "simulate.h"

namespace mitra::value {
namespace {

const bench::Simulated& Customers() {
  static auto* s =
      new bench::Simulated(bench::Simulate(1000000, 0, 0.243, 4.414, 0.793, 2.426, 42));
  return *s;
}

void BM_Clv12Months1M(benchmark::State& state) {
  const auto& s = Customers();
  const CustomerData data{s.x, s.t_x, s.T, {}};
  const BgNbdParams bg{0.243, 4.414, 0.793, 2.426};
  const GammaGammaParams gg{6.25, 3.74, 15.44};
  // Months of 30.4375 days in weeks, the summaries' unit.
  const double month = static_cast<double>(TimeUnit::Month().seconds) / TimeUnit::Week().seconds;
  std::vector<double> clv(s.x.size());
  for (auto _ : state) {
    if (!CustomerLifetimeValue(bg, gg, data, s.monetary, {12, month, 0.01}, absl::MakeSpan(clv))
             .ok()) {
      state.SkipWithError("CLV failed");
    }
    benchmark::DoNotOptimize(clv.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(s.x.size()));
}
BENCHMARK(BM_Clv12Months1M)->Unit(benchmark::kMillisecond);

void BM_GammaGammaFit(benchmark::State& state) {
  const auto& s = Customers();
  for (auto _ : state) {
    auto fit = FitGammaGamma(SpendData{s.x, s.monetary, {}});
    if (!fit.ok()) state.SkipWithError("fit failed");
    state.counters["p"] = fit->params.p;
    state.counters["q"] = fit->params.q;
    state.counters["gamma"] = fit->params.gamma;
    state.counters["customers"] = fit->report.total_weight;
  }
}
BENCHMARK(BM_GammaGammaFit)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra::value
