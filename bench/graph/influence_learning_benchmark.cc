// Influence learning at scale: the R-MAT graph of graph_data.h (2^20 node
// ids, 10M generated edges, 9.7M arcs after merging: "who attends to whom"
// from 10M interactions) and an action log simulated on it: 2,000 items,
// each starting from 200 random nodes and spreading by the independent
// cascade with weighted-cascade probabilities (1 / in-degree), one hour per
// step; window 1 hour. Every method is timed on the same log; the counters
// give the log's size, the arcs with trials, EM's iterations, the budget's
// peak reservation and the process's peak RSS (which includes the graph
// and the log).
//
// BM_LearnWorkspaceInfluence runs the whole path of a request
// (LearnWorkspaceInfluence, as mitra_workspace_learn_influence does) on a
// workspace's tables holding the same data: one customer per node, the 10M
// generated edges as 10M interaction rows of random kinds, and the log as
// purchases (one product per item). Its time adds building the interaction
// graph and each arc's dominant kind (the prior groups) to the learning.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "bench_util.h"
#include "benchmark/benchmark.h"
#include "common/random.h"
#include "graph/planted_cascades.h"  // tests/graph: the cascade simulator
#include "graph_data.h"
#include "mitra/core/memory_budget.h"
#include "mitra/graph/influence_learning.h"
#include "mitra/graph/rmat.h"
#include "mitra/graph/workspace_influence.h"

namespace mitra::graph::bench {
namespace {

constexpr int64_t kHour = 3600;

const ActionLog& Log() {
  static const ActionLog log = [] {
    const CsrGraph& g = Rmat();
    std::vector<double> in_degree(g.num_nodes(), 0);
    for (NodeId v : g.out().targets) ++in_degree[v];
    std::vector<double> p(g.num_arcs());
    for (uint64_t k = 0; k < g.num_arcs(); ++k) p[k] = 1 / in_degree[g.out().targets[k]];
    ActionLog l;
    Rng rng(7);
    testing::SimulateCascades(g, p, 2000, 1000 * kHour, kHour, rng,
                              [&](Rng& r, auto&& activate) {
                                for (int s = 0; s < 200; ++s) {
                                  activate(static_cast<NodeId>(r.Below(g.num_nodes())));
                                }
                              },
                              l);
    return l;
  }();
  return log;
}

void BM_LearnInfluence(benchmark::State& state) {
  const CsrGraph& g = Rmat();
  const ActionLog& log = Log();
  InfluenceOptions o;
  o.method = static_cast<InfluenceMethod>(state.range(0));
  o.window = kHour;
  MemoryBudget budget;
  o.memory = &budget;
  InfluenceModel m;
  for (auto _ : state) {
    m = *LearnInfluence(g, log, o);
    benchmark::DoNotOptimize(m.posterior_mean.data());
  }
  uint64_t with_trials = 0;
  for (uint32_t t : m.trials) with_trials += t > 0;
  state.counters["actions"] = static_cast<double>(m.actions);
  state.counters["arcs"] = static_cast<double>(g.num_arcs());
  state.counters["arcs_with_trials"] = static_cast<double>(with_trials);
  state.counters["em_iterations"] = m.em_iterations;
  state.counters["reserved_MB"] = budget.peak() / 1048576.0;
  state.counters["peak_rss_MB"] = ::mitra::bench::PeakRssMb();
}
// 0 Bernoulli, 1 Jaccard, 2 continuous time, 3 EM.
BENCHMARK(BM_LearnInfluence)
    ->ArgName("method")
    ->DenseRange(0, 3)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// The workspace of BM_LearnWorkspaceInfluence (built once, outside the
// timing).
const Tables& WorkspaceTables() {
  static const Tables* t = [] {
    auto* t = new Tables();
    const CsrGraph& g = Rmat();
    for (NodeId v = 0; v < g.num_nodes(); ++v) t->customers.ids.Add("C" + std::to_string(v));
    t->customers.created.assign(g.num_nodes(), kNoTime);
    auto e = GenerateRmat({});
    InteractionTable& x = t->interactions;
    Rng rng(11);
    // reply, mention, like, endorsement, referral, share, message
    constexpr EnumValue kKinds[] = {1, 2, 3, 4, 5, 8, 9};
    for (size_t i = 0; i < e->src.size(); ++i) {
      x.from.push_back(e->src[i]);
      x.to.push_back(e->dst[i]);
      x.kind.push_back(kKinds[rng.Below(7)]);
      x.time.push_back(-static_cast<int64_t>(rng.Below(365 * 86400)));
      x.community.push_back(kNoIndex);
      x.weight.push_back(NAN);
    }
    const ActionLog& log = Log();
    uint32_t items = 0;
    for (uint32_t item : log.item) items = std::max(items, item + 1);
    for (uint32_t i = 0; i < items; ++i) {
      t->products.ids.Add("P" + std::to_string(i));
      t->products.name.push_back("");
      t->products.category.push_back("x");
      t->products.unit_price.push_back(kNoNumber);
      t->products.unit_cost.push_back(kNoNumber);
    }
    TransactionTable& tx = t->transactions;
    for (size_t r = 0; r < log.node.size(); ++r) {
      tx.order.push_back(kNoIndex);
      tx.customer.push_back(log.node[r]);
      tx.time.push_back(log.time[r]);
      tx.amount.push_back(1);
      tx.quantity.push_back(1);
      tx.product.push_back(log.item[r]);
      tx.channel.push_back(kNoIndex);
    }
    return t;
  }();
  return *t;
}

void BM_LearnWorkspaceInfluence(benchmark::State& state) {
  const Tables& t = WorkspaceTables();
  WorkspaceInfluenceOptions o;
  o.graph.half_life_days = 0;
  o.learning.method = static_cast<InfluenceMethod>(state.range(0));
  o.learning.window = kHour;
  MemoryBudget budget;
  o.learning.memory = &budget;
  uint64_t actions = 0, arcs = 0;
  for (auto _ : state) {
    auto r = LearnWorkspaceInfluence(t, o);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    actions = r->model.actions;
    arcs = r->graph.graph.num_arcs();
    benchmark::DoNotOptimize(r->model.posterior_mean.data());
  }
  state.counters["interactions"] = static_cast<double>(t.interactions.from.size());
  state.counters["actions"] = static_cast<double>(actions);
  state.counters["arcs"] = static_cast<double>(arcs);
  state.counters["reserved_MB"] = budget.peak() / 1048576.0;
  state.counters["peak_rss_MB"] = ::mitra::bench::PeakRssMb();
}
// 0 Bernoulli, 3 EM.
BENCHMARK(BM_LearnWorkspaceInfluence)
    ->ArgName("method")
    ->Arg(0)
    ->Arg(3)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra::graph::bench
