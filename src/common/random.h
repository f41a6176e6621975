// A small, fully specified random generator (xoshiro256**, seeded through
// SplitMix64; Blackman & Vigna 2018) so that seeded results are the same on
// every platform (std::uniform_int_distribution is implementation-defined).
#ifndef MITRA_SRC_COMMON_RANDOM_H_
#define MITRA_SRC_COMMON_RANDOM_H_

#include <cmath>
#include <cstdint>

namespace mitra {

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed, uint64_t stream = 0) {
    uint64_t st = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (uint64_t& x : s_) x = SplitMix64(st);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, bound) (Lemire 2019, unbiased), bound > 0.
  uint64_t Below(uint64_t bound) {
    __uint128_t m = static_cast<__uint128_t>(Next()) * bound;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < bound) {
      const uint64_t threshold = -bound % bound;
      while (low < threshold) {
        m = static_cast<__uint128_t>(Next()) * bound;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }
  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// A standard normal draw (Box-Muller; one of the pair, so each draw takes
// two uniforms and no state is kept between calls).
inline double NormalDraw(Rng& rng) {
  const double u = 1.0 - rng.Uniform();  // (0, 1]
  return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * rng.Uniform());
}

// A Gamma(shape, 1) draw, shape > 0 (Marsaglia & Tsang 2000; for shape < 1
// the shape + 1 draw times U^(1/shape)).
inline double GammaDraw(Rng& rng, double shape) {
  if (shape < 1) {
    const double u = 1.0 - rng.Uniform();
    return GammaDraw(rng, shape + 1) * std::pow(u, 1 / shape);
  }
  const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
  while (true) {
    double x, v;
    do {
      x = NormalDraw(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = 1.0 - rng.Uniform();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

// A Beta(a, b) draw, a, b > 0.
inline double BetaDraw(Rng& rng, double a, double b) {
  const double x = GammaDraw(rng, a), y = GammaDraw(rng, b);
  return x + y > 0 ? x / (x + y) : (a >= b ? 1.0 : 0.0);
}

// A Binomial(n, p) draw (n >= 0, p in [0, 1]): Bernoulli trials for small
// n, else the median order statistic of n + 1 uniforms (a Beta draw) splits
// the trials in two and one side recurses (Knuth, TAOCP 3.4.1), so the cost
// grows with log n.
inline double BinomialDraw(Rng& rng, double n, double p) {
  double base = 0;
  while (n >= 16) {
    const double k = std::floor((n + 1) / 2), y = BetaDraw(rng, k, n + 1 - k);
    if (y >= p) {
      n = k - 1;
      p = p / y;
    } else {
      base += k;
      n = n - k;
      p = (p - y) / (1 - y);
    }
  }
  for (int i = 0; i < static_cast<int>(n); ++i) base += rng.Uniform() < p;
  return base;
}

// A Poisson(mu) draw (mu >= 0): counting uniforms' running product for small
// mu, else the Gamma time of the m-th arrival (m = 7 mu / 8) tells whether
// at least m arrivals fall in mu, and the remainder is a smaller Poisson or
// a Binomial (Ahrens & Dieter 1974; Knuth, TAOCP 3.4.1).
inline double PoissonDraw(Rng& rng, double mu) {
  double base = 0;
  while (mu >= 16) {
    const double m = std::floor(0.875 * mu), x = GammaDraw(rng, m);
    if (x > mu) return base + BinomialDraw(rng, m - 1, mu / x);
    base += m;
    mu -= x;
  }
  const double limit = std::exp(-mu);
  double prod = 1 - rng.Uniform();
  while (prod > limit) {
    base += 1;
    prod *= 1 - rng.Uniform();
  }
  return base;
}

}  // namespace mitra

#endif  // MITRA_SRC_COMMON_RANDOM_H_
