// Channel economics on a seeded synthetic chain of 10,000 members and 10
// million transactions (one core), and on the bundled sample: the economics
// (attribution, margin money, profit, cost to serve, routes), the conflict
// signals, and both through the request message. Figures in
// docs/CHANNELS.md.
#include <cstdint>
#include <cstdio>
#include <string>

#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "mitra/channels/chain.h"
#include "mitra/channels/conflict.h"
#include "mitra/channels/economics.h"
#include "mitra/channels/messages.h"
#include "mitra/core/workspace.h"

namespace {

using mitra::Index;
using mitra::kNoIndex;
using mitra::bench::Rng;
using mitra::bench::SampleWorkspace;

// A producer, 20 wholesalers, 400 agents (20 each), 9,577 retailers spread
// over the agents, a direct store and an activist channel: 10,000 members.
// 1,000,000 customers, each with a home retailer (a tenth of the retailers
// share their territory with a sibling); 100 products; 10,000,000
// transactions over two years in time order: 85% at the home retailer, 5%
// at its agent, 5% direct, 2% through the activists, 3% at a random
// retailer; amounts at list price less up to 5%, quantity 1 to 3.
struct Synthetic {
  static constexpr uint32_t kWholesalers = 20, kAgents = 400, kMembers = 10000,
                            kCustomers = 1000000, kProducts = 100, kTransactions = 10000000;
  mitra::Tables t;
  Synthetic() {
    Rng rng{20261122};
    mitra::ChannelTable& c = t.channels;
    auto add = [&](const std::string& id, mitra::EnumValue kind, Index parent, double margin,
                   const std::string& territory) {
      c.ids.Add(id);
      c.name.push_back(id);
      c.kind.push_back(kind);
      c.parent.push_back(parent);
      c.margin.push_back(margin);
      c.fixed_cost_per_year.push_back(1000 + rng.Below(20000));
      c.cost_per_unit.push_back(0.5 + rng.Below(300) / 100.0);
      c.territory.push_back(territory);
    };
    add("P", mitra::channels::kProducer, kNoIndex, 0.3, "all");
    for (uint32_t w = 0; w < kWholesalers; ++w)
      add("W" + std::to_string(w), mitra::channels::kWholesaler, 0, 0.08 + rng.Below(5) / 100.0,
          "w" + std::to_string(w));
    for (uint32_t a = 0; a < kAgents; ++a)
      add("A" + std::to_string(a), mitra::channels::kAgent, 1 + a % kWholesalers,
          0.05 + rng.Below(4) / 100.0, "a" + std::to_string(a));
    const uint32_t first_retailer = static_cast<uint32_t>(c.ids.size());
    const uint32_t retailers = kMembers - first_retailer - 2;
    for (uint32_t r = 0; r < retailers; ++r) {
      // Every tenth retailer shares its predecessor's territory.
      const uint32_t terr = r % 10 == 9 ? r - 1 : r;
      add("R" + std::to_string(r), mitra::channels::kRetailer, 1 + kWholesalers + r % kAgents,
          0.10 + rng.Below(11) / 100.0, "r" + std::to_string(terr));
    }
    const Index direct = static_cast<Index>(c.ids.size());
    add("DIRECT", mitra::channels::kDirect, 0, 0, "online");
    const Index activist = static_cast<Index>(c.ids.size());
    add("ACTIVIST", mitra::channels::kCommunityActivist, 0, 0.05, "communities");
    for (uint32_t p = 0; p < kProducts; ++p) {
      t.products.ids.Add("p" + std::to_string(p));
      t.products.name.push_back("");
      t.products.category.push_back("");
      const double price = 5 + rng.Below(2000);
      t.products.unit_price.push_back(price);
      t.products.unit_cost.push_back(price * (0.4 + 0.2 * rng.Uniform()));
    }
    for (uint32_t i = 0; i < kCustomers; ++i) t.customers.ids.Add("C" + std::to_string(i));
    t.customers.created.assign(kCustomers, mitra::kNoTime);
    std::vector<Index> home(kCustomers);
    for (uint32_t i = 0; i < kCustomers; ++i) home[i] = first_retailer + rng.Below(retailers);
    mitra::TransactionTable& x = t.transactions;
    x.customer.resize(kTransactions);
    x.time.resize(kTransactions);
    x.amount.resize(kTransactions);
    x.quantity.resize(kTransactions);
    x.product.resize(kTransactions);
    x.channel.resize(kTransactions);
    x.order.assign(kTransactions, kNoIndex);
    constexpr int64_t kStart = 1704067200, kSpan = 2 * 365 * 86400LL;
    for (uint32_t i = 0; i < kTransactions; ++i) {
      const uint32_t cust = rng.Below(kCustomers);
      const Index h = home[cust];
      const uint32_t u = rng.Below(100);
      const Index ch = u < 85   ? h
                       : u < 90 ? t.channels.parent[h]
                       : u < 95 ? direct
                       : u < 97 ? activist
                                : first_retailer + rng.Below(retailers);
      const uint32_t p = rng.Below(kProducts);
      const double q = 1 + rng.Below(3);
      x.customer[i] = cust;
      x.time[i] = kStart + static_cast<int64_t>(static_cast<double>(i) / kTransactions * kSpan);
      x.quantity[i] = q;
      x.amount[i] = t.products.unit_price[p] * q * (1 - 0.05 * rng.Uniform());
      x.product[i] = p;
      x.channel[i] = ch;
    }
  }
};

const Synthetic& Data() {
  static const Synthetic* s = new Synthetic();
  return *s;
}

mitra::channels::EconomicsOptions Rates() {
  mitra::channels::EconomicsOptions o;
  o.rates.per_order = 2;
  o.rates.per_delivery = 5;
  o.rates.per_return = 10;
  return o;
}

void BM_SyntheticEconomics(benchmark::State& state) {
  const mitra::Tables& t = Data().t;
  auto o = Rates();
  o.per_customer = state.range(0) != 0;
  for (auto _ : state) {
    auto chain = mitra::channels::Chain::Build(t.channels);
    auto e = mitra::channels::ComputeEconomics(t, *chain, o);
    if (!e.ok()) state.SkipWithError(std::string(e.status().message()).c_str());
    benchmark::DoNotOptimize(e);
    state.counters["producer_revenue"] = e->producer_revenue;
    state.counters["buyers"] = static_cast<double>(e->buyers);
  }
  state.counters["transactions"] = static_cast<double>(t.transactions.customer.size());
  state.counters["members"] = static_cast<double>(t.channels.ids.size());
}
BENCHMARK(BM_SyntheticEconomics)->Arg(0)->Arg(1)->Unit(benchmark::kSecond)->Iterations(3);

void BM_SyntheticConflicts(benchmark::State& state) {
  const mitra::Tables& t = Data().t;
  auto chain = mitra::channels::Chain::Build(t.channels);
  for (auto _ : state) {
    auto c = mitra::channels::FindConflicts(t, *chain, {});
    if (!c.ok()) state.SkipWithError(std::string(c.status().message()).c_str());
    benchmark::DoNotOptimize(c);
    state.counters["shared_pairs"] = static_cast<double>(c->shared.size());
    state.counters["undercuts"] = static_cast<double>(c->undercuts.size());
    state.counters["switching_share"] = c->switching_share;
  }
}
BENCHMARK(BM_SyntheticConflicts)->Unit(benchmark::kSecond)->Iterations(3);

// The whole report on the sample, without and with the activation plan.
void BM_SampleReport(benchmark::State& state) {
  const mitra::Workspace& ws = SampleWorkspace();
  mitra::v1::ChannelRequest req;
  req.mutable_rates()->set_per_order(2);
  if (state.range(0))
    *req.mutable_activation() = mitra::channels::DefaultActivation(ws, req, 3, 0, 0, 10000);
  for (auto _ : state) {
    mitra::v1::ChannelReport report;
    absl::Status s = mitra::channels::ChannelEconomicsMessage(ws, req, &report);
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
    benchmark::DoNotOptimize(report);
  }
}
BENCHMARK(BM_SampleReport)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
