// Campaign effects at the edges: mitra.v1.CampaignEffectsRequest ->
// WorkspaceCampaignEffectsOf -> mitra.v1.CampaignEffectsReport, each money
// figure with its MoneyBasis.
#include <string>

#include "absl/strings/str_cat.h"
#include "common/money_basis_message.h"
#include "mitra/channels/messages.h"
#include "mitra/channels/workspace_campaigns.h"
#include "mitra/core/money_basis.h"
#include "mitra/core/text_checks.h"
#include "mitra/v1/campaign_effects.pb.h"

namespace mitra::channels {
namespace {

v1::CampaignRoute RouteMessage(CampaignRoute r) {
  return r == CampaignRoute::kChain ? v1::CAMPAIGN_ROUTE_CHAIN : v1::CAMPAIGN_ROUTE_COMMUNITY;
}

void EffectMessage(const Workspace& ws, const WorkspaceCampaignEffect& w, double confidence,
                   v1::CampaignEffect* m) {
  const CampaignTable& ct = ws.tables().campaigns;
  const std::string id(ct.ids.Id(w.campaign));
  const double spend = ct.spend[w.campaign];
  const CampaignEffect& e = w.effect;
  m->set_campaign_id(id);
  m->set_route(RouteMessage(w.route));
  m->set_spend(spend);
  ToMessage(MoneyBasis::Given(absl::StrCat("campaigns[", w.campaign, "].spend of ", Quote(id))),
            m->mutable_spend_basis());
  m->set_estimated(e.estimated);
  m->set_note(e.note);
  m->set_members(w.members);
  m->set_treated_units(e.treated_units);
  m->set_comparison_units(e.comparison_units);
  m->set_periods(e.periods);
  m->set_baseline_periods(w.baseline_periods);
  if (!e.estimated) return;
  m->set_effect(e.effect);
  m->set_std_error(e.std_error);
  m->set_degrees_of_freedom(e.degrees_of_freedom);
  m->set_effect_low(e.ci_low);
  m->set_effect_high(e.ci_high);
  auto basis = [&](double low, double high, const char* figure, v1::MoneyBasis* out) {
    ToMessage(MoneyBasis::Estimated(low, high, confidence, absl::StrCat(figure, " of ", w.source)),
              out);
  };
  basis(e.ci_low, e.ci_high, "effect per treated unit and period", m->mutable_effect_basis());
  m->set_total(e.total);
  m->set_total_std_error(e.total_std_error);
  m->set_total_low(e.total_ci_low);
  m->set_total_high(e.total_ci_high);
  basis(e.total_ci_low, e.total_ci_high, "total effect", m->mutable_total_basis());
  m->set_return_per_spend(e.return_per_spend);
  m->set_return_low(e.total_ci_low / spend);
  m->set_return_high(e.total_ci_high / spend);
  basis(e.total_ci_low / spend, e.total_ci_high / spend, "return per unit spent",
        m->mutable_return_basis());
}

void CurveMessage(const RouteCurve& c, double confidence, v1::CampaignRouteCurve* m) {
  m->set_route(RouteMessage(c.route));
  m->set_a(c.a);
  m->set_a_low(c.a_low);
  m->set_a_high(c.a_high);
  m->set_b(c.b);
  m->set_b_low(c.b_low);
  m->set_b_high(c.b_high);
  m->set_campaigns(c.campaigns);
  m->set_saturation_identified(c.saturation_identified);
  ToMessage(MoneyBasis::Estimated(
                c.a_low, c.a_high, confidence,
                absl::StrCat("a(1 - e^(-b x)) fitted to the ", c.campaigns, " measured ",
                             c.route == CampaignRoute::kChain ? "chain" : "community",
                             " campaigns' total effects (weighted least squares, parametric "
                             "bootstrap of ", c.draw_a.size(), " draws)")),
            m->mutable_basis());
}

}  // namespace

absl::StatusOr<WorkspaceCampaignOptions> CampaignOptionsFrom(const v1::CampaignEffectsRequest& r,
                                                             const FieldPath& names) {
  WorkspaceCampaignOptions o;
  if (r.has_start_unix_seconds()) o.start = r.start_unix_seconds();
  if (r.has_end_unix_seconds()) o.end = r.end_unix_seconds();
  if (r.has_period_seconds()) o.period_seconds = r.period_seconds();
  if (r.has_baseline_periods()) o.baseline_periods = r.baseline_periods();
  if (r.has_confidence()) o.confidence = r.confidence();
  if (r.has_draws()) o.draws = r.draws();
  if (r.has_seed()) o.seed = r.seed();
  o.compare_at.assign(r.compare_at_spends().begin(), r.compare_at_spends().end());
  // The request's names of the options the C++ API calls otherwise.
  o.names = names;
  o.names.Rename("start", names("start_unix_seconds"))
      .Rename("end", names("end_unix_seconds"))
      .Rename("compare_at", names("compare_at_spends"));
  return o;
}

absl::Status CampaignEffectsMessage(const Workspace& ws, const v1::CampaignEffectsRequest& request,
                                    v1::CampaignEffectsReport* out) {
  absl::StatusOr<WorkspaceCampaignOptions> o = CampaignOptionsFrom(request, FieldPath("request"));
  if (!o.ok()) return o.status();
  absl::StatusOr<WorkspaceCampaignEffects> r = WorkspaceCampaignEffectsOf(ws, *o);
  if (!r.ok()) return r.status();
  CampaignEffectsReportMessage(ws, *r, out);
  return absl::OkStatus();
}

void CampaignEffectsReportMessage(const Workspace& ws, const WorkspaceCampaignEffects& effects,
                                  v1::CampaignEffectsReport* out) {
  const WorkspaceCampaignEffects* r = &effects;
  out->set_start_unix_seconds(r->start);
  out->set_end_unix_seconds(r->end);
  out->set_period_seconds(r->period_seconds);
  out->set_periods(r->periods);
  out->set_baseline_periods(r->baseline_periods);
  out->set_confidence(r->confidence);
  for (const WorkspaceCampaignEffect& w : r->campaigns)
    EffectMessage(ws, w, r->confidence, out->add_campaigns());
  for (const RouteCurve& c : r->curves) CurveMessage(c, r->confidence, out->add_curves());
  for (const RouteOdds& x : r->odds) {
    v1::CampaignRouteOdds* m = out->add_odds();
    m->set_spend(x.spend);
    m->set_probability_community_returns_more(x.probability_community_returns_more);
  }
  for (const std::string& n : r->notes) out->add_notes(n);
}

}  // namespace mitra::channels
