// The period rules of discrete_periods.h on a hand-made set of
// transactions, every figure worked out by hand in the comments.
#include "mitra/value/discrete_periods.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::value {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Periods of 100 s from 0; the end, 450, is in period 4. In periods:
//   c0: 0, 1, 3        c1: 0          c2: 0, 0, 4     c3: 1, 2
//   c4: 1              c5: 4 (acquired in the last period: left out)
//   c6: 3, and 9 after the end (ignored)
//   c7: -1 (time -50: periods floor, not truncate, towards -infinity)
// Rows arrive out of order on purpose.
struct Tx {
  std::vector<uint32_t> customer = {2, 0, 1, 0, 3, 2, 4, 5, 6, 0, 3, 6, 7, 2};
  std::vector<int64_t> time = {410, 150, 50, 10, 220, 60, 199, 430, 300, 320, 120, 999, -50, 70};
};

const PeriodGrid kGrid{100, 0, 450};

TEST(DiscretePeriodsTest, RenewalCohortsFollowEachAcquisitionPeriod) {
  const Tx tx;
  absl::StatusOr<RenewalCohorts> c = RenewalCohortsOf(tx.customer, tx.time, kGrid);
  ASSERT_TRUE(c.ok()) << c.status();
  // Cohorts by acquisition period: -1 {c7}, 0 {c0, c1, c2}, 1 {c3, c4},
  // 3 {c6}; 4 {c5} has no renewal to observe.
  EXPECT_THAT(c->start, ElementsAre(-100, 0, 100, 300));
  // Period -1: c7 last seen at -1, followed 5 renewals.
  EXPECT_THAT(c->survivors[0], ElementsAre(1, 0, 0, 0, 0, 0));
  // Period 0: last seen c0 3, c1 0, c2 4: active after t = 0..4 renewals
  // 3 (all), 2 (c0, c2), 2, 2, 1 (c2).
  EXPECT_THAT(c->survivors[1], ElementsAre(3, 2, 2, 2, 1));
  // Period 1: c3 last 2 (t = 1), c4 last 1 (t = 0).
  EXPECT_THAT(c->survivors[2], ElementsAre(2, 1, 0, 0));
  EXPECT_THAT(c->survivors[3], ElementsAre(1, 0));
}

TEST(DiscretePeriodsTest, OpportunityHistoriesCountThePeriodsAfterTheFirst) {
  const Tx tx;
  absl::StatusOr<OpportunityHistories> h = OpportunityHistoriesOf(tx.customer, tx.time, kGrid);
  ASSERT_TRUE(h.ok()) << h.status();
  // c0: n = 4 - 0, periods 1 and 3 after the first: x = 2, t_x = 3.
  // c1: n = 4, x = 0. c2: the second period-0 row is the same period; x = 1
  // (period 4), t_x = 4. c3: n = 3, x = 1, t_x = 1. c4: n = 3, x = 0.
  // c6: n = 1, x = 0 (period 9 is after the end). c7: n = 5, x = 0.
  EXPECT_THAT(h->customer, ElementsAre(0, 1, 2, 3, 4, 6, 7));
  EXPECT_THAT(h->x, ElementsAre(2, 0, 1, 1, 0, 0, 0));
  EXPECT_THAT(h->t_x, ElementsAre(3, 0, 4, 1, 0, 0, 0));
  EXPECT_THAT(h->n, ElementsAre(4, 4, 4, 3, 3, 1, 5));
}

TEST(DiscretePeriodsTest, RefusesBadShapes) {
  const std::vector<uint32_t> c = {0, 1};
  const std::vector<int64_t> t = {0};
  EXPECT_THAT(RenewalCohortsOf(c, t, kGrid).status().message(), HasSubstr("one length"));
  EXPECT_THAT(OpportunityHistoriesOf(c, {0, 1}, PeriodGrid{0, 0, 10}).status().message(),
              HasSubstr("period: must be > 0"));
}

TEST(DiscretePeriodsTest, RefusesMorePeriodsThanItBounds) {
  // A first transaction 10,000 periods before the end's period fits (10,001
  // periods); one period more is refused before anything is sized by it,
  // whatever the origin (only the transactions' span counts).
  const std::vector<uint32_t> c = {0, 0, 1};
  for (int64_t origin : {int64_t{0}, int64_t{-123456}}) {
    const PeriodGrid grid{7, origin, origin + 7 * 10000 + 3};
    const std::vector<int64_t> fits = {origin, origin + 70, origin + 7 * 5000};
    ASSERT_TRUE(RenewalCohortsOf(c, fits, grid).ok());
    ASSERT_EQ(OpportunityHistoriesOf(c, fits, grid)->n[0], 10000);
    const std::vector<int64_t> over = {origin - 7, origin + 70, origin + 7 * 5000};
    for (const absl::Status& s : {RenewalCohortsOf(c, over, grid).status(),
                                  OpportunityHistoriesOf(c, over, grid).status()}) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(s.message(), HasSubstr("period: 10002 periods of 7 seconds"));
      EXPECT_THAT(s.message(), HasSubstr("at most 10001"));
    }
  }
}

}  // namespace
}  // namespace mitra::value
