// A directed or undirected weighted graph in compressed sparse row form.
//
// Nodes are 0..n-1. The out-edges are stored as CSR (offsets, targets and,
// when the graph is weighted, weights); the in-edges (the transpose) are built
// on first use and shared by copies of the graph.
//
// Building from an edge list (conventions, see docs/GRAPH.md):
//  * each row's targets are sorted ascending;
//  * duplicate edges are merged: with weights their weights are summed (a
//    multigraph becomes a weighted simple graph, as igraph's
//    simplify(combine_edges="sum")); without weights they collapse into one
//    edge (as networkx's DiGraph.add_edge) and the graph stays unweighted;
//  * self-loops are kept or dropped (BuildOptions::keep_self_loops);
//  * an undirected graph stores every edge {u,v} as the two arcs u->v and
//    v->u (a self-loop once), so out-edges = in-edges = neighbours. Listing
//    an undirected edge as both (u,v) and (v,u) is a duplicate (summed when
//    weighted).
// Weights must be finite and non-negative.
#ifndef MITRA_GRAPH_CSR_GRAPH_H_
#define MITRA_GRAPH_CSR_GRAPH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace mitra::graph {

using NodeId = uint32_t;

// One direction of adjacency. Row u is targets[offsets[u] .. offsets[u+1]).
// weights is empty for an unweighted graph (every weight is 1).
struct Adjacency {
  std::vector<uint32_t> offsets;  // n + 1 entries
  std::vector<NodeId> targets;
  std::vector<double> weights;
};

struct BuildOptions {
  bool directed = true;
  bool keep_self_loops = true;
};

// How an undirected view merges u->v and v->u.
enum class Symmetrize {
  // One edge per unordered pair; its weight is the larger of the two
  // directions (an unweighted graph stays unweighted: networkx's
  // to_undirected, igraph's as_undirected(mode="collapse")).
  kCollapse,
  // A + A^T: the two directions' weights add up (an unweighted graph gets
  // weight 2 on reciprocated pairs).
  kSum,
};

class CsrGraph {
 public:
  CsrGraph();  // the empty graph (0 nodes)

  // src[i] -> dst[i] with weight weights[i] (weights empty: unweighted).
  // INVALID_ARGUMENT: lengths differ, an id >= num_nodes, a weight that is
  // negative or not finite, or more than 2^32 - 1 stored arcs.
  static absl::StatusOr<CsrGraph> FromEdges(uint32_t num_nodes, absl::Span<const NodeId> src,
                                            absl::Span<const NodeId> dst,
                                            absl::Span<const double> weights = {},
                                            const BuildOptions& options = {});

  uint32_t num_nodes() const { return num_nodes_; }
  // Stored arcs (an undirected edge between two nodes counts twice).
  uint64_t num_arcs() const { return out_.targets.size(); }
  // Directed: arcs. Undirected: edges, a self-loop counting once.
  uint64_t num_edges() const;
  uint64_t num_self_loops() const { return self_loops_; }
  bool directed() const { return directed_; }
  bool weighted() const { return !out_.weights.empty(); }

  const Adjacency& out() const { return out_; }
  // The transpose (in-edges), built on first call (thread-safe). For an
  // undirected graph this is out().
  const Adjacency& in() const;

  absl::Span<const NodeId> out_neighbors(NodeId u) const {
    return {out_.targets.data() + out_.offsets[u], out_.offsets[u + 1] - out_.offsets[u]};
  }
  // Empty for an unweighted graph.
  absl::Span<const double> out_weights(NodeId u) const {
    if (out_.weights.empty()) return {};
    return {out_.weights.data() + out_.offsets[u], out_.offsets[u + 1] - out_.offsets[u]};
  }
  uint32_t out_degree(NodeId u) const { return out_.offsets[u + 1] - out_.offsets[u]; }

  // Hands the out-adjacency over without copying it and leaves this graph
  // the empty one (copies made before keep theirs): for a consumer that
  // keeps the rows in a layout of its own (activation's DiffusionGraph).
  Adjacency TakeOut() &&;

  // The undirected view (symmetrised); a copy when already undirected.
  absl::StatusOr<CsrGraph> Undirected(Symmetrize mode = Symmetrize::kCollapse) const;

  // Bytes held by the adjacency arrays (out, and in when built separately).
  size_t MemoryBytes() const;

 private:
  struct LazyIn;
  // Counts the self-loops of a graph just built; returns it.
  CsrGraph CountSelfLoops() &&;
  uint32_t num_nodes_ = 0;
  bool directed_ = true;
  uint64_t self_loops_ = 0;
  Adjacency out_;
  std::shared_ptr<LazyIn> in_;
};

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_CSR_GRAPH_H_
