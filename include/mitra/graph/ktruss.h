// Truss numbers (Cohen 2008, "Trusses: cohesive subgraphs for social
// network analysis"; Wang & Cheng 2012's peeling): the k-truss of a graph is
// its largest subgraph in which every edge lies in at least k - 2 triangles
// of the subgraph (networkx's k_truss), and an edge's truss number is the
// largest k whose k-truss holds it (2 for an edge in no triangle). Where
// k-cores ask how many neighbours a member has, trusses ask how many shared
// ones a tie has: the tight-knit circles inside a community.
//
// Read on the graph's undirected simple view: directions, weights,
// duplicate edges and self-loops are ignored. O(m^1.5).
#ifndef MITRA_GRAPH_KTRUSS_H_
#define MITRA_GRAPH_KTRUSS_H_

#include <cstdint>
#include <vector>

#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

// Per arc of graph.out(), in its order: the truss number of the undirected
// edge it belongs to (both arcs of an undirected edge, and u -> v and
// v -> u of a directed graph, get the same), 0 for a self-loop.
std::vector<uint32_t> TrussNumbers(const CsrGraph& graph);

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_KTRUSS_H_
