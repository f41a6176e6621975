#include "mitra/channels/fitted_split.h"

#include <algorithm>
#include <cmath>
#include <new>

#include "absl/strings/str_cat.h"
#include "common/percentile.h"
#include "common/request_errors.h"

namespace mitra::channels {
namespace {

// A curve's draw may have a = 0 (no effect at all) and ResponseCurve takes
// a, b > 0: a floor this far below any money leaves such a route worthless.
constexpr double kFloor = 1e-12;

absl::StatusOr<ResponseCurve> Curve(double a, double b) {
  return ResponseCurve::Exponential(std::max(a, kFloor), std::max(b, kFloor));
}

absl::StatusOr<std::vector<BudgetRoute>> Routes(double chain_a, double chain_b, double chain_value,
                                                double community_a, double community_b,
                                                double community_value) {
  auto chain = Curve(chain_a, chain_b);
  if (!chain.ok()) return chain.status();
  auto community = Curve(community_a, community_b);
  if (!community.ok()) return community.status();
  return std::vector<BudgetRoute>{{"chain", *std::move(chain), chain_value},
                                  {"community", *std::move(community), community_value}};
}

}  // namespace

absl::StatusOr<FittedSplit> SplitOnFittedCurves(double budget, const RouteCurve& chain,
                                                double chain_value, const RouteCurve& community,
                                                double community_value, double confidence,
                                                const FieldPath& names) {
  if (absl::Status s = CheckConfidence(confidence, names("confidence")); !s.ok()) return s;
  if (chain.draw_a.size() != community.draw_a.size() || chain.draw_a.empty() ||
      chain.draw_b.size() != chain.draw_a.size() ||
      community.draw_b.size() != community.draw_a.size())
    return Invalid(names("community"), "the curves need the same number of draws, > 0");
  FittedSplit out;
  auto routes = Routes(chain.a, chain.b, chain_value, community.a, community.b, community_value);
  if (!routes.ok()) return routes.status();
  out.routes = *std::move(routes);
  auto split = SplitBudget(budget, out.routes, names);
  if (!split.ok()) return split.status();
  out.split = *std::move(split);
  const double x0 = out.split.routes[0].spend, x1 = out.split.routes[1].spend;
  const bool chain_more = x0 > x1;
  try {
    const size_t n = chain.draw_a.size();
    size_t same = 0;
    std::vector<double> r0(n), r1(n);
    for (size_t d = 0; d < n; ++d) {
      r0[d] = chain.draw_a[d] * -std::expm1(-chain.draw_b[d] * x0);
      r1[d] = community.draw_a[d] * -std::expm1(-community.draw_b[d] * x1);
      auto drawn = Routes(chain.draw_a[d], chain.draw_b[d], chain_value, community.draw_a[d],
                          community.draw_b[d], community_value);
      if (!drawn.ok()) return drawn.status();
      auto s = SplitBudget(budget, *drawn, names);
      if (!s.ok()) return s.status();
      same += (s->routes[0].spend > s->routes[1].spend) == chain_more;
    }
    out.ranking_probability = static_cast<double>(same) / n;
    const double tail = (1 - confidence) / 2;
    for (std::vector<double>* r : {&r0, &r1}) {
      out.response_low.push_back(Percentile(*r, tail));
      out.response_high.push_back(Percentile(*r, 1 - tail));
    }
    return out;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("budget split on fitted curves: out of memory");
  }
}

}  // namespace mitra::channels
