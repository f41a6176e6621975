#include "mitra/value/parameter_draws.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "cholesky.h"
#include "common/percentile.h"
#include "common/random.h"
#include "common/request_errors.h"

namespace mitra::value {
namespace {

constexpr int kMaxDraws = 100000;
// Values held per block (D x block customers): 2 MiB of doubles, so a
// block's quantiles see all draws while memory stays flat in D x customers.
constexpr size_t kBlockValues = size_t{1} << 18;
// The coefficients' normals, apart from the parameters' (stream 0), the
// bootstrap's (2) and the simulated futures' (from 2^40).
constexpr uint64_t kRealLineStream = 3;

// The central band [q_low, q_high] of the empirical distribution of the
// counts in v (sorted here): the value whose probability straddles q_low
// and the one straddling q_high, and the share of each one's probability
// inside the band.
void DiscreteBand(std::vector<double>& v, double q_low, double q_high, double* low, double* high,
                  double* low_share, double* high_share) {
  std::sort(v.begin(), v.end());
  const double n = static_cast<double>(v.size());
  const size_t last = v.size() - 1;
  const size_t lo = std::min(last, static_cast<size_t>(std::floor(q_low * n)));
  // A band of no width (a level so small that q_low * n and q_high * n
  // round to one whole number k) straddles no value: it is the point k,
  // held by value k, so hi is not left at k - 1.
  const size_t hi = std::max(
      lo, std::min(last, static_cast<size_t>(std::max(1.0, std::ceil(q_high * n)) - 1)));
  auto share = [&](double y) {
    const double below =
        static_cast<double>(std::lower_bound(v.begin(), v.end(), y) - v.begin()) / n;
    const double upto = static_cast<double>(std::upper_bound(v.begin(), v.end(), y) - v.begin()) / n;
    return std::max(0.0, std::min(upto, q_high) - std::max(below, q_low)) / (upto - below);
  };
  *low = v[lo];
  *high = v[hi];
  *low_share = share(*low);
  *high_share = share(*high);
}

}  // namespace

UncertainParameters JoinIndependent(const UncertainParameters& a, const UncertainParameters& b) {
  const size_t na = a.estimate.size(), nb = b.estimate.size(), n = na + nb;
  UncertainParameters out;
  out.estimate = a.estimate;
  out.estimate.insert(out.estimate.end(), b.estimate.begin(), b.estimate.end());
  out.log_covariance.assign(n * n, 0);
  if (!a.real_line.empty() || !b.real_line.empty()) {
    for (size_t i = 0; i < n; ++i) out.real_line.push_back(i < na ? a.IsReal(i) : b.IsReal(i - na));
  }
  for (size_t i = 0; i < na && a.log_covariance.size() == na * na; ++i)
    for (size_t j = 0; j < na; ++j) out.log_covariance[i * n + j] = a.log_covariance[i * na + j];
  for (size_t i = 0; i < nb && b.log_covariance.size() == nb * nb; ++i)
    for (size_t j = 0; j < nb; ++j)
      out.log_covariance[(na + i) * n + na + j] = b.log_covariance[i * nb + j];
  return out;
}

absl::Status CheckDrawOptions(const DrawOptions& o) {
  if (absl::Status s = CheckCount(o.draws, 2, kMaxDraws, o.names("draws")); !s.ok()) return s;
  return CheckConfidence(o.level, o.names("level"));
}

absl::StatusOr<std::vector<double>> DrawParameters(
    const UncertainParameters& model, const DrawOptions& o,
    absl::FunctionRef<bool(absl::Span<const double>)> accept, int* redrawn) {
  if (absl::Status s = CheckDrawOptions(o); !s.ok()) return s;
  const size_t n = model.estimate.size();
  std::vector<double> l;
  if (n == 0 || model.log_covariance.size() != n * n || !Cholesky(model.log_covariance, n, l))
    return absl::FailedPreconditionError(
        "prediction intervals need the fit's covariance of the log-parameters, and it is "
        "missing or not positive definite (standard errors skipped, or a flat optimum)");
  MemoryReservation memory(o.memory);
  if (absl::Status s = memory.Reserve(8.0 * o.draws * static_cast<double>(n), o.names("draws"),
                                      "the parameter draws");
      !s.ok())
    return s;
  std::vector<double> draws(static_cast<size_t>(o.draws) * n), z(n);
  // Parameters on the real line (coefficients) draw their normals from a
  // stream of their own, so that the positive ones see the same normals as
  // in a model without them.
  Rng rng(o.seed), real_rng(o.seed, kRealLineStream);
  *redrawn = 0;
  for (size_t d = 0; d < static_cast<size_t>(o.draws);) {
    for (size_t i = 0; i < n; ++i) z[i] = NormalDraw(model.IsReal(i) ? real_rng : rng);
    const absl::Span<double> row(&draws[d * n], n);
    for (size_t i = 0; i < n; ++i) {
      double s = 0;
      for (size_t k = 0; k <= i; ++k) s += l[i * n + k] * z[k];
      row[i] = model.IsReal(i) ? model.estimate[i] + s : model.estimate[i] * std::exp(s);
    }
    if (accept(row)) {
      ++d;
    } else if (++*redrawn > o.draws) {
      return absl::FailedPreconditionError(absl::StrCat(
          "prediction intervals: more than ", o.draws,
          " parameter draws fell where the prediction does not exist (for Gamma-Gamma, q <= 1: "
          "no finite mean spend); the fit is too uncertain for intervals"));
    }
  }
  return draws;
}

absl::StatusOr<PredictionIntervals> IntervalsFromDraws(absl::Span<const double> estimate,
                                                       absl::Span<const double> draws,
                                                       size_t customers, DrawEvaluator evaluate,
                                                       const DrawOptions& o) {
  if (absl::Status s = CheckDrawOptions(o); !s.ok()) return s;
  const size_t n = estimate.size(), nd = static_cast<size_t>(o.draws);
  if (n == 0 || draws.size() != nd * n)
    return absl::InvalidArgumentError(
        absl::StrCat("prediction intervals: ", draws.size(), " drawn values for ", o.draws,
                     " draws of ", n, " parameters"));
  const size_t block = std::clamp<size_t>(kBlockValues / nd, 1, std::max<size_t>(customers, 1));
  // The caller's draws count too: they are held for as long as this runs.
  MemoryReservation memory(o.memory);
  if (absl::Status s = memory.Reserve(
          8.0 * (static_cast<double>(block) * nd + 2.0 * nd + 3.0 * static_cast<double>(customers) +
                 static_cast<double>(draws.size())),
          o.names("draws"), "the predictions of the parameter draws");
      !s.ok())
    return s;
  PredictionIntervals out;
  out.estimate.resize(customers);
  out.low.resize(customers);
  out.high.resize(customers);
  if (o.discrete) {
    out.low_share.resize(customers);
    out.high_share.resize(customers);
  }
  if (customers > 0) {
    if (absl::Status s = evaluate(estimate, 0, customers, absl::MakeSpan(out.estimate)); !s.ok())
      return s;
  }
  for (double v : out.estimate) out.total += v;
  const double q_low = (1 - o.level) / 2, q_high = 1 - q_low;
  std::vector<double> values(block * nd), totals(nd, 0.0), one(nd);
  for (size_t begin = 0; begin < customers; begin += block) {
    const size_t end = std::min(customers, begin + block), len = end - begin;
    for (size_t d = 0; d < nd; ++d) {
      const absl::Span<double> slot(&values[d * block], len);
      if (absl::Status s = evaluate(draws.subspan(d * n, n), begin, end, slot); !s.ok())
        return absl::Status(s.code(), absl::StrCat("parameter draw ", d, ": ", s.message()));
      for (double v : slot) totals[d] += v;
    }
    for (size_t i = 0; i < len; ++i) {
      for (size_t d = 0; d < nd; ++d) one[d] = values[d * block + i];
      if (o.discrete) {
        DiscreteBand(one, q_low, q_high, &out.low[begin + i], &out.high[begin + i],
                     &out.low_share[begin + i], &out.high_share[begin + i]);
        continue;
      }
      out.low[begin + i] = Percentile(one, q_low);
      out.high[begin + i] = Percentile(one, q_high);
    }
  }
  if (customers > 0) {
    one = totals;
    out.total_low = Percentile(one, q_low);
    out.total_high = Percentile(totals, q_high);
  } else {
    out.total_low = out.total_high = 0;
  }
  return out;
}

}  // namespace mitra::value
