#include "mitra/core/money.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace mitra {

std::string MoneyProblem(double v) {
  if (std::isnan(v)) return "must be finite and >= 0, got nan";
  if (std::isinf(v)) return absl::StrCat("must be finite and >= 0, got ", v > 0 ? "inf" : "-inf");
  if (v < 0) return absl::StrCat("must be finite and >= 0, got ", v);
  if (v > kMaxMoney)
    return absl::StrCat("must be at most 1e15 (the largest amount accepted), got ", v);
  return "";
}

}  // namespace mitra
