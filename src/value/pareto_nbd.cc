#include "mitra/value/pareto_nbd.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "pair_memo.h"
#include "pareto_common.h"
#include "model_driver.h"
#include "distinct_values.h"
#include "dual.h"
#include "common/special.h"
#include "common/parallel.h"
#include "vec_math.h"
#include "customer_rows.h"

namespace mitra::value {
namespace {

using D4 = Dual<4>;
using std::exp;
using std::expm1;
using std::log;
using std::log1p;

absl::Status CheckParams(const ParetoNbdParams& p) {
  if (p.r > 0 && p.alpha > 0 && p.s > 0 && p.beta > 0 && std::isfinite(p.r) &&
      std::isfinite(p.alpha) && std::isfinite(p.s) && std::isfinite(p.beta)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      "Pareto/NBD parameters r, alpha, s, beta must be finite and > 0");
}

// Tanh-sinh nodes u_k in (0, 1) with weights, for h = 1/16 and |t| <= 6.5:
// the far nodes reach u ~ 1e-300, enough for the (1-e^-y)^(A-1) endpoint
// singularity when r + s + x is small.
struct TanhSinh {
  std::vector<double> u, w;
  TanhSinh() {
    const double h = 1.0 / 16;
    for (int k = -104; k <= 104; ++k) {
      const double t = k * h, e = M_PI * std::sinh(t);
      const double u0 = 1 / (1 + std::exp(-e)), u1 = 1 / (1 + std::exp(e));  // u, 1-u
      const double weight = h * M_PI * std::cosh(t) * u0 * u1;
      if (weight > 0 && u0 > 0) {
        u.push_back(u0);
        w.push_back(weight);
      }
    }
  }
};
const TanhSinh& Nodes() {
  static const TanhSinh* nodes = new TanhSinh();
  return *nodes;
}

// H = 2F1(1, c; e; z) = sum_n (c)_n / (e)_n z^n for 0 <= z <= 0.9 and
// 0 < c < e: terms positive with ratios below z, so the tail after a term
// is below term z / (1-z).
double SeriesH(double c, double e, double z) {
  const double tail = z / (1 - z);
  double term = 1, sum = 1;
  for (int n = 0; n < 2000 && term * tail > 1e-17 * sum; ++n) {
    term *= (c + n) / (e + n) * z;
    sum += term;
  }
  return sum;
}

// The same with derivatives, carried as d ln(term): each ratio adds
// dc/(c+n) - de/(e+n) + dz/z, so no Dual division per term.
template <int N>
Dual<N> SeriesH(const Dual<N>& c, const Dual<N>& e, const Dual<N>& z) {
  Dual<N> sum(1.0);
  if (z.v == 0) {  // H = 1 + c/e z + O(z^2): only the first term moves
    for (int j = 0; j < N; ++j) sum.d[j] = c.v / e.v * z.d[j];
    return sum;
  }
  const double tail = z.v / (1 - z.v);
  double term = 1, dlog[N] = {};
  for (int n = 0; n < 2000 && (term * tail > 1e-17 * sum.v); ++n) {
    const double ic = 1 / (c.v + n), ie = 1 / (e.v + n);
    term *= (c.v + n) * ie * z.v;
    sum.v += term;
    for (int j = 0; j < N; ++j) {
      dlog[j] += c.d[j] * ic - e.d[j] * ie + z.d[j] / z.v;
      sum.d[j] += term * dlog[j];
    }
  }
  return sum;
}

// ln int_0^1 e^(phi(u)) du over the tanh-sinh nodes, phi(u) = (b-1) y +
// ln(1 - e^-y) at y = Y u, computed in doubles. With `moments`, also
// the integrand-weighted means of d phi/db = y, d phi/dA = ln(1 - e^-y) and
// d phi/dY = u ((b-1) + (A-1) / expm1(y)), from which the derivatives of the
// result follow by the chain rule: one pass of plain arithmetic where Dual<4>
// numbers at every node cost several times as much.
struct EulerSums {
  double log_sum = 0, mean_y = 0, mean_log = 0, mean_dy = 0;
};
EulerSums EulerIntegral(double A, double b, double Y, bool moments) {
  const TanhSinh& q = Nodes();
  constexpr size_t kMostNodes = 256;  // TanhSinh has 209 at most (k = -104..104)
  double phi[kMostNodes], y[kMostNodes], lg[kMostNodes];
  const size_t n = std::min(q.u.size(), kMostNodes);
  double top = -INFINITY;
  for (size_t k = 0; k < n; ++k) {
    y[k] = Y * q.u[k];
    lg[k] = std::log(-std::expm1(-y[k]));
    phi[k] = (b - 1.0) * y[k] + (A - 1.0) * lg[k];
    top = std::max(top, phi[k]);
  }
  EulerSums out;
  double sum = 0, sy = 0, slog = 0, sdy = 0;
  for (size_t k = 0; k < n; ++k) {
    const double e = q.w[k] * std::exp(phi[k] - top);
    sum += e;
    if (moments) {
      sy += e * y[k];
      slog += e * lg[k];
      sdy += e * q.u[k] * ((b - 1.0) + (A - 1.0) / std::expm1(y[k]));
    }
  }
  out.log_sum = std::log(sum) + top;
  if (moments) {
    out.mean_y = sy / sum;
    out.mean_log = slog / sum;
    out.mean_dy = sdy / sum;
  }
  return out;
}
double LogEulerIntegral(double A, double b, double Y) {
  return EulerIntegral(A, b, Y, false).log_sum;
}
template <int N>
Dual<N> LogEulerIntegral(const Dual<N>& A, const Dual<N>& b, const Dual<N>& Y) {
  const EulerSums e = EulerIntegral(A.v, b.v, Y.v, true);
  Dual<N> r(e.log_sum);
  for (int j = 0; j < N; ++j) r.d[j] = b.d[j] * e.mean_y + A.d[j] * e.mean_log + Y.d[j] * e.mean_dy;
  return r;
}

// ln G(t) = ln int_t^inf (alpha+u)^-(r+x) (beta+u)^-(s+1) du (see the header).
template <class S>
S LogTail(const S& r, const S& alpha, const S& s, const S& beta, double x, double t) {
  const bool alpha_max = Value(alpha) >= Value(beta);
  const S A = r + s + x;
  const S b = alpha_max ? s + 1.0 : r + x;  // exponent of the smaller factor
  const S c = alpha_max ? r + x : s + 1.0;  // A + 1 - b
  const S m = alpha_max ? alpha : beta;
  const S d = alpha_max ? alpha - beta : beta - alpha;
  const S mt = m + t;
  const S z = d / mt;
  const double zv = Value(z);
  if (zv <= 0.9) {
    const S sum = SeriesH(c, A + 1.0, z);
    return -A * log(mt) - log(A) + (1.0 - b) * log1p(-z) + log(sum);
  }
  // G = d^-A int_0^Y e^((b-1)y) (1-e^-y)^(A-1) dy with Y = -ln(1-z): the
  // Euler integral after q = 1 - z e^-w and q = e^-y (no 2F1 near z = 1).
  const S Y = -log1p(-z);
  return -A * log(d) + log(Y) + LogEulerIntegral(A, b, Y);
}

// ln of the bracket (alpha+T)^-(r+x) (beta+T)^-s + s I for one customer
// given ln G(t_x), ln G(T) and ln term1; also the log-odds of "dead".
// log(1 + e) and log(1 - q) stand for log1p: in log space their absolute
// error (~1e-16) is all a log-likelihood can resolve, and they are faster.
template <class S>
S LogBracket(const S& log_s, const S& log_term1, const S& lg_tx, const S& lg_T, bool same,
             S* log_dead_odds) {
  if (same) {  // t_x = T: I = 0
    if (log_dead_odds) *log_dead_odds = S(-INFINITY);
    return log_term1;
  }
  const S q = exp(lg_T - lg_tx);
  if (!(Value(q) < 1)) {  // I below rounding of G(t_x): treat as 0
    if (log_dead_odds) *log_dead_odds = S(-INFINITY);
    return log_term1;
  }
  const S log_si = log_s + lg_tx + log(1.0 - q);
  const S diff = log_si - log_term1;
  if (log_dead_odds) *log_dead_odds = diff;
  // ln(e^a + e^b) = max + ln(1 + e^-(|a-b|))
  if (Value(diff) > 0) return log_si + log(1.0 + exp(-diff));
  return log_term1 + log(1.0 + exp(diff));
}

template <class S>
S LogTerm1(const S& r, const S& alpha, const S& s, const S& beta, double x, double T) {
  return -(r + x) * log(alpha + T) - s * log(beta + T);
}

// Per customer, in doubles: ln L and the log-odds of having dropped out.
// ln G(t) depends on (x, t) only: memoised across the customers of a call.
class PerCustomer {
 public:
  PerCustomer(const ParetoNbdParams& p, size_t n) : p_(p), ls_(std::log(p.s)), memo_(n) {}

  void operator()(double x, double tx, double T, double* ll, double* log_dead_odds) {
    const double lg_tx = Tail(x, tx), lg_T = Tail(x, T);
    const double lt1 = LogTerm1(p_.r, p_.alpha, p_.s, p_.beta, x, T);
    double odds;
    const double lb = LogBracket(ls_, lt1, lg_tx, lg_T, tx == T, &odds);
    if (ll) {
      *ll = LogGamma(p_.r + x) - LogGamma(p_.r) + p_.r * std::log(p_.alpha) +
            p_.s * std::log(p_.beta) + lb;
    }
    if (log_dead_odds) *log_dead_odds = odds;
  }

 private:
  double Tail(double x, double t) {
    return *memo_.Get(x, t, [&]() -> absl::StatusOr<double> {
      return LogTail(p_.r, p_.alpha, p_.s, p_.beta, x, t);
    });
  }
  ParetoNbdParams p_;
  double ls_;
  PairMemo memo_;
};

// The data of one fit. ln G depends on (x, t) only, so it is computed once
// per distinct (x, t_x) and (x, T) pair per evaluation, not per customer.
class ParetoProblem {
 public:
  absl::Status Init(const CustomerData& data) {
    int max_x = 0;
    if (absl::Status s = ValidateCustomerData(data, &max_x); !s.ok()) return s;
    data_ = data;
    counts_ = WeighCounts(data, max_x);
    total_weight_ = counts_.total;
    const size_t n = data.x.size();
    k_tx_.resize(n);
    k_T_.resize(n);
    // Keys (x, t) for t = t_x and t = T: a dense (x, distinct t) table when
    // t takes few values (summaries in whole periods), else a hash map.
    DistinctValues times;
    times.Build(data.t_x, data.T, 1 << 16);
    const size_t nt = times.values.size();
    if (times.used && (max_x + 1) * nt <= std::max<size_t>(4 * n, 1 << 20)) {
      std::vector<uint32_t> cell((max_x + 1) * nt, UINT32_MAX);
      auto key = [&](int x, uint32_t it) {
        uint32_t& c = cell[x * nt + it];
        if (c == UINT32_MAX) {
          c = static_cast<uint32_t>(keys_.size());
          keys_.push_back({static_cast<double>(x), times.values[it]});
        }
        return c;
      };
      for (size_t i = 0; i < n; ++i) {
        const int x = static_cast<int>(data.x[i]);
        k_tx_[i] = key(x, times.index_a[i]);
        k_T_[i] = key(x, times.index_b[i]);
      }
      return absl::OkStatus();
    }
    absl::flat_hash_map<std::pair<uint64_t, uint64_t>, uint32_t> index;
    auto bits = [](double v) {
      uint64_t b;
      std::memcpy(&b, &v, 8);
      return b;
    };
    auto key = [&](double x, double t) {
      auto [it, inserted] =
          index.try_emplace({bits(x), bits(t)}, static_cast<uint32_t>(keys_.size()));
      if (inserted) keys_.push_back({x, t});
      return it->second;
    };
    for (size_t i = 0; i < n; ++i) {
      k_tx_[i] = key(data.x[i], data.t_x[i]);
      k_T_[i] = key(data.x[i], data.T[i]);
    }
    return absl::OkStatus();
  }
  double total_weight() const { return total_weight_; }
  void set_threads(int threads) { threads_ = UsefulThreads(threads, k_T_.size()); }

  double Eval(const ParetoNbdParams& p, double* grad) const {
    const D4 r = D4::Variable(p.r, 0), alpha = D4::Variable(p.alpha, 1), s = D4::Variable(p.s, 2),
             beta = D4::Variable(p.beta, 3);
    const size_t nk = keys_.size();
    tail_.resize(nk);
    term1_.resize(nk);
    tail_v_.resize(nk);  // values apart from the derivatives: cache-dense
    term1_v_.resize(nk);
    // A key costs a series (~0.3 us): worth a thread from ~1000 keys.
    ParallelChunks(nk >= 1024 ? threads_ : 1, nk, [&](size_t begin, size_t end, int) {
      for (size_t k = begin; k < end; ++k) {
        const auto [x, t] = keys_[k];
        tail_[k] = LogTail(r, alpha, s, beta, x, t);
        term1_[k] = LogTerm1(r, alpha, s, beta, x, t);
        tail_v_[k] = tail_[k].v;
        term1_v_[k] = term1_[k].v;
      }
    });
    // Parts in x only: lnG(r+x) - lnG(r) = sum_{k<x} ln(r+k).
    double ll = 0, gr = 0, s_lr = 0, s_ir = 0;
    for (size_t x = 0; x < counts_.dense.size(); ++x) {
      ll += counts_.dense[x] * s_lr;
      gr += counts_.dense[x] * s_ir;
      s_lr += std::log(p.r + static_cast<double>(x));
      s_ir += 1 / (p.r + static_cast<double>(x));
    }
    for (const CountWeights::Count& c : counts_.sparse) {
      double d_r;
      ll += c.weight * LogRising(p.r, c.x, &d_r);
      gr += c.weight * d_r;
    }
    D4 total = D4(ll) + total_weight_ * (r * log(alpha) + s * log(beta));
    total.d[0] += gr;
    const double ls = std::log(p.s);
    const D4 log_s = log(s);
    acc_.resize(threads_);
    ParallelChunks(threads_, k_T_.size(),
                [&](size_t begin, size_t end, int c) { Rows(ls, log_s, begin, end, acc_[c]); });
    for (const Acc& a : acc_) {  // fixed order: same sums for any schedule
      total.v += a.sum + a.slow.v;
      for (int j = 0; j < 4; ++j) total.d[j] += a.slow.d[j];
      total.d[2] += a.s / p.s;
    }
    for (size_t k = 0; k < nk; ++k) {
      double a = 0, b = 0;
      for (const Acc& acc : acc_) a += acc.term1[k], b += acc.tail[k];
      if (a == 0 && b == 0) continue;
      for (int j = 0; j < 4; ++j) total.d[j] += a * term1_[k].d[j] + b * tail_[k].d[j];
    }
    if (grad) std::copy(total.d, total.d + 4, grad);
    return total.v;
  }

 private:
  // Per-thread sums: the log-likelihood, the coefficients of the per-key
  // gradients, of d ln s, and the rare exact slow-path rows.
  struct Acc {
    std::vector<double> term1, tail;
    double s = 0, sum = 0;
    D4 slow;
  };

  // Per customer, in doubles: ln(term1 + s I) with s I = s (G(t_x) -
  // G(T)), scaled by M = max(ln term1, ln s + ln G(t_x)). Its gradient is
  // a combination of the per-key gradients, so only the coefficients are
  // summed here (per key) and the vectors combined once per evaluation.
  void Rows(double ls, const D4& log_s, size_t begin, size_t end, Acc& acc) const {
    const size_t nk = keys_.size();
    acc.term1.assign(nk, 0.0);
    acc.tail.assign(nk, 0.0);
    acc.s = acc.sum = 0;
    acc.slow = D4(0.0);
    const bool weighted = !data_.weight.empty();
    // Blocks whose exp, expm1 and log run two lanes at a time.
    constexpr size_t kBlock = 256;
    double lt1[kBlock], top[kBlock], omq[kBlock], u1[kBlock], u2[kBlock], lb[kBlock];
    bool first_top[kBlock];
    for (size_t b0 = begin; b0 < end; b0 += kBlock) {
      const size_t m = std::min(kBlock, end - b0);
      for (size_t j = 0; j < m; ++j) {
        const size_t i = b0 + j;
        const uint32_t kT = k_T_[i], kx = k_tx_[i];
        const bool same = data_.t_x[i] == data_.T[i];  // I = 0
        lt1[j] = term1_v_[kT];
        const double gtx = tail_v_[kx], gT = tail_v_[kT];
        const double l2 = same ? -INFINITY : ls + gtx;
        top[j] = std::max(lt1[j], l2);
        omq[j] = same ? 0.0 : gT - gtx;
        // One of e^(lt1 - top), e^(l2 - top) is 1: one exp for the other.
        first_top[j] = lt1[j] >= l2;
        u1[j] = -std::fabs(lt1[j] - l2);
        if (same) u1[j] = -1000;  // e^-708 at most: weighs nothing
      }
      vec::Expm1Array(omq, omq, m);  // -(1 - G(T)/G(t_x)), accurate
      vec::ExpArray(u1, u1, m);
      for (size_t j = 0; j < m; ++j) {
        const double other = u1[j];
        u1[j] = first_top[j] ? 1.0 : other;
        u2[j] = first_top[j] ? other : 1.0;
        omq[j] = -omq[j];
        lb[j] = u1[j] + u2[j] * omq[j];
      }
      vec::LogArray(lb, lb, m);
      double bsum = 0, bs = 0;  // per block, then into the totals (rounding)
      for (size_t j = 0; j < m; ++j) {
        const size_t i = b0 + j;
        const double w = weighted ? data_.weight[i] : 1.0;
        if (w == 0) continue;
        const uint32_t kT = k_T_[i], kx = k_tx_[i];
        const double bracket = u1[j] + u2[j] * omq[j];
        if (data_.t_x[i] == data_.T[i]) {
          bsum += w * lt1[j];
          acc.term1[kT] += w;
          continue;
        }
        if (!(omq[j] > 0) || !(bracket > 0) || !std::isfinite(bracket)) {
          // Rounding corner (T barely above t_x): the exact slow path.
          const D4 slow = LogBracket<D4>(log_s, term1_[kT], tail_[kx], tail_[kT], false, nullptr);
          acc.slow += w * slow;
          continue;
        }
        bsum += w * (top[j] + lb[j]);
        const double inv = w / bracket;
        acc.term1[kT] += u1[j] * inv;
        acc.tail[kx] += u2[j] * inv;
        acc.tail[kT] -= u2[j] * (1 - omq[j]) * inv;
        bs += u2[j] * omq[j] * inv;
      }
      acc.sum += bsum;
      acc.s += bs;
    }
  }

  CustomerData data_;
  CountWeights counts_;
  std::vector<std::pair<double, double>> keys_;
  std::vector<uint32_t> k_tx_, k_T_;
  mutable std::vector<D4> tail_, term1_;
  mutable std::vector<double> tail_v_, term1_v_;
  mutable std::vector<Acc> acc_;
  double total_weight_ = 0;
  int threads_ = 1;
};

// "Pareto/NBD: non-finite result for customer <i> (parameters out of range)".
absl::Status NotFiniteResult(size_t i) {
  return absl::InvalidArgumentError(
      absl::StrCat("Pareto/NBD: non-finite result for customer ", i, " (parameters out of range)"));
}

// ln L and the log-odds of having dropped out, per customer, into `out`
// through `score(i, per_customer)`.
template <class Score>
absl::Status ScoreEach(const ParetoNbdParams& p, const CustomerData& data, absl::Span<double> out,
                       Score&& score) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckOut(data, out); !s.ok()) return s;
  PerCustomer per_customer(p, out.size());
  return FillScores(
      out, [&](size_t i) { return score(i, per_customer); }, NotFiniteResult);
}

// out[i] *= factor(i) after P(alive) (checks first: t, then the rest).
template <class Factor>
absl::Status AliveTimes(const ParetoNbdParams& p, const CustomerData& data, double t,
                        absl::Span<double> out, Factor&& factor) {
  if (absl::Status s = CheckHorizon(t); !s.ok()) return s;
  if (absl::Status s = ParetoNbdProbabilityAlive(p, data, out); !s.ok()) return s;
  return FillScores(
      out, [&](size_t i) { return out[i] * factor(i); }, NotFiniteResult);
}

}  // namespace

absl::StatusOr<double> ParetoNbdLogLikelihood(const ParetoNbdParams& params,
                                              const CustomerData& data, double* grad) {
  if (absl::Status s = CheckParams(params); !s.ok()) return s;
  return EvalLogLikelihood<ParetoProblem>(params, data, grad);
}

absl::Status ParetoNbdIndividualLogLikelihood(const ParetoNbdParams& params,
                                              const CustomerData& data, absl::Span<double> out) {
  return ScoreEach(params, data, out, [&](size_t i, PerCustomer& per_customer) {
    double ll;
    per_customer(data.x[i], data.t_x[i], data.T[i], &ll, nullptr);
    return ll;
  });
}

absl::StatusOr<ParetoNbdFit> FitParetoNbd(const CustomerData& data, const FitOptions& options) {
  return FitFourParameters<ParetoNbdFit, ParetoProblem>("Pareto/NBD", data, options);
}

absl::Status ParetoNbdProbabilityAlive(const ParetoNbdParams& p, const CustomerData& data,
                                       absl::Span<double> out) {
  return ScoreEach(p, data, out, [&](size_t i, PerCustomer& per_customer) {
    double odds;
    per_customer(data.x[i], data.t_x[i], data.T[i], nullptr, &odds);
    return 1 / (1 + std::exp(odds));
  });
}

absl::Status ParetoNbdProbabilityAliveAt(const ParetoNbdParams& p, const CustomerData& data,
                                         double t, absl::Span<double> out) {
  return AliveTimes(p, data, t, out, [&](size_t i) {
    return std::exp(-p.s * std::log1p(t / (p.beta + data.T[i])));
  });
}

absl::Status ParetoNbdExpectedPurchases(const ParetoNbdParams& p, const CustomerData& data,
                                        double t, absl::Span<double> out) {
  return AliveTimes(p, data, t, out, [&](size_t i) {
    return ParetoAliveExpectedPurchases(p, data.x[i], data.T[i], t);
  });
}

absl::StatusOr<double> ParetoNbdExpectedPurchasesNew(const ParetoNbdParams& p, double t) {
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  if (absl::Status s = CheckHorizon(t); !s.ok()) return s;
  return FiniteValue(p.r * p.beta / p.alpha * SurvivalIntegral(p.s, t / p.beta),
                     "Pareto/NBD E[X(t)]");
}

double ParetoNbdRowLogLikelihood(const double p[4], double x, double t_x, double T,
                                 double log_rising_r, double d_log_rising_r, double grad[4]) {
  const D4 r = D4::Variable(p[0], 0), alpha = D4::Variable(p[1], 1), s = D4::Variable(p[2], 2),
           beta = D4::Variable(p[3], 3);
  const bool same = t_x == T;
  const D4 lg_tx = same ? D4(0.0) : LogTail(r, alpha, s, beta, x, t_x);
  const D4 lg_T = same ? D4(0.0) : LogTail(r, alpha, s, beta, x, T);
  D4 ll = r * log(alpha) + s * log(beta) +
          LogBracket<D4>(log(s), LogTerm1(r, alpha, s, beta, x, T), lg_tx, lg_T, same, nullptr);
  ll.v += log_rising_r;
  ll.d[0] += d_log_rising_r;
  std::copy(ll.d, ll.d + 4, grad);
  return ll.v;
}

}  // namespace mitra::value
