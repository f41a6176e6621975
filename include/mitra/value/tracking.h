// Tracking a purchase model over calendar time, for the whole customer base
// and for one customer.
//
// Whole base (the calibration/holdout tracking plot of Fader, Hardie & Lee
// 2005, Figure 2; BTYD's ExpectedCumulativeTransactions, lifetimes'
// expected_cumulative_transactions): customer i enters at her first
// purchase b_i (birth), and by calendar time t she is expected to have made
// E[X(t - b_i)] repeat purchases, the new-customer expectation of the model.
// The expected cumulative repeat transactions of the base at t is the sum of
// that over the customers born before t; the actual series counts the
// repeat purchases made by t.
//
// One customer (lifetimes' plot_history_alive): P(alive) at each time of a
// grid, given the purchases made up to that time.
#ifndef MITRA_VALUE_TRACKING_H_
#define MITRA_VALUE_TRACKING_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/value/clv.h"
#include "mitra/value/summary.h"

namespace mitra::value {

// The tracking grid: period k = 1..periods ends at k * step time units after
// the origin of the births.
struct TrackingGrid {
  double step = 1;  // > 0, in the model's time unit
  int periods = 0;  // in [1, 1e6]
};

// out[k-1] = sum over i with birth[i] < k step of E[X(k step - birth[i])]
// (births in the model's time unit, finite; any sign). Distinct births are
// evaluated once. `out` has grid.periods entries.
absl::Status ExpectedCumulativeTransactions(const PurchaseModel& model,
                                            absl::Span<const double> birth, const TrackingGrid& grid,
                                            absl::Span<double> out);

// The births and the actual cumulative repeat purchases of a set of
// transactions, with the purchase rule of summary.h: a transaction falls in
// period floor((time - origin) / period); a customer's first period is her
// birth (its start, in units after the origin), and each later period with
// a purchase is one repeat purchase, counted by grid period k when the
// purchase period has ended by k step (period end <= origin + k step units).
struct RepeatTransactions {
  std::vector<uint32_t> customer;  // the customers with a transaction, increasing
  std::vector<double> birth;   // per customer with a transaction, increasing id
  std::vector<double> actual;  // cumulative repeat purchases, grid.periods
};
// options.origin, options.period and options.unit are used (calibration and
// holdout ends are not: tracking spans both). Errors: mismatched lengths,
// period or unit <= 0, a bad grid.
absl::StatusOr<RepeatTransactions> TrackRepeatTransactions(absl::Span<const uint32_t> customer,
                                                           absl::Span<const int64_t> time,
                                                           const SummaryOptions& options,
                                                           const TrackingGrid& grid);

// Both series of the tracking plot from transactions: the actual cumulative
// repeat purchases (TrackRepeatTransactions) and the expected ones of the
// same customers' births (ExpectedCumulativeTransactions), per grid period.
struct Tracking {
  std::vector<double> expected, actual;
};
absl::StatusOr<Tracking> Track(const PurchaseModel& model, absl::Span<const uint32_t> customer,
                               absl::Span<const int64_t> time, const SummaryOptions& options,
                               const TrackingGrid& grid);

// out[j] = P(alive at times[j] | the purchases at purchase_times <= times[j])
// for one customer: x = the distinct purchase times in (first, times[j]],
// t_x = the last of them - first, T = times[j] - first. purchase_times is
// non-decreasing, finite, with at least one entry (the first is her birth;
// equal times are one purchase); each times[j] >= purchase_times[0].
absl::Status ProbabilityAlivePath(const PurchaseModel& model, absl::Span<const double> purchase_times,
                                  absl::Span<const double> times, absl::Span<double> out);

}  // namespace mitra::value

#endif  // MITRA_VALUE_TRACKING_H_
