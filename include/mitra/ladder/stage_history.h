// Stage history: each customer's stage at the end of consecutive periods,
// counted per stage (the funnel of each period) and as flows between stages
// from one period end to the next (a transition matrix per period).
#ifndef MITRA_LADDER_STAGE_HISTORY_H_
#define MITRA_LADDER_STAGE_HISTORY_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"
#include "mitra/ladder/indicators.h"
#include "mitra/ladder/stage_rules.h"

namespace mitra::ladder {

struct HistoryOptions {
  uint32_t periods = 12;    // 1..1000
  // Calendar months (UTC) when period_days is 0; else periods of that many
  // days (> 0, <= 1e5).
  double period_days = 0;
  // How the caller names these options in errors (empty: as here; a
  // request's "request.history_periods").
  FieldPath names;
};

// The period ends, oldest first, the last one as_of: as_of minus k
// calendar months (the day of the month clamped to the month's length, the
// time of day kept) or minus k * period_days. INVALID_ARGUMENT for bad
// options or an end before 1900.
absl::StatusOr<std::vector<int64_t>> PeriodEnds(int64_t as_of, const HistoryOptions& options);

struct StagePeriod {
  int64_t end = kNoTime;           // stages as of this time (exclusive)
  std::vector<uint32_t> counts;    // known customers per stage
  // Customers first known in this period (after the previous end), by
  // stage; empty for the first period.
  std::vector<uint32_t> entered;
  // transitions[a * S + b]: customers known at the previous end at stage a
  // and now at stage b (S stages); empty for the first period.
  std::vector<uint32_t> transitions;
};

// Stages at each end in `ends` (ascending). `prepare`, when set, is called
// with each end and the inputs (as_of already set to the end) before that
// end is evaluated, to supply value scores computed at that time.
// `at_last_end`, when given, is the assignment at ends.back() the caller
// already has (the report's own, at as_of): it is used instead of
// evaluating that end again (and fitting its value model again).
absl::StatusOr<std::vector<StagePeriod>> ComputeStageHistory(
    const Tables& tables, const LadderRules& rules, const IndicatorInputs& inputs,
    absl::Span<const int64_t> ends,
    const std::function<absl::Status(int64_t end, IndicatorInputs* inputs)>& prepare = nullptr,
    const StageAssignment* at_last_end = nullptr);

}  // namespace mitra::ladder

#endif  // MITRA_LADDER_STAGE_HISTORY_H_
