// Limits every capability shares, so that no request (and no C++ caller)
// can hold a host for an unbounded number of threads.
#ifndef MITRA_CORE_LIMITS_H_
#define MITRA_CORE_LIMITS_H_

namespace mitra {

// The most threads any call takes.
inline constexpr int kMaxThreads = 256;

}  // namespace mitra

#endif  // MITRA_CORE_LIMITS_H_
