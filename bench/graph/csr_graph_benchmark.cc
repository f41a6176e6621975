// Building a graph from an edge list (CsrGraph::FromEdges): what every
// graph call through the C ABI and Python does first, from the host's
// arrays. R-MAT (2^20 ids, 10M generated edges, graph_data.h's) and
// soc-Epinions1's edge lists, directed and undirected, unweighted and
// weighted.
#include <vector>

#include "benchmark/benchmark.h"
#include "graph_data.h"
#include "mitra/graph/csr_graph.h"
#include "mitra/graph/rmat.h"

namespace mitra::graph::bench {
namespace {

struct Edges {
  uint32_t n = 0;
  std::vector<NodeId> src, dst;
  std::vector<double> weights;
};

const Edges& RmatEdges() {
  static const Edges e = [] {
    auto r = GenerateRmat({});
    Edges out;
    out.n = r->num_nodes;
    out.src = r->src;
    out.dst = r->dst;
    out.weights.resize(out.src.size());
    for (size_t i = 0; i < out.weights.size(); ++i) out.weights[i] = 1 + (i % 7);
    return out;
  }();
  return e;
}

const Edges& EpinionsEdges() {
  static const Edges e = [] {
    const CsrGraph& g = Epinions();
    Edges out;
    out.n = g.num_nodes();
    for (uint32_t u = 0; u < g.num_nodes(); ++u)
      for (NodeId v : g.out_neighbors(u)) {
        out.src.push_back(u);
        out.dst.push_back(v);
      }
    // The file's order is by source; a host's arrays seldom are.
    for (size_t i = out.src.size(); i > 1; --i) {
      const size_t j = (i * 2654435761u) % i;
      std::swap(out.src[i - 1], out.src[j]);
      std::swap(out.dst[i - 1], out.dst[j]);
    }
    out.weights.assign(out.src.size(), 1.5);
    return out;
  }();
  return e;
}

// range(0): directed; range(1): weighted.
void Build(benchmark::State& state, const Edges& e) {
  BuildOptions o;
  o.directed = state.range(0) != 0;
  const bool weighted = state.range(1) != 0;
  for (auto _ : state) {
    auto g = CsrGraph::FromEdges(e.n, e.src, e.dst,
                                 weighted ? absl::Span<const double>(e.weights)
                                          : absl::Span<const double>(),
                                 o);
    benchmark::DoNotOptimize(g->num_arcs());
  }
  state.counters["edges"] = static_cast<double>(e.src.size());
  state.counters["ns_per_edge"] = benchmark::Counter(
      static_cast<double>(e.src.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_FromEdgesRmat(benchmark::State& state) { Build(state, RmatEdges()); }
BENCHMARK(BM_FromEdgesRmat)
    ->ArgsProduct({{1, 0}, {0, 1}})
    ->ArgNames({"directed", "weighted"})
    ->Unit(benchmark::kMillisecond);

void BM_FromEdgesEpinions(benchmark::State& state) { Build(state, EpinionsEdges()); }
BENCHMARK(BM_FromEdgesEpinions)
    ->ArgsProduct({{1, 0}, {0, 1}})
    ->ArgNames({"directed", "weighted"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra::graph::bench
