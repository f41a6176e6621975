#include "mitra/core/id_interner.h"

#include <algorithm>
#include <cstdlib>
#include <new>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "common/huge_array.h"
#include "core/prefault.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/text_checks.h"

namespace mitra {

IdInterner::Hashed IdInterner::Hash(std::string_view id) {
  const size_t h = absl::Hash<absl::string_view>{}(Av(id));
  return {id, static_cast<uint32_t>(h ^ (h >> 32))};
}

namespace {

// Raw storage for `n` ids, constructed one by one as they come.
std::string* NewBlock(size_t n) {
  return static_cast<std::string*>(::operator new(n * sizeof(std::string)));
}

}  // namespace

IdInterner::~IdInterner() {
  Truncate(0);
  for (std::string* block : blocks_) ::operator delete(block);
  std::free(table_);
}

size_t IdInterner::Probe(std::string_view id, uint32_t hash) const {
  const size_t mask = table_size_ - 1;
  for (size_t s = hash & mask;; s = (s + 1) & mask) {
    const Slot v = table_[s];
    if (v == kEmpty || ((v >> 32) == hash && Id(static_cast<Index>(v)) == id)) return s;
  }
}

std::optional<Index> IdInterner::Find(const Hashed& id) const {
  if (table_size_ == 0) return std::nullopt;
  const Slot v = table_[Probe(id.text, id.hash)];
  if (v == kEmpty) return std::nullopt;
  return static_cast<Index>(v);
}

void IdInterner::Prefetch(const Hashed& id) const {
  if (table_size_ != 0) __builtin_prefetch(&table_[id.hash & (table_size_ - 1)]);
}

void IdInterner::PrefetchText(const Hashed& id) const {
  if (table_size_ == 0) return;
  // Only the first slot: at a load of at most 1/2 that is where most ids are.
  const Slot v = table_[id.hash & (table_size_ - 1)];
  if (v != kEmpty && (v >> 32) == id.hash) __builtin_prefetch(&Id(static_cast<Index>(v)));
}

void IdInterner::PrefetchId(Index i) const { __builtin_prefetch(&Id(i)); }

void IdInterner::Place(Slot* table, size_t size, Slot slot) noexcept {
  const size_t mask = size - 1;
  size_t s = (slot >> 32) & mask;
  while (table[s] != kEmpty) s = (s + 1) & mask;
  table[s] = slot;
}

void IdInterner::Grow(size_t capacity) {
  // May throw: nothing touched yet.
  Slot* bigger = static_cast<Slot*>(AllocateLarge(capacity * sizeof(Slot)));
  std::fill(bigger, bigger + capacity, kEmpty);
  for (size_t s = 0; s < table_size_; ++s)
    if (table_[s] != kEmpty) Place(bigger, capacity, table_[s]);
  std::free(table_);
  table_ = bigger;
  table_size_ = capacity;
}

Index IdInterner::AddHashed(std::string_view id, uint32_t hash) {
  const Index i = static_cast<Index>(size_);
  // Load factor at most 1/2 keeps linear probes short. A grown table holds
  // the same ids, so a failure after it leaves the interner consistent.
  if ((size_ + 1) * 2 > table_size_) Grow(std::max<size_t>(16, table_size_ * 2));
  const unsigned b = Block(i);
  if (blocks_[b] == nullptr)
    blocks_[b] = NewBlock(BlockSize(b));
  new (&blocks_[b][i - BlockStart(b)]) std::string(id);
  ++size_;
  Place(table_, table_size_, MakeSlot(hash, i));
  return i;
}

void IdInterner::Reserve(size_t n) {
  size_t capacity = std::max<size_t>(16, table_size_);
  while (capacity < n * 2) capacity *= 2;
  if (capacity > table_size_) Grow(capacity);
  // The blocks the ids up to n will go in, their pages mapped in at once
  // for the part those ids fill. (Empty blocks are a state the interner
  // knows: Truncate leaves them too.)
  n = std::min(n, kMaxRecords);
  for (size_t i = size_; i < n; i = BlockStart(Block(static_cast<Index>(i))) +
                                    BlockSize(Block(static_cast<Index>(i)))) {
    const unsigned b = Block(static_cast<Index>(i));
    if (blocks_[b] == nullptr)
      blocks_[b] = NewBlock(BlockSize(b));
    const size_t end = std::min(n, BlockStart(b) + BlockSize(b));
    Prefault(blocks_[b] + (i - BlockStart(b)), end - i);
  }
}

Index IdInterner::Add(std::string_view id) { return AddHashed(id, Hash(id).hash); }

Index IdInterner::FindOrAdd(const Hashed& id, bool* added) {
  if (table_size_ != 0) {
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
  if (n >= size_) return;
  // Blocks stay allocated for the ids that come next.
  while (size_ > n) {
    --size_;
    const Index i = static_cast<Index>(size_);
    const unsigned b = Block(i);
    blocks_[b][i - BlockStart(b)].~basic_string();
  }
  // Linear probing cannot simply erase; re-place the survivors in the same
  // table (no allocation; their hashes are computed again, as rollback is rare).
  std::fill(table_, table_ + table_size_, kEmpty);
  for (Index i = 0; i < n; ++i) Place(table_, table_size_, MakeSlot(Hash(Id(i)).hash, i));
}

absl::StatusOr<Index> FindIndex(const IdInterner& ids, std::string_view id, std::string_view kind,
                                std::string_view where) {
  if (std::optional<Index> i = ids.Find(id)) return *i;
  return absl::NotFoundError(absl::StrCat(Av(where), ": unknown ", Av(kind), " id ", Quote(id)));
}

}  // namespace mitra
