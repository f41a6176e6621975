#include "mitra/core/id_interner.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/text_checks.h"

namespace mitra {

uint32_t IdInterner::HashOf(std::string_view id) {
  const size_t h = absl::Hash<absl::string_view>{}(Av(id));
  return static_cast<uint32_t>(h ^ (h >> 32));
}

std::optional<Index> IdInterner::Find(std::string_view id) const {
  if (table_.empty()) return std::nullopt;
  const uint32_t h = HashOf(id);
  const size_t mask = table_.size() - 1;
  for (size_t s = h & mask;; s = (s + 1) & mask) {
    const Index i = table_[s];
    if (i == kNoIndex) return std::nullopt;
    if (hashes_[i] == h && ids_[i] == id) return i;
  }
}

void IdInterner::Place(Index i) noexcept {
  const size_t mask = table_.size() - 1;
  size_t s = hashes_[i] & mask;
  while (table_[s] != kNoIndex) s = (s + 1) & mask;
  table_[s] = i;
}

void IdInterner::Grow(size_t capacity) {
  std::vector<Index> bigger(capacity, kNoIndex);  // may throw: nothing touched yet
  table_.swap(bigger);
  for (Index i = 0; i < ids_.size(); ++i) Place(i);
}

Index IdInterner::Add(std::string_view id) {
  const Index i = static_cast<Index>(ids_.size());
  // Load factor at most 1/2 keeps linear probes short.
  if ((ids_.size() + 1) * 2 > table_.size()) Grow(std::max<size_t>(16, table_.size() * 2));
  const uint32_t h = HashOf(id);
  hashes_.push_back(h);
  try {
    ids_.emplace_back(id);
  } catch (...) {
    hashes_.pop_back();
    throw;
  }
  Place(i);
  return i;
}

void IdInterner::Truncate(size_t n) noexcept {
  if (n >= ids_.size()) return;
  while (ids_.size() > n) ids_.pop_back();
  hashes_.resize(n);
  // Linear probing cannot simply erase; re-place the survivors in the same
  // table (no allocation).
  std::fill(table_.begin(), table_.end(), kNoIndex);
  for (Index i = 0; i < n; ++i) Place(i);
}

absl::StatusOr<Index> FindIndex(const IdInterner& ids, std::string_view id, std::string_view kind,
                                std::string_view where) {
  if (std::optional<Index> i = ids.Find(id)) return *i;
  return absl::NotFoundError(absl::StrCat(Av(where), ": unknown ", Av(kind), " id ", Quote(id)));
}

}  // namespace mitra
