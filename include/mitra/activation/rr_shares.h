// IMM in pieces, for RR sets drawn on many machines (docs/SCALE.md,
// "Activation"): the RR sets of given indices of IMM's sample, the coverage
// of a seed list over a share of them, IMM's sample sizes, and the plan of a
// selection made over coverage counts summed across the shares.
//
// Set i of a share is set i of Imm(dg, options): its own stream (seed, i),
// whoever draws it. Coverage counts are integers, so their sum over the
// shares is the count over the union whatever the split. A greedy over the
// summed counts that takes, at each step, the allowed node of the largest
// marginal coverage, the smallest id among ties (the rule of Imm's greedy),
// therefore selects what Imm selects; with ImmNextStage's sample sizes the
// whole run is Imm's, seeds and figures alike.
#ifndef MITRA_ACTIVATION_RR_SHARES_H_
#define MITRA_ACTIVATION_RR_SHARES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/activation/diffusion.h"
#include "mitra/activation/imm.h"
#include "mitra/activation/plan.h"

namespace mitra::activation {

// RR sets [first, last) of IMM's sample under `options` (IMM only, without
// fresh_rr_sets): set first + j has sizes[j] stored nodes, consecutive in
// `nodes` (nodes that can never be chosen are not stored, as in Imm).
// Memory is reserved from options.memory first (RESOURCE_EXHAUSTED naming
// epsilon past the limit); last beyond options.max_rr_sets is refused.
struct RrShare {
  std::vector<uint32_t> sizes;
  std::vector<NodeId> nodes;
};
absl::StatusOr<RrShare> SampleRrShare(const DiffusionGraph& dg, const ImmOptions& options,
                                      uint64_t first, uint64_t last);

// Over the RR sets of a share (sizes and nodes as SampleRrShare returns
// them): gains[i] = the sets whose first seed (in order) is seeds[i], and
// counts[v] = the sets containing v that no seed covers. Errors name
// "sets" and "seeds[i]".
struct RrCoverage {
  std::vector<uint64_t> gains;
  std::vector<uint64_t> counts;
};
absl::StatusOr<RrCoverage> CoverRrShare(uint32_t num_nodes, absl::Span<const uint32_t> sizes,
                                        absl::Span<const NodeId> nodes,
                                        absl::Span<const NodeId> seeds);

// IMM's next stage. round 0 (covered 0): the first. round r >= 1: the greedy
// covered `covered` of the first Theta(r) sets in phase-1 round r. The next
// stage is phase-1 round `round` over [0, sets), or, with round 0, the
// selection over [0, sets) with lower_bound IMM's LB on OPT (sets = theta =
// ceil(lambda* / LB), or the last round's sets when those are more: Imm
// keeps what phase 1 drew). A sample
// beyond options.max_rr_sets is RESOURCE_EXHAUSTED naming epsilon.
struct ImmStage {
  uint32_t round = 0;
  uint64_t sets = 0;
  double lower_bound = 0;
};
absl::StatusOr<ImmStage> ImmNextStage(uint32_t num_nodes, const ImmOptions& options,
                                      uint32_t round, uint64_t covered);

// The plan of `seeds`, chosen in that order (must-include first) by the
// greedy over the first `sets` RR sets, seeds[i] newly covering gains[i] of
// them, where `sets` and `lower_bound` are the selection stage's
// (ImmNextStage; result.imm.theta is ceil(lambda* / LB), rr_sets is `sets`):
// IMM's result assembled as Imm reports it
// (rr_memory_bytes and average_rr_size 0: no one process held the sets),
// then PlanFromImm.
absl::StatusOr<PlanResult> PlanOfSelection(const DiffusionGraph& dg, const PlanOptions& options,
                                           absl::Span<const NodeId> seeds,
                                           absl::Span<const uint64_t> gains, uint64_t sets,
                                           double lower_bound);

}  // namespace mitra::activation

#endif  // MITRA_ACTIVATION_RR_SHARES_H_
