// printf-style formatting that lets std::bad_alloc through: absl::StrFormat
// formats inside Debian's absl shared library, whose frames an exception
// cannot cross (the out-of-memory sweep aborted there), so library code
// formats with vsnprintf into a stack buffer and builds the string here.
#ifndef MITRA_COMMON_FORMAT_H_
#define MITRA_COMMON_FORMAT_H_

#include <cstdarg>
#include <cstdio>
#include <string>
#include <vector>

namespace mitra {

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
inline std::string Format(const char* format, ...) {
  char buf[1024];
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  if (n < 0) return std::string();
  if (static_cast<size_t>(n) < sizeof buf) return std::string(buf, static_cast<size_t>(n));
  std::vector<char> big(static_cast<size_t>(n) + 1);
  va_start(args, format);
  std::vsnprintf(big.data(), big.size(), format, args);
  va_end(args);
  return std::string(big.data(), static_cast<size_t>(n));
}

}  // namespace mitra

#endif  // MITRA_COMMON_FORMAT_H_
