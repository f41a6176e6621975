#include "mitra/ladder/messages.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "common/format.h"
#include "common/money_basis_message.h"
#include "common/request_errors.h"
#include "absl/strings/str_cat.h"
#include "mitra/core/limits.h"
#include "mitra/cocreation/messages.h"
#include "mitra/core/time_format.h"
#include "mitra/graph/messages.h"
#include "mitra/ladder/forward_value.h"
#include "mitra/ladder/involvement.h"
#include "mitra/ladder/stage_history.h"
#include "mitra/value/customer_value.h"

namespace mitra::ladder {
namespace {

constexpr double kDefaultInvolvementWindowDays = 365;
constexpr double kMaxDays = 1e6;

absl::StatusOr<int64_t> AsOf(const Workspace& ws, bool has, int64_t v) {
  if (!has) return DefaultLadderAsOf(ws.tables());
  if (std::string p = TimeProblem(v); !p.empty()) return Invalid("request.as_of_unix_seconds", p);
  return v;
}

std::string CustomerId(const Workspace& ws, Index c) {
  return std::string(ws.tables().customers.ids.Id(c));
}

// ---- Value scores (P_ALIVE, CLV) ---------------------------------------------

struct Scoring {
  v1::ValueModel model = v1::VALUE_MODEL_BG_NBD;
  int64_t period_seconds = 86400;
  int64_t unit_seconds = 7 * 86400;
  value::ClvOptions clv{12, 2629800.0 / (7 * 86400), 0.01};
};

absl::StatusOr<Scoring> ScoringFrom(const v1::ValueScoring& m, const FieldPath& at) {
  Scoring o;
  if (m.has_model()) {
    if (m.model() != v1::VALUE_MODEL_BG_NBD && m.model() != v1::VALUE_MODEL_MBG_NBD &&
        m.model() != v1::VALUE_MODEL_PARETO_NBD)
      return Invalid(at("model"), "must be BG_NBD, MBG_NBD or PARETO_NBD");
    o.model = m.model();
  }
  if (m.has_period_seconds()) {
    if (m.period_seconds() <= 0) return Invalid(at("period_seconds"), "must be > 0");
    o.period_seconds = m.period_seconds();
  }
  if (m.has_unit_seconds()) {
    if (m.unit_seconds() <= 0) return Invalid(at("unit_seconds"), "must be > 0");
    o.unit_seconds = m.unit_seconds();
  }
  // The default CLV period is a month in the (possibly new) unit.
  o.clv.period_length = 2629800.0 / static_cast<double>(o.unit_seconds);
  if (m.has_clv_periods()) {
    if (m.clv_periods() < 1 || m.clv_periods() > 1200)
      return Invalid(at("clv_periods"), "must be 1..1200");
    o.clv.periods = static_cast<int>(m.clv_periods());
  }
  if (m.has_clv_period_units()) {
    if (absl::Status s = CheckRange(m.clv_period_units(), at("clv_period_units"),
                                    m.clv_period_units() > 0, "> 0");
        !s.ok())
      return s;
    o.clv.period_length = m.clv_period_units();
  }
  if (m.has_clv_discount_rate()) {
    if (absl::Status s = CheckRange(m.clv_discount_rate(), at("clv_discount_rate"),
                                    m.clv_discount_rate() >= 0, ">= 0");
        !s.ok())
      return s;
    o.clv.discount_rate = m.clv_discount_rate();
  }
  return o;
}

bool Uses(const LadderRules& rules, Indicator indicator) {
  for (const Stage& s : rules.stages)
    for (const StageRequirement& r : s.requirements)
      if (r.key.indicator == indicator) return true;
  return false;
}

// P(alive) and CLV per customer (NaN for a customer without a purchase
// before as_of) from the value model fitted on the purchases before as_of.
value::CustomerValueOptions ValueOptionsOf(const Scoring& o, int64_t as_of) {
  value::CustomerValueOptions vo;
  vo.summary.set_calibration_end_unix_seconds(as_of - 1);
  vo.summary.set_period_seconds(o.period_seconds);
  vo.summary.set_unit_seconds(o.unit_seconds);
  vo.model = o.model;
  vo.clv = o.clv;
  return vo;
}

absl::Status ScoreValue(const Workspace& ws, const Scoring& o, int64_t as_of, bool need_clv,
                        std::vector<double>* p_alive, std::vector<double>* clv) {
  const value::CustomerValueOptions vo = ValueOptionsOf(o, as_of);
  absl::StatusOr<value::CustomerValueTable> v = value::ScoreCustomers(ws, vo);
  const std::string when = FormatTime(as_of);
  if (!v.ok())
    return absl::FailedPreconditionError(absl::StrCat(
        "value scores as of ", when, ": the value model could not be fitted: ", v.status().message()));
  if (need_clv && !v->spend_model)
    return absl::FailedPreconditionError(absl::StrCat(
        "value scores as of ", when, ": clv: the spend model could not be fitted: ", v->spend_error));
  const size_t n = ws.tables().customers.ids.size();
  p_alive->assign(n, kNoNumber);
  clv->assign(n, kNoNumber);
  const v1::CustomerSummaries& S = v->summaries;
  for (int i = 0; i < S.customer_id_size(); ++i) {
    const std::optional<Index> c = ws.tables().customers.ids.Find(S.customer_id(i));
    if (!c) continue;
    (*p_alive)[*c] = v->p_alive[i];
    if (v->spend_model) (*clv)[*c] = v->clv[i];
  }
  return absl::OkStatus();
}

void SetRequirementValue(uint32_t stage, uint32_t req, const std::string& label, double value,
                         v1::RequirementValue* m) {
  m->set_stage(stage);
  m->set_requirement(req);
  m->set_label(label);
  m->set_value(value);
}

}  // namespace

// ---- Rules -------------------------------------------------------------------

absl::StatusOr<LadderRules> LadderRulesFrom(const v1::LadderRules& m, absl::string_view where) {
  LadderRules rules;
  rules.names = FieldPath(where);
  for (int s = 0; s < m.stages_size(); ++s) {
    const v1::LadderStage& sm = m.stages(s);
    const std::string at = absl::StrCat(where, ".stages[", s, "]");
    Stage stage;
    stage.name = sm.name();
    if (sm.phase() < v1::LADDER_PHASE_TRANSACTIONAL || sm.phase() > v1::LADDER_PHASE_COLLABORATIVE)
      return Invalid(absl::StrCat(at, ".phase"),
                     absl::StrCat("unknown or unspecified phase ", static_cast<int>(sm.phase())));
    stage.phase = static_cast<Phase>(sm.phase());
    for (int j = 0; j < sm.requirements_size(); ++j) {
      const v1::StageRequirement& rm = sm.requirements(j);
      const std::string rat = absl::StrCat(at, ".requirements[", j, "]");
      const int indicator = static_cast<int>(rm.indicator());
      if (indicator < 1 || indicator > kMaxIndicator)
        return Invalid(absl::StrCat(rat, ".indicator"),
                       absl::StrCat("unknown or unspecified indicator ", indicator));
      StageRequirement r;
      r.key.indicator = static_cast<Indicator>(indicator);
      r.key.kind = static_cast<int>(rm.kind());
      r.key.window_days = rm.window_days();
      r.at_least = rm.at_least();
      if (rm.has_at_most()) {
        // A negative bound is "none" inside: given, it is refused here.
        if (rm.at_most() < 0)
          return Invalid(absl::StrCat(rat, ".at_most"),
                         absl::StrCat("must be >= 0 (absent: no bound), got ", rm.at_most()));
        r.at_most = rm.at_most();
      }
      stage.requirements.push_back(r);
    }
    rules.stages.push_back(std::move(stage));
  }
  return rules;
}

void LadderRulesToMessage(const LadderRules& rules, v1::LadderRules* out) {
  out->Clear();
  for (const Stage& s : rules.stages) {
    v1::LadderStage* sm = out->add_stages();
    sm->set_name(s.name);
    sm->set_phase(static_cast<v1::LadderPhase>(s.phase));
    for (const StageRequirement& r : s.requirements) {
      v1::StageRequirement* rm = sm->add_requirements();
      rm->set_indicator(static_cast<v1::LadderIndicator>(r.key.indicator));
      rm->set_kind(static_cast<v1::InteractionKind>(r.key.kind));
      rm->set_window_days(r.key.window_days);
      rm->set_at_least(r.at_least);
      if (r.at_most >= 0) rm->set_at_most(r.at_most);
    }
  }
}

absl::StatusOr<std::vector<ChangeCredit>> ChangesFrom(
    const Workspace& ws, const google::protobuf::RepeatedPtrField<v1::ChangeCredit>& changes,
    absl::string_view where) {
  std::vector<ChangeCredit> out;
  out.reserve(changes.size());
  for (int k = 0; k < changes.size(); ++k) {
    const v1::ChangeCredit& m = changes[k];
    const std::string at = absl::StrCat(where, "[", k, "]");
    ChangeCredit ch;
    if (absl::Status s = CheckMoney(m.value(), at + ".value"); !s.ok()) return s;
    ch.value = WithoutNegativeZero(m.value());
    if (m.has_time_unix_seconds()) {
      if (std::string p = TimeProblem(m.time_unix_seconds()); !p.empty())
        return Invalid(absl::StrCat(at, ".time_unix_seconds"), p);
      ch.time = m.time_unix_seconds();
    }
    for (int j = 0; j < m.contributor_ids_size(); ++j) {
      absl::StatusOr<Index> c = FindIndex(ws.tables().customers.ids, m.contributor_ids(j), "customer",
                                          absl::StrCat(at, ".contributor_ids[", j, "]"));
      if (!c.ok()) return c.status();
      ch.contributors.push_back(*c);
    }
    ch.shares.assign(m.shares().begin(), m.shares().end());
    out.push_back(std::move(ch));
  }
  if (absl::Status s = ValidateChanges(out, ws.tables().customers.ids.size(),
                                       {.list = where, .contributors = "contributor_ids"});
      !s.ok()) {
    return s;
  }
  return out;
}

absl::StatusOr<std::vector<ChangeCredit>> ChangesFromDecisions(
    const Workspace& ws, const google::protobuf::RepeatedPtrField<v1::AdoptionDecision>& decisions,
    absl::string_view where) {
  absl::StatusOr<std::vector<cocreation::Decision>> d = cocreation::DecisionsFrom(ws, decisions, where);
  if (!d.ok()) return d.status();
  return cocreation::AdoptedChanges(*d);
}

namespace {

// The request's changes and adopted decisions, as one list.
template <typename Request>
absl::StatusOr<std::vector<ChangeCredit>> AllChanges(const Workspace& ws, const Request& r) {
  absl::StatusOr<std::vector<ChangeCredit>> changes = ChangesFrom(ws, r.changes(), "request.changes");
  if (!changes.ok()) return changes.status();
  absl::StatusOr<std::vector<ChangeCredit>> adopted =
      ChangesFromDecisions(ws, r.decisions(), "request.decisions");
  if (!adopted.ok()) return adopted.status();
  for (ChangeCredit& ch : *adopted) changes->push_back(std::move(ch));
  return changes;
}

}  // namespace

// ---- Stages ------------------------------------------------------------------

absl::Status LadderMessage(const Workspace& ws, const v1::LadderRequest& request,
                           v1::LadderReport* out) {
  const Tables& t = ws.tables();
  LadderRules rules = DefaultLadderRules();
  if (request.rules().stages_size() > 0) {
    absl::StatusOr<LadderRules> r = LadderRulesFrom(request.rules(), "request.rules");
    if (!r.ok()) return r.status();
    rules = *std::move(r);
  }
  absl::StatusOr<int64_t> as_of = AsOf(ws, request.has_as_of_unix_seconds(), request.as_of_unix_seconds());
  if (!as_of.ok()) return as_of.status();
  IndicatorInputs in;
  in.names = FieldPath("request");
  in.names.Rename("as_of", "request.as_of_unix_seconds");
  in.as_of = *as_of;
  if (request.has_default_margin_rate()) in.default_margin_rate = request.default_margin_rate();
  // The rules and inputs are checked before any value model is fitted.
  if (absl::Status s = CheckStageInputs(rules, in); !s.ok()) return s;
  absl::StatusOr<std::vector<ChangeCredit>> changes = AllChanges(ws, request);
  if (!changes.ok()) return changes.status();
  in.changes = *changes;
  double window = kDefaultInvolvementWindowDays;
  if (request.has_involvement_window_days()) {
    window = request.involvement_window_days();
    if (absl::Status s = CheckRange(window, "request.involvement_window_days",
                                    window >= 0 && window <= kMaxDays, "in [0, 1e6] (0: all time)");
        !s.ok())
      return s;
  }
  std::vector<Index> listed;
  for (int i = 0; i < request.customer_ids_size(); ++i) {
    absl::StatusOr<Index> c = FindIndex(t.customers.ids, request.customer_ids(i), "customer",
                                        absl::StrCat("request.customer_ids[", i, "]"));
    if (!c.ok()) return c.status();
    listed.push_back(*c);
  }
  std::vector<uint8_t> counted;
  if (request.counted_customer_ids_size() > 0) {
    counted.assign(t.customers.ids.size(), 0);
    for (int i = 0; i < request.counted_customer_ids_size(); ++i) {
      absl::StatusOr<Index> c =
          FindIndex(t.customers.ids, request.counted_customer_ids(i), "customer",
                    absl::StrCat("request.counted_customer_ids[", i, "]"));
      if (!c.ok()) return c.status();
      counted[*c] = 1;
    }
    in.counted = counted;
  }
  std::vector<int64_t> ends;
  if (request.history_periods() > 0) {
    HistoryOptions ho;
    ho.names = FieldPath("request");
    ho.names.Rename("periods", "request.history_periods")
        .Rename("period_days", "request.history_period_days");
    ho.periods = request.history_periods();
    if (request.has_history_period_days()) {
      if (absl::Status s = CheckRange(request.history_period_days(), "request.history_period_days",
                                      request.history_period_days() > 0, "> 0");
          !s.ok())
        return s;
      ho.period_days = request.history_period_days();
    }
    absl::StatusOr<std::vector<int64_t>> e = PeriodEnds(in.as_of, ho);
    if (!e.ok()) return e.status();
    ends = *std::move(e);
  }
  absl::StatusOr<Scoring> scoring =
      ScoringFrom(request.value_scoring(), FieldPath("request").Sub("value_scoring"));
  if (!scoring.ok()) return scoring.status();
  const bool need_p_alive = Uses(rules, Indicator::kPAlive), need_clv = Uses(rules, Indicator::kClv);
  // Value scores at a time, into the given storage (the inputs keep spans
  // of it): the report's at as_of, the history's at each earlier end.
  auto prepare_into = [&](std::vector<double>* p_alive, std::vector<double>* clv) {
    return [&, p_alive, clv](int64_t at, IndicatorInputs* inputs) -> absl::Status {
      if (!need_p_alive && !need_clv) return absl::OkStatus();
      if (absl::Status s = ScoreValue(ws, *scoring, at, need_clv, p_alive, clv); !s.ok()) return s;
      inputs->p_alive = *p_alive;
      inputs->clv = *clv;
      return absl::OkStatus();
    };
  };
  std::vector<double> p_alive, clv, p_alive_then, clv_then;

  // The stages at as_of first; the history's last period end is as_of, so
  // it takes this assignment instead of evaluating (and fitting) it again.
  // Its earlier ends get their own scores (prepare replaces the spans).
  if (absl::Status s = prepare_into(&p_alive, &clv)(in.as_of, &in); !s.ok()) return s;
  absl::StatusOr<StageAssignment> a = AssignCheckedStages(t, rules, in, !request.counts_only());
  if (!a.ok()) return a.status();
  std::vector<StagePeriod> history;
  if (!ends.empty()) {
    absl::StatusOr<std::vector<StagePeriod>> h =
        ComputeStageHistory(t, rules, in, ends, prepare_into(&p_alive_then, &clv_then),
                            ends.back() == in.as_of ? &*a : nullptr);
    if (!h.ok()) return h.status();
    history = *std::move(h);
  }

  out->Clear();
  out->set_as_of_unix_seconds(in.as_of);
  LadderRulesToMessage(rules, out->mutable_rules());
  out->mutable_stage_counts()->Add(a->counts.begin(), a->counts.end());
  out->set_involvement_window_days(window);
  for (const StagePeriod& p : history) {
    v1::StagePeriod* pm = out->add_history();
    pm->set_end_unix_seconds(p.end);
    pm->mutable_counts()->Add(p.counts.begin(), p.counts.end());
    pm->mutable_entered()->Add(p.entered.begin(), p.entered.end());
    pm->mutable_transitions()->Add(p.transitions.begin(), p.transitions.end());
  }
  if (request.counts_only()) return absl::OkStatus();

  absl::StatusOr<Involvement> inv = ComputeInvolvement(t, in, window);
  if (!inv.ok()) return inv.status();
  if (listed.empty()) {
    for (size_t c = 0; c < a->stage.size(); ++c)
      if (a->known[c]) listed.push_back(static_cast<Index>(c));
  }
  std::vector<std::vector<std::string>> labels(rules.stages.size());
  for (size_t s = 0; s < rules.stages.size(); ++s)
    for (const StageRequirement& r : rules.stages[s].requirements) labels[s].push_back(RequirementLabel(r));
  out->mutable_customers()->Reserve(static_cast<int>(listed.size()));
  for (Index c : listed) {
    v1::CustomerStage* m = out->add_customers();
    const uint32_t stage = a->stage[c];
    m->set_customer_id(CustomerId(ws, c));
    m->set_stage(stage);
    m->set_stage_name(rules.stages[stage].name);
    m->set_phase(static_cast<v1::LadderPhase>(rules.stages[stage].phase));
    for (uint32_t s = 1; s <= stage; ++s)
      for (uint32_t j = 0; j < labels[s].size(); ++j)
        SetRequirementValue(s, j, labels[s][j], a->Value(s, j, c), m->add_evidence());
    if (a->next_unmet[c] >= 0) {
      const uint32_t s = stage + 1, j = static_cast<uint32_t>(a->next_unmet[c]);
      SetRequirementValue(s, j, labels[s][j], a->Value(s, j, c), m->mutable_next());
    }
    v1::Involvement* im = m->mutable_involvement();
    const auto& col = inv->column;
    im->set_purchases(col[kInvPurchases][c]);
    im->set_spend(col[kInvSpend][c]);
    im->set_visits(col[kInvVisits][c]);
    im->set_feedback(col[kInvFeedback][c]);
    im->set_trials(col[kInvTrials][c]);
    im->set_referrals(col[kInvReferrals][c]);
    im->set_posts(col[kInvPosts][c]);
    im->set_interactions(col[kInvInteractions][c]);
  }
  return absl::OkStatus();
}

// ---- Contribution ------------------------------------------------------------

absl::StatusOr<ContributionOptions> ContributionOptionsFrom(const Workspace& ws,
                                                            const v1::ContributionRequest& r,
                                                            std::vector<ChangeCredit>* changes) {
  ContributionOptions o;
  o.names = FieldPath("request");
  o.names.Rename("as_of", "request.as_of_unix_seconds");
  absl::StatusOr<int64_t> as_of = AsOf(ws, r.has_as_of_unix_seconds(), r.as_of_unix_seconds());
  if (!as_of.ok()) return as_of.status();
  o.as_of = *as_of;
  if (r.has_default_margin_rate()) o.default_margin_rate = r.default_margin_rate();
  if (r.has_referral_horizon_days()) o.referral_horizon_days = r.referral_horizon_days();
  if (r.has_discount_rate()) o.discount_rate = r.discount_rate();
  if (r.has_joined_anyway_share()) o.joined_anyway_share = r.joined_anyway_share();
  if (r.has_acquisition_cost()) {
    if (absl::Status s = CheckMoney(r.acquisition_cost(), "request.acquisition_cost"); !s.ok())
      return s;
    o.acquisition_cost = r.acquisition_cost();
  }
  if (r.has_influence_share()) o.influence_share = r.influence_share();
  if (r.has_influence_window_days()) o.influence_window_days = r.influence_window_days();
  if (r.has_influence_persistence()) o.influence_persistence = r.influence_persistence();
  if (r.graph().has_as_of_unix_seconds())
    return Invalid("request.graph.as_of_unix_seconds", "not used here: set request.as_of_unix_seconds");
  if (!r.graph().community_id().empty())
    return Invalid("request.graph.community_id", "not used here: influence runs on the whole workspace");
  // The influence graph's options on top of its own defaults (REFERRAL at
  // 0), named as the request's graph; ComputeContributions validates them.
  o.graph = DefaultInfluenceGraph();
  o.graph.names = o.names.Sub("graph");
  absl::StatusOr<graph::KindWeights> kw =
      graph::KindWeightsFrom(r.graph().kind_weights(), o.graph.kind_weights,
                             o.graph.names("kind_weights"), "kind_weights", &o.graph.names);
  if (!kw.ok()) return kw.status();
  o.graph.kind_weights = *kw;
  if (r.graph().has_half_life_days()) o.graph.half_life_days = r.graph().half_life_days();
  o.graph.keep_self_loops = r.graph().keep_self_loops();
  absl::StatusOr<std::vector<ChangeCredit>> ch = AllChanges(ws, r);
  if (!ch.ok()) return ch.status();
  *changes = *std::move(ch);
  o.changes = *changes;
  return o;
}

namespace {

// The forward options of a request (defaults where absent); the numbers are
// checked by EstimateForwardValue in the request's terms.
absl::StatusOr<ForwardValueOptions> ForwardOptionsFrom(const v1::ContributionForward& f,
                                                       const ContributionOptions& backward) {
  ForwardValueOptions o;
  o.names = backward.names.Sub("forward");
  o.as_of = backward.as_of;
  o.default_margin_rate = backward.default_margin_rate;
  o.acquisition_cost = backward.acquisition_cost;
  if (f.has_horizon_days()) o.horizon_days = f.horizon_days();
  absl::StatusOr<Scoring> scoring = ScoringFrom(f.value_scoring(), o.names.Sub("value_scoring"));
  if (!scoring.ok()) return scoring.status();
  o.value = ValueOptionsOf(*scoring, o.as_of);
  if (f.has_referral_draws()) o.referral_draws = f.referral_draws();
  if (f.has_rr_sets()) o.rr_sets = f.rr_sets();
  if (f.has_worlds()) o.worlds = f.worlds();
  if (f.has_seed()) o.seed = f.seed();
  if (f.has_confidence()) o.confidence = f.confidence();
  if (f.has_threads()) {
    if (absl::Status s = CheckCount(f.threads(), 1, kMaxThreads, o.names("threads")); !s.ok())
      return s;
    o.threads = static_cast<int>(f.threads());
  }
  return o;
}

// "0.5 (request.joined_anyway_share)": a constant and the field that sets it.
std::string Constant(double v, const std::string& field) {
  return Format("%s = %g (%s)", field.substr(field.rfind('.') + 1).c_str(), v, field.c_str());
}

MoneyBasis ConstantBasis(bool given, double v, const std::string& field, absl::string_view what) {
  const std::string source = absl::StrCat(what, Constant(v, field));
  return given ? MoneyBasis::Given(source) : MoneyBasis::Assumed(source);
}

void ForwardMessage(const ForwardValue& f, const ForwardValueOptions& o,
                    v1::ContributionForwardReport* m) {
  const ReferralForecast& r = f.referral;
  m->set_horizon_days(f.horizon_days);
  m->set_confidence(o.confidence);
  m->set_margin_share(f.margin_share);
  m->set_value_model(f.value_model);
  m->set_referral_value(r.total);
  ToMessage(MoneyBasis::Estimated(
                r.total_low, r.total_high, o.confidence,
                Format("BG/NBD on %u customers' referral histories; joined-anyway share "
                       "%.3g from %u converted referrals (%u referees already active); "
                       "a referee at her first purchase's margin + margin CLV; "
                       "bootstrap of %u draws",
                       r.customers_fitted, r.joined_anyway_share, r.referees_seen,
                       r.referees_already_active, o.referral_draws)),
            m->mutable_referral_basis());
  auto& model = *m->mutable_referral_model();
  model["r"] = r.model.r;
  model["alpha"] = r.model.alpha;
  model["a"] = r.model.a;
  model["b"] = r.model.b;
  m->set_customers_fitted(r.customers_fitted);
  m->set_joined_anyway_share(r.joined_anyway_share);
  m->set_joined_anyway_low(r.joined_anyway_low);
  m->set_joined_anyway_high(r.joined_anyway_high);
  m->set_referees_seen(r.referees_seen);
  m->set_referees_already_active(r.referees_already_active);
  m->set_referee_value(r.referee_value);
  ToMessage(MoneyBasis::Estimated(
                r.referee_value_low, r.referee_value_high, o.confidence,
                Format("mean over %u past referees of their first purchase's margin + "
                       "CLV (%s) x margin share %.3g",
                       r.referee_values_known, f.value_model.c_str(), f.margin_share)),
            m->mutable_referee_value_basis());
  m->set_influence_value(f.influence_total);
  ToMessage(MoneyBasis::Estimated(
                f.influence_total_low, f.influence_total_high, o.confidence,
                Format("influence learned from %llu actions on %llu items over %llu of %llu "
                       "arcs; %u posterior worlds of %llu RR sets; purchases and spend from %s",
                       static_cast<unsigned long long>(f.actions),
                       static_cast<unsigned long long>(f.episodes),
                       static_cast<unsigned long long>(f.arcs_with_trials),
                       static_cast<unsigned long long>(f.arcs), o.worlds,
                       static_cast<unsigned long long>(o.rr_sets), f.value_model.c_str())),
            m->mutable_influence_basis());
  m->set_actions(f.actions);
  m->set_episodes(f.episodes);
  m->set_arcs(f.arcs);
  m->set_arcs_with_trials(f.arcs_with_trials);
}

}  // namespace

absl::Status ContributionMessage(const Workspace& ws, const v1::ContributionRequest& request,
                                 v1::ContributionReport* out) {
  std::vector<ChangeCredit> changes;
  absl::StatusOr<ContributionOptions> o = ContributionOptionsFrom(ws, request, &changes);
  if (!o.ok()) return o.status();
  std::optional<ForwardValue> forward;
  ForwardValueOptions fo;
  if (request.has_forward()) {
    absl::StatusOr<ForwardValueOptions> f = ForwardOptionsFrom(request.forward(), *o);
    if (!f.ok()) return f.status();
    fo = *std::move(f);
    absl::StatusOr<ForwardValue> v = EstimateForwardValue(ws, fo);
    if (!v.ok()) return v.status();
    forward = *std::move(v);
    // The backward account takes the estimated share unless the host set one.
    if (!request.has_joined_anyway_share())
      o->joined_anyway_share = forward->referral.joined_anyway_share;
  }
  absl::StatusOr<Contributions> c = ComputeContributions(ws.tables(), *o);
  if (!c.ok()) return c.status();
  const size_t n = c->total.size();
  // Ranks: largest total first, ties in customer order.
  std::vector<Index> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](Index x, Index y) { return c->total[x] > c->total[y]; });
  std::vector<uint32_t> rank(n);
  for (size_t k = 0; k < n; ++k) rank[order[k]] = static_cast<uint32_t>(k + 1);
  const size_t top = request.top() > 0 ? std::min<size_t>(request.top(), n) : n;
  if (request.top() == 0) std::iota(order.begin(), order.end(), 0);  // dense order

  out->Clear();
  out->set_as_of_unix_seconds(c->as_of);
  out->set_influence_steps(c->influence_steps);
  double referral = 0, influence = 0, cocreation = 0, total = 0;
  double referral_at_low = 0, referral_at_high = 0;  // at the share's interval ends
  for (size_t i = 0; i < n; ++i) {
    referral += c->referral[i];
    influence += c->influence[i];
    cocreation += c->cocreation[i];
    total += c->total[i];
    if (forward) {
      referral_at_low +=
          ReferralValueAt(*c, i, forward->referral.joined_anyway_low, o->acquisition_cost);
      referral_at_high +=
          ReferralValueAt(*c, i, forward->referral.joined_anyway_high, o->acquisition_cost);
    }
  }
  out->set_referral_value(referral);
  out->set_influence_value(influence);
  out->set_cocreation_credit(cocreation);
  out->set_total(total);
  const std::string referral_what = "referees' margins in the referral window; ";
  if (forward && !request.has_joined_anyway_share())
    ToMessage(MoneyBasis::Estimated(
                  std::min(referral_at_low, referral_at_high),
                  std::max(referral_at_low, referral_at_high), fo.confidence,
                  Format("%sjoined-anyway share %.3g estimated from %u converted "
                         "referrals (%u referees already active; interval from its "
                         "Wilson interval)",
                         referral_what.c_str(), forward->referral.joined_anyway_share,
                                  forward->referral.referees_seen,
                                  forward->referral.referees_already_active)),
              out->mutable_referral_basis());
  else
    ToMessage(ConstantBasis(request.has_joined_anyway_share(), o->joined_anyway_share,
                            "request.joined_anyway_share", referral_what),
              out->mutable_referral_basis());
  ToMessage(ConstantBasis(request.has_influence_share(), o->influence_share,
                          "request.influence_share",
                          "this share of each customer's margin split by attention: "),
            out->mutable_influence_basis());
  ToMessage(MoneyBasis::Given("the adopted changes' values (request.changes, request.decisions)"),
            out->mutable_cocreation_basis());
  if (forward) ForwardMessage(*forward, fo, out->mutable_forward());
  out->mutable_customers()->Reserve(static_cast<int>(top));
  for (size_t k = 0; k < top; ++k) {
    const Index i = order[k];
    v1::CustomerContribution* m = out->add_customers();
    m->set_customer_id(CustomerId(ws, i));
    m->set_rank(rank[i]);
    m->set_referral_value(c->referral[i]);
    m->set_influence_value(c->influence[i]);
    m->set_cocreation_credit(c->cocreation[i]);
    m->set_total(c->total[i]);
    m->set_own_margin(c->own_margin[i]);
    m->set_converted_referrals(c->converted_referrals[i]);
    if (forward) {
      m->set_forward_referral_value(forward->referral.crv[i]);
      m->set_forward_referral_low(forward->referral.crv_low[i]);
      m->set_forward_referral_high(forward->referral.crv_high[i]);
      m->set_expected_referrals(forward->referral.expected_referrals[i]);
      m->set_forward_influence_value(forward->influence[i]);
      m->set_forward_influence_low(forward->influence_low[i]);
      m->set_forward_influence_high(forward->influence_high[i]);
      m->set_clv(forward->clv[i]);
    }
  }
  return absl::OkStatus();
}

}  // namespace mitra::ladder
