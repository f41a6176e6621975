#include "quota_search.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace mitra::cocreation {

QuotaSearch::QuotaSearch(std::vector<uint64_t> mask, std::vector<uint32_t> cap,
                         std::vector<uint32_t> need, std::vector<uint32_t> left)
    : mask_(std::move(mask)), cap_(std::move(cap)), need_(std::move(need)), left_(std::move(left)) {
  const size_t groups = mask_.size(), quotas = need_.size();
  reach_.assign(groups + 1, std::vector<uint32_t>(quotas, 0));
  for (size_t k = groups; k-- > 0;) {
    reach_[k] = reach_[k + 1];
    for (uint64_t b = mask_[k]; b; b &= b - 1) reach_[k][std::countr_zero(b)] += cap_[k];
  }
  take_.assign(groups, 0);
}

bool QuotaSearch::Done(size_t k, uint32_t room, bool* dead) const {
  bool done = true;
  for (size_t i = 0; i < need_.size(); ++i) {
    if (need_[i] == 0) continue;
    done = false;
    if (need_[i] > room || reach_[k][i] < need_[i]) {
      *dead = true;
      return false;
    }
  }
  return done;
}

uint32_t QuotaSearch::MostUseful(size_t k, uint32_t room) const {
  uint32_t most = std::min(cap_[k], room), useful = 0;
  for (uint64_t b = mask_[k]; b; b &= b - 1) {
    const int i = std::countr_zero(b);
    most = std::min(most, left_[i]);
    useful = std::max(useful, need_[i]);
  }
  return std::min(most, useful);
}

void QuotaSearch::Apply(size_t k, uint32_t c) {
  for (uint64_t b = mask_[k]; b; b &= b - 1) {
    const int i = std::countr_zero(b);
    need_[i] -= std::min(need_[i], c);
    left_[i] -= c;
  }
  take_[k] = c;
}

bool QuotaSearch::Run(size_t k, uint32_t room) {
  if (++steps_ > kMaxSearchSteps) return exhausted_ = true, false;
  bool dead = false;
  if (Done(k, room, &dead)) return true;
  if (dead || k == mask_.size()) return false;
  for (uint32_t c = MostUseful(k, room) + 1; c-- > 0;) {
    const std::vector<uint32_t> before = need_;
    Apply(k, c);
    if (Run(k + 1, room - c)) return true;
    need_ = before;
    for (uint64_t b = mask_[k]; b; b &= b - 1) left_[std::countr_zero(b)] += c;
    take_[k] = 0;
    if (exhausted_) return false;
  }
  return false;
}

}  // namespace mitra::cocreation
