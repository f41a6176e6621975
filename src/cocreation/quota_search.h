// The exact quota search of the panel selection (panel.cc): how many members
// to take from each group (customers who count towards the same quotas) so
// that every minimum is met, no maximum is passed and at most `room` are
// taken: a depth-first search over the groups that count towards some
// minimum, in the order given (the caller puts most minimums first, largest
// count first), pruned when a minimum can no longer be reached. Used when
// the greedy fill fails, which can happen when quotas overlap (set cover).
// Gives up after kMaxSearchSteps steps (a result of false then means "not
// found", not "impossible": see `exhausted`).
#ifndef MITRA_SRC_COCREATION_QUOTA_SEARCH_H_
#define MITRA_SRC_COCREATION_QUOTA_SEARCH_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mitra::cocreation {

class QuotaSearch {
 public:
  static constexpr uint64_t kMaxSearchSteps = 2'000'000;

  // Per group: its quota mask and the customers available in it; per quota:
  // its minimum still to meet and its room under the maximum.
  QuotaSearch(std::vector<uint64_t> mask, std::vector<uint32_t> cap, std::vector<uint32_t> need,
              std::vector<uint32_t> left);

  // True when a take per group meeting every need within `room` was found.
  bool Run(uint32_t room) { return Run(0, room); }
  const std::vector<uint32_t>& take() const { return take_; }
  bool exhausted() const { return exhausted_; }

 private:
  bool Run(size_t k, uint32_t room);
  // Whether the needs are all met (true), or cannot be from group k on with
  // `room` left (false, with *dead set).
  bool Done(size_t k, uint32_t room, bool* dead) const;
  // The most worth taking from group k: its capacity, the room, its quotas'
  // room under their maximums and their largest need.
  uint32_t MostUseful(size_t k, uint32_t room) const;
  void Apply(size_t k, uint32_t c);

  std::vector<uint64_t> mask_;        // per candidate group
  std::vector<uint32_t> cap_;         // customers available in it
  std::vector<uint32_t> need_, left_; // per quota: still to meet, room under max
  std::vector<std::vector<uint32_t>> reach_;  // reach_[k][i]: capacity of groups k.. for quota i
  std::vector<uint32_t> take_;
  uint64_t steps_ = 0;
  bool exhausted_ = false;
};

}  // namespace mitra::cocreation

#endif  // MITRA_SRC_COCREATION_QUOTA_SEARCH_H_
