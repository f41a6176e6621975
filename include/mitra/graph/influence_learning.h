// Per-edge influence probabilities learned from an action log, for the
// independent cascade model (docs/GRAPH.md, "Learning influence
// probabilities").
//
// Inputs: a graph of who attends to whom, where an arc u -> v means v is
// exposed to u (the interaction graph's direction: v reads u's posts, u
// refers v), and a log of actions (node, item, time): a node adopting an item
// (buying a product or a product line, joining a program, converting on a
// referral). Each item is one episode (cascade); a node's first action on an
// item counts and later ones are ignored. u's action on an item is a trial of
// the arc u -> v; it succeeds when v acts on the same item within the window
// tau after u: 0 < t_v - t_u <= tau.
//
// Methods: Goyal, Bonchi & Lakshmanan (WSDM 2010): Bernoulli A_u2v / A_u,
// Jaccard A_u2v / A_u|v and a continuous-time variant whose successes decay
// exponentially with the delay; and the EM method for the independent
// cascade of Saito, Nakano & Kimura (KES 2008). Every arc then gets a Beta
// posterior Beta(a + successes, b + trials - successes) whose (a, b) are
// fitted per arc group (interaction kind) by empirical Bayes.
#ifndef MITRA_GRAPH_INFLUENCE_LEARNING_H_
#define MITRA_GRAPH_INFLUENCE_LEARNING_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/core/memory_budget.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

// One action per row; columns of equal length.
struct ActionLog {
  std::vector<NodeId> node;    // < the graph's num_nodes
  std::vector<uint32_t> item;  // empty: every action is on item 0
  std::vector<int64_t> time;   // any int64 (seconds in a workspace)
};

enum class InfluenceMethod {
  // p = A_u2v / A_u: u's actions followed by v's within the window, over
  // u's actions.
  kBernoulli,
  // p = A_u2v / A_u|v, A_u|v = A_u + A_v - A_u&v (items either acted on).
  kJaccard,
  // p = sum over u's propagated actions of exp(-(t_v - t_u) / decay), over
  // A_u.
  kContinuousTime,
  // Saito et al.'s EM: the maximum-likelihood p of the independent cascade
  // in which v, acting within the window of several in-neighbours, was
  // activated by at least one of them.
  kExpectationMaximization,
};

struct InfluenceOptions {
  InfluenceMethod method = InfluenceMethod::kExpectationMaximization;
  // tau, in the log's time unit, > 0 (default: 7 days in seconds).
  int64_t window = 7 * 86400;
  // kContinuousTime's decay constant, > 0; 0 = the window.
  double decay = 0;
  // EM: iterations (1..100000) until no arc's p moves by more than the
  // tolerance (finite, > 0).
  int em_max_iterations = 500;
  double em_tolerance = 1e-6;
  // Per arc (aligned with g.out().targets), the group whose arcs share one
  // Beta prior (e.g. the interaction kind); empty: one group. Groups are
  // 0..max; each < 2^16.
  std::vector<uint32_t> arc_groups;
  // The central posterior interval's probability, in (0, 1).
  double interval = 0.9;
  // The learned arrays and EM's working lists are reserved from this budget
  // before they are allocated (memory_budget.h); nullptr:
  // MemoryBudget::Process().
  MemoryBudget* memory = nullptr;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

// A group's fitted Beta(a, b) prior.
struct BetaPrior {
  double a = 1, b = 1;
  uint64_t arcs_fitted = 0;  // arcs with trials that the fit used
  // True when fitted by maximum marginal likelihood; false when the group
  // had fewer than 20 arcs with trials and took the prior pooled over
  // every group (or Beta(1, 1) with fewer than 20 such arcs in all).
  bool fitted = false;
};

// Everything per arc is aligned with g.out().targets.
struct InfluenceModel {
  std::vector<double> estimate;   // the method's raw estimate (0 without trials)
  std::vector<uint32_t> trials;   // the method's denominator
  std::vector<double> successes;  // its numerator (fractional for EM and continuous time)
  std::vector<double> posterior_mean;
  std::vector<double> lower, upper;  // the central posterior interval
  // Each arc's Beta posterior: its group's prior a + successes, b +
  // failures (for draws of whole worlds, activation/posterior.h).
  std::vector<double> posterior_alpha, posterior_beta;
  std::vector<BetaPrior> priors;     // per group
  uint64_t episodes = 0;             // items with at least one action
  uint64_t actions = 0;              // actions used (first per node and item)
  // EM only.
  int em_iterations = 0;
  bool em_converged = false;
  double em_log_likelihood = 0;
};

// INVALID_ARGUMENT naming the option or the log's column and row;
// RESOURCE_EXHAUSTED (memory budget) naming "graph" or "window".
absl::StatusOr<InfluenceModel> LearnInfluence(const CsrGraph& g, const ActionLog& log,
                                              const InfluenceOptions& options = {});

// The options' one check, for g (the arc count of arc_groups):
// INVALID_ARGUMENT "<names(option)>: <problem>" ("window: must be > 0, got
// 0", "request.em_max_iterations: must be 1..100000, got 0").
absl::Status ValidateInfluenceOptions(const CsrGraph& g, const InfluenceOptions& options);

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_INFLUENCE_LEARNING_H_
