// memcpy(to, from, n) for the short strings that most cells and ids are.
#ifndef MITRA_SRC_CORE_COPY_BYTES_H_
#define MITRA_SRC_CORE_COPY_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace mitra {

// Two words of type Word, the first and the last sizeof(Word) of n bytes
// (sizeof(Word) <= n <= 2 sizeof(Word)), both read before either is written.
template <typename Word>
void CopyTwoWords(char* to, const char* from, size_t n) {
  Word a, b;
  std::memcpy(&a, from, sizeof a);
  std::memcpy(&b, from + n - sizeof b, sizeof b);
  std::memcpy(to, &a, sizeof a);
  std::memcpy(to + n - sizeof b, &b, sizeof b);
}

// Copies of fixed size (overlapping when n is not one) where a memcpy call
// per cell or id showed in profiles; reads and writes exactly n bytes.
inline void CopyBytes(char* to, const char* from, size_t n) {
  if (n >= 16) {
    std::memcpy(to, from, n);
  } else if (n >= 8) {
    CopyTwoWords<uint64_t>(to, from, n);
  } else if (n >= 4) {
    CopyTwoWords<uint32_t>(to, from, n);
  } else {
    for (size_t i = 0; i < n; ++i) to[i] = from[i];
  }
}

}  // namespace mitra

#endif  // MITRA_SRC_CORE_COPY_BYTES_H_
