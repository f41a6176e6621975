// `mitra value`: customer value on a workspace, as a CSV or JSON table.
#include <algorithm>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "args.h"
#include "common.h"
#include "mitra/value/customer_value.h"
#include "mitra/value/messages.h"

namespace mitra::cli {

const char kValueHelp[] = R"(Usage: mitra value (SNAPSHOT | DIR) --calibration-end TIME [options]

Summarises each customer's purchases up to the calibration end, fits a
purchase model and the Gamma-Gamma spend model, and writes one row per
customer: frequency, recency, T, monetary_value, p_alive,
expected_purchases (over --horizon), expected_spend, clv, and the RFM
scores and segment. The fitted models and, with --holdout-end, the holdout
check (predicted against actual purchases) go to standard error, or to
standard output when -o is given.

Options (times: ISO 8601 or unix seconds; durations: hour, day, week, month
= 30.4375 days, year = 365.25 days, or a number of seconds):
  --calibration-end TIME   required
  --holdout-end TIME       also compare predictions with the purchases up to TIME
  --model NAME             bgnbd (default), mbgnbd or paretonbd
                           (sbg, bgbb: the discrete-time models, with options
                           of their own: mitra help value-discrete)
  --period DURATION        purchases within one period count once (default day)
  --unit DURATION          the time unit of recency, T and the models (default week)
  --horizon UNITS          expected purchases over this many units (default: a year)
  --clv-periods K          CLV over K periods (default 12)
  --clv-period UNITS       one CLV period in units (default: a month)
  --discount-rate D        per CLV period (default 0.01)
  --threads N              threads for the fits (default 1)
  --intervals              CLV intervals from the fits' parameter uncertainty:
                           clv_low and clv_high columns, and the total CLV
                           with its interval and basis beside the models
  --draws D                parameter draws for the intervals (default 200; implies --intervals)
  --level L                the intervals' level in (0, 1) (default 0.9; implies --intervals)
  --seed S                 the draws' seed (default 0; implies --intervals)
  --tracking PERIODS       also track the model over PERIODS periods of
                           --tracking-step units from --origin: expected
                           against actual cumulative repeat purchases of every
                           customer, each entering at her first purchase
  --tracking-step UNITS    one tracking period in units (default 1)
  --origin TIME            the start of tracking and of the periods (default
                           the unix epoch: UTC midnights for days)
  --interval L             intervals at level L (--intervals --level L)
  --bootstrap              intervals by the bootstrap over customers: --draws
                           refits on resampled customers (implies --intervals)
  --covariates purchase=KEY[,KEY...]
                           time-invariant covariates from customer attributes:
                           each KEY names a customer attribute holding a
                           number; purchase= moves the purchase rate, dropout=
                           the dropout process (repeatable; a customer without
                           the attribute, or with a value that is not a
                           number, is an error, nothing is imputed). Prints
                           each coefficient with its standard error and the
                           likelihood-ratio test against the model without
                           them; --intervals then draw the coefficients too
                           and --tracking sums each customer's own
                           expectation (every tracked customer needs the
                           attributes)
  --covariate-penalty P    L2 penalty on the coefficients (default 0)
  --format csv|json        (default csv)
  -o FILE                  write the table to FILE
)";

namespace {

std::string Num(double v) { return Significant(v, 6); }

// Customers in the spend check: those with holdout purchases.
int64_t SpendBuyers(const v1::HoldoutValidation& h) {
  int64_t n = 0;
  for (const auto& r : h.by_frequency()) n += r.customers();
  return n;
}

// The coefficients of a fit with covariates, in the summaries' column
// order, with their standard errors, and the likelihood-ratio test.
std::string CovariateText(const v1::FittedModel& m, const v1::CustomerSummaries& S) {
  if (m.purchase_coefficients().empty() && m.dropout_coefficients().empty()) return "";
  std::ostringstream out;
  auto process = [&](const char* what, const auto& names, const auto& coef, const auto& se) {
    for (const std::string& k : names) {
      out << "  " << what << " covariate " << k << ": coefficient " << Num(coef.at(k)) << " (se "
          << (se.count(k) ? Num(se.at(k)) : std::string("n/a")) << ")\n";
    }
  };
  process("purchase", S.purchase_covariate_names(), m.purchase_coefficients(),
          m.report().purchase_coefficient_errors());
  process("dropout", S.dropout_covariate_names(), m.dropout_coefficients(),
          m.report().dropout_coefficient_errors());
  const v1::LikelihoodRatioTest& lr = m.report().likelihood_ratio();
  out << "  likelihood-ratio test against the model without covariates: statistic "
      << Num(lr.statistic()) << " on " << lr.degrees_of_freedom() << " degrees of freedom, p-value "
      << Num(lr.p_value()) << " (log-likelihood without covariates " << Num(lr.restricted_log_likelihood())
      << ")\n";
  return out.str();
}

// "--covariates purchase=a,b": the process's attribute keys.
bool CovariateKeys(const std::string& process, const std::string& keys, v1::SummaryRequest* r) {
  auto* list = process == "purchase"  ? r->mutable_purchase_covariate_attributes()
               : process == "dropout" ? r->mutable_dropout_covariate_attributes()
                                      : nullptr;
  if (list == nullptr || keys.empty()) return false;
  for (const absl::string_view k : absl::StrSplit(keys, ',')) list->Add(std::string(k));
  return true;
}

void WriteModels(const value::CustomerValueTable& t, const value::CustomerValueOptions& o,
                 std::ostream& out) {
  const double unit = static_cast<double>(o.summary.unit_seconds());
  out << "customers: " << t.summaries.customer_id_size() << " with a purchase by the calibration end"
      << "; unit " << o.summary.unit_seconds() << " s, period " << o.summary.period_seconds() << " s\n";
  auto model = [&](const char* what, const v1::FittedModel& m) {
    out << what << " " << v1::ValueModel_Name(m.model()).substr(12) << ":";
    for (const std::string& k : value::ParamNames(m.model())) {
      const auto& se = m.report().standard_errors();
      out << " " << k << "=" << Num(m.params().at(k)) << " (se "
          << (se.count(k) ? Num(se.at(k)) : std::string("n/a")) << ")";
    }
    out << "; log-likelihood " << Num(m.report().log_likelihood()) << ", " << m.report().iterations()
        << " iterations, gradient norm " << Num(m.report().gradient_norm()) << "\n";
  };
  model("purchase model", t.purchase_model);
  out << CovariateText(t.purchase_model, t.summaries);
  out << FitChecksText(t.purchase_model, "  ");
  if (t.spend_model) {
    model("spend model", *t.spend_model);
    out << FitChecksText(*t.spend_model, "  ");
  } else {
    out << "spend model: not fitted (" << t.spend_error << ")\n";
  }
  out << "expected purchases over " << Num(o.horizon) << " units (" << Num(o.horizon * unit / 86400)
      << " days); CLV over " << o.clv.periods << " periods of " << Num(o.clv.period_length)
      << " units at " << Num(o.clv.discount_rate) << " a period\n";
  if (t.spend_model) {
    double total = 0;
    for (double v : t.clv) total += v;
    out << "total CLV " << Num(total);
    if (t.clv_basis) out << "; " << BasisText(*t.clv_basis, 2);
    else if (!t.interval_error.empty()) out << "; no interval (" << t.interval_error << ")";
    else out << "; a point estimate at the fitted parameters, no interval (--intervals gives one)";
    out << "\n";
  }
  if (t.purchases_interval) {
    const v1::PredictionInterval& e = *t.purchases_interval;
    out << "total expected purchases " << Num(e.total()) << ", " << Num(100 * t.clv_basis->confidence())
        << "% confidence interval of the expectation [" << Num(e.total_low()) << ", "
        << Num(e.total_high()) << "]\n";
  }
  if (t.realised_purchases) {
    const v1::RealisedInterval& p = *t.realised_purchases;
    out << "realised purchases over the horizon: " << Num(100 * t.clv_basis->confidence())
        << "% prediction interval [" << Num(p.total_low()) << ", " << Num(p.total_high())
        << "] (parameter uncertainty and each customer's purchase randomness)\n";
  }
  if (t.realised_revenue && t.revenue_basis) {
    out << "realised revenue over the horizon " << Num(t.realised_revenue->total()) << " expected; "
        << BasisText(*t.revenue_basis, 2) << "\n";
  }
  if (t.holdout) {
    const v1::HoldoutValidation& h = *t.holdout;
    out << "holdout (" << Num(t.summaries.holdout_length()) << " units): actual " << Num(h.total_actual())
        << " purchases, predicted " << Num(h.total_predicted()) << " (bias " << Num(100 * h.bias())
        << "%), customer MAE " << Num(h.mae()) << ", RMSE " << Num(h.rmse()) << "\n"
        << "  x   customers  actual  predicted (mean holdout purchases)\n";
    for (const auto& r : h.by_frequency())
      out << "  " << r.calibration_frequency() << (&r == &h.by_frequency(h.by_frequency_size() - 1) ? "+" : " ")
          << std::string(r.calibration_frequency() < 10 ? 2 : 1, ' ') << r.customers() << "\t" << Num(r.actual_mean())
          << "\t" << Num(r.predicted_mean()) << "\n";
  }
  if (t.spend_holdout) {
    const v1::HoldoutValidation& h = *t.spend_holdout;
    const double buyers = static_cast<double>(std::max<int64_t>(1, SpendBuyers(h)));
    out << "spend holdout (Gamma-Gamma expected spend per transaction against the actual mean holdout spend of the "
        << SpendBuyers(h) << " customers with holdout purchases): mean actual " << Num(h.total_actual() / buyers)
        << ", mean expected " << Num(h.total_predicted() / buyers) << " (bias "
        << Num(100 * h.bias()) << "%), customer MAE " << Num(h.mae()) << ", RMSE " << Num(h.rmse()) << "\n"
        << "  x   customers  actual  expected (mean spend per holdout transaction)\n";
    for (const auto& r : h.by_frequency())
      out << "  " << r.calibration_frequency() << (&r == &h.by_frequency(h.by_frequency_size() - 1) ? "+" : " ")
          << std::string(r.calibration_frequency() < 10 ? 2 : 1, ' ') << r.customers() << "\t"
          << (r.customers() ? Num(r.actual_mean()) : "-") << "\t" << (r.customers() ? Num(r.predicted_mean()) : "-")
          << "\n";
  }
  if (t.tracking) {
    const value::Tracking& k = *t.tracking;
    const double step = o.tracking->step;
    out << "tracking (cumulative repeat purchases of all customers; period k ends k * " << Num(step)
        << " units after the origin):\n  period  end  actual  expected  actual_incremental  expected_incremental\n";
    for (size_t i = 0; i < k.expected.size(); ++i) {
      const double prev_a = i ? k.actual[i - 1] : 0, prev_e = i ? k.expected[i - 1] : 0;
      out << "  " << i + 1 << "\t" << Num((i + 1) * step) << "\t" << Num(k.actual[i]) << "\t" << Num(k.expected[i])
          << "\t" << Num(k.actual[i] - prev_a) << "\t" << Num(k.expected[i] - prev_e) << "\n";
    }
  }
}

std::string TrackingJson(const value::Tracking& k, double step) {
  std::ostringstream j;
  j << "{\"step\": " << Num(step) << ", \"expected\": [";
  for (size_t i = 0; i < k.expected.size(); ++i) j << (i ? ", " : "") << Num(k.expected[i]);
  j << "], \"actual\": [";
  for (size_t i = 0; i < k.actual.size(); ++i) j << (i ? ", " : "") << Num(k.actual[i]);
  j << "]}";
  return j.str();
}

}  // namespace

int ValueCommand(const std::vector<std::string>& args) {
  // The discrete-time models count periods and have options of their own.
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--model" && (args[i + 1] == "sbg" || args[i + 1] == "bgbb"))
      return ValueDiscreteCommand(args);
  CommandArgs cl("value", args, {"csv", "json"});
  value::CustomerValueOptions o;
  o.summary.set_period_seconds(86400);
  o.summary.set_unit_seconds(7 * 86400);
  std::optional<double> horizon, clv_period;
  o.clv.periods = 12;
  o.clv.discount_rate = 0.01;
  bool have_end = false, intervals = false;
  value::DrawOptions draw;
  value::TrackingGrid tracking;
  while (cl.Next()) {
    const std::string& a = cl.option();
    std::string v;
    if (a == "--calibration-end" || a == "--holdout-end") {
      int64_t t;
      if (!cl.Time(&t)) return cl.Needs(kTimeArg);
      if (a == "--calibration-end") {
        o.summary.set_calibration_end_unix_seconds(t);
        have_end = true;
      } else {
        o.summary.set_holdout_end_unix_seconds(t);
      }
    } else if (a == "--period" || a == "--unit") {
      int64_t d;
      if (!cl.Duration(&d)) return cl.Needs("hour, day, week, month, year or seconds");
      if (a == "--period") o.summary.set_period_seconds(d);
      else o.summary.set_unit_seconds(d);
    } else if (a == "--model") {
      if (!cl.Value(&v)) return cl.Needs("a name");
      if (v == "bgnbd") o.model = v1::VALUE_MODEL_BG_NBD;
      else if (v == "mbgnbd") o.model = v1::VALUE_MODEL_MBG_NBD;
      else if (v == "paretonbd") o.model = v1::VALUE_MODEL_PARETO_NBD;
      else return Usage("--model is bgnbd, mbgnbd or paretonbd");
    } else if (a == "--horizon" || a == "--clv-period" || a == "--discount-rate") {
      double d;
      if (!cl.NonNegative(&d)) return cl.Needs("a number >= 0");
      if (a == "--horizon") horizon = d;
      else if (a == "--clv-period") clv_period = d;
      else o.clv.discount_rate = d;
    } else if (a == "--tracking") {
      int k;
      if (!cl.Whole(&k, 1, 1000000)) return cl.Needs("a whole number of periods in [1, 1000000]");
      tracking.periods = k;
    } else if (a == "--tracking-step") {
      if (!cl.Number(&tracking.step)) return cl.Needs("a number of units > 0");
    } else if (a == "--origin") {
      int64_t t;
      if (!cl.Time(&t)) return cl.Needs(kTimeArg);
      o.summary.set_origin_unix_seconds(t);
    } else if (a == "--covariates") {
      std::string process, keys;
      if (!cl.Pair(&process, &keys) || !CovariateKeys(process, keys, &o.summary))
        return cl.Needs("purchase=KEY[,KEY...] or dropout=KEY[,KEY...]");
    } else if (a == "--covariate-penalty") {
      if (!cl.NonNegative(&o.covariate_penalty)) return cl.Needs("a number >= 0");
    } else if (a == "--intervals") {
      intervals = true;
    } else if (a == "--draws") {
      if (!cl.Whole(&draw.draws)) return cl.Needs("a whole number");
      intervals = true;
    } else if (a == "--level") {
      if (!cl.Number(&draw.level)) return cl.Needs("a number in (0, 1)");
      intervals = true;
    } else if (a == "--interval") {
      if (!cl.Number(&draw.level)) return cl.Needs("a number in (0, 1)");
      intervals = true;
    } else if (a == "--bootstrap") {
      o.interval_method = v1::INTERVAL_METHOD_BOOTSTRAP;
      intervals = true;
    } else if (a == "--seed") {
      if (!cl.Whole(&draw.seed)) return cl.Needs("a whole number");
      intervals = true;
    } else if (a == "--clv-periods" || a == "--threads") {
      int k;
      if (!cl.Whole(&k, 1, a == "--threads" ? 256 : std::numeric_limits<int>::max()))
        return cl.Needs("a whole number");
      if (a == "--clv-periods") o.clv.periods = k;
      else o.threads = k;
    } else {
      return cl.Unknown();
    }
  }
  if (int rc = cl.Finish(); rc != 0) return rc;
  if (!have_end) return Usage("value needs --calibration-end");
  // Defaults follow the unit, so that none is a hidden constant.
  const double unit = static_cast<double>(o.summary.unit_seconds());
  o.horizon = horizon.value_or(31557600 / unit);
  o.clv.period_length = clv_period.value_or(2629800 / unit);
  if (intervals) o.intervals = draw;
  if (tracking.periods > 0) o.tracking = tracking;

  auto ws = LoadWorkspace(cl.source());
  if (!ws.ok()) return Fail(ws.status());
  auto table = value::ScoreCustomers(**ws, o);
  if (!table.ok()) return Fail(table.status());
  const value::CustomerValueTable& t = *table;
  const v1::CustomerSummaries& S = t.summaries;

  std::ostringstream body;
  const bool spend = t.spend_model.has_value();
  // CLV intervals when asked and the fits allowed them.
  const bool with_iv = !t.clv_low.empty();
  auto segment = [&](int i) {
    const int s = t.rfm.segment(i);
    return s < 0 ? std::string() : t.rfm.segments(s).name();
  };
  if (cl.format() == "csv") {
    body << "customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,expected_spend,clv,"
         << (with_iv ? "clv_low,clv_high," : "") << "rfm_r,rfm_f,rfm_m,rfm_segment"
         << (t.holdout ? ",holdout_frequency,holdout_spend" : "") << "\n";
    for (int i = 0; i < S.customer_id_size(); ++i) {
      body << CsvQuote(S.customer_id(i)) << "," << Num(S.frequency(i)) << "," << Num(S.recency(i)) << ","
           << Num(S.t(i)) << "," << Num(S.monetary_value(i)) << "," << Num(t.p_alive[i]) << ","
           << Num(t.expected_purchases[i]) << "," << (spend ? Num(t.expected_spend[i]) : "") << ","
           << (spend ? Num(t.clv[i]) : "") << ","
           << (with_iv ? absl::StrCat(Num(t.clv_low[i]), ",", Num(t.clv_high[i]), ",") : "") << t.rfm.r(i) << "," << t.rfm.f(i) << "," << t.rfm.m(i)
           << "," << segment(i);
      if (t.holdout) body << "," << Num(S.holdout_frequency(i)) << "," << Num(S.holdout_spend(i));
      body << "\n";
    }
  } else {
    body << "{\"purchase_model\": " << Json(t.purchase_model)
         << ", \"spend_model\": " << (spend ? Json(*t.spend_model) : "null")
         << ", \"holdout\": " << (t.holdout ? Json(*t.holdout) : "null")
         << ", \"spend_holdout\": " << (t.spend_holdout ? Json(*t.spend_holdout) : "null")
         << ", \"tracking\": " << (t.tracking ? TrackingJson(*t.tracking, o.tracking->step) : "null")
         << ", \"clv_basis\": " << (t.clv_basis ? Json(*t.clv_basis) : "null")
         << ", \"horizon\": " << Num(o.horizon) << ", \"unit_seconds\": " << o.summary.unit_seconds()
         << ", \"customers\": [";
    for (int i = 0; i < S.customer_id_size(); ++i) {
      v1::IdList quoted;  // protobuf's JSON writer escapes the id for us
      quoted.add_ids(S.customer_id(i));
      std::string id = Json(quoted);
      id = id.substr(id.find('[') + 1, id.rfind(']') - id.find('[') - 1);
      body << (i ? "," : "") << "\n {\"customer_id\": " << id << ", \"frequency\": " << Num(S.frequency(i))
           << ", \"recency\": " << Num(S.recency(i)) << ", \"T\": " << Num(S.t(i))
           << ", \"monetary_value\": " << Num(S.monetary_value(i)) << ", \"p_alive\": " << Num(t.p_alive[i])
           << ", \"expected_purchases\": " << Num(t.expected_purchases[i])
           << ", \"expected_spend\": " << (spend ? Num(t.expected_spend[i]) : "null")
           << ", \"clv\": " << (spend ? Num(t.clv[i]) : "null")
           << (with_iv ? absl::StrCat(", \"clv_low\": ", Num(t.clv_low[i]), ", \"clv_high\": ", Num(t.clv_high[i]))
                       : "")
           << ", \"rfm\": [" << t.rfm.r(i) << ","
           << t.rfm.f(i) << "," << t.rfm.m(i) << "], \"segment\": \"" << segment(i) << "\"}";
    }
    body << "\n]}\n";
  }
  // The fitted models: beside the table (on standard error), or with -o on
  // standard output.
  std::ostringstream models;
  WriteModels(t, o, models);
  return cl.Write(body.str(), absl::StrCat(S.customer_id_size(), " customers"), models.str());
}

}  // namespace mitra::cli
