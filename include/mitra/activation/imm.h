// Influence maximization by IMM (Tang, Shi & Xiao, "Influence Maximization in
// Near-Linear Time: A Martingale Approach", SIGMOD 2015) for IC and LT, with
// the constraints marketers need (issue 6).
//
// Reverse-reachable (RR) sets are stored flat: one uint32 offsets array and
// one uint32 node array. RR set i is sampled from its own xoshiro256**
// stream (seed, i), and the per-thread chunks are concatenated in index
// order, so a seed gives the same sets, seeds and figures for every thread
// count.
//
// Guarantee (plain k seeds, no budget/quotas): with probability at least
// 1 - 1/n^l the returned set S has E[spread(S)] >= (1 - 1/e - epsilon) OPT,
// OPT the best allowed set of k nodes (containing the must-include nodes).
// As in the paper, l is raised to l * (1 + log 2 / log n) so that the
// estimation phase and the selection phase together fail with probability
// at most 1/n^l. (Chen 2018 noted that reusing phase-1 RR sets in phase 2
// breaks the martingale independence argument; ImmOptions::fresh_rr_sets
// regenerates them, his proposed fix, at some extra cost.)
//
// Constraints and the guarantee they carry (the greedy's ratio gamma
// replaces 1 - 1/e in IMM's theta; the result is within gamma - epsilon):
//  * candidates / excluded / must-include / targets: gamma = 1 - 1/e, OPT
//    over the allowed sets; with targets the spread is the expected number
//    of activated target nodes (RR roots drawn from the targets only, scaled
//    by |targets|).
//  * per-group quotas (at most q_g seeds in group g, k in total: a laminar
//    matroid): greedy is a 1/2-approximation (Fisher, Nemhauser & Wolsey
//    1978): gamma = 1/2.
//  * budget with per-node costs (instead of k): the better of the
//    cost-effective (gain / cost) greedy and the best single affordable node
//    is a (1 - 1/e)/2-approximation (Khuller, Moss & Naor 1999; Leskovec et
//    al. 2007): gamma = (1 - 1/e)/2 ~ 0.316, with k in log C(n, k) replaced
//    by the largest number of nodes the budget can buy.
//  * budget together with quotas: no a-priori ratio is claimed
//    (ImmResult::approximation = 0); theta is sized as for the budget.
#ifndef MITRA_ACTIVATION_IMM_H_
#define MITRA_ACTIVATION_IMM_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/activation/diffusion.h"

namespace mitra::activation {

struct ImmOptions {
  uint32_t k = 50;        // seeds, must-include ones included; ignored with a budget
  double epsilon = 0.1;   // in (0, 1)
  double ell = 1.0;       // failure probability 1/n^ell; > 0
  uint64_t seed = 1;
  int threads = 1;        // >= 1
  // Selection restricted to these nodes (empty: all nodes).
  std::vector<NodeId> candidates;
  // Never selected.
  std::vector<NodeId> excluded;
  // Seeded first, in the order given (counted in k and in the budget).
  std::vector<NodeId> must_include;
  // Maximise the expected number of activated nodes among these (empty:
  // all nodes).
  std::vector<NodeId> targets;
  // Budgeted mode when set: sum of chosen costs <= *budget; costs has one
  // positive finite entry per node.
  std::optional<double> budget;
  std::vector<double> costs;
  // Per-group quotas: groups (node -> group id, size n) and quota[g] = the
  // most seeds in group g (must-include seeds count). Both or neither.
  std::vector<uint32_t> groups;
  std::vector<uint32_t> group_quota;
  // Regenerate the RR sets for the final selection instead of reusing the
  // estimation phase's (Chen 2018's fix). Off: the authors' procedure.
  bool fresh_rr_sets = false;
  // Refuse to sample more than this many RR sets (RESOURCE_EXHAUSTED).
  uint64_t max_rr_sets = uint64_t{1} << 31;
};

struct ImmResult {
  std::vector<NodeId> seeds;          // in the order chosen (must-include first)
  std::vector<double> marginal_gains; // estimated spread increment of each seed
  double estimated_spread = 0;        // |roots| * covered RR sets / #RR sets
  double total_cost = 0;              // sum of costs (budget mode), else seeds.size()
  uint64_t rr_sets = 0;               // RR sets used for the final selection
  uint64_t rr_sets_sampled = 0;       // all RR sets sampled (both phases)
  double theta = 0;                   // IMM's theta = lambda* / LB
  double lower_bound = 0;             // LB on OPT from the estimation phase
  double epsilon = 0;                 // as given
  double ell = 0;                     // as given
  double ell_adjusted = 0;            // ell * (1 + log 2 / log n)
  double approximation = 0;           // gamma - epsilon (0: no ratio claimed)
  double gamma = 0;                   // the greedy's ratio used for theta
  uint64_t rr_memory_bytes = 0;       // flat RR arrays + inverted index, peak
  double average_rr_size = 0;
};

absl::StatusOr<ImmResult> Imm(const DiffusionGraph& dg, const ImmOptions& options);

}  // namespace mitra::activation

#endif  // MITRA_ACTIVATION_IMM_H_
