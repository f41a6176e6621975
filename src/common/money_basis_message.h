// The one conversion of a MoneyBasis to its wire form, for every area's
// message layer.
#ifndef MITRA_COMMON_MONEY_BASIS_MESSAGE_H_
#define MITRA_COMMON_MONEY_BASIS_MESSAGE_H_

#include <cmath>

#include "mitra/core/money_basis.h"
#include "mitra/v1/basis.pb.h"

namespace mitra {

inline void ToMessage(const MoneyBasis& basis, v1::MoneyBasis* out) {
  out->Clear();
  switch (basis.kind) {
    case BasisKind::kEstimated: out->set_kind(v1::MONEY_BASIS_KIND_ESTIMATED); break;
    case BasisKind::kAssumed: out->set_kind(v1::MONEY_BASIS_KIND_ASSUMED); break;
    case BasisKind::kGiven: out->set_kind(v1::MONEY_BASIS_KIND_GIVEN); break;
  }
  if (basis.kind == BasisKind::kEstimated && !std::isnan(basis.low) && !std::isnan(basis.high)) {
    out->set_low(basis.low);
    out->set_high(basis.high);
    out->set_confidence(basis.confidence);
  }
  out->set_source(basis.source);
}

// The wire form back (an UNSPECIFIED kind reads as assumed, the struct's
// default); absent interval fields are NaN.
inline MoneyBasis FromMessage(const v1::MoneyBasis& m) {
  MoneyBasis b;
  switch (m.kind()) {
    case v1::MONEY_BASIS_KIND_ESTIMATED: b.kind = BasisKind::kEstimated; break;
    case v1::MONEY_BASIS_KIND_GIVEN: b.kind = BasisKind::kGiven; break;
    default: b.kind = BasisKind::kAssumed; break;
  }
  if (m.has_low()) b.low = m.low();
  if (m.has_high()) b.high = m.high();
  if (m.has_confidence()) b.confidence = m.confidence();
  b.source = m.source();
  return b;
}

}  // namespace mitra

#endif  // MITRA_COMMON_MONEY_BASIS_MESSAGE_H_
