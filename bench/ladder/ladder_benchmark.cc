// The relationship ladder and external-employee contribution on the sample
// data (data/sample) and on a seeded synthetic workspace of 10 million
// customers (MITRA_LADDER_BENCH_CUSTOMERS overrides the count), one core.
// Figures in docs/LADDER.md. Peak memory is the process's maximum resident
// set (counter peak_rss_mb), the tables included.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "mitra/core/workspace.h"
#include "mitra/ladder/contribution.h"
#include "mitra/ladder/stage_history.h"
#include "mitra/ladder/stage_rules.h"

namespace {

using mitra::Index;
using mitra::Tables;
using mitra::bench::PeakRssMb;
using mitra::bench::Rng;
using mitra::bench::SampleWorkspace;

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1704067200;  // 2024-01-01
constexpr int64_t kAsOf = kStart + 730 * kDay;

// N customers over two years (2024-2025): 90% buy (first purchase, then on
// average 1.5 repeats), 20 products with prices and costs; 30% belong to
// one of 1000 communities and make 8 interactions on average (targets
// skewed to low ranks within the community); 5% refer (1-3 referrals, 40%
// converted); 4% answer one of 5 programs, a quarter of them two.
const Tables* Synthetic() {
  static const Tables* tables = [] {
    const char* env = std::getenv("MITRA_LADDER_BENCH_CUSTOMERS");
    const uint32_t n = env ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : 10000000;
    constexpr uint32_t kCommunities = 1000, kProducts = 20, kPrograms = 5;
    auto* t = new Tables();
    Rng rng{20261122};
    for (uint32_t i = 0; i < n; ++i) t->customers.ids.Add("C" + std::to_string(i));
    t->customers.created.assign(n, mitra::kNoTime);
    for (uint32_t p = 0; p < kProducts; ++p) {
      t->products.ids.Add("P" + std::to_string(p));
      t->products.name.emplace_back();
      t->products.category.emplace_back();
      t->products.unit_price.push_back(10.0 * (p + 1));
      t->products.unit_cost.push_back(5.5 * (p + 1));
    }
    for (uint32_t c = 0; c < kCommunities; ++c) {
      t->communities.ids.Add("K" + std::to_string(c));
      t->communities.name.emplace_back();
      t->communities.created.push_back(mitra::kNoTime);
    }
    for (uint32_t p = 0; p < kPrograms; ++p) t->programs.ids.Add("G" + std::to_string(p));
    auto& x = t->transactions;
    const size_t expected = static_cast<size_t>(n * 0.9 * 2.5);
    for (auto* v : {&x.amount, &x.quantity}) v->reserve(expected);
    for (auto* v : {&x.customer, &x.product, &x.channel, &x.order}) v->reserve(expected);
    x.time.reserve(expected);
    auto buy = [&](uint32_t c, int64_t time) {
      const uint32_t p = rng.Below(kProducts);
      x.customer.push_back(c);
      x.time.push_back(time);
      x.amount.push_back(10.0 * (p + 1) * (0.9 + 0.2 * rng.Uniform()));
      x.quantity.push_back(1);
      x.product.push_back(p);
      x.channel.push_back(mitra::kNoIndex);
      x.order.push_back(mitra::kNoIndex);
    };
    std::vector<int64_t> first(n, mitra::kNoTime);
    for (uint32_t c = 0; c < n; ++c) {
      if (rng.Below(10) == 0) continue;  // a prospect
      first[c] = kStart + rng.Below(700 * kDay);
      buy(c, first[c]);
      for (uint32_t r = rng.Below(4); r > 0; --r)  // 0..3 repeats, mean 1.5
        buy(c, first[c] + rng.Below(static_cast<uint64_t>(kAsOf - first[c])));
    }
    auto& m = t->memberships;
    auto& it = t->interactions;
    std::vector<std::vector<uint32_t>> members(kCommunities);
    for (uint32_t c = 0; c < n; ++c) {
      if (first[c] == mitra::kNoTime || rng.Below(10) >= 3) continue;
      const uint32_t k = rng.Below(kCommunities);
      members[k].push_back(c);
      m.customer.push_back(c);
      m.community.push_back(k);
      m.role.push_back(1);
      m.joined.push_back(first[c] + kDay);
      m.left.push_back(rng.Below(10) == 0 ? first[c] + kDay + rng.Below(30 * kDay) : mitra::kNoTime);
    }
    for (uint32_t k = 0; k < kCommunities; ++k) {
      const std::vector<uint32_t>& mk = members[k];
      if (mk.size() < 2) continue;
      for (size_t e = 0, total = mk.size() * 8; e < total; ++e) {
        const double u = rng.Uniform();
        const uint32_t from = mk[rng.Below(mk.size())];
        uint32_t to = mk[static_cast<size_t>(u * u * mk.size())];
        const uint32_t kind = 1 + rng.Below(10);
        if (to == from) to = mk[(static_cast<size_t>(u * u * mk.size()) + 1) % mk.size()];
        it.from.push_back(from);
        it.to.push_back(kind == 6 || kind == 7 ? mitra::kNoIndex : to);
        it.kind.push_back(static_cast<mitra::EnumValue>(kind));
        it.time.push_back(kStart + rng.Below(730 * kDay));
        it.community.push_back(k);
        it.weight.push_back(NAN);
      }
    }
    auto& r = t->referrals;
    auto& f = t->feedback;
    for (uint32_t c = 0; c < n; ++c) {
      if (first[c] == mitra::kNoTime) continue;
      if (rng.Below(20) == 0) {
        for (uint32_t k = 1 + rng.Below(3); k > 0; --k) {
          const int64_t when = first[c] + rng.Below(static_cast<uint64_t>(kAsOf - first[c]));
          const bool converted = rng.Below(10) < 4;
          r.referrer.push_back(c);
          r.referee.push_back(converted ? rng.Below(n) : mitra::kNoIndex);
          r.time.push_back(when);
          r.converted.push_back(converted);
          r.value.push_back(0);
        }
      }
      if (rng.Below(25) == 0) {
        for (uint32_t k = rng.Below(4) == 0 ? 2 : 1; k > 0; --k) {
          f.program.push_back(rng.Below(kPrograms));
          f.product.push_back(mitra::kNoIndex);
          f.customer.push_back(c);
          f.ratings.Append(std::map<std::string, double>{});
          f.would_recommend.push_back(rng.Below(11));
          f.time.push_back(kStart + rng.Below(730 * kDay));
          f.comment.emplace_back();
        }
      }
    }
    fprintf(stderr,
            "synthetic: %u customers, %zu transactions, %zu memberships, %zu interactions, "
            "%zu referrals, %zu feedback; peak RSS %.0f MB after building\n",
            n, x.customer.size(), m.customer.size(), it.from.size(), r.referrer.size(),
            f.customer.size(), PeakRssMb());
    return t;
  }();
  return tables;
}

void Report(benchmark::State& state, const Tables& t) {
  state.counters["customers"] = t.customers.ids.size();
  state.counters["peak_rss_mb"] = PeakRssMb();
}

void BM_StagesSample(benchmark::State& state) {
  const Tables& t = SampleWorkspace().tables();
  mitra::ladder::IndicatorInputs in;
  in.as_of = mitra::ladder::DefaultLadderAsOf(t);
  for (auto _ : state) {
    auto a = mitra::ladder::AssignStages(t, mitra::ladder::DefaultLadderRules(), in);
    if (!a.ok()) state.SkipWithError(std::string(a.status().message()).c_str());
    benchmark::DoNotOptimize(a);
  }
  Report(state, t);
}
BENCHMARK(BM_StagesSample)->Unit(benchmark::kMillisecond);

void BM_HistorySample24Months(benchmark::State& state) {
  const Tables& t = SampleWorkspace().tables();
  mitra::ladder::IndicatorInputs in;
  in.as_of = mitra::ladder::DefaultLadderAsOf(t);
  mitra::ladder::HistoryOptions ho;
  ho.periods = 24;
  const std::vector<int64_t> ends = *mitra::ladder::PeriodEnds(in.as_of, ho);
  for (auto _ : state) {
    auto h = mitra::ladder::ComputeStageHistory(t, mitra::ladder::DefaultLadderRules(), in, ends);
    if (!h.ok()) state.SkipWithError(std::string(h.status().message()).c_str());
    benchmark::DoNotOptimize(h);
  }
  Report(state, t);
}
BENCHMARK(BM_HistorySample24Months)->Unit(benchmark::kMillisecond);

void BM_ContributionSample(benchmark::State& state) {
  const Tables& t = SampleWorkspace().tables();
  mitra::ladder::ContributionOptions o;
  o.as_of = mitra::ladder::DefaultLadderAsOf(t);
  for (auto _ : state) {
    auto c = mitra::ladder::ComputeContributions(t, o);
    if (!c.ok()) state.SkipWithError(std::string(c.status().message()).c_str());
    benchmark::DoNotOptimize(c);
  }
  Report(state, t);
}
BENCHMARK(BM_ContributionSample)->Unit(benchmark::kMillisecond);

// Stages with the default rules; range(0) = 1 keeps the indicator columns
// (the evidence), 0 drops each once applied.
void BM_StagesSynthetic(benchmark::State& state) {
  const Tables& t = *Synthetic();
  mitra::ladder::IndicatorInputs in;
  in.as_of = kAsOf;
  for (auto _ : state) {
    auto a = mitra::ladder::AssignStages(t, mitra::ladder::DefaultLadderRules(), in, state.range(0) != 0);
    if (!a.ok()) state.SkipWithError(std::string(a.status().message()).c_str());
    benchmark::DoNotOptimize(a);
  }
  Report(state, t);
}
BENCHMARK(BM_StagesSynthetic)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_ContributionSynthetic(benchmark::State& state) {
  const Tables& t = *Synthetic();
  mitra::ladder::ContributionOptions o;
  o.as_of = kAsOf;
  o.influence_persistence = static_cast<double>(state.range(0)) / 10;
  for (auto _ : state) {
    auto c = mitra::ladder::ComputeContributions(t, o);
    if (!c.ok()) state.SkipWithError(std::string(c.status().message()).c_str());
    benchmark::DoNotOptimize(c);
    state.counters["influence_steps"] = c.ok() ? c->influence_steps : 0;
  }
  Report(state, t);
}
// persistence 0 (one step, the default) and 0.5.
BENCHMARK(BM_ContributionSynthetic)->Arg(0)->Arg(5)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
