#include "mitra/leaders/community_health.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/request_errors.h"

namespace mitra::leaders {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr double kMaxPeriodDays = 1e5;
constexpr uint32_t kMaxPeriods = 1000;
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// Rows of a table grouped by community (CSR): rows of community c are
// row[offset[c] .. offset[c + 1]).
struct ByCommunity {
  std::vector<uint32_t> offset, row;
};

ByCommunity Group(const std::vector<Index>& community, size_t num_communities) {
  ByCommunity g;
  g.offset.assign(num_communities + 1, 0);
  for (Index c : community) {
    if (c != kNoIndex) ++g.offset[c + 1];
  }
  for (size_t c = 0; c < num_communities; ++c) g.offset[c + 1] += g.offset[c];
  g.row.resize(g.offset[num_communities]);
  std::vector<uint32_t> fill(g.offset.begin(), g.offset.end() - 1);
  for (size_t i = 0; i < community.size(); ++i) {
    if (community[i] != kNoIndex) g.row[fill[community[i]]++] = static_cast<uint32_t>(i);
  }
  return g;
}

absl::Status ValidateTables(const Tables& t) {
  const size_t n = t.customers.ids.size(), nc = t.communities.ids.size();
  const MembershipTable& m = t.memberships;
  const size_t rows = m.customer.size();
  if (m.community.size() != rows || m.joined.size() != rows || m.left.size() != rows) {
    return absl::InvalidArgumentError("memberships: columns differ in length");
  }
  for (size_t i = 0; i < rows; ++i) {
    if (m.customer[i] >= n) {
      return absl::InvalidArgumentError(absl::StrCat("memberships[", i, "].customer: out of range"));
    }
    if (m.community[i] >= nc) {
      return absl::InvalidArgumentError(
          absl::StrCat("memberships[", i, "].community: out of range"));
    }
    if (m.joined[i] == kNoTime) {
      return absl::InvalidArgumentError(absl::StrCat("memberships[", i, "].joined: not set"));
    }
    if (m.left[i] != kNoTime && m.left[i] < m.joined[i]) {
      return absl::InvalidArgumentError(
          absl::StrCat("memberships[", i, "].left: before joined"));
    }
  }
  const InteractionTable& it = t.interactions;
  const size_t irows = it.from.size();
  if (it.community.size() != irows || it.time.size() != irows) {
    return absl::InvalidArgumentError("interactions: columns differ in length");
  }
  for (size_t i = 0; i < irows; ++i) {
    if (it.from[i] >= n) {
      return absl::InvalidArgumentError(absl::StrCat("interactions[", i, "].from: out of range"));
    }
    if (it.community[i] != kNoIndex && it.community[i] >= nc) {
      return absl::InvalidArgumentError(
          absl::StrCat("interactions[", i, "].community: out of range"));
    }
  }
  if (rows > kMaxRecords || irows > kMaxRecords) {
    return absl::InvalidArgumentError("memberships/interactions: too many rows");
  }
  return absl::OkStatus();
}

// Reused across communities: sized once for the workspace.
struct Scratch {
  std::vector<Index> local;  // customer -> local index, kNoIndex elsewhere
  std::vector<Index> customers;                      // local -> customer
  std::vector<uint32_t> open;                        // open memberships per local
  std::vector<uint32_t> cohort;                      // cohort period per local, kNone
  std::vector<uint32_t> count;                       // interactions per local this period
  std::vector<Index> touched;                        // locals with count > 0
  std::vector<uint32_t> counts;                      // for top_share
  struct Event {
    int64_t time;
    int8_t delta;  // +1 join, -1 leave; joins sort first at equal times
    Index local;
    bool operator<(const Event& o) const {
      return time != o.time ? time < o.time : delta > o.delta;
    }
  };
  std::vector<Event> events;
  std::vector<std::vector<Index>> by_period;         // interaction makers per period
};

CommunityHealth One(const Tables& t, Index c, const ByCommunity& mem, const ByCommunity& act,
                    const std::vector<int64_t>& end, int64_t period_seconds, double top_fraction,
                    Scratch& s) {
  const uint32_t periods = static_cast<uint32_t>(end.size());
  const int64_t start0 = end[0] - period_seconds, as_of = end.back();
  const MembershipTable& m = t.memberships;
  const InteractionTable& it = t.interactions;

  CommunityHealth h;
  h.community = c;
  h.periods.resize(periods);
  for (uint32_t p = 0; p < periods; ++p) {
    h.periods[p].start = end[p] - period_seconds;
    h.periods[p].end = end[p];
  }
  auto period_of = [&](int64_t time) -> uint32_t {  // kNone outside [start0, as_of)
    if (time < start0 || time >= as_of) return kNone;
    return static_cast<uint32_t>((time - start0) / period_seconds);
  };

  // Local indices for the community's members, their first join, events.
  s.customers.clear();
  s.events.clear();
  for (uint32_t k = mem.offset[c]; k < mem.offset[c + 1]; ++k) {
    const uint32_t i = mem.row[k];
    const Index cu = m.customer[i];
    if (s.local[cu] == kNoIndex) {
      s.local[cu] = static_cast<Index>(s.customers.size());
      s.customers.push_back(cu);
      s.cohort.push_back(kNone);
      s.open.push_back(0);
    }
    const Index l = s.local[cu];
    s.events.push_back({m.joined[i], +1, l});
    if (m.left[i] != kNoTime) s.events.push_back({m.left[i], -1, l});
    if (const uint32_t p = period_of(m.joined[i]); p != kNone) ++h.periods[p].joined;
    if (m.left[i] != kNoTime) {
      if (const uint32_t p = period_of(m.left[i]); p != kNone) ++h.periods[p].left;
    }
  }
  // First join per local: the earliest join event (events not sorted yet).
  std::vector<int64_t> first(s.customers.size(), std::numeric_limits<int64_t>::max());
  for (const auto& e : s.events) {
    if (e.delta > 0) first[e.local] = std::min(first[e.local], e.time);
  }
  std::vector<uint32_t> cohort_size(periods, 0);
  for (size_t l = 0; l < s.customers.size(); ++l) {
    s.cohort[l] = period_of(first[l]);
    if (s.cohort[l] != kNone) ++cohort_size[s.cohort[l]];
  }
  std::sort(s.events.begin(), s.events.end());

  // Interactions in the window, by period, by their maker's local index.
  for (auto& v : s.by_period) v.clear();
  for (uint32_t k = act.offset[c]; k < act.offset[c + 1]; ++k) {
    const uint32_t i = act.row[k];
    const uint32_t p = period_of(it.time[i]);
    const Index l = s.local[it.from[i]];
    if (p != kNone && l != kNoIndex) s.by_period[p].push_back(l);
  }

  // Sweep the events in time order, stopping at each period's end.
  std::vector<uint32_t> cohort_members(periods, 0), cohort_active(periods, 0);
  h.cohorts.resize(periods);
  for (uint32_t j = 0; j < periods; ++j) {
    h.cohorts[j].cohort_period = j;
    h.cohorts[j].size = cohort_size[j];
    h.cohorts[j].retained.assign(periods - j, kNoNumber);
    h.cohorts[j].active.assign(periods - j, kNoNumber);
  }
  uint32_t members = 0;
  size_t e = 0;
  for (uint32_t p = 0; p < periods; ++p) {
    for (; e < s.events.size() && s.events[e].time < end[p]; ++e) {
      const auto& ev = s.events[e];
      const uint32_t co = s.cohort[ev.local];
      if (ev.delta > 0) {
        if (s.open[ev.local]++ == 0) {
          ++members;
          if (co != kNone) ++cohort_members[co];
        }
      } else if (--s.open[ev.local] == 0) {
        --members;
        if (co != kNone) --cohort_members[co];
      }
    }
    PeriodHealth& ph = h.periods[p];
    ph.members = members;
    // Activity of the members current at the period's end.
    s.touched.clear();
    for (Index l : s.by_period[p]) {
      if (s.open[l] == 0) continue;
      if (s.count[l]++ == 0) s.touched.push_back(l);
    }
    ph.active = static_cast<uint32_t>(s.touched.size());
    std::fill(cohort_active.begin(), cohort_active.end(), 0);
    s.counts.clear();
    uint64_t total = 0;
    for (Index l : s.touched) {
      s.counts.push_back(s.count[l]);
      total += s.count[l];
      if (s.cohort[l] != kNone) ++cohort_active[s.cohort[l]];
      s.count[l] = 0;
    }
    if (ph.active == 0) {
      ph.top_share = kNoNumber;
    } else {
      const double want = std::ceil(top_fraction * ph.active - 1e-9);
      const size_t k = std::clamp<size_t>(static_cast<size_t>(want), 1, ph.active);
      std::nth_element(s.counts.begin(), s.counts.begin() + (k - 1), s.counts.end(),
                       std::greater<uint32_t>());
      uint64_t top = 0;
      for (size_t q = 0; q < k; ++q) top += s.counts[q];
      ph.top_share = static_cast<double>(top) / static_cast<double>(total);
    }
    const uint32_t prev = p == 0 ? 0 : h.periods[p - 1].members;
    ph.growth = prev == 0 ? kNoNumber
                          : (static_cast<double>(members) - prev) / static_cast<double>(prev);
    for (uint32_t j = 0; j <= p; ++j) {
      if (cohort_size[j] == 0) continue;
      h.cohorts[j].retained[p - j] = static_cast<double>(cohort_members[j]) / cohort_size[j];
      h.cohorts[j].active[p - j] = static_cast<double>(cohort_active[j]) / cohort_size[j];
    }
  }

  // Reset the per-customer scratch for the next community.
  for (Index cu : s.customers) s.local[cu] = kNoIndex;
  s.customers.clear();
  s.cohort.clear();
  s.open.clear();
  return h;
}

}  // namespace

absl::StatusOr<std::vector<CommunityHealth>> ComputeHealth(const Tables& tables,
                                                            const HealthOptions& options,
                                                            Index community) {
  const FieldPath& names = options.names;
  if (absl::Status s = CheckRange(options.period_days, names("period_days"), options.period_days > 0,
                                  "finite and > 0");
      !s.ok())
    return s;
  if (options.period_days > kMaxPeriodDays)
    return Invalid(names("period_days"), absl::StrCat("must be at most 1e5, got ", options.period_days));
  const int64_t period_seconds =
      static_cast<int64_t>(std::llround(options.period_days * kSecondsPerDay));
  if (period_seconds < 1) return Invalid(names("period_days"), "shorter than one second");
  if (options.periods < 1 || options.periods > kMaxPeriods)
    return Invalid(names("periods"), absl::StrCat("must be 1..1000, got ", options.periods));
  if (absl::Status s = CheckRange(options.top_fraction, names("top_fraction"),
                                  options.top_fraction > 0 && options.top_fraction <= 1, "in (0, 1]");
      !s.ok())
    return s;
  const size_t nc = tables.communities.ids.size();
  if (community != kNoIndex && community >= nc) {
    return absl::NotFoundError(absl::StrCat("community: ", community,
                                            " out of range (the workspace has ", nc, ")"));
  }
  if (absl::Status s = ValidateTables(tables); !s.ok()) return s;

  int64_t as_of = options.as_of;
  if (as_of == kNoTime) {
    int64_t latest = kNoTime;
    for (int64_t t : tables.memberships.joined) latest = std::max(latest, t);
    for (int64_t t : tables.memberships.left) latest = std::max(latest, t);  // kNoTime is min
    for (int64_t t : tables.interactions.time) latest = std::max(latest, t);
    if (latest == kNoTime) {
      return Invalid(names("as_of"),
                     "not given, and the workspace has no memberships or interactions to take it "
                     "from");
    }
    if (latest == std::numeric_limits<int64_t>::max()) {
      return Invalid(names("as_of"), "the latest time is the largest int64");
    }
    as_of = latest + 1;
  }
  const int64_t span = period_seconds * static_cast<int64_t>(options.periods);  // <= 8.64e12
  if (as_of < std::numeric_limits<int64_t>::min() + span + 1) {
    return Invalid(names("as_of"), "the periods would start before int64 time");
  }
  std::vector<int64_t> end(options.periods);
  for (uint32_t p = 0; p < options.periods; ++p) {
    end[p] = as_of - static_cast<int64_t>(options.periods - 1 - p) * period_seconds;
  }

  const ByCommunity mem = Group(tables.memberships.community, nc);
  const ByCommunity act = Group(tables.interactions.community, nc);
  Scratch s;
  s.local.assign(tables.customers.ids.size(), kNoIndex);
  s.count.assign(tables.customers.ids.size(), 0);  // by local index: locals < customers
  s.by_period.resize(options.periods);

  std::vector<CommunityHealth> out;
  const Index first = community == kNoIndex ? 0 : community;
  const Index last = community == kNoIndex ? static_cast<Index>(nc) : community + 1;
  out.reserve(last - first);
  for (Index c = first; c < last; ++c) {
    out.push_back(One(tables, c, mem, act, end, period_seconds, options.top_fraction, s));
  }
  return out;
}

}  // namespace mitra::leaders
