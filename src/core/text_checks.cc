#include "mitra/core/text_checks.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/format.h"

namespace mitra {
namespace {

// The length of the UTF-8 character at s[i] and its code point, or 0 when
// the bytes there are not UTF-8 (overlong, surrogate, past U+10FFFF, cut).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const size_t left = s.size() - i;
  unsigned c = *p;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t n;
  uint32_t v;
  if ((c & 0xE0) == 0xC0) { n = 1; v = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 2; v = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 3; v = c & 0x07; }
  else return 0;
  if (left <= n) return 0;
  for (size_t k = 1; k <= n; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[k] & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (v < kMin[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n + 1;
}

// Unicode's control characters (general category Cc): C0, DEL and C1.
bool IsControl(uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Characters a reader of a message cannot see, or cannot tell from a plain
// space: format characters (byte order mark, zero-width, bidi controls,
// tags), line and paragraph separators, spaces other than U+0020, fillers
// and variation selectors.
bool IsInvisible(uint32_t cp) {
  struct Range { uint32_t lo, hi; };
  static constexpr Range kRanges[] = {
      {0x00A0, 0x00A0}, {0x00AD, 0x00AD}, {0x061C, 0x061C}, {0x115F, 0x115F},
      {0x1680, 0x1680}, {0x180B, 0x180E}, {0x2000, 0x200F}, {0x2028, 0x202F},
      {0x205F, 0x206F}, {0x3000, 0x3000}, {0x3164, 0x3164}, {0xFE00, 0xFE0F},
      {0xFEFF, 0xFEFF}, {0xFFA0, 0xFFA0}, {0xFFF9, 0xFFFB}, {0x1D173, 0x1D17A},
      {0xE0000, 0xE0FFF}};
  for (const Range& r : kRanges)
    if (cp >= r.lo && cp <= r.hi) return true;
  return false;
}

// Characters that canonical decomposition (NFD) splits off a precomposed
// letter: combining diacritics, kana voicing marks and the vowel and final
// parts of Hangul syllables. Shown escaped, "e\u0301" cannot pass for "é".
bool IsDecomposedPart(uint32_t cp) {
  struct Range { uint32_t lo, hi; };
  static constexpr Range kRanges[] = {
      {0x0300, 0x036F}, {0x1160, 0x11FF}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
      {0x20D0, 0x20FF}, {0x3099, 0x309A}, {0xD7B0, 0xD7FF}, {0xFE20, 0xFE2F}};
  for (const Range& r : kRanges)
    if (cp >= r.lo && cp <= r.hi) return true;
  return false;
}

std::string CodePointEscape(uint32_t cp) {
  return cp <= 0xFFFF ? Format("\\u%04x", static_cast<unsigned>(cp))
                      : Format("\\U%08x", static_cast<unsigned>(cp));
}

// Bytes of ASCII text that need no closer look, eight at a time: the
// length of the prefix of `s` whose bytes are all below 0x80 and, when
// `printable`, none a C0 control character or DEL either. Most ids and
// cells are such text, so checking them costs a few word operations rather
// than a UTF-8 decode per byte. (The word tests may flag a harmless byte;
// a flagged word is left to the exact byte-by-byte check.)
size_t PlainAsciiPrefix(std::string_view s, bool printable) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof w);
    if (NonPlainBytes(w, printable) != 0) break;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80 || (printable && (c < 0x20 || c == 0x7F))) break;
  }
  return i;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  uint32_t cp;
  for (size_t i = PlainAsciiPrefix(s, false); i < s.size();) {
    const size_t n = DecodeUtf8(s, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string TextProblem(std::string_view text, size_t max_bytes) {
  if (text.size() > max_bytes)
    return absl::StrCat("longer than ", max_bytes, " bytes (", text.size(), ")");
  if (!IsValidUtf8(text)) return absl::StrCat("not valid UTF-8: ", Quote(text));
  return "";
}

std::string IdProblem(std::string_view id) {
  if (id.empty()) return "empty id";
  // Printable ASCII throughout (nearly every id): nothing else to check.
  const size_t plain = PlainAsciiPrefix(id, true);
  if (plain == id.size() && id.size() <= kMaxIdBytes) return "";
  if (std::string p = TextProblem(id, kMaxIdBytes); !p.empty()) return p;
  uint32_t cp;
  for (size_t i = plain, n; i < id.size(); i += n) {
    n = DecodeUtf8(id, i, &cp);  // > 0: the text is UTF-8
    if (IsControl(cp))
      return absl::StrCat("control character ", Format("U+%04X", static_cast<unsigned>(cp)),
                          " in id ", Quote(id));
  }
  return "";
}

std::string Escape(std::string_view s, size_t max_shown) {
  // Cut on a character boundary so valid UTF-8 stays valid.
  size_t shown = std::min(s.size(), max_shown);
  while (shown < s.size() && shown > 0 && (static_cast<unsigned char>(s[shown]) & 0xC0) == 0x80)
    --shown;
  std::string out;
  uint32_t cp;
  for (size_t i = 0; i < shown;) {
    const size_t n = DecodeUtf8(s.substr(0, shown), i, &cp);
    if (n == 0) {  // not UTF-8: the byte itself
      absl::StrAppend(&out,
                      Format("\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(s[i]))));
      ++i;
      continue;
    }
    if (cp == '"' || cp == '\\') absl::StrAppend(&out, "\\", std::string(1, static_cast<char>(cp)));
    else if (cp < 0x80 && IsControl(cp))
      absl::StrAppend(&out, Format("\\x%02x", static_cast<unsigned>(cp)));
    else if (IsControl(cp) || IsInvisible(cp) || IsDecomposedPart(cp)) out += CodePointEscape(cp);
    else out.append(s.substr(i, n));
    i += n;
  }
  if (s.size() > shown) out += "...";
  return out;
}

std::string Quote(std::string_view s, size_t max_shown) {
  return absl::StrCat("\"", Escape(s, max_shown), "\"");
}

std::string QuotePath(std::string_view path) { return Quote(path, path.size()); }

}  // namespace mitra
