// The benchmark graphs, built once per process: soc-Epinions1 (SNAP, from
// data/reference/, unpacked into the build tree at configure time) and a
// Graph500-style R-MAT graph (2^20 node ids, 10M generated edges, a = .57,
// b = .19, c = .19, seed 1, permuted ids; duplicates collapse, self-loops
// dropped).
#ifndef MITRA_BENCH_GRAPH_GRAPH_DATA_H_
#define MITRA_BENCH_GRAPH_GRAPH_DATA_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "mitra/graph/csr_graph.h"
#include "mitra/graph/edge_list.h"
#include "mitra/graph/rmat.h"

namespace mitra::graph::bench {

inline const CsrGraph& Epinions() {
  static const CsrGraph g = [] {
    auto r = LoadEdgeList(MITRA_EPINIONS_PATH);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", std::string(r.status().message()).c_str());
      std::exit(1);
    }
    return std::move(r->graph);
  }();
  return g;
}

inline const CsrGraph& EpinionsUndirected() {
  static const CsrGraph g = *Epinions().Undirected();
  return g;
}

inline const CsrGraph& Rmat() {
  static const CsrGraph g = [] {
    auto e = GenerateRmat({});
    BuildOptions b;
    b.keep_self_loops = false;
    auto g = CsrGraph::FromEdges(e->num_nodes, e->src, e->dst, {}, b);
    return *std::move(g);
  }();
  return g;
}

inline const CsrGraph& RmatUndirected() {
  static const CsrGraph g = *Rmat().Undirected();
  return g;
}

}  // namespace mitra::graph::bench

#endif  // MITRA_BENCH_GRAPH_GRAPH_DATA_H_
