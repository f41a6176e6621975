// Distinct values of two columns (t_x and T): summaries in whole periods
// take few distinct values, so ln(alpha + t) is computed once per value and
// evaluation instead of once per customer.
#ifndef MITRA_SRC_VALUE_DISTINCT_VALUES_H_
#define MITRA_SRC_VALUE_DISTINCT_VALUES_H_

#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/types/span.h"
#include "value_index.h"

namespace mitra::value {

struct DistinctValues {
  std::vector<double> values;
  std::vector<uint32_t> index_a, index_b;  // per row, into values
  bool used = false;                       // false: too many distinct values

  void Build(absl::Span<const double> a, absl::Span<const double> b, size_t max_distinct) {
    ValueIndex map;
    index_a.resize(a.size());
    index_b.resize(b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      index_a[i] = map.Insert(a[i]);
      index_b[i] = map.Insert(b[i]);
      if (map.size() > max_distinct) {
        values.clear();
        index_a.clear();
        index_b.clear();
        used = false;
        return;
      }
    }
    values = map.values();
    used = true;
  }
};

}  // namespace mitra::value

#endif  // MITRA_SRC_VALUE_DISTINCT_VALUES_H_
