#include "mitra/leaders/reputation.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"

namespace mitra::leaders {

namespace {

constexpr double kSecondsPerDay = 86400.0;

bool AllZero(const graph::KindWeights& w) {
  return std::all_of(w.begin(), w.end(), [](double x) { return x == 0; });
}

}  // namespace

absl::Status ValidateBetaReputationOptions(const BetaReputationOptions& o) {
  if (absl::Status s = CheckRange(o.forgetting, o.names("forgetting"),
                                  o.forgetting > 0 && o.forgetting <= 1, "in (0, 1]");
      !s.ok())
    return s;
  return CheckRange(o.period_days, o.names("period_days"), o.period_days > 0, "finite and > 0");
}

double ForgettingFactor(int64_t time, int64_t as_of, const BetaReputationOptions& o) {
  if (as_of != kNoTime && time > as_of) return 0;
  if (o.forgetting == 1 || as_of == kNoTime) return 1;
  const double age_periods = static_cast<double>(as_of - time) / (o.period_days * kSecondsPerDay);
  return std::pow(o.forgetting, age_periods);
}

absl::StatusOr<BetaReputation> ComputeBetaReputation(uint32_t num_targets,
                                                     absl::Span<const Evidence> evidence,
                                                     const BetaReputationOptions& options) {
  if (absl::Status s = ValidateBetaReputationOptions(options); !s.ok()) return s;
  int64_t as_of = options.as_of;
  for (size_t i = 0; i < evidence.size(); ++i) {
    const Evidence& e = evidence[i];
    if (e.target >= num_targets) {
      return absl::InvalidArgumentError(absl::StrCat("evidence[", i, "].target ", e.target,
                                                     " out of range (", num_targets,
                                                     " targets)"));
    }
    if (!std::isfinite(e.positive) || e.positive < 0) {
      return absl::InvalidArgumentError(absl::StrCat("evidence[", i, "].positive ", e.positive,
                                                     " must be finite and >= 0"));
    }
    if (!std::isfinite(e.negative) || e.negative < 0) {
      return absl::InvalidArgumentError(absl::StrCat("evidence[", i, "].negative ", e.negative,
                                                     " must be finite and >= 0"));
    }
    if (options.as_of == kNoTime) as_of = std::max(as_of, e.time);
  }
  BetaReputation out;
  out.r.assign(num_targets, 0.0);
  out.s.assign(num_targets, 0.0);
  for (const Evidence& e : evidence) {
    if (as_of != kNoTime && e.time > as_of) continue;
    const double f = ForgettingFactor(e.time, as_of, options);
    out.r[e.target] += f * e.positive;
    out.s[e.target] += f * e.negative;
  }
  out.reputation.resize(num_targets);
  out.stddev.resize(num_targets);
  out.rating.resize(num_targets);
  for (uint32_t i = 0; i < num_targets; ++i) {
    const double a = out.r[i] + 1, b = out.s[i] + 1, n = a + b;
    out.reputation[i] = a / n;
    out.stddev[i] = std::sqrt(a * b / (n * n * (n + 1)));
    out.rating[i] = (out.r[i] - out.s[i]) / n;
  }
  return out;
}

graph::KindWeights DefaultPositiveEvidence() {
  graph::KindWeights w{};
  w[3] = 0.25;  // like
  w[4] = 1.0;   // endorsement
  return w;
}

graph::KindWeights DefaultNegativeEvidence() {
  graph::KindWeights w{};
  w[10] = 1.0;  // flag
  return w;
}

absl::Status ValidateEvidenceOptions(const WorkspaceEvidenceOptions& o) {
  for (int k = 0; k < graph::kInteractionKinds; ++k) {
    for (int sign = 0; sign < 2; ++sign) {
      const double w = sign == 0 ? o.positive[k] : o.negative[k];
      if (absl::Status s = CheckRange(
              w, o.names(graph::KindOption(sign == 0 ? "positive" : "negative", k)), w >= 0,
              "finite and >= 0");
          !s.ok())
        return s;
    }
  }
  return absl::OkStatus();
}

graph::KindWeights EffectivePositiveEvidence(const WorkspaceEvidenceOptions& o) {
  return AllZero(o.positive) ? DefaultPositiveEvidence() : o.positive;
}

graph::KindWeights EffectiveNegativeEvidence(const WorkspaceEvidenceOptions& o) {
  return AllZero(o.negative) ? DefaultNegativeEvidence() : o.negative;
}

std::vector<Evidence> WorkspaceEvidence(const Tables& tables,
                                        const WorkspaceEvidenceOptions& options) {
  const graph::KindWeights pos = EffectivePositiveEvidence(options);
  const graph::KindWeights neg = EffectiveNegativeEvidence(options);
  const InteractionTable& t = tables.interactions;
  std::vector<Evidence> out;
  for (size_t i = 0; i < t.from.size(); ++i) {
    if (t.to[i] == kNoIndex) continue;
    if (options.community != kNoIndex && t.community[i] != options.community) continue;
    const int kind = t.kind[i];
    if (kind >= graph::kInteractionKinds) continue;
    const double x = std::isnan(t.weight[i]) ? 1.0 : t.weight[i];
    const double p = pos[kind] * x, n = neg[kind] * x;
    if (p == 0 && n == 0) continue;
    out.push_back(Evidence{t.to[i], t.time[i], p, n});
  }
  return out;
}

}  // namespace mitra::leaders
