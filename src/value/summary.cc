#include "mitra/value/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace mitra::value {
namespace {

constexpr int64_t kNone = std::numeric_limits<int64_t>::min();

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Running state of one customer; rows of a customer must arrive in
// non-decreasing period order.
struct State {
  int64_t first = kNone;     // first calibration period
  int64_t last_cal = kNone;  // last calibration period
  int64_t last = kNone;      // last period seen (calibration or holdout)
  int32_t cal_periods = 0;
  int32_t hold_periods = 0;
  double repeat_amount = 0;
  double hold_spend = 0;
};

// Returns false when the row comes before the customer's previous row.
inline bool Update(State& s, int64_t p, double amount, int64_t cal_end) {
  if (p <= cal_end) {
    if (s.first == kNone) {
      s.first = s.last_cal = s.last = p;
      s.cal_periods = 1;
      return true;
    }
    if (p < s.last) return false;
    if (p != s.first) {  // the first period's amounts are not repeat spend
      if (p != s.last_cal) ++s.cal_periods;
      s.last_cal = s.last = p;
      s.repeat_amount += amount;
    }
    return true;
  }
  if (s.first == kNone) return true;  // not in the calibration cohort
  if (p < s.last) return false;
  if (p != s.last) ++s.hold_periods;
  s.last = p;
  s.hold_spend += amount;
  return true;
}

}  // namespace

absl::StatusOr<CustomerSummaries> Summarize(absl::Span<const uint32_t> customer,
                                            absl::Span<const int64_t> time,
                                            absl::Span<const double> amount,
                                            const SummaryOptions& options) {
  const size_t n = customer.size();
  if (time.size() != n || amount.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("Summarize: customer, time and amount must have one length (", n, ", ",
                     time.size(), ", ", amount.size(), ")"));
  }
  const int64_t period = options.period.seconds;
  if (period <= 0 || options.unit.seconds <= 0) {
    return absl::InvalidArgumentError("Summarize: period and unit must be > 0 seconds");
  }
  if (options.holdout_end && *options.holdout_end < options.calibration_end) {
    return absl::InvalidArgumentError("Summarize: holdout_end is before calibration_end");
  }
  const int64_t cal_end = FloorDiv(options.calibration_end - options.origin, period);
  const bool has_holdout = options.holdout_end.has_value();
  const int64_t end =
      has_holdout ? FloorDiv(*options.holdout_end - options.origin, period) : cal_end;

  // |times| below 2^62 keep every difference below in range.
  constexpr int64_t kTimeLimit = int64_t{1} << 62;
  auto out_of_range = [](int64_t t) { return t <= -kTimeLimit || t >= kTimeLimit; };
  if (out_of_range(options.calibration_end) || out_of_range(options.origin) ||
      (options.holdout_end && out_of_range(*options.holdout_end))) {
    return absl::InvalidArgumentError("Summarize: a time in the options is out of range");
  }
  uint32_t max_customer = 0;
  for (size_t i = 0; i < n; ++i) {
    max_customer = std::max(max_customer, customer[i]);
    if (!std::isfinite(amount[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("Summarize: amount of transaction ", i, " is not finite"));
    }
    if (out_of_range(time[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("Summarize: time of transaction ", i, " is out of range"));
    }
  }
  // One running state per customer index: the indices must be dense.
  if (n > 0 && size_t{max_customer} >= 16 * n + 65536) {
    return absl::InvalidArgumentError(
        absl::StrCat("Summarize: customer indices must be dense (largest ", max_customer, " for ",
                     n, " transactions)"));
  }
  const size_t num_customers = n == 0 ? 0 : size_t{max_customer} + 1;
  std::vector<State> state(num_customers);

  // Fast path: one pass, valid while each customer's rows are in order.
  bool ordered = true;
  for (size_t i = 0; i < n; ++i) {
    // Rows of one customer are far apart in a time-ordered log: fetch the
    // state a few rows ahead so that the cache misses overlap.
    if (i + 16 < n) __builtin_prefetch(&state[customer[i + 16]], 1);
    const int64_t p = FloorDiv(time[i] - options.origin, period);
    if (p > end) continue;
    if (!Update(state[customer[i]], p, amount[i], cal_end)) {
      ordered = false;
      break;
    }
  }
  if (!ordered) {
    // Counting sort of the kept rows by customer (stable), then each
    // customer's rows by period where they are out of order.
    std::fill(state.begin(), state.end(), State{});
    std::vector<uint32_t> start(num_customers + 1, 0);
    std::vector<int64_t> periods(n);
    for (size_t i = 0; i < n; ++i) {
      periods[i] = FloorDiv(time[i] - options.origin, period);
      if (periods[i] <= end) ++start[customer[i] + 1];
    }
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<std::pair<int64_t, double>> rows(start[num_customers]);
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (size_t i = 0; i < n; ++i) {
      if (i + 16 < n) __builtin_prefetch(&rows[fill[customer[i + 16]]], 1);
      if (periods[i] <= end) rows[fill[customer[i]]++] = {periods[i], amount[i]};
    }
    for (size_t c = 0; c < num_customers; ++c) {
      auto first = rows.begin() + start[c], last = rows.begin() + start[c + 1];
      if (!std::is_sorted(first, last,
                          [](const auto& a, const auto& b) { return a.first < b.first; })) {
        std::stable_sort(first, last,
                         [](const auto& a, const auto& b) { return a.first < b.first; });
      }
      for (auto it = first; it != last; ++it) Update(state[c], it->first, it->second, cal_end);
    }
  }

  CustomerSummaries out;
  size_t count = 0;
  for (const State& s : state) count += s.first != kNone;
  out.customer.reserve(count);
  out.x.reserve(count);
  out.t_x.reserve(count);
  out.T.reserve(count);
  out.monetary.reserve(count);
  if (has_holdout) {
    out.holdout_x.reserve(count);
    out.holdout_spend.reserve(count);
  }
  const double scale = static_cast<double>(period) / static_cast<double>(options.unit.seconds);
  for (size_t c = 0; c < num_customers; ++c) {
    const State& s = state[c];
    if (s.first == kNone) continue;
    const int32_t x = s.cal_periods - 1;
    out.customer.push_back(static_cast<uint32_t>(c));
    out.x.push_back(x);
    out.t_x.push_back(static_cast<double>(s.last_cal - s.first) * scale);
    out.T.push_back(static_cast<double>(cal_end - s.first) * scale);
    out.monetary.push_back(x > 0 ? s.repeat_amount / x : 0.0);
    if (has_holdout) {
      out.holdout_x.push_back(s.hold_periods);
      out.holdout_spend.push_back(s.hold_spend);
    }
  }
  if (has_holdout) out.holdout_length = static_cast<double>(end - cal_end) * scale;
  return out;
}

}  // namespace mitra::value
