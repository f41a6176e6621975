// Transaction rows grouped by customer, each customer's rows in (time, row)
// order: one counting sort, then a sort of each customer's few rows only
// when the table is not already in time order. Internal to src/channels.
#ifndef MITRA_SRC_CHANNELS_CUSTOMER_ROWS_H_
#define MITRA_SRC_CHANNELS_CUSTOMER_ROWS_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "mitra/core/tables.h"

namespace mitra::channels {

class CustomerRows {
 public:
  CustomerRows(const TransactionTable& t, size_t customers) : offsets_(customers + 1, 0) {
    const size_t n = t.customer.size();
    for (size_t i = 0; i < n; ++i) ++offsets_[t.customer[i] + 1];
    for (size_t c = 0; c < customers; ++c) offsets_[c + 1] += offsets_[c];
    rows_.resize(n);
    std::vector<uint32_t> fill(offsets_.begin(), offsets_.end() - 1);
    for (size_t i = 0; i < n; ++i) rows_[fill[t.customer[i]]++] = static_cast<uint32_t>(i);
    // The counting sort is stable: rows already in time order stay so.
    if (!std::is_sorted(t.time.begin(), t.time.end())) {
      for (size_t c = 0; c < customers; ++c) {
        std::sort(rows_.begin() + offsets_[c], rows_.begin() + offsets_[c + 1],
                  [&](uint32_t a, uint32_t b) {
                    return t.time[a] != t.time[b] ? t.time[a] < t.time[b] : a < b;
                  });
      }
    }
  }
  size_t customers() const { return offsets_.size() - 1; }
  absl::Span<const uint32_t> Of(size_t customer) const {
    return absl::MakeConstSpan(rows_.data() + offsets_[customer],
                               offsets_[customer + 1] - offsets_[customer]);
  }

 private:
  std::vector<uint32_t> offsets_;
  std::vector<uint32_t> rows_;
};

}  // namespace mitra::channels

#endif  // MITRA_SRC_CHANNELS_CUSTOMER_ROWS_H_
