// One validation per options struct: a C++ caller reads the options' own
// names, a request (converted by src/leaders/messages.cc) reads its own
// paths, from the same check.
#include "mitra/leaders/messages.h"

#include <cmath>
#include <string>

#include "common/invalid_message.h"
#include "gtest/gtest.h"
#include "google/protobuf/text_format.h"
#include "mitra/leaders/community_health.h"
#include "mitra/leaders/leader_score.h"
#include "mitra/leaders/rank_ladder.h"
#include "mitra/leaders/reputation.h"

namespace mitra::leaders {
namespace {

template <typename M>
M Parse(const std::string& text) {
  M m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

using ::mitra::testing::InvalidMessage;

TEST(LeadersValidateOnce, LeaderOptionsAndTheirNestedOptions) {
  const Tables t;
  LeaderOptions o;
  o.damping = NAN;
  EXPECT_EQ(InvalidMessage(FindLeaders(t, o)), "damping: must be in [0, 1), got nan");
  o = {};
  o.reputation.period_days = 0;
  EXPECT_EQ(InvalidMessage(FindLeaders(t, o)), "period_days: must be finite and > 0, got 0");
  o = {};
  o.evidence.positive[3] = -1;  // like
  EXPECT_EQ(InvalidMessage(FindLeaders(t, o)), "positive[3] (like): must be finite and >= 0, got -1");

  // The same checks, through the request's conversion at request.leaders
  // (a workspace activation plan's place for it).
  const FieldPath at("request.leaders");
  auto from = [&](const std::string& text) {
    absl::StatusOr<LeaderOptions> lo = LeaderOptionsFrom(Parse<v1::LeadersRequest>(text), at);
    EXPECT_TRUE(lo.ok()) << lo.status();
    return lo.ok() ? InvalidMessage(FindLeaders(t, *lo)) : std::string();
  };
  EXPECT_EQ(from("damping: nan"), "request.leaders.damping: must be in [0, 1), got nan");
  EXPECT_EQ(from("weights { trust: -1 }"), "request.leaders.weights.trust: must be finite and >= 0, got -1");
  EXPECT_EQ(from("weights { influence: 0 reach: 0 trust: 0 activity: 0 tenure: 0 embeddedness: 0 }"),
            "request.leaders.weights: must have a positive sum");
  EXPECT_EQ(from("graph { half_life_days: -2 }"),
            "request.leaders.graph.half_life_days: must be finite and >= 0 (0: no decay), got -2");
  EXPECT_EQ(from("reputation { forgetting: 2 }"),
            "request.leaders.reputation.forgetting: must be in (0, 1], got 2");
  EXPECT_EQ(from("evidence { positive { kind: INTERACTION_KIND_REPLY weight: 1 } "
                 "positive { kind: INTERACTION_KIND_LIKE weight: -1 } }"),
            "request.leaders.evidence.positive[1].weight: must be finite and >= 0, got -1");
  // What exists on the wire only is the conversion's.
  absl::StatusOr<LeaderOptions> lo =
      LeaderOptionsFrom(Parse<v1::LeadersRequest>("graph { community_id: \"x\" }"), at);
  EXPECT_EQ(InvalidMessage(lo), "request.leaders.graph.community_id: not used here: set request.leaders.community_id");
}

TEST(LeadersValidateOnce, ReputationAndEvidenceOptions) {
  BetaReputationOptions o;
  o.forgetting = 0;
  EXPECT_EQ(InvalidMessage(ComputeBetaReputation(1, {}, o)), "forgetting: must be in (0, 1], got 0");
  absl::StatusOr<BetaReputationOptions> m = ReputationOptionsFrom(
      Parse<v1::BetaReputationOptions>("forgetting: 0"), FieldPath("request.reputation"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(InvalidMessage(ComputeBetaReputation(1, {}, *m)),
            "request.reputation.forgetting: must be in (0, 1], got 0");

  WorkspaceEvidenceOptions e;
  e.negative[10] = NAN;  // flag
  EXPECT_EQ(InvalidMessage(ValidateEvidenceOptions(e)), "negative[10] (flag): must be finite and >= 0, got nan");
  absl::StatusOr<WorkspaceEvidenceOptions> em = EvidenceOptionsFrom(
      Parse<v1::EvidenceWeights>("negative { kind: INTERACTION_KIND_FLAG weight: nan }"),
      FieldPath("request.evidence"));
  ASSERT_TRUE(em.ok()) << em.status();
  EXPECT_EQ(InvalidMessage(ValidateEvidenceOptions(*em)),
            "request.evidence.negative[0].weight: must be finite and >= 0, got nan");
}

TEST(LeadersValidateOnce, RankLadder) {
  const Tables t;
  RankLadder l;
  l.levels.push_back({"zero", {}});
  l.levels.push_back({"", {}});
  EXPECT_EQ(InvalidMessage(AssignRanks(t, l, 100)), "levels[1].name: required");
  EXPECT_EQ(InvalidMessage(CheckRankLadder(l)), "levels[1].name: required");
  l.levels[1].name = "one";
  l.levels[1].requirements.push_back(Require(ActivityMetric::kGiven, 11, 0, 1));
  EXPECT_EQ(InvalidMessage(AssignRanks(t, l, 100)),
            "levels[1].requirements[0].kind: 11 is not an InteractionKind (1..10)");

  auto from = [&](const std::string& text) {
    absl::StatusOr<RankLadder> rl = RankLadderFrom(Parse<v1::RankLadder>(text), FieldPath("request.ladder"));
    EXPECT_TRUE(rl.ok()) << rl.status();
    return rl.ok() ? InvalidMessage(AssignRanks(t, *rl, 100)) : std::string();
  };
  EXPECT_EQ(from("levels { name: \"zero\" } levels { }"), "request.ladder.levels[1].name: required");
  EXPECT_EQ(from(""), "request.ladder.levels: empty (level 0 is required)");
  EXPECT_EQ(from("levels { name: \"zero\" } levels { name: \"one\" requirements { metric: "
                 "ACTIVITY_METRIC_GIVEN kind: INTERACTION_KIND_LIKE at_least: 5 at_most: 2 } }"),
            "request.ladder.levels[1].requirements[0].at_most: 2 is below at_least 5 (the requirement "
            "could never be met)");
  // Said in words both callers know (not the C++ enumerators).
  EXPECT_EQ(from("levels { name: \"zero\" } levels { name: \"one\" requirements { metric: "
                 "ACTIVITY_METRIC_DAYS_ACTIVE kind: INTERACTION_KIND_LIKE } }"),
            "request.ladder.levels[1].requirements[0].kind: must be 0 unless the metric counts "
            "interactions given or received");
  // A negative at_most means "no bound" in C++: a given one is refused.
  absl::StatusOr<RankLadder> rl = RankLadderFrom(
      Parse<v1::RankLadder>("levels { name: \"zero\" } levels { name: \"one\" requirements { metric: "
                            "ACTIVITY_METRIC_DAYS_ACTIVE at_most: -1 } }"),
      FieldPath("request.ladder"));
  EXPECT_EQ(InvalidMessage(rl), "request.ladder.levels[1].requirements[0].at_most: must be >= 0 when given, got -1");
}

TEST(LeadersValidateOnce, HealthOptions) {
  const Tables t;
  HealthOptions o;
  o.top_fraction = 1.5;
  EXPECT_EQ(InvalidMessage(ComputeHealth(t, o)), "top_fraction: must be in (0, 1], got 1.5");
  o = {};
  o.periods = 0;
  EXPECT_EQ(InvalidMessage(ComputeHealth(t, o)), "periods: must be 1..1000, got 0");
  o = {};
  o.as_of = kNoTime;
  EXPECT_EQ(InvalidMessage(ComputeHealth(t, o)),
            "as_of: not given, and the workspace has no memberships or interactions to take it from");

  auto from = [&](const std::string& text) {
    absl::StatusOr<HealthOptions> h = HealthOptionsFrom(Parse<v1::HealthRequest>(text));
    EXPECT_TRUE(h.ok()) << h.status();
    return h.ok() ? InvalidMessage(ComputeHealth(t, *h)) : std::string();
  };
  EXPECT_EQ(from("top_fraction: 1.5"), "request.top_fraction: must be in (0, 1], got 1.5");
  EXPECT_EQ(from("periods: 0"), "request.periods: must be 1..1000, got 0");
  EXPECT_EQ(from("period_days: 1e6"), "request.period_days: must be at most 1e5, got 1e+06");
  EXPECT_EQ(from(""),
            "request.as_of_unix_seconds: not given, and the workspace has no memberships or "
            "interactions to take it from");
}

}  // namespace
}  // namespace mitra::leaders
