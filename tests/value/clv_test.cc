#include "mitra/value/clv.h"

#include <cmath>
#include <vector>

#include "cdnow.h"
#include "gtest/gtest.h"
#include "mitra/value/summary.h"

namespace mitra::value {
namespace {

CustomerSummaries Cdnow() {
  const auto tx = testing::LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  SummaryOptions o;
  o.calibration_end = testing::UnixDay(1997, 9, 30);
  return *Summarize(tx.customer, tx.time, tx.amount, o);
}

const GammaGammaParams kSpend{6.25, 3.74, 15.44};

// CLV against its definition evaluated the slow way: the model's expected
// purchases at every period end, differenced and discounted.
void CheckAgainstDefinition(const PurchaseModel& model) {
  const CustomerSummaries s = Cdnow();
  const CustomerData data{s.x, s.t_x, s.T, {}};
  const ClvOptions o{12, 4.348, 0.01};
  std::vector<double> clv(s.size()), spend(s.size()), prev(s.size(), 0.0), cur(s.size());
  ASSERT_TRUE(CustomerLifetimeValue(model, kSpend, data, s.monetary, o, absl::MakeSpan(clv)).ok());
  ASSERT_TRUE(
      GammaGammaExpectedSpend(kSpend, SpendData{s.x, s.monetary, {}}, absl::MakeSpan(spend)).ok());
  std::vector<double> want(s.size(), 0.0);
  for (int k = 1; k <= 12; ++k) {
    ASSERT_TRUE(ExpectedPurchases(model, data, k * 4.348, absl::MakeSpan(cur)).ok());
    for (size_t i = 0; i < s.size(); ++i) {
      want[i] += spend[i] * (cur[i] - prev[i]) / std::pow(1.01, k);
      prev[i] = cur[i];
    }
  }
  for (size_t i = 0; i < s.size(); ++i) EXPECT_NEAR(clv[i], want[i], 1e-9 * (1 + want[i])) << i;
}

TEST(ClvTest, MatchesDefinitionBgNbd) {
  CheckAgainstDefinition(BgNbdParams{0.243, 4.414, 0.793, 2.426});
}
TEST(ClvTest, MatchesDefinitionMbgNbd) { CheckAgainstDefinition(MbgNbdParams{0.5, 6.0, 0.9, 1.6}); }
TEST(ClvTest, MatchesDefinitionParetoNbd) {
  CheckAgainstDefinition(ParetoNbdParams{0.55, 10.58, 0.61, 11.67});
}

// Without discounting the increments telescope: CLV = spend * E[Y(K L)].
TEST(ClvTest, NoDiscountTelescopes) {
  const double x[] = {2}, tx[] = {30.43}, T[] = {38.86}, m[] = {22.35};
  const BgNbdParams p{0.243, 4.414, 0.793, 2.426};
  double clv, e;
  ASSERT_TRUE(
      CustomerLifetimeValue(p, kSpend, CustomerData{x, tx, T, {}}, m, {6, 6.5, 0.0}, {&clv, 1})
          .ok());
  ASSERT_TRUE(BgNbdExpectedPurchases(p, CustomerData{x, tx, T, {}}, 39, {&e, 1}).ok());
  const double spend = 6.25 * (15.44 + 2 * 22.35) / (6.25 * 2 + 3.74 - 1);
  EXPECT_NEAR(clv, spend * e, 1e-10);
}

TEST(ClvTest, RejectsBadOptions) {
  const double x[] = {0}, m[] = {0};
  double out;
  EXPECT_FALSE(CustomerLifetimeValue(BgNbdParams{}, kSpend, CustomerData{x, x, x, {}}, m,
                                     {12, 0.0, 0.01}, {&out, 1})
                   .ok());
  EXPECT_FALSE(CustomerLifetimeValue(BgNbdParams{}, kSpend, CustomerData{x, x, x, {}}, m,
                                     {0, 1.0, 0.01}, {&out, 1})
                   .ok());
}

// The dispatchers agree with the model functions.
TEST(ClvTest, DispatchAliveAt) {
  const double x[] = {3}, tx[] = {20}, T[] = {38};
  const ParetoNbdParams p{0.55, 10.58, 0.61, 11.67};
  double a, b;
  ASSERT_TRUE(ProbabilityAliveAt(p, CustomerData{x, tx, T, {}}, 10, {&a, 1}).ok());
  ASSERT_TRUE(ParetoNbdProbabilityAliveAt(p, CustomerData{x, tx, T, {}}, 10, {&b, 1}).ok());
  EXPECT_EQ(a, b);
  ASSERT_TRUE(ProbabilityAlive(p, CustomerData{x, tx, T, {}}, {&a, 1}).ok());
  EXPECT_GT(a, b);
}

}  // namespace
}  // namespace mitra::value
