// Where a money figure comes from: estimated from data (with an interval),
// assumed (a constant the caller can change) or given by the host. Results
// carry one beside each money figure; the wire form is mitra.v1.MoneyBasis.
#ifndef MITRA_CORE_MONEY_BASIS_H_
#define MITRA_CORE_MONEY_BASIS_H_

#include <limits>
#include <string>
#include <utility>

namespace mitra {

enum class BasisKind { kEstimated, kAssumed, kGiven };

struct MoneyBasis {
  BasisKind kind = BasisKind::kAssumed;
  // kEstimated: the interval at `confidence`; NaN otherwise.
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
  double confidence = std::numeric_limits<double>::quiet_NaN();
  // Estimated: the data and the method ("BG/NBD on 312 referral
  // histories"). Assumed: the constant, its value and the field that
  // changes it. Given: the field the host set.
  std::string source;

  static MoneyBasis Estimated(double low, double high, double confidence, std::string source) {
    return {BasisKind::kEstimated, low, high, confidence, std::move(source)};
  }
  static MoneyBasis Assumed(std::string source) {
    MoneyBasis b;
    b.kind = BasisKind::kAssumed;
    b.source = std::move(source);
    return b;
  }
  static MoneyBasis Given(std::string source) {
    MoneyBasis b;
    b.kind = BasisKind::kGiven;
    b.source = std::move(source);
    return b;
  }
};

// "estimated", "assumed", "given": the word a report prints.
inline const char* BasisWord(BasisKind kind) {
  switch (kind) {
    case BasisKind::kEstimated: return "estimated";
    case BasisKind::kAssumed: return "assumed";
    case BasisKind::kGiven: return "given";
  }
  return "assumed";
}

}  // namespace mitra

#endif  // MITRA_CORE_MONEY_BASIS_H_
