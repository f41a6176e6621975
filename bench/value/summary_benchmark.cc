// Summaries from 10,000,000 transactions of 1,000,000 customers over two
// years: time-ordered rows (an event log), rows grouped by customer, and
// shuffled rows (the counting-sort path).
#include <algorithm>
#include <numeric>
#include <random>

#include "benchmark/benchmark.h"
#include "mitra/value/summary.h"

namespace mitra::value {
namespace {

struct Transactions {
  std::vector<uint32_t> customer;
  std::vector<int64_t> time;
  std::vector<double> amount;
};

Transactions Make(int order) {
  const size_t n = 10000000, customers = 1000000;
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<uint32_t> who(0, customers - 1);
  std::uniform_int_distribution<int64_t> when(0, 2 * 365 * 86400 - 1);
  std::gamma_distribution<double> spend(2.0, 20.0);
  Transactions t;
  std::vector<std::pair<int64_t, uint32_t>> rows(n);
  for (auto& r : rows) r = {when(rng), who(rng)};
  if (order == 0) std::sort(rows.begin(), rows.end());
  if (order == 1) {
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second < b.second : a.first < b.first;
    });
  }
  for (const auto& r : rows) {
    t.time.push_back(1577836800 + r.first);  // from 2020-01-01
    t.customer.push_back(r.second);
    t.amount.push_back(spend(rng));
  }
  return t;
}

void BM_Summaries10M(benchmark::State& state) {
  static const Transactions* data[3] = {};
  const int order = static_cast<int>(state.range(0));
  if (!data[order]) data[order] = new Transactions(Make(order));
  const Transactions& t = *data[order];
  SummaryOptions o;
  o.calibration_end = 1577836800 + 500 * 86400;
  o.holdout_end = 1577836800 + 730 * 86400;
  for (auto _ : state) {
    auto s = Summarize(t.customer, t.time, t.amount, o);
    if (!s.ok()) state.SkipWithError("summaries failed");
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(t.customer.size()));
  state.SetLabel(order == 0 ? "time-ordered" : order == 1 ? "grouped by customer" : "shuffled");
}
BENCHMARK(BM_Summaries10M)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra::value
