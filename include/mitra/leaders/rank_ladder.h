// Rank ladders (Discourse trust levels, Khoros ranks): ordered levels, each
// a list of requirements over a member's activity counts within a window; a
// member holds the highest level whose requirements, and all lower levels'
// requirements, are met. A rank ladder is a preset of the relationship
// ladder's rule engine (ladder/rule_engine.h): RankLadderRules translates
// it into stage rules over the ladder's indicators, and AssignRanks runs
// them; the counting below is the indicators'.
#ifndef MITRA_LEADERS_RANK_LADDER_H_
#define MITRA_LEADERS_RANK_LADDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"
#include "mitra/ladder/stage_rules.h"

namespace mitra::leaders {

// What a requirement counts, per member, within its window, and the ladder
// indicator (ladder/indicators.h) it reads.
enum class ActivityMetric {
  kGiven,          // interactions of `kind` the member made: interactions_given
  kReceived,       // interactions of `kind` the member received: interactions_received
  kDaysActive,     // distinct UTC days with any interaction made: days_active
  kTenureDays,     // days since the earliest join, else the first interaction made: member_days
  kDistinctPeers,  // distinct members interacted with (either direction): distinct_peers
};

// Counting rules: interactions count once each (weight ignored) and only
// before as_of (exclusive). A window of w days is [as_of - w*86400 s, as_of):
// its start is inclusive, rounded to the second. kDaysActive counts a UTC day
// when the member made an interaction inside the window on that day.
// kTenureDays is fractional, (as_of - first) / 86400 with first the
// earliest join before as_of, else the first interaction made; NaN (never
// met) with neither; it takes window_days = 0. kind must be 1..10 for
// kGiven/kReceived, else 0. at_most >= 0 must not be below at_least. Bad values: INVALID_ARGUMENT
// naming the field, e.g. "ladder.levels[2].requirements[0].kind".
struct Requirement {
  ActivityMetric metric = ActivityMetric::kGiven;
  int kind = 0;             // InteractionKind number, for kGiven/kReceived
  double window_days = 0;   // 0: all time up to as_of
  double at_least = 0;      // met when count >= at_least ...
  double at_most = -1;      // ... and (at_most < 0 or count <= at_most)
};

// A requirement in one line (at_most < 0: no upper bound).
inline Requirement Require(ActivityMetric metric, int kind, double window_days, double at_least,
                           double at_most = -1) {
  Requirement r;
  r.metric = metric;
  r.kind = kind;
  r.window_days = window_days;
  r.at_least = at_least;
  r.at_most = at_most;
  return r;
}

struct RankLevel {
  std::string name;
  std::vector<Requirement> requirements;
};

struct RankLadder {
  std::vector<RankLevel> levels;  // level 0 is held by everyone (no requirements needed)
  // How the caller names the ladder's fields in errors (empty: as here,
  // "levels[1].requirements[0].at_most").
  FieldPath names;
};

// Discourse-style default: 0 new, 1 basic, 2 member, 3 regular (100-day
// window, few flags), 4 leader (docs/LEADERS.md gives the numbers).
// Adapted from Discourse's trust levels (site-setting defaults and the TL3
// rules); reading time, topics entered and posts read are not recorded in
// this schema, so days active stands in for them. Windows in days, 0 = all
// time; "days active" = distinct UTC days with any interaction made.
//   0 new      -
//   1 basic    days active >= 3
//              (Discourse TL1: 5 topics entered, 30 posts read, 10 minutes)
//   2 member   days active >= 15; LIKE given >= 1; LIKE received >= 1;
//              REPLY given >= 3
//              (Discourse TL2: 15 days visited, 1 like given and received,
//              replies in 3 topics)
//   3 regular  over 100 days: days active >= 50; REPLY given >= 10; LIKE
//              given >= 30; LIKE received >= 20; distinct peers >= 5; FLAG
//              received at most 5
//              (Discourse TL3 over 100 days: 50 days visited, replies to 10
//              topics, 30 likes given, 20 received from several users, at
//              most 5 agreed flags; the 0.9 demotion margin and 14-day grace
//              are not modelled: a rank is recomputed from scratch at as_of)
//   4 leader   ENDORSEMENT received >= 3 (all time); over 100 days: REPLY
//              received >= 20, distinct peers >= 15, days active >= 75, FLAG
//              received at most 2; tenure >= 180 days
//              (Discourse TL4 is granted by staff; this asks for the
//              community's own recognition instead)
RankLadder DefaultRankLadder();

struct RankResult {
  std::vector<uint32_t> level;  // per customer
  // per customer, the first unmet requirement of the next level (index into
  // that level's requirements), or -1 at the top level.
  std::vector<int32_t> next_unmet;
  // per customer, the member's value of that requirement (e.g. 12 days
  // active against at_least 15), or NaN at the top level.
  std::vector<double> next_unmet_value;
};

// Over the workspace's customers; community = kNoIndex counts every
// interaction, otherwise only those tagged with the community (and tenure
// from its memberships only). Level 0 must have no requirements. Levels are
// cumulative: a member failing level 1 holds level 0 even when meeting level
// 2. as_of = kNoTime: INVALID_ARGUMENT; community out of range: NOT_FOUND.
// AssignRanks = CheckRankLadder + AssignRanksChecked.
absl::StatusOr<RankResult> AssignRanks(const Tables& tables, const RankLadder& ladder,
                                       int64_t as_of, Index community = kNoIndex);
// The ladder's one validation: INVALID_ARGUMENT naming the field in
// `ladder.names`' terms ("levels[1].name: required",
// "request.ladder.levels[1].name: required"). A caller that must refuse a
// bad ladder before other work calls it first, then AssignRanksChecked.
absl::Status CheckRankLadder(const RankLadder& ladder);
// AssignRanks on a ladder CheckRankLadder accepted (as_of and the community
// are still checked here).
absl::StatusOr<RankResult> AssignRanksChecked(const Tables& tables, const RankLadder& ladder,
                                              int64_t as_of, Index community = kNoIndex);

// The ladder as the relationship ladder's rules, the one translation
// AssignRanks runs: level l is stage l (its name; every phase
// transactional, which the engine does not read), each requirement the
// indicator of its metric (above) with the same kind, window and bounds.
// The rank ladder's own checks are CheckRankLadder's, not ValidateLadderRules's
// (more levels, any names).
ladder::LadderRules RankLadderRules(const RankLadder& ladder);

}  // namespace mitra::leaders

#endif  // MITRA_LEADERS_RANK_LADDER_H_
