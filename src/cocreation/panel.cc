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
#include "rating_keys.h"

namespace mitra::cocreation {
namespace {

constexpr int kMaxQuotas = 64;

absl::Status Check(const PanelOptions& o, size_t num_customers) {
  if (o.size == 0) return Invalid("size", "must be at least 1");
  if (o.quotas.size() > kMaxQuotas)
    return Invalid("quotas", absl::StrCat("at most ", kMaxQuotas, " quotas, got ", o.quotas.size()));
  for (size_t i = 0; i < o.quotas.size(); ++i) {
    const Quota& q = o.quotas[i];
    const std::string at = absl::StrCat("quotas[", i, "]");
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
  if (!(std::isfinite(o.fatigue_days) && o.fatigue_days >= 0))
    return Invalid("fatigue_days", absl::StrCat("must be finite and >= 0, got ", o.fatigue_days));
  if (!(std::isfinite(o.prior_responses) && o.prior_responses > 0))
    return Invalid("prior_responses", absl::StrCat("must be finite and > 0, got ", o.prior_responses));
  if (!(std::isfinite(o.prior_non_responses) && o.prior_non_responses > 0))
    return Invalid("prior_non_responses",
                   absl::StrCat("must be finite and > 0, got ", o.prior_non_responses));
  if (!(std::isfinite(o.recency_half_life_days) && o.recency_half_life_days >= 0))
    return Invalid("recency_half_life_days",
                   absl::StrCat("must be finite and >= 0, got ", o.recency_half_life_days));
  if (!(o.recency_floor >= 0 && o.recency_floor <= 1))
    return Invalid("recency_floor", absl::StrCat("must be in [0, 1], got ", o.recency_floor));
  if (!o.stage.empty() && o.stage.size() != num_customers)
    return Invalid("stage", absl::StrCat("must hold one label per customer (", num_customers,
                                         "), got ", o.stage.size()));
  auto check_index = [&](const char* what, size_t i, Index c) -> absl::Status {
    if (c >= num_customers)
      return Invalid(absl::StrCat(what, "[", i, "]"),
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

// How many members to take from each group (customers who count towards
// the same quotas) so that every minimum is met, no maximum is passed and at
// most `room` are taken: a depth-first search over the groups that count
// towards some minimum, most minimums first, largest count first, pruned
// when a minimum can no longer be reached. Used when the greedy fill fails,
// which can happen when quotas overlap (set cover). Gives up after
// kMaxSearchSteps steps (a result of nullopt then means "not found", not
// "impossible").
constexpr uint64_t kMaxSearchSteps = 2'000'000;

struct QuotaSearch {
  std::vector<uint64_t> mask;       // per candidate group
  std::vector<uint32_t> cap;        // customers available in it
  std::vector<uint32_t> need, left; // per quota: still to meet, room under max
  std::vector<std::vector<uint32_t>> reach;  // reach[k][i]: capacity of groups k.. for quota i
  std::vector<uint32_t> take;
  uint64_t steps = 0;
  bool exhausted = false;

  bool Run(size_t k, uint32_t room) {
    if (++steps > kMaxSearchSteps) return exhausted = true, false;
    bool done = true;
    for (size_t i = 0; i < need.size(); ++i) {
      if (need[i] == 0) continue;
      done = false;
      if (need[i] > room || reach[k][i] < need[i]) return false;
    }
    if (done) return true;
    if (k == mask.size()) return false;
    uint32_t most = std::min(cap[k], room), useful = 0;
    for (uint64_t b = mask[k]; b; b &= b - 1) {
      const int i = std::countr_zero(b);
      most = std::min(most, left[i]);
      useful = std::max(useful, need[i]);
    }
    most = std::min(most, useful);
    for (uint32_t c = most + 1; c-- > 0;) {
      const std::vector<uint32_t> before = need;
      for (uint64_t b = mask[k]; b; b &= b - 1) {
        const int i = std::countr_zero(b);
        need[i] -= std::min(need[i], c);
        left[i] -= c;
      }
      take[k] = c;
      if (Run(k + 1, room - c)) return true;
      need = before;
      for (uint64_t b = mask[k]; b; b &= b - 1) left[std::countr_zero(b)] += c;
      take[k] = 0;
      if (exhausted) return false;
    }
    return false;
  }
};

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
  const size_t C = t.customers.ids.size();
  if (absl::Status s = Check(o, C); !s.ok()) return s;
  const size_t Q = o.quotas.size();
  std::vector<Index> community_of_quota(Q, kNoIndex);
  for (size_t i = 0; i < Q; ++i) {
    if (o.quotas[i].dimension != QuotaDimension::kCommunity) continue;
    absl::StatusOr<Index> k = FindIndex(t.communities.ids, o.quotas[i].value, "community",
                                        absl::StrCat("quotas[", i, "].value"));
    if (!k.ok()) return k.status();
    community_of_quota[i] = *k;
  }

  Panel out;
  // as_of: given, or the latest activity.
  int64_t as_of = o.as_of;
  if (as_of == kNoTime) {
    for (int64_t x : t.transactions.time) as_of = std::max(as_of, x);
    for (int64_t x : t.interactions.time) as_of = std::max(as_of, x);
    for (int64_t x : t.feedback.time) as_of = std::max(as_of, x);
  }
  out.as_of = as_of;
  const bool timed = as_of != kNoTime;
  auto counts = [&](int64_t time) { return !timed || time <= as_of; };

  // Evidence per customer, up to as_of.
  std::vector<uint32_t> responses(C, 0), invited(C, 0);
  std::vector<int64_t> last_survey(C, kNoTime), last_activity(C, kNoTime);
  for (size_t r = 0; r < t.feedback.customer.size(); ++r) {
    const int64_t time = t.feedback.time[r];
    if (!counts(time)) continue;
    const Index c = t.feedback.customer[r];
    ++responses[c];
    last_survey[c] = std::max(last_survey[c], time);
    last_activity[c] = std::max(last_activity[c], time);
  }
  for (const auto& [c, time] : o.invitations) {
    if (!counts(time)) continue;
    ++invited[c];
    last_survey[c] = std::max(last_survey[c], time);
  }
  for (size_t r = 0; r < t.transactions.customer.size(); ++r)
    if (counts(t.transactions.time[r]))
      last_activity[t.transactions.customer[r]] = std::max(last_activity[t.transactions.customer[r]], t.transactions.time[r]);
  for (size_t r = 0; r < t.interactions.from.size(); ++r)
    if (counts(t.interactions.time[r]))
      last_activity[t.interactions.from[r]] = std::max(last_activity[t.interactions.from[r]], t.interactions.time[r]);
  // Without invitations: the programs that started by as_of, counted for a
  // customer known (created) by the program's end (or as_of while it runs).
  std::vector<int64_t> known_by;
  for (size_t p = 0; p < t.programs.ids.size(); ++p) {
    if (!counts(t.programs.start[p])) continue;
    int64_t end = t.programs.end[p];
    if (end == kNoTime || (timed && end > as_of)) end = timed ? as_of : INT64_MAX;
    known_by.push_back(end);
  }
  std::sort(known_by.begin(), known_by.end());

  // Candidates and eligibility.
  std::vector<uint8_t> state(C, o.candidates.empty() ? 1 : 0);  // 1: candidate, 0: not
  for (Index c : o.candidates) state[c] = 1;
  for (Index c : o.excluded) state[c] = 0;
  const int64_t window = static_cast<int64_t>(std::llround(o.fatigue_days * 86400.0));
  std::vector<Index> eligible;
  for (size_t c = 0; c < C; ++c) {
    if (!state[c]) continue;
    ++out.candidates;
    const int64_t created = t.customers.created[c];
    if (timed && created != kNoTime && created > as_of) continue;
    if (timed && window > 0 && last_survey[c] != kNoTime && last_survey[c] > as_of - window) {
      ++out.fatigued;
      continue;
    }
    eligible.push_back(static_cast<Index>(c));
  }
  out.eligible = static_cast<uint32_t>(eligible.size());

  // Which quotas each customer counts towards.
  std::vector<uint64_t> mask(C, 0);
  if (Q > 0) {
    const RatingKeys attribute_keys(t.customers.attributes);
    std::vector<std::pair<uint32_t, size_t>> attribute_quotas;  // (attribute key, quota)
    for (size_t i = 0; i < Q; ++i)
      if (o.quotas[i].dimension == QuotaDimension::kAttribute) {
        const uint32_t k = attribute_keys.Find(o.quotas[i].key);
        if (k != UINT32_MAX) attribute_quotas.emplace_back(k, i);
      }
    for (Index c : eligible) {
      if (!attribute_quotas.empty())
        t.customers.attributes.ForEach(c, [&](const std::string& name, const std::string& value) {
          const uint32_t k = attribute_keys.Of(name);
          for (const auto& [qk, i] : attribute_quotas)
            if (qk == k && o.quotas[i].value == value) mask[c] |= uint64_t{1} << i;
        });
      if (!o.stage.empty() && !o.stage[c].empty())
        for (size_t i = 0; i < Q; ++i)
          if (o.quotas[i].dimension == QuotaDimension::kStage && o.quotas[i].value == o.stage[c])
            mask[c] |= uint64_t{1} << i;
    }
    const MembershipTable& m = t.memberships;
    for (size_t r = 0; r < m.customer.size(); ++r) {
      if (timed && (m.joined[r] > as_of || (m.left[r] != kNoTime && m.left[r] <= as_of))) continue;
      for (size_t i = 0; i < Q; ++i)
        if (community_of_quota[i] == m.community[r]) mask[m.customer[r]] |= uint64_t{1} << i;
    }
  }

  // Weights and Efraimidis-Spirakis keys; eligible customers grouped by mask.
  const double a = o.prior_responses, b = o.prior_non_responses;
  std::vector<PanelMember> info(eligible.size());
  std::unordered_map<uint64_t, uint32_t> group_of_mask;  // not absl: see docs/RELIABILITY.md
  std::vector<uint64_t> group_mask;
  std::vector<std::vector<Entry>> heaps;
  std::vector<uint32_t> eligible_per_quota(Q, 0);
  std::vector<uint32_t> slot(C, UINT32_MAX);  // customer -> index into info
  for (size_t e = 0; e < eligible.size(); ++e) {
    const Index c = eligible[e];
    PanelMember& pm = info[e];
    pm.customer = c;
    pm.responses = responses[c];
    if (!o.invitations.empty()) {
      pm.opportunities = std::max(invited[c], responses[c]);
    } else {
      const int64_t created = t.customers.created[c];
      const auto known = created == kNoTime ? known_by.begin()
                                            : std::lower_bound(known_by.begin(), known_by.end(), created);
      pm.opportunities = std::max(static_cast<uint32_t>(known_by.end() - known), responses[c]);
    }
    pm.response_rate = (pm.responses + a) / (pm.opportunities + a + b);
    if (o.recency_half_life_days > 0 && timed && last_activity[c] != kNoTime) {
      const double days = static_cast<double>(as_of - last_activity[c]) / 86400.0;
      pm.recency = std::exp2(-days / o.recency_half_life_days);
    } else {
      pm.recency = o.recency_half_life_days > 0 ? 0 : 1;
    }
    pm.weight = pm.response_rate * (o.recency_floor + (1 - o.recency_floor) * pm.recency);
    Rng rng(o.seed, c);
    const double u = (static_cast<double>(rng.Next() >> 11) + 0.5) * 0x1.0p-53;  // in (0, 1)
    pm.key = pm.weight > 0 ? std::log(u) / pm.weight : -std::numeric_limits<double>::infinity();
    slot[c] = static_cast<uint32_t>(e);
    const uint64_t mk = mask[c];
    for (uint64_t bits = mk; bits; bits &= bits - 1) ++eligible_per_quota[std::countr_zero(bits)];
    auto [it, added] = group_of_mask.try_emplace(mk, static_cast<uint32_t>(heaps.size()));
    if (added) {
      heaps.emplace_back();
      group_mask.push_back(mk);
    }
    heaps[it->second].push_back({pm.key, c});
  }
  for (auto& h : heaps) std::make_heap(h.begin(), h.end(), HeapLess);

  // What each quota can reach at best.
  out.quotas.resize(Q);
  for (size_t i = 0; i < Q; ++i) {
    const Quota& q = o.quotas[i];
    QuotaResult& r = out.quotas[i];
    r.eligible = eligible_per_quota[i];
    if (q.min > o.size) {
      r.problem = absl::StrCat("min ", q.min, " exceeds the panel size ", o.size);
    } else if (r.eligible < q.min) {
      r.problem = absl::StrCat("only ", r.eligible, " eligible customers have ", QuotaName(q));
    } else if (q.dimension != QuotaDimension::kCommunity) {
      uint64_t total = 0;  // the values of an attribute (or stage) are exclusive
      for (const Quota& p : o.quotas)
        if (p.dimension == q.dimension && p.key == q.key) total += p.min;
      if (total > o.size)
        r.problem = absl::StrCat("the quotas on ", q.dimension == QuotaDimension::kStage ? "stage" : q.key,
                                 " ask for ", total, " members in all, more than the panel size ", o.size);
    }
  }

  // Greedy: minimums first, then fill by key. When that leaves a minimum
  // unmet that is not impossible alone, an exact search over the groups
  // decides how many to take from each, and the greedy runs again after it.
  std::vector<uint32_t> selected(Q, 0);
  uint64_t unmet = 0, full = 0, minimums = 0;
  // Back to no members: each taken one returns to its group's heap (no copy
  // of the heaps, which hold every eligible customer).
  auto reset = [&] {
    for (const PanelMember& m : out.members) {
      std::vector<Entry>& h = heaps[group_of_mask.at(mask[m.customer])];
      h.push_back({m.key, m.customer});
      std::push_heap(h.begin(), h.end(), HeapLess);
    }
    out.members.clear();
    selected.assign(Q, 0);
    unmet = full = 0;
    for (size_t i = 0; i < Q; ++i) {
      if (o.quotas[i].min > 0) unmet |= uint64_t{1} << i;
      if (o.quotas[i].max == 0) full |= uint64_t{1} << i;
    }
  };
  reset();
  minimums = unmet;
  auto take = [&](uint32_t g, bool for_quota) {
    std::pop_heap(heaps[g].begin(), heaps[g].end(), HeapLess);
    const Entry e = heaps[g].back();
    heaps[g].pop_back();
    PanelMember m = info[slot[e.customer]];
    m.for_quota = for_quota;
    for (uint64_t bits = group_mask[g]; bits; bits &= bits - 1) {
      const int i = std::countr_zero(bits);
      m.quotas.push_back(static_cast<uint32_t>(i));
      ++selected[i];
      if (selected[i] >= o.quotas[i].min) unmet &= ~(uint64_t{1} << i);
      if (selected[i] >= o.quotas[i].max) full |= uint64_t{1} << i;
    }
    out.members.push_back(std::move(m));
  };
  auto greedy_minimums = [&] {
    while (unmet && out.members.size() < o.size) {
      int best_score = 0;
      uint32_t best = UINT32_MAX;
      for (uint32_t g = 0; g < heaps.size(); ++g) {
        if (heaps[g].empty() || (group_mask[g] & full)) continue;
        const int score = std::popcount(group_mask[g] & unmet);
        if (score == 0) continue;
        if (score > best_score ||
            (score == best_score && HeapLess(heaps[best].front(), heaps[g].front()))) {
          best_score = score;
          best = g;
        }
      }
      if (best == UINT32_MAX) break;
      take(best, true);
    }
  };
  greedy_minimums();
  uint64_t possible = 0;  // minimums not impossible alone
  for (size_t i = 0; i < Q; ++i)
    if (out.quotas[i].problem.empty()) possible |= uint64_t{1} << i;
  const char* search_problem = nullptr;
  if (unmet & possible) {
    reset();
    QuotaSearch search;
    std::vector<uint32_t> order;
    for (uint32_t g = 0; g < heaps.size(); ++g)
      if (group_mask[g] & minimums & possible) order.push_back(g);
    // Per group: its mask, capacity and take, a row of reach, and, as deep
    // as the search goes, a copy of the needs per level.
    MemoryReservation memory(o.memory);
    if (absl::Status s = memory.Reserve(
            static_cast<double>(order.size() + 1) * (16 + 8.0 * Q + 48), "quotas",
            absl::StrCat("the exact quota search over ", order.size(), " groups of customers and ",
                         Q, " quotas"));
        !s.ok())
      return s;
    auto best_key = [&](uint32_t g) { return heaps[g].front().key; };
    std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
      const int px = std::popcount(group_mask[x] & minimums & possible);
      const int py = std::popcount(group_mask[y] & minimums & possible);
      return px != py ? px > py : best_key(x) > best_key(y);
    });
    for (uint32_t g : order) {
      search.mask.push_back(group_mask[g]);
      search.cap.push_back(static_cast<uint32_t>(heaps[g].size()));
    }
    search.need.assign(Q, 0);
    search.left.assign(Q, 0);
    for (size_t i = 0; i < Q; ++i) {
      if ((possible >> i) & 1) search.need[i] = o.quotas[i].min;
      search.left[i] = o.quotas[i].max;
    }
    search.reach.assign(order.size() + 1, std::vector<uint32_t>(Q, 0));
    for (size_t k = order.size(); k-- > 0;) {
      search.reach[k] = search.reach[k + 1];
      for (uint64_t b = search.mask[k]; b; b &= b - 1) search.reach[k][std::countr_zero(b)] += search.cap[k];
    }
    search.take.assign(order.size(), 0);
    if (search.Run(0, o.size)) {
      for (size_t k = 0; k < order.size(); ++k)
        for (uint32_t c = 0; c < search.take[k]; ++c) take(order[k], true);
      greedy_minimums();  // the minimums that are impossible alone, as far as they go
    } else {
      greedy_minimums();  // the greedy's panel again (it is deterministic)
      search_problem = search.exhausted
                           ? "no panel meeting it and the other quotas was found in the search "
                             "step limit; one may still exist"
                           : "cannot be met together with the other quotas within the panel size "
                             "and maximums (exhaustive search)";
    }
  }
  while (out.members.size() < o.size) {
    uint32_t best = UINT32_MAX;
    for (uint32_t g = 0; g < heaps.size(); ++g) {
      if (heaps[g].empty() || (group_mask[g] & full)) continue;
      if (best == UINT32_MAX || HeapLess(heaps[best].front(), heaps[g].front())) best = g;
    }
    if (best == UINT32_MAX) break;
    take(best, false);
  }

  for (size_t i = 0; i < Q; ++i) {
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
  if (o.strict && !out.all_quotas_met) {
    for (size_t i = 0; i < Q; ++i)
      if (!out.quotas[i].met)
        return absl::FailedPreconditionError(
            absl::StrCat("quotas[", i, "] (", QuotaName(o.quotas[i]), ", min ", o.quotas[i].min,
                         ") cannot be met, short by ", out.quotas[i].shortfall, ": ", out.quotas[i].problem));
  }
  return out;
}

}  // namespace mitra::cocreation
