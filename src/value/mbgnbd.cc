#include "mitra/value/mbgnbd.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/special.h"
#include "bg_common.h"
#include "model_driver.h"
#include "distinct_values.h"
#include "common/parallel.h"

namespace mitra::value {
namespace {

absl::Status CheckParams(const MbgNbdParams& p) {
  if (p.r > 0 && p.alpha > 0 && p.a > 0 && p.b > 0 && std::isfinite(p.r) &&
      std::isfinite(p.alpha) && std::isfinite(p.a) && std::isfinite(p.b)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("MBG/NBD parameters r, alpha, a, b must be finite and > 0");
}

class MbgNbdProblem {
 public:
  absl::Status Init(const CustomerData& data) {
    int max_x = 0;
    if (absl::Status s = ValidateCustomerData(data, &max_x); !s.ok()) return s;
    data_ = data;
    x_.resize(data.x.size());
    for (size_t i = 0; i < x_.size(); ++i) x_[i] = static_cast<int>(data.x[i]);
    counts_ = WeighCounts(data, max_x);
    total_weight_ = counts_.total;
    distinct_.Build(data.t_x, data.T, data.x.size() / 4 + 16);
    return absl::OkStatus();
  }
  double total_weight() const { return total_weight_; }
  void set_threads(int threads) { threads_ = UsefulThreads(threads, x_.size()); }

  // ln L = A1 + A2 + A3 + ln(1 + e^A4) (lifetimes' notation):
  // A1 = lnG(r+x) - lnG(r) + r ln alpha, A2 = ln B(a, b+x+1) - ln B(a, b),
  // A3 = -(r+x) ln(alpha+T), A4 = ln a - ln(b+x) + (r+x)(ln(alpha+T) - ln(alpha+t_x)).
  double Eval(const MbgNbdParams& p, double* grad) const {
    const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
    const int max_x = static_cast<int>(counts_.dense.size()) - 1;
    double ll = 0, gr = 0, galpha = 0, ga = 0, gb = 0;
    double s_lr = 0, s_ir = 0;
    // A2 for x: sum_{k<=x} ln(b+k) - ln(a+b+k), started at k = 0.
    double s_lb = std::log(b) - std::log(a + b), s_ia = -1 / (a + b), s_ib = 1 / b - 1 / (a + b);
    // Indexed by CountWeights::slot: x itself, or the count's position.
    lc4_.resize(counts_.table_size());
    for (size_t k = 0; k < counts_.sparse.size(); ++k) {
      const auto [x, w] = counts_.sparse[k];
      double d_r, d_b, d_ab;
      const double l_r = LogRising(r, x, &d_r), l_b = LogRising(b, x + 1, &d_b),
                   l_ab = LogRising(a + b, x + 1, &d_ab);
      ll += w * (l_r + l_b - l_ab);
      gr += w * d_r;
      ga -= w * d_ab;
      gb += w * (d_b - d_ab);
    }
    for (int x = 0; x <= max_x; ++x) {
      const double w = counts_.dense[x];
      ll += w * (s_lr + s_lb);
      gr += w * s_ir;
      ga += w * s_ia;
      gb += w * s_ib;
      s_lr += std::log(r + x);
      s_ir += 1 / (r + x);
      s_lb += std::log(b + x + 1) - std::log(a + b + x + 1);
      s_ia -= 1 / (a + b + x + 1);
      s_ib += 1 / (b + x + 1) - 1 / (a + b + x + 1);
    }
    const double log_a = std::log(a);
    for (size_t k = 0; k < counts_.table_size(); ++k)
      lc4_[k] = log_a - std::log(b + counts_.x_of(k));
    const double log_alpha = std::log(alpha);
    ll += total_weight_ * r * log_alpha;
    gr += total_weight_ * log_alpha;
    galpha += total_weight_ * r / alpha;
    const bool weighted = !data_.weight.empty();
    if (distinct_.used) TabulateLogs(alpha);
    std::vector<Sums> part(threads_);
    ParallelChunks(threads_, x_.size(), [&](size_t begin, size_t end, int c) {
      if (distinct_.used) {
        if (weighted)
          Rows<true, true>(p, begin, end, part[c]);
        else
          Rows<true, false>(p, begin, end, part[c]);
      } else {
        if (weighted)
          Rows<false, true>(p, begin, end, part[c]);
        else
          Rows<false, false>(p, begin, end, part[c]);
      }
    });
    for (const Sums& sums : part) {
      ll += sums.ll;
      gr += sums.gr;
      galpha += sums.galpha;
      ga += sums.ga;
      gb += sums.gb;
    }
    if (grad) {
      grad[0] = gr;
      grad[1] = galpha;
      grad[2] = ga;
      grad[3] = gb;
    }
    return ll;
  }

 private:
  struct Sums {
    double ll, gr, galpha, ga, gb;
  };

  void TabulateLogs(double alpha) const {
    const size_t k = distinct_.values.size();
    log_at_.resize(k);
    inv_at_.resize(k);
    for (size_t j = 0; j < k; ++j) {
      log_at_[j] = std::log(alpha + distinct_.values[j]);
      inv_at_[j] = 1 / (alpha + distinct_.values[j]);
    }
  }

  template <bool kTab, bool kWeighted>
  void Rows(const MbgNbdParams& p, size_t begin, size_t end, Sums& out) const {
    const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
    double ll = 0, gr = 0, galpha = 0, ga = 0, gb = 0;
    // Sums per block of 256, then into the totals: rounding stays small.
    for (size_t b0 = begin; b0 < end; b0 += 256) {
      double bll = 0, bgr = 0, bgalpha = 0, bga = 0, bgb = 0;
      for (size_t i = b0; i < std::min(end, b0 + 256); ++i) {
        const double w = kWeighted ? data_.weight[i] : 1.0;
        const int x = x_[i];
        const double rx = r + x;
        const double lT = kTab ? log_at_[distinct_.index_b[i]] : std::log(alpha + data_.T[i]);
        const double iT = kTab ? inv_at_[distinct_.index_b[i]] : 1 / (alpha + data_.T[i]);
        const double ltx = kTab ? log_at_[distinct_.index_a[i]] : std::log(alpha + data_.t_x[i]);
        const double itx = kTab ? inv_at_[distinct_.index_a[i]] : 1 / (alpha + data_.t_x[i]);
        const double a4 = lc4_[counts_.slot[i]] + rx * (lT - ltx);
        // softplus(a4) and its derivative sigma(a4), stable for any sign.
        const double e = std::exp(-std::fabs(a4));
        const double sp = (a4 > 0 ? a4 : 0.0) + std::log1p(e);
        const double sg = a4 > 0 ? 1 / (1 + e) : e / (1 + e);
        bll += w * (-rx * lT + sp);
        bgr += w * (-lT + sg * (lT - ltx));
        bgalpha += w * rx * (-iT + sg * (iT - itx));
        bga += w * sg / a;
        bgb -= w * sg / (b + x);
      }
      ll += bll;
      gr += bgr;
      galpha += bgalpha;
      ga += bga;
      gb += bgb;
    }
    out = Sums{ll, gr, galpha, ga, gb};
  }

  CustomerData data_;
  std::vector<int> x_;
  CountWeights counts_;
  mutable std::vector<double> lc4_, log_at_, inv_at_;
  DistinctValues distinct_;  // t_x and T
  double total_weight_ = 0;
  int threads_ = 1;
};

inline double Alive(const MbgNbdParams& p, double x, double tx, double T) {
  const double lo =
      std::log(p.a / (p.b + x)) + (p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + tx));
  return 1 / (1 + std::exp(lo));
}

}  // namespace

absl::StatusOr<double> MbgNbdLogLikelihood(const MbgNbdParams& params, const CustomerData& data,
                                           double* grad) {
  if (absl::Status s = CheckParams(params); !s.ok()) return s;
  return EvalLogLikelihood<MbgNbdProblem>(params, data, grad);
}

absl::StatusOr<MbgNbdFit> FitMbgNbd(const CustomerData& data, const FitOptions& options) {
  return FitFourParameters<MbgNbdFit, MbgNbdProblem>("MBG/NBD", data, options);
}

absl::Status MbgNbdProbabilityAlive(const MbgNbdParams& p, const CustomerData& data,
                                    absl::Span<double> out) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckOut(data, out); !s.ok()) return s;
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = Alive(p, data.x[i], data.t_x[i], data.T[i]);
    if (!std::isfinite(out[i])) return NotFinite("MBG/NBD P(alive)", i);
  }
  return absl::OkStatus();
}

absl::Status MbgNbdExpectedPurchases(const MbgNbdParams& p, const CustomerData& data, double t,
                                     absl::Span<double> out) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckOut(data, out); !s.ok()) return s;
  if (!(t >= 0 && std::isfinite(t))) return absl::InvalidArgumentError("t must be finite and >= 0");
  PairMemo memo(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const double x = data.x[i], T = data.T[i];
    // BG/NBD's numerator with b + 1: c = a + (b+1) + x - 1 = a + b + x.
    absl::StatusOr<double> num =
        memo.Get(x, T, [&] { return BgConditionalNumerator(p.r, p.alpha, p.a, p.b + 1, x, T, t); });
    if (!num.ok()) return num.status();
    out[i] = *num * Alive(p, x, data.t_x[i], T);
    if (!std::isfinite(out[i])) return NotFinite("MBG/NBD expected purchases", i);
  }
  return absl::OkStatus();
}

absl::Status MbgNbdProbabilityAliveAt(const MbgNbdParams& p, const CustomerData& data, double t,
                                      absl::Span<double> out) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckOut(data, out); !s.ok()) return s;
  if (!(t >= 0 && std::isfinite(t))) return absl::InvalidArgumentError("t must be finite and >= 0");
  PairMemo memo(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const double x = data.x[i], T = data.T[i];
    absl::StatusOr<double> decay =
        memo.Get(x, T, [&] { return BgAliveDecay(p.r, p.alpha, p.a, p.b + 1, x, T, t); });
    if (!decay.ok()) return decay.status();
    out[i] = Alive(p, x, data.t_x[i], T) * *decay;
    if (!std::isfinite(out[i])) return NotFinite("MBG/NBD P(alive at T + t)", i);
  }
  return absl::OkStatus();
}

absl::StatusOr<double> MbgNbdExpectedPurchasesNew(const MbgNbdParams& p, double t) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (!(t >= 0 && std::isfinite(t))) return absl::InvalidArgumentError("t must be finite and >= 0");
  // E over Beta(a, b+1) of BG/NBD's (1 - e^(-lambda p t))/p, times
  // P(survives the first purchase) = b/(a+b).
  absl::StatusOr<double> num = BgConditionalNumerator(p.r, p.alpha, p.a, p.b + 1, 0, 0, t);
  if (!num.ok()) return num.status();
  return FiniteValue(p.b / (p.a + p.b) * *num, "MBG/NBD E[X(t)]");
}

absl::StatusOr<double> MbgNbdProbabilityOfPurchases(const MbgNbdParams& p, double t, int n) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (!(t > 0 && std::isfinite(t)) || n < 0 || n > 1000000) {
    return absl::InvalidArgumentError("P(X(t) = n) needs t > 0 and 0 <= n <= 1e6");
  }
  return FiniteValue((n == 0 ? p.a / (p.a + p.b) : 0.0) +
                         p.b / (p.a + p.b) * BgNbdPmf(p.r, p.alpha, p.a, p.b + 1, t, n),
                     "MBG/NBD P(X(t) = n)");
}

}  // namespace mitra::value
