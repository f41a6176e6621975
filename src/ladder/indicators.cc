#include "mitra/ladder/indicators.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "common/request_errors.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "mitra/graph/interaction_graph.h"

namespace mitra::ladder {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr double kMaxWindowDays = 1e6;  // ~2700 years: window seconds stay far from overflow
constexpr int64_t kEarliest = std::numeric_limits<int64_t>::min();

int64_t FloorDay(int64_t t) {
  int64_t q = t / kSecondsPerDay;
  if (t % kSecondsPerDay != 0 && t < 0) --q;
  return q;
}

// Saturates at the earliest time rather than overflow for an as_of near it.
int64_t WindowStart(int64_t as_of, double window_days) {
  if (window_days == 0) return kEarliest;
  const int64_t seconds = std::llround(window_days * kSecondsPerDay);
  return as_of < kEarliest + seconds ? kEarliest : as_of - seconds;
}

bool TakesKind(Indicator i) {
  return i == Indicator::kInteractionsGiven || i == Indicator::kInteractionsReceived;
}

// Indicators of a state at as_of (or of a supplied score): no window.
bool TakesNoWindow(Indicator i) {
  switch (i) {
    case Indicator::kDaysSincePurchase:
    case Indicator::kCustomerDays:
    case Indicator::kCommunities:
    case Indicator::kMemberDays:
    case Indicator::kPAlive:
    case Indicator::kClv:
      return true;
    default:
      return false;
  }
}

absl::Status OutOfRange(const char* table, size_t row, const char* field,
                        const char* what = "customer") {
  return absl::InvalidArgumentError(
      absl::StrCat(table, "[", row, "].", field, ": ", what, " index out of range"));
}

}  // namespace

absl::Status CheckTableReferences(const Tables& t) {
  const size_t n = t.customers.ids.size();
  const TransactionTable& x = t.transactions;
  if (x.time.size() != x.customer.size() || x.amount.size() != x.customer.size() ||
      x.product.size() != x.customer.size())
    return absl::InvalidArgumentError("transactions: columns differ in length");
  for (size_t i = 0; i < x.customer.size(); ++i)
    if (x.customer[i] >= n) return OutOfRange("transactions", i, "customer");
  const size_t communities = t.communities.ids.size();
  const InteractionTable& it = t.interactions;
  if (it.to.size() != it.from.size() || it.kind.size() != it.from.size() ||
      it.time.size() != it.from.size() || it.community.size() != it.from.size())
    return absl::InvalidArgumentError("interactions: columns differ in length");
  // Distinct peers list each interaction twice in 32-bit offsets.
  if (it.from.size() > std::numeric_limits<uint32_t>::max() / 2)
    return absl::InvalidArgumentError("interactions: too many rows");
  for (size_t i = 0; i < it.from.size(); ++i) {
    if (it.from[i] >= n) return OutOfRange("interactions", i, "from");
    if (it.to[i] != kNoIndex && it.to[i] >= n) return OutOfRange("interactions", i, "to");
    if (it.community[i] != kNoIndex && it.community[i] >= communities)
      return OutOfRange("interactions", i, "community", "community");
  }
  const MembershipTable& m = t.memberships;
  if (m.community.size() != m.customer.size() || m.joined.size() != m.customer.size() ||
      m.left.size() != m.customer.size())
    return absl::InvalidArgumentError("memberships: columns differ in length");
  for (size_t i = 0; i < m.customer.size(); ++i) {
    if (m.customer[i] >= n) return OutOfRange("memberships", i, "customer");
    if (m.community[i] >= communities)
      return OutOfRange("memberships", i, "community", "community");
  }
  const FeedbackTable& f = t.feedback;
  if (f.program.size() != f.customer.size() || f.time.size() != f.customer.size() ||
      f.would_recommend.size() != f.customer.size())
    return absl::InvalidArgumentError("feedback: columns differ in length");
  for (size_t i = 0; i < f.customer.size(); ++i)
    if (f.customer[i] >= n) return OutOfRange("feedback", i, "customer");
  const ReferralTable& r = t.referrals;
  if (r.referee.size() != r.referrer.size() || r.time.size() != r.referrer.size() ||
      r.converted.size() != r.referrer.size())
    return absl::InvalidArgumentError("referrals: columns differ in length");
  for (size_t i = 0; i < r.referrer.size(); ++i) {
    if (r.referrer[i] >= n) return OutOfRange("referrals", i, "referrer");
    if (r.referee[i] != kNoIndex && r.referee[i] >= n) return OutOfRange("referrals", i, "referee");
  }
  return absl::OkStatus();
}

namespace {

// Distinct values per customer among the (customer, value) pairs `emit`
// produces (it is called twice and must produce the same pairs): a CSR by
// customer, each customer's values sorted and counted.
template <typename Emit>
std::vector<double> DistinctPerCustomer(size_t n, Emit emit) {
  std::vector<uint32_t> offset(n + 1, 0);
  emit([&](Index c, int64_t) { ++offset[c + 1]; });
  for (size_t c = 0; c < n; ++c) offset[c + 1] += offset[c];
  std::vector<int64_t> values(offset[n]);
  std::vector<uint32_t> fill(offset.begin(), offset.end() - 1);
  emit([&](Index c, int64_t v) { values[fill[c]++] = v; });
  std::vector<double> out(n, 0.0);
  for (size_t c = 0; c < n; ++c) {
    const auto b = values.begin() + offset[c], e = values.begin() + offset[c + 1];
    if (e - b > 1) std::sort(b, e);
    out[c] = static_cast<double>(std::unique(b, e) - b);
  }
  return out;
}

class Columns {
 public:
  Columns(const Tables& t, const IndicatorInputs& in)
      : t_(t), in_(in), n_(t.customers.ids.size()) {}

  std::vector<double> Compute(const IndicatorKey& key) {
    const int64_t as_of = in_.as_of;
    const int64_t start = WindowStart(as_of, key.window_days);
    auto in_window = [&](int64_t time) { return time < as_of && time >= start; };
    std::vector<double> v(n_, 0.0);
    const TransactionTable& x = t_.transactions;
    const InteractionTable& it = t_.interactions;
    const MembershipTable& m = t_.memberships;
    const FeedbackTable& f = t_.feedback;
    const ReferralTable& r = t_.referrals;
    // With a community, only its interactions and memberships count.
    const Index community = in_.community;
    auto interaction_counts = [&](size_t i) {
      return community == kNoIndex || it.community[i] == community;
    };
    auto membership_counts = [&](size_t i) {
      return community == kNoIndex || m.community[i] == community;
    };
    switch (key.indicator) {
      case Indicator::kPurchases:
        for (size_t i = 0; i < x.customer.size(); ++i)
          if (in_window(x.time[i])) v[x.customer[i]] += 1;
        break;
      case Indicator::kSpend:
        for (size_t i = 0; i < x.customer.size(); ++i)
          if (in_window(x.time[i])) v[x.customer[i]] += x.amount[i];
        break;
      case Indicator::kMargin: {
        const std::vector<double>& m = Margins();
        for (size_t i = 0; i < x.customer.size(); ++i)
          if (in_window(x.time[i])) v[x.customer[i]] += m[i];
        break;
      }
      case Indicator::kPurchaseDays:
        v = DistinctPerCustomer(n_, [&](auto&& emit) {
          for (size_t i = 0; i < x.customer.size(); ++i)
            if (in_window(x.time[i])) emit(x.customer[i], FloorDay(x.time[i]));
        });
        break;
      case Indicator::kDaysSincePurchase:
      case Indicator::kCustomerDays: {
        const bool last = key.indicator == Indicator::kDaysSincePurchase;
        std::vector<int64_t> when(n_, kNoTime);
        for (size_t i = 0; i < x.customer.size(); ++i) {
          if (x.time[i] >= as_of) continue;
          int64_t& w = when[x.customer[i]];
          if (w == kNoTime || (last ? x.time[i] > w : x.time[i] < w)) w = x.time[i];
        }
        for (size_t c = 0; c < n_; ++c)
          v[c] = when[c] == kNoTime ? kNoNumber
                                    : static_cast<double>(as_of - when[c]) / kSecondsPerDay;
        break;
      }
      case Indicator::kInteractionsGiven:
      case Indicator::kInteractionsReceived: {
        const std::vector<Index>& who =
            key.indicator == Indicator::kInteractionsGiven ? it.from : it.to;
        for (size_t i = 0; i < it.from.size(); ++i) {
          if (key.kind != 0 && it.kind[i] != key.kind) continue;
          if (who[i] != kNoIndex && in_window(it.time[i]) && interaction_counts(i)) v[who[i]] += 1;
        }
        break;
      }
      case Indicator::kDaysActive:
        v = DistinctPerCustomer(n_, [&](auto&& emit) {
          for (size_t i = 0; i < it.from.size(); ++i)
            if (in_window(it.time[i]) && interaction_counts(i)) emit(it.from[i], FloorDay(it.time[i]));
        });
        break;
      case Indicator::kDistinctPeers:
        v = DistinctPerCustomer(n_, [&](auto&& emit) {
          for (size_t i = 0; i < it.from.size(); ++i) {
            const Index a = it.from[i], b = it.to[i];
            if (b == kNoIndex || a == b || !in_window(it.time[i]) || !interaction_counts(i)) continue;
            emit(a, b);
            emit(b, a);
          }
        });
        break;
      case Indicator::kCommunities:
        v = DistinctPerCustomer(n_, [&](auto&& emit) {
          for (size_t i = 0; i < m.customer.size(); ++i)
            if (m.joined[i] < as_of && (m.left[i] == kNoTime || m.left[i] >= as_of) &&
                membership_counts(i))
              emit(m.customer[i], m.community[i]);
        });
        break;
      case Indicator::kMemberDays: {
        // Tenure: from the earliest join when the customer has joined before
        // as_of, else from the first interaction they made; NaN with neither.
        std::vector<int64_t> joined(n_, kNoTime), acted(n_, kNoTime);
        auto earliest = [](int64_t& w, int64_t time) {
          if (w == kNoTime || time < w) w = time;
        };
        for (size_t i = 0; i < m.customer.size(); ++i)
          if (m.joined[i] < as_of && membership_counts(i)) earliest(joined[m.customer[i]], m.joined[i]);
        for (size_t i = 0; i < it.from.size(); ++i)
          if (it.time[i] < as_of && interaction_counts(i)) earliest(acted[it.from[i]], it.time[i]);
        for (size_t c = 0; c < n_; ++c) {
          const int64_t first = joined[c] != kNoTime ? joined[c] : acted[c];
          v[c] = first == kNoTime ? kNoNumber : static_cast<double>(as_of - first) / kSecondsPerDay;
        }
        break;
      }
      case Indicator::kFeedback:
      case Indicator::kPromoterAnswers: {
        const bool promoters = key.indicator == Indicator::kPromoterAnswers;
        for (size_t i = 0; i < f.customer.size(); ++i) {
          if (!in_window(f.time[i])) continue;
          if (promoters && !(f.would_recommend[i] >= 9)) continue;  // NaN: not asked
          v[f.customer[i]] += 1;
        }
        break;
      }
      case Indicator::kPrograms:
        v = DistinctPerCustomer(n_, [&](auto&& emit) {
          for (size_t i = 0; i < f.customer.size(); ++i)
            if (in_window(f.time[i])) emit(f.customer[i], f.program[i]);
        });
        break;
      case Indicator::kReferrals:
      case Indicator::kConvertedReferrals: {
        const bool converted = key.indicator == Indicator::kConvertedReferrals;
        for (size_t i = 0; i < r.referrer.size(); ++i)
          if (in_window(r.time[i]) && (!converted || r.converted[i])) v[r.referrer[i]] += 1;
        break;
      }
      case Indicator::kAdoptedContributions:
        for (const ChangeCredit& ch : in_.changes) {
          if (ch.time != kNoTime && !in_window(ch.time)) continue;
          for (Index c : ch.contributors) v[c] += 1;
        }
        break;
      case Indicator::kPAlive:
        v.assign(in_.p_alive.begin(), in_.p_alive.end());
        break;
      case Indicator::kClv:
        v.assign(in_.clv.begin(), in_.clv.end());
        break;
    }
    return v;
  }

 private:
  const std::vector<double>& Margins() {
    if (margins_.size() != t_.transactions.customer.size())
      margins_ = TransactionMargins(t_, in_.default_margin_rate);
    return margins_;
  }

  const Tables& t_;
  const IndicatorInputs& in_;
  const size_t n_;
  std::vector<double> margins_;
};

}  // namespace

const char* IndicatorName(Indicator indicator) {
  switch (indicator) {
    case Indicator::kPurchases: return "purchases";
    case Indicator::kPurchaseDays: return "purchase_days";
    case Indicator::kSpend: return "spend";
    case Indicator::kMargin: return "margin";
    case Indicator::kDaysSincePurchase: return "days_since_purchase";
    case Indicator::kCustomerDays: return "customer_days";
    case Indicator::kInteractionsGiven: return "interactions_given";
    case Indicator::kInteractionsReceived: return "interactions_received";
    case Indicator::kDaysActive: return "days_active";
    case Indicator::kDistinctPeers: return "distinct_peers";
    case Indicator::kCommunities: return "communities";
    case Indicator::kMemberDays: return "member_days";
    case Indicator::kFeedback: return "feedback";
    case Indicator::kPrograms: return "programs";
    case Indicator::kPromoterAnswers: return "promoter_answers";
    case Indicator::kReferrals: return "referrals";
    case Indicator::kConvertedReferrals: return "converted_referrals";
    case Indicator::kAdoptedContributions: return "adopted_contributions";
    case Indicator::kPAlive: return "p_alive";
    case Indicator::kClv: return "clv";
  }
  return "unknown";
}

std::string KeyLabel(const IndicatorKey& key) {
  std::string s = IndicatorName(key.indicator);
  if (TakesKind(key.indicator) && key.kind != 0)
    absl::StrAppend(&s, "[", graph::InteractionKindName(key.kind), "]");
  if (key.window_days != 0) absl::StrAppend(&s, " in ", key.window_days, " days");
  return s;
}

absl::Status ValidateKey(const IndicatorKey& key, const std::string& where) {
  const int i = static_cast<int>(key.indicator);
  if (i < 1 || i > kMaxIndicator)
    return absl::InvalidArgumentError(
        absl::StrCat(where, ".indicator: ", i, " is not a LadderIndicator (1..", kMaxIndicator, ")"));
  if (TakesKind(key.indicator)) {
    if (key.kind < 0 || key.kind >= graph::kInteractionKinds)
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".kind: ", key.kind, " is not an InteractionKind (0 = every kind, 1..10)"));
  } else if (key.kind != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ".kind: applies to interactions_given and interactions_received only"));
  }
  if (!(key.window_days >= 0 && key.window_days <= kMaxWindowDays))  // also NaN
    return absl::InvalidArgumentError(absl::StrCat(
        where, ".window_days: must be in [0, 1e6] (0: all time), got ", key.window_days));
  if (TakesNoWindow(key.indicator) && key.window_days != 0)
    return absl::InvalidArgumentError(absl::StrCat(where, ".window_days: must be 0 for ",
                                                   IndicatorName(key.indicator),
                                                   " (a state at as_of)"));
  return absl::OkStatus();
}

std::vector<double> TransactionMargins(const Tables& tables, double default_margin_rate) {
  const TransactionTable& x = tables.transactions;
  const ProductTable& p = tables.products;
  // Rate per product, NaN where the product lacks a price or cost.
  std::vector<double> rate(p.ids.size(), kNoNumber);
  for (size_t k = 0; k < rate.size() && k < p.unit_price.size() && k < p.unit_cost.size(); ++k) {
    const double price = p.unit_price[k], cost = p.unit_cost[k];
    if (std::isfinite(price) && price > 0 && std::isfinite(cost)) rate[k] = (price - cost) / price;
  }
  std::vector<double> m(x.customer.size());
  for (size_t i = 0; i < m.size(); ++i) {
    const Index prod = x.product[i];
    const double r = prod < rate.size() && !std::isnan(rate[prod]) ? rate[prod] : default_margin_rate;
    m[i] = x.amount[i] * r;
  }
  return m;
}

absl::StatusOr<std::vector<std::vector<double>>> ComputeIndicators(
    const Tables& tables, absl::Span<const IndicatorKey> keys, const IndicatorInputs& inputs) {
  std::vector<std::vector<double>> out;
  out.reserve(keys.size());
  absl::Status s = ForEachIndicator(tables, keys, inputs, [&](size_t, std::vector<double>&& v) {
    out.push_back(std::move(v));
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status ForEachIndicator(const Tables& tables, absl::Span<const IndicatorKey> keys,
                              const IndicatorInputs& inputs,
                              const std::function<void(size_t, std::vector<double>&&)>& sink) {
  if (absl::Status s = CheckIndicatorInputs(inputs); !s.ok()) return s;
  if (absl::Status s = CheckCommunity(tables, inputs.community); !s.ok()) return s;
  const size_t n = tables.customers.ids.size();
  bool uses_changes = false;
  for (size_t k = 0; k < keys.size(); ++k) {
    if (absl::Status s = ValidateKey(keys[k], absl::StrCat("keys[", k, "]")); !s.ok()) return s;
    const Indicator i = keys[k].indicator;
    uses_changes |= i == Indicator::kAdoptedContributions;
    if (i == Indicator::kPAlive || i == Indicator::kClv) {
      const absl::Span<const double> scores = i == Indicator::kPAlive ? inputs.p_alive : inputs.clv;
      if (scores.empty())
        return absl::FailedPreconditionError(absl::StrCat(
            IndicatorName(i), ": the rules use a value score but none was computed"));
      if (scores.size() != n)
        return absl::InvalidArgumentError(absl::StrCat(IndicatorName(i), ": ", scores.size(),
                                                       " scores for ", n, " customers"));
    }
  }
  if (uses_changes) {
    if (absl::Status s = ValidateChanges(inputs.changes, n); !s.ok()) return s;
  }
  if (absl::Status s = CheckTableReferences(tables); !s.ok()) return s;
  Columns columns(tables, inputs);
  for (size_t k = 0; k < keys.size(); ++k) sink(k, columns.Compute(keys[k]));
  return absl::OkStatus();
}

absl::Status CheckIndicatorInputs(const IndicatorInputs& inputs) {
  if (inputs.as_of == kNoTime) return Invalid(inputs.names("as_of"), "must be a time");
  const double rate = inputs.default_margin_rate;
  return CheckRange(rate, inputs.names("default_margin_rate"), rate >= 0 && rate <= 1, "in [0, 1]");
}

absl::Status CheckCommunity(const Tables& tables, Index community) {
  const size_t communities = tables.communities.ids.size();
  if (community == kNoIndex || community < communities) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat("community: ", community,
                                          " out of range (the workspace has ", communities, ")"));
}

std::vector<int64_t> FirstSeen(const Tables& t) {
  const size_t n = t.customers.ids.size();
  std::vector<int64_t> first(n, kNoTime);
  auto see = [&](Index c, int64_t time) {
    if (c >= n || time == kNoTime) return;
    if (first[c] == kNoTime || time < first[c]) first[c] = time;
  };
  for (size_t c = 0; c < n && c < t.customers.created.size(); ++c) see(c, t.customers.created[c]);
  const TransactionTable& x = t.transactions;
  for (size_t i = 0; i < x.customer.size(); ++i) see(x.customer[i], x.time[i]);
  const InteractionTable& it = t.interactions;
  for (size_t i = 0; i < it.from.size(); ++i) {
    see(it.from[i], it.time[i]);
    see(it.to[i], it.time[i]);
  }
  const MembershipTable& m = t.memberships;
  for (size_t i = 0; i < m.customer.size(); ++i) see(m.customer[i], m.joined[i]);
  const FeedbackTable& f = t.feedback;
  for (size_t i = 0; i < f.customer.size(); ++i) see(f.customer[i], f.time[i]);
  const ReferralTable& r = t.referrals;
  for (size_t i = 0; i < r.referrer.size(); ++i) {
    see(r.referrer[i], r.time[i]);
    see(r.referee[i], r.time[i]);
  }
  return first;
}

int64_t DefaultLadderAsOf(const Tables& t) {
  int64_t latest = kNoTime;
  auto see = [&](int64_t time) {
    if (time != kNoTime && (latest == kNoTime || time > latest)) latest = time;
  };
  for (int64_t time : t.customers.created) see(time);
  for (int64_t time : t.transactions.time) see(time);
  for (int64_t time : t.interactions.time) see(time);
  for (int64_t time : t.memberships.joined) see(time);
  for (int64_t time : t.memberships.left) see(time);
  for (int64_t time : t.feedback.time) see(time);
  for (int64_t time : t.referrals.time) see(time);
  if (latest == kNoTime) return 0;
  return (FloorDay(latest) + 1) * kSecondsPerDay;
}

}  // namespace mitra::ladder
