#include "common/parallel.h"

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace mitra {
namespace {

TEST(ParallelChunks, EveryIndexOnceInContiguousChunks) {
  for (int threads : {1, 2, 3, 7}) {
    std::vector<std::atomic<int>> seen(100);
    std::vector<std::pair<size_t, size_t>> chunks(threads);
    ParallelChunks(threads, seen.size(), [&](size_t b, size_t e, int c) {
      chunks[c] = {b, e};
      for (size_t i = b; i < e; ++i) ++seen[i];
    });
    for (const auto& s : seen) EXPECT_EQ(s.load(), 1) << threads;
    for (int c = 1; c < threads; ++c) EXPECT_EQ(chunks[c].first, chunks[c - 1].second);
  }
}

// A failure on any thread reaches the caller as the exception it was, after
// every thread has finished its chunk (no std::terminate), the first in
// chunk order when several fail.
TEST(ParallelChunks, FailuresReachTheCallerAfterEveryThreadStops) {
  for (int failing : {0, 1, 3}) {
    std::atomic<int> finished{0};
    try {
      ParallelChunks(4, 40, [&](size_t, size_t, int c) {
        if (c == failing) throw std::runtime_error("chunk " + std::to_string(c));
        ++finished;
      });
      ADD_FAILURE() << "nothing thrown";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "chunk " + std::to_string(failing));
    }
    EXPECT_EQ(finished.load(), 3) << failing;
  }
  try {
    ParallelChunks(3, 9, [](size_t, size_t, int c) {
      if (c > 0) throw std::runtime_error("chunk " + std::to_string(c));
    });
    ADD_FAILURE() << "nothing thrown";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "chunk 1");
  }
}

}  // namespace
}  // namespace mitra
