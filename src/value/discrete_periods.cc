#include "mitra/value/discrete_periods.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace mitra::value {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// `visit(customer, periods, last)` sees each customer's distinct periods up
// to the last observed one, increasing, customers in increasing key.
template <typename Visit>
absl::Status ForEachCustomer(absl::Span<const uint32_t> customer, absl::Span<const int64_t> time,
                             const PeriodGrid& grid, Visit&& visit) {
  if (customer.size() != time.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "customer, time: must have one length, got ", customer.size(), " and ", time.size()));
  }
  if (grid.period <= 0)
    return absl::InvalidArgumentError(absl::StrCat("period: must be > 0 seconds, got ", grid.period));
  const int64_t last = FloorDiv(grid.end - grid.origin, grid.period);
  std::vector<std::pair<uint32_t, int64_t>> pairs;
  pairs.reserve(customer.size());
  for (size_t i = 0; i < customer.size(); ++i) {
    const int64_t p = FloorDiv(time[i] - grid.origin, grid.period);
    if (p <= last) pairs.emplace_back(customer[i], p);
  }
  // Each cohort's survivors and each history's opportunities run from the
  // first period to the last: bounded, as BG/BB's opportunities are, so that
  // a short period over years of data (one-second periods, found by fuzzing)
  // cannot ask for gigabytes.
  int64_t first = last;
  for (const auto& cp : pairs) first = std::min(first, cp.second);
  if (last - first > kMaxDiscretePeriods) {
    return absl::InvalidArgumentError(absl::StrCat(
        "period: ", last - first + 1, " periods of ", grid.period,
        " seconds from the first transaction to the end; at most ", kMaxDiscretePeriods + 1,
        ": use longer periods"));
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<int64_t> periods;
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i;
    periods.clear();
    while (j < pairs.size() && pairs[j].first == pairs[i].first) periods.push_back(pairs[j++].second);
    visit(pairs[i].first, absl::Span<const int64_t>(periods), last);
    i = j;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RenewalCohorts> RenewalCohortsOf(absl::Span<const uint32_t> customer,
                                                absl::Span<const int64_t> time,
                                                const PeriodGrid& grid) {
  // Per acquisition period: how many customers were last seen t periods on.
  std::vector<std::pair<int64_t, int64_t>> spans;  // (acquisition, last) per customer
  absl::Status s = ForEachCustomer(customer, time, grid,
                                   [&](uint32_t, absl::Span<const int64_t> p, int64_t) {
                                     spans.emplace_back(p.front(), p.back());
                                   });
  if (!s.ok()) return s;
  const int64_t last = FloorDiv(grid.end - grid.origin, grid.period);
  std::sort(spans.begin(), spans.end());
  RenewalCohorts out;
  for (size_t i = 0; i < spans.size();) {
    const int64_t a = spans[i].first;
    size_t j = i;
    while (j < spans.size() && spans[j].first == a) ++j;
    if (a < last) {
      // alive after t renewals: the customers whose last period is >= a + t.
      std::vector<double> alive(static_cast<size_t>(last - a) + 1, 0.0);
      for (size_t k = i; k < j; ++k)
        for (int64_t t = 0; t <= spans[k].second - a; ++t) alive[static_cast<size_t>(t)] += 1;
      out.start.push_back(grid.origin + a * grid.period);
      out.survivors.push_back(std::move(alive));
    }
    i = j;
  }
  return out;
}

absl::StatusOr<OpportunityHistories> OpportunityHistoriesOf(absl::Span<const uint32_t> customer,
                                                            absl::Span<const int64_t> time,
                                                            const PeriodGrid& grid) {
  OpportunityHistories out;
  absl::Status s = ForEachCustomer(
      customer, time, grid, [&](uint32_t c, absl::Span<const int64_t> p, int64_t last) {
        const int64_t a = p.front();
        if (a >= last) return;
        const double x = static_cast<double>(p.size() - 1);
        out.customer.push_back(c);
        out.x.push_back(x);
        out.t_x.push_back(x > 0 ? static_cast<double>(p.back() - a) : 0.0);
        out.n.push_back(static_cast<double>(last - a));
      });
  if (!s.ok()) return s;
  return out;
}

}  // namespace mitra::value
