#include "mitra/channels/workspace_campaigns.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "mitra/core/memory_budget.h"
#include "mitra/core/text_checks.h"
#include "mitra/v1/campaign.pb.h"
#include "mitra/v1/channel.pb.h"

namespace mitra::channels {
namespace {

constexpr int64_t kMinPeriod = 3600, kMaxPeriod = 366 * int64_t{86400};
constexpr uint32_t kMaxDraws = 1000000;

const char* RouteName(CampaignRoute r) {
  return r == CampaignRoute::kChain ? "chain" : "community";
}

absl::Status CheckOptions(const WorkspaceCampaignOptions& o) {
  const FieldPath& at = o.names;
  if (absl::Status s = CheckCount(o.period_seconds, kMinPeriod, kMaxPeriod, at("period_seconds"));
      !s.ok())
    return s;
  if (absl::Status s = CheckConfidence(o.confidence, at("confidence")); !s.ok()) return s;
  if (absl::Status s = CheckCount(o.draws, 1, kMaxDraws, at("draws")); !s.ok()) return s;
  if (o.start)
    if (absl::Status s = CheckTime(*o.start, at("start")); !s.ok()) return s;
  if (o.end) {
    if (absl::Status s = CheckTime(*o.end, at("end")); !s.ok()) return s;
    if (o.start && *o.end <= *o.start)
      return Invalid(at("end"), absl::StrCat("must be after ", at("start"), " (", *o.start,
                                             "), got ", *o.end));
  }
  for (size_t i = 0; i < o.compare_at.size(); ++i)
    if (absl::Status s = CheckPositiveMoney(o.compare_at[i],
                                            absl::StrCat(at("compare_at"), "[", i, "]"));
        !s.ok())
      return s;
  return absl::OkStatus();
}

// floor(x / p) and ceil(x / p) for p > 0 and any x.
int64_t FloorDiv(int64_t x, int64_t p) { return x / p - (x % p != 0 && x < 0); }
int64_t CeilDiv(int64_t x, int64_t p) { return x / p + (x % p != 0 && x > 0); }

// One route's panel: its units (workspace indices of channels or customers,
// and the inverse map) and their outcome per period.
struct RoutePanel {
  std::vector<Index> unit_of;  // workspace index -> unit, kNoIndex if none
  OutcomePanel panel;
  // Community route: the distinct (unit's customer, audience member)
  // pairs, sorted; empty for the chain.
  std::vector<std::pair<Index, Index>> audience;
};

// The untreated units most of whose audience also addressed a treated unit
// (units of the community panel): what the treated audiences bought shows
// in theirs too, so they cannot stand for "no campaign".
std::vector<uint32_t> ExposedUnits(const RoutePanel& panel, const std::vector<uint32_t>& treated,
                                   size_t customers) {
  std::vector<uint8_t> is_treated(panel.panel.units, 0), member(customers, 0);
  std::vector<uint32_t> shared(panel.panel.units, 0), size(panel.panel.units, 0);
  for (uint32_t u : treated) is_treated[u] = 1;
  for (const auto& [to, from] : panel.audience)
    if (is_treated[panel.unit_of[to]]) member[from] = 1;
  for (const auto& [to, from] : panel.audience) {
    ++size[panel.unit_of[to]];
    shared[panel.unit_of[to]] += member[from];
  }
  std::vector<uint32_t> out;
  for (uint32_t u = 0; u < panel.panel.units; ++u)
    if (!is_treated[u] && 2 * shared[u] > size[u]) out.push_back(u);
  return out;
}

// The window's transactions [start, start + periods x p) as (period, row).
template <typename F>
void ForEachTransaction(const TransactionTable& t, int64_t start, int64_t p, uint32_t periods, F f) {
  for (size_t r = 0; r < t.time.size(); ++r) {
    if (t.time[r] < start) continue;
    const int64_t k = (t.time[r] - start) / p;
    if (k < periods) f(static_cast<uint32_t>(k), r);
  }
}

absl::Status Reserve(MemoryReservation& memory, double cells, const FieldPath& at) {
  return memory.Reserve(cells * sizeof(double), at("period_seconds"),
                        "the campaigns' outcome panel (units x periods)");
}

// Retailers, agents and wholesalers; what was sold through each.
absl::StatusOr<RoutePanel> ChainPanel(const Tables& t, int64_t start, int64_t p, uint32_t periods,
                                      MemoryReservation& memory, const FieldPath& at) {
  RoutePanel out;
  out.unit_of.assign(t.channels.kind.size(), kNoIndex);
  uint32_t units = 0;
  for (size_t c = 0; c < t.channels.kind.size(); ++c) {
    const int k = t.channels.kind[c];
    if (k == v1::CHANNEL_KIND_RETAILER || k == v1::CHANNEL_KIND_AGENT ||
        k == v1::CHANNEL_KIND_WHOLESALER)
      out.unit_of[c] = units++;
  }
  if (absl::Status s = Reserve(memory, static_cast<double>(units) * periods, at); !s.ok()) return s;
  out.panel = {units, periods, std::vector<double>(size_t{units} * periods, 0.0)};
  const TransactionTable& x = t.transactions;
  ForEachTransaction(x, start, p, periods, [&](uint32_t k, size_t r) {
    if (x.channel[r] == kNoIndex) return;
    const Index u = out.unit_of[x.channel[r]];
    if (u != kNoIndex) out.panel.values[size_t{u} * periods + k] += x.amount[r];
  });
  return out;
}

// Customers someone addressed in the window; what their audiences spent.
absl::StatusOr<RoutePanel> CommunityPanel(const Tables& t, int64_t start, int64_t p,
                                          uint32_t periods, MemoryReservation& memory,
                                          const FieldPath& at) {
  const InteractionTable& in = t.interactions;
  const int64_t end = start + int64_t{periods} * p;
  // Distinct (audience member, unit) pairs, as customer indices.
  std::vector<std::pair<Index, Index>> pairs;
  for (size_t r = 0; r < in.from.size(); ++r)
    if (in.to[r] != kNoIndex && in.to[r] != in.from[r] && in.time[r] >= start && in.time[r] < end)
      pairs.emplace_back(in.to[r], in.from[r]);
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  RoutePanel out;
  const size_t customers = t.customers.ids.size();
  out.unit_of.assign(customers, kNoIndex);
  std::vector<Index> audience_of(customers, kNoIndex);
  uint32_t units = 0, audience = 0;
  for (const auto& [to, from] : pairs) {
    if (out.unit_of[to] == kNoIndex) out.unit_of[to] = units++;
    if (audience_of[from] == kNoIndex) audience_of[from] = audience++;
  }
  if (absl::Status s = Reserve(memory, (static_cast<double>(units) + audience) * periods, at); !s.ok()) return s;
  std::vector<double> spend(size_t{audience} * periods, 0.0);
  const TransactionTable& x = t.transactions;
  ForEachTransaction(x, start, p, periods, [&](uint32_t k, size_t r) {
    const Index a = audience_of[x.customer[r]];
    if (a != kNoIndex) spend[size_t{a} * periods + k] += x.amount[r];
  });
  out.panel = {units, periods, std::vector<double>(size_t{units} * periods, 0.0)};
  for (const auto& [to, from] : pairs) {
    double* row = out.panel.values.data() + size_t{out.unit_of[to]} * periods;
    const double* s = spend.data() + size_t{audience_of[from]} * periods;
    for (uint32_t k = 0; k < periods; ++k) row[k] += s[k];
  }
  out.audience = std::move(pairs);
  return out;
}

// The window: given, or from the campaigns and the first transaction.
struct Window {
  int64_t start = 0;
  uint32_t periods = 0;
};

absl::StatusOr<Window> WindowOf(const Tables& t, const WorkspaceCampaignOptions& o) {
  const CampaignTable& c = t.campaigns;
  const int64_t p = o.period_seconds;
  int64_t start = 0, end = 0;
  if (o.start) {
    start = *o.start;
  } else {
    const int64_t earliest = *std::min_element(c.start.begin(), c.start.end());
    std::optional<int64_t> first;
    for (int64_t x : t.transactions.time) first = std::min(first.value_or(x), x);
    start = earliest - int64_t{o.baseline_periods} * p;
    if (first && (o.baseline_periods == 0 || *first > start)) start = *first;
    if (!first && o.baseline_periods == 0) start = earliest - p;
  }
  end = o.end ? *o.end : *std::max_element(c.end.begin(), c.end.end());
  Window w;
  w.start = start;
  if (end > start) {
    // At most ~2.6 million periods: times span 300 years, periods an hour.
    w.periods = static_cast<uint32_t>(CeilDiv(end - start, p));
  }
  return w;
}

// What a campaign's estimated figures rest on, for their MoneyBasis.
std::string Source(const std::string& id, CampaignRoute route, const CampaignEffect& e,
                   uint32_t baseline, int64_t period_seconds) {
  const double days = static_cast<double>(period_seconds) / 86400;
  return absl::StrCat(
      "campaign ", Quote(id), " by difference in differences: ", e.treated_units,
      route == CampaignRoute::kChain
          ? " treated retailers/agents/wholesalers (sales through them) against "
          : " treated addressed customers (their audiences' purchases) against ",
      e.comparison_units, " untreated, over ", baseline, " baseline and ", e.periods,
      " campaign periods of ", days, " days");
}

}  // namespace

absl::StatusOr<WorkspaceCampaignEffects> WorkspaceCampaignEffectsOf(
    const Workspace& ws, const WorkspaceCampaignOptions& o) {
  if (absl::Status s = CheckOptions(o); !s.ok()) return s;
  const Tables& t = ws.tables();
  const CampaignTable& ct = t.campaigns;
  WorkspaceCampaignEffects out;
  out.period_seconds = o.period_seconds;
  out.baseline_periods = o.baseline_periods;
  out.confidence = o.confidence;
  const size_t n = ct.ids.size();
  if (n == 0) {
    out.notes.push_back("the workspace holds no campaigns");
    return out;
  }
  absl::StatusOr<Window> window = WindowOf(t, o);
  if (!window.ok()) return window.status();
  const int64_t p = o.period_seconds;
  out.start = window->start;
  out.periods = window->periods;
  out.end = out.start + int64_t{out.periods} * p;
  try {
    MemoryReservation memory(&ws.memory_budget());
    out.campaigns.resize(n);
    for (size_t i = 0; i < n; ++i) {
      out.campaigns[i].campaign = static_cast<Index>(i);
      out.campaigns[i].route = ct.route[i] == v1::CAMPAIGN_ROUTE_CHAIN ? CampaignRoute::kChain
                                                                        : CampaignRoute::kCommunity;
    }
    for (Index m : t.campaign_members.campaign) ++out.campaigns[m].members;
    for (CampaignRoute route : {CampaignRoute::kChain, CampaignRoute::kCommunity}) {
      // The route's campaigns inside the window, with a baseline period.
      std::vector<Campaign> measured;
      std::vector<size_t> which;
      std::vector<Index> slot(n, kNoIndex);  // campaign -> position in `measured`
      for (size_t i = 0; i < n; ++i) {
        WorkspaceCampaignEffect& w = out.campaigns[i];
        if (w.route != route) continue;
        const int64_t first = FloorDiv(ct.start[i] - out.start, p);
        const int64_t last = CeilDiv(ct.end[i] - out.start, p);
        if (ct.start[i] < out.start || ct.end[i] > out.end || first < 1) {
          w.effect.estimated = false;
          w.effect.note = first < 1 && ct.start[i] >= out.start
                              ? "starts in the window's first period: no baseline before it"
                              : "not inside the window";
          continue;
        }
        Campaign c;
        c.id = ct.ids.Id(i);
        c.route = route;
        c.start = static_cast<uint32_t>(first);
        c.end = static_cast<uint32_t>(last);
        c.spend = ct.spend[i];
        w.baseline_periods = o.baseline_periods == 0 || o.baseline_periods >= c.start
                                 ? c.start
                                 : o.baseline_periods;
        slot[i] = static_cast<Index>(measured.size());
        measured.push_back(std::move(c));
        which.push_back(i);
      }
      if (measured.empty()) {
        out.notes.push_back(absl::StrCat("the ", RouteName(route),
                                         " route has no campaign inside the window"));
        continue;
      }
      absl::StatusOr<RoutePanel> panel =
          route == CampaignRoute::kChain
              ? ChainPanel(t, out.start, p, out.periods, memory, o.names)
              : CommunityPanel(t, out.start, p, out.periods, memory, o.names);
      if (!panel.ok()) return panel.status();
      const CampaignMemberTable& mt = t.campaign_members;
      for (size_t r = 0; r < mt.campaign.size(); ++r) {
        const Index k = slot[mt.campaign[r]];
        if (k == kNoIndex) continue;
        const Index unit = route == CampaignRoute::kChain ? mt.channel[r] : mt.customer[r];
        if (unit != kNoIndex && panel->unit_of[unit] != kNoIndex)
          measured[k].treated.push_back(panel->unit_of[unit]);
      }
      if (route == CampaignRoute::kCommunity)
        for (Campaign& c : measured)
          c.not_comparable = ExposedUnits(*panel, c.treated, t.customers.ids.size());
      CampaignEffectOptions eo;
      eo.baseline_periods = o.baseline_periods;
      eo.confidence = o.confidence;
      eo.never_treated_comparison = true;
      eo.common_support = true;
      eo.skip_unmeasurable = true;
      absl::StatusOr<std::vector<CampaignEffect>> effects =
          EstimateCampaignEffects(panel->panel, measured, eo);
      if (!effects.ok()) return effects.status();
      std::vector<Campaign> fit_campaigns;
      std::vector<CampaignEffect> fit_effects;
      for (size_t k = 0; k < measured.size(); ++k) {
        WorkspaceCampaignEffect& w = out.campaigns[which[k]];
        w.effect = (*effects)[k];
        w.source = Source(measured[k].id, route, w.effect, w.baseline_periods, p);
        if ((*effects)[k].estimated) {
          fit_campaigns.push_back(measured[k]);
          fit_effects.push_back((*effects)[k]);
        }
      }
      RouteCurveOptions ro;
      ro.draws = o.draws;
      ro.seed = o.seed;
      ro.confidence = o.confidence;
      if (absl::Status s = memory.Reserve(2.0 * o.draws * sizeof(double) * 2, o.names("draws"),
                                          "the route curves' bootstrap draws");
          !s.ok())
        return s;
      absl::StatusOr<RouteCurve> curve = FitRouteCurve(fit_campaigns, fit_effects, route, ro);
      if (curve.ok()) {
        out.curves.push_back(*std::move(curve));
      } else if (absl::IsFailedPrecondition(curve.status())) {
        out.notes.push_back(absl::StrCat("no ", RouteName(route), " curve: ", fit_campaigns.size(),
                                         " measured campaign(s); ", curve.status().message()));
      } else {
        return curve.status();
      }
    }
    if (out.curves.size() == 2) {
      const RouteCurve& chain = out.curves[0];
      const RouteCurve& community = out.curves[1];
      std::vector<double> spends = o.compare_at;
      if (spends.empty()) {
        double sum = 0;
        size_t k = 0;
        for (const WorkspaceCampaignEffect& w : out.campaigns)
          if (w.effect.estimated) sum += ct.spend[w.campaign], ++k;
        spends.push_back(sum / k);
      }
      for (double x : spends) {
        absl::StatusOr<double> pr = ProbabilityFirstReturnsMore(community, chain, x);
        if (!pr.ok()) return pr.status();
        out.odds.push_back({x, *pr});
      }
    }
    return out;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("campaign effects: out of memory");
  }
}

}  // namespace mitra::channels
