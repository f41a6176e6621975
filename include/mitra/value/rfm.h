// RFM: quantile scores 1-5 for recency, frequency and monetary value, and
// named segments from a rule table on the scores.
//
// Scores (ties): a value's score is 1 + floor(bins * below / n), where
// `below` counts the customers with a strictly worse value. Equal values
// always get equal scores, the worst value always gets 1, and a score k
// means that at least (k-1)/bins of the customers are strictly worse. When
// a value is shared by many customers, scores are skipped rather than
// split arbitrarily (e.g. with 60% at x = 0 the next x gets 4).
// The scores rank against the whole population given; ScoreRfmAgainst
// ranks some customers against a reference population instead (the
// distinct values and their counts of, e.g., every partition merged).
// Recency is better when the time since the last purchase (T - t_x) is
// smaller; frequency and monetary value are better when larger.
#ifndef MITRA_VALUE_RFM_H_
#define MITRA_VALUE_RFM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace mitra::value {

// Scores 1..bins (bins in [2, 100]) into `out`, each value ranked among
// `values` themselves.
absl::Status QuantileScores(absl::Span<const double> values, bool higher_is_better, int bins,
                            absl::Span<uint8_t> out);

// A population's distribution of one value: its distinct values, strictly
// ascending, and how many customers hold each (> 0). Exact: one entry per
// distinct value, so it is as long as the population has distinct values.
struct ValueCounts {
  std::vector<double> values;
  std::vector<uint64_t> counts;
};

// The distribution of `values` (INVALID_ARGUMENT for one not finite).
absl::StatusOr<ValueCounts> CountValues(absl::Span<const double> values);

// INVALID_ARGUMENT naming `where` and the field ("where.values[3]: ...")
// unless values and counts have the same length, values are finite and
// strictly ascending, counts are > 0 and their total is below 2^53.
absl::Status CheckValueCounts(const ValueCounts& reference, const std::string& where);

// Scores 1..bins of `values` ranked against a reference population (checked
// with CheckValueCounts): 1 + floor(bins * below / n), below = the
// reference's customers with a strictly worse value, n = its total. With
// the distribution of `values` themselves as the reference this is
// QuantileScores; with the whole population's, a subset of it gets the
// scores it has in the whole. A value the reference does not hold is
// ranked the same way, and gets `bins` when better than every reference
// customer. INVALID_ARGUMENT for a value not finite or an empty
// reference with values to score.
absl::Status QuantileScoresAgainst(absl::Span<const double> values, const ValueCounts& reference,
                                   bool higher_is_better, int bins, absl::Span<uint8_t> out);

struct RfmScores {
  std::vector<uint8_t> r, f, m;
};

// recency_age = T - t_x (time since the last purchase), frequency = x,
// monetary = mean spend (or any value per customer).
absl::StatusOr<RfmScores> ScoreRfm(absl::Span<const double> recency_age,
                                   absl::Span<const double> frequency,
                                   absl::Span<const double> monetary, int bins = 5);

// The reference population of each dimension (ScoreRfmAgainst).
struct RfmReference {
  ValueCounts recency_age, frequency, monetary;
};

// ScoreRfm against a reference population instead of the customers given.
absl::StatusOr<RfmScores> ScoreRfmAgainst(absl::Span<const double> recency_age,
                                          absl::Span<const double> frequency,
                                          absl::Span<const double> monetary,
                                          const RfmReference& reference, int bins = 5);

// A segment: the scores it covers, inclusive. The first matching rule wins.
struct SegmentRule {
  std::string name;
  uint8_t r_min = 1, r_max = 5, f_min = 1, f_max = 5, m_min = 1, m_max = 5;
};

// The common R x F map (monetary unrestricted), in match order:
//   lost               R 1     F 1-2
//   hibernating        R 1-2   F 1-2
//   at_risk            R 1-2   F 3-4
//   cannot_lose_them   R 1-2   F 5
//   about_to_sleep     R 3     F 1-2
//   need_attention     R 3     F 3
//   loyal              R 3-4   F 4-5
//   promising          R 4     F 1
//   new_customers      R 5     F 1
//   potential_loyalist R 4-5   F 2-3
//   champions          R 5     F 4-5
// Every one of the 25 (R, F) pairs falls in exactly one segment.
std::vector<SegmentRule> DefaultSegmentRules();

// Index of the first matching rule per customer; rules.size() when none
// matches. INVALID_ARGUMENT when the score columns differ in length.
absl::StatusOr<std::vector<uint16_t>> AssignSegments(const RfmScores& scores,
                                                     absl::Span<const SegmentRule> rules);

}  // namespace mitra::value

#endif  // MITRA_VALUE_RFM_H_
