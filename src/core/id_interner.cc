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

const char IdInterner::kSeedAnchor = 0;

uint32_t IdInterner::LongHash(std::string_view id) {
  const size_t h = absl::Hash<absl::string_view>{}(Av(id));
  return static_cast<uint32_t>(h ^ (h >> 32));
}

namespace {

// Raw storage for `n` ids, written one by one as they come.
template <typename Entry>
Entry* NewBlock(size_t n) {
  return static_cast<Entry*>(::operator new(n * sizeof(Entry), std::align_val_t{alignof(Entry)}));
}

template <typename Entry>
void DeleteBlock(Entry* block) {
  ::operator delete(block, std::align_val_t{alignof(Entry)});
}

// The first chunk of the long ids' arena, and the most a later chunk takes
// beyond the id that opens it (chunks grow with the arena so that millions
// of long ids take few allocations).
constexpr size_t kFirstChunk = size_t{1} << 16;
constexpr size_t kMaxChunk = size_t{1} << 24;

}  // namespace

IdInterner::~IdInterner() {
  for (Entry* block : blocks_) DeleteBlock(block);
  for (const Chunk& c : arena_) ::operator delete(c.data);
  std::free(table_);
}

void IdInterner::Store(Entry* e, const Hashed& hashed) {
  const std::string_view id = hashed.text;
  if (id.size() <= Entry::kInline) {
    // Padding zeroed: whole entries compare.
    std::memcpy(e->bytes, hashed.words, sizeof e->bytes);
    return;
  }
  // The next chunk with room: the current one, the one after it (left by
  // a rollback), or a new one. Allocations come before any change.
  if (arena_.empty() || arena_[arena_chunk_].size - arena_used_ < id.size()) {
    const size_t next = arena_.empty() ? 0 : arena_chunk_ + 1;
    if (next == arena_.size() || arena_[next].size < id.size()) {
      const size_t grown =
          arena_.empty() ? kFirstChunk : std::min(kMaxChunk, arena_.back().size * 2);
      const size_t size = std::max(grown, id.size());
      arena_.reserve(arena_.size() + 1);
      char* data = static_cast<char*>(::operator new(size));
      // Cannot throw: the room is reserved.
      arena_.insert(arena_.begin() + static_cast<ptrdiff_t>(next), Chunk{data, size});
    }
    arena_chunk_ = next;
    arena_used_ = 0;
  }
  char* at = arena_[arena_chunk_].data + arena_used_;
  std::memcpy(at, id.data(), id.size());
  arena_used_ += id.size();
  const char* p = at;
  const uint64_t n = uint64_t{id.size()} | uint64_t{Entry::kLong} << 56;
  std::memcpy(e->bytes, &p, sizeof p);
  std::memcpy(e->bytes + 8, &n, sizeof n);
}

size_t IdInterner::Probe(const Hashed& hashed) const {
  const std::string_view id = hashed.text;
  const uint32_t hash = hashed.hash;
  const size_t mask = table_size_ - 1;
  if (id.size() <= Entry::kInline) {
    // A short id is compared as the two words it would be stored as.
    for (size_t s = hash & mask;; s = (s + 1) & mask) {
      const Slot v = table_[s];
      if (v == kEmpty) return s;
      if ((v >> 32) == hash) {
        uint64_t stored[2];
        std::memcpy(stored, At(static_cast<Index>(v)).bytes, sizeof stored);
        if (((stored[0] ^ hashed.words[0]) | (stored[1] ^ hashed.words[1])) == 0) return s;
      }
    }
  }
  for (size_t s = hash & mask;; s = (s + 1) & mask) {
    const Slot v = table_[s];
    if (v == kEmpty || ((v >> 32) == hash && Id(static_cast<Index>(v)) == id)) return s;
  }
}

Index IdInterner::FindSmall(std::string_view id) const {
  static_assert(kSmall <= (size_t{1} << kFirstBits), "the first block holds a small table");
  uint64_t words[2];
  ShortWords(id, words);
  const Entry* entries = blocks_[0];
  for (size_t i = 0; i < size_; ++i) {
    uint64_t stored[2];
    std::memcpy(stored, entries[i].bytes, sizeof stored);
    // A long id's entry ends in kLong, which no short id's length byte is.
    if (((stored[0] ^ words[0]) | (stored[1] ^ words[1])) == 0) return static_cast<Index>(i);
  }
  return kNoIndex;
}

void IdInterner::Prefetch(const Hashed& id) const {
  if (table_size_ != 0) __builtin_prefetch(&table_[id.hash & (table_size_ - 1)]);
}

void IdInterner::PrefetchText(const Hashed& id) const {
  if (table_size_ == 0) return;
  // Only the first slot: at a load of at most 1/2 that is where most ids are.
  const Slot v = table_[id.hash & (table_size_ - 1)];
  if (v != kEmpty && (v >> 32) == id.hash) __builtin_prefetch(&At(static_cast<Index>(v)));
}

void IdInterner::PrefetchId(Index i) const { __builtin_prefetch(&At(i)); }

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

Index IdInterner::AddHashed(const Hashed& id) {
  const Index i = static_cast<Index>(size_);
  // Load factor at most 1/2 keeps linear probes short. A grown table holds
  // the same ids, so a failure after it leaves the interner consistent.
  if ((size_ + 1) * 2 > table_size_) Grow(std::max<size_t>(16, table_size_ * 2));
  const unsigned b = Block(i);
  if (blocks_[b] == nullptr)
    blocks_[b] = NewBlock<Entry>(BlockSize(b));
  Store(&blocks_[b][i - BlockStart(b)], id);
  ++size_;
  Place(table_, table_size_, MakeSlot(id.hash, i));
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
      blocks_[b] = NewBlock<Entry>(BlockSize(b));
    const size_t end = std::min(n, BlockStart(b) + BlockSize(b));
    Prefault(blocks_[b] + (i - BlockStart(b)), end - i);
  }
}

Index IdInterner::Add(std::string_view id) { return AddHashed(Hash(id)); }

Index IdInterner::FindOrAdd(const Hashed& id, bool* added) {
  if (table_size_ != 0) {
    const Slot v = table_[Probe(id)];
    if (v != kEmpty) {
      *added = false;
      return static_cast<Index>(v);
    }
  }
  const Index i = AddHashed(id);
  *added = true;
  return i;
}

void IdInterner::Truncate(size_t n) noexcept {
  if (n >= size_) return;
  // Blocks and arena chunks stay allocated for the ids that come next. The
  // arena goes back to where the first dropped long id's bytes begin.
  const char* first_long = nullptr;
  for (size_t i = n; i < size_; ++i) {
    const Entry& e = At(static_cast<Index>(i));
    if (e.tag() == Entry::kLong) {
      first_long = e.long_data();
      break;
    }
  }
  if (first_long != nullptr) {
    for (size_t c = 0; c < arena_.size(); ++c) {
      if (first_long >= arena_[c].data && first_long < arena_[c].data + arena_[c].size) {
        arena_chunk_ = c;
        arena_used_ = static_cast<size_t>(first_long - arena_[c].data);
        break;
      }
    }
  }
  size_ = n;
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
