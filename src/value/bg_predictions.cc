// The BG/NBD family's predictions (bg_family.h); e = kExtraDropout.
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bg_common.h"
#include "bg_family.h"
#include "model_driver.h"

namespace mitra::value {
namespace {

// P(alive) = 1 / (1 + [x+e > 0] a/(b+x+e-1) ((alpha+T)/(alpha+t_x))^(r+x)),
// with ln(a/(b+x+e-1)) tabulated for small x (one log and one exp per
// customer).
template <class Params>
class AliveScorer {
 public:
  static constexpr int kExtra = BgTraits<Params>::kExtraDropout;

  explicit AliveScorer(const Params& p) : p_(p) {
    for (int x = 1 - kExtra; x < kTable; ++x) lc_[x] = std::log(p.a / (p.b + (x + kExtra - 1)));
  }
  double operator()(double x, double tx, double T) const {
    if (kExtra == 0 && x == 0) return 1.0;
    const double lc =
        x < kTable ? lc_[static_cast<int>(x)] : std::log(p_.a / (p_.b + (x + (kExtra - 1))));
    return 1 / (1 + std::exp(lc + (p_.r + x) * std::log((p_.alpha + T) / (p_.alpha + tx))));
  }

 private:
  static constexpr int kTable = 64;
  Params p_;
  double lc_[kTable] = {};
};

// The error for customer i's non-finite "<model> <what>".
template <class Params>
auto NotFiniteScore(const char* what) {
  return [what](size_t i) { return NotFinite(absl::StrCat(BgTraits<Params>::kName, " ", what), i); };
}

// P(alive) times a function of (x, T) and t, for every customer: the
// checks, the memo and the loop that expected purchases and P(alive at
// T + t) share.
template <class Params, class PairValue>
absl::Status AliveTimes(const Params& p, const CustomerData& data, double t,
                        absl::Span<double> out, const char* what, PairValue&& f) {
  if (absl::Status s = CheckBgParams(p); !s.ok()) return s;
  if (absl::Status s = CheckOut(data, out); !s.ok()) return s;
  if (absl::Status s = CheckHorizon(t); !s.ok()) return s;
  const AliveScorer<Params> alive(p);
  return FillPairScores(
      data, out, f,
      [&](size_t i, double v) { return v * alive(data.x[i], data.t_x[i], data.T[i]); },
      NotFiniteScore<Params>(what));
}

}  // namespace

template <class Params>
absl::Status BgPredictions<Params>::ProbabilityAlive(const Params& p, const CustomerData& data,
                                                     absl::Span<double> out) {
  if (absl::Status s = CheckBgParams(p); !s.ok()) return s;
  if (absl::Status s = CheckOut(data, out); !s.ok()) return s;
  const AliveScorer<Params> alive(p);
  return FillScores(
      out, [&](size_t i) { return alive(data.x[i], data.t_x[i], data.T[i]); },
      NotFiniteScore<Params>("P(alive)"));
}

template <class Params>
absl::Status BgPredictions<Params>::ExpectedPurchases(const Params& p, const CustomerData& data,
                                                      double t, absl::Span<double> out) {
  return AliveTimes(p, data, t, out, "expected purchases",
                    [&](double x, double T) { return BgFamilyNumerator(p, x, T, t); });
}

template <class Params>
absl::Status BgPredictions<Params>::ProbabilityAliveAt(const Params& p, const CustomerData& data,
                                                       double t, absl::Span<double> out) {
  constexpr int e = BgTraits<Params>::kExtraDropout;
  return AliveTimes(p, data, t, out, "P(alive at T + t)", [&](double x, double T) {
    return BgAliveDecay(p.r, p.alpha, p.a, p.b + e, x, T, t);
  });
}

template <class Params>
absl::StatusOr<double> BgPredictions<Params>::ExpectedPurchasesNew(const Params& p, double t) {
  constexpr int e = BgTraits<Params>::kExtraDropout;
  if (absl::Status s = CheckBgParams(p); !s.ok()) return s;
  if (absl::Status s = CheckHorizon(t); !s.ok()) return s;
  // With e = 1: E over Beta(a, b+1) of BG/NBD's (1 - e^(-lambda p t))/p,
  // times P(survives the first purchase) = b/(a+b).
  absl::StatusOr<double> num = BgFamilyNumerator(p, 0, 0, t);
  if (!num.ok()) return num.status();
  const double survives = e == 0 ? 1.0 : p.b / (p.a + p.b);
  return FiniteValue(survives * *num, absl::StrCat(BgTraits<Params>::kName, " E[X(t)]"));
}

template <class Params>
absl::StatusOr<double> BgPredictions<Params>::ProbabilityOfPurchases(const Params& p, double t,
                                                                     int n) {
  constexpr int e = BgTraits<Params>::kExtraDropout;
  if (absl::Status s = CheckBgParams(p); !s.ok()) return s;
  if (!(t > 0 && std::isfinite(t)) || n < 0 || n > 1000000) {
    return absl::InvalidArgumentError("P(X(t) = n) needs t > 0 and 0 <= n <= 1e6");
  }
  // With e = 1: gone at once with probability a/(a+b), else a BG/NBD
  // customer whose p has the posterior Beta(a, b+1).
  const double gone = e == 0 ? 0.0 : p.a / (p.a + p.b), stays = e == 0 ? 1.0 : p.b / (p.a + p.b);
  return ProbabilityValue(
      (n == 0 ? gone : 0.0) + stays * BgNbdPmf(p.r, p.alpha, p.a, p.b + e, t, n),
      absl::StrCat(BgTraits<Params>::kName, " P(X(t) = ", n, ") with r = ", p.r, ", alpha = ",
                   p.alpha, ", a = ", p.a, ", b = ", p.b));
}

template struct BgPredictions<BgNbdParams>;
template struct BgPredictions<MbgNbdParams>;

}  // namespace mitra::value
