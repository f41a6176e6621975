#include "mitra/value/bgbb.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "common/special.h"
#include "model_driver.h"

namespace mitra::value {
namespace {

constexpr double kMaxOpportunities = 10000;
constexpr int kMaxAhead = 1000000;

absl::Status CheckParams(const BgBbParams& p) {
  for (double v : {p.alpha, p.beta, p.gamma, p.delta}) {
    if (!(v > 0 && std::isfinite(v))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "BG/BB parameters alpha, beta, gamma, delta must be finite and > 0, got ", p.alpha,
          ", ", p.beta, ", ", p.gamma, ", ", p.delta));
    }
  }
  return absl::OkStatus();
}

// "BG/BB <quantity> with alpha = .., beta = .., gamma = .., delta = ..": what
// a value out of the formulas' range is named by.
std::string Named(const BgBbParams& p, absl::string_view quantity) {
  return absl::StrCat("BG/BB ", quantity, " with alpha = ", p.alpha, ", beta = ", p.beta,
                      ", gamma = ", p.gamma, ", delta = ", p.delta);
}

bool Whole(double v) { return std::isfinite(v) && v == std::floor(v); }

absl::Status CheckData(const OpportunityData& d) {
  const size_t rows = d.x.size();
  if (d.t_x.size() != rows || d.n.size() != rows || (!d.weight.empty() && d.weight.size() != rows))
    return Invalid(d.name, "x, t_x, n (and weight) must have one length");
  for (size_t i = 0; i < rows; ++i) {
    const double x = d.x[i], t = d.t_x[i], n = d.n[i];
    const std::string at = absl::StrCat(d.name, " row ", i);
    if (!(Whole(n) && n >= 1 && n <= kMaxOpportunities))
      return Invalid(at, absl::StrCat("n = ", n, " is not a whole number in [1, 10000]"));
    if (!(Whole(t) && t >= 0 && t <= n))
      return Invalid(at, absl::StrCat("t_x = ", t, " is not a whole number in [0, n = ", n, "]"));
    if (!(Whole(x) && x >= 0 && x <= t))
      return Invalid(at, absl::StrCat("x = ", x, " is not a whole number in [0, t_x = ", t, "]"));
    if ((x == 0) != (t == 0))
      return Invalid(at, absl::StrCat("x = ", x, " with t_x = ", t,
                                      ": the last transaction's time is 0 exactly when x = 0"));
    if (!d.weight.empty() && !(d.weight[i] >= 0 && std::isfinite(d.weight[i])))
      return Invalid(at, absl::StrCat("weight must be finite and >= 0, got ", d.weight[i]));
  }
  return absl::OkStatus();
}

// The pieces of one history's likelihood in logs, with their gradients:
// A(k) = ln B(a + x, b + k) - ln B(a, b) over (alpha, beta) and
// G(e, m) = ln B(g + e, d + m) - ln B(g, d) over (gamma, delta), e = 0 or 1.
struct Pieces {
  const BgBbParams& p;
  double psi_a, psi_b, psi_ab, psi_g, psi_d, psi_gd, psi_g1;

  explicit Pieces(const BgBbParams& q)
      : p(q),
        psi_a(Digamma(q.alpha)),
        psi_b(Digamma(q.beta)),
        psi_ab(Digamma(q.alpha + q.beta)),
        psi_g(Digamma(q.gamma)),
        psi_d(Digamma(q.delta)),
        psi_gd(Digamma(q.gamma + q.delta)),
        psi_g1(Digamma(q.gamma + 1)) {}

  double A(double x, double k, double* d) const {
    const double a = p.alpha + x, b = p.beta + k;
    if (d != nullptr) {
      const double psi_sum = Digamma(a + b);
      d[0] = Digamma(a) - psi_sum - psi_a + psi_ab;
      d[1] = Digamma(b) - psi_sum - psi_b + psi_ab;
    }
    return LogBeta(a, b) - LogBeta(p.alpha, p.beta);
  }
  double G(int e, double m, double* d) const {
    const double g = p.gamma + e, dd = p.delta + m;
    if (d != nullptr) {
      const double psi_sum = Digamma(g + dd);
      d[0] = (e == 0 ? psi_g : psi_g1) - psi_sum - psi_g + psi_gd;
      d[1] = Digamma(dd) - psi_sum - psi_d + psi_gd;
    }
    return LogBeta(g, dd) - LogBeta(p.gamma, p.delta);
  }
};

// ln L of one history; `grad` (4, may be null) its gradient.
double LogLikelihoodOf(const Pieces& pc, double x, double t, double n, double* grad) {
  // Terms in logs with their gradients; log-sum-exp over them.
  const int extra = static_cast<int>(n - t);  // i = 0..n-t_x-1
  std::vector<double> log_term(extra + 1), d_term(grad ? 4 * (extra + 1) : 0);
  double da[2], dg[2];
  const bool want = grad != nullptr;
  log_term[0] = pc.A(x, n - x, want ? da : nullptr) + pc.G(0, n, want ? dg : nullptr);
  if (want) d_term[0] = da[0], d_term[1] = da[1], d_term[2] = dg[0], d_term[3] = dg[1];
  for (int i = 0; i < extra; ++i) {
    log_term[i + 1] =
        pc.A(x, t - x + i, want ? da : nullptr) + pc.G(1, t + i, want ? dg : nullptr);
    if (want) {
      double* d = &d_term[4 * (i + 1)];
      d[0] = da[0], d[1] = da[1], d[2] = dg[0], d[3] = dg[1];
    }
  }
  const double top = *std::max_element(log_term.begin(), log_term.end());
  double sum = 0;
  for (double& l : log_term) sum += (l = std::exp(l - top));
  if (want) {
    for (int j = 0; j < 4; ++j) grad[j] = 0;
    for (size_t k = 0; k < log_term.size(); ++k)
      for (int j = 0; j < 4; ++j) grad[j] += log_term[k] / sum * d_term[4 * k + j];
  }
  return top + std::log(sum);
}

absl::Status CheckOut(const OpportunityData& d, absl::Span<double> out) {
  if (out.size() != d.x.size())
    return absl::InvalidArgumentError("output length differs from the number of histories");
  return absl::OkStatus();
}

absl::Status CheckAhead(int m, int least) {
  if (m < least || m > kMaxAhead)
    return Invalid("m", absl::StrCat("must be in ", least, "..", kMaxAhead, ", got ", m));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<double> BgBbLogLikelihood(const BgBbParams& p, const OpportunityData& d,
                                         double* grad) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckData(d); !s.ok()) return s;
  const Pieces pc(p);
  double ll = 0, g[4];
  if (grad != nullptr) std::fill(grad, grad + 4, 0.0);
  for (size_t i = 0; i < d.x.size(); ++i) {
    const double w = d.weight.empty() ? 1.0 : d.weight[i];
    if (w == 0) continue;
    ll += w * LogLikelihoodOf(pc, d.x[i], d.t_x[i], d.n[i], grad ? g : nullptr);
    if (grad != nullptr)
      for (int j = 0; j < 4; ++j) grad[j] += w * g[j];
  }
  return ll;
}

absl::StatusOr<BgBbFit> FitBgBb(const OpportunityData& d, const FitOptions& options) {
  if (absl::Status s = CheckData(d); !s.ok()) return s;
  const std::vector<double> init =
      options.initial.empty() ? std::vector<double>{1, 1, 1, 1} : options.initial;
  if (init.size() != 4) {
    return Invalid(options.names("initial"),
                   absl::StrCat("needs 4 values for BG/BB (alpha, beta, gamma, delta), got ",
                                init.size()));
  }
  double total = 0;
  for (size_t i = 0; i < d.x.size(); ++i) total += d.weight.empty() ? 1.0 : d.weight[i];
  auto ll = [&](const double* th, double* g) {
    absl::StatusOr<double> v = BgBbLogLikelihood(BgBbParams{th[0], th[1], th[2], th[3]}, d, g);
    return v.ok() ? *v : std::nan("");
  };
  absl::StatusOr<MleResult> mle = MaximizeLikelihood("BG/BB", init, total, ll, options);
  if (!mle.ok()) return mle.status();
  BgBbFit fit;
  fit.params = {mle->params[0], mle->params[1], mle->params[2], mle->params[3]};
  fit.report = std::move(mle->report);
  return fit;
}

absl::Status BgBbProbabilityAlive(const BgBbParams& p, const OpportunityData& d, int m,
                                  absl::Span<double> out) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckData(d); !s.ok()) return s;
  if (absl::Status s = CheckOut(d, out); !s.ok()) return s;
  if (absl::Status s = CheckAhead(m, 0); !s.ok()) return s;
  const Pieces pc(p);
  for (size_t i = 0; i < out.size(); ++i) {
    const double x = d.x[i], n = d.n[i];
    const double ll = LogLikelihoodOf(pc, x, d.t_x[i], n, nullptr);
    // The alive path's share of the likelihood: at most 1, but the log-Beta
    // differences round, and a share of 1 can come out 1 + 5e-10.
    out[i] = std::fmin(1.0, std::exp(pc.A(x, n - x, nullptr) + pc.G(0, n + m, nullptr) - ll));
  }
  return ValuesInRange(out, ValueRange::kProbability, Named(p, "P(alive)"));
}

absl::Status BgBbConditionalExpectedTransactions(const BgBbParams& p, const OpportunityData& d,
                                                 int m, absl::Span<double> out) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckData(d); !s.ok()) return s;
  if (absl::Status s = CheckOut(d, out); !s.ok()) return s;
  if (absl::Status s = CheckAhead(m, 0); !s.ok()) return s;
  const Pieces pc(p);
  // Only the path alive at n can transact later: a transaction at n + k has
  // probability B(a + x + 1, b + n - x)/B(a, b) B(g, d + n + k)/B(g, d) / L,
  // summed over k = 1..m (exact, where the paper's closed form is 0/0 at
  // gamma = 1). The survival sum depends on n alone: kept for runs of one n.
  double survival_sum = 0, survival_n = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    const double x = d.x[i], n = d.n[i];
    if (n != survival_n) {
      survival_n = n;
      survival_sum = 0;
      for (int k = 1; k <= m; ++k) survival_sum += std::exp(pc.G(0, n + k, nullptr));
    }
    const double ll = LogLikelihoodOf(pc, x, d.t_x[i], n, nullptr);
    out[i] = std::exp(LogBeta(p.alpha + x + 1, p.beta + n - x) - LogBeta(p.alpha, p.beta) - ll) *
             survival_sum;
  }
  return ValuesInRange(out, ValueRange::kNonNegative, Named(p, "expected transactions"));
}

absl::Status BgBbTransactionDistribution(const BgBbParams& p, int n, absl::Span<double> out) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (!(n >= 1 && n <= kMaxOpportunities))
    return Invalid("n", absl::StrCat("must be in 1..10000, got ", n));
  if (out.size() != static_cast<size_t>(n) + 1)
    return absl::InvalidArgumentError(absl::StrCat("output needs n + 1 = ", n + 1, " entries"));
  const Pieces pc(p);
  auto log_choose = [](double a, double b) {
    return LogGamma(a + 1) - LogGamma(b + 1) - LogGamma(a - b + 1);
  };
  for (int x = 0; x <= n; ++x) {
    // Alive through n with x transactions, or died after opportunity i (x..n-1).
    double v = std::exp(log_choose(n, x) + pc.A(x, n - x, nullptr) + pc.G(0, n, nullptr));
    for (int i = x; i < n; ++i)
      v += std::exp(log_choose(i, x) + pc.A(x, i - x, nullptr) + pc.G(1, i, nullptr));
    out[x] = v;
  }
  return ValuesInRange(out, ValueRange::kProbability, Named(p, "P(X(n) = x)"));
}

}  // namespace mitra::value
