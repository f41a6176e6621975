// Diffusion models on a CsrGraph and Monte-Carlo spread estimation.
//
// Independent Cascade (IC): a newly active node u gets one chance to activate
// each out-neighbour v, succeeding with probability p(u->v). Linear Threshold
// (LT): every node v draws a threshold uniformly in [0, 1) and becomes active
// once the weights w(u->v) of its active in-neighbours sum to at least it;
// the in-weights of every node must sum to at most 1 (Kempe, Kleinberg &
// Tardos 2003). Both are equivalent to live-edge worlds: IC keeps each arc
// independently with probability p; LT lets each node keep at most one
// in-arc, u->v with probability w(u->v).
//
// Per-arc values (probabilities or LT weights) are aligned with
// g.out().targets: value[k] belongs to the arc out().offsets[u] + j, i.e.
// u -> out().targets[offsets[u] + j]. The generators below produce them.
//
// Everything returns absl::Status / StatusOr; invalid input is
// INVALID_ARGUMENT naming the field. Seeded results do not depend on the
// thread count: Monte-Carlo run r uses its own xoshiro256** stream derived
// from (seed, r), and the per-run reaches are summed as integers.
#ifndef MITRA_ACTIVATION_DIFFUSION_H_
#define MITRA_ACTIVATION_DIFFUSION_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"
#include "mitra/core/limits.h"
#include "mitra/core/memory_budget.h"
#include "mitra/graph/csr_graph.h"
#include "mitra/graph/influence_learning.h"

namespace mitra::activation {

using graph::CsrGraph;
using graph::NodeId;

enum class Model {
  kIndependentCascade,
  kLinearThreshold,
};

// The most Monte-Carlo runs a simulation takes (threads: kMaxThreads,
// core/limits.h).
inline constexpr uint64_t kMaxRuns = 100000000;

// --- per-arc values (aligned with g.out().targets) -------------------------

// Weighted cascade: p(u->v) = w(u,v) / in-weight(v); 1 / in-degree(v) when
// the graph is unweighted (Kempe et al. 2003; the IMM papers' IC setting).
// Also a valid set of LT weights (they sum to exactly 1 per node).
absl::StatusOr<std::vector<double>> WeightedCascadeProbabilities(const CsrGraph& g);
// Trivalency: each arc draws one of {0.1, 0.01, 0.001} uniformly; arc k uses
// the stream (seed, k) so the choice does not depend on anything else.
absl::StatusOr<std::vector<double>> TrivalencyProbabilities(const CsrGraph& g, uint64_t seed);
// The same p on every arc; p in [0, 1].
absl::StatusOr<std::vector<double>> ConstantProbabilities(const CsrGraph& g, double p);
// From interaction weights: p(u->v) = 1 - exp(-lambda * w(u,v)) (w = 1 when
// unweighted); lambda > 0 and finite.
absl::StatusOr<std::vector<double>> InteractionProbabilities(const CsrGraph& g,
                                                             double lambda = 1.0);
// LT weights: w(u,v) / in-weight(v) (1 / in-degree(v) when unweighted).
absl::StatusOr<std::vector<double>> LinearThresholdWeights(const CsrGraph& g);

// --- the prepared model ------------------------------------------------------

// How every arc of a graph gets its value: one of the generators above, or
// values given per arc.
struct ArcRule {
  enum class Kind {
    kWeightedCascade,  // WeightedCascadeProbabilities (= LinearThresholdWeights)
    kTrivalency,       // TrivalencyProbabilities(g, seed)
    kConstant,         // ConstantProbabilities(g, p)
    kInteraction,      // InteractionProbabilities(g, lambda)
    kGiven,            // `values`
    kLearned,          // `learned`'s per-arc values (learned_value)
  };
  // Which of a learned model's per-arc values kLearned uses: the posterior
  // mean, or an end of the posterior interval (a cautious or a hopeful plan).
  enum class LearnedValue { kPosteriorMean, kLower, kUpper };
  Kind kind = Kind::kWeightedCascade;
  double p = 0;       // kConstant
  double lambda = 1;  // kInteraction
  uint64_t seed = 1;  // kTrivalency
  // kGiven: one value per arc, aligned with g.out().targets; each finite in
  // [0, 1].
  std::vector<double> values;
  // kLearned: a model learned on this very graph (graph/influence_learning.h;
  // from a workspace, graph/workspace_influence.h with the interaction graph
  // options the plan uses, so that the arcs are the same).
  std::shared_ptr<const graph::InfluenceModel> learned;
  LearnedValue learned_value = LearnedValue::kPosteriorMean;
  // How the caller names p, lambda, arc_values and learned in errors
  // (empty: so).
  FieldPath names;
};

// The graph with its per-arc values in both directions, ready for
// simulation and reverse-reachable sampling. Self-contained, so nothing it
// was built from needs to stay.
class DiffusionGraph {
 public:
  // The graph (its rows are taken over, not copied) with the rule's value
  // on every arc. For LT the values into each node must sum to at most 1
  // (+1e-9). INVALID_ARGUMENT names "arc_values"; RESOURCE_EXHAUSTED when
  // memory runs out.
  static absl::StatusOr<DiffusionGraph> Create(CsrGraph&& g, Model model, ArcRule rule);
  // The same keeping `g` (a copy of its rows is taken over) with given
  // values: arc_values.size() must be g.num_arcs().
  static absl::StatusOr<DiffusionGraph> Create(const CsrGraph& g, Model model,
                                               absl::Span<const double> arc_values);

  Model model() const { return model_; }
  uint32_t num_nodes() const { return n_; }
  uint64_t num_arcs() const { return out_targets_.size(); }

  // Internal layout (used by the samplers in src/activation).
  // Out-arcs: targets and 53-bit integer thresholds ceil(p * 2^53), so the
  // arc is live iff (rng.Next() >> 11) < threshold.
  const std::vector<uint32_t>& out_offsets() const { return out_offsets_; }
  const std::vector<NodeId>& out_targets() const { return out_targets_; }
  const std::vector<uint64_t>& out_thresholds() const { return out_thresholds_; }
  const std::vector<double>& out_values() const { return out_values_; }
  // In-arcs (sources ascending per row) and their values.
  const std::vector<uint32_t>& in_offsets() const { return in_offsets_; }
  const std::vector<NodeId>& in_sources() const { return in_sources_; }
  const std::vector<double>& in_values() const { return in_values_; }
  const std::vector<uint64_t>& in_thresholds() const { return in_thresholds_; }
  // Per node: the common value of its in-arcs when they all have the same
  // one (-1 otherwise), and 1 / log(1 - p) for geometric skipping.
  const std::vector<double>& in_uniform_value() const { return in_uniform_; }
  const std::vector<double>& in_inv_log_q() const { return in_inv_log_q_; }

 private:
  Model model_ = Model::kIndependentCascade;
  uint32_t n_ = 0;
  std::vector<uint32_t> out_offsets_;
  std::vector<NodeId> out_targets_;
  std::vector<uint64_t> out_thresholds_;
  std::vector<double> out_values_;
  std::vector<uint32_t> in_offsets_;
  std::vector<NodeId> in_sources_;
  std::vector<double> in_values_;
  std::vector<uint64_t> in_thresholds_;
  std::vector<double> in_uniform_;
  std::vector<double> in_inv_log_q_;
};

// --- Monte-Carlo spread ------------------------------------------------------

struct SpreadOptions {
  uint64_t runs = 10000;  // 2..kMaxRuns
  uint64_t seed = 1;
  int threads = 1;  // 1..kMaxThreads
  // Count reach only at these nodes (seeds included when they are targets);
  // empty: every node counts.
  std::vector<NodeId> targets;
  // node -> group (e.g. Leiden community), size num_nodes or empty. When
  // given, SpreadEstimate::group_mean[g] is the mean number of active nodes
  // of group g (restricted to targets when targets are given).
  std::vector<uint32_t> groups;
  // Two-sided normal quantile for the interval (1.96: 95%).
  double z = 1.959963984540054;
  // The budget each thread's simulation state (a few arrays of num_nodes)
  // is reserved from before it is allocated (memory_budget.h); nullptr:
  // MemoryBudget::Process(). Runs add time, not memory.
  MemoryBudget* memory = nullptr;
  // How the caller names these options (and the seeds) in errors (empty:
  // as here).
  FieldPath names;
};

struct SpreadEstimate {
  double mean = 0;       // mean number of active (target) nodes, seeds included
  double std_error = 0;  // sample standard deviation / sqrt(runs)
  // mean -/+ z * std_error: a normal-approximation (CLT) interval for the
  // expected spread, 95% with the default z.
  double ci_low = 0;
  double ci_high = 0;
  uint64_t runs = 0;
  std::vector<double> group_mean;  // per group, when groups were given
};

// Simulates the model `runs` times from `seeds` (duplicates ignored).
absl::StatusOr<SpreadEstimate> EstimateSpread(const DiffusionGraph& dg,
                                              absl::Span<const NodeId> seeds,
                                              const SpreadOptions& options = {});

}  // namespace mitra::activation

#endif  // MITRA_ACTIVATION_DIFFUSION_H_
