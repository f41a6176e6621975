#include "mitra/core/attribute_column.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace mitra {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

// Row r holds r % 4 entries: ("k0", "r.0"), ("k1", "r.1"), ...
Entries RowEntries(size_t r) {
  Entries e;
  for (size_t j = 0; j < r % 4; ++j)
    e.emplace_back("k" + std::to_string(j), std::to_string(r) + "." + std::to_string(j));
  return e;
}

Entries Read(const AttributeColumn& c, size_t r) {
  Entries e;
  c.ForEach(r, [&](std::string_view k, const std::string& v) { e.emplace_back(k, v); });
  return e;
}

TEST(MapColumn, ReservedRowsHoldEveryEntryAndRollBack) {
  AttributeColumn c;
  c.ReserveRows(1000);
  for (size_t r = 0; r < 1000; ++r) c.Append(RowEntries(r));
  ASSERT_EQ(c.size(), 1000u);
  for (size_t r = 0; r < 1000; ++r) ASSERT_EQ(Read(c, r), RowEntries(r)) << r;
  c.Truncate(500);
  for (size_t r = 500; r < 1200; ++r) c.Append(RowEntries(r + 1));  // past the reserved rows
  ASSERT_EQ(c.size(), 1200u);
  for (size_t r = 0; r < 500; ++r) ASSERT_EQ(Read(c, r), RowEntries(r)) << r;
  for (size_t r = 500; r < 1200; ++r) ASSERT_EQ(Read(c, r), RowEntries(r + 1)) << r;
  EXPECT_EQ(c.keys().size(), 3u);  // k0, k1, k2
}

// Once some rows have shown how many entries a row has, the entries of all
// the reserved rows get their room at once: the values never move again
// (here 1.5 entries a row on average; the estimate has 1/16 to spare).
TEST(MapColumn, EntriesOfReservedRowsGetTheirRoomAtOnce) {
  AttributeColumn c;
  c.ReserveRows(10000);
  for (size_t r = 0; r < 100; ++r) c.Append(RowEntries(r));
  const std::string* first = nullptr;
  c.ForEach(1, [&](std::string_view, const std::string& v) { first = &v; });
  ASSERT_NE(first, nullptr);
  for (size_t r = 100; r < 10000; ++r) c.Append(RowEntries(r));
  const std::string* after = nullptr;
  c.ForEach(1, [&](std::string_view, const std::string& v) { after = &v; });
  EXPECT_EQ(after, first);
  EXPECT_EQ(*after, "1.0");
}

}  // namespace
}  // namespace mitra
