// Edge probabilities known up to a posterior: each arc's p ~ Beta(alpha,
// beta), independent, as estimated from the data. A "world" is one draw of
// every arc's p; what a plan reaches is then uncertain twice over, by the
// cascade's chance and by the estimates, and the estimates' part shows as
// the spread of the answer across worlds.
#ifndef MITRA_ACTIVATION_POSTERIOR_H_
#define MITRA_ACTIVATION_POSTERIOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/activation/diffusion.h"
#include "mitra/core/field_path.h"
#include "mitra/graph/influence_learning.h"

namespace mitra::activation {

// Aligned with the graph's out-arcs (g.out().targets); every value finite
// and > 0.
struct ArcPosterior {
  std::vector<double> alpha, beta;
};

// The posterior a learned model holds (graph/influence_learning.h), for the
// graph it was learned on.
ArcPosterior PosteriorOf(const graph::InfluenceModel& model);

// INVALID_ARGUMENT "<at>.posterior.alpha: 2 values, but the graph has 5
// arcs", "...alpha[1]: must be finite and > 0, got 0".
absl::Status CheckArcPosterior(const CsrGraph& g, const ArcPosterior& posterior,
                               const FieldPath& at);

// World `world` of the posterior for `seed` (reproducible): g with every
// arc's value drawn from its Beta, ready for simulation or RR sets.
absl::StatusOr<DiffusionGraph> DrawWorld(const CsrGraph& g, const ArcPosterior& posterior,
                                         Model model, uint64_t seed, uint32_t world);

struct PosteriorSpreadOptions {
  uint32_t worlds = 100;     // 2..10000
  SpreadOptions spread;      // per world (its runs, seed, threads, targets)
  double confidence = 0.9;   // of the interval, in (0, 1)
  FieldPath names;           // worlds, confidence; spread.names for the rest
};

struct PosteriorSpread {
  double mean = 0;          // over worlds of each world's Monte-Carlo mean
  double low = 0, high = 0; // mean -+ z sd over worlds: estimates and chance
  double world_sd = 0;      // that sd
  double sampling_std_error = 0;  // the Monte-Carlo part: mean per-world std_error
  uint32_t worlds = 0;
};

// The options' scalars (worlds, confidence, spread.runs), named by names
// and spread.names: a caller can check them before the work that precedes
// the estimate (a plan), and EstimateSpreadOverPosterior checks them too.
absl::Status CheckPosteriorSpreadOptions(const PosteriorSpreadOptions& options);

// The expected reach of `seeds` over the posterior's worlds.
absl::StatusOr<PosteriorSpread> EstimateSpreadOverPosterior(const CsrGraph& g,
                                                            const ArcPosterior& posterior,
                                                            Model model,
                                                            absl::Span<const NodeId> seeds,
                                                            const PosteriorSpreadOptions& options);

}  // namespace mitra::activation

#endif  // MITRA_ACTIVATION_POSTERIOR_H_
