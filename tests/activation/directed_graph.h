// A directed graph from edge arrays, for the activation tests.
#ifndef MITRA_TESTS_ACTIVATION_DIRECTED_GRAPH_H_
#define MITRA_TESTS_ACTIVATION_DIRECTED_GRAPH_H_

#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::activation {

inline graph::CsrGraph Directed(uint32_t n, std::vector<graph::NodeId> src,
                                std::vector<graph::NodeId> dst) {
  graph::BuildOptions b;
  b.directed = true;
  auto g = graph::CsrGraph::FromEdges(n, src, dst, {}, b);
  EXPECT_TRUE(g.ok()) << g.status();
  return *std::move(g);
}

}  // namespace mitra::activation

#endif  // MITRA_TESTS_ACTIVATION_DIRECTED_GRAPH_H_
