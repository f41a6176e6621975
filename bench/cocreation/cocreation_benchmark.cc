// Feedback aggregation over 10 million synthetic answers and panel
// selection from 10 million candidates, single-threaded (the code has no
// threads). The tables are filled directly (no ingestion) from a fixed
// generator; building them is not timed.
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "mitra/cocreation/feedback.h"
#include "mitra/cocreation/panel.h"
#include "mitra/core/tables.h"

namespace {

using mitra::Index;
using mitra::bench::Rng;

constexpr int64_t kT0 = 1704067200;

void AddCustomers(mitra::Tables& t, uint32_t n, Rng& rng, bool attributes) {
  static const char* kSegments[] = {"commuter", "family", "student", "rider"};
  static const char* kCities[] = {"Jakarta", "Bandung", "Surabaya", "Medan", "Semarang", "Yogyakarta", "Denpasar", "Makassar"};
  t.customers.created.assign(n, mitra::kNoTime);
  for (uint32_t i = 0; i < n; ++i) {
    t.customers.ids.Add("C" + std::to_string(i));
    std::vector<std::pair<std::string, std::string>> a;
    if (attributes) a = {{"segment", kSegments[rng.Below(4)]}, {"city", kCities[rng.Below(8)]}};
    t.customers.attributes.Append(a);
  }
}

// 2M customers, 10 programs of 5 attributes each on 1..5 (the last a weak
// one), 10M answers with would-recommend.
const mitra::Tables* FeedbackTables() {
  static const mitra::Tables* tables = [] {
    constexpr uint32_t kCustomers = 2000000, kPrograms = 10, kRows = 10000000;
    auto* t = new mitra::Tables();
    Rng rng{20261122};
    AddCustomers(*t, kCustomers, rng, false);
    const std::vector<std::string> attrs = {"comfort", "range", "price", "design", "charging"};
    for (uint32_t p = 0; p < kPrograms; ++p) {
      t->programs.ids.Add("P" + std::to_string(p));
      t->programs.name.push_back("");
      t->programs.product.push_back(mitra::kNoIndex);
      t->programs.start.push_back(kT0);
      t->programs.end.push_back(mitra::kNoTime);
      std::vector<std::pair<std::string, double>> list;
      for (const std::string& a : attrs) list.emplace_back(a, 0.0);
      t->programs.rated_attributes.Append(list);
      t->programs.rating_min.push_back(1);
      t->programs.rating_max.push_back(5);
    }
    auto& f = t->feedback;
    f.program.reserve(kRows);
    std::vector<std::pair<std::string, double>> ratings(attrs.size());
    for (uint32_t r = 0; r < kRows; ++r) {
      f.program.push_back(rng.Below(kPrograms));
      f.product.push_back(mitra::kNoIndex);
      f.customer.push_back(rng.Below(kCustomers));
      const int mood = static_cast<int>(rng.Below(3)) - 1;
      for (size_t k = 0; k < attrs.size(); ++k) {
        const int base = k + 1 == attrs.size() ? 2 : 4;
        const int v = std::min(5, std::max(1, base + mood + static_cast<int>(rng.Below(3)) - 1));
        ratings[k] = {attrs[k], static_cast<double>(v)};
      }
      f.ratings.Append(ratings);
      f.would_recommend.push_back(static_cast<double>(rng.Below(11)));
      f.time.push_back(kT0 + rng.Below(365 * 86400));
      f.comment.emplace_back();
    }
    return t;
  }();
  return tables;
}

void BM_AggregateFeedback10M(benchmark::State& state) {
  const mitra::Tables& t = *FeedbackTables();
  size_t flagged = 0;
  for (auto _ : state) {
    auto s = mitra::cocreation::AggregateFeedback(t, mitra::cocreation::FeedbackOptions{});
    if (!s.ok()) state.SkipWithError(std::string(s.status().message()).c_str());
    flagged = 0;
    for (const auto& g : s->groups) flagged += g.flagged;
    benchmark::DoNotOptimize(s);
  }
  state.counters["rows"] = static_cast<double>(t.feedback.program.size());
  state.counters["flagged"] = static_cast<double>(flagged);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(t.feedback.program.size()));
}
BENCHMARK(BM_AggregateFeedback10M)->Unit(benchmark::kMillisecond)->Iterations(3);

// 10M customers with a segment and a city, 50 communities (a fifth of the
// customers in one), 1M past answers over 2 programs, 200k transactions.
const mitra::Tables* PanelTables() {
  static const mitra::Tables* tables = [] {
    constexpr uint32_t kCustomers = 10000000, kCommunities = 50;
    auto* t = new mitra::Tables();
    Rng rng{7};
    AddCustomers(*t, kCustomers, rng, true);
    for (uint32_t c = 0; c < kCommunities; ++c) {
      t->communities.ids.Add("K" + std::to_string(c));
      t->communities.name.push_back("");
      t->communities.created.push_back(mitra::kNoTime);
    }
    for (uint32_t i = 0; i < kCustomers; i += 5) {
      t->memberships.customer.push_back(i);
      t->memberships.community.push_back(rng.Below(kCommunities));
      t->memberships.role.push_back(1);
      t->memberships.joined.push_back(kT0);
      t->memberships.left.push_back(mitra::kNoTime);
    }
    for (uint32_t p = 0; p < 2; ++p) {
      t->programs.ids.Add("P" + std::to_string(p));
      t->programs.name.push_back("");
      t->programs.product.push_back(mitra::kNoIndex);
      t->programs.start.push_back(kT0 + p * 180 * 86400LL);
      t->programs.end.push_back(kT0 + (p * 180 + 60) * 86400LL);
      t->programs.rated_attributes.Append(std::vector<std::pair<std::string, double>>{});
      t->programs.rating_min.push_back(1);
      t->programs.rating_max.push_back(5);
    }
    for (uint32_t r = 0; r < 1000000; ++r) {
      const uint32_t p = rng.Below(2);
      t->feedback.program.push_back(p);
      t->feedback.product.push_back(mitra::kNoIndex);
      t->feedback.customer.push_back(rng.Below(kCustomers));
      t->feedback.ratings.Append(std::vector<std::pair<std::string, double>>{});
      t->feedback.would_recommend.push_back(mitra::kNoNumber);
      t->feedback.time.push_back(kT0 + (p * 180 + rng.Below(60)) * 86400LL);
      t->feedback.comment.emplace_back();
    }
    for (uint32_t r = 0; r < 200000; ++r) {
      t->transactions.customer.push_back(rng.Below(kCustomers));
      t->transactions.time.push_back(kT0 + rng.Below(400) * 86400LL);
      t->transactions.amount.push_back(10);
      t->transactions.quantity.push_back(1);
      t->transactions.product.push_back(mitra::kNoIndex);
      t->transactions.channel.push_back(mitra::kNoIndex);
      t->transactions.order.push_back(mitra::kNoIndex);
    }
    return t;
  }();
  return tables;
}

void BM_SelectPanel10M(benchmark::State& state) {
  const mitra::Tables& t = *PanelTables();
  using mitra::cocreation::Quota;
  using mitra::cocreation::QuotaDimension;
  mitra::cocreation::PanelOptions o;
  o.size = static_cast<uint32_t>(state.range(0));
  o.seed = 11;
  o.quotas = {Quota{QuotaDimension::kAttribute, "segment", "student", o.size / 4, UINT32_MAX},
              Quota{QuotaDimension::kAttribute, "city", "Medan", o.size / 10, UINT32_MAX},
              Quota{QuotaDimension::kCommunity, "", "K3", o.size / 20, o.size / 10},
              Quota{QuotaDimension::kCommunity, "", "K7", o.size / 20, UINT32_MAX}};
  bool met = false;
  for (auto _ : state) {
    auto p = mitra::cocreation::SelectPanel(t, o);
    if (!p.ok()) state.SkipWithError(std::string(p.status().message()).c_str());
    met = p->all_quotas_met;
    benchmark::DoNotOptimize(p);
  }
  state.counters["candidates"] = static_cast<double>(t.customers.ids.size());
  state.counters["all_quotas_met"] = met;
}
BENCHMARK(BM_SelectPanel10M)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
