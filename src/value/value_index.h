// Dense ids for the distinct values of a double column, by bit pattern: an
// open-addressing table with multiply-shift hashing (the top bits of the
// product depend on every bit of the key, so whole numbers, whose low bits
// are zero, spread too). Summaries in whole periods have few distinct
// values, so the table stays in L1 and a lookup costs a few nanoseconds.
#ifndef MITRA_SRC_VALUE_VALUE_INDEX_H_
#define MITRA_SRC_VALUE_VALUE_INDEX_H_

#include <cstdint>
#include <cstring>
#include <vector>

namespace mitra::value {

class ValueIndex {
 public:
  ValueIndex() { Resize(64); }

  // The id of v (0, 1, 2, ... in order of first appearance).
  uint32_t Insert(double v) {
    uint64_t key;
    std::memcpy(&key, &v, sizeof key);
    size_t slot = (key * 0x9E3779B97F4A7C15ull) >> shift_;
    while (true) {
      const uint32_t id = ids_[slot];
      if (id == kEmpty) break;
      if (keys_[slot] == key) return id;
      slot = (slot + 1) & mask_;
    }
    const uint32_t id = static_cast<uint32_t>(values_.size());
    keys_[slot] = key;
    ids_[slot] = id;
    values_.push_back(v);
    if (2 * values_.size() > ids_.size()) Resize(2 * ids_.size());
    return id;
  }

  size_t size() const { return values_.size(); }
  const std::vector<double>& values() const { return values_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  void Resize(size_t capacity) {
    int bits = 0;
    while ((size_t{1} << bits) < capacity) ++bits;
    shift_ = 64 - bits;
    mask_ = (size_t{1} << bits) - 1;
    keys_.assign(size_t{1} << bits, 0);
    ids_.assign(size_t{1} << bits, kEmpty);
    for (uint32_t id = 0; id < values_.size(); ++id) {
      uint64_t key;
      std::memcpy(&key, &values_[id], sizeof key);
      size_t slot = (key * 0x9E3779B97F4A7C15ull) >> shift_;
      while (ids_[slot] != kEmpty) slot = (slot + 1) & mask_;
      keys_[slot] = key;
      ids_[slot] = id;
    }
  }

  std::vector<uint64_t> keys_;
  std::vector<uint32_t> ids_;
  std::vector<double> values_;
  int shift_ = 58;
  size_t mask_ = 63;
};

}  // namespace mitra::value

#endif  // MITRA_SRC_VALUE_VALUE_INDEX_H_
