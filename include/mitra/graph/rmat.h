// R-MAT edge generator (Chakrabarti, Zhan & Faloutsos, SDM 2004) with the
// Graph500 parameters by default: each edge picks, bit by bit from the top,
// one quadrant of the adjacency matrix with probabilities a, b, c and
// d = 1 - a - b - c. As in the Graph500 reference generator, node ids are
// then relabelled by a random permutation (so that ids carry no locality).
// Seeded and reproducible on every platform. Duplicates and self-loops are
// left in; CsrGraph::FromEdges merges or drops them.
#ifndef MITRA_GRAPH_RMAT_H_
#define MITRA_GRAPH_RMAT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace mitra::graph {

struct RmatOptions {
  int scale = 20;  // 2^scale node ids, 1..31
  uint64_t edges = 10'000'000;
  double a = 0.57, b = 0.19, c = 0.19;
  bool permute = true;
  uint64_t seed = 1;
};

struct EdgeList {
  uint32_t num_nodes = 0;
  std::vector<uint32_t> src, dst;
};

absl::StatusOr<EdgeList> GenerateRmat(const RmatOptions& options = {});

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_RMAT_H_
