// Beta reputation against hand calculations.
#include "mitra/leaders/reputation.h"

#include <cmath>
#include <string>

#include "gtest/gtest.h"

namespace mitra::leaders {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kT = 1'700'000'000;

double BetaStddev(double a, double b) {
  return std::sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
}

TEST(BetaReputationTest, ForgettingByHand) {
  // Target 0: +1 now, +1 one period ago (0.9), -1 two periods ago (0.81),
  // +5 a day after as_of (ignored). Target 1: nothing.
  const std::vector<Evidence> ev = {
      {0, kT, 1, 0}, {0, kT - 30 * kDay, 1, 0}, {0, kT - 60 * kDay, 0, 1}, {0, kT + kDay, 5, 0}};
  BetaReputationOptions o;
  o.as_of = kT;  // forgetting 0.9 per 30 days (defaults)
  auto r = ComputeBetaReputation(2, ev, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ(r->r[0], 1.9);
  EXPECT_DOUBLE_EQ(r->s[0], 0.81);
  EXPECT_DOUBLE_EQ(r->reputation[0], 2.9 / 4.71);
  EXPECT_DOUBLE_EQ(r->stddev[0], BetaStddev(2.9, 1.81));
  EXPECT_DOUBLE_EQ(r->rating[0], (1.9 - 0.81) / 4.71);
  // No evidence: Beta(1, 1), mean 1/2, sd sqrt(1/12), rating 0.
  EXPECT_EQ(r->r[1], 0.0);
  EXPECT_DOUBLE_EQ(r->reputation[1], 0.5);
  EXPECT_DOUBLE_EQ(r->stddev[1], std::sqrt(1.0 / 12));
  EXPECT_EQ(r->rating[1], 0.0);
}

TEST(BetaReputationTest, NoForgettingIsPlainCounts) {
  const std::vector<Evidence> ev = {{0, kT - 400 * kDay, 2, 0}, {0, kT, 1, 1}};
  BetaReputationOptions o;
  o.forgetting = 1;
  auto r = ComputeBetaReputation(1, ev, o);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->reputation[0], 4.0 / 6.0);  // r = 3, s = 1
  EXPECT_DOUBLE_EQ(r->rating[0], 2.0 / 6.0);
}

TEST(BetaReputationTest, FractionalPeriodsAndDefaultAsOf) {
  // as_of = kNoTime: the latest evidence (kT); 15 days = half a period.
  const std::vector<Evidence> ev = {{0, kT - 15 * kDay, 0, 2}, {1, kT, 1, 0}};
  BetaReputationOptions o;
  o.forgetting = 0.5;
  auto r = ComputeBetaReputation(2, ev, o);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->s[0], 2 * std::sqrt(0.5), 1e-15);
  EXPECT_NEAR(r->reputation[0], 1 / (2 + 2 * std::sqrt(0.5)), 1e-15);  // (0 + 1) / (0 + s + 2)
  EXPECT_DOUBLE_EQ(r->reputation[1], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(ForgettingFactor(kT - 60 * kDay, kT, o), 0.25);
}

TEST(BetaReputationTest, BadInput) {
  BetaReputationOptions o;
  auto expect = [](const absl::StatusOr<BetaReputation>& r, const std::string& field) {
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_NE(r.status().message().find(field), std::string::npos) << r.status();
  };
  o.forgetting = 0;
  expect(ComputeBetaReputation(1, {}, o), "forgetting");
  o.forgetting = 1.5;
  expect(ComputeBetaReputation(1, {}, o), "forgetting");
  o.forgetting = NAN;
  expect(ComputeBetaReputation(1, {}, o), "forgetting");
  o = {};
  o.period_days = 0;
  expect(ComputeBetaReputation(1, {}, o), "period_days");
  o = {};
  const std::vector<Evidence> out_of_range = {{0, kT, 1, 0}, {3, kT, 1, 0}};
  expect(ComputeBetaReputation(2, out_of_range, o), "evidence[1].target");
  const std::vector<Evidence> negative = {{0, kT, -1, 0}};
  expect(ComputeBetaReputation(1, negative, o), "evidence[0].positive");
  const std::vector<Evidence> nan = {{0, kT, 0, NAN}};
  expect(ComputeBetaReputation(1, nan, o), "evidence[0].negative");
}

TEST(WorkspaceEvidenceTest, DefaultKindsAndCommunityFilter) {
  Tables t;
  for (int i = 0; i < 3; ++i) t.customers.ids.Add("c" + std::to_string(i));
  auto act = [&](Index from, Index to, EnumValue kind, Index community, double w) {
    auto& i = t.interactions;
    i.from.push_back(from);
    i.to.push_back(to);
    i.kind.push_back(kind);
    i.time.push_back(kT);
    i.community.push_back(community);
    i.weight.push_back(w);
  };
  act(0, 1, 4, 0, 2.0);       // endorsement, weight 2: +2
  act(0, 1, 3, 0, NAN);       // like: +0.25
  act(2, 1, 10, 1, NAN);      // flag: -1
  act(2, 1, 1, 0, NAN);       // reply: no evidence
  act(2, kNoIndex, 7, 0, NAN);  // post: no target
  auto all = WorkspaceEvidence(t, {});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].target, 1u);
  EXPECT_EQ(all[0].positive, 2.0);
  EXPECT_EQ(all[1].positive, 0.25);
  EXPECT_EQ(all[2].negative, 1.0);
  EXPECT_EQ(all[2].positive, 0.0);
  WorkspaceEvidenceOptions o;
  o.community = 0;
  EXPECT_EQ(WorkspaceEvidence(t, o).size(), 2u);
  o.positive[1] = 0.5;  // replies count, and nothing else does
  auto custom = WorkspaceEvidence(t, o);
  ASSERT_EQ(custom.size(), 1u);
  EXPECT_EQ(custom[0].positive, 0.5);
  EXPECT_EQ(DefaultPositiveEvidence()[4], 1.0);
  EXPECT_EQ(DefaultPositiveEvidence()[3], 0.25);
  EXPECT_EQ(DefaultNegativeEvidence()[10], 1.0);
  // The Beta reputation of target 1 from all of it: r = 2.25, s = 1.
  auto r = ComputeBetaReputation(3, all, {});
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->reputation[1], 3.25 / 5.25);
}

}  // namespace
}  // namespace mitra::leaders
