// A fast reading of the decimals that money and quantity cells nearly always
// are, ahead of std::from_chars's general one.
#ifndef MITRA_SRC_CORE_PLAIN_DECIMAL_H_
#define MITRA_SRC_CORE_PLAIN_DECIMAL_H_

#include <cstdint>
#include <string_view>

namespace mitra {

// Reads `v` when it is a plain decimal: an optional '-', one or more
// digits, and optionally '.' followed by one or more digits, 15 digits at
// most in all. The value is then exactly the one std::from_chars gives: the
// digits as an integer are below 2^53 and the power of ten at most 10^15,
// both exact doubles, so their one IEEE division is the correctly rounded
// decimal (Clinger's fast path). Anything else returns false and is left
// to from_chars, which also writes the messages.
inline bool ReadPlainDecimal(std::string_view v, double* x) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char* p = v.data();
  const char* const end = p + v.size();
  const bool negative = p != end && *p == '-';
  p += negative;
  // Unsigned: more than 15 digits may wrap, and are refused below.
  uint64_t m = 0;
  const char* const first = p;
  while (p != end && static_cast<unsigned char>(*p - '0') < 10) m = m * 10 + (*p++ - '0');
  const long whole = p - first;
  long fraction = 0;
  if (p != end && *p == '.') {
    const char* const point = ++p;
    while (p != end && static_cast<unsigned char>(*p - '0') < 10) m = m * 10 + (*p++ - '0');
    fraction = p - point;
    if (fraction == 0) return false;
  }
  if (p != end || whole == 0 || whole + fraction > 15) return false;
  const double d = static_cast<double>(m) / kPow10[fraction];
  *x = negative ? -d : d;
  return true;
}

}  // namespace mitra

#endif  // MITRA_SRC_CORE_PLAIN_DECIMAL_H_
