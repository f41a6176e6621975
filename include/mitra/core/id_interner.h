// Maps the host's string ids of one entity kind to dense indices 0..n-1.
#ifndef MITRA_CORE_ID_INTERNER_H_
#define MITRA_CORE_ID_INTERNER_H_

#include <cstddef>
#include <cstdint>
#include <array>
#include <bit>
#include <cstring>
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
  ~IdInterner();

  // An id with its hash, computed once: a loop that prefetches some rows
  // ahead hashes each id there and looks it up later with the same hash.
  // An id of up to Entry::kInline bytes also carries the two words it is
  // stored as, which its hash was computed from and its lookup compares.
  struct Hashed {
    std::string_view text;
    uint32_t hash = 0;
    uint64_t words[2] = {0, 0};
  };
  static Hashed Hash(std::string_view id);

  std::optional<Index> Find(std::string_view id) const { return Find(Hash(id)); }
  std::optional<Index> Find(const Hashed& id) const;
  // Adds an id that is not present yet and returns its index. On failure
  // (std::bad_alloc) nothing changes.
  Index Add(std::string_view id);
  // The index of `id`, added when absent (`*added` says whether): one probe
  // where Find then Add would take two. On failure nothing changes.
  Index FindOrAdd(std::string_view id, bool* added) { return FindOrAdd(Hash(id), added); }
  Index FindOrAdd(const Hashed& id, bool* added);
  // Makes room for `n` ids in all without the table growing on the way,
  // and allocates the blocks those ids will go in, their pages mapped in at
  // once (a hint: the ids themselves are still stored one by one). Throws
  // std::bad_alloc with no id changed.
  void Reserve(size_t n);
  // Hints for loops over many ids, which issue them some rows ahead of
  // their lookups so that the cache misses overlap rather than follow one
  // another. Prefetch fetches the table slot where `id` would be; once that
  // has arrived, PrefetchText fetches the stored id the slot points at,
  // which a lookup compares with; PrefetchId fetches the id of index `i`.
  void Prefetch(const Hashed& id) const;
  void PrefetchText(const Hashed& id) const;
  void PrefetchId(Index i) const;
  // The id of index `i`. Stable: an id's bytes never move once stored, so
  // callers may keep the view (and its data() as the id's identity) for as
  // long as the id lives.
  std::string_view Id(Index i) const {
    const unsigned b = Block(i);
    return blocks_[b][i - BlockStart(b)].View();
  }
  size_t size() const { return size_; }
  // Forgets every id with index >= n (rolls back a failed ingestion).
  // Never throws or allocates.
  void Truncate(size_t n) noexcept;

 private:
  // A table slot holds the id's hash beside its index, so that a probe reads
  // the id's text only when the hashes agree: one cache miss per lookup on a
  // large table rather than three.
  using Slot = uint64_t;
  static constexpr Slot kEmpty = UINT64_MAX;  // no index is kNoIndex
  static Slot MakeSlot(uint32_t hash, Index i) { return uint64_t{hash} << 32 | i; }
  // The slot holding `id`, or the empty slot where it would go. The table
  // must not be empty.
  size_t Probe(const Hashed& id) const;
  static void Place(Slot* table, size_t size, Slot slot) noexcept;
  Index AddHashed(const Hashed& id);
  void Grow(size_t capacity);  // rebuilds the table at a new capacity

  // One stored id in 16 bytes, with no allocation of its own: an id of up
  // to 15 bytes in place (its length in the last byte), a longer one as a
  // pointer into the interner's byte arena and its length (the last byte
  // then kLong). Most ids are short, so comparing one with a stored id reads
  // a single cache line, where a std::string took 32 bytes, a heap block
  // for a long id, and a second miss to reach the block.
  struct alignas(16) Entry {
    static constexpr size_t kInline = 15;
    static constexpr unsigned char kLong = 0xFF;
    static constexpr uint64_t kLengthMask = (uint64_t{1} << 56) - 1;
    char bytes[16];
    unsigned char tag() const { return static_cast<unsigned char>(bytes[15]); }
    const char* long_data() const {
      const char* p;
      std::memcpy(&p, bytes, sizeof p);
      return p;
    }
    std::string_view View() const {
      if (tag() <= kInline) return {bytes, tag()};
      uint64_t n;
      std::memcpy(&n, bytes + 8, sizeof n);
      return {long_data(), static_cast<size_t>(n & kLengthMask)};
    }
  };
  static_assert(sizeof(Entry) == 16);
  // Stores `id` in `*e`, its bytes in the arena when long (may throw
  // std::bad_alloc with nothing changed).
  void Store(Entry* e, const Hashed& id);

  // The ids live in blocks that double in size (16, 16, 32, 64, ... ids)
  // and never move. Unlike a std::deque (blocks of 16 ids, whose map of
  // block pointers outgrows the cache on millions of ids and costs a miss of
  // its own per lookup), the 29 block pointers always stay in cache.
  static constexpr unsigned kFirstBits = 4;
  static unsigned Block(Index i) { return std::bit_width(i >> kFirstBits); }
  static size_t BlockStart(unsigned b) { return b == 0 ? 0 : size_t{1} << (kFirstBits + b - 1); }
  static size_t BlockSize(unsigned b) { return size_t{1} << (kFirstBits + (b == 0 ? 0 : b - 1)); }
  Entry& At(Index i) const {
    const unsigned b = Block(i);
    return blocks_[b][i - BlockStart(b)];
  }
  std::array<Entry*, 29> blocks_{};  // raw storage; the first size_ ids written
  size_t size_ = 0;
  // The bytes of ids longer than Entry::kInline, in chunks that never move,
  // filled in order of index: chunk arena_chunk_ up to arena_used_ bytes
  // and every chunk before it. Rolling back ids rolls the arena back to the
  // first dropped long id's bytes, whose chunks stay for the ids that come
  // next.
  struct Chunk {
    char* data;
    size_t size;
  };
  std::vector<Chunk> arena_;
  size_t arena_chunk_ = 0;
  size_t arena_used_ = 0;
  Slot* table_ = nullptr;  // power-of-two size, at most half full; on huge pages when large
  size_t table_size_ = 0;
};

// The index of `id` among `ids`; NOT_FOUND "<where>: unknown <kind> id
// \"<id>\"" otherwise: the one message every request gives for an id the
// workspace does not know (kind: "customer", "community", ...).
absl::StatusOr<Index> FindIndex(const IdInterner& ids, std::string_view id, std::string_view kind,
                                std::string_view where);

}  // namespace mitra

#endif  // MITRA_CORE_ID_INTERNER_H_
