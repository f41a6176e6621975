#include "graph/roc_auc.h"

#include <algorithm>
#include <cmath>

namespace mitra::graph {

double RocAuc(std::vector<ScoredCount> points) {
  std::sort(points.begin(), points.end(),
            [](const ScoredCount& x, const ScoredCount& y) { return x.score < y.score; });
  // Walk groups of equal score upwards: each positive beats the negatives
  // below its group and ties with half of its group's negatives. Counts are
  // summed as exact integers (long double for the products).
  long double wins = 0;
  uint64_t negatives_below = 0, positives = 0;
  for (size_t i = 0; i < points.size();) {
    uint64_t pos = 0, neg = 0;
    size_t j = i;
    for (; j < points.size() && points[j].score == points[i].score; ++j) {
      pos += points[j].positives;
      neg += points[j].negatives;
    }
    wins += static_cast<long double>(pos) * negatives_below +
            0.5L * static_cast<long double>(pos) * neg;
    negatives_below += neg;
    positives += pos;
    i = j;
  }
  if (positives == 0 || negatives_below == 0) return NAN;
  return static_cast<double>(wins / (static_cast<long double>(positives) * negatives_below));
}

}  // namespace mitra::graph
