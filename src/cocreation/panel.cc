#include "mitra/cocreation/panel.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/request_errors.h"
#include "common/random.h"
#include "absl/strings/str_cat.h"
#include "quota_search.h"
#include "rating_keys.h"

namespace mitra::cocreation {
namespace {

constexpr int kMaxQuotas = 64;

// The name of quota i in the caller's terms ("request.quotas[2]").
std::string QuotaField(const PanelOptions& o, size_t i) {
  return o.names(absl::StrCat("quotas[", i, "]"));
}

absl::Status Check(const PanelOptions& o, size_t num_customers) {
  if (o.size == 0) return Invalid(o.names("size"), "must be at least 1");
  if (o.quotas.size() > kMaxQuotas)
    return Invalid(o.names("quotas"),
                   absl::StrCat("at most ", kMaxQuotas, " quotas, got ", o.quotas.size()));
  for (size_t i = 0; i < o.quotas.size(); ++i) {
    const Quota& q = o.quotas[i];
    const std::string at = QuotaField(o, i);
    if (q.value.empty()) return Invalid(at + ".value", "required");
    if (q.dimension == QuotaDimension::kAttribute && q.key.empty())
      return Invalid(at + ".dimension", "required (an attribute name, \"community\" or \"stage\")");
    if (q.max < q.min)
      return Invalid(at + ".max", absl::StrCat("must be >= min (", q.min, "), got ", q.max));
    for (size_t j = 0; j < i; ++j) {
      const Quota& p = o.quotas[j];
      if (p.dimension == q.dimension && p.key == q.key && p.value == q.value)
        return Invalid(at, absl::StrCat("repeats quotas[", j, "] (", QuotaName(q), ")"));
    }
  }
  if (absl::Status s = CheckRanges(
          o.names,
          {{"fatigue_days", o.fatigue_days, o.fatigue_days >= 0, "finite and >= 0"},
           {"prior_responses", o.prior_responses, o.prior_responses > 0, "finite and > 0"},
           {"prior_non_responses", o.prior_non_responses, o.prior_non_responses > 0,
            "finite and > 0"},
           {"recency_half_life_days", o.recency_half_life_days, o.recency_half_life_days >= 0,
            "finite and >= 0"},
           {"recency_floor", o.recency_floor, o.recency_floor >= 0 && o.recency_floor <= 1,
            "in [0, 1]"}});
      !s.ok())
    return s;
  if (!o.stage.empty() && o.stage.size() != num_customers)
    return Invalid(o.names("stage"), absl::StrCat("must hold one label per customer (", num_customers,
                                                  "), got ", o.stage.size()));
  auto check_index = [&](const char* what, size_t i, Index c) -> absl::Status {
    if (c >= num_customers)
      return Invalid(o.names(absl::StrCat(what, "[", i, "]")),
                     absl::StrCat("customer index ", c, " out of range (", num_customers, " customers)"));
    return absl::OkStatus();
  };
  for (size_t i = 0; i < o.candidates.size(); ++i)
    if (absl::Status s = check_index("candidates", i, o.candidates[i]); !s.ok()) return s;
  for (size_t i = 0; i < o.excluded.size(); ++i)
    if (absl::Status s = check_index("excluded", i, o.excluded[i]); !s.ok()) return s;
  for (size_t i = 0; i < o.invitations.size(); ++i)
    if (absl::Status s = check_index("invitations", i, o.invitations[i].first); !s.ok()) return s;
  return absl::OkStatus();
}

struct Entry {
  double key;
  Index customer;
};
// Max-heap order: the larger key first, then the smaller index.
bool HeapLess(const Entry& a, const Entry& b) {
  return a.key < b.key || (a.key == b.key && a.customer > b.customer);
}

// The community of each community quota (kNoIndex for the others).
absl::StatusOr<std::vector<Index>> QuotaCommunities(const Tables& t, const PanelOptions& o) {
  std::vector<Index> community_of_quota(o.quotas.size(), kNoIndex);
  for (size_t i = 0; i < o.quotas.size(); ++i) {
    if (o.quotas[i].dimension != QuotaDimension::kCommunity) continue;
    absl::StatusOr<Index> k =
        FindIndex(t.communities.ids, o.quotas[i].value, "community", QuotaField(o, i) + ".value");
    if (!k.ok()) return k.status();
    community_of_quota[i] = *k;
  }
  return community_of_quota;
}

// as_of: given, or the latest activity.
int64_t AsOf(const Tables& t, const PanelOptions& o) {
  int64_t as_of = o.as_of;
  if (as_of == kNoTime) {
    for (int64_t x : t.transactions.time) as_of = std::max(as_of, x);
    for (int64_t x : t.interactions.time) as_of = std::max(as_of, x);
    for (int64_t x : t.feedback.time) as_of = std::max(as_of, x);
  }
  return as_of;
}

// What happened by as_of (everything when there is no time at all).
struct Clock {
  int64_t as_of;
  bool timed;
  bool Counts(int64_t time) const { return !timed || time <= as_of; }
};

// Evidence per customer, up to as_of.
struct Evidence {
  std::vector<uint32_t> responses, invited;
  std::vector<int64_t> last_survey, last_activity;
  // Without invitations: the ends of the programs a customer could have
  // been asked in, sorted (see ProgramEnds).
  std::vector<int64_t> known_by;
};

void Raise(int64_t& latest, int64_t time) { latest = std::max(latest, time); }

// Without invitations: the programs that started by as_of, counted for a
// customer known (created) by the program's end (or as_of while it runs).
std::vector<int64_t> ProgramEnds(const Tables& t, const Clock& clock) {
  std::vector<int64_t> known_by;
  for (size_t p = 0; p < t.programs.ids.size(); ++p) {
    if (!clock.Counts(t.programs.start[p])) continue;
    int64_t end = t.programs.end[p];
    if (end == kNoTime || (clock.timed && end > clock.as_of))
      end = clock.timed ? clock.as_of : INT64_MAX;
    known_by.push_back(end);
  }
  std::sort(known_by.begin(), known_by.end());
  return known_by;
}

Evidence GatherEvidence(const Tables& t, const PanelOptions& o, const Clock& clock) {
  const size_t C = t.customers.ids.size();
  Evidence ev{std::vector<uint32_t>(C, 0), std::vector<uint32_t>(C, 0),
              std::vector<int64_t>(C, kNoTime), std::vector<int64_t>(C, kNoTime), {}};
  for (size_t r = 0; r < t.feedback.customer.size(); ++r) {
    const int64_t time = t.feedback.time[r];
    if (!clock.Counts(time)) continue;
    const Index c = t.feedback.customer[r];
    ++ev.responses[c];
    Raise(ev.last_survey[c], time);
    Raise(ev.last_activity[c], time);
  }
  for (const auto& [c, time] : o.invitations) {
    if (!clock.Counts(time)) continue;
    ++ev.invited[c];
    Raise(ev.last_survey[c], time);
  }
  for (size_t r = 0; r < t.transactions.customer.size(); ++r)
    if (clock.Counts(t.transactions.time[r]))
      Raise(ev.last_activity[t.transactions.customer[r]], t.transactions.time[r]);
  for (size_t r = 0; r < t.interactions.from.size(); ++r)
    if (clock.Counts(t.interactions.time[r]))
      Raise(ev.last_activity[t.interactions.from[r]], t.interactions.time[r]);
  ev.known_by = ProgramEnds(t, clock);
  return ev;
}

// The candidates who are known by as_of and not fatigued (surveyed within
// fatigue_days); counts candidates and fatigued into `out`.
std::vector<Index> EligibleCustomers(const Tables& t, const PanelOptions& o, const Clock& clock,
                                     const Evidence& ev, Panel& out) {
  const size_t C = t.customers.ids.size();
  std::vector<uint8_t> state(C, o.candidates.empty() ? 1 : 0);  // 1: candidate, 0: not
  for (Index c : o.candidates) state[c] = 1;
  for (Index c : o.excluded) state[c] = 0;
  const int64_t window = static_cast<int64_t>(std::llround(o.fatigue_days * 86400.0));
  std::vector<Index> eligible;
  for (size_t c = 0; c < C; ++c) {
    if (!state[c]) continue;
    ++out.candidates;
    const int64_t created = t.customers.created[c];
    if (clock.timed && created != kNoTime && created > clock.as_of) continue;
    if (clock.timed && window > 0 && ev.last_survey[c] != kNoTime &&
        ev.last_survey[c] > clock.as_of - window) {
      ++out.fatigued;
      continue;
    }
    eligible.push_back(static_cast<Index>(c));
  }
  return eligible;
}

// Sets the bits of the attribute and stage quotas each eligible customer
// counts towards.
void MarkAttributeAndStageQuotas(const Tables& t, const PanelOptions& o,
                                 const std::vector<Index>& eligible, std::vector<uint64_t>& mask) {
  const size_t Q = o.quotas.size();
  const RatingKeys attribute_keys(t.customers.attributes);
  std::vector<std::pair<uint32_t, size_t>> attribute_quotas;  // (attribute key, quota)
  for (size_t i = 0; i < Q; ++i)
    if (o.quotas[i].dimension == QuotaDimension::kAttribute) {
      const uint32_t k = attribute_keys.Find(o.quotas[i].key);
      if (k != UINT32_MAX) attribute_quotas.emplace_back(k, i);
    }
  for (Index c : eligible) {
    if (!attribute_quotas.empty())
      t.customers.attributes.ForEach(c, [&](std::string_view name, const std::string& value) {
        const uint32_t k = attribute_keys.Of(name);
        for (const auto& [qk, i] : attribute_quotas)
          if (qk == k && o.quotas[i].value == value) mask[c] |= uint64_t{1} << i;
      });
    if (!o.stage.empty() && !o.stage[c].empty())
      for (size_t i = 0; i < Q; ++i)
        if (o.quotas[i].dimension == QuotaDimension::kStage && o.quotas[i].value == o.stage[c])
          mask[c] |= uint64_t{1} << i;
  }
}

// Which quotas each customer counts towards: attributes, stage, and the
// communities they belong to at as_of.
std::vector<uint64_t> QuotaMasks(const Tables& t, const PanelOptions& o,
                                 const std::vector<Index>& eligible,
                                 const std::vector<Index>& community_of_quota, const Clock& clock) {
  const size_t Q = o.quotas.size();
  std::vector<uint64_t> mask(t.customers.ids.size(), 0);
  if (Q == 0) return mask;
  MarkAttributeAndStageQuotas(t, o, eligible, mask);
  const MembershipTable& m = t.memberships;
  for (size_t r = 0; r < m.customer.size(); ++r) {
    if (clock.timed &&
        (m.joined[r] > clock.as_of || (m.left[r] != kNoTime && m.left[r] <= clock.as_of)))
      continue;
    for (size_t i = 0; i < Q; ++i)
      if (community_of_quota[i] == m.community[r]) mask[m.customer[r]] |= uint64_t{1} << i;
  }
  return mask;
}

// Customer c's response rate, recency, weight and Efraimidis-Spirakis key.
PanelMember Weigh(const Tables& t, const PanelOptions& o, const Clock& clock, const Evidence& ev,
                  Index c) {
  const double a = o.prior_responses, b = o.prior_non_responses;
  PanelMember pm;
  pm.customer = c;
  pm.responses = ev.responses[c];
  if (!o.invitations.empty()) {
    pm.opportunities = std::max(ev.invited[c], ev.responses[c]);
  } else {
    const int64_t created = t.customers.created[c];
    const auto known = created == kNoTime
                           ? ev.known_by.begin()
                           : std::lower_bound(ev.known_by.begin(), ev.known_by.end(), created);
    pm.opportunities = std::max(static_cast<uint32_t>(ev.known_by.end() - known), ev.responses[c]);
  }
  pm.response_rate = (pm.responses + a) / (pm.opportunities + a + b);
  if (o.recency_half_life_days > 0 && clock.timed && ev.last_activity[c] != kNoTime) {
    const double days = static_cast<double>(clock.as_of - ev.last_activity[c]) / 86400.0;
    pm.recency = std::exp2(-days / o.recency_half_life_days);
  } else {
    pm.recency = o.recency_half_life_days > 0 ? 0 : 1;
  }
  pm.weight = pm.response_rate * (o.recency_floor + (1 - o.recency_floor) * pm.recency);
  Rng rng(o.seed, c);
  const double u = (static_cast<double>(rng.Next() >> 11) + 0.5) * 0x1.0p-53;  // in (0, 1)
  pm.key = pm.weight > 0 ? std::log(u) / pm.weight : -std::numeric_limits<double>::infinity();
  return pm;
}

// The eligible customers, weighed and grouped by the quotas they count
// towards (their mask); each group a max-heap by key.
struct Groups {
  std::vector<PanelMember> info;  // per eligible customer
  std::vector<uint32_t> slot;     // customer -> index into info
  std::unordered_map<uint64_t, uint32_t> group_of_mask;  // not absl: see docs/RELIABILITY.md
  std::vector<uint64_t> group_mask;
  std::vector<std::vector<Entry>> heaps;
  std::vector<uint32_t> eligible_per_quota;
};

Groups GroupEligible(const Tables& t, const PanelOptions& o, const Clock& clock,
                     const Evidence& ev, const std::vector<Index>& eligible,
                     const std::vector<uint64_t>& mask) {
  Groups g;
  g.info.resize(eligible.size());
  g.slot.assign(t.customers.ids.size(), UINT32_MAX);
  g.eligible_per_quota.assign(o.quotas.size(), 0);
  for (size_t e = 0; e < eligible.size(); ++e) {
    const Index c = eligible[e];
    g.info[e] = Weigh(t, o, clock, ev, c);
    g.slot[c] = static_cast<uint32_t>(e);
    const uint64_t mk = mask[c];
    for (uint64_t bits = mk; bits; bits &= bits - 1) ++g.eligible_per_quota[std::countr_zero(bits)];
    auto [it, added] = g.group_of_mask.try_emplace(mk, static_cast<uint32_t>(g.heaps.size()));
    if (added) {
      g.heaps.emplace_back();
      g.group_mask.push_back(mk);
    }
    g.heaps[it->second].push_back({g.info[e].key, c});
  }
  for (auto& h : g.heaps) std::make_heap(h.begin(), h.end(), HeapLess);
  return g;
}

// What each quota can reach at best: a problem when it cannot be met alone.
std::vector<QuotaResult> QuotaReach(const PanelOptions& o, const Groups& g) {
  std::vector<QuotaResult> results(o.quotas.size());
  for (size_t i = 0; i < o.quotas.size(); ++i) {
    const Quota& q = o.quotas[i];
    QuotaResult& r = results[i];
    r.eligible = g.eligible_per_quota[i];
    if (q.min > o.size) {
      r.problem = absl::StrCat("min ", q.min, " exceeds the panel size ", o.size);
    } else if (r.eligible < q.min) {
      r.problem = absl::StrCat("only ", r.eligible, " eligible customers have ", QuotaName(q));
    } else if (q.dimension != QuotaDimension::kCommunity) {
      uint64_t total = 0;  // the values of an attribute (or stage) are exclusive
      for (const Quota& p : o.quotas)
        if (p.dimension == q.dimension && p.key == q.key) total += p.min;
      if (total > o.size)
        r.problem = absl::StrCat("the quotas on ",
                                 q.dimension == QuotaDimension::kStage ? "stage" : q.key,
                                 " ask for ", total, " members in all, more than the panel size ",
                                 o.size);
    }
  }
  return results;
}

// The panel being filled from the groups' heaps, with each quota's count
// and the quotas whose minimum is unmet or whose maximum is reached.
class PanelFill {
 public:
  PanelFill(const PanelOptions& o, const std::vector<uint64_t>& mask, Groups& g, Panel& out)
      : o_(o), mask_(mask), g_(g), out_(out) {
    Reset();
    minimums_ = unmet_;
  }

  uint64_t unmet() const { return unmet_; }
  const std::vector<uint32_t>& selected() const { return selected_; }

  // Back to no members: each taken one returns to its group's heap (no copy
  // of the heaps, which hold every eligible customer).
  void Reset() {
    for (const PanelMember& m : out_.members) {
      std::vector<Entry>& h = g_.heaps[g_.group_of_mask.at(mask_[m.customer])];
      h.push_back({m.key, m.customer});
      std::push_heap(h.begin(), h.end(), HeapLess);
    }
    out_.members.clear();
    selected_.assign(o_.quotas.size(), 0);
    unmet_ = full_ = 0;
    for (size_t i = 0; i < o_.quotas.size(); ++i) {
      if (o_.quotas[i].min > 0) unmet_ |= uint64_t{1} << i;
      if (o_.quotas[i].max == 0) full_ |= uint64_t{1} << i;
    }
  }

  // Moves group g's best customer into the panel.
  void Take(uint32_t g, bool for_quota) {
    std::vector<Entry>& heap = g_.heaps[g];
    std::pop_heap(heap.begin(), heap.end(), HeapLess);
    const Entry e = heap.back();
    heap.pop_back();
    PanelMember m = g_.info[g_.slot[e.customer]];
    m.for_quota = for_quota;
    for (uint64_t bits = g_.group_mask[g]; bits; bits &= bits - 1) {
      const int i = std::countr_zero(bits);
      m.quotas.push_back(static_cast<uint32_t>(i));
      ++selected_[i];
      if (selected_[i] >= o_.quotas[i].min) unmet_ &= ~(uint64_t{1} << i);
      if (selected_[i] >= o_.quotas[i].max) full_ |= uint64_t{1} << i;
    }
    out_.members.push_back(std::move(m));
  }

  // Greedy towards the minimums: the group that counts towards most unmet
  // ones, ties to the best key.
  void GreedyMinimums() {
    while (unmet_ && out_.members.size() < o_.size) {
      int best_score = 0;
      uint32_t best = UINT32_MAX;
      for (uint32_t g = 0; g < g_.heaps.size(); ++g) {
        if (!Open(g)) continue;
        const int score = std::popcount(g_.group_mask[g] & unmet_);
        if (score == 0) continue;
        if (score > best_score ||
            (score == best_score && HeapLess(g_.heaps[best].front(), g_.heaps[g].front()))) {
          best_score = score;
          best = g;
        }
      }
      if (best == UINT32_MAX) break;
      Take(best, true);
    }
  }

  // The rest of the panel by key, within the maximums.
  void FillRest() {
    while (out_.members.size() < o_.size) {
      uint32_t best = UINT32_MAX;
      for (uint32_t g = 0; g < g_.heaps.size(); ++g) {
        if (!Open(g)) continue;
        if (best == UINT32_MAX || HeapLess(g_.heaps[best].front(), g_.heaps[g].front())) best = g;
      }
      if (best == UINT32_MAX) break;
      Take(best, false);
    }
  }

  // After the greedy left a `possible` minimum unmet: the exact search
  // decides how many to take from each group, then the greedy runs again.
  // *problem says why the minimums stay unmet when no take was found.
  absl::Status SearchMinimums(uint64_t possible, const char** problem) {
    Reset();
    const std::vector<uint32_t> order = SearchOrder(possible);
    // Per group: its mask, capacity and take, a row of reach, and, as deep
    // as the search goes, a copy of the needs per level.
    const size_t Q = o_.quotas.size();
    MemoryReservation memory(o_.memory);
    if (absl::Status s = memory.Reserve(
            static_cast<double>(order.size() + 1) * (16 + 8.0 * Q + 48), o_.names("quotas"),
            absl::StrCat("the exact quota search over ", order.size(), " groups of customers and ",
                         Q, " quotas"));
        !s.ok())
      return s;
    QuotaSearch search = MakeSearch(order, possible);
    if (search.Run(o_.size)) {
      for (size_t k = 0; k < order.size(); ++k)
        for (uint32_t c = 0; c < search.take()[k]; ++c) Take(order[k], true);
      GreedyMinimums();  // the minimums that are impossible alone, as far as they go
      return absl::OkStatus();
    }
    GreedyMinimums();  // the greedy's panel again (it is deterministic)
    *problem = search.exhausted()
                   ? "no panel meeting it and the other quotas was found in the search "
                     "step limit; one may still exist"
                   : "cannot be met together with the other quotas within the panel size "
                     "and maximums (exhaustive search)";
    return absl::OkStatus();
  }

 private:
  bool Open(uint32_t g) const { return !g_.heaps[g].empty() && !(g_.group_mask[g] & full_); }

  // The groups towards a possible minimum: most such minimums first, then
  // the best key first.
  std::vector<uint32_t> SearchOrder(uint64_t possible) const {
    std::vector<uint32_t> order;
    for (uint32_t g = 0; g < g_.heaps.size(); ++g)
      if (g_.group_mask[g] & minimums_ & possible) order.push_back(g);
    auto best_key = [&](uint32_t g) { return g_.heaps[g].front().key; };
    std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
      const int px = std::popcount(g_.group_mask[x] & minimums_ & possible);
      const int py = std::popcount(g_.group_mask[y] & minimums_ & possible);
      return px != py ? px > py : best_key(x) > best_key(y);
    });
    return order;
  }

  QuotaSearch MakeSearch(const std::vector<uint32_t>& order, uint64_t possible) const {
    std::vector<uint64_t> mask;
    std::vector<uint32_t> cap;
    for (uint32_t g : order) {
      mask.push_back(g_.group_mask[g]);
      cap.push_back(static_cast<uint32_t>(g_.heaps[g].size()));
    }
    const size_t Q = o_.quotas.size();
    std::vector<uint32_t> need(Q, 0), left(Q, 0);
    for (size_t i = 0; i < Q; ++i) {
      if ((possible >> i) & 1) need[i] = o_.quotas[i].min;
      left[i] = o_.quotas[i].max;
    }
    return QuotaSearch(std::move(mask), std::move(cap), std::move(need), std::move(left));
  }

  const PanelOptions& o_;
  const std::vector<uint64_t>& mask_;
  Groups& g_;
  Panel& out_;
  std::vector<uint32_t> selected_;
  uint64_t unmet_ = 0, full_ = 0, minimums_ = 0;
};

// Each quota's outcome and the panel's problems; with `strict`, the first
// unmet quota is an error.
absl::Status Conclude(const PanelOptions& o, const std::vector<uint32_t>& selected,
                      const char* search_problem, Panel& out) {
  for (size_t i = 0; i < o.quotas.size(); ++i) {
    QuotaResult& r = out.quotas[i];
    r.selected = selected[i];
    r.met = selected[i] >= o.quotas[i].min;
    if (r.met) {
      r.problem.clear();
      continue;
    }
    r.shortfall = o.quotas[i].min - selected[i];
    if (r.problem.empty()) r.problem = search_problem ? search_problem : "not met";
    out.all_quotas_met = false;
  }
  if (out.members.size() < o.size)
    out.problem = absl::StrCat("the panel has ", out.members.size(), " of ", o.size, " members: ",
                               out.eligible, " customers are eligible",
                               out.eligible > out.members.size() ? " and the maximums exclude the rest" : "");
  if (!o.strict || out.all_quotas_met) return absl::OkStatus();
  for (size_t i = 0; i < o.quotas.size(); ++i)
    if (!out.quotas[i].met)
      return absl::FailedPreconditionError(
          absl::StrCat(QuotaField(o, i), " (", QuotaName(o.quotas[i]), ", min ", o.quotas[i].min,
                       ") cannot be met, short by ", out.quotas[i].shortfall, ": ",
                       out.quotas[i].problem));
  return absl::OkStatus();
}

}  // namespace

std::string QuotaName(const Quota& q) {
  switch (q.dimension) {
    case QuotaDimension::kCommunity: return absl::StrCat("community=", q.value);
    case QuotaDimension::kStage: return absl::StrCat("stage=", q.value);
    case QuotaDimension::kAttribute: break;
  }
  return absl::StrCat(q.key, "=", q.value);
}

absl::StatusOr<Panel> SelectPanel(const Tables& t, const PanelOptions& o) {
  if (absl::Status s = Check(o, t.customers.ids.size()); !s.ok()) return s;
  absl::StatusOr<std::vector<Index>> community_of_quota = QuotaCommunities(t, o);
  if (!community_of_quota.ok()) return community_of_quota.status();

  Panel out;
  out.as_of = AsOf(t, o);
  const Clock clock{out.as_of, out.as_of != kNoTime};
  const Evidence ev = GatherEvidence(t, o, clock);
  const std::vector<Index> eligible = EligibleCustomers(t, o, clock, ev, out);
  out.eligible = static_cast<uint32_t>(eligible.size());
  const std::vector<uint64_t> mask = QuotaMasks(t, o, eligible, *community_of_quota, clock);
  Groups groups = GroupEligible(t, o, clock, ev, eligible, mask);
  out.quotas = QuotaReach(o, groups);

  // Greedy: minimums first, then fill by key. When that leaves a minimum
  // unmet that is not impossible alone, an exact search over the groups
  // decides how many to take from each, and the greedy runs again after it.
  PanelFill fill(o, mask, groups, out);
  fill.GreedyMinimums();
  uint64_t possible = 0;  // minimums not impossible alone
  for (size_t i = 0; i < o.quotas.size(); ++i)
    if (out.quotas[i].problem.empty()) possible |= uint64_t{1} << i;
  const char* search_problem = nullptr;
  if (fill.unmet() & possible)
    if (absl::Status s = fill.SearchMinimums(possible, &search_problem); !s.ok()) return s;
  fill.FillRest();
  if (absl::Status s = Conclude(o, fill.selected(), search_problem, out); !s.ok()) return s;
  return out;
}

}  // namespace mitra::cocreation
