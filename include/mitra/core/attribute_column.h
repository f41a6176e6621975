// A column of small string->value maps (customer attributes, feedback
// ratings), stored as offsets into flat key and value arrays.
#ifndef MITRA_CORE_ATTRIBUTE_COLUMN_H_
#define MITRA_CORE_ATTRIBUTE_COLUMN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mitra/core/id_interner.h"

namespace mitra {

template <typename Value>
class MapColumn {
 public:
  MapColumn() : offsets_{0} {}

  // Appends one row from a map-like range of (key, value) pairs.
  template <typename Map>
  void Append(const Map& map) {
    for (const auto& [key, value] : map) {
      auto k = keys_.Find(key);
      key_.push_back(k ? *k : keys_.Add(key));
      value_.push_back(Value(value));
    }
    offsets_.push_back(key_.size());
  }
  size_t size() const { return offsets_.size() - 1; }
  // Calls f(key, value) for each entry of row r.
  template <typename F>
  void ForEach(size_t r, F&& f) const {
    for (uint64_t i = offsets_[r]; i < offsets_[r + 1]; ++i) f(keys_.Id(key_[i]), value_[i]);
  }
  const IdInterner& keys() const { return keys_; }
  // Rolls back to n rows. Never throws; unused keys are kept, which is
  // harmless (they only name columns).
  void Truncate(size_t n) noexcept {
    key_.resize(offsets_[n]);
    value_.resize(offsets_[n]);
    offsets_.resize(n + 1);
  }

 private:
  IdInterner keys_;
  std::vector<uint64_t> offsets_;
  std::vector<Index> key_;
  std::vector<Value> value_;
};

using AttributeColumn = MapColumn<std::string>;

}  // namespace mitra

#endif  // MITRA_CORE_ATTRIBUTE_COLUMN_H_
