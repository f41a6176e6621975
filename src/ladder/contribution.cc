#include "mitra/ladder/contribution.h"

#include <cmath>
#include <string>
#include <utility>

#include "common/request_errors.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "mitra/core/time_format.h"

namespace mitra::ladder {
namespace {

constexpr double kSecondsPerDay = 86400;
constexpr double kSecondsPerYear = 365.25 * 86400;
constexpr double kMaxDays = 1e6;
constexpr int kMaxSteps = 10000;
constexpr int kReferralKind = 5;  // INTERACTION_KIND_REFERRAL

absl::Status CheckOptions(const ContributionOptions& o) {
  if (o.as_of == kNoTime) return Invalid(o.names("as_of"), "must be a time");
  if (absl::Status s = CheckTime(o.as_of, o.names("as_of")); !s.ok()) return s;
  if (absl::Status s = CheckRanges(
          o.names,
          {{"default_margin_rate", o.default_margin_rate,
            o.default_margin_rate >= 0 && o.default_margin_rate <= 1, "in [0, 1]"},
           {"referral_horizon_days", o.referral_horizon_days,
            o.referral_horizon_days >= 0 && o.referral_horizon_days <= kMaxDays, "in [0, 1e6]"},
           {"discount_rate", o.discount_rate, o.discount_rate >= 0 && o.discount_rate <= 100,
            "in [0, 100] (per year)"},
           {"joined_anyway_share", o.joined_anyway_share,
            o.joined_anyway_share >= 0 && o.joined_anyway_share <= 1, "in [0, 1]"},
           {"acquisition_cost", o.acquisition_cost, o.acquisition_cost >= 0, ">= 0"},
           {"influence_share", o.influence_share, o.influence_share >= 0 && o.influence_share <= 1,
            "in [0, 1]"},
           {"influence_window_days", o.influence_window_days,
            o.influence_window_days >= 0 && o.influence_window_days <= kMaxDays, "in [0, 1e6]"},
           {"influence_persistence", o.influence_persistence,
            o.influence_persistence >= 0 && o.influence_persistence < 1, "in [0, 1)"}});
      !s.ok())
    return s;
  return graph::ValidateInteractionGraphOptions(o.graph);
}

// The referral component's two parts (the referees' discounted margins
// and the referees counted, each shared among her referrers); marks in
// `counted` the transactions it credited (a referee's margins inside a
// referral's window) and counts each referrer's converted referrals.
void ReferralParts(const Tables& t, const ContributionOptions& o, const std::vector<double>& margin,
                   std::vector<double>* value, std::vector<double>* referees,
                   std::vector<uint8_t>* counted, std::vector<uint32_t>* converted) {
  const size_t n = t.customers.ids.size();
  const ReferralTable& r = t.referrals;
  // Converted referrals before as_of, by referee (CSR).
  std::vector<uint32_t> offset(n + 1, 0);
  auto counts = [&](size_t i) {
    return r.converted[i] && r.referee[i] != kNoIndex && r.time[i] < o.as_of;
  };
  for (size_t i = 0; i < r.referrer.size(); ++i) {
    if (!counts(i)) continue;
    ++offset[r.referee[i] + 1];
    ++(*converted)[r.referrer[i]];
  }
  for (size_t c = 0; c < n; ++c) offset[c + 1] += offset[c];
  std::vector<uint32_t> of_referee(offset[n]);
  {
    std::vector<uint32_t> fill(offset.begin(), offset.end() - 1);
    for (size_t i = 0; i < r.referrer.size(); ++i)
      if (counts(i)) of_referee[fill[r.referee[i]]++] = static_cast<uint32_t>(i);
  }
  const int64_t horizon = static_cast<int64_t>(std::llround(o.referral_horizon_days * kSecondsPerDay));
  // The referee's margins in each of their referrals' windows.
  const TransactionTable& x = t.transactions;
  for (size_t i = 0; i < x.customer.size(); ++i) {
    const Index j = x.customer[i];
    const uint32_t b = offset[j], e = offset[j + 1];
    if (b == e) continue;
    const double k = e - b;
    for (uint32_t p = b; p < e; ++p) {
      const size_t ref = of_referee[p];
      const int64_t start = r.time[ref];
      const int64_t end = horizon > 0 && start < o.as_of - horizon ? start + horizon : o.as_of;
      if (x.time[i] < start || x.time[i] >= end) continue;
      const double years = static_cast<double>(x.time[i] - start) / kSecondsPerYear;
      (*value)[r.referrer[ref]] += margin[i] * std::pow(1 + o.discount_rate, -years) / k;
      (*counted)[i] = 1;
    }
  }
  for (size_t j = 0; j < n; ++j) {
    const uint32_t b = offset[j], e = offset[j + 1];
    for (uint32_t p = b; p < e; ++p) (*referees)[r.referrer[of_referee[p]]] += 1.0 / (e - b);
  }
}

// Splits amount y[j] of each customer j with out-edges among the customers
// j attends to (by edge weight); returns what each receives.
std::vector<double> Spread(const graph::CsrGraph& g, const std::vector<double>& out_weight,
                           const std::vector<double>& y) {
  std::vector<double> next(y.size(), 0.0);
  for (uint32_t j = 0; j < g.num_nodes(); ++j) {
    if (y[j] == 0 || !(out_weight[j] > 0)) continue;
    const absl::Span<const graph::NodeId> to = g.out_neighbors(j);
    const absl::Span<const double> w = g.out_weights(j);
    for (size_t e = 0; e < to.size(); ++e) next[to[e]] += y[j] * (w.empty() ? 1.0 : w[e]) / out_weight[j];
  }
  return next;
}

}  // namespace

graph::InteractionGraphOptions DefaultInfluenceGraph() {
  graph::InteractionGraphOptions o;
  o.kind_weights[kReferralKind] = 0;
  return o;
}

absl::StatusOr<Contributions> ComputeContributions(const Tables& t, const ContributionOptions& o) {
  if (absl::Status s = CheckOptions(o); !s.ok()) return s;
  if (absl::Status s = CheckTableReferences(t); !s.ok()) return s;
  const size_t n = t.customers.ids.size();
  absl::StatusOr<std::vector<double>> cocreation = cocreation::CoCreationCredit(n, o.changes, o.as_of);
  if (!cocreation.ok()) return cocreation.status();

  Contributions out;
  out.as_of = o.as_of;
  out.cocreation = *std::move(cocreation);
  out.referral_margin.assign(n, 0.0);
  out.referral_referees.assign(n, 0.0);
  out.converted_referrals.assign(n, 0);
  const std::vector<double> margin = TransactionMargins(t, o.default_margin_rate);
  std::vector<uint8_t> counted(margin.size(), 0);
  ReferralParts(t, o, margin, &out.referral_margin, &out.referral_referees, &counted,
                &out.converted_referrals);
  out.referral.resize(n);
  for (size_t c = 0; c < n; ++c)
    out.referral[c] = ReferralValueAt(out, c, o.joined_anyway_share, o.acquisition_cost);

  // Influence: each customer's margin in the window, less what referral
  // value already credited, split among the customers they attend to.
  const TransactionTable& x = t.transactions;
  const int64_t start =
      o.influence_window_days == 0
          ? kMinTime - 1
          : o.as_of - static_cast<int64_t>(std::llround(o.influence_window_days * kSecondsPerDay));
  out.own_margin.assign(n, 0.0);
  std::vector<double> base(n, 0.0);
  for (size_t i = 0; i < x.customer.size(); ++i) {
    if (x.time[i] >= o.as_of || x.time[i] < start) continue;
    out.own_margin[x.customer[i]] += margin[i];
    if (!counted[i]) base[x.customer[i]] += margin[i];
  }
  graph::InteractionGraphOptions go = o.graph;
  go.as_of = o.as_of - 1;
  absl::StatusOr<graph::InteractionGraph> ig = graph::BuildInteractionGraph(t, go);
  if (!ig.ok()) return ig.status();
  const graph::CsrGraph& g = ig->graph;
  std::vector<double> out_weight(n, 0.0);
  for (uint32_t j = 0; j < g.num_nodes(); ++j) {
    const absl::Span<const double> w = g.out_weights(j);
    out_weight[j] = w.empty() ? static_cast<double>(g.out_degree(j)) : 0.0;
    for (double v : w) out_weight[j] += v;
  }
  const double alpha = o.influence_share, delta = o.influence_persistence;
  for (size_t j = 0; j < n; ++j) base[j] = out_weight[j] > 0 ? alpha * base[j] : 0.0;
  std::vector<double> y = Spread(g, out_weight, base);  // step 1: received from those attending
  out.influence.assign(n, 0.0);
  out.influence_steps = 1;
  double total = 0;
  for (double v : base) total += v;
  while (true) {
    // Recipients keep 1 - delta (everything when they attend to nobody) and
    // pass delta on.
    double passed = 0;
    for (size_t i = 0; i < n; ++i) {
      if (y[i] == 0) continue;
      const double pass = out_weight[i] > 0 ? delta * y[i] : 0.0;
      out.influence[i] += y[i] - pass;
      y[i] = pass;
      passed += pass;
    }
    if (!(passed > 1e-15 * total) || out.influence_steps >= kMaxSteps) {
      for (size_t i = 0; i < n; ++i) out.influence[i] += y[i];  // what is still travelling
      break;
    }
    y = Spread(g, out_weight, y);
    ++out.influence_steps;
  }

  out.total.resize(n);
  for (size_t c = 0; c < n; ++c) out.total[c] = out.referral[c] + out.influence[c] + out.cocreation[c];
  return out;
}

}  // namespace mitra::ladder
