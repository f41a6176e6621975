#include "mitra/core/text_checks.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace mitra {

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned c = *p;
    if (c < 0x80) { ++p; continue; }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += n + 1;
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
  if (std::string p = TextProblem(id, kMaxIdBytes); !p.empty()) return p;
  for (unsigned char c : id) {
    if (c < 0x20 || c == 0x7F) return absl::StrCat("control character in id ", Quote(id));
  }
  return "";
}

std::string Quote(std::string_view s, size_t max_shown) {
  // Cut on a character boundary so valid UTF-8 stays valid.
  size_t shown = std::min(s.size(), max_shown);
  while (shown < s.size() && shown > 0 && (static_cast<unsigned char>(s[shown]) & 0xC0) == 0x80)
    --shown;
  const bool utf8 = IsValidUtf8(s);
  std::string out = "\"";
  for (size_t i = 0; i < shown; ++i) {
    unsigned char c = s[i];
    if (c == '"' || c == '\\') absl::StrAppend(&out, "\\", std::string(1, c));
    else if (c < 0x20 || c == 0x7F || (c >= 0x80 && !utf8))
      absl::StrAppend(&out, absl::StrFormat("\\x%02x", c));
    else out.push_back(c);
  }
  if (s.size() > shown) out += "...";
  out += "\"";
  return out;
}

std::string QuotePath(std::string_view path) { return Quote(path, path.size()); }

}  // namespace mitra
