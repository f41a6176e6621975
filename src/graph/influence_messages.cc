#include "mitra/graph/influence_messages.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "mitra/graph/messages.h"

namespace mitra::graph {
namespace {

absl::StatusOr<ActionSource> ActionFrom(v1::InfluenceActionSource a, const FieldPath& at) {
  switch (a) {
    case v1::INFLUENCE_ACTION_SOURCE_UNSPECIFIED:
    case v1::INFLUENCE_ACTION_SOURCE_PURCHASES:
      return ActionSource::kPurchases;
    case v1::INFLUENCE_ACTION_SOURCE_PROGRAM_JOINS:
      return ActionSource::kProgramJoins;
    case v1::INFLUENCE_ACTION_SOURCE_REFERRAL_CONVERSIONS:
      return ActionSource::kReferralConversions;
    default:
      return Invalid(at("action"), absl::StrCat("unknown action source ", static_cast<int>(a)));
  }
}

absl::StatusOr<InfluenceMethod> MethodFrom(v1::InfluenceMethod m, const FieldPath& at) {
  switch (m) {
    case v1::INFLUENCE_METHOD_UNSPECIFIED:
    case v1::INFLUENCE_METHOD_EM:
      return InfluenceMethod::kExpectationMaximization;
    case v1::INFLUENCE_METHOD_BERNOULLI:
      return InfluenceMethod::kBernoulli;
    case v1::INFLUENCE_METHOD_JACCARD:
      return InfluenceMethod::kJaccard;
    case v1::INFLUENCE_METHOD_CONTINUOUS_TIME:
      return InfluenceMethod::kContinuousTime;
    default:
      return Invalid(at("method"), absl::StrCat("unknown influence method ", static_cast<int>(m)));
  }
}

v1::InfluenceMethod MethodMessage(InfluenceMethod m) {
  switch (m) {
    case InfluenceMethod::kBernoulli:
      return v1::INFLUENCE_METHOD_BERNOULLI;
    case InfluenceMethod::kJaccard:
      return v1::INFLUENCE_METHOD_JACCARD;
    case InfluenceMethod::kContinuousTime:
      return v1::INFLUENCE_METHOD_CONTINUOUS_TIME;
    case InfluenceMethod::kExpectationMaximization:
      break;
  }
  return v1::INFLUENCE_METHOD_EM;
}

void AddScore(const char* model, const HoldoutScore& s, v1::HoldoutTable* t) {
  v1::HoldoutScore* row = t->add_scores();
  row->set_model(model);
  row->set_log_likelihood(s.log_likelihood);
  row->set_mean_log_likelihood(s.mean_log_likelihood);
  row->set_auc(s.auc);
}

}  // namespace

absl::StatusOr<WorkspaceInfluenceOptions> WorkspaceInfluenceOptionsFrom(
    const v1::LearnInfluenceRequest& r, const FieldPath& at) {
  WorkspaceInfluenceOptions o;
  if (!r.graph().community_id().empty()) {
    return Invalid(at.Sub("graph")("community_id"),
                   "influence is learned on the whole workspace's interaction graph (leave it "
                   "empty)");
  }
  absl::StatusOr<InteractionGraphOptions> g = InteractionGraphOptionsFrom(r.graph(), at.Sub("graph"));
  if (!g.ok()) return g.status();
  o.graph = *std::move(g);
  absl::StatusOr<ActionSource> action = ActionFrom(r.action(), at);
  if (!action.ok()) return action.status();
  o.action = *action;
  o.product_line = r.product_line();
  absl::StatusOr<InfluenceMethod> method = MethodFrom(r.method(), at);
  if (!method.ok()) return method.status();
  InfluenceOptions& l = o.learning;
  l.method = *method;
  if (r.has_window_seconds()) l.window = r.window_seconds();
  if (r.has_decay_seconds()) l.decay = r.decay_seconds();
  if (r.has_em_max_iterations()) l.em_max_iterations = r.em_max_iterations();
  if (r.has_em_tolerance()) l.em_tolerance = r.em_tolerance();
  if (r.has_interval()) l.interval = r.interval();
  l.names = at;
  l.names.Rename("window", at("window_seconds")).Rename("decay", at("decay_seconds"));
  if (r.has_split_unix_seconds()) o.holdout_split = r.split_unix_seconds();
  o.names = at;
  o.names.Rename("holdout_split", at("split_unix_seconds"));
  return o;
}

absl::Status LearnInfluenceMessage(const Workspace& ws, const v1::LearnInfluenceRequest& r,
                                   v1::LearnInfluenceReport* out) {
  absl::StatusOr<WorkspaceInfluenceOptions> o = WorkspaceInfluenceOptionsFrom(r, FieldPath("request"));
  if (!o.ok()) return o.status();
  absl::StatusOr<WorkspaceInfluence> learned = LearnWorkspaceInfluence(ws, *o);
  if (!learned.ok()) return learned.status();
  const InfluenceModel& m = learned->model;
  const CsrGraph& g = learned->graph.graph;
  const uint32_t min_trials = r.has_min_trials() ? r.min_trials() : 1;
  out->Clear();
  out->set_method(MethodMessage(o->learning.method));
  out->set_window_seconds(o->learning.window);
  out->set_interval(o->learning.interval);
  const IdInterner& ids = ws.tables().customers.ids;
  const Adjacency& a = g.out();
  uint64_t with_trials = 0;
  for (uint32_t u = 0; u < g.num_nodes(); ++u) {
    for (uint32_t k = a.offsets[u]; k < a.offsets[u + 1]; ++k) {
      if (m.trials[k] > 0) ++with_trials;
      if (m.trials[k] < min_trials) continue;
      v1::LearnedArc* arc = out->add_arcs();
      arc->set_from_customer_id(std::string(ids.Id(learned->graph.customer[u])));
      arc->set_to_customer_id(std::string(ids.Id(learned->graph.customer[a.targets[k]])));
      arc->set_kind(static_cast<v1::InteractionKind>(learned->arc_kind[k]));
      arc->set_trials(m.trials[k]);
      arc->set_successes(m.successes[k]);
      arc->set_estimate(m.estimate[k]);
      arc->set_posterior_mean(m.posterior_mean[k]);
      arc->set_low(m.lower[k]);
      arc->set_high(m.upper[k]);
      arc->set_alpha(m.posterior_alpha[k]);
      arc->set_beta(m.posterior_beta[k]);
    }
  }
  // The groups are the kinds; report those some arc belongs to.
  std::vector<uint64_t> arcs_of_kind(m.priors.size(), 0);
  for (uint8_t kind : learned->arc_kind)
    if (kind < arcs_of_kind.size()) ++arcs_of_kind[kind];
  for (size_t kind = 0; kind < m.priors.size(); ++kind) {
    if (arcs_of_kind[kind] == 0) continue;
    v1::InfluencePrior* p = out->add_priors();
    p->set_kind(static_cast<v1::InteractionKind>(kind));
    p->set_a(m.priors[kind].a);
    p->set_b(m.priors[kind].b);
    p->set_arcs(m.priors[kind].arcs_fitted);
    p->set_fitted(m.priors[kind].fitted);
  }
  out->set_actions(m.actions);
  out->set_items(m.episodes);
  out->set_num_arcs(g.num_arcs());
  out->set_arcs_with_trials(with_trials);
  out->set_em_iterations(m.em_iterations);
  out->set_em_converged(m.em_converged);
  out->set_em_log_likelihood(m.em_log_likelihood);
  out->set_as_of_unix_seconds(learned->graph.as_of == kNoTime ? 0 : learned->graph.as_of);
  if (learned->holdout) {
    const HoldoutReport& h = *learned->holdout;
    v1::HoldoutTable* t = out->mutable_holdout();
    t->set_split_unix_seconds(*o->holdout_split);
    AddScore("learned", h.learned, t);
    AddScore("weighted_cascade", h.weighted_cascade, t);
    AddScore("uniform", h.uniform, t);
    AddScore("no_influence", h.no_influence, t);
    t->set_uniform_p(h.uniform_p);
    t->set_units(h.units);
    t->set_positives(h.positives);
    t->set_exposed_units(h.exposed_units);
    t->set_training_items(h.training_episodes);
    t->set_test_items(h.test_episodes);
  }
  return absl::OkStatus();
}

}  // namespace mitra::graph
