// `mitra value --model sbg | bgbb`: the discrete-time value models on a
// workspace (docs/VALUE.md, "Discrete-time models on a workspace").
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "args.h"
#include "common.h"
#include "mitra/value/discrete_messages.h"

namespace mitra::cli {

const char kValueDiscreteHelp[] = R"(Usage: mitra value (SNAPSHOT | DIR) --model sbg|bgbb --period DURATION --calibration-end TIME [options]

--model sbg: the shifted-beta-geometric model of contract renewal, one fit
per acquisition cohort (the period of a customer's first transaction; she
is active after t renewals when she has a transaction t periods after it or
later). One row per cohort: cohort, size, observed_periods, active, alpha,
alpha_se, beta, beta_se, log_likelihood, derl, retention_elasticity,
residual_payments, residual_value and survivors (projected, t = 0..horizon,
separated by ';').

--model bgbb: the BG/BB model of transactions at discrete opportunities,
each period after a customer's first an opportunity. One row per customer:
customer_id, x, t_x, n, p_alive (at the next opportunity) and
expected_transactions (over --horizon opportunities). The fitted model goes
to standard error, or to standard output when -o is given.

Options:
  --period DURATION        the renewal period or opportunity (required: month,
                           year, week, day, hour or seconds)
  --calibration-end TIME   the period holding it is the last observed (required)
  --origin TIME            periods start at origin + k * period (default 0)
  --horizon N              sbg: periods to project (default: those observed);
                           bgbb: opportunities ahead (default 1)
  --discount-rate D        sbg: per period, for DERL and its elasticity
  --value-per-period V     sbg: money per period of an active subscriber:
                           each cohort's residual value, with its basis
  --min-cohort-size N      sbg: leave out smaller cohorts
  --format csv|json        (default csv)
  -o FILE                  write the table to FILE
)";

namespace {

std::string Num(double v) { return Significant(v, 6); }

std::string Se(const v1::FitReport& r, const char* name) {
  auto it = r.standard_errors().find(name);
  return it == r.standard_errors().end() ? std::string() : Num(it->second);
}

std::string SbgTable(const v1::SbgFitResult& result) {
  std::ostringstream out;
  out << "cohort,size,observed_periods,active,alpha,alpha_se,beta,beta_se,log_likelihood,derl,"
         "retention_elasticity,residual_payments,residual_value,survivors\n";
  for (const v1::SbgCohortResult& c : result.cohorts()) {
    const v1::SbgModel& m = c.model();
    const bool discounted = result.discount_rate() > 0;
    out << c.name() << "," << Num(c.size()) << "," << c.observed_periods() << "," << Num(c.active())
        << "," << Num(m.alpha()) << "," << Se(m.report(), "alpha") << "," << Num(m.beta()) << ","
        << Se(m.report(), "beta") << "," << Num(m.report().log_likelihood()) << ","
        << (discounted ? Num(c.derl()) : "") << ","
        << (discounted ? Num(c.retention_elasticity()) : "") << ","
        << (discounted ? Num(c.residual_payments()) : "") << ","
        << (c.has_residual_value() ? Num(c.residual_value()) : "") << ",";
    for (int t = 0; t < c.survivors_size(); ++t) out << (t ? ";" : "") << Num(c.survivors(t));
    out << "\n";
  }
  return out.str();
}

std::string SbgNotes(const v1::SbgFitResult& result) {
  std::ostringstream out;
  out << "sBG: " << result.cohorts_size() << " cohorts";
  if (result.discount_rate() > 0) out << "; DERL at " << Num(result.discount_rate()) << " a period";
  out << "\n";
  for (const v1::SbgCohortResult& c : result.cohorts()) {
    if (c.model().report().at_boundary())
      out << "WARNING: cohort " << c.name() << ": the fit is at a boundary, not a fit to read: "
          << c.model().report().boundary_reason() << "\n";
    if (c.has_residual_value())
      out << "cohort " << c.name() << " residual value " << Num(c.residual_value()) << "; "
          << BasisText(c.residual_value_basis(), 2) << "\n";
  }
  return out.str();
}

std::string BgBbNotes(const v1::BgBbModel& m, int customers) {
  std::ostringstream out;
  out << "BG/BB on " << customers << " customers:";
  for (auto [name, v] : {std::pair{"alpha", m.alpha()}, {"beta", m.beta()}, {"gamma", m.gamma()},
                         {"delta", m.delta()}}) {
    const std::string se = Se(m.report(), name);
    out << " " << name << "=" << Num(v) << " (se " << (se.empty() ? "n/a" : se) << ")";
  }
  out << "; log-likelihood " << Num(m.report().log_likelihood()) << ", " << m.report().iterations()
      << " iterations\n";
  if (m.report().at_boundary())
    out << "WARNING: the BG/BB fit is at a boundary, not a fit to read: "
        << m.report().boundary_reason() << "\n";
  return out.str();
}

}  // namespace

int ValueDiscreteCommand(const std::vector<std::string>& args) {
  CommandArgs cl("value", args, {"csv", "json"});
  std::string model;
  v1::DiscretePeriods periods;
  v1::WorkspaceSbgRequest sbg;
  v1::WorkspaceBgBbRequest bgbb;
  std::optional<int> horizon;
  while (cl.Next()) {
    const std::string& a = cl.option();
    if (a == "--model") {
      if (!cl.Value(&model) || (model != "sbg" && model != "bgbb")) return cl.Needs("sbg or bgbb");
    } else if (a == "--period") {
      int64_t d;
      if (!cl.Duration(&d)) return cl.Needs("hour, day, week, month, year or seconds");
      periods.set_period_seconds(d);
    } else if (a == "--calibration-end" || a == "--origin") {
      int64_t t;
      if (!cl.Time(&t)) return cl.Needs(kTimeArg);
      if (a == "--origin") periods.set_origin_unix_seconds(t);
      else periods.set_end_unix_seconds(t);
    } else if (a == "--horizon") {
      int k;
      if (!cl.Whole(&k, 0, 10000)) return cl.Needs("a whole number");
      horizon = k;
    } else if (a == "--discount-rate" || a == "--value-per-period") {
      double d;
      if (!cl.Number(&d)) return cl.Needs("a number");
      if (a == "--discount-rate") sbg.mutable_fit()->set_discount_rate(d);
      else sbg.mutable_fit()->set_value_per_period(d);
    } else if (a == "--min-cohort-size") {
      int64_t k;
      if (!cl.Whole(&k, int64_t{0})) return cl.Needs("a whole number");
      sbg.set_min_cohort_size(k);
    } else {
      return cl.Unknown();
    }
  }
  if (int rc = cl.Finish(); rc != 0) return rc;
  if (periods.period_seconds() == 0)
    return Usage("value --model " + model + " needs --period (the renewal period or opportunity)");
  if (periods.end_unix_seconds() == 0) return Usage("value needs --calibration-end");
  auto ws = LoadWorkspace(cl.source());
  if (!ws.ok()) return Fail(ws.status());
  if (model == "sbg") {
    *sbg.mutable_periods() = periods;
    if (horizon) sbg.mutable_fit()->set_horizon(*horizon);
    v1::SbgFitResult result;
    if (absl::Status s = value::WorkspaceSbg(**ws, sbg, &result); !s.ok()) return Fail(s);
    const std::string body = cl.format() == "json" ? Json(result, true) + "\n" : SbgTable(result);
    return cl.Write(body, absl::StrCat(result.cohorts_size(), " cohorts"), SbgNotes(result));
  }
  *bgbb.mutable_periods() = periods;
  if (horizon) bgbb.set_horizon(*horizon);
  v1::WorkspaceBgBbResult result;
  if (absl::Status s = value::WorkspaceBgBb(**ws, bgbb, &result); !s.ok()) return Fail(s);
  std::string body;
  if (cl.format() == "json") {
    body = Json(result, true) + "\n";
  } else {
    std::ostringstream out;
    out << "customer_id,x,t_x,n,p_alive,expected_transactions\n";
    for (int i = 0; i < result.customer_id_size(); ++i) {
      out << CsvQuote(result.customer_id(i)) << "," << Num(result.x(i)) << "," << Num(result.t_x(i))
          << "," << Num(result.n(i)) << "," << Num(result.probability_alive(i)) << ","
          << Num(result.expected_transactions(i)) << "\n";
    }
    body = out.str();
  }
  return cl.Write(body, absl::StrCat(result.customer_id_size(), " customers"),
                  BgBbNotes(result.model(), result.customer_id_size()));
}

}  // namespace mitra::cli
