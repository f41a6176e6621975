#include "mitra/value/rfm.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace mitra::value {

absl::Status QuantileScores(absl::Span<const double> values, bool higher_is_better, int bins,
                            absl::Span<uint8_t> out) {
  const size_t n = values.size();
  if (out.size() != n) return absl::InvalidArgumentError("scores: output length differs");
  if (bins < 2 || bins > 100) return absl::InvalidArgumentError("scores: bins must be in [2, 100]");
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(values[i])) {
      return absl::InvalidArgumentError(absl::StrCat("scores: value ", i, " is not finite"));
    }
  }
  // Order from worst to best; `below` of a run of equal values is its start.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return higher_is_better ? values[a] < values[b] : values[a] > values[b];
  });
  size_t start = 0;
  for (size_t k = 0; k < n; ++k) {
    if (k > 0 && values[order[k]] != values[order[k - 1]]) start = k;
    out[order[k]] = static_cast<uint8_t>(1 + bins * start / n);
  }
  return absl::OkStatus();
}

absl::StatusOr<RfmScores> ScoreRfm(absl::Span<const double> recency_age,
                                   absl::Span<const double> frequency,
                                   absl::Span<const double> monetary, int bins) {
  const size_t n = recency_age.size();
  if (frequency.size() != n || monetary.size() != n) {
    return absl::InvalidArgumentError("RFM: recency, frequency and monetary differ in length");
  }
  RfmScores s;
  s.r.resize(n);
  s.f.resize(n);
  s.m.resize(n);
  if (absl::Status st = QuantileScores(recency_age, false, bins, absl::MakeSpan(s.r)); !st.ok())
    return st;
  if (absl::Status st = QuantileScores(frequency, true, bins, absl::MakeSpan(s.f)); !st.ok())
    return st;
  if (absl::Status st = QuantileScores(monetary, true, bins, absl::MakeSpan(s.m)); !st.ok())
    return st;
  return s;
}

std::vector<SegmentRule> DefaultSegmentRules() {
  return {
      {"lost", 1, 1, 1, 2},           {"hibernating", 1, 2, 1, 2},
      {"at_risk", 1, 2, 3, 4},        {"cannot_lose_them", 1, 2, 5, 5},
      {"about_to_sleep", 3, 3, 1, 2}, {"need_attention", 3, 3, 3, 3},
      {"loyal", 3, 4, 4, 5},          {"promising", 4, 4, 1, 1},
      {"new_customers", 5, 5, 1, 1},  {"potential_loyalist", 4, 5, 2, 3},
      {"champions", 5, 5, 4, 5},
  };
}

absl::StatusOr<std::vector<uint16_t>> AssignSegments(const RfmScores& s,
                                                     absl::Span<const SegmentRule> rules) {
  const size_t n = s.r.size();
  if (s.f.size() != n || s.m.size() != n) {
    return absl::InvalidArgumentError("segments: score columns differ in length");
  }
  if (rules.size() >= 65535) return absl::InvalidArgumentError("segments: too many rules");
  std::vector<uint16_t> out(n, static_cast<uint16_t>(rules.size()));
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < rules.size(); ++k) {
      const SegmentRule& q = rules[k];
      if (s.r[i] >= q.r_min && s.r[i] <= q.r_max && s.f[i] >= q.f_min && s.f[i] <= q.f_max &&
          s.m[i] >= q.m_min && s.m[i] <= q.m_max) {
        out[i] = static_cast<uint16_t>(k);
        break;
      }
    }
  }
  return out;
}

}  // namespace mitra::value
