// A column of small string->value maps (customer attributes, feedback
// ratings), stored as offsets into flat key and value arrays.
#ifndef MITRA_CORE_ATTRIBUTE_COLUMN_H_
#define MITRA_CORE_ATTRIBUTE_COLUMN_H_

#include <algorithm>
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
    // Rows reserved ahead (ReserveRows): once a few rows tell how many
    // entries a row has, room for the reserved rows' entries is made at
    // once, with 1/16 to spare, instead of doubling the key and value
    // arrays on the way (each doubling copies them and faults in fresh
    // pages). Never less than doubling would give.
    const size_t rows = size();
    if (rows >= kRowsToEstimate && key_.size() + map.size() > key_.capacity() &&
        offsets_.capacity() > offsets_.size()) {
      const size_t reserved = offsets_.capacity() - 1;
      const double per_row = static_cast<double>(key_.size()) / static_cast<double>(rows);
      const size_t want = std::max(static_cast<size_t>(per_row * reserved * 17 / 16) + map.size(),
                                   key_.capacity() * 2);
      key_.reserve(want);
      value_.reserve(want);
    }
    for (const auto& [key, value] : map) {
      auto k = keys_.Find(key);
      key_.push_back(k ? *k : keys_.Add(key));
      value_.push_back(Value(value));
    }
    offsets_.push_back(key_.size());
  }
  size_t size() const { return offsets_.size() - 1; }
  // Room for `rows` rows in all; their entries get theirs as they come
  // (Append). Never more often than doubling: many small files must not
  // reallocate a large column each time. Throws std::bad_alloc with
  // nothing changed.
  void ReserveRows(size_t rows) {
    if (offsets_.capacity() < rows + 1) offsets_.reserve(std::max(rows + 1, offsets_.capacity() * 2));
  }
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
  static constexpr size_t kRowsToEstimate = 64;
  IdInterner keys_;
  std::vector<uint64_t> offsets_;
  std::vector<Index> key_;
  std::vector<Value> value_;
};

using AttributeColumn = MapColumn<std::string>;

}  // namespace mitra

#endif  // MITRA_CORE_ATTRIBUTE_COLUMN_H_
