// Influence maximization by IMM (Tang, Shi & Xiao, "Influence Maximization in
// Near-Linear Time: A Martingale Approach", SIGMOD 2015) or OPIM-C (Tang,
// Tang, Xiao & Yuan, "Online Processing Algorithms for Influence
// Maximization", SIGMOD 2018) for IC and LT, with the constraints marketers
// need. ImmOptions::algorithm chooses; both take the same options
// and constraints and return an ImmResult.
//
// Reverse-reachable (RR) sets are stored flat: one uint32 offsets array and
// one uint32 node array. RR set i is sampled from its own xoshiro256**
// stream (seed, i), and the per-thread chunks are concatenated in index
// order, so a seed gives the same sets, seeds and figures for every thread
// count.
//
// IMM's guarantee (plain k seeds, no budget/quotas): with probability at
// least 1 - 1/n^l the returned set S has E[spread(S)] >= (1 - 1/e -
// epsilon) OPT, OPT the best allowed set of k nodes (containing the
// must-include nodes). As in the paper, l is raised to l * (1 + log 2 /
// log n) so that the estimation phase and the selection phase together fail
// with probability at most 1/n^l. (Chen 2018 noted that reusing phase-1 RR
// sets in phase 2 breaks the martingale independence argument;
// ImmOptions::fresh_rr_sets regenerates them, his proposed fix, at some
// extra cost.)
//
// OPIM-C's guarantee: the same statement, E[spread(S)] >= (gamma -
// epsilon) OPT with probability at least 1 - delta, delta = 1/n^l (no
// adjustment of l: delta is split inside). Two independent collections of
// RR sets, R1 (chooses S by the greedy) and R2 (streams of their own:
// estimates S), start at theta_0 sets each and double until the lower
// confidence bound of spread(S) from R2 over the upper confidence bound of
// OPT from R1 reaches gamma - epsilon, or until R1 has theta_max sets, the
// size at which IMM's argument alone gives the guarantee:
//   theta_max = 2 N (gamma a + b)^2 / (epsilon^2 L),  theta_0 = theta_max
//   epsilon^2 L / N,  a = sqrt(ln(6/delta)),  b = sqrt(gamma (ln C(n_c, k') +
//   ln(6/delta))),
// N the possible RR roots, L a lower bound on OPT (the paper's k: the seeds
// a feasible set can have among the counted nodes, at least 1), n_c and k'
// as for IMM. Each round's bounds hold with probability 1 - delta/(3
// i_max) each (i_max rounds at most) and the theta_max argument with 1 -
// delta/3, so all hold together with probability 1 - delta: then the
// ratio certified at the stop (ImmResult::certified_ratio) holds as well,
// and ImmResult::approximation reports the larger of the two. The upper
// bound on OPT's coverage in R1 is the smaller of coverage(S)/gamma (when
// the greedy has a ratio) and the paper's min over greedy steps i of
// coverage(S_i) + the k' largest marginal coverages w.r.t. S_i (valid in
// every mode, since OPT has at most k' seeds beyond the must-include ones;
// evaluated at i = 0, 1, 2, 4, ... and at the end). OPIM-C ignores
// fresh_rr_sets (R1 and R2 are independent by construction). Unlike the
// paper's code, the last round always has theta_max sets.
//
// Constraints and the guarantee they carry (the greedy's ratio gamma
// replaces 1 - 1/e in IMM's theta and in OPIM-C's theta_max; the result is
// within gamma - epsilon):
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
//    (ImmResult::approximation = 0 for IMM; OPIM-C reports the ratio it
//    certified, if any); theta is sized as for the budget.
#ifndef MITRA_ACTIVATION_IMM_H_
#define MITRA_ACTIVATION_IMM_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/activation/diffusion.h"
#include "mitra/core/field_path.h"
#include "mitra/core/memory_budget.h"

namespace mitra::activation {

enum class ImAlgorithm {
  kImm,    // Tang, Shi & Xiao 2015 (the default)
  kOpimC,  // Tang, Tang, Xiao & Yuan 2018: online bounds, usually far fewer RR sets
};

struct ImmOptions {
  ImAlgorithm algorithm = ImAlgorithm::kImm;
  uint32_t k = 50;        // seeds, must-include ones included; ignored with a budget
  double epsilon = 0.1;   // in (0, 1)
  double ell = 1.0;       // failure probability 1/n^ell; > 0
  uint64_t seed = 1;
  int threads = 1;        // 1..kMaxThreads
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
  // IMM: regenerate the RR sets for the final selection instead of reusing
  // the estimation phase's (Chen 2018's fix). Off: the authors' procedure.
  // Ignored by OPIM-C.
  bool fresh_rr_sets = false;
  // Refuse to sample more than this many RR sets (RESOURCE_EXHAUSTED);
  // OPIM-C counts R1 and R2 together.
  uint64_t max_rr_sets = uint64_t{1} << 31;
  // The memory budget the RR sets, their index and the per-node arrays are
  // reserved from (memory_budget.h); nullptr: MemoryBudget::Process().
  // Each stage's need is estimated before it samples (RR sets needed x the
  // mean set size seen so far) and sampling reserves as it grows: past the
  // limit, RESOURCE_EXHAUSTED "epsilon: ..." with the estimate in bytes.
  MemoryBudget* memory = nullptr;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct ImmResult {
  ImAlgorithm algorithm = ImAlgorithm::kImm;  // the one that ran
  std::vector<NodeId> seeds;          // in the order chosen (must-include first)
  // Estimated spread increment of each seed (IMM: on the selection's RR
  // sets; OPIM-C: on R2, which did not choose them, so unbiased).
  std::vector<double> marginal_gains;
  double estimated_spread = 0;        // |roots| * covered RR sets / #RR sets (OPIM-C: on R2)
  double total_cost = 0;              // sum of costs (budget mode), else seeds.size()
  uint64_t rr_sets = 0;               // RR sets used for the final selection (OPIM-C: |R1|)
  uint64_t rr_sets_sampled = 0;       // all RR sets sampled (IMM: both phases; OPIM-C: R1 + R2)
  double theta = 0;                   // IMM's theta = lambda* / LB; OPIM-C's theta_max
  double lower_bound = 0;             // IMM: LB on OPT from phase 1; OPIM-C: L above
  double epsilon = 0;                 // as given
  double ell = 0;                     // as given
  double ell_adjusted = 0;            // IMM: ell * (1 + log 2 / log n); OPIM-C: ell
  // The guarantee: E[spread] >= approximation * OPT with probability
  // >= 1 - 1/n^ell. IMM: gamma - epsilon (0: no ratio claimed); OPIM-C:
  // the larger of that and certified_ratio.
  double approximation = 0;
  double gamma = 0;                   // the greedy's ratio used for theta
  uint64_t rr_memory_bytes = 0;       // flat RR arrays + inverted index, peak (OPIM-C: R1 + R2)
  double average_rr_size = 0;         // stored nodes per RR set (OPIM-C: R1)
  // OPIM-C only (0 for IMM), at the stop: rounds run (R1 and R2 doubled
  // rounds - 1 times), the lower confidence bound of spread(seeds) from R2,
  // the upper confidence bound of OPT from R1, and their ratio.
  uint32_t rounds = 0;
  double spread_lower_bound = 0;
  double opt_upper_bound = 0;
  double certified_ratio = 0;
};

// The one validation of the options for a graph of num_nodes nodes (Imm
// and Plan run it): INVALID_ARGUMENT "<name>: <problem>", names in the
// caller's terms (options.names).
absl::Status CheckImmOptions(const ImmOptions& options, uint32_t num_nodes);

absl::StatusOr<ImmResult> Imm(const DiffusionGraph& dg, const ImmOptions& options);

}  // namespace mitra::activation

#endif  // MITRA_ACTIVATION_IMM_H_
