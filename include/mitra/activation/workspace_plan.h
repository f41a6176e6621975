// An activation plan on a workspace: which of the community
// leaders to activate, at what incentive cost, and the reach to expect in
// each community.
//
// The diffusion graph is the workspace's interaction graph (one node per
// customer, in dense order; graph/interaction_graph.h), prepared by the
// caller (model and per-arc values, activation/diffusion.h). This layer
// turns the marketer's terms into Plan()'s node-level options:
//  * candidates: the leaders found by leaders::FindLeaders (each
//    community's top `leaders.top` and the top `leaders.top_bridges`
//    bridges), or every customer;
//  * costs: per customer, an explicit cost, else a numeric customer
//    attribute (default "incentive_cost"), else a default cost;
//  * targets: the current members of chosen communities;
//  * groups: each customer's home community (its current membership joined
//    earliest, ties by community index; customers in none form one last
//    group), so reach is reported per community and quotas cap the seeds
//    per home community.
// Everything else (k or budget, epsilon, seeds, threads, the independent
// Monte-Carlo check, the guarantee) is PlanOptions' own.
#ifndef MITRA_ACTIVATION_WORKSPACE_PLAN_H_
#define MITRA_ACTIVATION_WORKSPACE_PLAN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/activation/diffusion.h"
#include "mitra/activation/plan.h"
#include "mitra/core/tables.h"
#include "mitra/leaders/leader_score.h"

namespace mitra::activation {

enum class CandidateSource { kLeaders, kAll };

struct WorkspacePlanOptions {
  // k or budget, epsilon, seed, threads, check runs. Its node-level lists
  // (candidates, excluded, must_include, targets, costs, groups,
  // group_quota) must be empty: they are filled from the fields below.
  PlanOptions plan;
  CandidateSource candidates = CandidateSource::kLeaders;
  leaders::LeaderOptions leaders;  // top per community, top bridges, weights
  // Incentive costs: (customer, cost) when listed (a later entry wins),
  // else the attribute (a finite number > 0), else default_cost. Plain
  // vectors here: Abseil 20220623's flat_hash_map cannot be destroyed after
  // a failed allocation (the out-of-memory sweep aborted there).
  std::vector<std::pair<Index, double>> costs;
  std::string cost_attribute = "incentive_cost";
  double default_cost = 1;  // finite, > 0
  // The host set default_cost: costs from it are given, not assumed.
  bool default_cost_set = false;
  std::vector<Index> excluded;
  std::vector<Index> must_include;
  std::vector<Index> target_communities;  // empty: every customer counts
  // Most seeds per home community: (community, quota), a later entry wins.
  std::vector<std::pair<Index, uint32_t>> community_quota;
  // How the caller names the fields above in errors (empty: as here). The
  // plan's node-level lists made from them (costs, excluded, must_include)
  // are named like them; plan.imm.names and leaders.names name the rest.
  FieldPath names;
};

struct PlannedLeader {
  Index customer = kNoIndex;
  Index community = kNoIndex;  // where it ranked best as a leader
  uint32_t leader_rank = 0;    // 0: not a ranked leader
  double leader_score = 0;
  Index home = kNoIndex;       // home community (kNoIndex: none)
  MoneyBasis cost_basis;       // where its cost came from
};

struct CommunityReach {
  Index community = kNoIndex;  // kNoIndex: customers in no community
  uint32_t customers = 0;      // with this home (among the targets, when given)
  double expected_reached = 0;
};

struct WorkspacePlanResult {
  PlanResult plan;                     // nodes are customer indices
  std::vector<PlannedLeader> leaders;  // aligned with plan.seeds
  std::vector<CommunityReach> reach;   // communities in index order, then "none"
  // The customers whose activation the reach counts (empty: every one).
  std::vector<NodeId> targets;
  uint32_t candidates = 0;
  int64_t as_of = kNoTime;             // options.leaders.graph.as_of as resolved
};

// Each customer's home community (kNoIndex: none) at `as_of`.
std::vector<Index> HomeCommunities(const Tables& tables, int64_t as_of);

// dg must have one node per customer (the workspace interaction graph).
// INVALID_ARGUMENT naming the option for bad costs, indices or quotas
// (CheckWorkspacePlanOptions), then PlanOnCheckedWorkspace.
absl::StatusOr<WorkspacePlanResult> PlanOnWorkspace(const Tables& tables,
                                                    const DiffusionGraph& dg,
                                                    const WorkspacePlanOptions& options);

// PlanOnWorkspace's checks of dg and the options against the tables: the
// workspace's fields here, the plan's by CheckImmOptions (which Plan runs
// too), the leaders' when they are found.
absl::Status CheckWorkspacePlanOptions(const Tables& tables, const DiffusionGraph& dg,
                                       const WorkspacePlanOptions& options);
// The plan for a dg and options that passed those checks already.
// Options that would fail them are a caller's bug (indices out of range are
// undefined behaviour).
absl::StatusOr<WorkspacePlanResult> PlanOnCheckedWorkspace(const Tables& tables,
                                                           const DiffusionGraph& dg,
                                                           const WorkspacePlanOptions& options);

}  // namespace mitra::activation

#endif  // MITRA_ACTIVATION_WORKSPACE_PLAN_H_
