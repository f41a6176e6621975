// Filling a workspace's tables directly, for tests of the algorithms that
// read them (no validation: the tests build exactly the rows they reason
// about).
#ifndef MITRA_TESTS_COMMON_TABLE_BUILDER_H_
#define MITRA_TESTS_COMMON_TABLE_BUILDER_H_

#include <cstdint>
#include <string>

#include "mitra/core/tables.h"

namespace mitra::testing {

// The InteractionKind numbers of proto/mitra/v1/community.proto.
enum Kind : EnumValue { kReply = 1, kMention, kLike, kEndorsement, kReferral, kVisit, kPost, kShare,
                        kMessage, kFlag };

// Customers prefix0, prefix1, ... with unknown creation times.
inline void AddCustomers(Tables& t, int n, const std::string& prefix = "c") {
  for (int i = 0; i < n; ++i) {
    t.customers.ids.Add(prefix + std::to_string(i));
    t.customers.created.push_back(kNoTime);
  }
}

inline void AddCommunity(Tables& t, const std::string& id) {
  t.communities.ids.Add(id);
  t.communities.name.push_back(id);
  t.communities.created.push_back(kNoTime);
}

// Communities prefix0, prefix1, ...
inline void AddCommunities(Tables& t, int n, const std::string& prefix = "k") {
  for (int i = 0; i < n; ++i) AddCommunity(t, prefix + std::to_string(i));
}

// weight NaN: not given (counts as 1).
inline void AddInteraction(Tables& t, Index from, Index to, int kind, int64_t time,
                           Index community = kNoIndex, double weight = kNoNumber) {
  auto& i = t.interactions;
  i.from.push_back(from);
  i.to.push_back(to);
  i.kind.push_back(static_cast<EnumValue>(kind));
  i.time.push_back(time);
  i.community.push_back(community);
  i.weight.push_back(weight);
}

// A MEMBER's membership; left = kNoTime while still a member.
inline void AddMembership(Tables& t, Index customer, Index community, int64_t joined,
                          int64_t left = kNoTime) {
  auto& m = t.memberships;
  m.customer.push_back(customer);
  m.community.push_back(community);
  m.role.push_back(1);
  m.joined.push_back(joined);
  m.left.push_back(left);
}

}  // namespace mitra::testing

#endif  // MITRA_TESTS_COMMON_TABLE_BUILDER_H_
