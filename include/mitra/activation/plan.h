// An activation plan: the seeds of IMM or OPIM-C
// (options.imm.algorithm, imm.h), then an independent Monte-Carlo check of
// them. One call answers the marketer's question
// "which leaders, at what cost, and what reach should we expect — overall
// and per community".
//
// Plan(dg, options) runs Imm(dg, options.imm) and then EstimateSpread on the
// chosen seeds with options.check_runs runs and a seed stream of its own
// (check_seed, by default derived from imm.seed so that it never equals
// it), counting reach on imm.targets and per group of imm.groups. The
// reported reach and its 95% interval come from that check, not from the RR
// sets that chose the seeds, so the estimate is not biased by the
// selection. Seeded results do not depend on the thread count.
#ifndef MITRA_ACTIVATION_PLAN_H_
#define MITRA_ACTIVATION_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/activation/diffusion.h"
#include "mitra/activation/imm.h"
#include "mitra/core/money_basis.h"

namespace mitra::activation {

struct PlanOptions {
  // The selection. imm.groups also defines the groups whose reach is
  // reported; with imm.group_quota empty the groups are only reported (no
  // quotas are imposed on the selection).
  ImmOptions imm;
  // 2..kMaxRuns; named in errors by imm.names, as the caller names the
  // imm options beside it.
  uint64_t check_runs = 10000;
  std::optional<uint64_t> check_seed; // absent: CheckSeed(imm.seed)
  double z = 1.959963984540054;       // interval quantile (95%)
};

struct PlannedSeed {
  NodeId node = 0;
  double marginal_gain = 0;  // the algorithm's estimated spread increment
  double cost = 0;           // costs[node], or 1 without costs
};

struct PlanResult {
  std::vector<PlannedSeed> seeds;  // in the order chosen (must-include first)
  double imm_estimate = 0;         // the algorithm's own spread estimate (RR sets)
  SpreadEstimate check;            // the independent Monte-Carlo check
  uint64_t check_seed = 0;         // the seed the check used
  // check.group_mean: reach per group (of imm.groups), when groups given.
  double total_cost = 0;           // sum of the seeds' costs
  // Given (imm.costs set) or assumed (1 per seed); a workspace plan
  // replaces it with its own, from where each seed's cost came.
  MoneyBasis cost_basis;
  // total_cost / check.mean (+infinity when the mean is 0).
  double cost_per_reached = 0;
  // The guarantee used: approximation = gamma - epsilon (0: none claimed;
  // OPIM-C: the larger of that and the ratio it certified), holding with
  // probability >= 1 - 1/n^ell (ImmResult for the details).
  double approximation = 0;
  double gamma = 0;
  double epsilon = 0;
  double ell = 0;
  // In words, e.g. "(1 - 1/e - epsilon) = 0.5321 of the best set of its
  // size, with probability >= 1 - 1/n^1"; OPIM-C adds the ratio it certified.
  std::string guarantee;
  ImmResult imm;          // everything IMM or OPIM-C reported
};

// The default check seed for an IMM seed (a different stream).
uint64_t CheckSeed(uint64_t imm_seed);

// check_runs in 2..kMaxRuns (named by imm.names); Plan runs it.
absl::Status CheckCheckRuns(const PlanOptions& options);

absl::StatusOr<PlanResult> Plan(const DiffusionGraph& dg, const PlanOptions& options);

// The plan of IMM's result `imm` (Imm's, or one assembled from RR sets drawn
// in pieces, rr_shares.h): the Monte-Carlo check of its seeds and the
// figures Plan reports. Plan(dg, o) = PlanFromImm(dg, o, Imm(dg, o.imm)).
absl::StatusOr<PlanResult> PlanFromImm(const DiffusionGraph& dg, const PlanOptions& options,
                                       ImmResult imm);

}  // namespace mitra::activation

#endif  // MITRA_ACTIVATION_PLAN_H_
