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
  // Inline: a Hashed built in the caller's frame is copied from registers,
  // where one returned through memory is read back wider than it was
  // written, which stalls the load on every id.
  static Hashed Hash(std::string_view id) {
    Hashed out;
    out.text = id;
    if (id.size() > Entry::kInline) {
      out.hash = LongHash(id);
      return out;
    }
    // Two words: one wide multiply mixes them (as wyhash does).
    ShortWords(id, out.words);
    const uint64_t seed = Seed();
    const __uint128_t m = static_cast<__uint128_t>(out.words[0] ^ seed ^ 0x243F6A8885A308D3) *
                          (out.words[1] ^ (seed * 0x9E3779B97F4A7C15) ^ 0x13198A2E03707344);
    const uint64_t h = static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
    out.hash = static_cast<uint32_t>(h ^ (h >> 32));
    return out;
  }

  // A table of at most kSmall ids (products, channels: a handful) is
  // searched by comparing the id's words with each stored id in turn, with
  // no hash and no probe.
  static constexpr size_t kSmall = 16;
  std::optional<Index> Find(std::string_view id) const {
    if (size_ <= kSmall && id.size() <= Entry::kInline) {
      const Index i = FindSmall(id);
      if (i == kNoIndex) return std::nullopt;
      return i;
    }
    return Find(Hash(id));
  }
  std::optional<Index> Find(const Hashed& id) const {
    if (table_size_ == 0) return std::nullopt;
    const Slot v = table_[Probe(id)];
    if (v == kEmpty) return std::nullopt;
    return static_cast<Index>(v);
  }
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
  // An id of up to Entry::kInline bytes as the two words of its Entry: its
  // bytes, zeros, its length in the last byte. Read with loads of fixed size
  // (overlapping where the id is shorter than they are) rather than a
  // memcpy call per id.
  static void ShortWords(std::string_view id, uint64_t words[2]) {
    const char* p = id.data();
    const size_t n = id.size();
    auto load8 = [](const char* q) {
      uint64_t v;
      std::memcpy(&v, q, sizeof v);
      return v;
    };
    auto load4 = [](const char* q) {
      uint32_t v;
      std::memcpy(&v, q, sizeof v);
      return uint64_t{v};
    };
    uint64_t lo = 0, hi = 0;
    if (n > 8) {
      lo = load8(p);
      hi = load8(p + n - 8) >> (8 * (16 - n));  // bytes 8..n-1 at the bottom
    } else if (n == 8) {
      lo = load8(p);
    } else if (n >= 4) {
      lo = load4(p) | load4(p + n - 4) << (8 * (n - 4));
    } else if (n > 0) {
      lo = uint64_t{static_cast<unsigned char>(p[0])} |
           uint64_t{static_cast<unsigned char>(p[n / 2])} << (8 * (n / 2)) |
           uint64_t{static_cast<unsigned char>(p[n - 1])} << (8 * (n - 1));
    }
    static_assert(std::endian::native == std::endian::little, "entries are laid out little-endian");
    words[0] = lo;
    words[1] = hi | uint64_t{n} << 56;
  }
  // A seed that differs from one process to the next, as Abseil's hash seed
  // does: the address of a static, moved by address-space randomisation, so
  // that no fixed set of ids can be made to collide. Read where it is used
  // (an address is there from the start, unlike a computed global, which a
  // static initializer elsewhere could read before it is set).
  static const char kSeedAnchor;
  static uint64_t Seed() { return reinterpret_cast<uintptr_t>(&kSeedAnchor); }
  // The hash of an id longer than Entry::kInline (Abseil's).
  static uint32_t LongHash(std::string_view id);
  // Find on a table of at most kSmall ids and an id of at most
  // Entry::kInline bytes; kNoIndex when absent.
  Index FindSmall(std::string_view id) const;
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
