#include "mitra/channels/conflict.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "common/request_errors.h"
#include "absl/strings/str_cat.h"
#include "customer_rows.h"
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

}  // namespace

absl::StatusOr<Conflicts> FindConflicts(const Tables& tables, const Chain& chain,
                                        const ConflictOptions& o) {
  for (const auto& [t, where] : {std::pair{o.start, "start"}, {o.end, "end"}}) {
    if (t == kNoTime) continue;
    if (std::string p = TimeProblem(t); !p.empty()) return Invalid(where, p);
  }
  if (!(std::isfinite(o.undercut_threshold) && o.undercut_threshold >= 0 &&
        o.undercut_threshold < 1))
    return Invalid("undercut_threshold",
                   absl::StrCat("must be in [0, 1), got ", o.undercut_threshold));
  if (!(std::isfinite(o.min_units) && o.min_units >= 0))
    return Invalid("min_units", absl::StrCat("must be finite and >= 0, got ", o.min_units));
  if (o.period_seconds <= 0)
    return Invalid("period_seconds", absl::StrCat("must be > 0, got ", o.period_seconds));
  const ChannelTable& ch = tables.channels;
  if (chain.size() != ch.ids.size())
    return absl::InvalidArgumentError("chain: built from another channel table");
  const TransactionTable& t = tables.transactions;
  const auto [start, end] = DefaultWindow(t, o.start, o.end);
  if (start >= end)
    return Invalid("end", absl::StrCat("must be after start (", FormatTime(start), "), got ",
                                       FormatTime(end)));
  const size_t M = chain.size(), C = tables.customers.ids.size();
  const size_t P = static_cast<size_t>((end - 1 - start) / o.period_seconds) + 1;
  if (P > 100000)
    return Invalid("period_seconds", absl::StrCat("gives ", P, " periods (at most 100000)"));
  Conflicts out;
  out.members.resize(M);
  out.periods.resize(P);
  for (size_t p = 0; p < P; ++p)
    out.periods[p].start = start + static_cast<int64_t>(p) * o.period_seconds;

  // Per customer: the members they bought from, and their member per period.
  std::vector<uint64_t> customers_of(M, 0);
  std::vector<uint64_t> pair_keys, transition_keys;
  std::vector<Index> sellers;
  std::vector<std::pair<Index, double>> spend;  // in order of first purchase in the period
  const CustomerRows rows(t, C);
  for (size_t c = 0; c < C; ++c) {
    sellers.clear();
    Index previous = kNoIndex;
    size_t period = SIZE_MAX;
    auto close_period = [&]() {
      if (spend.empty()) return;
      Index main = spend[0].first;
      double best = spend[0].second;
      for (const auto& [s, a] : spend)
        if (a > best) best = a, main = s;
      PeriodSwitching& ps = out.periods[period];
      ++ps.active;
      if (previous != kNoIndex) {
        transition_keys.push_back(Key(previous, main));
        if (previous == main) {
          ++ps.stayed;
          ++out.members[main].kept;
        } else {
          ++ps.switched;
          ++out.members[previous].lost;
          ++out.members[main].won;
        }
      }
      previous = main;
      spend.clear();
    };
    for (uint32_t i : rows.Of(c)) {
      const Index s = t.channel[i];
      if (s == kNoIndex || t.time[i] < start || t.time[i] >= end) continue;
      sellers.push_back(s);
      const size_t p = static_cast<size_t>((t.time[i] - start) / o.period_seconds);
      if (p != period) {
        close_period();
        period = p;
      }
      auto it =
          std::find_if(spend.begin(), spend.end(), [&](const auto& e) { return e.first == s; });
      if (it == spend.end())
        spend.emplace_back(s, t.amount[i]);
      else
        it->second += t.amount[i];
    }
    close_period();
    std::sort(sellers.begin(), sellers.end());
    sellers.erase(std::unique(sellers.begin(), sellers.end()), sellers.end());
    for (size_t i = 0; i < sellers.size(); ++i) {
      ++customers_of[sellers[i]];
      for (size_t j = i + 1; j < sellers.size(); ++j)
        pair_keys.push_back(Key(sellers[i], sellers[j]));
    }
  }

  // Shared customers.
  std::vector<uint64_t> candidates;  // competing pairs (a < b) for undercutting
  for (const auto& [key, n] : Runs(pair_keys)) {
    if (n < o.min_shared_customers) continue;
    SharedCustomers s;
    s.a = High(key);
    s.b = Low(key);
    s.shared = n;
    s.customers_a = customers_of[s.a];
    s.customers_b = customers_of[s.b];
    s.jaccard = static_cast<double>(n) / static_cast<double>(s.customers_a + s.customers_b - n);
    s.relation = chain.RelationOf(s.a, s.b);
    s.same_territory = !ch.territory[s.a].empty() && ch.territory[s.a] == ch.territory[s.b];
    out.shared.push_back(s);
    candidates.push_back(key);
  }
  std::stable_sort(
      out.shared.begin(), out.shared.end(),
      [](const SharedCustomers& x, const SharedCustomers& y) { return x.shared > y.shared; });

  // Shared territory.
  std::map<std::string, std::vector<Index>> by_territory;
  for (Index m = 0; m < M; ++m)
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

  // Realised prices per (member, product), from own sales in the window.
  std::vector<Priced> priced;
  {
    const size_t products = tables.products.ids.size();
    std::vector<uint64_t> keys;
    std::vector<double> amount, units;
    const bool dense = M * products <= (size_t{1} << 24);
    if (dense) amount.assign(M * products, 0), units.assign(M * products, 0);
    std::vector<std::pair<uint64_t, std::pair<double, double>>> sparse;
    for (size_t i = 0; i < t.customer.size(); ++i) {
      const Index s = t.channel[i], p = t.product[i];
      if (s == kNoIndex || p == kNoIndex || t.time[i] < start || t.time[i] >= end) continue;
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
    priced.erase(
        std::remove_if(priced.begin(), priced.end(),
                       [&](const Priced& e) { return e.units < o.min_units || e.units <= 0; }),
        priced.end());
  }
  // Each member's priced products: a range of `priced` (sorted by member, product).
  std::vector<uint32_t> first(M + 1, 0);
  for (const Priced& e : priced) ++first[e.member + 1];
  for (size_t m = 0; m < M; ++m) first[m + 1] += first[m];
  // Competing pairs: vertical (any ancestor), siblings, plus the above.
  for (Index m = 0; m < M; ++m) {
    if (first[m + 1] == first[m]) continue;
    for (Index a : chain.Path(m).subspan(1))
      if (first[a + 1] > first[a]) candidates.push_back(Key(std::min(a, m), std::max(a, m)));
  }
  for (Index m = 0; m < M; ++m) {
    const auto kids = chain.Children(m);
    for (size_t i = 0; i < kids.size(); ++i) {
      if (first[kids[i] + 1] == first[kids[i]]) continue;
      for (size_t j = i + 1; j < kids.size(); ++j)
        if (first[kids[j] + 1] > first[kids[j]]) candidates.push_back(Key(kids[i], kids[j]));
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  const double keep = 1 - o.undercut_threshold;
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
      const double px = x.amount / x.units, py = y.amount / y.units;
      const Priced* lo = nullptr;
      const Priced* hi = nullptr;
      if (px < py * keep)
        lo = &x, hi = &y;
      else if (py < px * keep)
        lo = &y, hi = &x;
      if (lo != nullptr) {
        Undercut u;
        u.member = lo->member;
        u.other = hi->member;
        u.product = x.product;
        u.price = lo->amount / lo->units;
        u.other_price = hi->amount / hi->units;
        u.units = lo->units;
        u.other_units = hi->units;
        u.gap = 1 - u.price / u.other_price;
        u.relation = chain.RelationOf(a, b);
        out.undercuts.push_back(u);
      }
      ++i, ++j;
    }
  }
  std::stable_sort(out.undercuts.begin(), out.undercuts.end(),
                   [](const Undercut& x, const Undercut& y) { return x.gap > y.gap; });

  // Switching.
  for (const auto& [key, n] : Runs(transition_keys)) {
    out.transitions.push_back({High(key), Low(key), n});
    (High(key) == Low(key) ? out.stays : out.switches) += n;
  }
  if (out.stays + out.switches > 0)
    out.switching_share =
        static_cast<double>(out.switches) / static_cast<double>(out.stays + out.switches);
  return out;
}

}  // namespace mitra::channels
