#include "mitra/channels/budget_split.h"

#include <algorithm>
#include <cmath>

#include "common/request_errors.h"
#include "absl/strings/str_cat.h"

namespace mitra::channels {
namespace {

absl::Status CheckAB(double a, double b, const FieldPath& names) {
  if (absl::Status s = CheckRange(a, names("a"), a > 0, "finite and > 0"); !s.ok()) return s;
  return CheckRange(b, names("b"), b > 0, "finite and > 0");
}

// (b - o) x (c - o): > 0 when o -> b -> c turns left (b lies below o -> c).
double Cross(double ox, double oy, double bx, double by, double cx, double cy) {
  return (bx - ox) * (cy - oy) - (by - oy) * (cx - ox);
}

}  // namespace

absl::StatusOr<ResponseCurve> ResponseCurve::PiecewiseLinear(const std::vector<double>& spend,
                                                             const std::vector<double>& response,
                                                             const FieldPath& names) {
  if (spend.empty()) return Invalid(names("spend"), "needs at least one point");
  if (spend.size() != response.size())
    return Invalid(names("response"), absl::StrCat("has ", response.size(), " values for ",
                                                   spend.size(), " spend points"));
  // Names are made only for an error (a curve may have a million points).
  auto point = [&](const char* list, size_t i) { return names(absl::StrCat(list, "[", i, "]")); };
  for (size_t i = 0; i < spend.size(); ++i) {
    if (!(std::isfinite(spend[i]) && spend[i] >= 0))
      return CheckRange(spend[i], point("spend", i), false, "finite and >= 0");
    if (i > 0 && !(spend[i] > spend[i - 1]))
      return Invalid(point("spend", i), absl::StrCat("must exceed spend[", i - 1, "] = ",
                                                     spend[i - 1], ", got ", spend[i]));
    if (!(std::isfinite(response[i]) && response[i] >= 0))
      return CheckRange(response[i], point("response", i), false, "finite and >= 0");
  }
  std::vector<double> x, y;
  if (spend[0] > 0) x.push_back(0), y.push_back(0);
  x.insert(x.end(), spend.begin(), spend.end());
  y.insert(y.end(), response.begin(), response.end());
  ResponseCurve c;
  c.shape_ = Shape::kPiecewiseLinear;
  // The least concave majorant: the upper hull, scanned left to right.
  const double scale =
      std::max(1.0, *std::max_element(y.begin(), y.end())) * std::max(1.0, x.back());
  for (size_t i = 0; i < x.size(); ++i) {
    while (c.xs_.size() >= 2) {
      const size_t k = c.xs_.size();
      const double cr = Cross(c.xs_[k - 2], c.ys_[k - 2], c.xs_[k - 1], c.ys_[k - 1], x[i], y[i]);
      if (cr < 0) break;
      if (cr > 1e-12 * scale) c.concavified_ = true;  // a point strictly below the hull
      c.xs_.pop_back();
      c.ys_.pop_back();
    }
    c.xs_.push_back(x[i]);
    c.ys_.push_back(y[i]);
  }
  // More money never buys fewer conversions: flat from the highest point.
  const size_t peak =
      static_cast<size_t>(std::max_element(c.ys_.begin(), c.ys_.end()) - c.ys_.begin());
  if (peak + 1 < c.xs_.size()) {
    c.concavified_ = true;
    c.xs_.resize(peak + 1);
    c.ys_.resize(peak + 1);
  }
  return c;
}

absl::StatusOr<ResponseCurve> ResponseCurve::Exponential(double a, double b, const FieldPath& names) {
  if (absl::Status s = CheckAB(a, b, names); !s.ok()) return s;
  ResponseCurve c;
  c.shape_ = Shape::kExponential;
  c.a_ = a;
  c.b_ = b;
  return c;
}

absl::StatusOr<ResponseCurve> ResponseCurve::Logarithmic(double a, double b, const FieldPath& names) {
  if (absl::Status s = CheckAB(a, b, names); !s.ok()) return s;
  ResponseCurve c;
  c.shape_ = Shape::kLogarithmic;
  c.a_ = a;
  c.b_ = b;
  return c;
}

double ResponseCurve::Value(double x) const {
  switch (shape_) {
    case Shape::kExponential:
      return a_ * -std::expm1(-b_ * x);
    case Shape::kLogarithmic:
      return a_ * std::log1p(b_ * x);
    case Shape::kPiecewiseLinear:
      break;
  }
  if (x >= xs_.back()) return ys_.back();
  const size_t j =
      static_cast<size_t>(std::upper_bound(xs_.begin(), xs_.end(), x) - xs_.begin()) - 1;
  return ys_[j] + (ys_[j + 1] - ys_[j]) * (x - xs_[j]) / (xs_[j + 1] - xs_[j]);
}

double ResponseCurve::RightSlope(double x) const {
  switch (shape_) {
    case Shape::kExponential:
      return a_ * b_ * std::exp(-b_ * x);
    case Shape::kLogarithmic:
      return a_ * b_ / (1 + b_ * x);
    case Shape::kPiecewiseLinear:
      break;
  }
  if (x >= xs_.back()) return 0;
  const size_t j =
      static_cast<size_t>(std::upper_bound(xs_.begin(), xs_.end(), x) - xs_.begin()) - 1;
  return (ys_[j + 1] - ys_[j]) / (xs_[j + 1] - xs_[j]);
}

double ResponseCurve::LeftSlope(double x) const {
  if (shape_ != Shape::kPiecewiseLinear || x <= 0) return RightSlope(x);
  if (x > xs_.back()) return 0;
  const size_t j = static_cast<size_t>(std::lower_bound(xs_.begin(), xs_.end(), x) - xs_.begin());
  return (ys_[j] - ys_[j - 1]) / (xs_[j] - xs_[j - 1]);
}

namespace {

// The smallest (strict = true) or largest spend at which route r's marginal
// value v f'(x) reaches mu: the route's demand for money at price mu.
double Demand(const BudgetRoute& r, double mu, bool strict) {
  const ResponseCurve& f = r.response;
  const double v = r.value_per_conversion;
  double x = 0;
  switch (f.shape()) {
    case ResponseCurve::Shape::kExponential:
      if (v * f.a() * f.b() > mu) x = std::log(v * f.a() * f.b() / mu) / f.b();
      break;
    case ResponseCurve::Shape::kLogarithmic:
      if (v * f.a() * f.b() > mu) x = (v * f.a() * f.b() / mu - 1) / f.b();
      break;
    case ResponseCurve::Shape::kPiecewiseLinear: {
      const auto& xs = f.xs();
      const auto& ys = f.ys();
      for (size_t j = 0; j + 1 < xs.size(); ++j) {
        const double s = v * (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j]);
        if (strict ? !(s > mu) : !(s >= mu)) break;  // slopes decrease
        x = xs[j + 1];
      }
      break;
    }
  }
  return std::min(x, r.max_spend);
}

double Total(const std::vector<BudgetRoute>& routes, double mu, bool strict) {
  double s = 0;
  for (const BudgetRoute& r : routes) s += Demand(r, mu, strict);
  return s;
}

}  // namespace

absl::StatusOr<BudgetSplitResult> SplitBudget(double budget, const std::vector<BudgetRoute>& routes,
                                              const FieldPath& names) {
  if (absl::Status s = CheckRange(budget, names("budget"), budget >= 0, "finite and >= 0"); !s.ok())
    return s;
  if (routes.empty()) return Invalid(names("routes"), "needs at least one route");
  double mu_max = 1;
  for (size_t i = 0; i < routes.size(); ++i) {
    const BudgetRoute& r = routes[i];
    const std::string at = absl::StrCat("routes[", i, "]");
    if (absl::Status s = CheckRange(r.value_per_conversion, names(at + ".value_per_conversion"),
                                    r.value_per_conversion >= 0, "finite and >= 0");
        !s.ok())
      return s;
    if (!(r.max_spend >= 0))  // +infinity allowed: no cap
      return Invalid(names(at + ".max_spend"), absl::StrCat("must be >= 0, got ", r.max_spend));
    mu_max = std::max(mu_max, r.value_per_conversion * r.response.RightSlope(0));
  }
  BudgetSplitResult out;
  std::vector<double> x(routes.size());
  double mu = 1;
  if (Total(routes, 1, true) <= budget) {
    for (size_t i = 0; i < routes.size(); ++i) x[i] = Demand(routes[i], 1, true);
  } else {
    out.binding = true;
    // mu* = inf{mu : Total(mu, strict) <= B}; Total is nonincreasing.
    double lo = 1, hi = mu_max;
    // v * (dy / dx) may round below a piece's v * dy / dx as Demand computes
    // it; above every slope no route demands anything, so doubling ends.
    for (int it = 0; it < 64 && Total(routes, hi, true) > budget; ++it) hi *= 2;
    for (int it = 0; it < 2000 && hi - lo > 0; ++it) {
      const double mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      if (Total(routes, mid, true) <= budget)
        hi = mid;
      else
        lo = mid;
    }
    mu = hi;
    // A piecewise-linear slope inside (lo, hi] is the exact jump.
    for (const BudgetRoute& r : routes) {
      if (r.response.shape() != ResponseCurve::Shape::kPiecewiseLinear) continue;
      const auto& xs = r.response.xs();
      const auto& ys = r.response.ys();
      for (size_t j = 0; j + 1 < xs.size(); ++j) {
        const double s = r.value_per_conversion * (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j]);
        if (s > lo && s < mu && Total(routes, s, true) <= budget) mu = s;
      }
    }
    double left = budget;
    for (size_t i = 0; i < routes.size(); ++i) left -= x[i] = Demand(routes[i], mu, true);
    // Routes indifferent at mu (a flat stretch of marginal value) take what
    // is left, in route order; then any rounding residue goes to the first
    // route that can still take it.
    for (size_t i = 0; i < routes.size() && left > 0; ++i) {
      const double more = std::min(left, Demand(routes[i], mu, false) - x[i]);
      if (more > 0) x[i] += more, left -= more;
    }
    for (size_t i = 0; i < routes.size() && left > 0; ++i) {
      if (routes[i].response.shape() == ResponseCurve::Shape::kPiecewiseLinear) continue;
      const double more = std::min(left, routes[i].max_spend - x[i]);
      if (more > 0 && x[i] > 0) x[i] += more, left -= more;
    }
  }
  out.multiplier = mu;
  out.routes.resize(routes.size());
  for (size_t i = 0; i < routes.size(); ++i) {
    const BudgetRoute& r = routes[i];
    RouteSpend& s = out.routes[i];
    s.spend = x[i];
    s.conversions = r.response.Value(x[i]);
    s.profit = r.value_per_conversion * s.conversions - x[i];
    s.marginal_left = r.value_per_conversion * r.response.LeftSlope(x[i]);
    s.marginal_right = r.value_per_conversion * r.response.RightSlope(x[i]);
    out.spent += x[i];
    out.expected_profit += s.profit;
  }
  return out;
}

}  // namespace mitra::channels
