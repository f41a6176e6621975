// The rules every id and text field obeys, in one place.
#ifndef MITRA_CORE_TEXT_CHECKS_H_
#define MITRA_CORE_TEXT_CHECKS_H_

#include <cstddef>
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
