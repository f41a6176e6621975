// Splits [0, n) into `threads` contiguous chunks run concurrently, the first
// on the calling thread: chunk c is [c * ceil(n/t), ...) and f(begin, end, c)
// is called for every chunk, even an empty one. Callers that reduce write
// chunk c's result to slot c and combine the slots in order, so results do
// not depend on scheduling.
#ifndef MITRA_SRC_COMMON_PARALLEL_H_
#define MITRA_SRC_COMMON_PARALLEL_H_

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace mitra {

template <class F>
void ParallelChunks(int threads, size_t n, F&& f) {
  if (threads <= 1) {
    f(size_t{0}, n, 0);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  const size_t chunk = (n + threads - 1) / threads;
  for (int c = 1; c < threads; ++c) {
    const size_t b = std::min(n, c * chunk), e = std::min(n, b + chunk);
    pool.emplace_back([&f, b, e, c] { f(b, e, c); });
  }
  f(size_t{0}, std::min(n, chunk), 0);
  for (std::thread& t : pool) t.join();
}

// Threads worth using for n items of cheap work: below ~16k items a thread
// costs more than it saves.
inline int UsefulThreads(int requested, size_t n) {
  const int by_size = static_cast<int>(std::max<size_t>(1, n / 16384));
  return std::max(1, std::min({requested, by_size, 64}));
}

}  // namespace mitra

#endif  // MITRA_SRC_COMMON_PARALLEL_H_
