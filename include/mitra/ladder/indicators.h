// Involvement indicators: per customer, what they did (passive involvement:
// purchases, spend, visits) and what they said and made (active
// involvement: feedback, trials, referrals, community posts), each counted
// within a window of days before a reference time. The stage rules of the
// relationship ladder (ladder/stage_rules.h) are thresholds over these
// columns, and the involvement profile (ladder/involvement.h) is a fixed set
// of them.
//
// Counting rules (the same as the rank ladders of leaders/rank_ladder.h):
// only events strictly before as_of count; a window of w days is
// [as_of - w*86400 s, as_of), its start inclusive and rounded to the second;
// w = 0 means all time up to as_of. Days are UTC days.
#ifndef MITRA_LADDER_INDICATORS_H_
#define MITRA_LADDER_INDICATORS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/cocreation/credit.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"

namespace mitra::ladder {

// The numbers are those of mitra.v1.LadderIndicator (ladder.proto).
enum class Indicator : uint8_t {
  // Passive involvement: purchases (transactions).
  kPurchases = 1,           // transactions
  kPurchaseDays = 2,        // distinct UTC days with a transaction
  kSpend = 3,               // sum of amounts
  kMargin = 4,              // sum of margins (TransactionMargins)
  kDaysSincePurchase = 5,   // (as_of - last transaction) / 1 day; NaN without one; window 0
  kCustomerDays = 6,        // (as_of - first transaction) / 1 day; NaN without one; window 0
  // Community interactions (kind: an InteractionKind number, 0 = every kind).
  kInteractionsGiven = 7,     // interactions of `kind` the customer made
  kInteractionsReceived = 8,  // interactions of `kind` the customer received
  kDaysActive = 9,            // distinct UTC days with an interaction made
  kDistinctPeers = 10,        // distinct customers interacted with, either direction
  kCommunities = 11,          // communities of memberships current at as_of; window 0
  kMemberDays = 12,           // tenure: days since the earliest join before as_of, else since
                              // the first interaction made; NaN with neither; window 0
  // Active involvement: what customers say and make.
  kFeedback = 13,           // feedback responses
  kPrograms = 14,           // distinct co-creation programs answered (trials)
  kPromoterAnswers = 15,    // responses with would_recommend >= 9 (NPS promoters)
  kReferrals = 16,          // referrals made
  kConvertedReferrals = 17, // converted referrals made
  kAdoptedContributions = 18,  // adopted changes the customer contributed to (ChangeCredit)
  // Value scores supplied by the caller (value/customer_value.h); window 0.
  kPAlive = 19,
  kClv = 20,
};
inline constexpr int kMaxIndicator = 20;

// "purchases", "purchase_days", ... (the enum's lower-case name; "unknown"
// out of range).
const char* IndicatorName(Indicator indicator);

// One column to compute: an indicator, its interaction kind (only for
// kInteractionsGiven/Received, else 0) and its window.
struct IndicatorKey {
  Indicator indicator = Indicator::kPurchases;
  int kind = 0;
  double window_days = 0;
  bool operator==(const IndicatorKey& o) const {
    return indicator == o.indicator && kind == o.kind && window_days == o.window_days;
  }
};

// "purchase_days", "interactions_given[reply] in 90 days", ... for messages.
std::string KeyLabel(const IndicatorKey& key);

// Adopted product changes (co-creation credit) count towards
// kAdoptedContributions and the contribution's co-creation component.
using cocreation::ChangeCredit;
using cocreation::ValidateChanges;

struct IndicatorInputs {
  int64_t as_of = kNoTime;  // required
  // Margin rate for a transaction whose product has no unit price and cost:
  // margin = amount * rate. In [0, 1].
  double default_margin_rate = 0.25;
  // For kAdoptedContributions (validated with ValidateChanges).
  absl::Span<const ChangeCredit> changes;
  // Per customer (NaN: unknown), for kPAlive and kClv; empty when not scored.
  absl::Span<const double> p_alive, clv;
  // kNoIndex: every community. Otherwise the indicators that read
  // interactions or memberships (interactions_given/received, days_active,
  // distinct_peers, communities, member_days) count only the interactions
  // tagged with this community and its memberships; the others are not tied
  // to a community and count the same either way. The rank ladders'
  // community (leaders/rank_ladder.h).
  Index community = kNoIndex;
  // Per customer, 1 for the customers the stages count; the others are
  // never known (StageAssignment::known), so counts, history and listings
  // skip them while their records still count for the counted customers
  // (the other end of an interaction or a referral). Empty: every
  // customer. For a workspace of one partition of the customers and the
  // customers their records name (mitra.dask.stages).
  absl::Span<const uint8_t> counted;
  // How the caller names these inputs in errors (empty: as here).
  FieldPath names;
};

// The one validation of the inputs' options: INVALID_ARGUMENT naming
// "as_of" (not a time) or "default_margin_rate" (outside [0, 1]) in the
// caller's terms (`names`). ForEachIndicator makes it first.
absl::Status CheckIndicatorInputs(const IndicatorInputs& inputs);

// INVALID_ARGUMENT naming `where` (e.g. "rules.stages[2].requirements[0]")
// and the field: an indicator out of range, a kind outside 0..10 or given
// for another indicator, a window that is negative, not finite, over 1e6
// days, or not 0 where the indicator takes none.
absl::Status ValidateKey(const IndicatorKey& key, const std::string& where);

// Margin of each transaction: amount * (unit_price - unit_cost) / unit_price
// for a product with both (a negative margin stays negative), else amount *
// default_margin_rate.
std::vector<double> TransactionMargins(const Tables& tables, double default_margin_rate);

// One column per key, each with one value per customer (dense order).
// INVALID_ARGUMENT for a bad key or input, or a table row naming a customer
// out of range; NOT_FOUND for a community out of range; FAILED_PRECONDITION
// for kPAlive/kClv without scores.
absl::StatusOr<std::vector<std::vector<double>>> ComputeIndicators(
    const Tables& tables, absl::Span<const IndicatorKey> keys, const IndicatorInputs& inputs);
// The same, one column at a time: checks everything first, then calls
// sink(k, column of keys[k]) in key order, so that a caller can use and drop
// each column before the next is computed.
absl::Status ForEachIndicator(const Tables& tables, absl::Span<const IndicatorKey> keys,
                              const IndicatorInputs& inputs,
                              const std::function<void(size_t, std::vector<double>&&)>& sink);

// INVALID_ARGUMENT when a table row the indicators read names a customer
// or community out of range, a table's columns differ in length
// ("transactions[3].customer: ..."), or the interactions are more than 2^31.
// Tables of a Workspace always pass; hand-built ones (tests, benchmarks) are
// checked.
absl::Status CheckTableReferences(const Tables& tables);

// NOT_FOUND "community: 7 out of range (the workspace has 3)" unless
// community is kNoIndex or one of the workspace's.
absl::Status CheckCommunity(const Tables& tables, Index community);

// The earliest time each customer is known: created, or the first event
// naming them (transaction, interaction, membership, feedback, referral)
// when earlier or when created is unknown; kNoTime when nothing is dated.
std::vector<int64_t> FirstSeen(const Tables& tables);

// The default reference time: the UTC midnight after the latest dated event
// or creation time of the workspace (so that every event counts); 0 when
// nothing is dated.
int64_t DefaultLadderAsOf(const Tables& tables);

}  // namespace mitra::ladder

#endif  // MITRA_LADDER_INDICATORS_H_
