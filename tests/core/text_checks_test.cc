#include "mitra/core/text_checks.h"

#include "gtest/gtest.h"

namespace mitra {
namespace {

TEST(TextChecks, Utf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("Jos\xC3\xA9"));              // é
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));             // €
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x9B\xB5"));         // scooter emoji
  EXPECT_FALSE(IsValidUtf8("\xC3"));                    // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));                // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));            // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));        // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(TextChecks, Ids) {
  EXPECT_EQ(IdProblem("c-001"), "");
  EXPECT_EQ(IdProblem("pelanggan \xC3\xA9"), "");
  EXPECT_EQ(IdProblem(""), "empty id");
  EXPECT_NE(IdProblem(std::string(257, 'x')).find("longer than 256"), std::string::npos);
  EXPECT_EQ(IdProblem(std::string(256, 'x')), "");
  EXPECT_NE(IdProblem("a\tb").find("control character"), std::string::npos);
  EXPECT_NE(IdProblem("a\xFF").find("UTF-8"), std::string::npos);
}

TEST(TextChecks, QuoteEscapesAndCuts) {
  EXPECT_EQ(Quote("ab"), "\"ab\"");
  EXPECT_EQ(Quote("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(Quote("a\nb"), "\"a\\x0ab\"");
  EXPECT_EQ(Quote(std::string(100, 'z')), "\"" + std::string(60, 'z') + "...\"");
  // Valid UTF-8 reads as itself, and is never cut inside a character.
  EXPECT_EQ(Quote("Jos\xC3\xA9"), "\"Jos\xC3\xA9\"");
  EXPECT_EQ(Quote(std::string(59, 'a') + "\xC3\xA9"), "\"" + std::string(59, 'a') + "...\"");
  // Text that is not UTF-8 has its high bytes escaped.
  EXPECT_EQ(Quote("a\xFF"), "\"a\\xff\"");
  const std::string path = "/tmp/" + std::string(100, 'd') + "/customers.csv";
  EXPECT_EQ(QuotePath(path), "\"" + path + "\"");
}

}  // namespace
}  // namespace mitra
