// What the three purchase models' entry points share: checking an output
// span against the customers and the horizon t, the loops that fill one
// score per customer (with the error for a non-finite one), the
// log-likelihood wrapper and the four-parameter maximum-likelihood fit.
// Each model supplies its own "problem" (Init(data), set_threads(n),
// total_weight(), Eval(params, grad)) and parameter struct.
#ifndef MITRA_SRC_VALUE_MODEL_DRIVER_H_
#define MITRA_SRC_VALUE_MODEL_DRIVER_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/request_errors.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/optimizer.h"
#include "pair_memo.h"

namespace mitra::value {

// The customers are valid and `out` has one slot per customer.
inline absl::Status CheckOut(const CustomerData& data, absl::Span<double> out) {
  if (absl::Status s = ValidateCustomerData(data, nullptr); !s.ok()) return s;
  if (out.size() != data.x.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("output has ", out.size(), " values for ", data.x.size(), " customers"));
  }
  return absl::OkStatus();
}

// A prediction's horizon: "t must be finite and >= 0" unless it is.
inline absl::Status CheckHorizon(double t) {
  if (t >= 0 && std::isfinite(t)) return absl::OkStatus();
  return absl::InvalidArgumentError("t must be finite and >= 0");
}

// "<what> of customer <i> is not finite (parameters out of range)".
inline absl::Status NotFinite(absl::string_view what, size_t i) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, " of customer ", i, " is not finite (parameters out of range)"));
}

// `v` when it is an error or finite; otherwise "<what> is not finite
// (parameters out of range)": a closed form pushed past double's range by
// extreme parameters gives an error, never inf or NaN.
inline absl::StatusOr<double> FiniteValue(absl::StatusOr<double> v, absl::string_view what) {
  if (v.ok() && !std::isfinite(*v))
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not finite (parameters out of range)"));
  return v;
}

// Where a closed form's value must lie.
enum class ValueRange { kProbability, kNonNegative };

// The one check on values a closed form computed from fitted or caller-given
// parameters. Extreme parameters (found by fuzzing: a BG/NBD a = 1e16 gave a
// probability of 4.9e23) leave the range the formulas are computed in; such a
// value is refused, naming `what` (the quantity and its parameters) and the
// entry, rather than handed out. A probability a rounding above 1 (at most
// 1 + 1e-9) is 1.
inline absl::Status ValuesInRange(absl::Span<double> values, ValueRange range,
                                  absl::string_view what) {
  for (size_t i = 0; i < values.size(); ++i) {
    double& v = values[i];
    const bool probability = range == ValueRange::kProbability;
    if (probability && v > 1 && v <= 1 + 1e-9) v = 1;
    if (!(std::isfinite(v) && v >= 0 && (!probability || v <= 1)))
      return absl::InvalidArgumentError(absl::StrCat(
          what, " gives ", v, values.size() > 1 ? absl::StrCat(" at entry ", i) : "",
          ": outside the range the formulas are computed in (parameters out of range)"));
  }
  return absl::OkStatus();
}

// `v` when it is an error or a probability (see ValuesInRange).
inline absl::StatusOr<double> ProbabilityValue(absl::StatusOr<double> v, absl::string_view what) {
  if (!v.ok()) return v;
  double value = *v;
  if (absl::Status s = ValuesInRange(absl::MakeSpan(&value, 1), ValueRange::kProbability, what);
      !s.ok())
    return s;
  return value;
}

// out[i] = score(i) for every customer, stopping at the first score that is
// not finite, for which not_finite(i) gives the error.
template <class Score, class NotFiniteError>
absl::Status FillScores(absl::Span<double> out, Score&& score, NotFiniteError&& not_finite) {
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = score(i);
    if (!std::isfinite(out[i])) return not_finite(i);
  }
  return absl::OkStatus();
}

// out[i] = combine(i, f(x_i, T_i)) for every customer, f's value memoised
// per (x, T) (predictions see few distinct pairs); f's errors pass through,
// and a score that is not finite gives not_finite(i).
template <class PairValue, class Combine, class NotFiniteError>
absl::Status FillPairScores(const CustomerData& data, absl::Span<double> out, PairValue&& f,
                            Combine&& combine, NotFiniteError&& not_finite) {
  PairMemo memo(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const double x = data.x[i], T = data.T[i];
    absl::StatusOr<double> v = memo.Get(x, T, [&] { return f(x, T); });
    if (!v.ok()) return v.status();
    out[i] = combine(i, *v);
    if (!std::isfinite(out[i])) return not_finite(i);
  }
  return absl::OkStatus();
}

// The log-likelihood of already-checked parameters (and its gradient).
template <class Problem, class Params>
absl::StatusOr<double> EvalLogLikelihood(const Params& params, const CustomerData& data,
                                         double* grad) {
  Problem problem;
  if (absl::Status s = problem.Init(data); !s.ok()) return s;
  return problem.Eval(params, grad);
}

// Maximum likelihood for a model of four parameters (r, alpha and two more,
// all starting at 1 unless options.initial says otherwise).
template <class Fit, class Problem>
absl::StatusOr<Fit> FitFourParameters(const char* model, const CustomerData& data,
                                      const FitOptions& options) {
  using Params = decltype(Fit::params);
  // Validated as given, so that an error names the caller's row, then
  // merged (options.group_identical) when that at least halves the rows.
  GroupedCustomers grouped;
  CustomerData rows = data;
  if (options.group_identical) {
    if (absl::Status s = ValidateCustomerData(data, nullptr); !s.ok()) return s;
    if (GroupIdenticalWithin(data, data.x.size() / 2, &grouped)) rows = grouped.view();
  }
  Problem problem;
  if (absl::Status s = problem.Init(rows); !s.ok()) return s;
  problem.set_threads(options.threads);
  std::vector<double> init = options.initial;
  if (init.empty()) init = {1, 1, 1, 1};
  if (init.size() != 4)
    return Invalid(options.names("initial"), absl::StrCat("needs 4 values for ", model, ", got ", init.size()));
  auto ll = [&](const double* th, double* g) {
    return problem.Eval(Params{th[0], th[1], th[2], th[3]}, g);
  };
  absl::StatusOr<MleResult> mle =
      MaximizeLikelihood(model, init, problem.total_weight(), ll, options);
  if (!mle.ok()) return mle.status();
  Fit fit;
  fit.params = {mle->params[0], mle->params[1], mle->params[2], mle->params[3]};
  fit.report = std::move(mle->report);
  fit.report.rows = static_cast<int64_t>(rows.x.size());
  return fit;
}

}  // namespace mitra::value

#endif  // MITRA_SRC_VALUE_MODEL_DRIVER_H_
