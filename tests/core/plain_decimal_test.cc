#include "core/plain_decimal.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace mitra {
namespace {

uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

// The grammar the fast path promises to take, written out independently.
bool IsPlainDecimal(const std::string& s) {
  size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0, digits = 0, whole = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits, ++whole;
  if (whole == 0) return false;
  if (i < s.size() && s[i] == '.') {
    size_t fraction = 0;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) ++fraction;
    if (fraction == 0) return false;
    digits += fraction;
  }
  return i == s.size() && digits <= 15;
}

// Takes what it promises and reads it as from_chars does, to the bit.
void ExpectAgrees(const std::string& s) {
  double fast = 12345;
  const bool taken = ReadPlainDecimal(s, &fast);
  ASSERT_EQ(taken, IsPlainDecimal(s)) << '"' << s << '"';
  if (!taken) return;
  double reference;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), reference);
  ASSERT_TRUE(ec == std::errc() && p == s.data() + s.size()) << s;
  EXPECT_EQ(Bits(fast), Bits(reference)) << s << ": " << fast << " vs " << reference;
}

TEST(PlainDecimal, EveryShortStringOfDigitsPointsAndSignsAgreesWithFromChars) {
  // Every string of up to 7 characters over these: 0.5 M strings, the
  // grammar's every edge (empty parts, two points, signs inside) among them.
  const char alphabet[] = {'0', '1', '5', '9', '.', '-', 'e'};
  std::string s;
  for (size_t len = 0; len <= 7; ++len) {
    size_t total = 1;
    for (size_t k = 0; k < len; ++k) total *= sizeof alphabet;
    for (size_t code = 0; code < total; ++code) {
      s.clear();
      for (size_t k = 0, c = code; k < len; ++k, c /= sizeof alphabet) s += alphabet[c % sizeof alphabet];
      ExpectAgrees(s);
    }
  }
}

TEST(PlainDecimal, RandomDecimalsOfUpToSeventeenDigitsAgreeWithFromChars) {
  std::mt19937_64 rng(20261207);
  std::uniform_int_distribution<int> digit(0, 9), length(1, 17), sign(0, 3);
  for (int n = 0; n < 300000; ++n) {
    const int digits = length(rng);
    const int point = std::uniform_int_distribution<int>(0, digits)(rng);  // digits before it
    std::string s = sign(rng) == 0 ? "-" : "";
    for (int k = 0; k < digits; ++k) {
      if (k == point && point > 0) s += '.';
      s += static_cast<char>('0' + digit(rng));
    }
    ExpectAgrees(s);
  }
}

TEST(PlainDecimal, TheLimitsOfExactness) {
  double x;
  // 15 digits are taken, 16 are left to from_chars (2^53 + 1 needs them).
  ASSERT_TRUE(ReadPlainDecimal("999999999999999", &x));
  EXPECT_EQ(x, 999999999999999.0);
  EXPECT_FALSE(ReadPlainDecimal("9007199254740993", &x));
  ASSERT_TRUE(ReadPlainDecimal("0.00000000000001", &x));
  EXPECT_EQ(Bits(x), Bits(1e-14));
  ASSERT_TRUE(ReadPlainDecimal("0.1", &x));
  EXPECT_EQ(Bits(x), Bits(0.1));
  ASSERT_TRUE(ReadPlainDecimal("1890.00", &x));
  EXPECT_EQ(x, 1890.0);
  ASSERT_TRUE(ReadPlainDecimal("-0.000", &x));
  EXPECT_TRUE(x == 0 && std::signbit(x));  // as from_chars reads it; callers drop the sign
  for (const char* s : {"", "-", ".", "1.", ".5", "+1", "1e3", "1,5", " 1", "1 ", "0x1", "inf", "nan"})
    EXPECT_FALSE(ReadPlainDecimal(s, &x)) << '"' << s << '"';
}

}  // namespace
}  // namespace mitra
