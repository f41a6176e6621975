#include "mitra/leaders/rank_ladder.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace mitra::leaders {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr double kMaxWindowDays = 1e6;  // ~2700 years: keeps window seconds far from overflow
constexpr int kMinKind = 1;             // INTERACTION_KIND_REPLY
constexpr int kMaxKind = 10;            // INTERACTION_KIND_FLAG

// InteractionKind numbers (proto/mitra/v1/community.proto).
constexpr int kReply = 1, kLike = 3, kEndorsement = 4, kFlag = 10;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::string Field(size_t level, size_t req, const char* field) {
  return absl::StrCat("ladder.levels[", level, "].requirements[", req, "].", field);
}

absl::Status ValidateRequirement(const Requirement& r, size_t level, size_t j) {
  const int metric = static_cast<int>(r.metric);
  if (metric < static_cast<int>(ActivityMetric::kGiven) ||
      metric > static_cast<int>(ActivityMetric::kDistinctPeers)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Field(level, j, "metric"), ": ", metric, " is not an ActivityMetric"));
  }
  const bool counts_kind = r.metric == ActivityMetric::kGiven ||
                           r.metric == ActivityMetric::kReceived;
  if (counts_kind && (r.kind < kMinKind || r.kind > kMaxKind)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Field(level, j, "kind"), ": ", r.kind, " is not an InteractionKind (1..10)"));
  }
  if (!counts_kind && r.kind != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        Field(level, j, "kind"), ": must be 0 unless the metric is kGiven or kReceived"));
  }
  if (!(r.window_days >= 0 && r.window_days <= kMaxWindowDays)) {  // also NaN
    return absl::InvalidArgumentError(
        absl::StrCat(Field(level, j, "window_days"), ": must be in [0, 1e6] (0: all time)"));
  }
  if (r.metric == ActivityMetric::kTenureDays && r.window_days != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(Field(level, j, "window_days"), ": must be 0 for kTenureDays"));
  }
  if (!std::isfinite(r.at_least)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Field(level, j, "at_least"), ": must be finite"));
  }
  if (!std::isfinite(r.at_most)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Field(level, j, "at_most"), ": must be finite (negative: no bound)"));
  }
  if (r.at_most >= 0 && r.at_most < r.at_least) {
    return absl::InvalidArgumentError(absl::StrCat(
        Field(level, j, "at_most"), ": ", r.at_most, " is below at_least ", r.at_least,
        " (the requirement could never be met)"));
  }
  return absl::OkStatus();
}

// A distinct thing to count: requirements sharing it share one column.
struct Key {
  ActivityMetric metric;
  int kind;
  int64_t window_seconds;  // 0: all time
  bool operator==(const Key& o) const {
    return metric == o.metric && kind == o.kind && window_seconds == o.window_seconds;
  }
};

// Per customer, the times (and peers) of their interactions, as CSR.
struct Timeline {
  std::vector<uint32_t> offset;  // n + 1
  std::vector<int64_t> time;     // sorted within each customer
  std::vector<Index> peer;       // parallel to time (peers only)
};

class Counter {
 public:
  Counter(const Tables& t, int64_t as_of, Index community)
      : t_(t), as_of_(as_of), community_(community), n_(t.customers.ids.size()) {}

  std::vector<double> Count(const Key& key) {
    std::vector<double> v(n_, 0.0);
    const int64_t start = WindowStart(key.window_seconds);
    switch (key.metric) {
      case ActivityMetric::kGiven:
      case ActivityMetric::kReceived: {
        const InteractionTable& it = t_.interactions;
        const bool given = key.metric == ActivityMetric::kGiven;
        const std::vector<Index>& who = given ? it.from : it.to;
        const EnumValue kind = static_cast<EnumValue>(key.kind);
        for (size_t i = 0; i < it.from.size(); ++i) {
          if (it.kind[i] != kind || !InScope(i) || it.time[i] < start) continue;
          if (who[i] != kNoIndex) v[who[i]] += 1;
        }
        break;
      }
      case ActivityMetric::kDaysActive: {
        const Timeline& made = Made();
        for (size_t c = 0; c < n_; ++c) {
          auto b = made.time.begin() + made.offset[c], e = made.time.begin() + made.offset[c + 1];
          b = std::lower_bound(b, e, start);
          uint32_t days = 0;
          int64_t last = 0;
          for (auto p = b; p != e; ++p) {
            const int64_t d = FloorDiv(*p, kSecondsPerDay);
            if (p == b || d != last) ++days, last = d;
          }
          v[c] = days;
        }
        break;
      }
      case ActivityMetric::kTenureDays: {
        std::vector<int64_t> first(n_, std::numeric_limits<int64_t>::max());
        const MembershipTable& m = t_.memberships;
        for (size_t i = 0; i < m.customer.size(); ++i) {
          if (community_ != kNoIndex && m.community[i] != community_) continue;
          if (m.joined[i] >= as_of_) continue;
          first[m.customer[i]] = std::min(first[m.customer[i]], m.joined[i]);
        }
        const Timeline& made = Made();
        for (size_t c = 0; c < n_; ++c) {
          // No membership: the first interaction the customer made.
          if (first[c] == std::numeric_limits<int64_t>::max() &&
              made.offset[c] != made.offset[c + 1]) {
            first[c] = made.time[made.offset[c]];
          }
          v[c] = first[c] == std::numeric_limits<int64_t>::max()
                     ? kNoNumber
                     : static_cast<double>(as_of_ - first[c]) / kSecondsPerDay;
        }
        break;
      }
      case ActivityMetric::kDistinctPeers: {
        const Timeline& peers = Peers();
        std::vector<Index> scratch;
        for (size_t c = 0; c < n_; ++c) {
          const uint32_t b0 = peers.offset[c], e = peers.offset[c + 1];
          const uint32_t b = static_cast<uint32_t>(
              std::lower_bound(peers.time.begin() + b0, peers.time.begin() + e, start) -
              peers.time.begin());
          scratch.assign(peers.peer.begin() + b, peers.peer.begin() + e);
          std::sort(scratch.begin(), scratch.end());
          v[c] = static_cast<double>(std::unique(scratch.begin(), scratch.end()) -
                                     scratch.begin());
        }
        break;
      }
    }
    return v;
  }

 private:
  int64_t WindowStart(int64_t window_seconds) const {
    if (window_seconds == 0) return std::numeric_limits<int64_t>::min();
    if (as_of_ < std::numeric_limits<int64_t>::min() + window_seconds) {
      return std::numeric_limits<int64_t>::min();
    }
    return as_of_ - window_seconds;  // inclusive
  }

  // Before as_of (exclusive) and in the community, if one is chosen.
  bool InScope(size_t i) const {
    const InteractionTable& it = t_.interactions;
    return it.time[i] < as_of_ && (community_ == kNoIndex || it.community[i] == community_);
  }

  // Builds a CSR over customers from (customer, time, peer) rows.
  template <typename Emit>
  Timeline Build(bool with_peer, Emit emit) {
    Timeline tl;
    tl.offset.assign(n_ + 1, 0);
    emit([&](Index c, int64_t, Index) { ++tl.offset[c + 1]; });
    for (size_t c = 0; c < n_; ++c) tl.offset[c + 1] += tl.offset[c];
    tl.time.resize(tl.offset[n_]);
    if (with_peer) tl.peer.resize(tl.offset[n_]);
    std::vector<uint32_t> fill(tl.offset.begin(), tl.offset.end() - 1);
    emit([&](Index c, int64_t time, Index peer) {
      const uint32_t at = fill[c]++;
      tl.time[at] = time;
      if (with_peer) tl.peer[at] = peer;
    });
    std::vector<std::pair<int64_t, Index>> seg;
    for (size_t c = 0; c < n_; ++c) {
      const uint32_t b = tl.offset[c], e = tl.offset[c + 1];
      if (!with_peer) {
        std::sort(tl.time.begin() + b, tl.time.begin() + e);
        continue;
      }
      seg.clear();
      for (uint32_t k = b; k < e; ++k) seg.emplace_back(tl.time[k], tl.peer[k]);
      std::sort(seg.begin(), seg.end());
      for (uint32_t k = b; k < e; ++k) tl.time[k] = seg[k - b].first, tl.peer[k] = seg[k - b].second;
    }
    return tl;
  }

  const Timeline& Made() {
    if (!made_built_) {
      const InteractionTable& it = t_.interactions;
      made_ = Build(false, [&](auto&& f) {
        for (size_t i = 0; i < it.from.size(); ++i) {
          if (InScope(i)) f(it.from[i], it.time[i], kNoIndex);
        }
      });
      made_built_ = true;
    }
    return made_;
  }

  const Timeline& Peers() {
    if (!peers_built_) {
      const InteractionTable& it = t_.interactions;
      peers_ = Build(true, [&](auto&& f) {
        for (size_t i = 0; i < it.from.size(); ++i) {
          const Index a = it.from[i], b = it.to[i];
          if (b == kNoIndex || a == b || !InScope(i)) continue;
          f(a, it.time[i], b);
          f(b, it.time[i], a);
        }
      });
      peers_built_ = true;
    }
    return peers_;
  }

  const Tables& t_;
  const int64_t as_of_;
  const Index community_;
  const size_t n_;
  bool made_built_ = false, peers_built_ = false;
  Timeline made_, peers_;
};

absl::Status ValidateTables(const Tables& t) {
  const size_t n = t.customers.ids.size();
  const size_t nc = t.communities.ids.size();
  const InteractionTable& it = t.interactions;
  const size_t rows = it.from.size();
  if (it.to.size() != rows || it.community.size() != rows || it.kind.size() != rows ||
      it.time.size() != rows) {
    return absl::InvalidArgumentError("interactions: columns differ in length");
  }
  if (rows > std::numeric_limits<uint32_t>::max() / 2) {
    return absl::InvalidArgumentError("interactions: too many rows");
  }
  for (size_t i = 0; i < rows; ++i) {
    if (it.from[i] >= n) {
      return absl::InvalidArgumentError(absl::StrCat("interactions[", i, "].from: out of range"));
    }
    if (it.to[i] != kNoIndex && it.to[i] >= n) {
      return absl::InvalidArgumentError(absl::StrCat("interactions[", i, "].to: out of range"));
    }
    if (it.community[i] != kNoIndex && it.community[i] >= nc) {
      return absl::InvalidArgumentError(
          absl::StrCat("interactions[", i, "].community: out of range"));
    }
  }
  const MembershipTable& m = t.memberships;
  if (m.community.size() != m.customer.size() || m.joined.size() != m.customer.size()) {
    return absl::InvalidArgumentError("memberships: columns differ in length");
  }
  for (size_t i = 0; i < m.customer.size(); ++i) {
    if (m.customer[i] >= n) {
      return absl::InvalidArgumentError(absl::StrCat("memberships[", i, "].customer: out of range"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

RankLadder DefaultRankLadder() {
  using M = ActivityMetric;
  RankLadder l;
  l.levels.push_back({"new", {}});
  // Discourse TL1 (basic): entered 5 topics, read 30 posts, 10 minutes. No
  // reading is recorded here: coming back on 3 separate days stands for it.
  l.levels.push_back({"basic", {Require(M::kDaysActive, 0, 0, 3)}});
  // Discourse TL2 (member): visited 15 days, 1 like given, 1 received, replied
  // in 3 topics (topics entered / posts read / minutes: not recorded).
  l.levels.push_back({"member",
                      {Require(M::kDaysActive, 0, 0, 15), Require(M::kGiven, kLike, 0, 1),
                       Require(M::kReceived, kLike, 0, 1), Require(M::kGiven, kReply, 0, 3)}});
  // Discourse TL3 (regular), over the last 100 days: visited 50 days, replied
  // to 10 topics, 30 likes given, 20 received, likes spread over several users
  // (here 5 distinct peers), at most 5 agreed flags.
  l.levels.push_back({"regular",
                      {Require(M::kDaysActive, 0, 100, 50), Require(M::kGiven, kReply, 100, 10),
                       Require(M::kGiven, kLike, 100, 30), Require(M::kReceived, kLike, 100, 20),
                       Require(M::kDistinctPeers, 0, 100, 5),
                       Require(M::kReceived, kFlag, 100, 0, 5)}});
  // Discourse TL4 (leader) is granted by staff; here, evidence the community
  // already treats the member as one: endorsed 3 times, replied to 20 times
  // and in touch with 15 peers over 100 days, active 75 of 100 days, 180 days
  // of tenure, at most 2 flags.
  l.levels.push_back({"leader",
                      {Require(M::kReceived, kEndorsement, 0, 3),
                       Require(M::kReceived, kReply, 100, 20),
                       Require(M::kDistinctPeers, 0, 100, 15), Require(M::kDaysActive, 0, 100, 75),
                       Require(M::kTenureDays, 0, 0, 180), Require(M::kReceived, kFlag, 100, 0, 2)}});
  return l;
}

absl::StatusOr<RankResult> AssignRanks(const Tables& tables, const RankLadder& ladder,
                                       int64_t as_of, Index community) {
  if (ladder.levels.empty()) {
    return absl::InvalidArgumentError("ladder.levels: empty (level 0 is required)");
  }
  if (ladder.levels.size() > 1000) {
    return absl::InvalidArgumentError("ladder.levels: more than 1000 levels");
  }
  if (!ladder.levels[0].requirements.empty()) {
    return absl::InvalidArgumentError(
        "ladder.levels[0].requirements: level 0 is held by everyone and takes none");
  }
  if (as_of == kNoTime) return absl::InvalidArgumentError("as_of: must be a time");
  if (community != kNoIndex && community >= tables.communities.ids.size()) {
    return absl::NotFoundError(absl::StrCat("community: ", community,
                                            " out of range (the workspace has ",
                                            tables.communities.ids.size(), ")"));
  }
  // Columns: one per distinct (metric, kind, window); col[l][j] names it.
  std::vector<Key> keys;
  std::vector<std::vector<uint32_t>> col(ladder.levels.size());
  for (size_t l = 1; l < ladder.levels.size(); ++l) {
    const auto& reqs = ladder.levels[l].requirements;
    for (size_t j = 0; j < reqs.size(); ++j) {
      if (absl::Status s = ValidateRequirement(reqs[j], l, j); !s.ok()) return s;
      const Key key{reqs[j].metric, reqs[j].kind,
                    static_cast<int64_t>(std::llround(reqs[j].window_days * kSecondsPerDay))};
      auto it = std::find(keys.begin(), keys.end(), key);
      col[l].push_back(static_cast<uint32_t>(it - keys.begin()));
      if (it == keys.end()) keys.push_back(key);
    }
  }
  if (absl::Status s = ValidateTables(tables); !s.ok()) return s;

  const size_t n = tables.customers.ids.size();
  Counter counter(tables, as_of, community);
  std::vector<std::vector<double>> value;
  value.reserve(keys.size());
  for (const Key& k : keys) value.push_back(counter.Count(k));

  RankResult out;
  out.level.assign(n, 0);
  out.next_unmet.assign(n, -1);
  out.next_unmet_value.assign(n, kNoNumber);
  const size_t top = ladder.levels.size() - 1;
  for (size_t c = 0; c < n; ++c) {
    size_t held = 0;
    for (size_t l = 1; l <= top; ++l) {
      const auto& reqs = ladder.levels[l].requirements;
      int32_t unmet = -1;
      for (size_t j = 0; j < reqs.size(); ++j) {
        const double v = value[col[l][j]][c];
        const bool met = v >= reqs[j].at_least && (reqs[j].at_most < 0 || v <= reqs[j].at_most);
        if (!met) {
          unmet = static_cast<int32_t>(j);
          out.next_unmet_value[c] = v;
          break;
        }
      }
      if (unmet >= 0) {
        out.next_unmet[c] = unmet;
        break;
      }
      held = l;
    }
    out.level[c] = static_cast<uint32_t>(held);
  }
  return out;
}

}  // namespace mitra::leaders
