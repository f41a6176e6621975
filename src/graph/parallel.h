// Splits [0, n) into `threads` contiguous chunks run concurrently, the first
// on the calling thread. Chunk c is [c*ceil(n/t), ...); callers that reduce
// combine per-chunk results in chunk order so sums do not depend on timing.
#ifndef MITRA_SRC_GRAPH_PARALLEL_H_
#define MITRA_SRC_GRAPH_PARALLEL_H_

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace mitra::graph {

template <class F>
void ParallelChunks(int threads, size_t n, F&& f) {
  if (threads <= 1 || n < 2) {
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

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_PARALLEL_H_
