// The relationship ladder: ordered stages a customer climbs, from prospect
// to collaborator, grouped into the three phases of the first essay
// (transactional, relationship, collaborative). Each stage lists
// requirements, thresholds over involvement indicators within windows
// (ladder/indicators.h); a customer holds the highest stage whose
// requirements, and those of every lower stage, hold. The rules are
// evaluated by the ladder rule engine (ladder/rule_engine.h), which also
// runs the Discourse-style rank ladders of leaders/rank_ladder.h as a
// preset of these rules.
//
// Evidence: for each customer the indicator value that met each requirement
// of the stages held, and the value of the first unmet requirement of the
// next stage.
#ifndef MITRA_LADDER_STAGE_RULES_H_
#define MITRA_LADDER_STAGE_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"
#include "mitra/ladder/indicators.h"

namespace mitra::ladder {

// The numbers are those of mitra.v1.LadderPhase.
enum class Phase : uint8_t { kTransactional = 1, kRelationship = 2, kCollaborative = 3 };
const char* PhaseName(Phase phase);  // "transactional", ...

// Met when value >= at_least and (at_most < 0 or value <= at_most); a NaN
// value (no purchase, no score) never meets a requirement.
struct StageRequirement {
  IndicatorKey key;
  double at_least = 0;
  double at_most = -1;
};

// A requirement in one line (kind: for interactions_given/received only).
inline StageRequirement Require(Indicator indicator, double window_days, double at_least,
                                double at_most = -1, int kind = 0) {
  StageRequirement r;
  r.key.indicator = indicator;
  r.key.kind = kind;
  r.key.window_days = window_days;
  r.at_least = at_least;
  r.at_most = at_most;
  return r;
}

// "purchase_days >= 2", "purchases in 365 days >= 1", "x in [1, 5]".
std::string RequirementLabel(const StageRequirement& r);

struct Stage {
  std::string name;
  Phase phase = Phase::kTransactional;
  std::vector<StageRequirement> requirements;
};

// Stage 0 is held by every known customer and has no requirements. At most
// 64 stages of at most 100 requirements each.
struct LadderRules {
  std::vector<Stage> stages;
  // How the caller names these rules in errors (empty: as here,
  // "stages[2].name"; a request's "request.rules").
  FieldPath names;
};

// The default ladder (docs/LADDER.md says why each threshold):
//   0 prospect         transactional  -
//   1 customer         transactional  purchases >= 1
//   2 repeat customer  relationship   purchase_days >= 2; purchases in 365 days >= 1
//   3 engaged member   relationship   communities >= 1; days_active in 90 days >= 6
//   4 advocate         collaborative  referrals in 365 days >= 1
//   5 collaborator     collaborative  programs in 730 days >= 2
// After the loyalty ladder of Payne, Christopher, Clark & Peck (prospect,
// customer, client, supporter, advocate, partner) and the first essay's
// phases.
LadderRules DefaultLadderRules();

// The one validation of the rules: INVALID_ARGUMENT naming the field in
// the caller's terms (`names`: "stages[2].requirements[0].at_most",
// "request.rules.stages[2].requirements[0].at_most").
absl::Status ValidateLadderRules(const LadderRules& rules);

// One requirement's key (ValidateKey) and bounds (finite; at_most >= 0 not
// below at_least), as INVALID_ARGUMENT naming `where` and the field
// ("stages[2].requirements[0]" + ".at_most"). ValidateLadderRules and
// the rank ladders' own check use it.
absl::Status ValidateRequirement(const StageRequirement& r, const std::string& where);

struct StageAssignment {
  int64_t as_of = kNoTime;
  std::vector<uint8_t> stage;       // per customer
  // Per customer, the first unmet requirement of stage + 1 (its index in
  // that stage's list), or -1 at the top stage.
  std::vector<int16_t> next_unmet;
  // Per customer, 1 when known at as_of (FirstSeen before as_of, or never
  // dated); the others are counted nowhere.
  std::vector<uint8_t> known;
  std::vector<uint32_t> counts;     // known customers per stage
  // The distinct indicator columns the rules read, and which one each
  // requirement uses: column[stage][requirement] indexes keys.
  std::vector<IndicatorKey> keys;
  std::vector<std::vector<uint32_t>> column;
  // values[key][customer]; empty unless kept (the evidence).
  std::vector<std::vector<double>> values;

  // The value of requirement `req` of `stage` for customer c (kept values).
  double Value(size_t stage, size_t req, Index c) const { return values[column[stage][req]][c]; }
};

// What AssignStages checks before any work: the rules (ValidateLadderRules)
// and the inputs (CheckIndicatorInputs), each named as its `names` says.
absl::Status CheckStageInputs(const LadderRules& rules, const IndicatorInputs& inputs);

// Stages at inputs.as_of. keep_values = false frees each indicator column
// once applied (for history and large runs). Errors: those of
// CheckStageInputs, or of ComputeIndicators.
absl::StatusOr<StageAssignment> AssignStages(const Tables& tables, const LadderRules& rules,
                                             const IndicatorInputs& inputs,
                                             bool keep_values = true);
// The same for rules and inputs already checked with CheckStageInputs (a
// message layer that checks the request before fitting value models; the
// history's periods).
absl::StatusOr<StageAssignment> AssignCheckedStages(const Tables& tables, const LadderRules& rules,
                                                    const IndicatorInputs& inputs,
                                                    bool keep_values = true);

}  // namespace mitra::ladder

#endif  // MITRA_LADDER_STAGE_RULES_H_
