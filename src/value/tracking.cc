#include "mitra/value/tracking.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "mitra/value/purchase_counts.h"

namespace mitra::value {
namespace {

absl::Status CheckGrid(const TrackingGrid& grid) {
  if (!(grid.step > 0) || !std::isfinite(grid.step))
    return absl::InvalidArgumentError(absl::StrCat("step: must be finite and > 0, got ", grid.step));
  if (grid.periods < 1 || grid.periods > 1000000)
    return absl::InvalidArgumentError(absl::StrCat("periods: must be in [1, 1000000], got ", grid.periods));
  return absl::OkStatus();
}

}  // namespace

absl::Status ExpectedCumulativeTransactions(const PurchaseModel& model,
                                            absl::Span<const double> birth, const TrackingGrid& grid,
                                            absl::Span<double> out) {
  if (absl::Status s = CheckGrid(grid); !s.ok()) return s;
  if (out.size() != static_cast<size_t>(grid.periods))
    return absl::InvalidArgumentError(
        absl::StrCat("out: needs ", grid.periods, " entries (periods), got ", out.size()));
  for (size_t i = 0; i < birth.size(); ++i) {
    if (!std::isfinite(birth[i]))
      return absl::InvalidArgumentError(absl::StrCat("birth[", i, "]: must be finite, got ", birth[i]));
  }
  // Model errors surface before any work.
  if (absl::StatusOr<double> e = ExpectedPurchasesNew(model, 0); !e.ok()) return e.status();
  std::vector<double> sorted(birth.begin(), birth.end());
  std::sort(sorted.begin(), sorted.end());
  std::fill(out.begin(), out.end(), 0.0);
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    const double b = sorted[i], count = static_cast<double>(j - i);
    for (int k = 1; k <= grid.periods; ++k) {
      const double age = k * grid.step - b;
      if (!(age > 0)) continue;
      absl::StatusOr<double> e = ExpectedPurchasesNew(model, age);
      if (!e.ok()) return e.status();
      out[k - 1] += count * *e;
    }
    i = j;
  }
  // Extreme parameters (found by fuzzing) leave the range the formulas are
  // computed in: refused, for every caller, rather than handed out.
  for (size_t k = 0; k < out.size(); ++k)
    if (!(std::isfinite(out[k]) && out[k] >= 0 && (k == 0 || out[k] >= out[k - 1] * (1 - 1e-12))))
      return absl::InvalidArgumentError(absl::StrCat(
          "model: its parameters give ", out[k], " expected transactions by period ", k + 1,
          ": outside the range the model's formulas are computed in"));
  return absl::OkStatus();
}

absl::StatusOr<RepeatTransactions> TrackRepeatTransactions(absl::Span<const uint32_t> customer,
                                                           absl::Span<const int64_t> time,
                                                           const SummaryOptions& options,
                                                           const TrackingGrid& grid) {
  if (customer.size() != time.size())
    return absl::InvalidArgumentError(absl::StrCat("time: ", time.size(), " values, but customer has ",
                                                   customer.size()));
  if (options.period.seconds <= 0)
    return absl::InvalidArgumentError(
        absl::StrCat("period: must be > 0 seconds, got ", options.period.seconds));
  if (options.unit.seconds <= 0)
    return absl::InvalidArgumentError(absl::StrCat("unit: must be > 0 seconds, got ", options.unit.seconds));
  if (absl::Status s = CheckGrid(grid); !s.ok()) return s;
  const int64_t period = options.period.seconds;
  auto period_of = [&](int64_t t) {
    const int64_t d = t - options.origin;  // times and origin within +-2^62 (workspace rule)
    return d >= 0 ? d / period : -((-d + period - 1) / period);
  };
  // Transactions by customer, then time: each customer's distinct periods.
  std::vector<size_t> order(customer.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return customer[a] != customer[b] ? customer[a] < customer[b] : time[a] < time[b];
  });
  const double unit = static_cast<double>(options.unit.seconds);
  // Period p starts p * period / unit units after the origin.
  auto units = [&](int64_t p) { return static_cast<double>(p) * static_cast<double>(period) / unit; };
  RepeatTransactions r;
  r.actual.assign(static_cast<size_t>(grid.periods), 0.0);
  std::vector<double> increments(static_cast<size_t>(grid.periods), 0.0);
  for (size_t i = 0; i < order.size();) {
    const uint32_t c = customer[order[i]];
    const int64_t first = period_of(time[order[i]]);
    r.customer.push_back(c);
    r.birth.push_back(units(first));
    int64_t last = first;
    for (; i < order.size() && customer[order[i]] == c; ++i) {
      const int64_t p = period_of(time[order[i]]);
      if (p == last) continue;
      last = p;
      // The first grid period k with k step >= the end of purchase period p.
      const double end = units(p + 1);
      const double k = std::ceil(end / grid.step - 1e-9);
      if (k <= grid.periods) increments[static_cast<size_t>(std::max(1.0, k)) - 1] += 1;
    }
  }
  double running = 0;
  for (size_t k = 0; k < increments.size(); ++k) r.actual[k] = running += increments[k];
  return r;
}

absl::StatusOr<Tracking> Track(const PurchaseModel& model, absl::Span<const uint32_t> customer,
                               absl::Span<const int64_t> time, const SummaryOptions& options,
                               const TrackingGrid& grid) {
  absl::StatusOr<RepeatTransactions> r = TrackRepeatTransactions(customer, time, options, grid);
  if (!r.ok()) return r.status();
  Tracking t;
  t.actual = std::move(r->actual);
  t.expected.resize(t.actual.size());
  if (absl::Status s = ExpectedCumulativeTransactions(model, r->birth, grid, absl::MakeSpan(t.expected));
      !s.ok())
    return s;
  return t;
}

absl::Status ProbabilityAlivePath(const PurchaseModel& model, absl::Span<const double> purchase_times,
                                  absl::Span<const double> times, absl::Span<double> out) {
  if (purchase_times.empty())
    return absl::InvalidArgumentError("purchase_times: needs at least the first purchase");
  if (out.size() != times.size())
    return absl::InvalidArgumentError(
        absl::StrCat("out: needs ", times.size(), " entries (one per time), got ", out.size()));
  for (size_t i = 0; i < purchase_times.size(); ++i) {
    if (!std::isfinite(purchase_times[i]))
      return absl::InvalidArgumentError(
          absl::StrCat("purchase_times[", i, "]: must be finite, got ", purchase_times[i]));
    if (i > 0 && purchase_times[i] < purchase_times[i - 1])
      return absl::InvalidArgumentError(
          absl::StrCat("purchase_times[", i, "]: must not be before the previous purchase"));
  }
  const double first = purchase_times[0];
  const size_t m = times.size();
  std::vector<double> x(m), t_x(m), T(m);
  for (size_t j = 0; j < m; ++j) {
    if (!std::isfinite(times[j]) || times[j] < first)
      return absl::InvalidArgumentError(absl::StrCat(
          "times[", j, "]: must be finite and not before the first purchase (", first, "), got ", times[j]));
    double count = 0, last = first;
    for (size_t i = 1; i < purchase_times.size() && purchase_times[i] <= times[j]; ++i) {
      if (purchase_times[i] == last) continue;
      last = purchase_times[i];
      ++count;
    }
    x[j] = count;
    t_x[j] = last - first;
    T[j] = times[j] - first;
  }
  return ProbabilityAlive(model, CustomerData{x, t_x, T, {}, "P(alive) path"}, out);
}

}  // namespace mitra::value
