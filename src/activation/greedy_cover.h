// Greedy maximum coverage over RR sets (the selection step of IMM and
// OPIM-C), under a seed count or a budget, with group quotas and
// must-include nodes; and the coverage of a given seed list. Internal to
// src/activation.
#ifndef MITRA_SRC_ACTIVATION_GREEDY_COVER_H_
#define MITRA_SRC_ACTIVATION_GREEDY_COVER_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "mitra/activation/diffusion.h"
#include "rr_budget.h"

namespace mitra::activation::rr {

struct Constraints {
  uint32_t n = 0;
  uint32_t k = 0;  // total seeds incl. must-include (k mode)
  std::vector<uint8_t> allowed;  // selectable by the greedy (not must-include)
  std::vector<NodeId> must;
  bool budgeted = false;
  double budget = 0;
  const std::vector<double>* costs = nullptr;
  const std::vector<uint32_t>* groups = nullptr;  // null: no quotas
  const std::vector<uint32_t>* quota = nullptr;
};

struct Selection {
  std::vector<NodeId> seeds;
  std::vector<uint32_t> gains;  // newly covered RR sets per seed
  uint64_t covered = 0;
  uint64_t index_bytes = 0;
  // With BoundOptions: the smallest, over the evaluated greedy steps i, of
  // covered(S_i) + the k' largest marginal coverages of allowed nodes w.r.t.
  // S_i (S_0 = the must-include nodes): an upper bound on the coverage of
  // any set of the must-include nodes and at most k' allowed nodes (by
  // submodularity; Tang et al. 2018). UINT64_MAX when not asked.
  uint64_t coverage_upper_bound = std::numeric_limits<uint64_t>::max();
};

// Greedy max-coverage over the flat RR sets with lazy (CELF) evaluation.
// Each step takes the allowed node of the largest marginal coverage (budget:
// per cost), the smallest id among ties. Marginal coverages are kept exact
// (covering a set decrements the count of each of its nodes), so
// re-evaluating a node is O(1). bound_k: when set,
// also computes Selection::coverage_upper_bound for sets of at most
// *bound_k free nodes, at greedy steps 0, 1, 2, 4, ... and at the end.
Selection SelectNodes(const RrStore& store, const Constraints& c,
                      std::optional<uint64_t> bound_k = std::nullopt);

// Coverage of `seeds` in `store`, each covered set credited to the first
// seed (in order) it contains: gains[i] = sets whose first seed is seeds[i].
// Integer sums over chunks, so the result does not depend on `threads`.
// counts: when given, also (*counts)[v] = the sets containing v that no seed
// covers, v's marginal coverage given the seeds (then on one thread).
std::vector<uint64_t> CoverageInOrder(const RrStore& store, const std::vector<NodeId>& seeds,
                                      uint32_t n, int threads,
                                      std::vector<uint64_t>* counts = nullptr);
// The same over flat sets given as spans (set s is nodes[offsets[s] ..
// offsets[s+1])), e.g. a share held by the caller.
std::vector<uint64_t> CoverageInOrder(absl::Span<const uint32_t> offsets,
                                      absl::Span<const NodeId> nodes,
                                      absl::Span<const NodeId> seeds, uint32_t n, int threads,
                                      std::vector<uint64_t>* counts);

}  // namespace mitra::activation::rr

#endif  // MITRA_SRC_ACTIVATION_GREEDY_COVER_H_
