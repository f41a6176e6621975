// Splits [0, n) into `threads` contiguous chunks run concurrently, the first
// on the calling thread: chunk c is [c * ceil(n/t), ...) and f(begin, end, c)
// is called for every chunk, even an empty one. Callers that reduce write
// chunk c's result to slot c and combine the slots in order, so results do
// not depend on scheduling.
#ifndef MITRA_SRC_COMMON_PARALLEL_H_
#define MITRA_SRC_COMMON_PARALLEL_H_

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace mitra {

template <class F>
void ParallelChunks(int threads, size_t n, F&& f) {
  if (threads <= 1) {
    f(size_t{0}, n, 0);
    return;
  }
  const size_t chunk = (n + threads - 1) / threads;
  // Nothing may escape a std::thread (that terminates the host): a failure
  // in any chunk (an allocation, say) is kept, and the first in chunk order
  // is rethrown on the calling thread once every thread has stopped.
  std::vector<std::exception_ptr> errors(threads);
  auto run = [&f, &errors, chunk, n](int c) noexcept {
    const size_t b = std::min(n, c * chunk), e = std::min(n, b + chunk);
    try {
      f(b, e, c);
    } catch (...) {
      errors[c] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  std::exception_ptr spawn_error;
  try {
    pool.reserve(threads - 1);
    for (int c = 1; c < threads; ++c) pool.emplace_back(run, c);
  } catch (...) {  // no thread to be had: stop what started, then fail
    spawn_error = std::current_exception();
  }
  if (!spawn_error) run(0);
  for (std::thread& t : pool) t.join();
  if (spawn_error) std::rethrow_exception(spawn_error);
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// Threads worth using for n items of cheap work: below ~16k items a thread
// costs more than it saves.
inline int UsefulThreads(int requested, size_t n) {
  const int by_size = static_cast<int>(std::max<size_t>(1, n / 16384));
  return std::max(1, std::min({requested, by_size, 64}));
}

}  // namespace mitra

#endif  // MITRA_SRC_COMMON_PARALLEL_H_
