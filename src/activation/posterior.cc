#include "mitra/activation/posterior.h"

#include <cmath>
#include <new>
#include <vector>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "common/request_errors.h"
#include "common/world_interval.h"
#include "mitra/cocreation/stats.h"

namespace mitra::activation {
namespace {

constexpr uint32_t kMaxWorlds = 10000;
// Stream domain of the worlds: never shared with simulations or RR sets.
constexpr uint64_t kWorldDomain = 0x776f726c64ULL;

}  // namespace

ArcPosterior PosteriorOf(const graph::InfluenceModel& model) {
  return {model.posterior_alpha, model.posterior_beta};
}

absl::Status CheckArcPosterior(const CsrGraph& g, const ArcPosterior& post, const FieldPath& at) {
  for (const auto& [v, field] : {std::pair{&post.alpha, "posterior.alpha"},
                                 std::pair{&post.beta, "posterior.beta"}}) {
    if (v->size() != g.num_arcs())
      return Invalid(at(field), absl::StrCat(v->size(), " values, but the graph has ",
                                             g.num_arcs(), " arcs"));
    for (size_t k = 0; k < v->size(); ++k)
      if (absl::Status s = CheckRange((*v)[k], absl::StrCat(at(field), "[", k, "]"),
                                      (*v)[k] > 0, "finite and > 0");
          !s.ok())
        return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<DiffusionGraph> DrawWorld(const CsrGraph& g, const ArcPosterior& post, Model model,
                                         uint64_t seed, uint32_t world) {
  try {
    ArcRule rule;
    rule.kind = ArcRule::Kind::kGiven;
    rule.values.resize(g.num_arcs());
    Rng rng(seed ^ kWorldDomain, world);
    for (size_t k = 0; k < rule.values.size(); ++k)
      rule.values[k] = BetaDraw(rng, post.alpha[k], post.beta[k]);
    if (model == Model::kLinearThreshold) {
      // LT needs each node's in-weights to sum to at most 1: a world whose
      // draws pass that is scaled back to it, as the weights' estimates are.
      std::vector<double> in(g.num_nodes(), 0.0);
      const auto& targets = g.out().targets;
      for (size_t k = 0; k < targets.size(); ++k) in[targets[k]] += rule.values[k];
      for (size_t k = 0; k < targets.size(); ++k)
        if (in[targets[k]] > 1) rule.values[k] /= in[targets[k]];
    }
    return DiffusionGraph::Create(CsrGraph(g), model, std::move(rule));
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("DrawWorld: out of memory");
  }
}

absl::Status CheckPosteriorSpreadOptions(const PosteriorSpreadOptions& o) {
  if (absl::Status s = CheckCount(o.worlds, 2, kMaxWorlds, o.names("worlds")); !s.ok()) return s;
  if (absl::Status s = CheckConfidence(o.confidence, o.names("confidence")); !s.ok()) return s;
  return CheckCount(o.spread.runs, 2, kMaxRuns, o.spread.names("runs"));
}

absl::StatusOr<PosteriorSpread> EstimateSpreadOverPosterior(const CsrGraph& g,
                                                            const ArcPosterior& post, Model model,
                                                            absl::Span<const NodeId> seeds,
                                                            const PosteriorSpreadOptions& o) {
  if (absl::Status s = CheckArcPosterior(g, post, o.names); !s.ok()) return s;
  if (absl::Status s = CheckPosteriorSpreadOptions(o); !s.ok()) return s;
  PosteriorSpread out;
  out.worlds = o.worlds;
  std::vector<double> means(o.worlds);
  double se = 0;
  for (uint32_t w = 0; w < o.worlds; ++w) {
    absl::StatusOr<DiffusionGraph> dg = DrawWorld(g, post, model, o.spread.seed, w);
    if (!dg.ok()) return dg.status();
    SpreadOptions so = o.spread;
    so.seed = o.spread.seed + w;  // each world its own runs
    absl::StatusOr<SpreadEstimate> e = EstimateSpread(*dg, seeds, so);
    if (!e.ok()) return e.status();
    means[w] = e->mean;
    se += e->std_error;
  }
  const WorldInterval v =
      OverWorlds(means.data(), o.worlds, cocreation::ZForConfidence(o.confidence));
  out.mean = v.mean;
  out.world_sd = v.sd;
  out.low = v.low;
  out.high = v.high;
  out.sampling_std_error = se / o.worlds;
  return out;
}

}  // namespace mitra::activation
