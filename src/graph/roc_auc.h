// The area under the ROC curve, exactly: the Mann-Whitney statistic
// P(score of a positive > score of a negative) + P(equal) / 2, over scores
// that may carry counts (many units sharing one score).
#ifndef MITRA_SRC_GRAPH_ROC_AUC_H_
#define MITRA_SRC_GRAPH_ROC_AUC_H_

#include <cstdint>
#include <vector>

namespace mitra::graph {

struct ScoredCount {
  double score;
  uint64_t positives, negatives;
};

// Sorts `points` by score; NaN when there is no positive or no negative.
double RocAuc(std::vector<ScoredCount> points);

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_ROC_AUC_H_
