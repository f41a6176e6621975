// BG/BB against Fader, Hardie & Shang (2010) on their donations data: the
// paper's estimates and log-likelihood, its table 6 of P(alive), and the
// totals of Hardie's BG/BB spreadsheet (the conditional expectations over
// the next five years, the in-sample fit table); the likelihood's gradient
// by finite differences and the transaction distribution's mean against
// the paper's closed form.
#include "mitra/value/bgbb.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "value/discrete_reference.h"

namespace mitra::value {
namespace {

using ::testing::HasSubstr;

// The table with its model view.
struct Donations : testing::Donations {
  OpportunityData Data() const { return {x, t_x, n, weight}; }
};

Donations LoadDonations() { return {testing::LoadDonations()}; }

const Donations& Data() {
  static const Donations* d = new Donations(LoadDonations());
  return *d;
}

const BgBbFit& Fitted() {
  static const BgBbFit* fit = [] {
    absl::StatusOr<BgBbFit> f = FitBgBb(Data().Data());
    if (!f.ok()) {
      std::fprintf(stderr, "%s\n", f.status().ToString().c_str());
      std::exit(2);
    }
    return new BgBbFit(*f);
  }();
  return *fit;
}

TEST(BgBbTest, FitsThePapersEstimates) {
  const BgBbFit& f = Fitted();
  // Fader, Hardie & Shang 2010: 1.204, 0.750, 0.657, 2.783; LL -33,225.6.
  EXPECT_NEAR(f.params.alpha, 1.204, 5e-4);
  EXPECT_NEAR(f.params.beta, 0.750, 5e-4);
  EXPECT_NEAR(f.params.gamma, 0.657, 5e-4);
  EXPECT_NEAR(f.params.delta, 2.783, 5e-4);
  EXPECT_NEAR(f.report.log_likelihood, -33225.6, 0.05);
  EXPECT_DOUBLE_EQ(f.report.total_weight, 11104);
  EXPECT_EQ(f.report.standard_errors.size(), 4u);
}

TEST(BgBbTest, ProbabilityAliveIsThePapersTable6) {
  // P(alive in 2002) after six opportunities: no repeat 0.11, two repeats
  // the last in 1999 0.59, six repeats 0.93.
  const std::vector<double> x = {0, 2, 6}, t_x = {0, 4, 6}, n = {6, 6, 6};
  double out[3];
  ASSERT_TRUE(BgBbProbabilityAlive(Fitted().params, {x, t_x, n}, 1, out).ok());
  EXPECT_NEAR(out[0], 0.11, 0.005);
  EXPECT_NEAR(out[1], 0.59, 0.005);
  EXPECT_NEAR(out[2], 0.93, 0.005);
  // m = 0: alive at the last opportunity; a donor at it is surely alive.
  const std::vector<double> x1 = {3}, t1 = {6}, n1 = {6};
  ASSERT_TRUE(BgBbProbabilityAlive(Fitted().params, {x1, t1, n1}, 0, absl::MakeSpan(out, 1)).ok());
  EXPECT_NEAR(out[0], 1.0, 1e-12);
}

TEST(BgBbTest, TotalsOfHardiesSpreadsheet) {
  const Donations& d = Data();
  std::vector<double> e(d.x.size());
  ASSERT_TRUE(BgBbConditionalExpectedTransactions(Fitted().params, d.Data(), 5, absl::MakeSpan(e))
                  .ok());
  double total = 0;
  for (size_t i = 0; i < e.size(); ++i) total += e[i] * d.weight[i];
  EXPECT_NEAR(total, 12884.2, 1.0);  // "Conditional Expectations (II)", sum of Exp Tot
  std::vector<double> pmf(7);
  ASSERT_TRUE(BgBbTransactionDistribution(Fitted().params, 6, absl::MakeSpan(pmf)).ok());
  EXPECT_NEAR(11104 * pmf[0], 3454.9, 0.5);  // "In-Sample Fit", cells C18 and C24
  EXPECT_NEAR(11104 * pmf[6], 1253.1, 0.5);
}

TEST(BgBbTest, DistributionSumsToOneWithThePapersMean) {
  const BgBbParams p{1.204, 0.750, 0.657, 2.783};
  for (int n : {1, 6, 40}) {
    std::vector<double> pmf(n + 1);
    ASSERT_TRUE(BgBbTransactionDistribution(p, n, absl::MakeSpan(pmf)).ok());
    double sum = 0, mean = 0;
    for (int x = 0; x <= n; ++x) sum += pmf[x], mean += x * pmf[x];
    EXPECT_NEAR(sum, 1.0, 1e-10);
    // E[X(n)] = a/(a+b) d/(g-1) [1 - G(g+d) G(1+d+n) / (G(g+d+n) G(1+d))] (eq. 8).
    const double closed =
        p.alpha / (p.alpha + p.beta) * p.delta / (p.gamma - 1) *
        (1 - std::exp(std::lgamma(p.gamma + p.delta) + std::lgamma(1 + p.delta + n) -
                      std::lgamma(p.gamma + p.delta + n) - std::lgamma(1 + p.delta)));
    EXPECT_NEAR(mean, closed, 1e-9 * closed) << n;
  }
  // The conditional expectations averaged over every history of 6
  // opportunities (each (x, t_x) with its probability: its likelihood times
  // the number of sequences that have it) are, by the law of total
  // expectation, E[X(6 + m)] - E[X(6)].
  const int n = 6, m = 4;
  std::vector<double> xs, ts, ns, w;
  std::vector<double> pmf6(n + 1), pmf10(n + m + 1);
  ASSERT_TRUE(BgBbTransactionDistribution(p, n, absl::MakeSpan(pmf6)).ok());
  ASSERT_TRUE(BgBbTransactionDistribution(p, n + m, absl::MakeSpan(pmf10)).ok());
  // Every (x, t_x) history of 6 opportunities, weighted by its likelihood.
  for (int t = 0; t <= n; ++t)
    for (int x = (t == 0 ? 0 : 1); x <= t; ++x) {
      xs.push_back(x), ts.push_back(t), ns.push_back(n);
      // Sequences with x transactions, the last at t: C(t - 1, x - 1) (1 when x = 0).
      w.push_back(x == 0 ? 1 : std::round(std::exp(std::lgamma(t) - std::lgamma(x) -
                                                    std::lgamma(t - x + 1))));
    }
  std::vector<double> cond(xs.size());
  ASSERT_TRUE(
      BgBbConditionalExpectedTransactions(p, {xs, ts, ns}, m, absl::MakeSpan(cond)).ok());
  double expected_later = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double one[] = {xs[i]}, tt[] = {ts[i]}, nn[] = {ns[i]};
    absl::StatusOr<double> ll = BgBbLogLikelihood(p, {one, tt, nn});
    ASSERT_TRUE(ll.ok());
    expected_later += w[i] * std::exp(*ll) * cond[i];
  }
  double mean6 = 0, mean10 = 0;
  for (int x = 0; x <= n; ++x) mean6 += x * pmf6[x];
  for (int x = 0; x <= n + m; ++x) mean10 += x * pmf10[x];
  EXPECT_NEAR(expected_later, mean10 - mean6, 1e-9);
}

TEST(BgBbTest, GradientMatchesFiniteDifferences) {
  const Donations& d = Data();
  const BgBbParams p{1.1, 0.8, 0.7, 2.5};
  double grad[4];
  ASSERT_TRUE(BgBbLogLikelihood(p, d.Data(), grad).ok());
  for (int j = 0; j < 4; ++j) {
    const double h = 1e-6;
    BgBbParams up = p, down = p;
    double* u[] = {&up.alpha, &up.beta, &up.gamma, &up.delta};
    double* dn[] = {&down.alpha, &down.beta, &down.gamma, &down.delta};
    *u[j] += h, *dn[j] -= h;
    const double numeric =
        (*BgBbLogLikelihood(up, d.Data()) - *BgBbLogLikelihood(down, d.Data())) / (2 * h);
    EXPECT_NEAR(grad[j], numeric, 1e-4 * std::abs(numeric) + 1e-3) << j;
  }
}

TEST(BgBbTest, BadInputNamesTheRowAndField) {
  const std::vector<double> x = {2}, t = {1}, n = {6};
  EXPECT_THAT(FitBgBb({x, t, n}).status().message(),
              HasSubstr("histories row 0: x = 2 is not a whole number in [0, t_x = 1]"));
  const std::vector<double> x0 = {0}, t3 = {3};
  EXPECT_THAT(FitBgBb({x0, t3, n}).status().message(), HasSubstr("0 exactly when x = 0"));
  const std::vector<double> late = {7};
  const std::vector<double> one = {1};
  EXPECT_THAT(FitBgBb({one, late, n, {}, "donors"}).status().message(),
              HasSubstr("donors row 0: t_x = 7"));
  const std::vector<double> nan = {std::nan("")};
  EXPECT_THAT(FitBgBb({x0, x0, nan}).status().message(), HasSubstr("n = nan"));
  double out[1];
  EXPECT_THAT(BgBbProbabilityAlive({1, 1, 1, 1}, {one, one, n}, -1, out).message(),
              HasSubstr("m: must be in 0.."));
  EXPECT_THAT(BgBbTransactionDistribution({0, 1, 1, 1}, 3, absl::Span<double>()).message(),
              HasSubstr("alpha"));
}

TEST(BgBbTest, RefusesValuesOutsideTheFormulasRange) {
  // gamma = 4.8e86 (a fuzzer's model) pushes the log-Beta differences past
  // double's precision: whatever comes out of range is refused naming the
  // quantity and the parameters, never handed out; what is handed out is in
  // range.
  const BgBbParams extreme{1.204, 0.75, 4.8215487769928816e+86, 2.8131171839237212};
  const std::vector<double> x = {0, 1, 3}, t_x = {0, 1, 5}, n = {6, 6, 6};
  const OpportunityData d{x, t_x, n, {}};
  std::vector<double> alive(3), expected(3), distribution(31);
  int refused = 0;
  for (const auto& [s, values, probability] :
       {std::tuple{BgBbProbabilityAlive(extreme, d, 1, absl::MakeSpan(alive)), &alive, true},
        std::tuple{BgBbConditionalExpectedTransactions(extreme, d, 5, absl::MakeSpan(expected)),
                   &expected, false},
        std::tuple{BgBbTransactionDistribution(extreme, 30, absl::MakeSpan(distribution)),
                   &distribution, true}}) {
    if (s.ok()) {
      for (double v : *values) {
        EXPECT_TRUE(std::isfinite(v) && v >= 0) << v;
        if (probability) EXPECT_LE(v, 1);
      }
      continue;
    }
    ++refused;
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("with alpha = 1.204, beta = 0.75, gamma = 4.82155e+86"));
    EXPECT_THAT(s.message(), HasSubstr("outside the range the formulas are computed in"));
  }
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace mitra::value
