// exp, expm1 and log over blocks of doubles, two lanes at a time (GCC/Clang
// vector extensions: SSE2 on x86-64, NEON on arm64, scalar elsewhere), for
// the per-customer loops of the likelihoods, where libm's scalar calls are
// most of the time. Accuracy: within ~2 ulp of the correctly rounded value
// (checked against libm in vec_math_test.cc), far below what a sum of
// log-likelihoods can resolve.
//   exp:   Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, Taylor to r^13.
//   log:   x = 2^e m, m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh((m-1)/(m+1))
//          by its odd series to f^23.
//   expm1: Taylor to x^14 for |x| <= 0.5, exp(x) - 1 beyond.
#ifndef MITRA_SRC_VALUE_VEC_MATH_H_
#define MITRA_SRC_VALUE_VEC_MATH_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace mitra::value::vec {

typedef double V2 __attribute__((vector_size(16)));
typedef int64_t I2 __attribute__((vector_size(16)));
typedef uint64_t U2 __attribute__((vector_size(16)));

inline V2 Splat(double v) { return V2{v, v}; }
inline V2 Load(const double* p) {
  V2 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void Store(double* p, V2 v) { std::memcpy(p, &v, sizeof v); }
inline V2 Select(I2 mask, V2 a, V2 b) {  // mask lanes all-ones -> a
  I2 ia, ib;
  std::memcpy(&ia, &a, sizeof ia);
  std::memcpy(&ib, &b, sizeof ib);
  const I2 r = (ia & mask) | (ib & ~mask);
  V2 out;
  std::memcpy(&out, &r, sizeof out);
  return out;
}
inline V2 Min(V2 a, V2 b) { return Select(a < b, a, b); }
inline V2 Max(V2 a, V2 b) { return Select(a > b, a, b); }

// Polynomials by Estrin's scheme: a dependency chain of ~log2(N)
// multiply-adds instead of Horner's N, so that the CPU overlaps many more
// elements. E(c, i) = c[i] + c[i+1] x as the leaves.
#define MITRA_VEC_PAIR(c, i, x) (Splat(c[i]) + Splat(c[i + 1]) * (x))

// 14 coefficients: c[0] + ... + c[13] x^13.
inline V2 Poly14(V2 x, const double* c) {
  const V2 x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
  const V2 a = MITRA_VEC_PAIR(c, 0, x) + MITRA_VEC_PAIR(c, 2, x) * x2;
  const V2 b = MITRA_VEC_PAIR(c, 4, x) + MITRA_VEC_PAIR(c, 6, x) * x2;
  const V2 d = MITRA_VEC_PAIR(c, 8, x) + MITRA_VEC_PAIR(c, 10, x) * x2;
  const V2 e = MITRA_VEC_PAIR(c, 12, x);
  return (a + b * x4) + (d + e * x4) * x8;
}

// 11 coefficients: c[0] + ... + c[10] x^10.
inline V2 Poly11(V2 x, const double* c) {
  const V2 x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
  const V2 a = MITRA_VEC_PAIR(c, 0, x) + MITRA_VEC_PAIR(c, 2, x) * x2;
  const V2 b = MITRA_VEC_PAIR(c, 4, x) + MITRA_VEC_PAIR(c, 6, x) * x2;
  const V2 d = MITRA_VEC_PAIR(c, 8, x) + Splat(c[10]) * x2;
  return (a + b * x4) + d * x8;
}

// 13 coefficients: c[0] + ... + c[12] x^12.
inline V2 Poly13(V2 x, const double* c) {
  const V2 x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
  const V2 a = MITRA_VEC_PAIR(c, 0, x) + MITRA_VEC_PAIR(c, 2, x) * x2;
  const V2 b = MITRA_VEC_PAIR(c, 4, x) + MITRA_VEC_PAIR(c, 6, x) * x2;
  const V2 d = MITRA_VEC_PAIR(c, 8, x) + MITRA_VEC_PAIR(c, 10, x) * x2;
  return (a + b * x4) + (d + Splat(c[12]) * x4) * x8;
}
#undef MITRA_VEC_PAIR

// e^x for finite x; below -708 it returns e^-708 (~3e-308): the callers
// only add such values to 1 or weigh with them.
inline V2 Exp(V2 x) {
  x = Max(Min(x, Splat(709.0)), Splat(-708.0));
  const V2 magic = Splat(6755399441055744.0);  // 1.5 * 2^52: round to integer
  const V2 t = x * Splat(1.4426950408889634) + magic;
  const V2 n = t - magic;
  const V2 r = (x - n * Splat(0.693147180369123816490)) - n * Splat(1.90821492927058770002e-10);
  static constexpr double kExp[14] = {1.0,
                                      1.0,
                                      1.0 / 2,
                                      1.0 / 6,
                                      1.0 / 24,
                                      1.0 / 120,
                                      1.0 / 720,
                                      1.0 / 5040,
                                      1.0 / 40320,
                                      1.0 / 362880,
                                      1.0 / 3628800,
                                      1.0 / 39916800,
                                      1.0 / 479001600,
                                      1.0 / 6227020800.0};
  const V2 p = Poly14(r, kExp);
  I2 ti, mi;
  std::memcpy(&ti, &t, sizeof ti);
  std::memcpy(&mi, &magic, sizeof mi);
  const U2 bits = ((U2)(ti - mi) + 1023) << 52;  // 2^n, n in [-1022, 1023]
  V2 scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// ln x for positive normal x. Only SSE2 integer operations (logical
// shifts, 64-bit add/sub): no lane falls back to scalar code.
inline V2 Log(V2 x) {
  U2 bits;
  std::memcpy(&bits, &x, sizeof bits);
  const U2 mbits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;  // [1, 2)
  V2 m;
  std::memcpy(&m, &mbits, sizeof m);
  const I2 big = m > Splat(1.4142135623730951);
  m = Select(big, m * Splat(0.5), m);
  // Exponent as a double without an int64 -> double conversion (none in
  // SSE2): 1.5 * 2^52 + e has e in its low mantissa bits.
  U2 ebits = (bits >> 52) + 0x4338000000000000ULL - 1023;
  ebits = ebits - (U2)big;  // big lanes are all ones: + 1
  V2 ed;
  std::memcpy(&ed, &ebits, sizeof ed);
  ed = ed - Splat(6755399441055744.0);
  const V2 f = (m - Splat(1.0)) / (m + Splat(1.0));
  const V2 s = f * f;
  static constexpr double kLog[11] = {1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,  1.0 / 11, 1.0 / 13,
                                      1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23};
  const V2 p = Poly11(s, kLog);
  const V2 lnm = Splat(2.0) * f + Splat(2.0) * f * s * p;
  return ed * Splat(0.693147180369123816490) + (lnm + ed * Splat(1.90821492927058770002e-10));
}

// e^x - 1, accurate near 0.
inline V2 Expm1(V2 x) {
  static constexpr double kExpm1[13] = {1.0 / 2,
                                        1.0 / 6,
                                        1.0 / 24,
                                        1.0 / 120,
                                        1.0 / 720,
                                        1.0 / 5040,
                                        1.0 / 40320,
                                        1.0 / 362880,
                                        1.0 / 3628800,
                                        1.0 / 39916800,
                                        1.0 / 479001600,
                                        1.0 / 6227020800.0,
                                        1.0 / 87178291200.0};
  const V2 p = x + x * x * Poly13(x, kExpm1);
  const V2 ax = Select(x < Splat(0.0), -x, x);
  return Select(ax <= Splat(0.5), p, Exp(x) - Splat(1.0));
}

// Elementwise over arrays (in place allowed); an odd tail is padded.
template <V2 (*F)(V2)>
inline void Apply(const double* in, double* out, size_t n) {
  size_t i = 0;
  for (; i + 2 <= n; i += 2) Store(out + i, F(Load(in + i)));
  if (i < n) {
    double pad[2] = {in[i], in[i]};
    Store(pad, F(Load(pad)));
    out[i] = pad[0];
  }
}
inline void ExpArray(const double* in, double* out, size_t n) { Apply<Exp>(in, out, n); }
inline void LogArray(const double* in, double* out, size_t n) { Apply<Log>(in, out, n); }
inline void Expm1Array(const double* in, double* out, size_t n) { Apply<Expm1>(in, out, n); }

}  // namespace mitra::value::vec

#endif  // MITRA_SRC_VALUE_VEC_MATH_H_
