// The ladder rule engine: ordered levels of requirements, thresholds over
// involvement indicators (ladder/indicators.h); a customer holds the highest
// level whose requirements, and those of every lower level, hold. It runs
// the relationship ladder (AssignStages, ladder/stage_rules.h) and the
// leaders' rank ladders, which are a preset of it (leaders/rank_ladder.h:
// RankLadderRules translates a rank ladder into these rules).
#ifndef MITRA_LADDER_RULE_ENGINE_H_
#define MITRA_LADDER_RULE_ENGINE_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/tables.h"
#include "mitra/ladder/indicators.h"
#include "mitra/ladder/stage_rules.h"

namespace mitra::ladder {

struct LevelEvaluation {
  static constexpr uint32_t kAllMet = std::numeric_limits<uint32_t>::max();
  // The distinct indicator columns the rules read, and which one each
  // requirement uses: column[level][requirement] indexes keys.
  std::vector<IndicatorKey> keys;
  std::vector<std::vector<uint32_t>> column;
  // values[key][customer]; empty unless kept.
  std::vector<std::vector<double>> values;
  uint32_t top = 0;     // the highest level
  uint32_t stride = 1;  // more than any level's number of requirements
  // Per customer, the first unmet requirement as level * stride + its index
  // in that level's list (the lowest level's first), or kAllMet.
  std::vector<uint32_t> first_unmet;

  // The highest level customer c holds.
  uint32_t Level(Index c) const {
    return first_unmet[c] == kAllMet ? top : first_unmet[c] / stride - 1;
  }
  // The first unmet requirement of level Level(c) + 1, or -1 at the top.
  int32_t NextUnmet(Index c) const {
    return first_unmet[c] == kAllMet ? -1 : static_cast<int32_t>(first_unmet[c] % stride);
  }
  // The value of requirement `req` of `level` for customer c (kept values).
  double Value(size_t level, size_t req, Index c) const { return values[column[level][req]][c]; }
};

// Evaluates the rules' levels (their stages; names and phases are not read,
// nor stage 0's requirements) at inputs.as_of. Met: value >= at_least and
// (at_most < 0 or value <= at_most); a NaN value never meets a requirement.
// Indicator columns are computed one at a time; keep_values = false frees
// each once applied. It checks what computing needs (no stage, more
// requirements than the codes hold, and ForEachIndicator's checks); callers
// check their rules in their own terms first (ValidateLadderRules, the rank
// ladders' own names).
absl::StatusOr<LevelEvaluation> EvaluateLevels(const Tables& tables, const LadderRules& rules,
                                               const IndicatorInputs& inputs, bool keep_values);

}  // namespace mitra::ladder

#endif  // MITRA_LADDER_RULE_ENGINE_H_
