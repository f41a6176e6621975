// The rule every amount of money obeys, in one place.
#ifndef MITRA_CORE_MONEY_H_
#define MITRA_CORE_MONEY_H_

#include <string>

namespace mitra {

// The largest amount of money accepted, in the workspace's currency: a
// thousand trillion, past any real price, cost or payment in any currency,
// and small enough that a sum or product over every record of a workspace
// (at most ~4.3e9 of a kind) stays far inside a double's range, so no
// report shows "inf" or "nan".
inline constexpr double kMaxMoney = 1e15;

// Empty when `v` is an amount of money: finite, >= 0 and <= kMaxMoney;
// else the problem ("must be finite and >= 0, got -5", "must be at most
// 1e15 ...").
std::string MoneyProblem(double v);

// `v` with -0 made +0: a stored number is never negative zero, so nothing
// reads or exports "-0".
inline double WithoutNegativeZero(double v) { return v == 0 ? 0.0 : v; }

}  // namespace mitra

#endif  // MITRA_CORE_MONEY_H_
