#include "mitra/activation/plan.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "node_checks.h"
#include <cstdio>

namespace mitra::activation {

uint64_t CheckSeed(uint64_t imm_seed) {
  // splitmix64 of the seed in a "check" domain: never the IMM seed itself
  // in practice, and well mixed.
  uint64_t z = imm_seed ^ 0x636865636b5f6d63ULL;
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return z == imm_seed ? z + 1 : z;
}

absl::Status CheckCheckRuns(const PlanOptions& options) {
  // The plan's own options sit beside imm's in the caller's terms.
  return CheckCount(options.check_runs, 2, kMaxRuns, options.imm.names("check_runs"));
}

absl::StatusOr<PlanResult> Plan(const DiffusionGraph& dg, const PlanOptions& options) {
  const ImmOptions& o = options.imm;
  if (absl::Status s = CheckCheckRuns(options); !s.ok()) return s;
  // Groups without quotas are only reported: checked now as the check's
  // simulation will (before the selection runs), and kept from Imm.
  const bool report_only = o.group_quota.empty() && !o.groups.empty();
  if (report_only)
    if (absl::Status s = CheckGroups(o.groups, o.names("groups"), dg.num_nodes()); !s.ok())
      return s;
  absl::StatusOr<ImmResult> imm;
  if (report_only) {
    ImmOptions without = o;
    without.groups.clear();
    imm = Imm(dg, without);
  } else {
    imm = Imm(dg, o);
  }
  if (!imm.ok()) return imm.status();
  return PlanFromImm(dg, options, *std::move(imm));
}

absl::StatusOr<PlanResult> PlanFromImm(const DiffusionGraph& dg, const PlanOptions& options,
                                       ImmResult imm_result) {
  const ImmOptions& o = options.imm;
  const ImmResult* imm = &imm_result;
  SpreadOptions so;
  so.runs = options.check_runs;
  so.seed = options.check_seed.value_or(CheckSeed(o.seed));
  so.threads = o.threads;
  so.targets = o.targets;
  so.groups = o.groups;
  so.z = options.z;
  so.memory = o.memory;
  so.names = o.names;
  absl::StatusOr<SpreadEstimate> check = EstimateSpread(dg, imm->seeds, so);
  if (!check.ok()) return check.status();

  PlanResult r;
  r.seeds.reserve(imm->seeds.size());
  for (size_t i = 0; i < imm->seeds.size(); ++i) {
    const NodeId v = imm->seeds[i];
    r.seeds.push_back({v, i < imm->marginal_gains.size() ? imm->marginal_gains[i] : 0.0,
                       o.costs.empty() ? 1.0 : o.costs[v]});
  }
  r.imm_estimate = imm->estimated_spread;
  r.check = *std::move(check);
  r.check_seed = so.seed;
  r.total_cost = imm->total_cost;
  r.cost_basis =
      o.costs.empty()
          ? MoneyBasis::Assumed(absl::StrCat("each seed costs 1 (", o.names("costs"), " empty)"))
          : MoneyBasis::Given(o.names("costs"));
  r.cost_per_reached = r.check.mean > 0 ? r.total_cost / r.check.mean
                                        : std::numeric_limits<double>::infinity();
  r.approximation = imm->approximation;
  r.gamma = imm->gamma;
  r.epsilon = imm->epsilon;
  r.ell = imm->ell;
  // snprintf into a stack buffer: absl::StrFormat's formatter cannot pass a
  // std::bad_alloc through (the out-of-memory sweep aborted there).
  const bool opim = imm->algorithm == ImAlgorithm::kOpimC;
  const bool quotas = !o.group_quota.empty();
  const double prior =
      (o.budget.has_value() && quotas) ? 0.0 : std::max(0.0, imm->gamma - imm->epsilon);
  if (prior <= 0 && !(opim && imm->certified_ratio > 0)) {
    r.guarantee = "none claimed (budget with quotas, or gamma <= epsilon)";
  } else {
    char buf[320];
    int len = 0;
    if (prior > 0) {
      const char* what =
          o.budget.has_value() ? "((1 - 1/e)/2 - epsilon) = %.4f of the best affordable set"
          : quotas             ? "(1/2 - epsilon) = %.4f of the best set within the quotas"
                               : "(1 - 1/e - epsilon) = %.4f of the best set of its size";
      len = std::snprintf(buf, sizeof buf, what, prior);
    } else {
      len = std::snprintf(buf, sizeof buf,
                          "no a-priori ratio (budget with quotas, or gamma <= epsilon)");
    }
    if (opim)
      len += std::snprintf(buf + len, sizeof buf - len, "; OPIM-C certified %.4f at its stop",
                           imm->certified_ratio);
    std::snprintf(buf + len, sizeof buf - len, ", with probability >= 1 - 1/n^%g", imm->ell);
    r.guarantee = buf;
  }
  r.imm = std::move(imm_result);
  return r;
}

}  // namespace mitra::activation
