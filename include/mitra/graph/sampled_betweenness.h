// Betweenness estimated from sampled shortest paths with a probabilistic
// guarantee (Riondato & Kornaropoulos, "Fast approximation of betweenness
// centrality through sampling", Data Min. Knowl. Disc. 30, 2016, Alg. 1).
//
// Normalisation (theirs): b(v) = 1/(n(n-1)) * sum over ordered pairs
// s != t, v not in {s, t}, of sigma_st(v) / sigma_st, in [0, 1]. For a
// directed graph that is networkx's unnormalised value / (n(n-1)); for an
// undirected graph 2 x networkx's unnormalised value / (n(n-1)).
//
// Guarantee: with r = ceil((c / eps^2) (floor(log2(VD - 2)) + 1 + ln(1/delta)))
// samples (c = 0.5, their universal constant's usual value), each a pair
// (s, t) drawn uniformly among the n(n-1) ordered pairs and, when t is
// reachable from s, one shortest s-t path drawn uniformly among all of
// them, adding 1/r to each of its interior nodes, then
//     P( max over v of |estimate(v) - b(v)| <= eps ) >= 1 - delta,
// where VD is an upper bound on the vertex diameter (the most nodes on any
// shortest path). VD is bounded here exactly and cheaply (no assumption):
// a shortest path visits the strongly connected components in topological
// order, inside a component C it is a shortest path between two of C's
// nodes, so it has at most min(|C|, ecc_in(r) + ecc_out(r) + 1) nodes there
// for any root r of C (unweighted; weighted: hops <= that distance / the
// smallest weight in C); VD <= the heaviest path of these bounds through
// the condensation DAG. For a connected undirected graph this is RK's
// 2 x eccentricity + 1 bound.
//
// Unweighted sampling uses a balanced bidirectional breadth-first search
// (it meets in the middle, touching far fewer edges than a full search);
// weighted sampling runs Dijkstra from s until t is settled. Weights must be
// positive. Reproducible: the same seed gives the same result whatever the
// thread count (samples are split into fixed blocks with their own streams,
// and the estimate is an integer count / r).
#ifndef MITRA_GRAPH_SAMPLED_BETWEENNESS_H_
#define MITRA_GRAPH_SAMPLED_BETWEENNESS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/core/memory_budget.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

struct SampledBetweennessOptions {
  double epsilon = 0.01;  // in (0, 1)
  double delta = 0.1;     // in (0, 1)
  double c = 0.5;         // RK's constant, > 0
  uint64_t seed = 1;
  bool use_weights = true;
  // 0: computed (see above). Otherwise a bound the caller knows (>= 1).
  uint32_t vertex_diameter = 0;
  int threads = 1;  // 1..256
  // The budget each thread's search state (about 81 bytes per node) is
  // reserved from before it is allocated (memory_budget.h); nullptr:
  // MemoryBudget::Process(). The samples add time, not memory (they are
  // fewer than 2^32, else INVALID_ARGUMENT).
  MemoryBudget* memory = nullptr;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct SampledBetweennessResult {
  std::vector<double> betweenness;  // RK-normalised, see above
  double epsilon = 0, delta = 0;    // the guarantee the run was made for
  uint64_t samples = 0;             // r
  uint32_t vertex_diameter = 0;     // the VD bound used
  uint64_t connected_samples = 0;   // samples whose t was reachable from s
};

absl::StatusOr<SampledBetweennessResult> SampledBetweenness(
    const CsrGraph& graph, const SampledBetweennessOptions& options = {});

// The vertex-diameter bound described above (0 for a graph without nodes).
// With threads > 1 on a directed graph of 4,096 nodes or more, the searches
// from the busiest node run beside the search for components; the bound is
// the same.
uint32_t VertexDiameterBound(const CsrGraph& graph, bool use_weights, int threads = 1);

// r for the given guarantee and VD bound.
uint64_t RiondatoKornaropoulosSampleSize(double epsilon, double delta, uint32_t vertex_diameter,
                                         double c = 0.5);

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_SAMPLED_BETWEENNESS_H_
