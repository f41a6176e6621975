#include "mitra/value/rfm.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace mitra::value {

namespace {

absl::Status CheckScoreArgs(absl::Span<const double> values, int bins, size_t out_size) {
  if (out_size != values.size()) return absl::InvalidArgumentError("scores: output length differs");
  if (bins < 2 || bins > 100) return absl::InvalidArgumentError("scores: bins must be in [2, 100]");
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return absl::InvalidArgumentError(absl::StrCat("scores: value ", i, " is not finite"));
    }
  }
  return absl::OkStatus();
}

// Below 2^53 customers every count is exact in a double too (the Python
// side and the proto carry them as integers, but callers merge them).
constexpr uint64_t kMaxTotal = uint64_t{1} << 53;

}  // namespace

absl::StatusOr<ValueCounts> CountValues(absl::Span<const double> values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return absl::InvalidArgumentError(absl::StrCat("scores: value ", i, " is not finite"));
    }
  }
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  ValueCounts out;
  for (size_t k = 0; k < sorted.size(); ++k) {
    // == also merges -0 and +0, as the ranking's comparisons do.
    if (k > 0 && sorted[k] == sorted[k - 1]) {
      ++out.counts.back();
    } else {
      out.values.push_back(sorted[k]);
      out.counts.push_back(1);
    }
  }
  return out;
}

absl::Status CheckValueCounts(const ValueCounts& r, const std::string& where) {
  if (r.counts.size() != r.values.size()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ".counts: ", r.counts.size(),
                                                   " counts, but values has ", r.values.size()));
  }
  uint64_t total = 0;
  for (size_t i = 0; i < r.values.size(); ++i) {
    if (!std::isfinite(r.values[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".values[", i, "]: ", r.values[i], " is not finite"));
    }
    if (i > 0 && !(r.values[i] > r.values[i - 1])) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".values[", i, "]: ", r.values[i], " after ", r.values[i - 1],
          r.values[i] == r.values[i - 1] ? " (a duplicate)" : "",
          "; the values must be distinct and ascending"));
    }
    if (r.counts[i] == 0) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".counts[", i, "]: must be > 0"));
    }
    if (r.counts[i] > kMaxTotal - total) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".counts: the total exceeds 2^53"));
    }
    total += r.counts[i];
  }
  return absl::OkStatus();
}

absl::Status QuantileScoresAgainst(absl::Span<const double> values, const ValueCounts& reference,
                                   bool higher_is_better, int bins, absl::Span<uint8_t> out) {
  if (absl::Status s = CheckScoreArgs(values, bins, out.size()); !s.ok()) return s;
  if (absl::Status s = CheckValueCounts(reference, "reference"); !s.ok()) return s;
  const std::vector<double>& ref = reference.values;
  if (!values.empty() && ref.empty()) {
    return absl::InvalidArgumentError("reference: empty, with values to score");
  }
  // cum[k]: the reference's customers holding one of its first k values.
  std::vector<uint64_t> cum(ref.size() + 1, 0);
  for (size_t k = 0; k < ref.size(); ++k) cum[k + 1] = cum[k] + reference.counts[k];
  const uint64_t n = cum.back();
  const uint64_t b = static_cast<uint64_t>(bins);
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    // Worse is smaller (higher is better) or larger (recency age).
    const uint64_t below =
        higher_is_better ? cum[std::lower_bound(ref.begin(), ref.end(), v) - ref.begin()]
                         : n - cum[std::upper_bound(ref.begin(), ref.end(), v) - ref.begin()];
    // below = n only for a value better than every reference customer (one
    // the reference does not hold): the top score.
    out[i] = static_cast<uint8_t>(std::min(b, 1 + b * below / n));
  }
  return absl::OkStatus();
}

absl::Status QuantileScores(absl::Span<const double> values, bool higher_is_better, int bins,
                            absl::Span<uint8_t> out) {
  if (absl::Status s = CheckScoreArgs(values, bins, out.size()); !s.ok()) return s;
  absl::StatusOr<ValueCounts> own = CountValues(values);
  if (!own.ok()) return own.status();
  return QuantileScoresAgainst(values, *own, higher_is_better, bins, out);
}

namespace {

// The three columns scored, each against its own reference (null: the
// column itself).
absl::StatusOr<RfmScores> Score(absl::Span<const double> recency_age,
                                absl::Span<const double> frequency,
                                absl::Span<const double> monetary, const RfmReference* reference,
                                int bins) {
  const size_t n = recency_age.size();
  if (frequency.size() != n || monetary.size() != n) {
    return absl::InvalidArgumentError("RFM: recency, frequency and monetary differ in length");
  }
  RfmScores s;
  s.r.resize(n);
  s.f.resize(n);
  s.m.resize(n);
  auto one = [&](absl::Span<const double> v, const ValueCounts* ref, bool higher_is_better,
                 std::vector<uint8_t>& out) {
    return ref == nullptr ? QuantileScores(v, higher_is_better, bins, absl::MakeSpan(out))
                          : QuantileScoresAgainst(v, *ref, higher_is_better, bins,
                                                  absl::MakeSpan(out));
  };
  if (absl::Status st = one(recency_age, reference ? &reference->recency_age : nullptr, false, s.r);
      !st.ok())
    return st;
  if (absl::Status st = one(frequency, reference ? &reference->frequency : nullptr, true, s.f);
      !st.ok())
    return st;
  if (absl::Status st = one(monetary, reference ? &reference->monetary : nullptr, true, s.m);
      !st.ok())
    return st;
  return s;
}

}  // namespace

absl::StatusOr<RfmScores> ScoreRfm(absl::Span<const double> recency_age,
                                   absl::Span<const double> frequency,
                                   absl::Span<const double> monetary, int bins) {
  return Score(recency_age, frequency, monetary, nullptr, bins);
}

absl::StatusOr<RfmScores> ScoreRfmAgainst(absl::Span<const double> recency_age,
                                          absl::Span<const double> frequency,
                                          absl::Span<const double> monetary,
                                          const RfmReference& reference, int bins) {
  return Score(recency_age, frequency, monetary, &reference, bins);
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
