// The statistics behind co-creation feedback (docs/COCREATION.md, "Feedback aggregation"):
// Net Promoter Score with its variance, the Wilson interval of a positive
// share, the Bayesian (IMDb) average, Benjamini-Hochberg control of the
// false discovery rate, and the Student t and normal distributions the
// tests and intervals need. Plain functions on numbers, no workspace.
#ifndef MITRA_COCREATION_STATS_H_
#define MITRA_COCREATION_STATS_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace mitra::cocreation {

// Phi(x), the standard normal distribution function.
double NormalCdf(double x);
// Phi^-1(p) for p in (0, 1): Wichura's AS 241 (PPND16) refined by one Halley
// step on erfc, so accurate to a few ulps; -inf/+inf at 0/1, NaN outside.
double NormalQuantile(double p);
// The two-sided z of a confidence level c in (0, 1): Phi^-1((1 + c) / 2).
double ZForConfidence(double confidence);

// I_x(a, b), the regularised incomplete beta function, a, b > 0, x in [0, 1]
// (continued fraction by the modified Lentz method, Numerical Recipes 6.4).
double RegularizedIncompleteBeta(double a, double b, double x);
// P(T <= t) for Student's t with df > 0 degrees of freedom (df may be
// fractional, as Welch's is): 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2 for t > 0.
double StudentTCdf(double t, double df);
// The t with P(T <= t) = p, p in (0, 1) (bisection on StudentTCdf).
double StudentTQuantile(double p, double df);

// Net Promoter Score of answers 0..10: promoters answer 9-10, passives 7-8,
// detractors 0-6. With p, d the promoter and detractor shares of n answers,
// NPS = 100 (p - d), Var = 100^2 [(p + d) - (p - d)^2] / n, and the interval
// NPS +- z sqrt(Var), clipped to [-100, 100]. n = 0 gives NaNs.
struct NpsEstimate {
  uint64_t n = 0, promoters = 0, passives = 0, detractors = 0;
  double promoter_share = 0, detractor_share = 0;
  double nps = 0, variance = 0, standard_error = 0, low = 0, high = 0;
};
NpsEstimate Nps(uint64_t promoters, uint64_t passives, uint64_t detractors, double z);

// The Wilson score interval of a positive share p = positives / n:
// (p + z^2/2n -+ z sqrt(p(1 - p)/n + z^2/4n^2)) / (1 + z^2/n). Its low end is
// the "Wilson lower bound" used to rank by positive share. n = 0: [0, 1].
struct Interval {
  double low = 0, high = 0;
};
Interval Wilson(uint64_t positives, uint64_t n, double z);

// IMDb's weighted rating WR = v/(v + m) R + m/(v + m) C: v ratings with mean
// R, shrunk towards the prior mean C with the weight of m ratings. v = 0
// gives C; m = 0 gives R.
double BayesianAverage(double v, double mean, double m, double prior_mean);

// Benjamini-Hochberg at level q over the finite p-values (NaN entries are
// not tests: never rejected, adjusted NaN). Sort the m p-values, k = the
// largest i with p_(i) <= i q / m, reject p_(1..k). `adjusted` holds the BH
// q-values min_{j >= i} p_(j) m / j (capped at 1): p_i is rejected at level q
// exactly when adjusted_i <= q.
struct BhResult {
  std::vector<bool> rejected;
  std::vector<double> adjusted;
  uint32_t tests = 0;     // m
  uint32_t rejections = 0;  // k
  double threshold = 0;   // k q / m: the largest p-value rejected is <= it (0 when k = 0)
};
BhResult BenjaminiHochberg(absl::Span<const double> p_values, double q);

// One-sided t tests of a shortfall: H0 "mean >= reference - margin" against
// H1 "mean < reference - margin"; p = P(T_df <= statistic).
struct TTest {
  double statistic = 0, df = 0, p_value = 0;
};
// Welch's two-sample test (unequal variances): t = (m1 - m2 + margin) /
// sqrt(v1/n1 + v2/n2), df by Welch-Satterthwaite. v1, v2 are the sample
// variances (n - 1 denominators); n1, n2 >= 2. A zero standard error gives
// t = -inf/+inf (p 0/1), or p NaN when the numerator is 0 too.
TTest WelchLowerTest(double m1, double v1, double n1, double m2, double v2, double n2,
                     double margin);
// The one-sample (paired differences) test: t = (mean + margin) /
// sqrt(v/n), df = n - 1, n >= 2.
TTest OneSampleLowerTest(double mean, double variance, double n, double margin);
// Welch's degrees of freedom (v1/n1 + v2/n2)^2 / ((v1/n1)^2/(n1-1) + (v2/n2)^2/(n2-1)).
double WelchDf(double v1, double n1, double v2, double n2);

}  // namespace mitra::cocreation

#endif  // MITRA_COCREATION_STATS_H_
