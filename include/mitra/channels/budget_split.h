// Splitting a budget between routes with concave responses: the
// spend x_r on each route that maximises the expected profit
//   sum_r (v_r * f_r(x_r) - x_r)  subject to  sum_r x_r <= B, 0 <= x_r <= cap_r,
// where f_r is the route's conversions as a function of spend and v_r its
// value (margin) per conversion.
//
// Solved exactly by equalising marginal returns (KKT): with multiplier mu =
// 1 + lambda, every route spends where v_r f_r'(x_r) = mu (or at 0 / its
// cap); mu = 1 when the budget is not binding (each route stops where one
// more unit of money returns one unit), else the mu at which the spends add
// up to B, found by bisection. Piecewise-linear curves have jumps in x(mu)
// at their slopes; there the routes indifferent at mu* share what is left
// in route order. Responses:
//   * piecewise linear through points (x_i, y_i), starting at (0, 0) unless
//     a point at x = 0 is given, flat after the last point; a curve that is
//     not concave is replaced by its least concave majorant (reported);
//   * exponential a (1 - e^(-b x));  * logarithmic a log(1 + b x).
#ifndef MITRA_CHANNELS_BUDGET_SPLIT_H_
#define MITRA_CHANNELS_BUDGET_SPLIT_H_

#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"

namespace mitra::channels {

class ResponseCurve {
 public:
  enum class Shape { kPiecewiseLinear, kExponential, kLogarithmic };

  // Errors name `spend`/`response` ("spend[2]: ...") or `a`/`b`, in the
  // caller's terms when `names` is given ("request.chain_response.points.spend[2]").
  static absl::StatusOr<ResponseCurve> PiecewiseLinear(const std::vector<double>& spend,
                                                       const std::vector<double>& response,
                                                       const FieldPath& names = FieldPath());
  static absl::StatusOr<ResponseCurve> Exponential(double a, double b,
                                                   const FieldPath& names = FieldPath());
  static absl::StatusOr<ResponseCurve> Logarithmic(double a, double b,
                                                   const FieldPath& names = FieldPath());

  Shape shape() const { return shape_; }
  double Value(double x) const;
  // Derivatives from the left and the right (equal but at PL breakpoints;
  // LeftSlope(0) is the right slope).
  double LeftSlope(double x) const;
  double RightSlope(double x) const;
  // PL: the majorant differs from the points given.
  bool concavified() const { return concavified_; }
  // PL: the breakpoints of the (concave) curve used, x ascending.
  const std::vector<double>& xs() const { return xs_; }
  const std::vector<double>& ys() const { return ys_; }
  double a() const { return a_; }
  double b() const { return b_; }

 private:
  Shape shape_ = Shape::kExponential;
  std::vector<double> xs_, ys_;
  double a_ = 0, b_ = 0;
  bool concavified_ = false;
};

struct BudgetRoute {
  std::string name;
  ResponseCurve response;                                      // conversions(spend)
  double value_per_conversion = 0;                             // finite, >= 0
  double max_spend = std::numeric_limits<double>::infinity();  // >= 0
};

struct RouteSpend {
  double spend = 0;
  double conversions = 0;  // f(spend)
  double profit = 0;       // v f(spend) - spend
  // v f'(spend) from the left and the right: the return of the last and of
  // the next unit of money on this route.
  double marginal_left = 0, marginal_right = 0;
};

struct BudgetSplitResult {
  std::vector<RouteSpend> routes;  // as given
  double spent = 0;
  double expected_profit = 0;
  // mu: the marginal return of money at the optimum (1 + lambda); 1 when
  // the budget is not binding.
  double multiplier = 1;
  bool binding = false;
};

// INVALID_ARGUMENT naming "budget" or "routes[i].value_per_conversion" /
// ".max_spend", in the caller's terms when `names` is given
// ("request.budget").
absl::StatusOr<BudgetSplitResult> SplitBudget(double budget, const std::vector<BudgetRoute>& routes,
                                              const FieldPath& names = FieldPath());

}  // namespace mitra::channels

#endif  // MITRA_CHANNELS_BUDGET_SPLIT_H_
