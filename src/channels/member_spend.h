// One customer's money per chain member (in order of first purchase) and
// the member they spent most with: the economics' cost-to-serve owner and
// the conflicts' member of a period. Amounts are >= 0 (money columns are
// checked on import).
#ifndef MITRA_SRC_CHANNELS_MEMBER_SPEND_H_
#define MITRA_SRC_CHANNELS_MEMBER_SPEND_H_

#include <algorithm>
#include <utility>
#include <vector>

#include "mitra/core/tables.h"

namespace mitra::channels {

class MemberSpend {
 public:
  void Clear() { spend_.clear(); }
  bool empty() const { return spend_.empty(); }

  void Add(Index member, double amount) {
    // A customer buys from few members: a linear scan beats a map.
    auto it = std::find_if(spend_.begin(), spend_.end(),
                           [&](const auto& p) { return p.first == member; });
    if (it == spend_.end())
      spend_.emplace_back(member, amount);
    else
      it->second += amount;
  }

  // The member with the most money, the first of equals; kNoIndex when none.
  Index Main() const {
    if (spend_.empty()) return kNoIndex;
    auto [main, best] = spend_[0];
    for (const auto& [s, a] : spend_)
      if (a > best) best = a, main = s;
    return main;
  }

 private:
  std::vector<std::pair<Index, double>> spend_;
};

}  // namespace mitra::channels

#endif  // MITRA_SRC_CHANNELS_MEMBER_SPEND_H_
