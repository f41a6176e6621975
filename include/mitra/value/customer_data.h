// The columns a purchase model reads: per customer (or per group of identical
// customers) x repeat purchases, t_x the time of the last one and T the age,
// in one time unit, with an optional weight (number of customers in a row).
#ifndef MITRA_VALUE_CUSTOMER_DATA_H_
#define MITRA_VALUE_CUSTOMER_DATA_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace mitra::value {

struct CustomerData {
  absl::Span<const double> x;
  absl::Span<const double> t_x;
  absl::Span<const double> T;
  absl::Span<const double> weight;  // empty: every row weighs 1
  // How the caller names these rows in errors ("customer data row 3: ...").
  absl::string_view name = "customer data";
};

// Rows with bitwise-identical (x, t_x, T) merged into one row whose weight is
// their count (or the sum of their weights). Exact: a model's likelihood
// depends on a customer only through (x, t_x, T). group[i] is the row of
// input row i, to spread per-group predictions back to customers.
struct GroupedCustomers {
  std::vector<double> x, t_x, T, weight;
  std::vector<uint32_t> group;

  CustomerData view() const { return CustomerData{x, t_x, T, weight}; }
  size_t size() const { return x.size(); }
};

GroupedCustomers GroupIdentical(const CustomerData& data);

// GroupIdentical into `out` unless that leaves more than `max_groups` rows:
// then false (and `out` unspecified), found as soon as row max_groups + 1
// is met, so that data that would not shrink costs part of a pass only.
bool GroupIdenticalWithin(const CustomerData& data, size_t max_groups, GroupedCustomers* out);

// INVALID_ARGUMENT unless the columns have one length, x is a whole number
// in [0, 1e7], 0 <= t_x <= T, t_x = 0 when x = 0, all finite, and weights
// (if given) are finite and >= 0; errors name the row as the caller does
// (data.name: "customer data row 3: ..."). `max_x` receives the largest x.
absl::Status ValidateCustomerData(const CustomerData& data, int* max_x);

// The customers' weights (1 each when unweighted) summed per purchase count
// x, for the likelihood terms that depend on x alone. The models sum those
// terms over x with running sums, one step per count from 0 to the largest:
// cheap when the counts fill their range, but a few huge counts (x = 1e7 is
// valid) would cost ten million logarithms per optimizer step, seconds per
// fit. Then only the distinct counts are kept, and the terms come from
// LogRising (special.h), constant time each.
struct CountWeights {
  std::vector<double> dense;  // weight of x = 0..max x; empty when sparse
  struct Count {
    int x;
    double weight;
  };
  std::vector<Count> sparse;  // the distinct counts, ascending
  // Of each customer: its x in dense form, its position in `sparse` otherwise.
  std::vector<uint32_t> slot;
  double total = 0;
  bool is_sparse() const { return dense.empty(); }
  // Entries a per-x table needs: max x + 1, or the distinct counts.
  size_t table_size() const { return is_sparse() ? sparse.size() : dense.size(); }
  // The x and the weight of table entry k.
  int x_of(size_t k) const { return is_sparse() ? sparse[k].x : static_cast<int>(k); }
  double weight_of(size_t k) const { return is_sparse() ? sparse[k].weight : dense[k]; }
};
// `data` validated, `max_x` its largest x.
CountWeights WeighCounts(const CustomerData& data, int max_x);

}  // namespace mitra::value

#endif  // MITRA_VALUE_CUSTOMER_DATA_H_
