// Core numbers (Seidman 1983): node v's core number is the largest k such
// that v belongs to a subgraph in which every node has degree >= k.
// Batagelj & Zaversnik's O(n + m) bucket algorithm ("An O(m) algorithm for
// cores decomposition of networks", 2003).
//
// Degrees follow networkx's core_number: an undirected graph uses the number
// of neighbours; a directed graph uses in-degree + out-degree (so a
// reciprocated pair counts twice). Weights are ignored. Self-loops are
// ignored (networkx refuses graphs that have them).
#ifndef MITRA_GRAPH_KCORE_H_
#define MITRA_GRAPH_KCORE_H_

#include <cstdint>
#include <vector>

#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

std::vector<uint32_t> CoreNumbers(const CsrGraph& graph);

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_KCORE_H_
