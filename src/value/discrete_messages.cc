#include "mitra/value/discrete_messages.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_join.h"
#include "common/format.h"
#include "common/request_errors.h"
#include "mitra/core/time_format.h"
#include "mitra/value/discrete_periods.h"

namespace mitra::value {
namespace {

const std::vector<std::string>& SbgNames() {
  static const auto* names = new std::vector<std::string>{"alpha", "beta"};
  return *names;
}
const std::vector<std::string>& BgBbNames() {
  static const auto* names = new std::vector<std::string>{"alpha", "beta", "gamma", "delta"};
  return *names;
}

template <typename Field>
absl::Span<const double> Column(const Field& f) {
  return absl::Span<const double>(f.data(), static_cast<size_t>(f.size()));
}

// The wire's options under `where`; 0 is "not given" for max_iterations
// and gradient_tolerance. The fit's own check (CheckFitOptions) checks them.
absl::StatusOr<FitOptions> OptionsFrom(const v1::FitOptions& o, const std::string& where,
                                       const std::vector<std::string>& names) {
  FitOptions out;
  out.names = FieldPath(where);
  out.penalizer = o.penalizer();
  if (o.max_iterations() != 0) out.max_iterations = o.max_iterations();
  if (o.gradient_tolerance() != 0) out.gradient_tolerance = o.gradient_tolerance();
  out.standard_errors = !o.skip_standard_errors();
  if (o.initial().empty()) return out;
  for (const auto& [name, value] : o.initial()) {
    if (std::find(names.begin(), names.end(), name) == names.end())
      return Invalid(absl::StrCat(where, ".initial.", name),
                     absl::StrCat("not a parameter of this model (", absl::StrJoin(names, ", "), ")"));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    auto it = o.initial().find(names[i]);
    out.initial.push_back(it == o.initial().end() ? 1.0 : it->second);
    out.names.Rename(absl::StrCat("initial[", i, "]"), absl::StrCat(where, ".initial.", names[i]));
  }
  return out;
}

void ReportTo(const FitReport& fit, const std::vector<std::string>& names,
              absl::Span<const double> params, int64_t rows, v1::FitReport* r) {
  r->set_log_likelihood(fit.log_likelihood);
  r->set_iterations(fit.iterations);
  r->set_evaluations(fit.evaluations);
  r->set_gradient_norm(fit.gradient_norm);
  r->set_total_weight(fit.total_weight);
  r->set_rows(rows);
  for (size_t i = 0; i < fit.standard_errors.size() && i < names.size(); ++i)
    (*r->mutable_standard_errors())[names[i]] = fit.standard_errors[i];
  if (fit.log_covariance.size() == names.size() * names.size()) {
    for (const std::string& name : names) r->add_covariance_parameters(name);
    r->mutable_log_covariance()->Add(fit.log_covariance.begin(), fit.log_covariance.end());
  }
  if (fit.AtBoundary()) {
    r->set_at_boundary(true);
    r->set_boundary_reason(FitBoundaryReason(fit, names, params));
  }
}

absl::Status Positive(double v, const std::string& where) {
  return CheckRange(v, where, v > 0, "finite and > 0");
}

// A cohort's survivors from the wire: `survivors` as given, or size minus
// the running total of `lost`.
absl::Status Survivors(const v1::SbgCohort& c, const std::string& where, std::vector<double>* out) {
  out->clear();
  if (!c.lost().empty()) {
    if (!c.survivors().empty())
      return Invalid(where, "give survivors or size with lost, not both");
    if (absl::Status s = Positive(c.size(), where + ".size"); !s.ok()) return s;
    double alive = c.size();
    out->push_back(alive);
    for (int t = 0; t < c.lost_size(); ++t) {
      const std::string at = absl::StrCat(where, ".lost[", t, "]");
      if (absl::Status s = CheckRange(c.lost(t), at, c.lost(t) >= 0, "finite and >= 0"); !s.ok())
        return s;
      alive -= c.lost(t);
      if (alive < -1e-9 * c.size())
        return Invalid(at, absl::StrCat("the cohort has lost more than its size ", c.size()));
      out->push_back(std::max(alive, 0.0));
    }
    return absl::OkStatus();
  }
  if (c.size() != 0 && c.size() != (c.survivors().empty() ? 0 : c.survivors(0)))
    return Invalid(where + ".size", "given with survivors, it must equal survivors[0]");
  out->assign(c.survivors().begin(), c.survivors().end());
  return absl::OkStatus();
}

constexpr int kMaxHorizon = 1200;  // periods: sbg.h's longest cohort

// Fills one cohort's projections from its fitted parameters.
absl::Status Project(const SbgParams& p, const v1::SbgFitRequest& r, absl::Span<const double> alive,
                     const std::string& where, v1::SbgCohortResult* c) {
  const int observed = static_cast<int>(alive.size()) - 1;
  const int horizon = r.horizon() != 0 ? r.horizon() : observed;
  c->set_size(alive[0]);
  c->set_observed_periods(observed);
  c->set_active(alive.back());
  for (int t = 0; t <= horizon; ++t) {
    const double s = SbgSurvival(p, t);
    c->add_survival(s);
    c->add_survivors(alive[0] * s);
    if (t > 0) c->add_retention(SbgRetentionRate(p, t));
  }
  if (r.discount_rate() == 0) return absl::OkStatus();
  absl::StatusOr<double> derl = SbgDiscountedResidualLifetime(p, r.discount_rate(), observed);
  if (!derl.ok()) return derl.status();
  absl::StatusOr<double> elasticity = SbgRetentionElasticity(p, r.discount_rate(), observed);
  if (!elasticity.ok()) return elasticity.status();
  c->set_derl(*derl);
  c->set_retention_elasticity(*elasticity);
  c->set_residual_payments(alive.back() * *derl);
  if (r.has_value_per_period()) {
    c->set_residual_value(c->residual_payments() * r.value_per_period());
    v1::MoneyBasis* b = c->mutable_residual_value_basis();
    b->set_kind(v1::MONEY_BASIS_KIND_ESTIMATED);
    b->set_source(Format(
        "sBG fit of %s (alpha %.4g, beta %.4g): %.6g active x DERL %.6g at discount rate %g "
        "per period x value_per_period %g given (%s.value_per_period); point estimate, no interval",
        where.c_str(), p.alpha, p.beta, alive.back(), *derl, r.discount_rate(),
        r.value_per_period(), where.substr(0, where.find(".cohorts")).c_str()));
  }
  return absl::OkStatus();
}

absl::Status CheckPeriods(const v1::DiscretePeriods& p, const std::string& where, PeriodGrid* grid) {
  if (p.period_seconds() <= 0)
    return Invalid(where + ".period_seconds", "required, > 0 (e.g. 2629800 for months)");
  if (p.end_unix_seconds() == 0) return Invalid(where + ".end_unix_seconds", "required");
  if (std::string why = TimeProblem(p.end_unix_seconds()); !why.empty())
    return Invalid(where + ".end_unix_seconds", why);
  if (std::string why = TimeProblem(p.origin_unix_seconds()); !why.empty())
    return Invalid(where + ".origin_unix_seconds", why);
  *grid = PeriodGrid{p.period_seconds(), p.origin_unix_seconds(), p.end_unix_seconds()};
  return absl::OkStatus();
}

// The grid's errors ("period: ...") in the request's terms.
absl::Status InRequestPeriods(const absl::Status& s) {
  return Invalid("request.periods.period_seconds", absl::StripPrefix(s.message(), "period: "));
}

}  // namespace

absl::Status FitSbgCohorts(const v1::SbgFitRequest& r, v1::SbgFitResult* out,
                           absl::string_view where_view) {
  const std::string where(where_view);
  out->Clear();
  if (r.cohorts().empty()) return Invalid(where + ".cohorts", "no cohorts to fit");
  if (absl::Status s = CheckCount(r.horizon(), 0, kMaxHorizon, where + ".horizon"); !s.ok()) return s;
  if (r.discount_rate() != 0) {
    if (absl::Status s = Positive(r.discount_rate(), where + ".discount_rate"); !s.ok()) return s;
  }
  if (r.has_value_per_period()) {
    if (r.discount_rate() == 0)
      return Invalid(where + ".value_per_period", "needs a discount_rate > 0 for the DERL it multiplies");
    if (absl::Status s = CheckRange(r.value_per_period(), where + ".value_per_period",
                                    r.value_per_period() >= 0, "finite and >= 0");
        !s.ok())
      return s;
    if (absl::Status s = CheckMoney(r.value_per_period(), where + ".value_per_period"); !s.ok())
      return s;
  }
  absl::StatusOr<FitOptions> options = OptionsFrom(r.options(), where + ".options", SbgNames());
  if (!options.ok()) return options.status();
  out->set_discount_rate(r.discount_rate());
  std::vector<double> alive;
  for (int i = 0; i < r.cohorts_size(); ++i) {
    const v1::SbgCohort& cohort = r.cohorts(i);
    const std::string at = absl::StrCat(where, ".cohorts[", i, "]");
    if (absl::Status s = Survivors(cohort, at, &alive); !s.ok()) return s;
    CohortSurvival data{alive, at};
    data.column = ".survivors";
    absl::StatusOr<SbgFit> fit = FitSbg(data, *options);
    if (!fit.ok()) return fit.status();
    v1::SbgCohortResult* c = out->add_cohorts();
    c->set_name(cohort.name().empty() ? absl::StrCat("cohorts[", i, "]") : cohort.name());
    v1::SbgModel* m = c->mutable_model();
    m->set_alpha(fit->params.alpha);
    m->set_beta(fit->params.beta);
    ReportTo(fit->report, SbgNames(), {fit->params.alpha, fit->params.beta},
             static_cast<int64_t>(alive.size()), m->mutable_report());
    if (absl::Status s = Project(fit->params, r, alive, at, c); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status FitBgBbColumns(const OpportunityData& data, const v1::FitOptions& o,
                            absl::string_view options_where, v1::BgBbModel* out) {
  out->Clear();
  absl::StatusOr<FitOptions> options = OptionsFrom(o, std::string(options_where), BgBbNames());
  if (!options.ok()) return options.status();
  absl::StatusOr<BgBbFit> fit = FitBgBb(data, *options);
  if (!fit.ok()) return fit.status();
  const BgBbParams& p = fit->params;
  out->set_alpha(p.alpha);
  out->set_beta(p.beta);
  out->set_gamma(p.gamma);
  out->set_delta(p.delta);
  ReportTo(fit->report, BgBbNames(), {p.alpha, p.beta, p.gamma, p.delta},
           static_cast<int64_t>(data.x.size()), out->mutable_report());
  return absl::OkStatus();
}

absl::Status FitBgBbHistories(const v1::BgBbFitRequest& r, v1::BgBbModel* out,
                              absl::string_view where_view) {
  const std::string where(where_view);
  out->Clear();
  if (r.x().empty()) return Invalid(where + ".x", "no histories to fit");
  auto same_length = [&](const char* field, int size) -> absl::Status {
    if (size != r.x_size())
      return Invalid(absl::StrCat(where, ".", field), absl::StrCat(size, " values, but x has ", r.x_size()));
    return absl::OkStatus();
  };
  if (absl::Status s = same_length("t_x", r.t_x_size()); !s.ok()) return s;
  if (absl::Status s = same_length("n", r.n_size()); !s.ok()) return s;
  if (!r.weight().empty()) {
    if (absl::Status s = same_length("weight", r.weight_size()); !s.ok()) return s;
  }
  OpportunityData data{Column(r.x()), Column(r.t_x()), Column(r.n()), Column(r.weight())};
  data.name = where;
  return FitBgBbColumns(data, r.options(), where + ".options", out);
}

absl::StatusOr<SbgParams> SbgParamsFrom(const v1::SbgModel& m, absl::string_view where) {
  for (auto [name, v] : {std::pair{"alpha", m.alpha()}, {"beta", m.beta()}}) {
    if (absl::Status s = Positive(v, absl::StrCat(where, ".", name)); !s.ok()) return s;
  }
  return SbgParams{m.alpha(), m.beta()};
}

absl::StatusOr<BgBbParams> BgBbParamsFrom(const v1::BgBbModel& m, absl::string_view where) {
  for (auto [name, v] : {std::pair{"alpha", m.alpha()}, {"beta", m.beta()}, {"gamma", m.gamma()},
                         {"delta", m.delta()}}) {
    if (absl::Status s = Positive(v, absl::StrCat(where, ".", name)); !s.ok()) return s;
  }
  return BgBbParams{m.alpha(), m.beta(), m.gamma(), m.delta()};
}

absl::Status WorkspaceSbg(const Workspace& ws, const v1::WorkspaceSbgRequest& r,
                          v1::SbgFitResult* out) {
  out->Clear();
  PeriodGrid grid;
  if (absl::Status s = CheckPeriods(r.periods(), "request.periods", &grid); !s.ok()) return s;
  if (!r.fit().cohorts().empty())
    return Invalid("request.fit.cohorts", "must be empty: the cohorts come from the workspace");
  if (r.min_cohort_size() < 0) return Invalid("request.min_cohort_size", "must be >= 0");
  const TransactionTable& t = ws.tables().transactions;
  absl::StatusOr<RenewalCohorts> cohorts = RenewalCohortsOf(t.customer, t.time, grid);
  if (!cohorts.ok()) return InRequestPeriods(cohorts.status());
  v1::SbgFitRequest fit = r.fit();
  for (size_t i = 0; i < cohorts->start.size(); ++i) {
    const std::vector<double>& alive = cohorts->survivors[i];
    if (alive[0] < static_cast<double>(std::max<int64_t>(r.min_cohort_size(), 1))) continue;
    v1::SbgCohort* c = fit.add_cohorts();
    c->set_name(FormatTime(cohorts->start[i]));
    c->mutable_survivors()->Add(alive.begin(), alive.end());
  }
  if (fit.cohorts().empty())
    return absl::FailedPreconditionError(
        "request.periods: no acquisition cohort with a renewal observed (customers first seen "
        "before the last period, at least min_cohort_size of them)");
  return FitSbgCohorts(fit, out, "request.fit");
}

absl::Status WorkspaceBgBb(const Workspace& ws, const v1::WorkspaceBgBbRequest& r,
                           v1::WorkspaceBgBbResult* out) {
  out->Clear();
  PeriodGrid grid;
  if (absl::Status s = CheckPeriods(r.periods(), "request.periods", &grid); !s.ok()) return s;
  const int horizon = r.horizon() == 0 ? 1 : r.horizon();
  if (absl::Status s = CheckCount(horizon, 1, 10000, "request.horizon"); !s.ok()) return s;
  const TransactionTable& t = ws.tables().transactions;
  absl::StatusOr<OpportunityHistories> h = OpportunityHistoriesOf(t.customer, t.time, grid);
  if (!h.ok()) return InRequestPeriods(h.status());
  if (h->x.empty())
    return absl::FailedPreconditionError(
        "request.periods: no customer first seen before the last period");
  // Identical histories merge into weighted rows: the fit is the same, and
  // its cost follows the distinct histories, not the customers.
  std::map<std::tuple<double, double, double>, double> rows;
  for (size_t i = 0; i < h->x.size(); ++i) rows[{h->x[i], h->t_x[i], h->n[i]}] += 1;
  std::vector<double> x, t_x, n, w;
  for (const auto& [key, weight] : rows) {
    x.push_back(std::get<0>(key));
    t_x.push_back(std::get<1>(key));
    n.push_back(std::get<2>(key));
    w.push_back(weight);
  }
  OpportunityData grouped{x, t_x, n, w};
  grouped.name = "workspace histories";
  if (absl::Status s = FitBgBbColumns(grouped, r.options(), "request.options", out->mutable_model());
      !s.ok())
    return s;
  absl::StatusOr<BgBbParams> p = BgBbParamsFrom(out->model(), "model");
  if (!p.ok()) return p.status();
  const OpportunityData each{h->x, h->t_x, h->n};
  std::vector<double> alive(h->x.size()), expected(h->x.size());
  if (absl::Status s = BgBbProbabilityAlive(*p, each, 1, absl::MakeSpan(alive)); !s.ok()) return s;
  if (absl::Status s = BgBbConditionalExpectedTransactions(*p, each, horizon, absl::MakeSpan(expected));
      !s.ok())
    return s;
  out->set_horizon(horizon);
  out->mutable_customer_id()->Reserve(static_cast<int>(h->customer.size()));
  for (uint32_t c : h->customer) {
    auto text = std::make_unique<std::string>(ws.tables().customers.ids.Id(c));
    out->mutable_customer_id()->AddAllocated(text.release());
  }
  out->mutable_x()->Add(h->x.begin(), h->x.end());
  out->mutable_t_x()->Add(h->t_x.begin(), h->t_x.end());
  out->mutable_n()->Add(h->n.begin(), h->n.end());
  out->mutable_probability_alive()->Add(alive.begin(), alive.end());
  out->mutable_expected_transactions()->Add(expected.begin(), expected.end());
  return absl::OkStatus();
}

}  // namespace mitra::value
