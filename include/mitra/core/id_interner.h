// Maps the host's string ids of one entity kind to dense indices 0..n-1.
#ifndef MITRA_CORE_ID_INTERNER_H_
#define MITRA_CORE_ID_INTERNER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace mitra {

// The dense index type of every entity kind; kNoIndex marks "not set".
using Index = uint32_t;
inline constexpr Index kNoIndex = UINT32_MAX;
// Dense indices stop one below kNoIndex.
inline constexpr size_t kMaxRecords = static_cast<size_t>(kNoIndex) - 1;

class IdInterner {
 public:
  IdInterner() = default;
  IdInterner(const IdInterner&) = delete;
  IdInterner& operator=(const IdInterner&) = delete;

  std::optional<Index> Find(std::string_view id) const;
  // Adds an id that is not present yet and returns its index.
  Index Add(std::string_view id);
  const std::string& Id(Index i) const { return ids_[i]; }
  size_t size() const { return ids_.size(); }
  // Forgets every id with index >= n (rolls back a failed ingestion).
  // Never throws.
  void Truncate(size_t n) noexcept;
  void Reserve(size_t n) { index_.reserve(n); }

 private:
  // A deque never moves its elements, so the map's views stay valid.
  std::deque<std::string> ids_;
  absl::flat_hash_map<std::string_view, Index> index_;
};

}  // namespace mitra

#endif  // MITRA_CORE_ID_INTERNER_H_
