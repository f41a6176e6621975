// How every check words a bad option: the field's path in the caller's
// terms (FieldPath), then the problem ("request.kind_weights[1].kind: ...",
// "epsilon: ..."), so every capability names the record and field the same
// way, once, where the option is checked.
#ifndef MITRA_SRC_COMMON_REQUEST_ERRORS_H_
#define MITRA_SRC_COMMON_REQUEST_ERRORS_H_

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "mitra/core/field_path.h"
#include "mitra/core/memory_budget.h"
#include "mitra/core/money.h"
#include "mitra/core/time_format.h"

namespace mitra {

// INVALID_ARGUMENT "<where>: <problem>".
inline absl::Status Invalid(absl::string_view where, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", problem));
}

// OK when v is finite and `ok`; else "<where>: must be <range>, got <v>".
inline absl::Status CheckRange(double v, absl::string_view where, bool ok, absl::string_view range) {
  if (std::isfinite(v) && ok) return absl::OkStatus();
  return Invalid(where, absl::StrCat("must be ", range, ", got ", v));
}

// OK when lo <= v <= hi (a count: iterations, threads, runs, draws);
// else "<where>: must be lo..hi, got v". Integers of any sign compare
// exactly.
template <typename V, typename L, typename H>
absl::Status CheckCount(V v, L lo, H hi, absl::string_view where) {
  if (std::cmp_greater_equal(v, lo) && std::cmp_less_equal(v, hi)) return absl::OkStatus();
  return Invalid(where, absl::StrCat("must be ", lo, "..", hi, ", got ", v));
}

// OK for the level of an interval, in (0, 1).
inline absl::Status CheckConfidence(double v, absl::string_view where) {
  return CheckRange(v, where, v > 0 && v < 1, "in (0, 1)");
}

// OK for an amount of money the schema accepts (money.h); else
// "<where>: <why>".
inline absl::Status CheckMoney(double v, absl::string_view where) {
  if (std::string p = MoneyProblem(v); !p.empty()) return Invalid(where, p);
  return absl::OkStatus();
}

// OK for a cost or budget that must be > 0 (activation): finite, > 0 and,
// as money, at most kMaxMoney; else "<where>: <why>".
inline absl::Status CheckPositiveMoney(double v, absl::string_view where) {
  if (absl::Status s = CheckRange(v, where, v > 0, "finite and > 0"); !s.ok()) return s;
  return CheckMoney(v, where);
}

// OK for a time the schema accepts (time_format.h); else "<where>: <why>".
inline absl::Status CheckTime(int64_t t, absl::string_view where) {
  if (std::string p = TimeProblem(t); !p.empty()) return Invalid(where, p);
  return absl::OkStatus();
}

// One option's range for CheckRanges: OK when `v` is finite and `ok`.
struct RangeCheck {
  absl::string_view option;
  double v;
  bool ok;
  absl::string_view range;
};

// The first failing CheckRange of `checks`, each option named by `names`
// ("<names(option)>: must be <range>, got <v>").
inline absl::Status CheckRanges(const FieldPath& names, std::initializer_list<RangeCheck> checks) {
  for (const RangeCheck& c : checks)
    if (absl::Status s = CheckRange(c.v, names(c.option), c.ok, c.range); !s.ok()) return s;
  return absl::OkStatus();
}

}  // namespace mitra

#endif  // MITRA_SRC_COMMON_REQUEST_ERRORS_H_
