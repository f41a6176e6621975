// Per-customer summaries (x, t_x, T, monetary value, holdout) from raw
// transactions: the input of every customer-value model.
//
// The rule (identical to lifetimes' summary_data_from_transaction_data with
// freq = the period and freq_multiplier = unit / period):
//  - A transaction at time t falls in period floor((t - origin) / period).
//  - Calibration holds the periods up to and including the period that
//    contains calibration_end; the holdout holds the periods after it up to
//    and including the period that contains holdout_end.
//  - x   = distinct calibration periods with a purchase - 1;
//    t_x = (last - first calibration purchase period) * period / unit;
//    T   = (calibration-end period - first purchase period) * period / unit.
//  - monetary = sum of the amounts of the repeat periods / x (same-period
//    amounts are summed, the first period is excluded), 0 when x = 0.
//  - holdout_x = distinct holdout periods with a purchase (no "- 1"),
//    holdout_spend = their total amount.
// CDNOW (Fader, Hardie & Lee 2005) is period = day, unit = week.
#ifndef MITRA_VALUE_SUMMARY_H_
#define MITRA_VALUE_SUMMARY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace mitra::value {

// A length of time in whole seconds. Month is 365.25 / 12 = 30.4375 days
// (the mean Gregorian month), Year 365.25 days: never a hidden constant.
struct TimeUnit {
  int64_t seconds = 86400;

  static constexpr TimeUnit Seconds(int64_t s) { return TimeUnit{s}; }
  static constexpr TimeUnit Hour() { return TimeUnit{3600}; }
  static constexpr TimeUnit Day() { return TimeUnit{86400}; }
  static constexpr TimeUnit Week() { return TimeUnit{7 * 86400}; }
  static constexpr TimeUnit Month() { return TimeUnit{2629800}; }  // 30.4375 d
  static constexpr TimeUnit Year() { return TimeUnit{31557600}; }  // 365.25 d
};

struct SummaryOptions {
  int64_t calibration_end = 0;         // unix seconds, its period included
  std::optional<int64_t> holdout_end;  // unix seconds, its period included
  TimeUnit period = TimeUnit::Day();   // purchases in one period count once
  TimeUnit unit = TimeUnit::Week();    // unit of t_x, T and holdout_length
  int64_t origin = 0;                  // period boundaries: origin + k*period
};

// One row per customer with at least one calibration purchase, in increasing
// customer index. Holdout columns are empty when there is no holdout_end.
struct CustomerSummaries {
  std::vector<uint32_t> customer;
  std::vector<double> x;
  std::vector<double> t_x;
  std::vector<double> T;
  std::vector<double> monetary;
  std::vector<double> holdout_x;
  std::vector<double> holdout_spend;
  double holdout_length = 0;  // in `unit`s; 0 without a holdout

  size_t size() const { return customer.size(); }
};

// customer[i], time[i] (unix seconds), amount[i] describe transaction i, in
// any order. Linear time: one streaming pass when each customer's rows come
// in non-decreasing time (time-sorted or grouped input), else a counting
// sort by customer first. Errors: mismatched lengths, period or unit <= 0,
// holdout_end before calibration_end, a non-finite amount.
absl::StatusOr<CustomerSummaries> Summarize(absl::Span<const uint32_t> customer,
                                            absl::Span<const int64_t> time,
                                            absl::Span<const double> amount,
                                            const SummaryOptions& options);

}  // namespace mitra::value

#endif  // MITRA_VALUE_SUMMARY_H_
