// The rank ladders as a preset of the relationship ladder's rule engine
// (ladder/stage_rules.h): a RankLadder is translated into stage rules over
// the ladder's indicators in one place, RankLadderRules, and evaluated by
// ladder::EvaluateLevels. What stays here is the rank ladder's own
// vocabulary: its limits, its metrics and the names of its fields.
#include "mitra/leaders/rank_ladder.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "mitra/ladder/rule_engine.h"

namespace mitra::leaders {
namespace {

using ladder::Indicator;

constexpr size_t kMaxLevels = 1000;
constexpr int kMinKind = 1;   // INTERACTION_KIND_REPLY
constexpr int kMaxKind = 10;  // INTERACTION_KIND_FLAG

// InteractionKind numbers (proto/mitra/v1/community.proto).
constexpr int kReply = 1, kLike = 3, kEndorsement = 4, kFlag = 10;

// The indicator a metric reads; an unknown metric maps to no indicator (0),
// which the engine rejects.
Indicator IndicatorOf(ActivityMetric metric) {
  switch (metric) {
    case ActivityMetric::kGiven: return Indicator::kInteractionsGiven;
    case ActivityMetric::kReceived: return Indicator::kInteractionsReceived;
    case ActivityMetric::kDaysActive: return Indicator::kDaysActive;
    case ActivityMetric::kTenureDays: return Indicator::kMemberDays;
    case ActivityMetric::kDistinctPeers: return Indicator::kDistinctPeers;
  }
  return static_cast<Indicator>(0);
}

ladder::StageRequirement Translate(const Requirement& r) {
  return ladder::Require(IndicatorOf(r.metric), r.window_days, r.at_least, r.at_most, r.kind);
}

// What the rank ladder asks beyond the engine's own checks, in its terms: a
// known metric, a kind of 1..10 exactly for kGiven/kReceived (the engine's
// 0 = every kind is not a rank ladder's), no window for tenure. The engine
// then checks the window and the bounds under the same field names.
absl::Status ValidateRankRequirement(const Requirement& r, const std::string& where) {
  const int metric = static_cast<int>(r.metric);
  if (metric < static_cast<int>(ActivityMetric::kGiven) ||
      metric > static_cast<int>(ActivityMetric::kDistinctPeers)) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ".metric: ", metric, " is not an ActivityMetric"));
  }
  const bool counts_kind = r.metric == ActivityMetric::kGiven ||
                           r.metric == ActivityMetric::kReceived;
  if (counts_kind && (r.kind < kMinKind || r.kind > kMaxKind)) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ".kind: ", r.kind, " is not an InteractionKind (1..10)"));
  }
  if (!counts_kind && r.kind != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ".kind: must be 0 unless the metric counts interactions given or received"));
  }
  if (r.metric == ActivityMetric::kTenureDays && r.window_days != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ".window_days: must be 0 for the tenure metric"));
  }
  return ladder::ValidateRequirement(Translate(r), where);
}

}  // namespace

ladder::LadderRules RankLadderRules(const RankLadder& ladder) {
  ladder::LadderRules rules;
  rules.stages.reserve(ladder.levels.size());
  for (const RankLevel& level : ladder.levels) {
    ladder::Stage stage;
    stage.name = level.name;
    stage.phase = ladder::Phase::kTransactional;
    stage.requirements.reserve(level.requirements.size());
    for (const Requirement& r : level.requirements) stage.requirements.push_back(Translate(r));
    rules.stages.push_back(std::move(stage));
  }
  return rules;
}

RankLadder DefaultRankLadder() {
  using M = ActivityMetric;
  RankLadder l;
  l.levels.push_back({"new", {}});
  // Discourse TL1 (basic): entered 5 topics, read 30 posts, 10 minutes. No
  // reading is recorded here: coming back on 3 separate days stands for it.
  l.levels.push_back({"basic", {Require(M::kDaysActive, 0, 0, 3)}});
  // Discourse TL2 (member): visited 15 days, 1 like given, 1 received, replied
  // in 3 topics (topics entered / posts read / minutes: not recorded).
  l.levels.push_back({"member",
                      {Require(M::kDaysActive, 0, 0, 15), Require(M::kGiven, kLike, 0, 1),
                       Require(M::kReceived, kLike, 0, 1), Require(M::kGiven, kReply, 0, 3)}});
  // Discourse TL3 (regular), over the last 100 days: visited 50 days, replied
  // to 10 topics, 30 likes given, 20 received, likes spread over several users
  // (here 5 distinct peers), at most 5 agreed flags.
  l.levels.push_back({"regular",
                      {Require(M::kDaysActive, 0, 100, 50), Require(M::kGiven, kReply, 100, 10),
                       Require(M::kGiven, kLike, 100, 30), Require(M::kReceived, kLike, 100, 20),
                       Require(M::kDistinctPeers, 0, 100, 5),
                       Require(M::kReceived, kFlag, 100, 0, 5)}});
  // Discourse TL4 (leader) is granted by staff; here, evidence the community
  // already treats the member as one: endorsed 3 times, replied to 20 times
  // and in touch with 15 peers over 100 days, active 75 of 100 days, 180 days
  // of tenure, at most 2 flags.
  l.levels.push_back({"leader",
                      {Require(M::kReceived, kEndorsement, 0, 3),
                       Require(M::kReceived, kReply, 100, 20),
                       Require(M::kDistinctPeers, 0, 100, 15), Require(M::kDaysActive, 0, 100, 75),
                       Require(M::kTenureDays, 0, 0, 180), Require(M::kReceived, kFlag, 100, 0, 2)}});
  return l;
}

absl::Status CheckRankLadder(const RankLadder& ladder) {
  const std::string levels = ladder.names("levels");
  if (ladder.levels.empty()) return Invalid(levels, "empty (level 0 is required)");
  if (ladder.levels.size() > kMaxLevels) return Invalid(levels, "more than 1000 levels");
  if (!ladder.levels[0].requirements.empty())
    return Invalid(absl::StrCat(levels, "[0].requirements"), "level 0 is held by everyone and takes none");
  for (size_t l = 0; l < ladder.levels.size(); ++l) {
    const std::string level = absl::StrCat(levels, "[", l, "]");
    if (ladder.levels[l].name.empty()) return Invalid(absl::StrCat(level, ".name"), "required");
    const std::vector<Requirement>& reqs = ladder.levels[l].requirements;
    for (size_t j = 0; j < reqs.size(); ++j) {
      if (absl::Status s = ValidateRankRequirement(reqs[j], absl::StrCat(level, ".requirements[", j, "]"));
          !s.ok())
        return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RankResult> AssignRanks(const Tables& tables, const RankLadder& ladder,
                                       int64_t as_of, Index community) {
  if (absl::Status s = CheckRankLadder(ladder); !s.ok()) return s;
  return AssignRanksChecked(tables, ladder, as_of, community);
}

absl::StatusOr<RankResult> AssignRanksChecked(const Tables& tables, const RankLadder& ladder,
                                              int64_t as_of, Index community) {
  if (as_of == kNoTime) return absl::InvalidArgumentError("as_of: must be a time");
  if (absl::Status s = ladder::CheckCommunity(tables, community); !s.ok()) return s;
  ladder::IndicatorInputs inputs;
  inputs.as_of = as_of;
  inputs.community = community;
  absl::StatusOr<ladder::LevelEvaluation> e =
      ladder::EvaluateLevels(tables, RankLadderRules(ladder), inputs, /*keep_values=*/true);
  if (!e.ok()) return e.status();

  const size_t n = tables.customers.ids.size();
  RankResult out;
  out.level.resize(n);
  out.next_unmet.resize(n);
  out.next_unmet_value.resize(n);
  for (Index c = 0; c < n; ++c) {
    const uint32_t level = e->Level(c);
    const int32_t unmet = e->NextUnmet(c);
    out.level[c] = level;
    out.next_unmet[c] = unmet;
    out.next_unmet_value[c] = unmet < 0 ? kNoNumber : e->Value(level + 1, unmet, c);
  }
  return out;
}

}  // namespace mitra::leaders
