#include "mitra/core/id_interner.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/text_checks.h"

namespace mitra {

IdInterner::Hashed IdInterner::Hash(std::string_view id) {
  const size_t h = absl::Hash<absl::string_view>{}(Av(id));
  return {id, static_cast<uint32_t>(h ^ (h >> 32))};
}

size_t IdInterner::Probe(std::string_view id, uint32_t hash) const {
  const size_t mask = table_.size() - 1;
  for (size_t s = hash & mask;; s = (s + 1) & mask) {
    const Slot v = table_[s];
    if (v == kEmpty || ((v >> 32) == hash && ids_[static_cast<Index>(v)] == id)) return s;
  }
}

std::optional<Index> IdInterner::Find(const Hashed& id) const {
  if (table_.empty()) return std::nullopt;
  const Slot v = table_[Probe(id.text, id.hash)];
  if (v == kEmpty) return std::nullopt;
  return static_cast<Index>(v);
}

void IdInterner::Prefetch(const Hashed& id) const {
  if (!table_.empty()) __builtin_prefetch(&table_[id.hash & (table_.size() - 1)]);
}

void IdInterner::PrefetchText(const Hashed& id) const {
  if (table_.empty()) return;
  // Only the first slot: at a load of at most 1/2 that is where most ids are.
  const Slot v = table_[id.hash & (table_.size() - 1)];
  if (v != kEmpty && (v >> 32) == id.hash) __builtin_prefetch(&ids_[static_cast<Index>(v)]);
}

void IdInterner::PrefetchId(Index i) const { __builtin_prefetch(&ids_[i]); }

void IdInterner::Place(std::vector<Slot>& table, Slot slot) noexcept {
  const size_t mask = table.size() - 1;
  size_t s = (slot >> 32) & mask;
  while (table[s] != kEmpty) s = (s + 1) & mask;
  table[s] = slot;
}

void IdInterner::Grow(size_t capacity) {
  std::vector<Slot> bigger(capacity, kEmpty);  // may throw: nothing touched yet
  for (Slot v : table_)
    if (v != kEmpty) Place(bigger, v);
  table_.swap(bigger);
}

Index IdInterner::AddHashed(std::string_view id, uint32_t hash) {
  const Index i = static_cast<Index>(ids_.size());
  // Load factor at most 1/2 keeps linear probes short. A grown table holds
  // the same ids, so a failure after it leaves the interner consistent.
  if ((ids_.size() + 1) * 2 > table_.size()) Grow(std::max<size_t>(16, table_.size() * 2));
  ids_.emplace_back(id);
  Place(table_, MakeSlot(hash, i));
  return i;
}

void IdInterner::Reserve(size_t n) {
  size_t capacity = std::max<size_t>(16, table_.size());
  while (capacity < n * 2) capacity *= 2;
  if (capacity > table_.size()) Grow(capacity);
}

Index IdInterner::Add(std::string_view id) { return AddHashed(id, Hash(id).hash); }

Index IdInterner::FindOrAdd(const Hashed& id, bool* added) {
  if (!table_.empty()) {
    const Slot v = table_[Probe(id.text, id.hash)];
    if (v != kEmpty) {
      *added = false;
      return static_cast<Index>(v);
    }
  }
  const Index i = AddHashed(id.text, id.hash);
  *added = true;
  return i;
}

void IdInterner::Truncate(size_t n) noexcept {
  if (n >= ids_.size()) return;
  while (ids_.size() > n) ids_.pop_back();
  // Linear probing cannot simply erase; re-place the survivors in the same
  // table (no allocation; their hashes are computed again, as rollback is rare).
  std::fill(table_.begin(), table_.end(), kEmpty);
  for (Index i = 0; i < n; ++i) Place(table_, MakeSlot(Hash(ids_[i]).hash, i));
}

absl::StatusOr<Index> FindIndex(const IdInterner& ids, std::string_view id, std::string_view kind,
                                std::string_view where) {
  if (std::optional<Index> i = ids.Find(id)) return *i;
  return absl::NotFoundError(absl::StrCat(Av(where), ": unknown ", Av(kind), " id ", Quote(id)));
}

}  // namespace mitra
