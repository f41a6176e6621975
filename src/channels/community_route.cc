#include "mitra/channels/community_route.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/request_errors.h"
#include "absl/strings/str_cat.h"

namespace mitra::channels {
namespace {

bool Finite(double v) { return std::isfinite(v); }

}  // namespace

PlanFigures FiguresOf(const activation::PlanResult& plan) {
  PlanFigures f;
  for (const activation::PlannedSeed& s : plan.seeds) {
    f.costs.push_back(s.cost);
    f.gains.push_back(s.marginal_gain);
  }
  f.total_cost = plan.total_cost;
  f.reach = plan.check.mean;
  f.reach_low = plan.check.ci_low;
  f.reach_high = plan.check.ci_high;
  return f;
}

absl::StatusOr<ConversionRate> ReferralConversionRate(const ReferralTable& r, int64_t start,
                                                      int64_t end, double z) {
  ConversionRate c;
  c.from_referrals = true;
  for (size_t i = 0; i < r.referrer.size(); ++i) {
    if (r.time[i] < start || r.time[i] >= end) continue;
    ++c.referrals;
    c.converted += r.converted[i] != 0;
  }
  if (c.referrals == 0)
    return absl::FailedPreconditionError(
        "conversion_rate: not given, and the workspace has no referral in the window to "
        "estimate it from");
  const double n = static_cast<double>(c.referrals);
  const double p = static_cast<double>(c.converted) / n;
  c.rate = p;
  // Wilson score interval (docs/CHANNELS.md, "Model and formulas").
  const double z2 = z * z;
  const double mid = p + z2 / (2 * n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  c.low = std::max(0.0, (mid - half) / (1 + z2 / n));
  c.high = std::min(1.0, (mid + half) / (1 + z2 / n));
  return c;
}

absl::StatusOr<CommunityRoute> EvaluateCommunityRoute(const PlanFigures& plan,
                                                      const ConversionRate& rate,
                                                      const CommunityRouteOptions& o) {
  const std::string p = o.names("plan");
  if (plan.costs.size() != plan.gains.size())
    return Invalid(p + ".marginal_gains", absl::StrCat("has ", plan.gains.size(), " values for ",
                                                       plan.costs.size(), " seeds"));
  for (size_t i = 0; i < plan.costs.size(); ++i) {
    if (!(Finite(plan.costs[i]) && plan.costs[i] >= 0))
      return Invalid(absl::StrCat(p, ".costs[", i, "]"),
                     absl::StrCat("must be finite and >= 0, got ", plan.costs[i]));
    if (!(Finite(plan.gains[i]) && plan.gains[i] >= 0))
      return Invalid(absl::StrCat(p, ".marginal_gains[", i, "]"),
                     absl::StrCat("must be finite and >= 0, got ", plan.gains[i]));
  }
  for (const auto& [v, name] : {std::pair{plan.total_cost, ".total_cost"},
                                {plan.reach, ".check.mean"},
                                {plan.reach_low, ".check.ci_low"},
                                {plan.reach_high, ".check.ci_high"}}) {
    if (!(Finite(v) && v >= 0))
      return Invalid(p + name, absl::StrCat("must be finite and >= 0, got ", v));
  }
  if (!(rate.rate > 0 && rate.rate <= 1))
    return Invalid(o.names("conversion_rate"),
                   absl::StrCat("must be in (0, 1], got ", rate.rate));
  if (!(Finite(o.value_per_conversion) && o.value_per_conversion >= 0))
    return Invalid(o.names("value_per_conversion"),
                   absl::StrCat("must be finite and >= 0, got ", o.value_per_conversion));
  if (!(Finite(o.extra_cost) && o.extra_cost >= 0))
    return Invalid(o.names("extra_cost"),
                   absl::StrCat("must be finite and >= 0, got ", o.extra_cost));
  CommunityRoute r;
  r.seeds = plan.costs.size();
  r.cost = plan.total_cost + o.extra_cost;
  const double less = o.include_seeds ? 0 : static_cast<double>(r.seeds);
  r.reached = std::max(0.0, plan.reach - less);
  r.reached_low = std::max(0.0, plan.reach_low - less);
  r.reached_high = std::max(0.0, plan.reach_high - less);
  r.conversion = rate;
  r.conversions = r.reached * rate.rate;
  r.conversions_low = r.reached_low * rate.low;
  r.conversions_high = r.reached_high * rate.high;
  const double inf = std::numeric_limits<double>::infinity();
  auto per = [&](double conv) { return conv > 0 ? r.cost / conv : inf; };
  r.cost_per_acquired = per(r.conversions);
  r.cost_per_acquired_low = per(r.conversions_high);
  r.cost_per_acquired_high = per(r.conversions_low);
  r.value_per_conversion = o.value_per_conversion;
  r.expected_profit = r.conversions * o.value_per_conversion - r.cost;
  // The curve, scaled so that its end is the checked reach (IMM's gains
  // estimate the same spread from the RR sets that chose the seeds).
  double gains = 0;
  for (double g : plan.gains) gains += g;
  const double scale = gains > 0 ? plan.reach / gains : 0;
  r.curve_spend.push_back(0);
  r.curve_conversions.push_back(0);
  double spend = 0, reach = 0;
  for (size_t i = 0; i < plan.costs.size(); ++i) {
    spend += plan.costs[i];
    reach += plan.gains[i] * scale;
    if (!(spend > r.curve_spend.back())) continue;  // a free seed: no new point
    const double reached = std::max(0.0, reach - (o.include_seeds ? 0.0 : double(i + 1)));
    r.curve_spend.push_back(spend);
    r.curve_conversions.push_back(reached * rate.rate);
  }
  return r;
}

}  // namespace mitra::channels
