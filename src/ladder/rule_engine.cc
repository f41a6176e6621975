#include "mitra/ladder/rule_engine.h"

#include <algorithm>
#include <utility>

#include "common/request_errors.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace mitra::ladder {

absl::StatusOr<LevelEvaluation> EvaluateLevels(const Tables& tables, const LadderRules& rules,
                                               const IndicatorInputs& inputs, bool keep_values) {
  if (rules.stages.empty()) return Invalid(rules.names("stages"), "empty (stage 0 is required)");
  LevelEvaluation out;
  out.top = static_cast<uint32_t>(rules.stages.size() - 1);
  size_t longest = 0;
  for (const Stage& s : rules.stages) longest = std::max(longest, s.requirements.size());
  // Codes run up to (top + 1) * stride - 1, below kAllMet.
  if (static_cast<uint64_t>(out.top + 1) * (longest + 1) >= LevelEvaluation::kAllMet)
    return Invalid(rules.names("stages"), absl::StrCat(rules.stages.size(), " levels of up to ", longest,
                                                       " requirements are more than can be evaluated"));
  out.stride = static_cast<uint32_t>(longest + 1);
  out.column.resize(rules.stages.size());
  for (size_t s = 1; s < rules.stages.size(); ++s) {
    for (const StageRequirement& r : rules.stages[s].requirements) {
      auto it = std::find(out.keys.begin(), out.keys.end(), r.key);
      out.column[s].push_back(static_cast<uint32_t>(it - out.keys.begin()));
      if (it == out.keys.end()) out.keys.push_back(r.key);
    }
  }
  const size_t n = tables.customers.ids.size();
  // Column by column, so that at most one is held when values are not
  // kept: each unmet requirement lowers the customer's first-unmet code.
  out.first_unmet.assign(n, LevelEvaluation::kAllMet);
  if (keep_values) out.values.resize(out.keys.size());
  absl::Status st = ForEachIndicator(tables, out.keys, inputs, [&](size_t k,
                                                                   std::vector<double>&& v) {
    for (size_t s = 1; s <= out.top; ++s) {
      const std::vector<StageRequirement>& reqs = rules.stages[s].requirements;
      for (size_t j = 0; j < reqs.size(); ++j) {
        if (out.column[s][j] != k) continue;
        const uint32_t code = static_cast<uint32_t>(s * out.stride + j);
        const double lo = reqs[j].at_least, hi = reqs[j].at_most;
        for (size_t c = 0; c < n; ++c) {
          const double x = v[c];
          const bool met = x >= lo && (hi < 0 || x <= hi);
          if (!met && code < out.first_unmet[c]) out.first_unmet[c] = code;
        }
      }
    }
    if (keep_values) out.values[k] = std::move(v);
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace mitra::ladder
