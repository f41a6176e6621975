#include "mitra/core/crc32c.h"

#include <string>

#include "gtest/gtest.h"

namespace mitra {
namespace {

// Check values from RFC 3720 (iSCSI), appendix B.4, and the CRC catalogue's
// CRC-32/ISCSI entry ("123456789" -> 0xE3069283).
TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(Crc32c(0, "123456789", 9), 0xE3069283u);
  std::string zeros(32, '\0');
  EXPECT_EQ(Crc32c(0, zeros.data(), zeros.size()), 0x8A9136AAu);
  std::string ones(32, '\xFF');
  EXPECT_EQ(Crc32c(0, ones.data(), ones.size()), 0x62A8AB43u);
  std::string inc(32, '\0');
  for (int i = 0; i < 32; ++i) inc[i] = static_cast<char>(i);
  EXPECT_EQ(Crc32c(0, inc.data(), inc.size()), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(0, "", 0), 0u);
}

TEST(Crc32c, IncrementalEqualsWhole) {
  std::string s;
  for (int i = 0; i < 1000; ++i) s.push_back(static_cast<char>(i * 31 + 7));
  const uint32_t whole = Crc32c(0, s.data(), s.size());
  for (size_t cut : {1u, 7u, 8u, 9u, 500u, 999u}) {
    uint32_t c = Crc32c(0, s.data(), cut);
    EXPECT_EQ(Crc32c(c, s.data() + cut, s.size() - cut), whole) << cut;
  }
}

}  // namespace
}  // namespace mitra
