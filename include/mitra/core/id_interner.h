// Maps the host's string ids of one entity kind to dense indices 0..n-1.
#ifndef MITRA_CORE_ID_INTERNER_H_
#define MITRA_CORE_ID_INTERNER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace mitra {

// The dense index type of every entity kind; kNoIndex marks "not set".
using Index = uint32_t;
inline constexpr Index kNoIndex = UINT32_MAX;
// Dense indices stop one below kNoIndex.
inline constexpr size_t kMaxRecords = static_cast<size_t>(kNoIndex) - 1;

// An open-addressing table of indices into the id list. It is its own
// rather than absl::flat_hash_map because it must stay intact when an
// allocation fails: it allocates a grown table before touching the old one,
// and rolls back without allocating. (Abseil 20220623 corrupts a map whose
// growth fails; the out-of-memory sweep found that.)
class IdInterner {
 public:
  IdInterner() = default;
  IdInterner(const IdInterner&) = delete;
  IdInterner& operator=(const IdInterner&) = delete;

  std::optional<Index> Find(std::string_view id) const;
  // Adds an id that is not present yet and returns its index. On failure
  // (std::bad_alloc) nothing changes.
  Index Add(std::string_view id);
  const std::string& Id(Index i) const { return ids_[i]; }
  size_t size() const { return ids_.size(); }
  // Forgets every id with index >= n (rolls back a failed ingestion).
  // Never throws or allocates.
  void Truncate(size_t n) noexcept;

 private:
  static uint32_t HashOf(std::string_view id);
  void Place(Index i) noexcept;  // puts index i into the table
  void Grow(size_t capacity);    // rebuilds the table at a new capacity

  std::deque<std::string> ids_;  // a deque never moves its elements
  std::vector<uint32_t> hashes_; // hash of each id, for probing and growth
  std::vector<Index> table_;     // power-of-two size; kNoIndex = empty slot
};

// The index of `id` among `ids`; NOT_FOUND "<where>: unknown <kind> id
// \"<id>\"" otherwise: the one message every request gives for an id the
// workspace does not know (kind: "customer", "community", ...).
absl::StatusOr<Index> FindIndex(const IdInterner& ids, std::string_view id, std::string_view kind,
                                std::string_view where);

}  // namespace mitra

#endif  // MITRA_CORE_ID_INTERNER_H_
