// Conflict signals in the chain (the essay's "conflict at every
// level"): members competing for the same customers or territory, members
// pricing below the members they should not undercut, and customers moving
// between members over time.
//
//  * Shared customers: for every pair of members that both sold to a
//    customer in the window, the count and the Jaccard index
//    |A n B| / |A u B| of their customer sets, with how the two stand in the
//    tree (siblings, same tier, vertical, other) and whether they share a
//    territory.
//  * Shared territory: members with the same non-empty territory string
//    (exact match) that are not in a vertical relation (a retailer under
//    its agent's territory is not a conflict).
//  * Undercutting: a member's realised price for a product (money / units
//    of its own sales in the window) below a competing member's by more
//    than `undercut_threshold` (relative gap 1 - p_a / p_b); competing =
//    parent and child, siblings, same territory, or sharing customers. Both
//    members need at least `min_units` units of the product.
//  * Switching: the window is cut into periods of `period_seconds` from
//    its start; a customer's member in a period is the one they spent most
//    with (ties: the first in time). Between a customer's consecutive
//    active periods their member stays or switches: a transition matrix
//    (from, to, count), per period (of the later purchase) the customers
//    who stayed and switched, and per member the customers lost and won.
#ifndef MITRA_CHANNELS_CONFLICT_H_
#define MITRA_CHANNELS_CONFLICT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/channels/chain.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"

namespace mitra::channels {

struct ConflictOptions {
  int64_t start = kNoTime;  // window [start, end), kNoTime: from the transactions
  int64_t end = kNoTime;
  uint64_t min_shared_customers = 1;  // pairs sharing fewer are not listed
  double undercut_threshold = 0.02;   // in [0, 1)
  double min_units = 5;               // finite, >= 0
  int64_t period_seconds = 2629800;   // > 0; a month of 30.4375 days
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct SharedCustomers {
  Index a = kNoIndex, b = kNoIndex;  // a < b
  uint64_t shared = 0;
  uint64_t customers_a = 0, customers_b = 0;
  double jaccard = 0;
  Relation relation = Relation::kOther;
  bool same_territory = false;
};

struct TerritoryOverlap {
  std::string territory;
  std::vector<Index> members;  // ascending
};

struct Undercut {
  Index member = kNoIndex;  // the one pricing lower
  Index other = kNoIndex;
  Index product = kNoIndex;
  double price = 0, other_price = 0;  // realised, per unit
  double units = 0, other_units = 0;
  double gap = 0;  // 1 - price / other_price
  Relation relation = Relation::kOther;
};

struct Transition {
  Index from = kNoIndex, to = kNoIndex;
  uint64_t customers = 0;
};

struct PeriodSwitching {
  int64_t start = 0;      // the period's start
  uint64_t active = 0;    // customers with a purchase through a member in the period
  uint64_t stayed = 0;    // ... whose previous active period had the same member
  uint64_t switched = 0;  // ... whose previous one had another member
};

struct MemberSwitching {
  uint64_t kept = 0, lost = 0, won = 0;
};

struct Conflicts {
  // Most shared customers first (then a, b).
  std::vector<SharedCustomers> shared;
  std::vector<TerritoryOverlap> territories;  // by territory
  std::vector<Undercut> undercuts;            // widest gap first
  // Stays (from == to) and switches, sorted by (from, to).
  std::vector<Transition> transitions;
  std::vector<PeriodSwitching> periods;
  std::vector<MemberSwitching> members;  // by member index
  uint64_t stays = 0, switches = 0;
  double switching_share = 0;  // switches / (stays + switches)
};

// The one validation of the options: INVALID_ARGUMENT naming the option in
// the caller's terms (`names`: "undercut_threshold",
// "request.undercut_threshold") for a value out of range.
absl::Status CheckConflictOptions(const ConflictOptions& options);

// CheckConflictOptions, then FindCheckedConflicts. Besides the options'
// errors, INVALID_ARGUMENT naming "end" or "period_seconds" (as `names`
// says) for a window that is empty or has more than 100000 periods.
absl::StatusOr<Conflicts> FindConflicts(const Tables& tables, const Chain& chain,
                                        const ConflictOptions& options);
// For options already checked with CheckConflictOptions (a message layer
// that checks every field before any work).
absl::StatusOr<Conflicts> FindCheckedConflicts(const Tables& tables, const Chain& chain,
                                               const ConflictOptions& options);

}  // namespace mitra::channels

#endif  // MITRA_CHANNELS_CONFLICT_H_
