#include "mitra/ladder/forward_value.h"

#include <cmath>
#include <limits>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/format.h"
#include "common/request_errors.h"
#include "mitra/activation/posterior.h"
#include "mitra/core/time_format.h"
#include "mitra/ladder/indicators.h"

namespace mitra::ladder {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

absl::Status CheckOptions(const ForwardValueOptions& o) {
  const FieldPath& at = o.names;
  if (o.as_of == kNoTime) return Invalid(at("as_of"), "required");
  if (absl::Status s = CheckRanges(at, {
          {"horizon_days", o.horizon_days, o.horizon_days > 0 && o.horizon_days <= 1e6,
           "in (0, 1e6]"},
          {"default_margin_rate", o.default_margin_rate,
           o.default_margin_rate >= 0 && o.default_margin_rate <= 1, "in [0, 1]"}});
      !s.ok())
    return s;
  if (o.value.summary.unit_seconds() <= 0) return Invalid(at("value.unit_seconds"), "must be > 0");
  return CheckMoney(o.acquisition_cost, at("acquisition_cost"));
}

// Margin over amount of the transactions before as_of (0 without any).
double MarginShare(const Tables& t, int64_t as_of, const std::vector<double>& margin) {
  double m = 0, a = 0;
  for (size_t x = 0; x < margin.size(); ++x) {
    if (t.transactions.time[x] >= as_of) continue;
    m += margin[x];
    a += t.transactions.amount[x];
  }
  return a > 0 ? m / a : 0;
}

const char* ModelName(v1::ValueModel model) {
  switch (model) {
    case v1::VALUE_MODEL_MBG_NBD: return "MBG/NBD";
    case v1::VALUE_MODEL_PARETO_NBD: return "Pareto/NBD";
    default: return "BG/NBD";
  }
}

// The margin of each customer's first transaction before as_of (NaN: none).
std::vector<double> FirstMargins(const Tables& t, int64_t as_of, const std::vector<double>& margin) {
  const size_t n = t.customers.ids.size();
  std::vector<double> first(n, kNaN);
  std::vector<int64_t> when(n, std::numeric_limits<int64_t>::max());
  const TransactionTable& x = t.transactions;
  for (size_t i = 0; i < x.customer.size(); ++i) {
    const Index c = x.customer[i];
    if (x.time[i] >= as_of || x.time[i] >= when[c]) continue;
    when[c] = x.time[i];
    first[c] = margin[i];
  }
  return first;
}

}  // namespace

absl::StatusOr<ForwardValue> EstimateForwardValue(const Workspace& ws,
                                                  const ForwardValueOptions& o) {
  if (absl::Status s = CheckOptions(o); !s.ok()) return s;
  const Tables& t = ws.tables();
  const size_t n = t.customers.ids.size();
  try {
    ForwardValue out;
    out.as_of = o.as_of;
    out.horizon_days = o.horizon_days;
    const std::vector<double> margin = TransactionMargins(t, o.default_margin_rate);
    out.margin_share = MarginShare(t, o.as_of, margin);
    const std::string when = FormatTime(o.as_of);

    // The value model on the purchases before as_of.
    value::CustomerValueOptions vo = o.value;
    vo.summary.set_calibration_end_unix_seconds(o.as_of - 1);
    vo.horizon = o.horizon_days * 86400.0 / static_cast<double>(vo.summary.unit_seconds());
    absl::StatusOr<value::CustomerValueTable> v = value::ScoreCustomers(ws, vo);
    if (!v.ok())
      return absl::FailedPreconditionError(absl::StrCat(
          "forward value as of ", when, ": the value model could not be fitted: ",
          v.status().message()));
    if (!v->spend_model)
      return absl::FailedPreconditionError(absl::StrCat(
          "forward value as of ", when, ": the spend model could not be fitted: ",
          v->spend_error));
    out.clv.assign(n, kNaN);
    out.expected_purchases.assign(n, 0);
    std::vector<double> spend(n, kNaN);  // per purchase, NaN: not scored
    double spend_sum = 0;
    const v1::CustomerSummaries& S = v->summaries;
    for (int i = 0; i < S.customer_id_size(); ++i) {
      const std::optional<Index> c = t.customers.ids.Find(S.customer_id(i));
      if (!c) continue;
      out.clv[*c] = v->clv[i];
      out.expected_purchases[*c] = v->expected_purchases[i];
      spend[*c] = v->expected_spend[i];
      spend_sum += v->expected_spend[i];
    }
    const double mean_spend = S.customer_id_size() > 0 ? spend_sum / S.customer_id_size() : 0;
    out.expected_spend = spend;
    for (double& s : out.expected_spend)
      if (std::isnan(s)) s = mean_spend;
    out.value_model = Format("%s + Gamma-Gamma on %d customers' purchases before %s",
                             ModelName(vo.model), S.customer_id_size(), when.c_str());

    // Referrals: a referee brings her first purchase's margin and then her
    // CLV in margin.
    ReferralForecastOptions ro;
    ro.as_of = o.as_of;
    ro.horizon_days = o.horizon_days;
    ro.referee_value = FirstMargins(t, o.as_of, margin);
    for (size_t c = 0; c < n; ++c)
      ro.referee_value[c] += out.margin_share * out.clv[c];  // NaN stays unknown
    ro.acquisition_cost = o.acquisition_cost;
    ro.draws = o.referral_draws;
    ro.seed = o.seed;
    ro.confidence = o.confidence;
    ro.memory = o.memory;
    ro.names = o.names;
    ro.names.Rename("draws", o.names("referral_draws"));
    absl::StatusOr<ReferralForecast> rf = ForecastReferralValue(t, ro);
    if (!rf.ok()) return rf.status();
    out.referral = *std::move(rf);

    // Influence: probabilities learned before as_of, values over their
    // posterior.
    graph::WorkspaceInfluenceOptions lo = o.learning;
    lo.graph.as_of = o.as_of - 1;
    if (lo.learning.memory == nullptr) lo.learning.memory = o.memory;
    absl::StatusOr<graph::WorkspaceInfluence> learned = graph::LearnWorkspaceInfluence(t, lo);
    if (!learned.ok()) return learned.status();
    const graph::InfluenceModel& model = learned->model;
    out.actions = model.actions;
    out.episodes = model.episodes;
    out.arcs = model.trials.size();
    for (uint32_t trials : model.trials) out.arcs_with_trials += trials > 0;
    const graph::CsrGraph& g = learned->graph.graph;
    std::vector<double> node_value(g.num_nodes()), weight(g.num_nodes());
    for (uint32_t j = 0; j < g.num_nodes(); ++j) {
      const Index c = learned->graph.customer[j];
      node_value[j] = out.margin_share * out.expected_spend[c];
      weight[j] = out.expected_purchases[c];
    }
    activation::InfluenceValueOptions io;
    io.rr_sets = o.rr_sets;
    io.batches = o.worlds;
    io.seed = o.seed;
    io.confidence = o.confidence;
    io.threads = o.threads;
    io.source_weight = weight;
    io.memory = o.memory;
    io.names = o.names;
    io.names.Rename("batches", o.names("worlds"));
    absl::StatusOr<activation::InfluenceValue> iv = activation::EstimateInfluenceValue(
        g, activation::PosteriorOf(model), node_value, io);
    if (!iv.ok()) return iv.status();
    out.influence.assign(n, 0);
    out.influence_low.assign(n, 0);
    out.influence_high.assign(n, 0);
    for (uint32_t j = 0; j < g.num_nodes(); ++j) {
      const Index c = learned->graph.customer[j];
      out.influence[c] = iv->value[j];
      // A value is never negative; the normal interval's low end can be.
      out.influence_low[c] = std::max(0.0, iv->low[j]);
      out.influence_high[c] = iv->high[j];
    }
    out.influence_total = iv->total;
    out.influence_total_low = std::max(0.0, iv->total_low);
    out.influence_total_high = iv->total_high;
    return out;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("EstimateForwardValue: out of memory");
  }
}

}  // namespace mitra::ladder
