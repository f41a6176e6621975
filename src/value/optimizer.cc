#include "mitra/value/optimizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cholesky.h"
#include "common/request_errors.h"
#include "mitra/core/limits.h"
#include "mitra/core/absl_view.h"

namespace mitra::value {
namespace {
// Parameters outside these ran to a boundary of (0, infinity): far beyond
// any rate, shape or probability parameter of a customer-value model in the
// units summaries use (hours to months).
constexpr double kBoundaryLow = 1e-6;
constexpr double kBoundaryHigh = 1e8;
}  // namespace

namespace {

using Vec = std::vector<double>;
constexpr double kInf = std::numeric_limits<double>::infinity();
// Bounds that keep any fit from holding a thread for minutes (a fuzzer found
// a 60 s fit asking for 2^31 iterations).
constexpr int kMaxFitIterations = 10000;

double Dot(const Vec& a, const Vec& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}
double MaxAbs(const Vec& a) {
  double m = 0;
  for (double v : a) m = std::max(m, std::fabs(v));
  return m;
}

// The minimised function: mean negative log-likelihood plus the penalty, in
// phi = ln theta so that every phi is feasible; parameters from `positive`
// on are real (coefficients) and are their own phi.
class Objective {
 public:
  Objective(LogLikelihoodFn ll, double total_weight, double penalizer, size_t n,
            const RealParameters& real)
      : ll_(ll), w_(total_weight), pen_(penalizer), real_(real), theta_(n), g_(n) {}

  bool positive(size_t i) const { return i < real_.positive; }

  double operator()(const Vec& phi, Vec& grad) {
    ++evaluations;
    double penalty = 0;
    for (size_t i = 0; i < phi.size(); ++i) {
      theta_[i] = positive(i) ? std::exp(phi[i]) : phi[i];
      if ((positive(i) && !(theta_[i] > 0)) || !std::isfinite(theta_[i])) return kInf;
      penalty += (positive(i) ? pen_ : real_.penalizer) * theta_[i] * theta_[i];
    }
    const double l = ll_(theta_.data(), g_.data());
    if (!std::isfinite(l)) return kInf;
    for (size_t i = 0; i < phi.size(); ++i) {
      const double p = positive(i) ? pen_ : real_.penalizer;
      const double dtheta = -g_[i] / w_ + 2 * p * theta_[i];
      grad[i] = positive(i) ? theta_[i] * dtheta : dtheta;
      if (!std::isfinite(grad[i])) return kInf;
    }
    return -l / w_ + penalty;
  }

  int evaluations = 0;

 private:
  LogLikelihoodFn ll_;
  double w_, pen_;
  RealParameters real_;
  Vec theta_, g_;
};

struct Point {
  Vec phi, g;
  double f = kInf;
};

// Strong-Wolfe line search along p from `x` (Nocedal & Wright Alg. 3.5 with
// the zoom of Alg. 3.6, safeguarded cubic interpolation). Returns false when
// no point with sufficient decrease was found.
bool LineSearch(Objective& obj, const Point& x, const Vec& p, double step, Point& out, bool* flat) {
  constexpr double c1 = 1e-4, c2 = 0.9;
  const size_t n = p.size();
  const double d0 = Dot(x.g, p);
  auto eval = [&](double a, Point& pt) {
    pt.phi.resize(n);
    pt.g.resize(n);
    for (size_t i = 0; i < n; ++i) pt.phi[i] = x.phi[i] + a * p[i];
    pt.f = obj(pt.phi, pt.g);
    return std::isfinite(pt.f) ? Dot(pt.g, p) : kInf;
  };
  Point lo_pt = x, hi_pt, cur;
  double lo = 0, flo = x.f, dlo = d0;
  double hi = 0, fhi = kInf, dhi = kInf;
  bool bracketed = false;
  double a = step;
  *flat = false;
  for (int i = 0; i < 60 && !bracketed; ++i) {
    const double d = eval(a, cur);
    if (i == 0 && std::fabs(cur.f - x.f) <= 1e-14 * std::max(1.0, std::fabs(x.f))) {
      *flat = true;  // a full step changes nothing measurable
      return false;
    }
    if (!std::isfinite(cur.f) || cur.f > x.f + c1 * a * d0 || (i > 0 && cur.f >= flo)) {
      hi = a, fhi = cur.f, dhi = d, bracketed = true;
      break;
    }
    if (std::fabs(d) <= -c2 * d0) {
      out = std::move(cur);
      return true;
    }
    if (d >= 0) {
      hi = lo, fhi = flo, dhi = dlo;
      lo = a, flo = cur.f, dlo = d, lo_pt = cur;
      bracketed = true;
      break;
    }
    lo = a, flo = cur.f, dlo = d, lo_pt = cur;
    a *= 2;
  }
  if (!bracketed) {
    out = std::move(lo_pt);
    return lo > 0;
  }
  for (int j = 0; j < 10; ++j) {  // near the optimum, rounding ends it
    const double left = std::min(lo, hi), right = std::max(lo, hi), width = right - left;
    double t = 0.5 * (lo + hi);
    if (std::isfinite(fhi) && std::isfinite(dhi)) {  // cubic through (lo, hi)
      const double d1 = dlo + dhi - 3 * (flo - fhi) / (lo - hi);
      const double disc = d1 * d1 - dlo * dhi;
      if (disc >= 0) {
        const double d2 = std::copysign(std::sqrt(disc), hi - lo);
        const double c = hi - (hi - lo) * (dhi + d2 - d1) / (dhi - dlo + 2 * d2);
        if (std::isfinite(c)) t = c;
      }
    }
    t = std::clamp(t, left + 0.1 * width, right - 0.1 * width);
    const double d = eval(t, cur);
    if (!std::isfinite(cur.f) || cur.f > x.f + c1 * t * d0 || cur.f >= flo) {
      hi = t, fhi = cur.f, dhi = d;
    } else {
      if (std::fabs(d) <= -c2 * d0) {
        out = std::move(cur);
        return true;
      }
      if (d * (hi - lo) >= 0) hi = lo, fhi = flo, dhi = dlo;
      lo = t, flo = cur.f, dlo = d, lo_pt = cur;
      // Three tries without the curvature condition: near the optimum the
      // gradient is mostly rounding; take the decrease found.
      if (j >= 2) break;
    }
    if (width <= 1e-14 * std::max(1.0, right)) break;
  }
  // Sufficient decrease without the curvature condition is still progress.
  out = std::move(lo_pt);
  return lo > 0 && flo < x.f;
}

// H^-1 (row-major) by Cholesky; false if H is not positive definite.
bool InvertPositiveDefinite(const std::vector<double>& h, size_t n, std::vector<double>& inv) {
  std::vector<double> l;
  if (!Cholesky(h, n, l)) return false;
  inv.assign(n * n, 0);
  for (size_t c = 0; c < n; ++c) {  // column c of H^-1 = L^-T L^-1 e_c
    std::vector<double> y(n, 0), x(n, 0);
    for (size_t i = 0; i < n; ++i) {
      double t = i == c ? 1.0 : 0.0;
      for (size_t k = 0; k < i; ++k) t -= l[i * n + k] * y[k];
      y[i] = t / l[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
      double t = y[i];
      for (size_t k = i + 1; k < n; ++k) t -= l[k * n + i] * x[k];
      x[i] = t / l[i * n + i];
    }
    if (!(x[c] > 0)) return false;
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(x[i])) return false;
      inv[i * n + c] = x[i];
    }
  }
  // Symmetric to the last bit: the two triangles come from different sums.
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < i; ++j) inv[i * n + j] = inv[j * n + i] = 0.5 * (inv[i * n + j] + inv[j * n + i]);
  return true;
}

}  // namespace

absl::Status CheckFitOptions(const FitOptions& o) {
  if (absl::Status s = CheckRange(o.penalizer, o.names("penalizer"), o.penalizer >= 0, "finite and >= 0");
      !s.ok())
    return s;
  if (o.max_iterations < 1 || o.max_iterations > kMaxFitIterations)
    return Invalid(o.names("max_iterations"),
                   absl::StrCat("must be 1..", kMaxFitIterations, ", got ", o.max_iterations));
  if (absl::Status s = CheckRange(o.gradient_tolerance, o.names("gradient_tolerance"),
                                  o.gradient_tolerance >= 0, "finite and >= 0");
      !s.ok())
    return s;
  if (absl::Status s = CheckCount(o.threads, 1, kMaxThreads, o.names("threads")); !s.ok())
    return s;
  return absl::OkStatus();
}

absl::StatusOr<MleResult> MaximizeLikelihood(std::string_view model,
                                             absl::Span<const double> initial, double total_weight,
                                             LogLikelihoodFn log_likelihood,
                                             const FitOptions& options) {
  return MaximizeLikelihood(model, initial, total_weight, log_likelihood, options,
                            RealParameters{initial.size(), 0});
}

absl::StatusOr<MleResult> MaximizeLikelihood(std::string_view model,
                                             absl::Span<const double> initial, double total_weight,
                                             LogLikelihoodFn log_likelihood,
                                             const FitOptions& options,
                                             const RealParameters& real) {
  const size_t n = initial.size();
  const auto positive = [&](size_t i) { return i < real.positive; };
  if (!(total_weight > 0) || !std::isfinite(total_weight)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Av(model), " fit: the total weight of the customers must be > 0"));
  }
  if (absl::Status s = CheckFitOptions(options); !s.ok()) return s;
  Objective obj(log_likelihood, total_weight, options.penalizer, n, real);
  Point x;
  x.phi.resize(n);
  x.g.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (absl::Status s = CheckRange(initial[i], options.names(absl::StrCat("initial[", i, "]")),
                                    !positive(i) || initial[i] > 0,
                                    positive(i) ? "finite and > 0" : "finite");
        !s.ok())
      return s;
    x.phi[i] = positive(i) ? std::log(initial[i]) : initial[i];
  }
  x.f = obj(x.phi, x.g);
  if (!std::isfinite(x.f)) {
    return absl::FailedPreconditionError(absl::StrCat(
        Av(model), " fit: the log-likelihood is not finite at the initial parameters"));
  }
  // Inverse-Hessian approximation, row-major.
  std::vector<double> h(n * n, 0);
  auto reset = [&] {
    std::fill(h.begin(), h.end(), 0.0);
    for (size_t i = 0; i < n; ++i) h[i * n + i] = 1;
  };
  reset();
  const double tol = options.gradient_tolerance;
  const double loose = std::max(1e-6, 1e3 * tol);  // precision floor of the sums
  bool converged = false, scaled = false;
  int it = 0;
  Vec p(n), s(n), y(n), hy(n);
  for (; it < options.max_iterations; ++it) {
    if (MaxAbs(x.g) <= tol) {
      converged = true;
      break;
    }
    for (size_t i = 0; i < n; ++i) {
      p[i] = 0;
      for (size_t j = 0; j < n; ++j) p[i] -= h[i * n + j] * x.g[j];
    }
    if (Dot(p, x.g) >= 0) {
      reset();
      for (size_t i = 0; i < n; ++i) p[i] = -x.g[i];
    }
    // The quasi-Newton model predicts a decrease of -g.p / 2; below the
    // rounding of a sum over many customers no step can be verified.
    if (-Dot(p, x.g) <= 5e-14 * std::max(1.0, std::fabs(x.f)) && MaxAbs(x.g) <= loose) {
      converged = true;
      break;
    }
    // Never move a log-parameter by more than 5 (a factor e^5) at once.
    double step = 1;
    const double pmax = MaxAbs(p);
    if (pmax * step > 5) step = 5 / pmax;
    Point next;
    bool flat = false;
    if (!LineSearch(obj, x, p, step, next, &flat)) {
      if (MaxAbs(x.g) <= loose || (flat && MaxAbs(x.g) <= 10 * loose)) {
        converged = true;  // at the optimum to the precision of the sums
        break;
      }
      bool identity = true;
      for (size_t i = 0; i < n && identity; ++i)
        for (size_t j = 0; j < n; ++j) identity &= h[i * n + j] == (i == j ? 1.0 : 0.0);
      if (!identity) {
        reset();
        continue;
      }
      return absl::FailedPreconditionError(
          absl::StrCat(Av(model), " fit failed: the line search made no progress at iteration ", it,
                       " (gradient norm ", MaxAbs(x.g), ", objective ", x.f, ")"));
    }
    for (size_t i = 0; i < n; ++i) {
      s[i] = next.phi[i] - x.phi[i];
      y[i] = next.g[i] - x.g[i];
    }
    const double sy = Dot(s, y);
    if (sy > 1e-14 * std::sqrt(Dot(s, s) * Dot(y, y))) {
      if (!scaled) {  // Nocedal & Wright eq. 6.20
        reset();
        const double gamma = sy / Dot(y, y);
        for (size_t i = 0; i < n; ++i) h[i * n + i] = gamma;
        scaled = true;
      }
      // H <- (I - rho s y') H (I - rho y s') + rho s s'
      const double rho = 1 / sy;
      for (size_t i = 0; i < n; ++i) {
        hy[i] = 0;
        for (size_t j = 0; j < n; ++j) hy[i] += h[i * n + j] * y[j];
      }
      const double yhy = Dot(y, hy);
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
          h[i * n + j] +=
              -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
    }
    const double df = x.f - next.f;
    x = std::move(next);
    if (df <= 1e-15 * std::max(1.0, std::fabs(x.f)) && MaxAbs(x.g) <= loose) {
      converged = true;
      ++it;
      break;
    }
  }
  if (!converged) {
    return absl::FailedPreconditionError(
        absl::StrCat(Av(model), " fit did not converge in ", options.max_iterations,
                     " iterations (gradient norm ", MaxAbs(x.g), ")"));
  }

  MleResult result;
  result.params.resize(n);
  double penalty = 0;
  for (size_t i = 0; i < n; ++i) {
    result.params[i] = positive(i) ? std::exp(x.phi[i]) : x.phi[i];
    penalty += (positive(i) ? options.penalizer : real.penalizer) * result.params[i] *
               result.params[i];
  }
  std::vector<double> grad(n);
  const double ll = log_likelihood(result.params.data(), grad.data());
  FitReport& report = result.report;
  report.log_likelihood = ll;
  report.objective = -ll / total_weight + penalty;
  report.iterations = it;
  report.evaluations = obj.evaluations + 1;
  report.gradient_norm = MaxAbs(x.g);
  report.total_weight = total_weight;
  if (options.standard_errors) {
    // Forward differences of the exact gradient (relative step 1e-6: the
    // O(h) error is far below the precision a standard error is read at).
    std::vector<double> hess(n * n), gp(n), theta = result.params;
    bool ok = true;
    for (size_t i = 0; i < n && ok; ++i) {
      // A coefficient steps by 1e-6 in absolute terms near 0.
      const double hstep =
          1e-6 * (positive(i) ? result.params[i] : std::max(1.0, std::fabs(result.params[i])));
      theta[i] = result.params[i] + hstep;
      const double lp = log_likelihood(theta.data(), gp.data());
      theta[i] = result.params[i];
      report.evaluations += 1;
      ok = std::isfinite(lp);
      for (size_t j = 0; j < n; ++j) hess[i * n + j] = -(gp[j] - grad[j]) / hstep;
      hess[i * n + i] += 2 * total_weight * (positive(i) ? options.penalizer : real.penalizer);
    }
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < i; ++j)
        hess[i * n + j] = hess[j * n + i] = 0.5 * (hess[i * n + j] + hess[j * n + i]);
    std::vector<double> cov;
    if (ok && InvertPositiveDefinite(hess, n, cov)) {
      // Standard errors in natural parameters; the covariance of the
      // log-parameters by the delta method, Cov(ln a, ln b) = Cov(a, b) / (a b)
      // (exact for the Hessian at an optimum, where the gradient vanishes).
      report.standard_errors.resize(n);
      report.log_covariance.resize(n * n);
      for (size_t i = 0; i < n; ++i) {
        report.standard_errors[i] = std::sqrt(cov[i * n + i]);
        for (size_t j = 0; j < n; ++j)
          report.log_covariance[i * n + j] =
              cov[i * n + j] / ((positive(i) ? result.params[i] : 1.0) *
                                (positive(j) ? result.params[j] : 1.0));
      }
    } else {
      report.flat = true;
    }
  }
  for (size_t i = 0; i < real.positive && i < n; ++i) {
    if (result.params[i] < kBoundaryLow || result.params[i] > kBoundaryHigh)
      report.boundary_parameters.push_back(i);
  }
  return result;
}

std::string FitBoundaryReason(const FitReport& report, absl::Span<const std::string> names,
                              absl::Span<const double> params) {
  std::string reason;
  for (size_t i : report.boundary_parameters) {
    const std::string name = i < names.size() ? names[i] : absl::StrCat("parameter ", i);
    const double v = i < params.size() ? params[i] : std::nan("");
    absl::StrAppend(&reason, reason.empty() ? "" : "; ", name, " = ", v, " ran towards ",
                    v < 1 ? "0" : "infinity",
                    ": the likelihood keeps rising that way, the data cannot pin it down "
                    "(too few customers or repeat purchases for this model?)");
  }
  if (report.flat) {
    absl::StrAppend(&reason, reason.empty() ? "" : "; ",
                    "the Hessian at the optimum is not positive definite (a flat direction): "
                    "no standard errors or intervals");
  }
  return reason;
}

}  // namespace mitra::value
