#include "mitra/value/rfm.h"

#include <set>

#include "gtest/gtest.h"

namespace mitra::value {
namespace {

TEST(RfmTest, QuantileScoresWithoutTies) {
  std::vector<double> v;
  for (int i = 0; i < 10; ++i) v.push_back(i);
  std::vector<uint8_t> s(10);
  ASSERT_TRUE(QuantileScores(v, true, 5, absl::MakeSpan(s)).ok());
  EXPECT_EQ(s, (std::vector<uint8_t>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}));
  ASSERT_TRUE(QuantileScores(v, false, 5, absl::MakeSpan(s)).ok());
  EXPECT_EQ(s, (std::vector<uint8_t>{5, 5, 4, 4, 3, 3, 2, 2, 1, 1}));
}

// Ties share the score of their lowest rank: 6 of 10 at 0 -> 1; the next
// value has 6 strictly below -> 1 + floor(5 * 6 / 10) = 4.
TEST(RfmTest, TiesShareTheScore) {
  const std::vector<double> v = {0, 0, 0, 0, 0, 0, 1, 1, 2, 7};
  std::vector<uint8_t> s(10);
  ASSERT_TRUE(QuantileScores(v, true, 5, absl::MakeSpan(s)).ok());
  EXPECT_EQ(s, (std::vector<uint8_t>{1, 1, 1, 1, 1, 1, 4, 4, 5, 5}));
}

TEST(RfmTest, DefaultRulesCoverEveryPairOnce) {
  const auto rules = DefaultSegmentRules();
  std::set<std::string> names;
  for (const auto& r : rules) names.insert(r.name);
  for (const char* want :
       {"champions", "loyal", "potential_loyalist", "at_risk", "hibernating", "lost"}) {
    EXPECT_TRUE(names.count(want)) << want;
  }
  RfmScores s;
  for (uint8_t r = 1; r <= 5; ++r)
    for (uint8_t f = 1; f <= 5; ++f) {
      s.r.push_back(r);
      s.f.push_back(f);
      s.m.push_back(3);
    }
  auto seg = AssignSegments(s, rules);
  ASSERT_TRUE(seg.ok());
  for (size_t i = 0; i < seg->size(); ++i) {
    ASSERT_LT((*seg)[i], rules.size()) << int(s.r[i]) << int(s.f[i]);
    int matches = 0;  // besides lost/hibernating (lost is first by design)
    for (const auto& q : rules) {
      matches += s.r[i] >= q.r_min && s.r[i] <= q.r_max && s.f[i] >= q.f_min && s.f[i] <= q.f_max;
    }
    EXPECT_EQ(matches, (s.r[i] == 1 && s.f[i] <= 2) ? 2 : 1);
  }
  EXPECT_EQ(rules[(*seg)[24]].name, "champions");   // R5 F5
  EXPECT_EQ(rules[(*seg)[0]].name, "lost");         // R1 F1
  EXPECT_EQ(rules[(*seg)[5]].name, "hibernating");  // R2 F1
  EXPECT_EQ(rules[(*seg)[2]].name, "at_risk");      // R1 F3
}

TEST(RfmTest, ScoreRfmAndCustomRules) {
  const std::vector<double> age = {1, 30, 2, 60}, freq = {5, 0, 3, 1}, mon = {20, 0, 50, 10};
  auto s = ScoreRfm(age, freq, mon, 4);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->r, (std::vector<uint8_t>{4, 2, 3, 1}));
  EXPECT_EQ(s->f, (std::vector<uint8_t>{4, 1, 3, 2}));
  EXPECT_EQ(s->m, (std::vector<uint8_t>{3, 1, 4, 2}));
  const std::vector<SegmentRule> rules = {{"big", 1, 5, 1, 5, 4, 4}, {"recent", 3, 5, 1, 5, 1, 5}};
  auto seg = AssignSegments(*s, rules);
  ASSERT_TRUE(seg.ok());
  EXPECT_EQ(*seg, (std::vector<uint16_t>{1, 2, 0, 2}));
  EXPECT_FALSE(ScoreRfm(age, freq, {}, 5).ok());
  EXPECT_FALSE(ScoreRfm(age, freq, mon, 1).ok());
}

}  // namespace
}  // namespace mitra::value
