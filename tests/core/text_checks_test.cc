#include "mitra/core/text_checks.h"

#include <algorithm>
#include <cstring>
#include <string>

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

// "No control characters" means Unicode's Cc: C0, DEL and the C1 range.
TEST(TextChecks, IdsRefuseEveryControlCharacter) {
  EXPECT_EQ(IdProblem("a\x7F"), "control character U+007F in id \"a\\x7f\"");
  EXPECT_EQ(IdProblem("a\xC2\x9B" "b"), "control character U+009B in id \"a\\u009bb\"");
  EXPECT_EQ(IdProblem("\xC2\x80"), "control character U+0080 in id \"\\u0080\"");
  EXPECT_EQ(IdProblem("\xC2\x9F"), "control character U+009F in id \"\\u009f\"");
  EXPECT_EQ(IdProblem("\xC2\xA0" "x"), "");       // U+00A0, a space: not a control
  EXPECT_EQ(IdProblem("\xC2\xA9"), "");           // U+00A9, the first after C1
  EXPECT_EQ(IdProblem("\xE2\x80\x8D"), "");       // zero-width joiner (emoji sequences)
}

// Plain ASCII is passed eight bytes at a time: one odd character at every
// position of ids of 1 to 40 bytes (across and inside the words) must be
// found exactly as alone, whatever stands around it.
TEST(TextChecks, OneOddCharacterIsFoundAtEveryPosition) {
  struct Odd {
    std::string bytes;
    const char* id_problem;    // how IdProblem's message starts; "" for none
    const char* text_problem;  // ... and TextProblem's
  };
  const Odd kOdd[] = {
      {std::string(1, '\0'), "control character U+0000", ""},
      {"\x01", "control character U+0001", ""},
      {"\x1F", "control character U+001F", ""},
      {"\t", "control character U+0009", ""},
      {"\x7F", "control character U+007F", ""},
      {"\xC2\x9B", "control character U+009B", ""},
      {"\x80", "not valid UTF-8", "not valid UTF-8"},
      {"\xFF", "not valid UTF-8", "not valid UTF-8"},
      {"\xC3", "not valid UTF-8", "not valid UTF-8"},  // cut
      {" ", "", ""},
      {"~", "", ""},
      {"\xC3\xA9", "", ""},  // e-acute
  };
  for (size_t n = 1; n <= 40; ++n) {
    for (size_t at = 0; at < n; ++at) {
      for (const Odd& odd : kOdd) {
        const std::string id = std::string(at, 'x') + odd.bytes + std::string(n - 1 - at, 'y');
        const std::string p = IdProblem(id), t = TextProblem(id, kMaxNameBytes);
        EXPECT_EQ(p.substr(0, std::strlen(odd.id_problem)), odd.id_problem) << n << " " << at;
        EXPECT_EQ(p.empty(), *odd.id_problem == '\0') << n << " " << at << " " << p;
        EXPECT_EQ(t.substr(0, std::strlen(odd.text_problem)), odd.text_problem) << n << " " << at;
        EXPECT_EQ(t.empty(), *odd.text_problem == '\0') << n << " " << at << " " << t;
        EXPECT_EQ(IsValidUtf8(id), *odd.text_problem == '\0') << n << " " << at;
        // The inline check takes exactly the 4- to 16-byte ids of printable
        // ASCII, byte by byte, and only ids IdProblem passes.
        const bool printable = std::all_of(id.begin(), id.end(), [](char c) {
          return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F;
        });
        EXPECT_EQ(IsShortPrintableId(id), id.size() >= 4 && id.size() <= 16 && printable)
            << n << " " << at;
        if (IsShortPrintableId(id)) {
          EXPECT_EQ(p, "");
        }
      }
    }
  }
  // The length limits hold on the fast path too.
  EXPECT_EQ(IdProblem(std::string(257, 'x')), "longer than 256 bytes (257)");
  EXPECT_EQ(TextProblem(std::string(11, 'x'), 10), "longer than 10 bytes (11)");
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
  // Only the bytes that are not UTF-8 are escaped, the rest reads as itself.
  EXPECT_EQ(Quote("\xC3\xA9\xFF"), "\"\xC3\xA9\\xff\"");
  const std::string path = "/tmp/" + std::string(100, 'd') + "/customers.csv";
  EXPECT_EQ(QuotePath(path), "\"" + path + "\"");
}

// What a reader cannot see, or could mistake for something else, is shown
// escaped; visible text, in any script, is shown as itself.
TEST(TextChecks, QuoteShowsTheInvisible) {
  EXPECT_EQ(Quote("a\rb"), "\"a\\x0db\"");
  EXPECT_EQ(Quote("\xC2\x9B" "31m"), "\"\\u009b31m\"");                 // C1 CSI
  EXPECT_EQ(Quote("\xEF\xBB\xBFid"), "\"\\ufeffid\"");                  // byte order mark
  EXPECT_EQ(Quote("c\xE2\x80\x8B" "1"), "\"c\\u200b1\"");               // zero-width space
  EXPECT_EQ(Quote("\xE2\x80\xAE" "1c"), "\"\\u202e1c\"");               // right-to-left override
  EXPECT_EQ(Quote("\xE2\x81\xA6" "x"), "\"\\u2066x\"");                 // left-to-right isolate
  EXPECT_EQ(Quote("a\xC2\xA0" "b"), "\"a\\u00a0b\"");                    // no-break space
  EXPECT_EQ(Quote("\xE2\x80\xA8"), "\"\\u2028\"");                      // line separator
  EXPECT_EQ(Quote("\xF3\xA0\x81\x81"), "\"\\U000e0041\"");              // tag letter
  // NFD is told apart from NFC: the combining mark is escaped.
  EXPECT_EQ(Quote("Jose\xCC\x81"), "\"Jose\\u0301\"");
  EXPECT_EQ(Quote("Jos\xC3\xA9"), "\"Jos\xC3\xA9\"");
  EXPECT_EQ(Quote("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"),  // NFD Hangul "han"
            "\"\xE1\x84\x92\\u1161\\u11ab\"");
  EXPECT_EQ(Quote("\xED\x95\x9C"), "\"\xED\x95\x9C\"");       // NFC Hangul "han"
  EXPECT_EQ(Quote("\xE0\xA4\xB9\xE0\xA4\xBF"), "\"\xE0\xA4\xB9\xE0\xA4\xBF\"");  // Devanagari "hi"
  EXPECT_EQ(Escape("a\tb"), "a\\x09b");
}

}  // namespace
}  // namespace mitra
