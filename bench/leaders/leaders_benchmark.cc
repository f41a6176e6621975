// FindLeaders on the sample data (data/sample) and on a synthetic workspace.
#include <cstdint>
#include <memory>
#include <string>

#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "mitra/core/workspace.h"
#include "mitra/leaders/leader_score.h"

namespace {

using mitra::Index;
using mitra::bench::Rng;
using mitra::bench::SampleWorkspace;

// 100k customers, 50 communities; every customer a member of one community
// (a tenth of two), 1M interactions inside communities with heavy-tailed
// senders and targets (squared uniform ranks), all kinds, over two years.
const mitra::Tables* SyntheticTables() {
  static const mitra::Tables* tables = [] {
    constexpr uint32_t kCustomers = 100000, kCommunities = 50, kInteractions = 1000000;
    constexpr int64_t kStart = 1704067200, kSpan = 2 * 365 * 86400LL;
    auto* t = new mitra::Tables();
    Rng rng{20261122};
    for (uint32_t i = 0; i < kCustomers; ++i) t->customers.ids.Add("C" + std::to_string(i));
    t->customers.created.assign(kCustomers, mitra::kNoTime);
    for (uint32_t c = 0; c < kCommunities; ++c) {
      t->communities.ids.Add("K" + std::to_string(c));
      t->communities.name.push_back("");
      t->communities.created.push_back(mitra::kNoTime);
    }
    // Members of community c: customers i with i % 50 == c (2000 each), and
    // a tenth also of (c + 1) % 50.
    auto& m = t->memberships;
    for (uint32_t i = 0; i < kCustomers; ++i) {
      for (int second = 0; second < (i % 10 == 0 ? 2 : 1); ++second) {
        m.customer.push_back(i);
        m.community.push_back((i + second) % kCommunities);
        m.role.push_back(1);
        m.joined.push_back(kStart + rng.Below(kSpan / 2));
        m.left.push_back(rng.Below(20) == 0 ? kStart + kSpan / 2 + rng.Below(kSpan / 2)
                                            : mitra::kNoTime);
      }
    }
    auto pick = [&](uint32_t c) {  // a member of c, skewed to low ranks
      const double u = (rng.Next() >> 11) * 0x1.0p-53;
      const uint32_t k = static_cast<uint32_t>(u * u * (kCustomers / kCommunities));
      return k * kCommunities + c;
    };
    auto& x = t->interactions;
    for (uint32_t i = 0; i < kInteractions; ++i) {
      const uint32_t c = rng.Below(kCommunities);
      const uint32_t kind = 1 + rng.Below(10);
      const bool no_target = kind == 6 || kind == 7;
      x.from.push_back(pick(c));
      Index to = no_target ? mitra::kNoIndex : pick(c);
      if (to == x.from.back()) to = (to + kCommunities) % kCustomers;
      x.to.push_back(to);
      x.kind.push_back(static_cast<mitra::EnumValue>(kind));
      x.time.push_back(kStart + rng.Below(kSpan));
      x.community.push_back(c);
      x.weight.push_back(NAN);
    }
    return t;
  }();
  return tables;
}

void BM_FindLeadersSample(benchmark::State& state) {
  const mitra::Tables& t = SampleWorkspace().tables();
  for (auto _ : state) {
    auto r = mitra::leaders::FindLeaders(t, {});
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["interactions"] = t.interactions.from.size();
}
BENCHMARK(BM_FindLeadersSample)->Unit(benchmark::kMillisecond);

void BM_FindLeadersSynthetic(benchmark::State& state) {
  const mitra::Tables& t = *SyntheticTables();
  for (auto _ : state) {
    auto r = mitra::leaders::FindLeaders(t, {});
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["interactions"] = t.interactions.from.size();
}
BENCHMARK(BM_FindLeadersSynthetic)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
