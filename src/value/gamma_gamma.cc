#include "mitra/value/gamma_gamma.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "mitra/value/customer_data.h"
#include "common/request_errors.h"
#include "common/special.h"
#include "mitra/cocreation/stats.h"

namespace mitra::value {
namespace {

absl::Status CheckParams(const GammaGammaParams& p) {
  if (p.p > 0 && p.q > 0 && p.gamma > 0 && std::isfinite(p.p) && std::isfinite(p.q) &&
      std::isfinite(p.gamma)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("Gamma-Gamma parameters p, q, gamma must be finite and > 0");
}

absl::Status Validate(const SpendData& d, int* max_x) {
  const size_t n = d.x.size();
  if (d.zbar.size() != n || (!d.weight.empty() && d.weight.size() != n)) {
    return Invalid(d.name, "x, zbar (and weight) must have one length");
  }
  int m = 0;
  for (size_t i = 0; i < n; ++i) {
    const double x = d.x[i];
    if (!(x >= 0 && x <= 1e7 && x == std::floor(x))) {
      return Invalid(absl::StrCat(d.name, " row ", i), absl::StrCat("x = ", x, " is not a whole number in [0, 1e7]"));
    }
    if (x > 0 && !(d.zbar[i] > 0 && std::isfinite(d.zbar[i]))) {
      return Invalid(absl::StrCat(d.name, " row ", i),
                     absl::StrCat("mean spend must be finite and > 0 when x > 0 (", d.zbar[i], ")"));
    }
    if (!d.weight.empty() && !(d.weight[i] >= 0 && std::isfinite(d.weight[i]))) {
      return Invalid(absl::StrCat(d.name, " row ", i), "weight must be finite and >= 0");
    }
    if (x > m) m = static_cast<int>(x);
  }
  if (max_x) *max_x = m;
  return absl::OkStatus();
}

// The rows with x > 0, and the parameter-free sums of the likelihood.
class GammaGammaProblem {
 public:
  absl::Status Init(const SpendData& d) {
    int max_x = 0;
    if (absl::Status s = Validate(d, &max_x); !s.ok()) return s;
    // The shared per-count weights (CountWeights): only x and weight are read.
    counts_ = WeighCounts(CustomerData{d.x, {}, {}, d.weight}, max_x);
    for (size_t i = 0; i < d.x.size(); ++i) {
      if (d.x[i] == 0) continue;
      const double w = d.weight.empty() ? 1.0 : d.weight[i];
      const double x = d.x[i], lz = std::log(d.zbar[i]);
      w_.push_back(w);
      xf_.push_back(x);
      xz_.push_back(x * d.zbar[i]);
      total_weight_ += w;
      sum_wlz_ += w * lz;
      sum_wx_lz_lx_ += w * x * (lz + std::log(x));
    }
    if (!(total_weight_ > 0)) {
      return Invalid(d.name, "no customer with x > 0 and weight > 0");
    }
    return absl::OkStatus();
  }
  double total_weight() const { return total_weight_; }

  double Eval(const GammaGammaParams& par, double* grad) const {
    const double p = par.p, q = par.q, g = par.gamma;
    // Terms in x only: lnG(px+q) - lnG(px) per distinct x.
    double ll = 0, gp = 0, gq = 0, gg = 0;
    for (size_t k = 0; k < counts_.table_size(); ++k) {
      const int x = counts_.x_of(k);
      const double w = counts_.weight_of(k);
      if (x == 0 || w == 0) continue;  // x = 0 rows carry no spend
      const double px = p * static_cast<double>(x);
      ll += w * (LogGamma(px + q) - LogGamma(px));
      const double dpq = Digamma(px + q);
      gp += w * static_cast<double>(x) * (dpq - Digamma(px));
      gq += w * dpq;
    }
    const double lg = std::log(g), dq = Digamma(q);
    ll += total_weight_ * (q * lg - LogGamma(q)) + p * sum_wx_lz_lx_ - sum_wlz_;
    gp += sum_wx_lz_lx_;
    gq += total_weight_ * (lg - dq);
    gg += total_weight_ * q / g;
    // Sums per block of 256, then into the totals: rounding stays small.
    for (size_t b0 = 0; b0 < w_.size(); b0 += 256) {
      double bll = 0, bgp = 0, bgq = 0, bgg = 0;
      for (size_t i = b0; i < std::min(w_.size(), b0 + 256); ++i) {
        const double s = g + xz_[i], ls = std::log(s), k = p * xf_[i] + q;
        bll -= w_[i] * k * ls;
        bgp -= w_[i] * xf_[i] * ls;
        bgq -= w_[i] * ls;
        bgg -= w_[i] * k / s;
      }
      ll += bll;
      gp += bgp;
      gq += bgq;
      gg += bgg;
    }
    if (grad) {
      grad[0] = gp;
      grad[1] = gq;
      grad[2] = gg;
    }
    return ll;
  }

 private:
  std::vector<double> w_, xf_, xz_;
  CountWeights counts_;
  double total_weight_ = 0, sum_wlz_ = 0, sum_wx_lz_lx_ = 0;
};

}  // namespace

absl::StatusOr<double> GammaGammaLogLikelihood(const GammaGammaParams& params,
                                               const SpendData& data, double* grad) {
  if (absl::Status s = CheckParams(params); !s.ok()) return s;
  GammaGammaProblem problem;
  if (absl::Status s = problem.Init(data); !s.ok()) return s;
  return problem.Eval(params, grad);
}

absl::Status ValidateSpendData(const SpendData& data) { return Validate(data, nullptr); }

absl::StatusOr<GammaGammaFit> FitGammaGamma(const SpendData& data, const FitOptions& options) {
  GammaGammaProblem problem;
  if (absl::Status s = problem.Init(data); !s.ok()) return s;
  std::vector<double> init = options.initial;
  if (init.empty()) init = {1, 1, 1};
  if (init.size() != 3)
    return Invalid(options.names("initial"), absl::StrCat("needs 3 values for Gamma-Gamma, got ", init.size()));
  auto ll = [&](const double* th, double* g) {
    return problem.Eval(GammaGammaParams{th[0], th[1], th[2]}, g);
  };
  absl::StatusOr<MleResult> mle =
      MaximizeLikelihood("Gamma-Gamma", init, problem.total_weight(), ll, options);
  if (!mle.ok()) return mle.status();
  GammaGammaFit fit;
  fit.params = {mle->params[0], mle->params[1], mle->params[2]};
  fit.report = std::move(mle->report);
  return fit;
}

absl::StatusOr<SpendFrequencyCorrelation> CheckSpendIndependence(const SpendData& d) {
  if (absl::Status s = Validate(d, nullptr); !s.ok()) return s;
  // Weighted means, then the centred sums (two passes: no cancellation).
  double w_sum = 0, mx = 0, mz = 0;
  for (size_t i = 0; i < d.x.size(); ++i) {
    if (d.x[i] == 0) continue;
    const double w = d.weight.empty() ? 1.0 : d.weight[i];
    w_sum += w, mx += w * d.x[i], mz += w * d.zbar[i];
  }
  SpendFrequencyCorrelation r;
  r.repeat_buyers = w_sum;
  r.correlation = r.p_value = std::nan("");
  if (!(w_sum >= 3)) return r;
  mx /= w_sum, mz /= w_sum;
  double sxx = 0, szz = 0, sxz = 0;
  for (size_t i = 0; i < d.x.size(); ++i) {
    if (d.x[i] == 0) continue;
    const double w = d.weight.empty() ? 1.0 : d.weight[i];
    const double a = d.x[i] - mx, b = d.zbar[i] - mz;
    sxx += w * a * a, szz += w * b * b, sxz += w * a * b;
  }
  if (!(sxx > 0 && szz > 0)) return r;
  r.correlation = std::clamp(sxz / std::sqrt(sxx * szz), -1.0, 1.0);
  const double df = w_sum - 2;
  const double t = r.correlation * std::sqrt(df / std::max(1e-300, 1 - r.correlation * r.correlation));
  r.p_value = 2 * cocreation::StudentTCdf(-std::fabs(t), df);
  return r;
}

absl::Status GammaGammaExpectedSpend(const GammaGammaParams& par, const SpendData& data,
                                     absl::Span<double> out) {
  if (absl::Status s = CheckParams(par); !s.ok()) return s;
  if (!(par.q > 1)) {
    return absl::InvalidArgumentError("Gamma-Gamma expected spend needs q > 1");
  }
  if (absl::Status s = Validate(data, nullptr); !s.ok()) return s;
  if (out.size() != data.x.size()) {
    return absl::InvalidArgumentError("output length differs from the number of customers");
  }
  const double p = par.p, q = par.q, g = par.gamma;
  for (size_t i = 0; i < out.size(); ++i) {
    const double x = data.x[i];
    const double xz = x > 0 ? x * data.zbar[i] : 0.0;
    out[i] = p * (g + xz) / (p * x + q - 1);
    if (!std::isfinite(out[i])) {
      return absl::InvalidArgumentError(absl::StrCat("Gamma-Gamma expected spend of customer ", i,
                                                     " is not finite (parameters out of range)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace mitra::value
