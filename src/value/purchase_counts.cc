#include "mitra/value/purchase_counts.h"

#include <cmath>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/special.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/mbgnbd.h"

namespace mitra::value {
namespace {

// Gauss-Kronrod 15-point nodes and weights (QUADPACK qk15) on [-1, 1].
constexpr double kXgk[8] = {0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                            0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                            0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                            0.207784955007898467600689403773245, 0.0};
constexpr double kWgk[8] = {0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                            0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                            0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                            0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
constexpr double kWg[4] = {0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                           0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

// One Gauss-Kronrod 15 panel on [lo, hi]: the Kronrod sum and |Kronrod - Gauss 7|.
struct Panel {
  double lo, hi, value, error;
};

template <class F>
Panel KronrodPanel(const F& f, double lo, double hi) {
  const double c = (lo + hi) / 2, h = (hi - lo) / 2;
  double kronrod = kWgk[7] * f(c), gauss = kWg[3] * f(c);
  for (int j = 0; j < 7; ++j) {
    const double v = f(c - h * kXgk[j]) + f(c + h * kXgk[j]);
    kronrod += kWgk[j] * v;
    if (j % 2 == 1) gauss += kWg[j / 2] * v;
  }
  return {lo, hi, kronrod * h, std::fabs(kronrod - gauss) * h};
}

// Globally adaptive Gauss-Kronrod (QUADPACK's qag strategy): splits the panel
// with the largest error until the summed error is below tol. The number of
// panels is bounded, so an integrand that never settles (a NaN, a spike that
// no split resolves) costs at most kMaxPanels * 15 evaluations and is reported
// rather than refined forever; a result whose error is still within
// kAcceptedError then stands (the documented accuracy of the probabilities).
constexpr size_t kMaxPanels = 400;
constexpr double kAcceptedError = 1e-9;

template <class F>
absl::StatusOr<double> Integrate(const F& f, double lo, double hi, double tol) {
  std::vector<Panel> panels{KronrodPanel(f, lo, hi)};
  for (;;) {
    double value = 0, error = 0;
    size_t worst = 0;
    for (size_t i = 0; i < panels.size(); ++i) {
      value += panels[i].value;
      error += panels[i].error;
      if (panels[i].error > panels[worst].error) worst = i;
    }
    if (!std::isfinite(value) || !std::isfinite(error))
      return absl::InvalidArgumentError("the integrand is not finite for these parameters");
    if (error <= tol) return value;
    if (panels.size() >= kMaxPanels) {
      if (error <= kAcceptedError) return value;
      return absl::InvalidArgumentError(
          absl::StrCat("the integral did not converge in ", kMaxPanels,
                       " panels (error estimate ", error, ")"));
    }
    const Panel split = panels[worst];
    const double mid = (split.lo + split.hi) / 2;
    panels[worst] = KronrodPanel(f, split.lo, mid);
    panels.push_back(KronrodPanel(f, mid, split.hi));
  }
}

absl::Status CheckCount(int n) {
  if (n < 0 || n > 1000000)
    return absl::InvalidArgumentError(absl::StrCat("n: must be in [0, 1000000], got ", n));
  return absl::OkStatus();
}

absl::Status CheckTime(double t) {
  if (!std::isfinite(t) || t < 0)
    return absl::InvalidArgumentError(absl::StrCat("t: must be finite and >= 0, got ", t));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<double> ParetoNbdProbabilityOfPurchases(const ParetoNbdParams& p, double t, int n) {
  if (!(p.r > 0 && p.alpha > 0 && p.s > 0 && p.beta > 0) || !std::isfinite(p.r) ||
      !std::isfinite(p.alpha) || !std::isfinite(p.s) || !std::isfinite(p.beta))
    return absl::InvalidArgumentError(
        "Pareto/NBD parameters r, alpha, s, beta must be finite and > 0");
  if (absl::Status s = CheckTime(t); !s.ok()) return s;
  if (absl::Status s = CheckCount(n); !s.ok()) return s;
  if (t == 0) return n == 0 ? 1.0 : 0.0;
  const double log_coef = LogGamma(p.r + n) - LogGamma(p.r) - LogGamma(n + 1.0);
  // NB_n(u): P(n purchases over an exposure u) after integrating lambda.
  auto nb = [&](double u) {
    if (u <= 0) return n == 0 ? 1.0 : 0.0;
    const double lq = std::log(p.alpha + u);
    return std::exp(log_coef + p.r * (std::log(p.alpha) - lq) + n * (std::log(u) - lq));
  };
  const double v_t = std::exp(-p.s * std::log1p(t / p.beta));  // P(tau > t)
  // u(v) = beta (v^(-1/s) - 1), the lifetime whose survival is v.
  auto integrand = [&](double v) { return nb(p.beta * std::expm1(-std::log(v) / p.s)); };
  double dead = 0;
  if (v_t < 1) {
    absl::StatusOr<double> integral = Integrate(integrand, v_t, 1.0, 1e-12);
    if (!integral.ok())
      return absl::InvalidArgumentError(absl::StrCat(
          "Pareto/NBD P(", n, " purchases in t = ", t, ") with r = ", p.r,
          ", alpha = ", p.alpha,
          ", s = ", p.s, ", beta = ", p.beta, ": ", integral.status().message()));
    dead = *integral;
  }
  const double prob = nb(t) * v_t + dead;
  return std::fmin(1.0, std::fmax(0.0, prob));
}

absl::StatusOr<double> ExpectedPurchasesNew(const PurchaseModel& model, double t) {
  return std::visit(
      [&](const auto& p) -> absl::StatusOr<double> {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, BgNbdParams>) return BgNbdExpectedPurchasesNew(p, t);
        else if constexpr (std::is_same_v<P, MbgNbdParams>) return MbgNbdExpectedPurchasesNew(p, t);
        else return ParetoNbdExpectedPurchasesNew(p, t);
      },
      model);
}

absl::StatusOr<double> ProbabilityOfPurchasesNew(const PurchaseModel& model, double t, int n) {
  return std::visit(
      [&](const auto& p) -> absl::StatusOr<double> {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, BgNbdParams>) return BgNbdProbabilityOfPurchases(p, t, n);
        else if constexpr (std::is_same_v<P, MbgNbdParams>)
          return MbgNbdProbabilityOfPurchases(p, t, n);
        else return ParetoNbdProbabilityOfPurchases(p, t, n);
      },
      model);
}

absl::Status ProbabilityOfPurchasesGiven(const PurchaseModel& model, const CustomerData& customers,
                                         double t, absl::Span<const int> count,
                                         absl::Span<double> out) {
  const size_t n = customers.x.size();
  if (count.size() != n || out.size() != n)
    return absl::InvalidArgumentError(
        absl::StrCat("count and out: need ", n, " entries, one per customer"));
  if (absl::Status s = CheckTime(t); !s.ok()) return s;
  for (size_t i = 0; i < n; ++i) {
    if (count[i] < 0)
      return absl::InvalidArgumentError(
          absl::StrCat("count[", i, "]: must be >= 0, got ", count[i]));
  }
  // P(alive) validates the customers and the parameters.
  if (absl::Status s = ProbabilityAlive(model, customers, out); !s.ok()) return s;
  for (size_t i = 0; i < n; ++i) {
    const double x = customers.x[i], T = customers.T[i], alive = out[i];
    // The model of an alive customer from T on (see the header).
    const PurchaseModel posterior = std::visit(
        [&](const auto& p) -> PurchaseModel {
          using P = std::decay_t<decltype(p)>;
          if constexpr (std::is_same_v<P, ParetoNbdParams>)
            return ParetoNbdParams{p.r + x, p.alpha + T, p.s, p.beta + T};
          else
            return BgNbdParams{p.r + x, p.alpha + T, p.a,
                               p.b + x + (std::is_same_v<P, MbgNbdParams> ? 1 : 0)};
        },
        model);
    absl::StatusOr<double> future = ProbabilityOfPurchasesNew(posterior, t, count[i]);
    if (!future.ok()) return future.status();
    out[i] = alive * *future + (count[i] == 0 ? 1 - alive : 0.0);
  }
  return absl::OkStatus();
}

}  // namespace mitra::value
