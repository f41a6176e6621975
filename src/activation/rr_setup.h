// What IMM and OPIM-C share around their sampling: the options checked
// and turned into constraints, the sample-size quantities, the refusal of an
// oversized sample, the figures every result carries; and the two
// algorithms themselves (imm.cc, opim_c.cc). Internal to src/activation.
#ifndef MITRA_SRC_ACTIVATION_RR_SETUP_H_
#define MITRA_SRC_ACTIVATION_RR_SETUP_H_

#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "greedy_cover.h"
#include "mitra/activation/diffusion.h"
#include "mitra/activation/imm.h"

namespace mitra::activation {

// CheckImmOptions without the node lists (candidates, costs, groups, ...):
// for a caller that derives those itself (a workspace plan).
absl::Status CheckImmScalars(const ImmOptions& o, uint32_t num_nodes);

namespace rr {

// What IMM and OPIM-C share: the checked options as constraints, the RR
// roots and stored nodes, and the quantities their sample sizes use.
struct Setup {
  uint32_t n = 0;
  Constraints c;
  std::vector<NodeId> roots;      // RR roots (targets, deduplicated); empty: all nodes
  std::vector<uint8_t> storable;  // nodes worth storing; empty: all
  std::vector<uint8_t> is_must;
  std::vector<uint32_t> must_per_group;
  double must_cost = 0;
  double big_n = 0;               // possible roots
  uint64_t n_allowed = 0;         // selectable nodes
  uint64_t k_free = 0;            // k': seeds the greedy chooses (budget: the most it can buy)
  double gamma = 0;               // the greedy's ratio
  double approx = 0;              // gamma - epsilon, or 0 when no ratio is claimed
  bool has_ratio = true;          // false: budget with quotas
  double logn = 0;                // log max(n, 2)
  double log_cnk = 0;             // log C(n_c, k')
};

// Checks the options against a graph of n nodes; the constraints and
// quantities of a run.
absl::StatusOr<Setup> Prepare(uint32_t n, const ImmOptions& o);

// The streams of IMM's RR sets: set i of the sample is drawn from (seed ^
// kRrDomain, i), of the fresh selection sample from (seed ^ kFreshDomain, i).
inline constexpr uint64_t kRrDomain = 0x72722d7365747321ULL;
inline constexpr uint64_t kFreshDomain = 0x6672657368727221ULL;

// IMM's sample sizes (Tang, Shi & Xiao 2015, Algorithm 2): phase 1 round i
// (1..rounds) samples theta(i) sets and stops at the first round whose
// greedy covers enough of them; the selection samples ceil(lambda* / LB).
struct ImmSchedule {
  ImmSchedule(const Setup& st, const ImmOptions& o);
  double Theta(int round) const;  // ceil(lambda' / x_round)
  // The lower bound on OPT when the greedy covered `covered` of the
  // `sets` = Theta(round) sets of round `round`; 0 when the round's bound
  // is not met.
  double LowerBound(int round, uint64_t covered, uint64_t sets) const;
  double Final(double lower_bound) const { return std::ceil(lambda_star / lower_bound); }
  double big_n, ell, eps_p, lambda_p, lambda_star;
  int rounds;
};

// Refuses a sample of more than max_rr_sets RR sets. `sets` stays a
// double: a tiny epsilon asks for more than 2^64 sets (or infinitely many),
// which no integer conversion survives.
absl::Status TooMany(const char* who, double sets, const ImmOptions& o);

// Seeds, their total cost and the figures every result carries.
void FillCommon(const Setup& st, const ImmOptions& o, const Selection& sel, ImmResult& r);

// IMM (Tang, Shi and Xiao 2015), imm.cc.
absl::StatusOr<ImmResult> RunImm(const DiffusionGraph& dg, const ImmOptions& o, const Setup& st);
// OPIM-C (Tang et al. 2018), opim_c.cc.
absl::StatusOr<ImmResult> RunOpimC(const DiffusionGraph& dg, const ImmOptions& o,
                                   const Setup& st);

}  // namespace rr
}  // namespace mitra::activation

#endif  // MITRA_SRC_ACTIVATION_RR_SETUP_H_
