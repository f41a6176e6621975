#include "mitra/value/gamma_gamma.h"

#include <cmath>
#include <vector>

#include "cdnow.h"
#include "gtest/gtest.h"
#include "mitra/value/summary.h"

namespace mitra::value {
namespace {

double Sig3(double v) {
  const double scale = std::pow(10.0, 2 - std::floor(std::log10(std::fabs(v))));
  return std::round(v * scale) / scale;
}

CustomerSummaries CdnowSummaries() {
  const auto tx = testing::LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  SummaryOptions o;
  o.calibration_end = testing::UnixDay(1997, 9, 30);
  return *Summarize(tx.customer, tx.time, tx.amount, o);
}

// Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value": on the
// 946 CDNOW repeat buyers p = 6.25, q = 3.74, gamma = 15.44, and the
// expected average spend of the first ten customers of the sample.
TEST(GammaGammaTest, FitsCdnowToPublishedValues) {
  const CustomerSummaries s = CdnowSummaries();
  const SpendData data{s.x, s.monetary, {}};
  auto fit = FitGammaGamma(data);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_EQ(fit->report.total_weight, 946);
  EXPECT_EQ(Sig3(fit->params.p), 6.25);
  EXPECT_EQ(Sig3(fit->params.q), 3.74);
  EXPECT_EQ(Sig3(fit->params.gamma), 15.4);
  EXPECT_NEAR(fit->params.gamma, 15.44, 0.01);
  ASSERT_EQ(fit->report.standard_errors.size(), 3u);
  std::vector<double> spend(s.size());
  ASSERT_TRUE(GammaGammaExpectedSpend(fit->params, data, absl::MakeSpan(spend)).ok());
  const double want[] = {24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17};
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(spend[i], want[i], 0.005 + 1e-9) << i;
}

// The independence check on the 946 CDNOW repeat buyers: Fader & Hardie
// (2013) report a correlation of 0.11 between mean spend and frequency;
// numpy's corrcoef on the same rows (the vendored summary file's x, zbar)
// gives 0.113884. t = r sqrt(944 / (1 - r^2)) = 3.522, whose two-sided
// normal tail is 4.28e-4; Student's t on 944 df is a little heavier.
TEST(GammaGammaTest, SpendIndependenceOnCdnow) {
  const CustomerSummaries s = CdnowSummaries();
  auto c = CheckSpendIndependence({s.x, s.monetary, {}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->repeat_buyers, 946);
  EXPECT_NEAR(c->correlation, 0.113884, 1e-5);
  EXPECT_GT(c->p_value, 4.28e-4);
  EXPECT_LT(c->p_value, 4.6e-4);
  // No spread in x: nothing to say. Weights count as customers.
  const std::vector<double> x = {2, 2, 2}, z = {10, 20, 30}, w = {1, 1, 1};
  auto flat = CheckSpendIndependence({x, z, w});
  ASSERT_TRUE(flat.ok());
  EXPECT_TRUE(std::isnan(flat->correlation));
  const std::vector<double> x2 = {1, 2, 3, 0}, z2 = {10, 20, 30, 0}, w2 = {2, 1, 2, 5};
  auto perfect = CheckSpendIndependence({x2, z2, w2});
  ASSERT_TRUE(perfect.ok());
  EXPECT_EQ(perfect->repeat_buyers, 5);
  EXPECT_NEAR(perfect->correlation, 1.0, 1e-12);
  EXPECT_LT(perfect->p_value, 1e-6);
}

TEST(GammaGammaTest, GradientMatchesFiniteDifferences) {
  const CustomerSummaries s = CdnowSummaries();
  const SpendData data{s.x, s.monetary, {}};
  const GammaGammaParams sets[] = {{6.25, 3.74, 15.44}, {0.5, 12, 200}, {30, 1.5, 2}};
  for (const GammaGammaParams& p : sets) {
    double g[3];
    ASSERT_TRUE(GammaGammaLogLikelihood(p, data, g).ok());
    const double th[3] = {p.p, p.q, p.gamma};
    for (int k = 0; k < 3; ++k) {
      double up[3] = {th[0], th[1], th[2]}, dn[3] = {th[0], th[1], th[2]};
      const double h = 1e-4 * th[k];
      up[k] += h;
      dn[k] -= h;
      const double fu = *GammaGammaLogLikelihood({up[0], up[1], up[2]}, data);
      const double fd = *GammaGammaLogLikelihood({dn[0], dn[1], dn[2]}, data);
      EXPECT_NEAR(g[k], (fu - fd) / (2 * h), 1e-5 * std::max(1.0, std::fabs(g[k]))) << k;
    }
  }
}

// The density integrates to one over zbar (numerically, for x = 3).
TEST(GammaGammaTest, DensityIntegratesToOne) {
  const GammaGammaParams p{6.25, 3.74, 15.44};
  double total = 0;
  const double h = 0.01;
  for (double z = h / 2; z < 2000; z += h) {
    const double x = 3;
    const double zz[] = {z}, xx[] = {x};
    total += std::exp(*GammaGammaLogLikelihood(p, SpendData{xx, zz, {}})) * h;
  }
  EXPECT_NEAR(total, 1, 1e-6);
}

TEST(GammaGammaTest, Errors) {
  const double x[] = {2}, z[] = {-1};
  EXPECT_FALSE(FitGammaGamma(SpendData{x, z, {}}).ok());
  const double x0[] = {0}, z0[] = {0};
  EXPECT_FALSE(FitGammaGamma(SpendData{x0, z0, {}}).ok());
  double out;
  EXPECT_FALSE(GammaGammaExpectedSpend({1, 0.5, 1}, SpendData{x0, z0, {}}, {&out, 1}).ok());
}

}  // namespace
}  // namespace mitra::value
