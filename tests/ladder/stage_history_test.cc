// Period ends and stage history (funnel counts, entries, transitions) on
// hand-built customers.
#include "mitra/ladder/stage_history.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ladder/ladder_tables.h"
#include "mitra/core/time_format.h"

namespace mitra::ladder {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using I = Indicator;
constexpr int64_t D = testing::kDay;

int64_t T(const char* text) { return ParseTime(text).value(); }

TEST(PeriodEndsTest, CalendarMonthsClampTheDay) {
  HistoryOptions o;
  o.periods = 4;
  // From 2025-03-31: Feb has 28 days, then back to the 31st.
  auto e = PeriodEnds(T("2025-03-31T12:00:00Z"), o);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(*e, ElementsAre(T("2024-12-31T12:00:00Z"), T("2025-01-31T12:00:00Z"),
                              T("2025-02-28T12:00:00Z"), T("2025-03-31T12:00:00Z")));
  // Across a year and a leap February.
  o.periods = 3;
  e = PeriodEnds(T("2024-03-30"), o);
  ASSERT_TRUE(e.ok());
  EXPECT_THAT(*e, ElementsAre(T("2024-01-30"), T("2024-02-29"), T("2024-03-30")));
  e = PeriodEnds(T("2026-01-01"), o);
  ASSERT_TRUE(e.ok());
  EXPECT_THAT(*e, ElementsAre(T("2025-11-01"), T("2025-12-01"), T("2026-01-01")));
  // Before 1970.
  e = PeriodEnds(T("1969-01-15"), o);
  ASSERT_TRUE(e.ok());
  EXPECT_THAT(*e, ElementsAre(T("1968-11-15"), T("1968-12-15"), T("1969-01-15")));
}

TEST(PeriodEndsTest, FixedDays) {
  HistoryOptions o;
  o.periods = 3;
  o.period_days = 7;
  auto e = PeriodEnds(100 * D, o);
  ASSERT_TRUE(e.ok());
  EXPECT_THAT(*e, ElementsAre(86 * D, 93 * D, 100 * D));
  o.period_days = 0.5;
  e = PeriodEnds(100 * D, o);
  ASSERT_TRUE(e.ok());
  EXPECT_THAT(*e, ElementsAre(99 * D, 99 * D + D / 2, 100 * D));
}

TEST(PeriodEndsTest, BadOptions) {
  HistoryOptions o;
  o.periods = 0;
  EXPECT_THAT(PeriodEnds(0, o).status().message(), HasSubstr("periods: must be 1..1000"));
  o.periods = 2;
  o.period_days = -1;
  EXPECT_THAT(PeriodEnds(0, o).status().message(), HasSubstr("period_days"));
  o.period_days = 0;
  EXPECT_THAT(PeriodEnds(T("1900-01-15"), o).status().message(), HasSubstr("before 1900"));
  EXPECT_THAT(PeriodEnds(kNoTime, o).status().message(), HasSubstr("as_of"));
  // The same check in a request's terms.
  o.names = FieldPath("request");
  o.names.Rename("periods", "request.history_periods");
  o.periods = 0;
  EXPECT_EQ(PeriodEnds(0, o).status().message(), "request.history_periods: must be 1..1000, got 0");
}

// 0 none; 1 buyer: purchases >= 1; 2 regular: purchases in 10 days >= 2.
LadderRules Rules() {
  LadderRules r;
  r.stages.push_back({"none", Phase::kTransactional, {}});
  r.stages.push_back({"buyer", Phase::kTransactional, {Require(I::kPurchases, 0, 1)}});
  r.stages.push_back({"regular", Phase::kRelationship, {Require(I::kPurchases, 10, 2)}});
  return r;
}

TEST(StageHistoryTest, CountsEntriesAndTransitions) {
  // Period ends 10 D, 20 D, 30 D.
  Tables t;
  testing::AddCustomers(t, 4);
  t.customers.created = {0, 0, 15 * D, 25 * D};
  // a: buyer at 10 D; two purchases in [10 D, 20 D): regular at 20 D; none
  // in [20 D, 30 D): back to buyer at 30 D.
  testing::Buy(t, 0, 5 * D, 1);
  testing::Buy(t, 0, 12 * D, 1);
  testing::Buy(t, 0, 15 * D, 1);
  // c: known from 15 D (created); one purchase by 20 D: buyer; two in
  // [20 D, 30 D): regular at 30 D.
  testing::Buy(t, 2, 16 * D, 1);
  testing::Buy(t, 2, 21 * D, 1);
  testing::Buy(t, 2, 22 * D, 1);
  // b: never buys (none throughout). d: known at 25 D, never buys.
  IndicatorInputs in;
  const std::vector<int64_t> ends = {10 * D, 20 * D, 30 * D};
  auto h = ComputeStageHistory(t, Rules(), in, ends);
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->size(), 3u);
  const StagePeriod &p0 = (*h)[0], &p1 = (*h)[1], &p2 = (*h)[2];
  // At 10 D: known a (buyer), b (none); c, d not yet known.
  EXPECT_EQ(p0.end, 10 * D);
  EXPECT_THAT(p0.counts, ElementsAre(1, 1, 0));
  EXPECT_TRUE(p0.entered.empty());
  EXPECT_TRUE(p0.transitions.empty());
  // At 20 D: a regular (12 D, 15 D), b none, c buyer (entered).
  EXPECT_THAT(p1.counts, ElementsAre(1, 1, 1));
  EXPECT_THAT(p1.entered, ElementsAre(0, 1, 0));
  // Transitions from 10 D: b none -> none; a buyer -> regular.
  EXPECT_THAT(p1.transitions, ElementsAre(1, 0, 0,   // from none
                                          0, 0, 1,   // from buyer
                                          0, 0, 0)); // from regular
  // At 30 D: a buyer (no purchase in [20 D, 30 D)), b none, c regular, d
  // none (entered).
  EXPECT_THAT(p2.counts, ElementsAre(2, 1, 1));
  EXPECT_THAT(p2.entered, ElementsAre(1, 0, 0));
  EXPECT_THAT(p2.transitions, ElementsAre(1, 0, 0,
                                          0, 0, 1,   // c buyer -> regular
                                          0, 1, 0)); // a regular -> buyer
}

TEST(StageHistoryTest, PrepareSuppliesScoresPerEnd) {
  Tables t;
  testing::AddCustomers(t, 2);
  LadderRules r;
  r.stages.push_back({"low", Phase::kTransactional, {}});
  r.stages.push_back({"alive", Phase::kRelationship, {Require(I::kPAlive, 0, 0.5)}});
  std::vector<double> scores(2);
  std::vector<int64_t> seen;
  auto prepare = [&](int64_t end, IndicatorInputs* in) -> absl::Status {
    seen.push_back(end);
    // Customer 0 alive only at the second end, customer 1 at both.
    scores = {end == 2 * D ? 0.9 : 0.1, 0.7};
    in->p_alive = scores;
    return absl::OkStatus();
  };
  const std::vector<int64_t> ends = {D, 2 * D};
  auto h = ComputeStageHistory(t, r, IndicatorInputs{}, ends, prepare);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_THAT(seen, ElementsAre(D, 2 * D));
  EXPECT_THAT((*h)[0].counts, ElementsAre(1, 1));
  EXPECT_THAT((*h)[1].counts, ElementsAre(0, 2));
  EXPECT_THAT((*h)[1].transitions, ElementsAre(0, 1, 0, 1));
  // Given the assignment at the last end, the history uses it: prepare is
  // not called for that end, and the periods come out the same (the
  // transitions into it included).
  IndicatorInputs last_in;
  last_in.as_of = 2 * D;
  ASSERT_TRUE(prepare(2 * D, &last_in).ok());
  auto last = AssignStages(t, r, last_in, /*keep_values=*/true);
  ASSERT_TRUE(last.ok()) << last.status();
  seen.clear();
  auto reused = ComputeStageHistory(t, r, IndicatorInputs{}, ends, prepare, &*last);
  ASSERT_TRUE(reused.ok()) << reused.status();
  EXPECT_THAT(seen, ElementsAre(D));
  ASSERT_EQ(reused->size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ((*reused)[k].counts, (*h)[k].counts) << k;
    EXPECT_EQ((*reused)[k].entered, (*h)[k].entered) << k;
    EXPECT_EQ((*reused)[k].transitions, (*h)[k].transitions) << k;
  }
  // A failing prepare stops the history with its error.
  auto fail = [](int64_t, IndicatorInputs*) { return absl::FailedPreconditionError("no model"); };
  EXPECT_EQ(ComputeStageHistory(t, r, IndicatorInputs{}, ends, fail).status().message(), "no model");
  // Ends must ascend.
  const std::vector<int64_t> bad = {2 * D, D};
  EXPECT_THAT(ComputeStageHistory(t, r, IndicatorInputs{}, bad, prepare).status().message(),
              HasSubstr("ends[1]: not after ends[0]"));
}

}  // namespace
}  // namespace mitra::ladder
