// The rules every id and text field obeys, in one place.
#ifndef MITRA_CORE_TEXT_CHECKS_H_
#define MITRA_CORE_TEXT_CHECKS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace mitra {

inline constexpr size_t kMaxIdBytes = 256;
inline constexpr size_t kMaxNameBytes = 4096;
inline constexpr size_t kMaxCommentBytes = 64 * 1024;

bool IsValidUtf8(std::string_view s);
// Empty when `id` is a valid id, else what is wrong with it: empty, longer
// than kMaxIdBytes, not UTF-8, or holding a control character (Unicode
// category Cc: U+0000-U+001F, U+007F and the C1 range U+0080-U+009F).
std::string IdProblem(std::string_view id);

// Nonzero when the 8 bytes of `w` hold one that is not printable ASCII
// (>= 0x80, < 0x20 or DEL) when `printable`, or one >= 0x80 otherwise: a
// word of plain text needs no UTF-8 decoding and no control-character test.
inline uint64_t NonPlainBytes(uint64_t w, bool printable) {
  constexpr uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  uint64_t flagged = w & kHigh;  // a byte >= 0x80
  if (printable) {
    flagged |= (w - kOnes * 0x20) & ~w & kHigh;  // a byte < 0x20
    const uint64_t del = w ^ (kOnes * 0x7F);
    flagged |= (del - kOnes) & ~del & kHigh;  // a byte == 0x7F
  }
  return flagged;
}
// True for an id of 4 to 16 bytes of printable ASCII, which IdProblem
// passes with nothing more to check (most ids): read as two words, inline,
// for the loops that check millions. Other ids go to IdProblem.
inline bool IsShortPrintableId(std::string_view id) {
  const size_t n = id.size();
  uint64_t a, b;
  if (n >= 8 && n <= 16) {
    std::memcpy(&a, id.data(), 8);
    std::memcpy(&b, id.data() + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t x, y;
    std::memcpy(&x, id.data(), 4);
    std::memcpy(&y, id.data() + n - 4, 4);
    a = b = uint64_t{x} | uint64_t{y} << 32;
  } else {
    return false;
  }
  return (NonPlainBytes(a, true) | NonPlainBytes(b, true)) == 0;
}
// Empty when `text` is valid UTF-8 of at most max_bytes, else the problem.
std::string TextProblem(std::string_view text, size_t max_bytes);

// The one way a message shows text it was given (ids, cells, column names,
// paths): cut to `max_shown` bytes on a character boundary ("..." marks the
// cut), with what a reader could not see or could mistake escaped:
// `"` and `\` as \" and \\, C0 controls and DEL as \xNN, bytes that are
// not UTF-8 as \xNN, and as \uXXXX (\UXXXXXXXX past U+FFFF) the C1
// controls, invisible characters (byte order mark, zero-width and bidi
// format characters, separators, spaces other than U+0020) and the
// combining parts of decomposed (NFD) letters, so that an id written "e\u0301"
// cannot pass for the composed e-acute (U+00E9) it looks like.
std::string Escape(std::string_view s, size_t max_shown = 60);
// Escape(s) between double quotes.
std::string Quote(std::string_view s, size_t max_shown = 60);
// A file path for an error message: quoted, never cut.
std::string QuotePath(std::string_view path);

}  // namespace mitra

#endif  // MITRA_CORE_TEXT_CHECKS_H_
