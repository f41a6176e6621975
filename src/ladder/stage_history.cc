#include "mitra/ladder/stage_history.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "common/request_errors.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "mitra/core/time_format.h"

namespace mitra::ladder {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

// The civil date of a day number, by search over DaysFromCivil (the one
// calendar function the core exports).
void CivilOf(int64_t day, int64_t* y, unsigned* m, unsigned* d) {
  int64_t year = 1970 + FloorDiv(day * 10000, 3652425);
  while (DaysFromCivil(year, 1, 1) > day) --year;
  while (DaysFromCivil(year + 1, 1, 1) <= day) ++year;
  unsigned month = 12;
  while (DaysFromCivil(year, month, 1) > day) --month;
  *y = year;
  *m = month;
  *d = static_cast<unsigned>(day - DaysFromCivil(year, month, 1) + 1);
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  const int64_t next = m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1);
  return static_cast<unsigned>(next - DaysFromCivil(y, m, 1));
}

}  // namespace

absl::StatusOr<std::vector<int64_t>> PeriodEnds(int64_t as_of, const HistoryOptions& o) {
  if (o.periods < 1 || o.periods > 1000)
    return Invalid(o.names("periods"), absl::StrCat("must be 1..1000, got ", o.periods));
  if (absl::Status s = CheckRange(o.period_days, o.names("period_days"),
                                  o.period_days >= 0 && o.period_days <= 1e5,
                                  "in [0, 1e5] (0: calendar months)");
      !s.ok())
    return s;
  if (std::string p = TimeProblem(as_of); !p.empty())
    return absl::InvalidArgumentError(absl::StrCat("as_of: ", p));
  std::vector<int64_t> ends(o.periods);
  const int64_t day = FloorDiv(as_of, kSecondsPerDay);
  const int64_t time_of_day = as_of - day * kSecondsPerDay;
  int64_t y;
  unsigned m, d;
  CivilOf(day, &y, &m, &d);
  for (uint32_t k = 0; k < o.periods; ++k) {
    int64_t end;
    if (o.period_days > 0) {
      end = as_of - static_cast<int64_t>(std::llround(k * o.period_days * kSecondsPerDay));
    } else {
      const int64_t months = y * 12 + (m - 1) - k;
      const int64_t ey = FloorDiv(months, 12);
      const unsigned em = static_cast<unsigned>(months - ey * 12 + 1);
      const unsigned ed = std::min(d, DaysInMonth(ey, em));
      end = DaysFromCivil(ey, em, ed) * kSecondsPerDay + time_of_day;
    }
    if (end < kMinTime)
      return Invalid(o.names("periods"),
                     absl::StrCat("the period ", o.periods - k, " back ends before 1900"));
    ends[o.periods - 1 - k] = end;
  }
  return ends;
}

absl::StatusOr<std::vector<StagePeriod>> ComputeStageHistory(
    const Tables& tables, const LadderRules& rules, const IndicatorInputs& inputs,
    absl::Span<const int64_t> ends,
    const std::function<absl::Status(int64_t end, IndicatorInputs* inputs)>& prepare,
    const StageAssignment* at_last_end) {
  for (size_t k = 1; k < ends.size(); ++k)
    if (ends[k] <= ends[k - 1])
      return absl::InvalidArgumentError(absl::StrCat("ends[", k, "]: not after ends[", k - 1, "]"));
  // The rules once; each end's inputs below.
  if (absl::Status s = ValidateLadderRules(rules); !s.ok()) return s;
  const size_t num_stages = rules.stages.size();
  std::vector<StagePeriod> out;
  out.reserve(ends.size());
  std::vector<uint8_t> prev_stage, prev_known;
  for (size_t k = 0; k < ends.size(); ++k) {
    const bool last = k + 1 == ends.size();
    StageAssignment evaluated;
    const StageAssignment* a = at_last_end;
    if (!last || at_last_end == nullptr) {
      IndicatorInputs in = inputs;
      in.as_of = ends[k];
      if (prepare) {
        if (absl::Status s = prepare(ends[k], &in); !s.ok()) return s;
      }
      if (absl::Status s = CheckIndicatorInputs(in); !s.ok()) return s;
      absl::StatusOr<StageAssignment> e = AssignCheckedStages(tables, rules, in, /*keep_values=*/false);
      if (!e.ok()) return e.status();
      evaluated = *std::move(e);
      a = &evaluated;
    }
    StagePeriod p;
    p.end = ends[k];
    p.counts = a->counts;
    if (k > 0) {
      p.entered.assign(num_stages, 0);
      p.transitions.assign(num_stages * num_stages, 0);
      for (size_t c = 0; c < a->stage.size(); ++c) {
        if (!a->known[c]) continue;
        if (prev_known[c]) ++p.transitions[prev_stage[c] * num_stages + a->stage[c]];
        else ++p.entered[a->stage[c]];
      }
    }
    if (!last) {
      prev_stage = std::move(evaluated.stage);
      prev_known = std::move(evaluated.known);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace mitra::ladder
