#include "mitra/value/summary.h"

#include <cmath>
#include <numeric>
#include <random>

#include "cdnow.h"
#include "gtest/gtest.h"

namespace mitra::value {
namespace {

using testing::LoadCdnowSample;
using testing::LoadCdnowSummary;
using testing::UnixDay;

SummaryOptions CdnowOptions() {
  SummaryOptions o;
  o.calibration_end = UnixDay(1997, 9, 30);
  o.period = TimeUnit::Day();
  o.unit = TimeUnit::Week();
  return o;
}

// The summary file shipped with lifetimes (Fader, Hardie & Lee's CDNOW
// sample): x exactly, t_x and T to 2 decimals, zbar to 0.01.
TEST(SummaryTest, ReproducesCdnowSummaryFile) {
  const auto tx = LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  const auto want = LoadCdnowSummary(MITRA_REFERENCE_DATA_DIR);
  ASSERT_EQ(tx.customer.size(), 6919u);
  ASSERT_EQ(want.x.size(), 2357u);
  auto got = Summarize(tx.customer, tx.time, tx.amount, CdnowOptions());
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2357u);
  int repeaters = 0;
  for (size_t i = 0; i < want.x.size(); ++i) {
    SCOPED_TRACE(i + 1);
    EXPECT_EQ(got->customer[i], i);
    EXPECT_EQ(got->x[i], want.x[i]);
    EXPECT_NEAR(got->t_x[i], want.t_x[i], 0.005 + 1e-9);
    EXPECT_NEAR(got->T[i], want.T[i], 0.005 + 1e-9);
    EXPECT_NEAR(got->monetary[i], want.zbar[i], 0.005 + 1e-9);
    repeaters += got->x[i] > 0;
  }
  EXPECT_EQ(repeaters, 946);
}

// Fader, Hardie & Lee (2005): the 1,411 customers with no repeat purchase
// in weeks 1-39 made 334 purchases in weeks 40-78.
TEST(SummaryTest, CdnowHoldoutOfZeroClass) {
  const auto tx = LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  SummaryOptions o = CdnowOptions();
  o.holdout_end = UnixDay(1998, 6, 30);
  auto got = Summarize(tx.customer, tx.time, tx.amount, o);
  ASSERT_TRUE(got.ok()) << got.status();
  int zeros = 0;
  double purchases = 0;
  for (size_t i = 0; i < got->size(); ++i) {
    if (got->x[i] == 0) {
      ++zeros;
      purchases += got->holdout_x[i];
    }
  }
  EXPECT_EQ(zeros, 1411);
  EXPECT_EQ(purchases, 334);
  EXPECT_NEAR(got->holdout_length, 39.0, 1e-12);  // 273 days
}

// The streaming path (per-customer time order) and the counting-sort path
// (shuffled rows) agree exactly.
TEST(SummaryTest, OrderDoesNotMatter) {
  auto tx = LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  SummaryOptions o = CdnowOptions();
  o.holdout_end = UnixDay(1998, 6, 30);
  auto sorted = Summarize(tx.customer, tx.time, tx.amount, o);
  std::vector<size_t> perm(tx.customer.size());
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), std::mt19937_64(7));
  std::vector<uint32_t> c;
  std::vector<int64_t> t;
  std::vector<double> a;
  for (size_t i : perm) {
    c.push_back(tx.customer[i]);
    t.push_back(tx.time[i]);
    a.push_back(tx.amount[i]);
  }
  auto shuffled = Summarize(c, t, a, o);
  ASSERT_TRUE(sorted.ok() && shuffled.ok());
  EXPECT_EQ(sorted->x, shuffled->x);
  EXPECT_EQ(sorted->t_x, shuffled->t_x);
  EXPECT_EQ(sorted->T, shuffled->T);
  EXPECT_EQ(sorted->holdout_x, shuffled->holdout_x);
  for (size_t i = 0; i < sorted->size(); ++i) {
    EXPECT_NEAR(sorted->monetary[i], shuffled->monetary[i], 1e-9);
    EXPECT_NEAR(sorted->holdout_spend[i], shuffled->holdout_spend[i], 1e-9);
  }
}

// Hand-made case: periods of one day, unit of one day; same-day purchases
// count once and are summed; the first day is excluded from monetary.
TEST(SummaryTest, SmallExampleByHand) {
  const int64_t d = 86400;
  std::vector<uint32_t> c = {0, 0, 0, 0, 1, 2, 0};
  std::vector<int64_t> t = {0, 3600, 2 * d, 2 * d + 60, 5 * d, 11 * d, 12 * d};
  std::vector<double> a = {10, 5, 7, 3, 4, 9, 100};
  SummaryOptions o;
  o.calibration_end = 9 * d + 1;
  o.holdout_end = 12 * d;
  o.period = TimeUnit::Day();
  o.unit = TimeUnit::Day();
  auto s = Summarize(c, t, a, o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 2u);  // customer 2 buys only in the holdout
  EXPECT_EQ(s->customer[0], 0u);
  EXPECT_EQ(s->x[0], 1);
  EXPECT_EQ(s->t_x[0], 2);
  EXPECT_EQ(s->T[0], 9);
  EXPECT_EQ(s->monetary[0], 10);  // day 2: 7 + 3
  EXPECT_EQ(s->holdout_x[0], 1);
  EXPECT_EQ(s->holdout_spend[0], 100);
  EXPECT_EQ(s->x[1], 0);
  EXPECT_EQ(s->T[1], 4);
  EXPECT_EQ(s->monetary[1], 0);
  EXPECT_EQ(s->holdout_length, 3);
}

TEST(SummaryTest, RejectsBadInput) {
  std::vector<uint32_t> c = {0};
  std::vector<int64_t> t = {0};
  std::vector<double> a = {NAN};
  SummaryOptions o;
  EXPECT_FALSE(Summarize(c, t, a, o).ok());
  a[0] = 1;
  o.period = TimeUnit::Seconds(0);
  EXPECT_FALSE(Summarize(c, t, a, o).ok());
  o.period = TimeUnit::Day();
  o.holdout_end = -1;
  EXPECT_FALSE(Summarize(c, t, a, o).ok());
  EXPECT_FALSE(Summarize(c, {}, a, SummaryOptions{}).ok());
  // Sparse indices would need a state per index: refused, not allocated.
  o.holdout_end.reset();
  std::vector<uint32_t> sparse = {4000000000u};
  EXPECT_EQ(Summarize(sparse, t, a, o).status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<int64_t> far = {INT64_MIN};
  EXPECT_EQ(Summarize(c, far, a, o).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SummaryTest, NamedUnits) {
  EXPECT_EQ(TimeUnit::Week().seconds, 604800);
  EXPECT_EQ(TimeUnit::Month().seconds * 12, TimeUnit::Year().seconds);
  EXPECT_EQ(TimeUnit::Year().seconds, 36525 * 864);
}

}  // namespace
}  // namespace mitra::value
