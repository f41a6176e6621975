#include "mitra/value/bgnbd.h"

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
#include "vec_math.h"

namespace mitra::value {
namespace {

bool ValidParams(const BgNbdParams& p) {
  return p.r > 0 && p.alpha > 0 && p.a > 0 && p.b > 0 && std::isfinite(p.r) &&
         std::isfinite(p.alpha) && std::isfinite(p.a) && std::isfinite(p.b);
}

absl::Status CheckParams(const BgNbdParams& p) {
  if (ValidParams(p)) return absl::OkStatus();
  return absl::InvalidArgumentError("BG/NBD parameters r, alpha, a, b must be finite and > 0");
}

// The data of one fit, validated once; Eval is called per optimizer step.
class BgNbdProblem {
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

  // ln L = A1 + A2 + ln(exp(A3) + [x>0] exp(A4)) (lifetimes' notation):
  // A1 = lnG(r+x) - lnG(r) + r ln alpha, A2 = ln B(a, b+x) - ln B(a, b),
  // A3 = -(r+x) ln(alpha+T), A4 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x).
  // The parts that depend on x only are summed per distinct x.
  double Eval(const BgNbdParams& p, double* grad) const {
    const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
    const int max_x = static_cast<int>(counts_.dense.size()) - 1;
    double ll = 0, gr = 0, galpha = 0, ga = 0, gb = 0;
    // Running sums over k < x of ln(r+k), 1/(r+k), ln(b+k) - ln(a+b+k), ...
    double s_lr = 0, s_ir = 0, s_lb = 0, s_ia = 0, s_ib = 0;
    // Indexed by CountWeights::slot: x itself, or the count's position.
    lc4_.assign(counts_.table_size(), 0.0);
    inv_b_.assign(counts_.table_size(), 0.0);  // x = 0 stays 0: its rows weigh it by 0
    for (size_t k = 0; k < counts_.sparse.size(); ++k) {
      const auto [x, w] = counts_.sparse[k];
      double d_r, d_b, d_ab;
      const double l_r = LogRising(r, x, &d_r), l_b = LogRising(b, x, &d_b),
                   l_ab = LogRising(a + b, x, &d_ab);
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
      s_lb += std::log(b + x) - std::log(a + b + x);
      s_ia -= 1 / (a + b + x);
      s_ib += 1 / (b + x) - 1 / (a + b + x);
    }
    const double log_a = std::log(a);
    for (size_t k = 0; k < counts_.table_size(); ++k) {
      const int x = counts_.x_of(k);
      if (x == 0) continue;
      lc4_[k] = log_a - std::log(b + (x - 1));
      inv_b_[k] = 1 / (b + (x - 1));
    }
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
    if (grad != nullptr) {
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

  // The per-customer part: A3, A4 and their log-sum-exp. x = 0 rows need
  // no exp; the others are packed into blocks whose exp and log run two
  // lanes at a time (vec_math.h).
  template <bool kTab, bool kWeighted>
  void Rows(const BgNbdParams& p, size_t begin, size_t end, Sums& out) const {
    const double r = p.r, alpha = p.alpha, a = p.a;
    constexpr size_t kBlock = 256;
    // +1: an odd block is padded with a zero-weight row for the pairs below.
    double lT[kBlock + 1], iT[kBlock + 1], ltx[kBlock + 1], itx[kBlock + 1], a3[kBlock + 1],
        d[kBlock + 1], e[kBlock + 1], lg[kBlock + 1], w[kBlock + 1], rx[kBlock + 1], ib[kBlock + 1];
    double ll = 0, gr = 0, galpha = 0, ga = 0, gb = 0;
    size_t i = begin;
    while (i < end) {
      size_t m = 0;
      double zll = 0, zgr = 0, zgalpha = 0;  // this block's x = 0 rows
      for (; i < end && m < kBlock; ++i) {
        const double wi = kWeighted ? data_.weight[i] : 1.0;
        const int x = x_[i];
        const double lTi = kTab ? log_at_[distinct_.index_b[i]] : std::log(alpha + data_.T[i]);
        const double iTi = kTab ? inv_at_[distinct_.index_b[i]] : 1 / (alpha + data_.T[i]);
        if (x == 0) {  // ln L = A1 + A2 + A3 only
          zll -= wi * r * lTi;
          zgr -= wi * lTi;
          zgalpha -= wi * r * iTi;
          continue;
        }
        w[m] = wi;
        rx[m] = r + x;
        ib[m] = inv_b_[counts_.slot[i]];
        lT[m] = lTi;
        iT[m] = iTi;
        ltx[m] = kTab ? log_at_[distinct_.index_a[i]] : std::log(alpha + data_.t_x[i]);
        itx[m] = kTab ? inv_at_[distinct_.index_a[i]] : 1 / (alpha + data_.t_x[i]);
        a3[m] = -(r + x) * lTi;
        d[m] = lc4_[counts_.slot[i]] - (r + x) * ltx[m] - a3[m];
        e[m] = -std::fabs(d[m]);
        ++m;
      }
      if (m % 2) {  // a row that adds nothing
        w[m] = rx[m] = ib[m] = lT[m] = iT[m] = ltx[m] = itx[m] = a3[m] = d[m] = 0;
        e[m] = -1;
        ++m;
      }
      vec::ExpArray(e, e, m);
      for (size_t j = 0; j < m; ++j) lg[j] = 1 + e[j];
      vec::LogArray(lg, lg, m);
      // Two lanes at a time, summed per block and then into the totals: the
      // rounding of a sum over a million customers stays near that of a
      // thousand (the optimizer needs gradients accurate to ~1e-9).
      using vec::Load;
      using vec::Splat;
      using vec::V2;
      V2 bll = Splat(0), bgr = Splat(0), bgalpha = Splat(0), bga = Splat(0), bgb = Splat(0);
      for (size_t j = 0; j < m; j += 2) {
        // log(e^a3 + e^a4) = max + log(1 + e^-|a4-a3|); w4 = e^a4 / (e^a3 + e^a4).
        const V2 dj = Load(d + j), ej = Load(e + j), wj = Load(w + j), a3j = Load(a3 + j);
        const vec::I2 up = dj > Splat(0);
        const V2 lse = vec::Select(up, a3j + dj, a3j) + Load(lg + j);
        const V2 w4 = vec::Select(up, Splat(1), ej) / (Splat(1) + ej);
        const V2 w3 = Splat(1) - w4;
        bll += wj * lse;
        bgr -= wj * (w3 * Load(lT + j) + w4 * Load(ltx + j));
        bgalpha -= wj * Load(rx + j) * (w3 * Load(iT + j) + w4 * Load(itx + j));
        bga += wj * w4;
        bgb -= wj * w4 * Load(ib + j);
      }
      ll += (bll[0] + bll[1]) + zll;
      gr += (bgr[0] + bgr[1]) + zgr;
      galpha += (bgalpha[0] + bgalpha[1]) + zgalpha;
      ga += bga[0] + bga[1];
      gb += bgb[0] + bgb[1];
    }
    out = Sums{ll, gr, galpha, ga / a, gb};
  }

  CustomerData data_;
  std::vector<int> x_;
  CountWeights counts_;
  mutable std::vector<double> lc4_, inv_b_, log_at_, inv_at_;
  DistinctValues distinct_;  // t_x and T
  double total_weight_ = 0;
  int threads_ = 1;
};

// P(alive) = 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)), with
// ln(a/(b+x-1)) tabulated for small x (one log and one exp per customer).
class AliveScorer {
 public:
  explicit AliveScorer(const BgNbdParams& p) : p_(p) {
    for (int x = 1; x < kTable; ++x) lc_[x] = std::log(p.a / (p.b + (x - 1)));
  }
  double operator()(double x, double tx, double T) const {
    if (x == 0) return 1.0;
    const double lc = x < kTable ? lc_[static_cast<int>(x)] : std::log(p_.a / (p_.b + (x - 1)));
    return 1 / (1 + std::exp(lc + (p_.r + x) * std::log((p_.alpha + T) / (p_.alpha + tx))));
  }

 private:
  static constexpr int kTable = 64;
  BgNbdParams p_;
  double lc_[kTable] = {};
};

}  // namespace

absl::StatusOr<double> BgNbdLogLikelihood(const BgNbdParams& params, const CustomerData& data,
                                          double* grad) {
  if (absl::Status s = CheckParams(params); !s.ok()) return s;
  return EvalLogLikelihood<BgNbdProblem>(params, data, grad);
}

absl::StatusOr<BgNbdFit> FitBgNbd(const CustomerData& data, const FitOptions& options) {
  return FitFourParameters<BgNbdFit, BgNbdProblem>("BG/NBD", data, options);
}

absl::Status BgNbdProbabilityAlive(const BgNbdParams& p, const CustomerData& data,
                                   absl::Span<double> out) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckOut(data, out); !s.ok()) return s;
  const AliveScorer alive(p);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = alive(data.x[i], data.t_x[i], data.T[i]);
    if (!std::isfinite(out[i])) return NotFinite("BG/NBD P(alive)", i);
  }
  return absl::OkStatus();
}

absl::Status BgNbdExpectedPurchases(const BgNbdParams& p, const CustomerData& data, double t,
                                    absl::Span<double> out) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckOut(data, out); !s.ok()) return s;
  if (!(t >= 0 && std::isfinite(t))) return absl::InvalidArgumentError("t must be finite and >= 0");
  PairMemo memo(out.size());
  const AliveScorer alive(p);
  for (size_t i = 0; i < out.size(); ++i) {
    const double x = data.x[i], T = data.T[i];
    absl::StatusOr<double> num =
        memo.Get(x, T, [&] { return BgConditionalNumerator(p.r, p.alpha, p.a, p.b, x, T, t); });
    if (!num.ok()) return num.status();
    out[i] = *num * alive(x, data.t_x[i], T);
    if (!std::isfinite(out[i])) return NotFinite("BG/NBD expected purchases", i);
  }
  return absl::OkStatus();
}

absl::Status BgNbdProbabilityAliveAt(const BgNbdParams& p, const CustomerData& data, double t,
                                     absl::Span<double> out) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckOut(data, out); !s.ok()) return s;
  if (!(t >= 0 && std::isfinite(t))) return absl::InvalidArgumentError("t must be finite and >= 0");
  PairMemo memo(out.size());
  const AliveScorer alive(p);
  for (size_t i = 0; i < out.size(); ++i) {
    const double x = data.x[i], T = data.T[i];
    absl::StatusOr<double> decay =
        memo.Get(x, T, [&] { return BgAliveDecay(p.r, p.alpha, p.a, p.b, x, T, t); });
    if (!decay.ok()) return decay.status();
    out[i] = alive(x, data.t_x[i], T) * *decay;
    if (!std::isfinite(out[i])) return NotFinite("BG/NBD P(alive at T + t)", i);
  }
  return absl::OkStatus();
}

absl::StatusOr<double> BgNbdExpectedPurchasesNew(const BgNbdParams& p, double t) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (!(t >= 0 && std::isfinite(t))) return absl::InvalidArgumentError("t must be finite and >= 0");
  return FiniteValue(BgConditionalNumerator(p.r, p.alpha, p.a, p.b, 0, 0, t), "BG/NBD E[X(t)]");
}

absl::StatusOr<double> BgNbdProbabilityOfPurchases(const BgNbdParams& p, double t, int n) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (!(t > 0 && std::isfinite(t)) || n < 0 || n > 1000000) {
    return absl::InvalidArgumentError("P(X(t) = n) needs t > 0 and 0 <= n <= 1e6");
  }
  return FiniteValue(BgNbdPmf(p.r, p.alpha, p.a, p.b, t, n), "BG/NBD P(X(t) = n)");
}

}  // namespace mitra::value
