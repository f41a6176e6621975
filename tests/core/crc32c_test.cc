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

// The CRC32 instruction and the tables are two computations of one
// function: the same check value, and the same result on every length and
// alignment (the instruction takes 8 bytes at a time, then single bytes) and
// when extended piece by piece.
TEST(Crc32c, HardwareAndPortableAgree) {
  EXPECT_EQ(Crc32cPortable(0, "123456789", 9), 0xE3069283u);
  if (!Crc32cHardwareAvailable()) GTEST_SKIP() << "no CRC32 instruction on this CPU";
  EXPECT_EQ(Crc32cHardware(0, "123456789", 9), 0xE3069283u);
  std::string s;
  uint32_t x = 12345;
  for (int i = 0; i < 300; ++i) {
    x = x * 1103515245u + 12345u;
    s.push_back(static_cast<char>(x >> 24));
  }
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t n = 0; n + offset <= s.size(); n += 1 + n / 16) {
      const char* p = s.data() + offset;
      ASSERT_EQ(Crc32cHardware(0, p, n), Crc32cPortable(0, p, n)) << offset << " " << n;
      ASSERT_EQ(Crc32cHardware(0xDEADBEEF, p, n), Crc32cPortable(0xDEADBEEF, p, n));
    }
  }
}

}  // namespace
}  // namespace mitra
