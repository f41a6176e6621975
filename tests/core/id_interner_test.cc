// IdInterner against a std::unordered_map doing the same, on ids chosen to
// collide in their leading characters and across table growth.
#include "mitra/core/id_interner.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "gtest/gtest.h"

namespace mitra {
namespace {

std::string RandomId(std::mt19937_64& rng) {
  // Short ids sharing long prefixes, and some past the small-string buffer.
  static const char* const kPrefixes[] = {"", "C0000", "customer-with-a-long-prefix-"};
  std::string id = kPrefixes[rng() % 3];
  id += std::to_string(rng() % 5000);
  return id;
}

TEST(IdInterner, MatchesAMapThroughAddsFindsAndRollbacks) {
  std::mt19937_64 rng(20261206);
  IdInterner ids;
  std::unordered_map<std::string, Index> model;
  std::vector<std::string> order;
  for (int step = 0; step < 40000; ++step) {
    const std::string id = RandomId(rng);
    const auto it = model.find(id);
    switch (rng() % 4) {
      case 0: {  // Find
        std::optional<Index> got = ids.Find(id);
        ASSERT_EQ(got.has_value(), it != model.end()) << id;
        if (got) {
          ASSERT_EQ(*got, it->second);
        }
        break;
      }
      case 1:  // Add (only of absent ids, as its contract says)
        if (it == model.end()) {
          const Index i = ids.Add(id);
          ASSERT_EQ(i, order.size());
          model.emplace(id, i);
          order.push_back(id);
        }
        break;
      case 2: {  // FindOrAdd
        bool added = false;
        const Index i = ids.FindOrAdd(id, &added);
        ASSERT_EQ(added, it == model.end()) << id;
        if (added) {
          ASSERT_EQ(i, order.size());
          model.emplace(id, i);
          order.push_back(id);
        } else {
          ASSERT_EQ(i, it->second);
        }
        break;
      }
      case 3:  // now and then, roll back a few
        if (rng() % 50 == 0 && !order.empty()) {
          const size_t keep = order.size() - std::min<size_t>(order.size(), rng() % 40);
          ids.Truncate(keep);
          while (order.size() > keep) {
            model.erase(order.back());
            order.pop_back();
          }
        }
        break;
    }
    // Hints: they change nothing.
    ids.Prefetch(IdInterner::Hash(id));
    ids.PrefetchText(IdInterner::Hash(id));
    ASSERT_EQ(ids.size(), order.size());
  }
  ASSERT_GT(order.size(), 1000u);  // the table grew several times
  for (Index i = 0; i < order.size(); ++i) {
    EXPECT_EQ(ids.Id(i), order[i]);
    EXPECT_EQ(ids.Find(order[i]), i);
  }
}

TEST(IdInterner, EmptyInternerFindsNothingAndTruncatesToNothing) {
  IdInterner ids;
  EXPECT_FALSE(ids.Find("a").has_value());
  ids.Prefetch(IdInterner::Hash("a"));
  ids.PrefetchText(IdInterner::Hash("a"));
  ids.Truncate(0);
  bool added = false;
  EXPECT_EQ(ids.FindOrAdd("a", &added), 0u);
  EXPECT_TRUE(added);
  EXPECT_EQ(ids.FindOrAdd("a", &added), 0u);
  EXPECT_FALSE(added);
  ids.Truncate(0);
  EXPECT_FALSE(ids.Find("a").has_value());
  EXPECT_EQ(ids.size(), 0u);
}

// Ids are stored in blocks that double in size, and ids past 15 bytes in a
// byte arena of growing chunks; an id's bytes must stay where they are
// while later ids are added and others rolled back, on both sides of every
// block boundary (70,000 ids of about 50 bytes also fill several chunks).
TEST(IdInterner, IdsKeepTheirAddressAcrossBlockBoundariesAndRollbacks) {
  IdInterner ids;
  auto name = [](size_t i, const char* tag) {
    return std::string(tag) + "-an-id-longer-than-the-small-string-buffer-" + std::to_string(i);
  };
  constexpr size_t kN = 70000;  // past the block of 2^15 .. 2^16
  std::vector<const char*> address;
  for (size_t i = 0; i < kN; ++i) {
    ASSERT_EQ(ids.Add(name(i, "a")), i);
    address.push_back(ids.Id(static_cast<Index>(i)).data());
  }
  // Roll back into the middle of a block, then to just below a boundary,
  // and add other ids in their place.
  ids.Truncate(50000);
  ids.Truncate(32767);
  for (size_t i = 32767; i < kN; ++i) ASSERT_EQ(ids.Add(name(i, "b")), i);
  for (size_t i = 0; i < kN; ++i) {
    const Index k = static_cast<Index>(i);
    // The same storage reused: the "b" ids have the "a" ids' lengths, so a
    // rollback that returns the arena to the first dropped id's bytes puts
    // each one where its predecessor was.
    ASSERT_EQ(ids.Id(k).data(), address[i]) << i;
    ASSERT_EQ(ids.Id(k), name(i, i < 32767 ? "a" : "b")) << i;
    ASSERT_EQ(ids.Find(name(i, i < 32767 ? "a" : "b")), k) << i;
  }
  EXPECT_FALSE(ids.Find(name(40000, "a")).has_value());
  EXPECT_EQ(ids.size(), kN);
}

// Reserve allocates the blocks that the reserved ids will fill, from the
// middle of a block on and across boundaries; the ids then go in exactly as
// without it, and a rollback below the reservation keeps working.
TEST(IdInterner, ReservedBlocksHoldTheIdsAddedAfter) {
  IdInterner ids, plain;
  for (size_t i = 0; i < 20; ++i) {
    ids.Add("r" + std::to_string(i));
    plain.Add("r" + std::to_string(i));
  }
  ids.Reserve(5000);
  for (size_t i = 20; i < 6000; ++i) {
    ASSERT_EQ(ids.Add("r" + std::to_string(i)), plain.Add("r" + std::to_string(i)));
  }
  ids.Truncate(100);
  ids.Reserve(3000);
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_FALSE(ids.Find("r100").has_value());
  for (size_t i = 100; i < 3000; ++i) ASSERT_EQ(ids.Add("s" + std::to_string(i)), i);
  for (size_t i = 0; i < 3000; ++i) {
    const std::string id = (i < 100 ? "r" : "s") + std::to_string(i);
    ASSERT_EQ(ids.Id(static_cast<Index>(i)), id);
    ASSERT_EQ(ids.Find(id), static_cast<Index>(i));
  }
}

// Ids of 15 bytes are stored in place and ids of 16 in the arena: ids on
// both sides of that line, ids that differ only in a trailing NUL or in
// their length, and the empty id are all told apart, found again after a
// rollback that cuts through the long ones, and read back byte for byte.
TEST(IdInterner, ShortAndLongIdsAreToldApartAtTheInlineLimit) {
  std::vector<std::string> texts = {"", std::string(1, '\0'), "a", std::string("a\0", 2),
                                    std::string(15, 'x'), std::string(16, 'x'),
                                    std::string(14, 'x') + std::string(1, '\0'),
                                    std::string(15, 'x') + std::string(1, '\0'),
                                    std::string(17, 'x'), std::string(300, 'y')};
  IdInterner ids;
  for (size_t i = 0; i < texts.size(); ++i) ASSERT_EQ(ids.Add(texts[i]), i);
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(ids.Id(static_cast<Index>(i)), texts[i]) << i;
    ASSERT_EQ(ids.Find(texts[i]), i) << i;
  }
  // Back to the first 6 (the last kept is the 16-byte one), then other long
  // ids in place of the dropped ones.
  ids.Truncate(6);
  for (size_t i = 6; i < texts.size(); ++i) EXPECT_FALSE(ids.Find(texts[i]).has_value()) << i;
  for (size_t i = 6; i < texts.size(); ++i) {
    texts[i] = std::string(20 + i, 'z');
    ASSERT_EQ(ids.Add(texts[i]), i);
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(ids.Id(static_cast<Index>(i)), texts[i]) << i;
    ASSERT_EQ(ids.Find(texts[i]), i) << i;
  }
}

// Short ids are read with overlapping word loads: every length up to the
// inline limit, with each byte position in turn changed (to a NUL, a high
// byte, a neighbour), must read back byte for byte and be told apart from
// all the others, which a plain set of the same strings counts.
TEST(IdInterner, ShortIdsOfEveryLengthDifferingInAnyOneByteAreToldApart) {
  std::vector<std::string> texts;
  for (size_t n = 0; n <= 16; ++n) {
    std::string base(n, 'k');
    for (size_t j = 0; j < n; ++j) base[j] = static_cast<char>('a' + j);
    texts.push_back(base);
    for (size_t j = 0; j < n; ++j) {
      for (char c : {'\0', '\xFF', static_cast<char>(base[j] + 1)}) {
        std::string t = base;
        t[j] = c;
        texts.push_back(t);
      }
    }
  }
  const std::set<std::string> distinct(texts.begin(), texts.end());
  IdInterner ids;
  std::vector<std::string> added;
  for (const std::string& t : texts) {
    bool was_added = false;
    ids.FindOrAdd(t, &was_added);
    if (was_added) added.push_back(t);
  }
  ASSERT_EQ(added.size(), distinct.size());
  ASSERT_EQ(added.size(), 425u);  // 1 + 3n ids of each length n = 0..16
  for (size_t i = 0; i < added.size(); ++i) {
    ASSERT_EQ(ids.Id(static_cast<Index>(i)), added[i]) << i;
    ASSERT_EQ(ids.Find(added[i]), i) << i;
  }
  // A rollback re-places the survivors by their hashes computed again.
  ids.Truncate(added.size() / 2);
  for (size_t i = 0; i < added.size(); ++i)
    ASSERT_EQ(ids.Find(added[i]).has_value(), i < added.size() / 2) << i;
}

// A table of up to IdInterner::kSmall ids is searched by comparing words,
// not by hashing: as it grows from empty past that size, and after
// rollbacks back below it, every id of a pool (short, long, empty, at the
// inline limit, differing in one byte or a trailing NUL) is found by text
// and by hash as a std::unordered_map of the same ids says.
TEST(IdInterner, SmallTablesFindByTextWhatTheHashedLookupAndAMapFind) {
  std::vector<std::string> pool = {"", std::string(1, '\0'), "SC-LITE", "SC-LITF", "SC-LITE ",
                                   std::string("SC-LITE\0", 8), std::string(15, 'p'),
                                   std::string(16, 'p'), std::string(14, 'p') + "q",
                                   std::string(40, 'r'), "R-DEN-2", "R-DEN-3", "W-WEST"};
  std::mt19937_64 rng(20261208);
  for (int k = 0; k < 30; ++k) pool.push_back(RandomId(rng));
  for (int round = 0; round < 20; ++round) {
    std::shuffle(pool.begin(), pool.end(), rng);
    IdInterner ids;
    std::unordered_map<std::string, Index> model;
    const size_t target = IdInterner::kSmall + 4;
    auto check = [&] {
      for (const std::string& id : pool) {
        const auto it = model.find(id);
        const std::optional<Index> want =
            it == model.end() ? std::nullopt : std::optional<Index>(it->second);
        ASSERT_EQ(ids.Find(id), want) << ids.size() << " ids, \"" << id << "\"";
        ASSERT_EQ(ids.Find(IdInterner::Hash(id)), want) << ids.size() << " ids, \"" << id << "\"";
      }
    };
    for (size_t i = 0; i < pool.size() && model.size() < target; ++i) {
      if (model.count(pool[i])) continue;
      check();
      model[pool[i]] = ids.Add(pool[i]);
    }
    check();
    // Back below the small size, at a place that differs each round.
    const size_t keep = rng() % (IdInterner::kSmall + 1);
    ids.Truncate(keep);
    for (auto it = model.begin(); it != model.end();)
      it = it->second >= keep ? model.erase(it) : std::next(it);
    check();
  }
}

// Long ids larger than an arena chunk, and many ids filling chunk after
// chunk, rolled back to the middle of an early chunk and refilled with ids
// of other lengths, against a plain list of the same ids.
TEST(IdInterner, LongIdsFillArenaChunksAndRollBackAcrossThem) {
  std::mt19937_64 rng(20261207);
  IdInterner ids;
  std::vector<std::string> order;
  auto add = [&](std::string id) {
    ASSERT_EQ(ids.Add(id), order.size());
    order.push_back(std::move(id));
  };
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < 20000; ++k) {
      const size_t length = rng() % 100 == 0 ? 70000 + rng() % 100000 : 16 + rng() % 60;
      std::string id(length, static_cast<char>('a' + rng() % 26));
      id += "#" + std::to_string(order.size()) + "-" + std::to_string(round);
      add(std::move(id));
    }
    const size_t keep = order.size() / 3 + rng() % 1000;
    ids.Truncate(keep);
    order.resize(keep);
  }
  for (int k = 0; k < 5000; ++k)
    add("short" + std::to_string(k) + "-" + std::to_string(order.size()));
  ASSERT_EQ(ids.size(), order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    ASSERT_EQ(ids.Id(static_cast<Index>(i)), order[i]) << i;
    ASSERT_EQ(ids.Find(order[i]), i) << i;
  }
}

}  // namespace
}  // namespace mitra
