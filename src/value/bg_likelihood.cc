// The BG/NBD family's log-likelihood and exact gradient (bg_family.h), in
// lifetimes' notation with e = kExtraDropout (0 BG/NBD, 1 MBG/NBD):
//   ln L = A1 + A2 + ln(exp(A3) + [x+e > 0] exp(A4)),
//   A1 = lnG(r+x) - lnG(r) + r ln alpha,  A2 = ln B(a, b+x+e) - ln B(a, b),
//   A3 = -(r+x) ln(alpha+T),  A4 = ln a - ln(b+x+e-1) - (r+x) ln(alpha+t_x).
// The parts that depend on x only are summed per distinct x; the rest per
// customer, in blocks whose exp and log run two lanes at a time (vec_math.h).
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "bg_family.h"
#include "common/parallel.h"
#include "common/special.h"
#include "distinct_values.h"
#include "model_driver.h"
#include "vec_math.h"

namespace mitra::value {
namespace {

// The log-likelihood and the gradient in the order r, alpha, a, b.
struct Sums {
  double ll = 0, gr = 0, galpha = 0, ga = 0, gb = 0;
  void Add(const Sums& o) {
    ll += o.ll;
    gr += o.gr;
    galpha += o.galpha;
    ga += o.ga;
    gb += o.gb;
  }
};

// The data of one fit, validated once; Eval is called per optimizer step.
template <class Params>
class BgProblem {
 public:
  static constexpr int kExtra = BgTraits<Params>::kExtraDropout;

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

  double Eval(const Params& p, double* grad) const {
    Sums total = CountTerms(p);
    const double log_alpha = std::log(p.alpha);
    total.ll += total_weight_ * p.r * log_alpha;
    total.gr += total_weight_ * log_alpha;
    total.galpha += total_weight_ * p.r / p.alpha;
    TabulateCounts(p);
    if (distinct_.used) TabulateLogs(p.alpha);
    AddCustomerTerms(p, total);
    if (grad != nullptr) {
      grad[0] = total.gr;
      grad[1] = total.galpha;
      grad[2] = total.ga;
      grad[3] = total.gb;
    }
    return total.ll;
  }

 private:
  // A2 and the x-dependent part of A1, weighted per count: the sparse
  // counts by LogRising, the dense ones by running sums over k < x + e of
  // ln(r+k), 1/(r+k), ln(b+k) - ln(a+b+k), ...
  Sums CountTerms(const Params& p) const {
    const double r = p.r, a = p.a, b = p.b;
    Sums s;
    for (const CountWeights::Count& c : counts_.sparse) {
      double d_r, d_b, d_ab;
      const double l_r = LogRising(r, c.x, &d_r), l_b = LogRising(b, c.x + kExtra, &d_b),
                   l_ab = LogRising(a + b, c.x + kExtra, &d_ab);
      s.ll += c.weight * (l_r + l_b - l_ab);
      s.gr += c.weight * d_r;
      s.ga -= c.weight * d_ab;
      s.gb += c.weight * (d_b - d_ab);
    }
    double s_lr = 0, s_ir = 0, s_lb = 0, s_ia = 0, s_ib = 0;
    for (int k = 0; k < kExtra; ++k) {  // A2's terms before the first count
      s_lb += std::log(b + k) - std::log(a + b + k);
      s_ia -= 1 / (a + b + k);
      s_ib += 1 / (b + k) - 1 / (a + b + k);
    }
    for (int x = 0; x < static_cast<int>(counts_.dense.size()); ++x) {
      const double w = counts_.dense[x];
      s.ll += w * (s_lr + s_lb);
      s.gr += w * s_ir;
      s.ga += w * s_ia;
      s.gb += w * s_ib;
      s_lr += std::log(r + x);
      s_ir += 1 / (r + x);
      s_lb += std::log(b + x + kExtra) - std::log(a + b + x + kExtra);
      s_ia -= 1 / (a + b + x + kExtra);
      s_ib += 1 / (b + x + kExtra) - 1 / (a + b + x + kExtra);
    }
    return s;
  }

  // Per count (indexed by CountWeights::slot): ln a - ln(b+x+e-1) of A4 and
  // 1/(b+x+e-1); 0 where there is no A4 (its rows weigh them by 0).
  void TabulateCounts(const Params& p) const {
    lc4_.assign(counts_.table_size(), 0.0);
    inv_b_.assign(counts_.table_size(), 0.0);
    const double log_a = std::log(p.a);
    for (size_t k = 0; k < counts_.table_size(); ++k) {
      const int x = counts_.x_of(k);
      if (x + kExtra == 0) continue;
      lc4_[k] = log_a - std::log(p.b + (x + kExtra - 1));
      inv_b_[k] = 1 / (p.b + (x + kExtra - 1));
    }
  }

  // ln(alpha + t) and 1/(alpha + t) per distinct t_x and T.
  void TabulateLogs(double alpha) const {
    const size_t k = distinct_.values.size();
    log_at_.resize(k);
    inv_at_.resize(k);
    for (size_t j = 0; j < k; ++j) {
      log_at_[j] = std::log(alpha + distinct_.values[j]);
      inv_at_[j] = 1 / (alpha + distinct_.values[j]);
    }
  }

  // The per-customer part over all threads, added in chunk order.
  void AddCustomerTerms(const Params& p, Sums& total) const {
    const bool weighted = !data_.weight.empty();
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
    for (const Sums& one : part) total.Add(one);
  }

  // One block of customers, packed for the two-lane loop below.
  struct Block {
    static constexpr size_t kSize = 256;
    // +1: an odd block is padded with a zero-weight row for the pairs.
    double lT[kSize + 1], iT[kSize + 1], ltx[kSize + 1], itx[kSize + 1], a3[kSize + 1],
        d[kSize + 1], e[kSize + 1], lg[kSize + 1], w[kSize + 1], rx[kSize + 1], ib[kSize + 1];
  };

  // The per-customer part: A3, A4 and their log-sum-exp. Rows without A4
  // (x = 0 in BG/NBD) need no exp and are summed apart.
  template <bool kTab, bool kWeighted>
  void Rows(const Params& p, size_t begin, size_t end, Sums& out) const {
    Block blk;
    Sums s;
    size_t i = begin;
    while (i < end) {
      Sums lone;  // this block's rows without A4
      const size_t m = Pack<kTab, kWeighted>(p, i, end, blk, lone);
      vec::ExpArray(blk.e, blk.e, m);
      for (size_t j = 0; j < m; ++j) blk.lg[j] = 1 + blk.e[j];
      vec::LogArray(blk.lg, blk.lg, m);
      Sums packed = SumBlock(blk, m);
      s.ll += packed.ll + lone.ll;
      s.gr += packed.gr + lone.gr;
      s.galpha += packed.galpha + lone.galpha;
      s.ga += packed.ga;
      s.gb += packed.gb;
    }
    s.ga /= p.a;
    out = s;
  }

  // Fills `blk` from row i on (advancing i) and returns its rows, an even
  // number; rows without A4 go into `lone` instead.
  template <bool kTab, bool kWeighted>
  size_t Pack(const Params& p, size_t& i, size_t end, Block& blk, Sums& lone) const {
    const double r = p.r, alpha = p.alpha;
    size_t m = 0;
    for (; i < end && m < Block::kSize; ++i) {
      const double wi = kWeighted ? data_.weight[i] : 1.0;
      const int x = x_[i];
      const double lTi = kTab ? log_at_[distinct_.index_b[i]] : std::log(alpha + data_.T[i]);
      const double iTi = kTab ? inv_at_[distinct_.index_b[i]] : 1 / (alpha + data_.T[i]);
      if (kExtra == 0 && x == 0) {  // ln L = A1 + A2 + A3 only
        lone.ll -= wi * r * lTi;
        lone.gr -= wi * lTi;
        lone.galpha -= wi * r * iTi;
        continue;
      }
      blk.w[m] = wi;
      blk.rx[m] = r + x;
      blk.ib[m] = inv_b_[counts_.slot[i]];
      blk.lT[m] = lTi;
      blk.iT[m] = iTi;
      blk.ltx[m] = kTab ? log_at_[distinct_.index_a[i]] : std::log(alpha + data_.t_x[i]);
      blk.itx[m] = kTab ? inv_at_[distinct_.index_a[i]] : 1 / (alpha + data_.t_x[i]);
      blk.a3[m] = -(r + x) * lTi;
      blk.d[m] = lc4_[counts_.slot[i]] - (r + x) * blk.ltx[m] - blk.a3[m];
      blk.e[m] = -std::fabs(blk.d[m]);
      ++m;
    }
    if (m % 2) {  // a row that adds nothing
      blk.w[m] = blk.rx[m] = blk.ib[m] = blk.lT[m] = blk.iT[m] = blk.ltx[m] = blk.itx[m] =
          blk.a3[m] = blk.d[m] = 0;
      blk.e[m] = -1;
      ++m;
    }
    return m;
  }

  // A packed block, two lanes at a time, summed per block and then into the
  // totals: the rounding of a sum over a million customers stays near that
  // of a thousand (the optimizer needs gradients accurate to ~1e-9). `ga`
  // is left to be divided by a.
  static Sums SumBlock(const Block& blk, size_t m) {
    using vec::Load;
    using vec::Splat;
    using vec::V2;
    V2 bll = Splat(0), bgr = Splat(0), bgalpha = Splat(0), bga = Splat(0), bgb = Splat(0);
    for (size_t j = 0; j < m; j += 2) {
      // log(e^a3 + e^a4) = max + log(1 + e^-|a4-a3|); w4 = e^a4 / (e^a3 + e^a4).
      const V2 dj = Load(blk.d + j), ej = Load(blk.e + j), wj = Load(blk.w + j),
               a3j = Load(blk.a3 + j);
      const vec::I2 up = dj > Splat(0);
      const V2 lse = vec::Select(up, a3j + dj, a3j) + Load(blk.lg + j);
      const V2 w4 = vec::Select(up, Splat(1), ej) / (Splat(1) + ej);
      const V2 w3 = Splat(1) - w4;
      bll += wj * lse;
      bgr -= wj * (w3 * Load(blk.lT + j) + w4 * Load(blk.ltx + j));
      bgalpha -= wj * Load(blk.rx + j) * (w3 * Load(blk.iT + j) + w4 * Load(blk.itx + j));
      bga += wj * w4;
      bgb -= wj * w4 * Load(blk.ib + j);
    }
    Sums s;
    s.ll = bll[0] + bll[1];
    s.gr = bgr[0] + bgr[1];
    s.galpha = bgalpha[0] + bgalpha[1];
    s.ga = bga[0] + bga[1];
    s.gb = bgb[0] + bgb[1];
    return s;
  }

  CustomerData data_;
  std::vector<int> x_;
  CountWeights counts_;
  mutable std::vector<double> lc4_, inv_b_, log_at_, inv_at_;
  DistinctValues distinct_;  // t_x and T
  double total_weight_ = 0;
  int threads_ = 1;
};

}  // namespace

template <class Params>
absl::StatusOr<double> BgLikelihood<Params>::LogLikelihood(const Params& p,
                                                           const CustomerData& data,
                                                           double* grad) {
  if (absl::Status s = CheckBgParams(p); !s.ok()) return s;
  return EvalLogLikelihood<BgProblem<Params>>(p, data, grad);
}

template <class Params>
absl::StatusOr<typename BgLikelihood<Params>::Fit> BgLikelihood<Params>::FitParams(
    const CustomerData& data, const FitOptions& options) {
  return FitFourParameters<Fit, BgProblem<Params>>(BgTraits<Params>::kName, data, options);
}

template struct BgLikelihood<BgNbdParams>;
template struct BgLikelihood<MbgNbdParams>;

}  // namespace mitra::value
