// Forward-mode derivatives for the models whose gradients pass through
// series and quadratures (Pareto/NBD): code written once for `double` and
// for Dual<N> gives the value and its exact partial derivatives.
#ifndef MITRA_SRC_VALUE_DUAL_H_
#define MITRA_SRC_VALUE_DUAL_H_

#include <cmath>

namespace mitra::value {

template <int N>
struct Dual {
  double v = 0;
  double d[N] = {};

  Dual() = default;
  Dual(double value) : v(value) {}  // NOLINT: constants promote implicitly
  static Dual Variable(double value, int i) {
    Dual r(value);
    r.d[i] = 1;
    return r;
  }
};

template <int N>
inline Dual<N> operator+(const Dual<N>& a, const Dual<N>& b) {
  Dual<N> r(a.v + b.v);
  for (int i = 0; i < N; ++i) r.d[i] = a.d[i] + b.d[i];
  return r;
}
template <int N>
inline Dual<N> operator-(const Dual<N>& a, const Dual<N>& b) {
  Dual<N> r(a.v - b.v);
  for (int i = 0; i < N; ++i) r.d[i] = a.d[i] - b.d[i];
  return r;
}
template <int N>
inline Dual<N> operator-(const Dual<N>& a) {
  Dual<N> r(-a.v);
  for (int i = 0; i < N; ++i) r.d[i] = -a.d[i];
  return r;
}
template <int N>
inline Dual<N> operator*(const Dual<N>& a, const Dual<N>& b) {
  Dual<N> r(a.v * b.v);
  for (int i = 0; i < N; ++i) r.d[i] = a.d[i] * b.v + a.v * b.d[i];
  return r;
}
template <int N>
inline Dual<N> operator/(const Dual<N>& a, const Dual<N>& b) {
  const double inv = 1 / b.v;
  Dual<N> r(a.v * inv);
  for (int i = 0; i < N; ++i) r.d[i] = (a.d[i] - r.v * b.d[i]) * inv;
  return r;
}
template <int N>
inline Dual<N> operator+(const Dual<N>& a, double b) {
  return a + Dual<N>(b);
}
template <int N>
inline Dual<N> operator+(double a, const Dual<N>& b) {
  return Dual<N>(a) + b;
}
template <int N>
inline Dual<N> operator-(const Dual<N>& a, double b) {
  return a - Dual<N>(b);
}
template <int N>
inline Dual<N> operator-(double a, const Dual<N>& b) {
  return Dual<N>(a) - b;
}
template <int N>
inline Dual<N> operator*(const Dual<N>& a, double b) {
  Dual<N> r(a.v * b);
  for (int i = 0; i < N; ++i) r.d[i] = a.d[i] * b;
  return r;
}
template <int N>
inline Dual<N> operator*(double a, const Dual<N>& b) {
  return b * a;
}
template <int N>
inline Dual<N> operator/(const Dual<N>& a, double b) {
  return a * (1 / b);
}
template <int N>
inline Dual<N> operator/(double a, const Dual<N>& b) {
  return Dual<N>(a) / b;
}
template <int N>
inline Dual<N>& operator+=(Dual<N>& a, const Dual<N>& b) {
  return a = a + b;
}
template <int N>
inline Dual<N>& operator*=(Dual<N>& a, const Dual<N>& b) {
  return a = a * b;
}

// Chain rule: f(a) with f'(a) = df.
template <int N>
inline Dual<N> Chain(const Dual<N>& a, double f, double df) {
  Dual<N> r(f);
  for (int i = 0; i < N; ++i) r.d[i] = df * a.d[i];
  return r;
}
template <int N>
inline Dual<N> log(const Dual<N>& a) {
  return Chain(a, std::log(a.v), 1 / a.v);
}
template <int N>
inline Dual<N> exp(const Dual<N>& a) {
  const double e = std::exp(a.v);
  return Chain(a, e, e);
}
template <int N>
inline Dual<N> log1p(const Dual<N>& a) {
  return Chain(a, std::log1p(a.v), 1 / (1 + a.v));
}
template <int N>
inline Dual<N> expm1(const Dual<N>& a) {
  return Chain(a, std::expm1(a.v), std::exp(a.v));
}

inline double Value(double a) { return a; }
template <int N>
inline double Value(const Dual<N>& a) {
  return a.v;
}

}  // namespace mitra::value

#endif  // MITRA_SRC_VALUE_DUAL_H_
