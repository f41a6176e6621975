// The attribute index of a rating from MapColumn::ForEach, which hands out
// the key as a view of the column's key interner. Those bytes are stable,
// so the index is found by the key's address: a short linear scan
// for the usual handful of attributes (faster than hashing the text), a
// hash map of addresses beyond (std::, not absl: an absl map whose growth
// fails corrupts itself; docs/RELIABILITY.md). Internal to the cocreation area.
#ifndef MITRA_SRC_COCREATION_RATING_KEYS_H_
#define MITRA_SRC_COCREATION_RATING_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mitra/core/attribute_column.h"

namespace mitra::cocreation {

class RatingKeys {
 public:
  template <typename V>
  explicit RatingKeys(const MapColumn<V>& column) : keys_(column.keys()) {
    address_.reserve(keys_.size());
    for (size_t k = 0; k < keys_.size(); ++k) {
      address_.push_back(keys_.Id(static_cast<Index>(k)).data());
      if (keys_.size() > kLinear) index_[address_.back()] = static_cast<uint32_t>(k);
    }
  }
  size_t size() const { return address_.size(); }
  // The index of a key reference handed out by the column's ForEach.
  uint32_t Of(std::string_view key) const {
    if (address_.size() <= kLinear) {
      for (size_t k = 0; k < address_.size(); ++k)
        if (address_[k] == key.data()) return static_cast<uint32_t>(k);
      return Find(key);  // not from this column: by text
    }
    auto it = index_.find(key.data());
    return it != index_.end() ? it->second : Find(key);
  }
  // The index of a name, UINT32_MAX when the column has no such key.
  uint32_t Find(std::string_view name) const {
    auto k = keys_.Find(name);
    return k ? static_cast<uint32_t>(*k) : UINT32_MAX;
  }
  std::string_view Name(uint32_t k) const { return keys_.Id(k); }

 private:
  static constexpr size_t kLinear = 16;
  const IdInterner& keys_;
  std::vector<const char*> address_;
  std::unordered_map<const char*, uint32_t> index_;
};

}  // namespace mitra::cocreation

#endif  // MITRA_SRC_COCREATION_RATING_KEYS_H_
