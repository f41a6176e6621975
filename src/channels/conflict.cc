#include "mitra/channels/conflict.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/request_errors.h"
#include "absl/strings/str_cat.h"
#include "customer_rows.h"
#include "member_spend.h"
#include "mitra/channels/economics.h"
#include "mitra/core/time_format.h"

namespace mitra::channels {
namespace {

uint64_t Key(uint32_t a, uint32_t b) { return static_cast<uint64_t>(a) << 32 | b; }
uint32_t High(uint64_t k) { return static_cast<uint32_t>(k >> 32); }
uint32_t Low(uint64_t k) { return static_cast<uint32_t>(k); }

// Sorts keys and turns them into (key, count) runs.
std::vector<std::pair<uint64_t, uint64_t>> Runs(std::vector<uint64_t>& keys) {
  std::sort(keys.begin(), keys.end());
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (size_t i = 0; i < keys.size();) {
    size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    out.emplace_back(keys[i], j - i);
    i = j;
  }
  return out;
}

// A member's realised sales of one product.
struct Priced {
  Index member, product;
  double amount, units;
};

// The window and its switching periods.
struct Window {
  int64_t start, end, period_seconds;
  bool Contains(int64_t t) const { return t >= start && t < end; }
  size_t PeriodOf(int64_t t) const { return static_cast<size_t>((t - start) / period_seconds); }
};

// Per customer: the members they bought from (for the shared customers)
// and their member per period (the one with the most money), whose changes
// from one active period to the next are the switching.
class CustomerPass {
 public:
  CustomerPass(const TransactionTable& t, const Window& w, Conflicts& out)
      : t_(t), w_(w), out_(out), customers_of_(out.members.size(), 0) {}

  void Customer(absl::Span<const uint32_t> rows) {
    sellers_.clear();
    previous_ = kNoIndex;
    period_ = SIZE_MAX;
    for (uint32_t i : rows) {
      const Index s = t_.channel[i];
      if (s == kNoIndex || !w_.Contains(t_.time[i])) continue;
      sellers_.push_back(s);
      const size_t p = w_.PeriodOf(t_.time[i]);
      if (p != period_) {
        ClosePeriod();
        period_ = p;
      }
      spend_.Add(s, t_.amount[i]);
    }
    ClosePeriod();
    std::sort(sellers_.begin(), sellers_.end());
    sellers_.erase(std::unique(sellers_.begin(), sellers_.end()), sellers_.end());
    for (size_t i = 0; i < sellers_.size(); ++i) {
      ++customers_of_[sellers_[i]];
      for (size_t j = i + 1; j < sellers_.size(); ++j)
        pair_keys_.push_back(Key(sellers_[i], sellers_[j]));
    }
  }

  const std::vector<uint64_t>& customers_of() const { return customers_of_; }
  std::vector<uint64_t>& pair_keys() { return pair_keys_; }
  std::vector<uint64_t>& transition_keys() { return transition_keys_; }

 private:
  // The period ends: its member against the previous active period's.
  void ClosePeriod() {
    if (spend_.empty()) return;
    const Index main = spend_.Main();
    PeriodSwitching& ps = out_.periods[period_];
    ++ps.active;
    if (previous_ != kNoIndex) {
      transition_keys_.push_back(Key(previous_, main));
      if (previous_ == main) {
        ++ps.stayed;
        ++out_.members[main].kept;
      } else {
        ++ps.switched;
        ++out_.members[previous_].lost;
        ++out_.members[main].won;
      }
    }
    previous_ = main;
    spend_.Clear();
  }

  const TransactionTable& t_;
  const Window& w_;
  Conflicts& out_;
  std::vector<uint64_t> customers_of_, pair_keys_, transition_keys_;
  std::vector<Index> sellers_;
  MemberSpend spend_;  // this period's
  Index previous_ = kNoIndex;
  size_t period_ = SIZE_MAX;
};

// Pairs sharing at least min_shared_customers customers, most shared first;
// their keys are candidates for undercutting.
void SharedCustomerPairs(const Chain& chain, const ChannelTable& ch, const CustomerPass& pass,
                         std::vector<uint64_t>& pair_keys, uint64_t min_shared, Conflicts& out,
                         std::vector<uint64_t>& candidates) {
  for (const auto& [key, n] : Runs(pair_keys)) {
    if (n < min_shared) continue;
    SharedCustomers s;
    s.a = High(key);
    s.b = Low(key);
    s.shared = n;
    s.customers_a = pass.customers_of()[s.a];
    s.customers_b = pass.customers_of()[s.b];
    s.jaccard = static_cast<double>(n) / static_cast<double>(s.customers_a + s.customers_b - n);
    s.relation = chain.RelationOf(s.a, s.b);
    s.same_territory = !ch.territory[s.a].empty() && ch.territory[s.a] == ch.territory[s.b];
    out.shared.push_back(s);
    candidates.push_back(key);
  }
  std::stable_sort(
      out.shared.begin(), out.shared.end(),
      [](const SharedCustomers& x, const SharedCustomers& y) { return x.shared > y.shared; });
}

// Territories with members that are not all in one line of the chain;
// every pair in a territory is a candidate for undercutting.
void SharedTerritories(const Chain& chain, const ChannelTable& ch, Conflicts& out,
                       std::vector<uint64_t>& candidates) {
  std::map<std::string, std::vector<Index>> by_territory;
  for (Index m = 0; m < chain.size(); ++m)
    if (!ch.territory[m].empty()) by_territory[ch.territory[m]].push_back(m);
  for (auto& [name, members] : by_territory) {
    bool conflict = false;
    for (size_t i = 0; i < members.size(); ++i) {
      for (size_t j = i + 1; j < members.size(); ++j) {
        candidates.push_back(Key(members[i], members[j]));
        conflict = conflict || chain.RelationOf(members[i], members[j]) != Relation::kVertical;
      }
    }
    if (conflict) out.territories.push_back({name, members});
  }
}

// Realised prices per (member, product), from own sales in the window,
// sorted by member and product; those on fewer than min_units units left
// out. A dense table when members x products is small, else sorted keys.
std::vector<Priced> RealisedPrices(const Tables& tables, size_t M, const Window& w,
                                   double min_units) {
  const TransactionTable& t = tables.transactions;
  const size_t products = tables.products.ids.size();
  std::vector<Priced> priced;
  std::vector<double> amount, units;
  const bool dense = M * products <= (size_t{1} << 24);
  if (dense) amount.assign(M * products, 0), units.assign(M * products, 0);
  std::vector<std::pair<uint64_t, std::pair<double, double>>> sparse;
  for (size_t i = 0; i < t.customer.size(); ++i) {
    const Index s = t.channel[i], p = t.product[i];
    if (s == kNoIndex || p == kNoIndex || !w.Contains(t.time[i])) continue;
    const double u = Units(t.quantity[i]);
    if (dense) {
      amount[s * products + p] += t.amount[i];
      units[s * products + p] += u;
    } else {
      sparse.push_back({Key(s, p), {t.amount[i], u}});
    }
  }
  if (dense) {
    for (Index m = 0; m < M; ++m)
      for (Index p = 0; p < products; ++p)
        if (units[m * products + p] > 0)
          priced.push_back({m, p, amount[m * products + p], units[m * products + p]});
  } else {
    std::sort(sparse.begin(), sparse.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    for (size_t i = 0; i < sparse.size();) {
      Priced e{High(sparse[i].first), Low(sparse[i].first), 0, 0};
      for (; i < sparse.size() && Key(e.member, e.product) == sparse[i].first; ++i)
        e.amount += sparse[i].second.first, e.units += sparse[i].second.second;
      priced.push_back(e);
    }
  }
  priced.erase(std::remove_if(priced.begin(), priced.end(),
                              [&](const Priced& e) { return e.units < min_units || e.units <= 0; }),
               priced.end());
  return priced;
}

// Each member's priced products: the range [first[m], first[m + 1]) of
// `priced` (sorted by member).
std::vector<uint32_t> PricedRanges(const std::vector<Priced>& priced, size_t M) {
  std::vector<uint32_t> first(M + 1, 0);
  for (const Priced& e : priced) ++first[e.member + 1];
  for (size_t m = 0; m < M; ++m) first[m + 1] += first[m];
  return first;
}

// Competing pairs with prices on both sides: vertical (any ancestor) and
// siblings, added to the candidates, which are then made unique.
void CompetingPairs(const Chain& chain, const std::vector<uint32_t>& first,
                    std::vector<uint64_t>& candidates) {
  auto priced = [&](Index m) { return first[m + 1] > first[m]; };
  for (Index m = 0; m < chain.size(); ++m) {
    if (!priced(m)) continue;
    for (Index a : chain.Path(m).subspan(1))
      if (priced(a)) candidates.push_back(Key(std::min(a, m), std::max(a, m)));
  }
  for (Index m = 0; m < chain.size(); ++m) {
    const auto kids = chain.Children(m);
    for (size_t i = 0; i < kids.size(); ++i) {
      if (!priced(kids[i])) continue;
      for (size_t j = i + 1; j < kids.size(); ++j)
        if (priced(kids[j])) candidates.push_back(Key(kids[i], kids[j]));
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
}

// x and y price one product; an undercut when one is below the other's
// price times `keep` (1 - threshold).
void CompareProduct(const Priced& x, const Priced& y, double keep, Relation relation,
                    Conflicts& out) {
  const double px = x.amount / x.units, py = y.amount / y.units;
  const Priced* lo = nullptr;
  const Priced* hi = nullptr;
  if (px < py * keep)
    lo = &x, hi = &y;
  else if (py < px * keep)
    lo = &y, hi = &x;
  if (lo == nullptr) return;
  Undercut u;
  u.member = lo->member;
  u.other = hi->member;
  u.product = x.product;
  u.price = lo->amount / lo->units;
  u.other_price = hi->amount / hi->units;
  u.units = lo->units;
  u.other_units = hi->units;
  u.gap = 1 - u.price / u.other_price;
  u.relation = relation;
  out.undercuts.push_back(u);
}

// The undercuts between the candidate pairs, widest gap first: their
// common products, by a merge of the two sorted ranges.
void Undercuts(const Chain& chain, const std::vector<Priced>& priced,
               const std::vector<uint32_t>& first, const std::vector<uint64_t>& candidates,
               double threshold, Conflicts& out) {
  const double keep = 1 - threshold;
  for (uint64_t key : candidates) {
    const Index a = High(key), b = Low(key);
    uint32_t i = first[a], j = first[b];
    while (i < first[a + 1] && j < first[b + 1]) {
      const Priced& x = priced[i];
      const Priced& y = priced[j];
      if (x.product < y.product) {
        ++i;
        continue;
      }
      if (y.product < x.product) {
        ++j;
        continue;
      }
      CompareProduct(x, y, keep, chain.RelationOf(a, b), out);
      ++i, ++j;
    }
  }
  std::stable_sort(out.undercuts.begin(), out.undercuts.end(),
                   [](const Undercut& x, const Undercut& y) { return x.gap > y.gap; });
}

// The transitions between periods, stays and switches.
void Switching(std::vector<uint64_t>& transition_keys, Conflicts& out) {
  for (const auto& [key, n] : Runs(transition_keys)) {
    out.transitions.push_back({High(key), Low(key), n});
    (High(key) == Low(key) ? out.stays : out.switches) += n;
  }
  if (out.stays + out.switches > 0)
    out.switching_share =
        static_cast<double>(out.switches) / static_cast<double>(out.stays + out.switches);
}

}  // namespace

absl::Status CheckConflictOptions(const ConflictOptions& o) {
  for (const auto& [t, field] : {std::pair{o.start, "start"}, {o.end, "end"}}) {
    if (t == kNoTime) continue;
    if (absl::Status s = CheckTime(t, o.names(field)); !s.ok()) return s;
  }
  if (absl::Status s = CheckRange(o.undercut_threshold, o.names("undercut_threshold"),
                                  o.undercut_threshold >= 0 && o.undercut_threshold < 1, "in [0, 1)");
      !s.ok())
    return s;
  if (absl::Status s =
          CheckRange(o.min_units, o.names("min_units"), o.min_units >= 0, "finite and >= 0");
      !s.ok())
    return s;
  if (o.period_seconds <= 0)
    return Invalid(o.names("period_seconds"), absl::StrCat("must be > 0, got ", o.period_seconds));
  return absl::OkStatus();
}

absl::StatusOr<Conflicts> FindConflicts(const Tables& tables, const Chain& chain,
                                        const ConflictOptions& o) {
  if (absl::Status s = CheckConflictOptions(o); !s.ok()) return s;
  return FindCheckedConflicts(tables, chain, o);
}

absl::StatusOr<Conflicts> FindCheckedConflicts(const Tables& tables, const Chain& chain,
                                               const ConflictOptions& o) {
  const ChannelTable& ch = tables.channels;
  if (chain.size() != ch.ids.size())
    return absl::InvalidArgumentError("chain: built from another channel table");
  const TransactionTable& t = tables.transactions;
  const auto [start, end] = DefaultWindow(t, o.start, o.end);
  if (start >= end)
    return Invalid(o.names("end"), absl::StrCat("must be after start (", FormatTime(start), "), got ",
                                                FormatTime(end)));
  const size_t M = chain.size(), C = tables.customers.ids.size();
  const size_t P = static_cast<size_t>((end - 1 - start) / o.period_seconds) + 1;
  if (P > 100000)
    return Invalid(o.names("period_seconds"), absl::StrCat("gives ", P, " periods (at most 100000)"));
  const Window w{start, end, o.period_seconds};
  Conflicts out;
  out.members.resize(M);
  out.periods.resize(P);
  for (size_t p = 0; p < P; ++p)
    out.periods[p].start = start + static_cast<int64_t>(p) * o.period_seconds;

  CustomerPass pass(t, w, out);
  const CustomerRows rows(t, C);
  for (size_t c = 0; c < C; ++c) pass.Customer(rows.Of(c));
  std::vector<uint64_t> candidates;  // competing pairs (a < b) for undercutting
  SharedCustomerPairs(chain, ch, pass, pass.pair_keys(), o.min_shared_customers, out, candidates);
  SharedTerritories(chain, ch, out, candidates);
  const std::vector<Priced> priced = RealisedPrices(tables, M, w, o.min_units);
  const std::vector<uint32_t> first = PricedRanges(priced, M);
  CompetingPairs(chain, first, candidates);
  Undercuts(chain, priced, first, candidates, o.undercut_threshold, out);
  Switching(pass.transition_keys(), out);
  return out;
}

}  // namespace mitra::channels
