// The bucket order of peeling algorithms (Batagelj & Zaversnik 2003): items
// taken in non-decreasing order of a key that only decreases as items are
// taken, never below the key of the item being taken. k-cores peel nodes by
// degree, trusses peel edges by triangle support. O(1) per decrease.
#ifndef MITRA_SRC_GRAPH_PEELING_ORDER_H_
#define MITRA_SRC_GRAPH_PEELING_ORDER_H_

#include <algorithm>
#include <cstdint>
#include <vector>

namespace mitra::graph {

class PeelingOrder {
 public:
  // keys[i]: item i's key, lowered in place by Lower (at the end, each
  // item's key when it was taken).
  explicit PeelingOrder(std::vector<uint32_t>& keys)
      : key_(keys), order_(keys.size()), pos_(keys.size()) {
    const uint32_t max_key = keys.empty() ? 0 : *std::max_element(keys.begin(), keys.end());
    bin_.assign(static_cast<size_t>(max_key) + 2, 0);
    for (uint32_t k : keys) ++bin_[k + 1];
    for (uint32_t d = 0; d <= max_key; ++d) bin_[d + 1] += bin_[d];
    std::vector<uint32_t> next(bin_.begin(), bin_.end() - 1);
    for (uint32_t i = 0; i < keys.size(); ++i) {
      pos_[i] = next[keys[i]]++;
      order_[pos_[i]] = i;
    }
  }

  // The item taken i-th (i = 0, 1, ... in turn).
  uint32_t operator[](uint32_t i) const { return order_[i]; }

  // Lowers `item`'s key by one when it is above `floor` (the key of the
  // item being taken): it swaps with the first item of its bucket, whose
  // start then moves past it, into the bucket below.
  void Lower(uint32_t item, uint32_t floor) {
    if (key_[item] <= floor) return;
    const uint32_t k = key_[item], first = bin_[k], other = order_[first];
    if (other != item) {
      std::swap(order_[pos_[item]], order_[first]);
      std::swap(pos_[item], pos_[other]);
    }
    ++bin_[k];
    --key_[item];
  }

 private:
  std::vector<uint32_t>& key_;
  std::vector<uint32_t> bin_;    // bin_[k]: where the items of key k start in order_
  std::vector<uint32_t> order_;  // the items by current key
  std::vector<uint32_t> pos_;    // pos_[item]: its index in order_
};

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_PEELING_ORDER_H_
