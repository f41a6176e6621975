// What a co-creation program learned: feedback aggregated per program,
// product and attribute, with honest uncertainty (docs/COCREATION.md).
//
// Feedback rows are grouped by (program, product), the product being the
// row's own product_id or else the program's. Per group and rated attribute:
//   n, mean, sd                  on the program's scale (default 1..5)
//   Bayesian average             v/(v + m) R + m/(v + m) C (IMDb): prior
//                                weight m (default 10 ratings), prior mean
//                                C = the group's grand mean over all its
//                                ratings, unless given
//   positive share, Wilson       a rating is positive ("top box") when it
//                                lies in the top quarter of the scale:
//                                (r - min)/(max - min) >= 0.75, i.e. 4 and 5
//                                on 1..5, 8..10 on 1..10
//   reviewer-corrected mean      each reviewer's offset b_u = sum over their
//                                ratings (anywhere in the workspace) of
//                                (x - item mean) / (lambda + n_u), in units
//                                of the scale range, shrunk towards 0 by
//                                lambda pseudo-ratings (Koren's baseline
//                                predictors, KDD 2008 / TKDD 2010); the item
//                                mean of x - b_u, mapped back to the scale.
//                                Harsh or lenient reviewers who rated only
//                                some items no longer drag those items.
//   shortfall test               against the baseline (below), one-sided,
//                                H0 "mean >= baseline - margin"; p-values of
//                                a group's attributes go through
//                                Benjamini-Hochberg at level q, and the
//                                rejected ones are flagged
//                                significantly_worse.
// Baseline: by default the other attributes of the same answers, as a
// paired test: each answer's d = x_a - mean of its other ratings, one-sample
// t test of mean(d) + margin < 0 (the answer's own mood cancels). With a
// baseline program and/or product: Welch's t test of the attribute against
// the same attribute's ratings in the baseline rows (that program's rows,
// and with a baseline product only that product's rows; a baseline product
// alone means the same program's rows about that product). Differences
// are compared on the 0..1 scale, so programs on different scales compare.
// Per group, NPS from would_recommend (docs/COCREATION.md) with its interval.
#ifndef MITRA_COCREATION_FEEDBACK_H_
#define MITRA_COCREATION_FEEDBACK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/cocreation/stats.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"

namespace mitra::cocreation {

struct FeedbackOptions {
  Index program = kNoIndex;            // kNoIndex: every program
  Index product = kNoIndex;            // kNoIndex: every product
  double prior_weight = 10;            // m, finite >= 0
  double prior_mean = kNoNumber;       // C on each program's scale; NaN: the group's grand mean
  double top_box = 0.75;               // share of the scale range, in (0, 1]
  double confidence = 0.95;            // of every interval, in (0, 1)
  Index baseline_program = kNoIndex;   // both kNoIndex: the other attributes (paired)
  Index baseline_product = kNoIndex;
  double fdr = 0.05;                   // Benjamini-Hochberg q, in (0, 1)
  double margin = 0.1;                 // shortfall that matters, share of the scale range, [0, 1)
  double bias_shrinkage = 5;           // lambda, pseudo-ratings, finite >= 0
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct AttributeFeedback {
  std::string attribute;
  uint64_t n = 0;
  double mean = 0, sd = 0;             // sd: sample (n - 1); NaN when n < 2
  double bayesian_average = 0;
  uint64_t positives = 0;
  double positive_share = 0;
  Interval wilson;                     // of the positive share; .low = Wilson lower bound
  double corrected_mean = 0;           // reviewer-bias corrected
  // The shortfall test (tested = false when the baseline has no such ratings,
  // or fewer than 2 on either side).
  bool tested = false;
  uint64_t baseline_n = 0;
  double baseline_mean = kNoNumber;    // on this group's scale
  double difference = kNoNumber;       // mean - baseline mean, on this group's scale
  double statistic = kNoNumber, df = kNoNumber, p_value = kNoNumber, q_value = kNoNumber;
  bool significantly_worse = false;
};

struct GroupFeedback {
  Index program = kNoIndex, product = kNoIndex;  // product kNoIndex: none known
  uint64_t responses = 0, respondents = 0;
  double rating_min = 1, rating_max = 5;
  double prior_mean = 0, prior_weight = 0;      // the prior used
  double top_box_rating = 0;                    // ratings >= this are positive
  std::vector<AttributeFeedback> attributes;    // the program's order, then others by name
  NpsEstimate nps;
  uint32_t tests = 0, flagged = 0;
};

struct FeedbackSummary {
  std::vector<GroupFeedback> groups;  // by program, then product (none last)
  double z = 0;                       // of the intervals
};

// INVALID_ARGUMENT naming the option ("prior_weight: ...") for an option out
// of range; NOT_FOUND never (indices are the caller's).
absl::StatusOr<FeedbackSummary> AggregateFeedback(const Tables& tables,
                                                  const FeedbackOptions& options);

// A program's scale: its rating_min..rating_max, 1..5 when both are 0.
void ProgramScale(const ProgramTable& programs, Index program, double* lo, double* hi);

}  // namespace mitra::cocreation

#endif  // MITRA_COCREATION_FEEDBACK_H_
