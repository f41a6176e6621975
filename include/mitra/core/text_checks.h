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
// Empty when `id` is a valid id, else what is wrong with it.
std::string IdProblem(std::string_view id);
// Empty when `text` is valid UTF-8 of at most max_bytes, else the problem.
std::string TextProblem(std::string_view text, size_t max_bytes);
// `s` quoted for an error message, cut to `max_shown` bytes (ids and values
// are cut; paths are not), with control characters and, in text that is not
// valid UTF-8, every non-ASCII byte escaped.
std::string Quote(std::string_view s, size_t max_shown = 60);
// A file path for an error message: quoted, never cut.
std::string QuotePath(std::string_view path);

}  // namespace mitra

#endif  // MITRA_CORE_TEXT_CHECKS_H_
