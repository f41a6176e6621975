#include "mitra/value/rfm.h"

#include <map>
#include <random>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/v1/value.pb.h"
#include "mitra/value/messages.h"

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

// The score's definition, by brute force: 1 + floor(bins * below / n) with
// below the customers of `population` with a strictly worse value.
uint8_t BruteScore(double v, const std::vector<double>& population, bool higher_is_better,
                   int bins) {
  size_t below = 0;
  for (double u : population) below += higher_is_better ? u < v : u > v;
  return static_cast<uint8_t>(1 + bins * below / population.size());
}

// A population with many ties (values on a coarse grid), as summaries have.
std::vector<double> TiedValues(size_t n, int levels, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> level(0, levels - 1);
  std::vector<double> v(n);
  for (double& x : v) x = 0.5 * level(rng) - 3;
  return v;
}

TEST(RfmTest, CountValuesIsTheDistinctValuesWithTheirCounts) {
  auto c = CountValues({3, -0.0, 1, 3, 0.0, 3});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->values, (std::vector<double>{0, 1, 3}));  // -0 and +0 are one value
  EXPECT_EQ(c->counts, (std::vector<uint64_t>{2, 1, 3}));
  EXPECT_FALSE(CountValues({1, NAN}).ok());
}

// Scoring a subset against the whole population's distribution gives each
// of its customers the score she has in the whole (brute force), for either
// direction and several bin counts; the subsets are the parts of a random
// partition, and the reference is the parts' distributions merged.
TEST(RfmTest, SubsetAgainstTheFullReferenceHasTheFullScores) {
  std::mt19937_64 rng(20261207);
  for (int levels : {3, 40, 100000}) {
    const std::vector<double> all = TiedValues(997, levels, rng);
    std::vector<std::vector<double>> parts(7);
    std::uniform_int_distribution<int> part(0, 6);
    for (double v : all) parts[part(rng)].push_back(v);
    // The reference: the parts' distributions merged value by value.
    std::map<double, uint64_t> merged;
    for (const auto& p : parts) {
      auto c = CountValues(p);
      ASSERT_TRUE(c.ok());
      for (size_t k = 0; k < c->values.size(); ++k) merged[c->values[k]] += c->counts[k];
    }
    ValueCounts ref;
    for (const auto& [v, n] : merged) {
      ref.values.push_back(v);
      ref.counts.push_back(n);
    }
    auto whole = CountValues(all);
    ASSERT_TRUE(whole.ok());
    EXPECT_EQ(ref.values, whole->values);
    EXPECT_EQ(ref.counts, whole->counts);
    for (int bins : {2, 5, 7, 100})
      for (bool higher : {true, false}) {
        std::vector<uint8_t> full(all.size());
        ASSERT_TRUE(QuantileScores(all, higher, bins, absl::MakeSpan(full)).ok());
        for (size_t i = 0; i < all.size(); ++i)
          ASSERT_EQ(full[i], BruteScore(all[i], all, higher, bins)) << i;
        for (const auto& p : parts) {
          std::vector<uint8_t> s(p.size());
          ASSERT_TRUE(QuantileScoresAgainst(p, ref, higher, bins, absl::MakeSpan(s)).ok());
          for (size_t i = 0; i < p.size(); ++i)
            ASSERT_EQ(s[i], BruteScore(p[i], all, higher, bins))
                << "levels " << levels << " bins " << bins << " higher " << higher;
        }
      }
  }
}

// A value the reference does not hold ranks by the reference's customers
// strictly worse; one better than all of them gets the top score.
TEST(RfmTest, ValueOutsideTheReference) {
  const ValueCounts ref{{1, 2, 4}, {5, 3, 2}};  // 10 customers
  std::vector<uint8_t> s(4);
  ASSERT_TRUE(QuantileScoresAgainst({0, 3, 5, 2}, ref, true, 5, absl::MakeSpan(s)).ok());
  // below: 0, 8, 10 (all: the top), 5.
  EXPECT_EQ(s, (std::vector<uint8_t>{1, 5, 5, 3}));
  ASSERT_TRUE(QuantileScoresAgainst({0, 3, 5, 2}, ref, false, 5, absl::MakeSpan(s)).ok());
  // Worse is larger: below 10 (all: the top), 2, 0, 2.
  EXPECT_EQ(s, (std::vector<uint8_t>{5, 2, 1, 2}));
}

TEST(RfmTest, ScoreRfmAgainstItsOwnDistributionIsScoreRfm) {
  std::mt19937_64 rng(7);
  const std::vector<double> age = TiedValues(300, 30, rng), freq = TiedValues(300, 8, rng),
                            mon = TiedValues(300, 1000, rng);
  RfmReference ref{*CountValues(age), *CountValues(freq), *CountValues(mon)};
  auto a = ScoreRfm(age, freq, mon, 5);
  auto b = ScoreRfmAgainst(age, freq, mon, ref, 5);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->r, b->r);
  EXPECT_EQ(a->f, b->f);
  EXPECT_EQ(a->m, b->m);
}

TEST(RfmTest, BadReferenceNamesTheField) {
  std::vector<uint8_t> s(1);
  auto err = [&](const ValueCounts& ref) {
    return std::string(QuantileScoresAgainst({1}, ref, true, 5, absl::MakeSpan(s)).message());
  };
  EXPECT_EQ(err({{1, 2}, {1}}), "reference.counts: 1 counts, but values has 2");
  EXPECT_EQ(err({{2, 1}, {1, 1}}),
            "reference.values[1]: 1 after 2; the values must be distinct and ascending");
  EXPECT_EQ(err({{1, 1}, {1, 1}}),
            "reference.values[1]: 1 after 1 (a duplicate); the values must be distinct and "
            "ascending");
  EXPECT_EQ(err({{1, NAN}, {1, 1}}), "reference.values[1]: nan is not finite");
  EXPECT_EQ(err({{1, 2}, {1, 0}}), "reference.counts[1]: must be > 0");
  EXPECT_EQ(err({{1, 2}, {uint64_t{1} << 53, 1}}), "reference.counts: the total exceeds 2^53");
  EXPECT_EQ(err({{}, {}}), "reference: empty, with values to score");
  // Nothing to score against an empty reference is fine.
  EXPECT_TRUE(QuantileScoresAgainst({}, ValueCounts{}, true, 5, absl::Span<uint8_t>()).ok());
}

// The request: the reference's errors name its field; with the reference
// the request's customers are scored against it.
TEST(RfmTest, RequestWithAReference) {
  v1::RfmRequest r;
  for (double v : {1, 2}) {
    r.add_recency_age(v);
    r.add_frequency(v);
    r.add_monetary_value(v);
  }
  v1::RfmResult out;
  auto* ref = r.mutable_reference();
  for (auto* d :
       {ref->mutable_recency_age(), ref->mutable_frequency(), ref->mutable_monetary_value()}) {
    d->add_values(0);
    d->add_values(1);
    d->add_values(2);
    d->add_counts(6);
    d->add_counts(2);
    d->add_counts(2);
  }
  ASSERT_TRUE(Rfm(r, &out).ok());
  // Among 10: 1 has 6 below (F, M: 1 + 5*6/10 = 4), 2 has 8 below (5);
  // recency: 1 has 2 worse (2), 2 has none (1).
  EXPECT_THAT(out.f(), testing::ElementsAre(4, 5));
  EXPECT_THAT(out.m(), testing::ElementsAre(4, 5));
  EXPECT_THAT(out.r(), testing::ElementsAre(2, 1));
  v1::RfmRequest bad = r;
  bad.mutable_reference()->mutable_frequency()->set_counts(1, 0);
  EXPECT_EQ(Rfm(bad, &out).message(), "RfmRequest.reference.frequency.counts[1]: must be > 0");
  bad = r;
  bad.mutable_reference()->mutable_monetary_value()->set_values(2, 0.5);
  EXPECT_EQ(Rfm(bad, &out).message(),
            "RfmRequest.reference.monetary_value.values[2]: 0.5 after 1; the values must be "
            "distinct and ascending");
  bad = r;
  bad.mutable_reference()->mutable_recency_age()->add_counts(1);
  EXPECT_EQ(Rfm(bad, &out).message(),
            "RfmRequest.reference.recency_age.counts: 4 counts, but values has 3");
  bad = r;
  bad.mutable_reference()->clear_frequency();
  EXPECT_EQ(Rfm(bad, &out).message(),
            "RfmRequest.reference.frequency.values: empty: every dimension needs its distribution");
  bad = r;
  bad.mutable_reference()->mutable_recency_age()->set_values(0, NAN);
  EXPECT_EQ(Rfm(bad, &out).message(),
            "RfmRequest.reference.recency_age.values[0]: nan is not finite");
}

}  // namespace
}  // namespace mitra::value
