// Rank ladders and community health on a synthetic workspace: 100k
// customers, 50 communities, ~150k memberships, 1M interactions over two
// years (seeded, so every run sees the same data).
#include <cstdint>
#include <random>
#include <string>

#include "benchmark/benchmark.h"
#include "mitra/leaders/community_health.h"
#include "mitra/leaders/rank_ladder.h"

namespace mitra::leaders {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1'600'000'000;  // 2020-09-13
constexpr int64_t kSpan = 730 * kDay;
constexpr uint32_t kCustomers = 100'000, kCommunities = 50, kInteractions = 1'000'000;

const Tables& Synthetic() {
  static const Tables* tables = [] {
    auto* t = new Tables;
    std::mt19937_64 rng(20240601);
    for (uint32_t i = 0; i < kCustomers; ++i) {
      t->customers.ids.Add("c" + std::to_string(i));
      t->customers.created.push_back(kNoTime);
    }
    for (uint32_t i = 0; i < kCommunities; ++i) {
      t->communities.ids.Add("g" + std::to_string(i));
      t->communities.name.push_back("g" + std::to_string(i));
      t->communities.created.push_back(kStart);
    }
    // Every customer joins a home community (Zipf-ish: low indices larger);
    // half join a second one; a quarter of memberships end.
    std::vector<Index> home(kCustomers);
    std::uniform_int_distribution<int64_t> when(kStart, kStart + kSpan - 1);
    std::uniform_real_distribution<double> u(0, 1);
    auto community = [&] {
      return static_cast<Index>(kCommunities * u(rng) * u(rng));
    };
    auto& m = t->memberships;
    auto join = [&](Index c, Index g) {
      const int64_t joined = when(rng);
      m.customer.push_back(c);
      m.community.push_back(g);
      m.role.push_back(1);
      m.joined.push_back(joined);
      m.left.push_back(u(rng) < 0.25 ? joined + static_cast<int64_t>(u(rng) * 200 * kDay)
                                     : kNoTime);
    };
    for (Index c = 0; c < kCustomers; ++c) {
      home[c] = community();
      join(c, home[c]);
      if (u(rng) < 0.5) join(c, community());
    }
    // Interactions: activity heavy-tailed over customers (u^3 picks low
    // indices more), kinds skewed to visits, posts, likes and replies.
    static constexpr EnumValue kKinds[] = {6, 6, 6, 7, 7, 3, 3, 3, 1, 1, 1, 2, 4, 8, 9, 10};
    auto& it = t->interactions;
    for (uint32_t i = 0; i < kInteractions; ++i) {
      const double a = u(rng);
      const Index from = static_cast<Index>(kCustomers * a * a * a);
      const EnumValue kind = kKinds[rng() % 16];
      const bool targeted = kind != 6 && kind != 7;
      it.from.push_back(from);
      it.to.push_back(targeted ? static_cast<Index>(rng() % kCustomers) : kNoIndex);
      it.kind.push_back(kind);
      it.time.push_back(when(rng));
      it.community.push_back(u(rng) < 0.9 ? home[from] : kNoIndex);
      it.weight.push_back(kNoNumber);
    }
    return t;
  }();
  return *tables;
}

void BM_AssignRanksDefault(benchmark::State& state) {
  const Tables& t = Synthetic();
  const RankLadder ladder = DefaultRankLadder();
  const Index community = state.range(0) < 0 ? kNoIndex : static_cast<Index>(state.range(0));
  for (auto _ : state) {
    auto r = AssignRanks(t, ladder, kStart + kSpan, community);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * kInteractions);
}
BENCHMARK(BM_AssignRanksDefault)->Arg(-1)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_ComputeHealth(benchmark::State& state) {
  const Tables& t = Synthetic();
  HealthOptions o;
  o.period_days = static_cast<double>(state.range(0));
  o.periods = static_cast<uint32_t>(state.range(1));
  o.as_of = kStart + kSpan;
  for (auto _ : state) {
    auto r = ComputeHealth(t, o);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * kInteractions);
}
// 12 months of 30 days; two years of weeks.
BENCHMARK(BM_ComputeHealth)->Args({30, 12})->Args({7, 104})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra::leaders
