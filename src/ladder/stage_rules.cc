#include "mitra/ladder/stage_rules.h"

#include <cmath>
#include <utility>

#include "common/request_errors.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "mitra/core/text_checks.h"
#include "mitra/ladder/rule_engine.h"

namespace mitra::ladder {
namespace {

constexpr size_t kMaxStages = 64;
constexpr size_t kMaxRequirements = 100;

}  // namespace

const char* PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kTransactional: return "transactional";
    case Phase::kRelationship: return "relationship";
    case Phase::kCollaborative: return "collaborative";
  }
  return "unknown";
}

std::string RequirementLabel(const StageRequirement& r) {
  const std::string key = KeyLabel(r.key);
  if (r.at_most < 0) return absl::StrCat(key, " >= ", r.at_least);
  if (r.at_least <= 0) return absl::StrCat(key, " <= ", r.at_most);
  return absl::StrCat(key, " in [", r.at_least, ", ", r.at_most, "]");
}

LadderRules DefaultLadderRules() {
  using I = Indicator;
  LadderRules r;
  r.stages.push_back({"prospect", Phase::kTransactional, {}});
  // Bought once (Payne et al.'s "customer").
  r.stages.push_back({"customer", Phase::kTransactional, {Require(I::kPurchases, 0, 1)}});
  // Bought on two separate days and is still buying: a purchase in the last
  // year (a lapsed repeat buyer falls back to "customer"). The essay's
  // relationship phase starts here (Payne et al.'s "client").
  r.stages.push_back({"repeat customer", Phase::kRelationship,
                      {Require(I::kPurchaseDays, 0, 2), Require(I::kPurchases, 365, 1)}});
  // A current community member who took part on at least 6 distinct days of
  // the last 90 (about every other week): the emotional, social bond.
  r.stages.push_back({"engaged member", Phase::kRelationship,
                      {Require(I::kCommunities, 0, 1), Require(I::kDaysActive, 90, 6)}});
  // Recommended the brand to someone in the last year (Payne et al.'s
  // "advocate"): an external employee who brings customers.
  r.stages.push_back({"advocate", Phase::kCollaborative, {Require(I::kReferrals, 365, 1)}});
  // Took part in at least two co-creation programs (trials with feedback)
  // in the last two years: the essay's collaborator, who helps decide what
  // the company makes (Payne et al.'s "partner").
  r.stages.push_back({"collaborator", Phase::kCollaborative, {Require(I::kPrograms, 730, 2)}});
  return r;
}

absl::Status ValidateLadderRules(const LadderRules& rules) {
  if (rules.stages.empty()) return Invalid(rules.names("stages"), "empty (stage 0 is required)");
  if (rules.stages.size() > kMaxStages)
    return Invalid(rules.names("stages"), absl::StrCat("more than ", kMaxStages, " stages"));
  for (size_t s = 0; s < rules.stages.size(); ++s) {
    const Stage& st = rules.stages[s];
    const std::string at = rules.names(absl::StrCat("stages[", s, "]"));
    if (st.name.empty()) return Invalid(at + ".name", "required");
    for (size_t o = 0; o < s; ++o)
      if (rules.stages[o].name == st.name)
        return Invalid(at + ".name", absl::StrCat(Quote(st.name), " is also stages[", o, "]"));
    const int phase = static_cast<int>(st.phase);
    if (phase < 1 || phase > 3)
      return Invalid(at + ".phase", absl::StrCat(phase, " is not a LadderPhase (1..3)"));
    if (s > 0 && phase < static_cast<int>(rules.stages[s - 1].phase))
      return Invalid(at + ".phase", "phases must not go down the ladder");
    if (s == 0 && !st.requirements.empty())
      return Invalid(at + ".requirements", "stage 0 is held by everyone: no requirements");
    if (st.requirements.size() > kMaxRequirements)
      return Invalid(at + ".requirements",
                     absl::StrCat("more than ", kMaxRequirements, " requirements"));
    for (size_t j = 0; j < st.requirements.size(); ++j) {
      const std::string rat = absl::StrCat(at, ".requirements[", j, "]");
      if (absl::Status st2 = ValidateRequirement(st.requirements[j], rat); !st2.ok()) return st2;
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRequirement(const StageRequirement& r, const std::string& where) {
  if (absl::Status s = ValidateKey(r.key, where); !s.ok()) return s;
  if (!std::isfinite(r.at_least)) return Invalid(where + ".at_least", "must be finite");
  if (!std::isfinite(r.at_most))
    return Invalid(where + ".at_most", "must be finite (negative: no bound)");
  if (r.at_most >= 0 && r.at_most < r.at_least)
    return Invalid(where + ".at_most", absl::StrCat(r.at_most, " is below at_least ", r.at_least,
                                                    " (the requirement could never be met)"));
  return absl::OkStatus();
}

absl::Status CheckStageInputs(const LadderRules& rules, const IndicatorInputs& inputs) {
  if (absl::Status s = ValidateLadderRules(rules); !s.ok()) return s;
  return CheckIndicatorInputs(inputs);
}

absl::StatusOr<StageAssignment> AssignStages(const Tables& tables, const LadderRules& rules,
                                             const IndicatorInputs& inputs, bool keep_values) {
  if (absl::Status s = CheckStageInputs(rules, inputs); !s.ok()) return s;
  return AssignCheckedStages(tables, rules, inputs, keep_values);
}

absl::StatusOr<StageAssignment> AssignCheckedStages(const Tables& tables, const LadderRules& rules,
                                                    const IndicatorInputs& inputs, bool keep_values) {
  absl::StatusOr<LevelEvaluation> e = EvaluateLevels(tables, rules, inputs, keep_values);
  if (!e.ok()) return e.status();
  StageAssignment out;
  out.as_of = inputs.as_of;
  out.keys = std::move(e->keys);
  out.column = std::move(e->column);
  out.values = std::move(e->values);
  const size_t n = tables.customers.ids.size();
  if (!inputs.counted.empty() && inputs.counted.size() != n)
    return absl::InvalidArgumentError(absl::StrCat("counted: ", inputs.counted.size(),
                                                    " entries, but the workspace has ", n,
                                                    " customers"));
  // Known: created before as_of, else first seen (any dated event) before it;
  // the scan of every table is skipped when the creation times settle it.
  const std::vector<int64_t>& created = tables.customers.created;
  bool settled = created.size() == n;
  for (size_t c = 0; c < n && settled; ++c) settled = created[c] != kNoTime && created[c] < inputs.as_of;
  const std::vector<int64_t> first_seen = settled ? created : FirstSeen(tables);
  out.stage.resize(n);
  out.next_unmet.resize(n);
  out.known.resize(n);
  out.counts.assign(rules.stages.size(), 0);
  for (Index c = 0; c < n; ++c) {
    out.stage[c] = static_cast<uint8_t>(e->Level(c));
    out.next_unmet[c] = static_cast<int16_t>(e->NextUnmet(c));
    out.known[c] = (inputs.counted.empty() || inputs.counted[c]) &&
                   (first_seen[c] == kNoTime || first_seen[c] < inputs.as_of);
    if (out.known[c]) ++out.counts[out.stage[c]];
  }
  return out;
}

}  // namespace mitra::ladder
