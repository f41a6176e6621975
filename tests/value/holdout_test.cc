#include "mitra/value/holdout.h"

#include <cmath>

#include "gtest/gtest.h"

namespace mitra::value {
namespace {

TEST(HoldoutTest, ByHand) {
  const double x[] = {0, 0, 1, 3, 9}, pred[] = {0.5, 0.5, 1, 2, 4}, act[] = {0, 1, 2, 2, 7};
  auto v = ValidateHoldout(x, pred, act, 3);
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->by_frequency.size(), 4u);
  EXPECT_EQ(v->by_frequency[0].customers, 2u);
  EXPECT_DOUBLE_EQ(v->by_frequency[0].actual_mean, 0.5);
  EXPECT_DOUBLE_EQ(v->by_frequency[0].predicted_mean, 0.5);
  EXPECT_EQ(v->by_frequency[2].customers, 0u);
  EXPECT_EQ(v->by_frequency[3].customers, 2u);  // 3 and 9: "3+"
  EXPECT_DOUBLE_EQ(v->by_frequency[3].actual_mean, 4.5);
  EXPECT_DOUBLE_EQ(v->by_frequency[3].predicted_mean, 3);
  // errors: -0.5, 0.5, 1, 0, 3 (predicted - actual, absolute)
  EXPECT_DOUBLE_EQ(v->mae, (0.5 + 0.5 + 1 + 0 + 3) / 5);
  EXPECT_DOUBLE_EQ(v->rmse, std::sqrt((0.25 + 0.25 + 1 + 0 + 9) / 5));
  EXPECT_DOUBLE_EQ(v->actual_total, 12);
  EXPECT_DOUBLE_EQ(v->predicted_total, 8);
  EXPECT_DOUBLE_EQ(v->bias, -4.0 / 12);
}

TEST(HoldoutTest, Errors) {
  const double x[] = {0}, p[] = {NAN}, a[] = {1};
  EXPECT_FALSE(ValidateHoldout(x, p, a).ok());
  EXPECT_FALSE(ValidateHoldout(x, {}, a).ok());
  auto empty = ValidateHoldout({}, {}, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->bias, 0);
}

}  // namespace
}  // namespace mitra::value
