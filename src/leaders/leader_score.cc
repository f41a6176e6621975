#include "mitra/leaders/leader_score.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "mitra/graph/csr_graph.h"
#include "mitra/graph/pagerank.h"
#include "mitra/leaders/eigentrust.h"

namespace mitra::leaders {

namespace {

constexpr double kSecondsPerDay = 86400.0;
constexpr int64_t kNeverJoined = std::numeric_limits<int64_t>::max();

// Row indices grouped by a key in [0, keys) (counting sort); rows whose key
// is out of range are left out. Rows of key k: rows[offsets[k] .. offsets[k+1]).
struct Buckets {
  std::vector<uint32_t> offsets, rows;
  absl::Span<const uint32_t> of(size_t k) const {
    return {rows.data() + offsets[k], offsets[k + 1] - offsets[k]};
  }
};

template <typename KeyOf>
Buckets Bucket(size_t num_rows, size_t keys, KeyOf key_of) {
  Buckets b;
  b.offsets.assign(keys + 1, 0);
  for (size_t i = 0; i < num_rows; ++i) {
    const size_t k = key_of(i);
    if (k < keys) ++b.offsets[k + 1];
  }
  for (size_t k = 0; k < keys; ++k) b.offsets[k + 1] += b.offsets[k];
  b.rows.resize(b.offsets[keys]);
  std::vector<uint32_t> next(b.offsets.begin(), b.offsets.end() - 1);
  for (size_t i = 0; i < num_rows; ++i) {
    const size_t k = key_of(i);
    if (k < keys) b.rows[next[k]++] = static_cast<uint32_t>(i);
  }
  return b;
}

absl::Status Validate(const Tables& tables, const LeaderOptions& o, Index community) {
  double sum = 0;
  for (int k = 0; k < kNumComponents; ++k) {
    const double w = o.weights[k];
    if (absl::Status s =
            CheckRange(w, o.names(absl::StrCat("weights.", ComponentName(static_cast<Component>(k)))),
                       w >= 0, "finite and >= 0");
        !s.ok())
      return s;
    sum += w;
  }
  if (!(sum > 0)) return Invalid(o.names("weights"), "must have a positive sum");
  // The nested options name their fields themselves (their own `names`).
  if (absl::Status s = graph::ValidateInteractionGraphOptions(o.graph); !s.ok()) return s;
  if (absl::Status s = ValidateBetaReputationOptions(o.reputation); !s.ok()) return s;
  if (absl::Status s = ValidateEvidenceOptions(o.evidence); !s.ok()) return s;
  if (absl::Status s = CheckRange(o.damping, o.names("damping"), o.damping >= 0 && o.damping < 1,
                                  "in [0, 1)");
      !s.ok())
    return s;
  if (community != kNoIndex && community >= tables.communities.ids.size()) {
    return absl::NotFoundError(absl::StrCat("community ", community, " out of range (",
                                            tables.communities.ids.size(), " communities)"));
  }
  const InteractionTable& t = tables.interactions;
  for (size_t i = 0; i < t.weight.size(); ++i) {
    const double w = t.weight[i];
    if (!std::isnan(w) && (!std::isfinite(w) || w < 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("interactions[", i, "].weight ", w, " must be finite and >= 0"));
    }
  }
  return absl::OkStatus();
}

// Everything one community's scoring needs that is shared across communities.
struct Shared {
  const Tables* tables;
  const LeaderOptions* options;
  int64_t as_of;
  int64_t reputation_as_of;
  double weights[kNumComponents];  // normalised
  graph::KindWeights positive, negative;
  Buckets interactions_by_community, memberships_by_community;
  std::vector<double> total_weight;  // per customer: made + received, tagged interactions
  std::vector<Index> local_of;       // scratch: customer -> node, kNoIndex outside
};

absl::StatusOr<CommunityLeaders> ScoreCommunity(Shared& sh, Index c,
                                                std::vector<double>& best_score) {
  const Tables& tables = *sh.tables;
  const LeaderOptions& o = *sh.options;
  const InteractionTable& t = tables.interactions;
  const MembershipTable& m = tables.memberships;
  const size_t num_customers = tables.customers.ids.size();
  const auto irows = sh.interactions_by_community.of(c);
  const auto mrows = sh.memberships_by_community.of(c);

  // Nodes: members at any time and everyone in an interaction tagged c.
  std::vector<Index> nodes;
  nodes.reserve(mrows.size() + irows.size());
  for (uint32_t r : mrows) {
    if (m.customer[r] < num_customers) nodes.push_back(m.customer[r]);
  }
  for (uint32_t r : irows) {
    if (t.from[r] < num_customers) nodes.push_back(t.from[r]);
    if (t.to[r] < num_customers) nodes.push_back(t.to[r]);
  }
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  const uint32_t n = static_cast<uint32_t>(nodes.size());
  for (uint32_t i = 0; i < n; ++i) sh.local_of[nodes[i]] = i;

  std::vector<char> ranked(n, o.current_members_only ? 0 : 1);
  std::vector<int64_t> joined(n, kNeverJoined);
  for (uint32_t r : mrows) {
    if (m.customer[r] >= num_customers) continue;
    const Index l = sh.local_of[m.customer[r]];
    if (m.joined[r] <= sh.as_of) joined[l] = std::min(joined[l], m.joined[r]);
    if (m.CurrentAt(r, sh.as_of)) ranked[l] = 1;
  }

  std::vector<graph::NodeId> src, dst;
  std::vector<double> w;
  std::vector<uint32_t> esrc, edst;
  std::vector<double> elocal;
  std::vector<Evidence> evidence;
  std::vector<double> activity(n, 0.0), inside(n, 0.0);
  for (uint32_t r : irows) {
    const Index from = t.from[r], to = t.to[r];
    if (from >= num_customers || t.time[r] > sh.as_of) continue;
    const Index lf = sh.local_of[from];
    activity[lf] += graph::DecayFactor(t.time[r], sh.as_of, o.graph.half_life_days);
    if (to >= num_customers || to == from) continue;
    const Index lt = sh.local_of[to];
    const double x = graph::InteractionEdgeWeight(t, r, o.graph.kind_weights,
                                                  o.graph.half_life_days, sh.as_of);
    if (x > 0) {
      src.push_back(lf);
      dst.push_back(lt);
      w.push_back(x);
      inside[lf] += x;
      inside[lt] += x;
    }
    const int kind = t.kind[r];
    if (kind >= graph::kInteractionKinds) continue;
    const double given = std::isnan(t.weight[r]) ? 1.0 : t.weight[r];
    const double p = sh.positive[kind] * given, q = sh.negative[kind] * given;
    if ((p == 0 && q == 0) || t.time[r] > sh.reputation_as_of) continue;
    evidence.push_back(Evidence{lt, t.time[r], p, q});
    esrc.push_back(lf);
    edst.push_back(lt);
    elocal.push_back((p - q) * ForgettingFactor(t.time[r], sh.reputation_as_of, o.reputation));
  }

  CommunityLeaders out;
  out.community = c;
  std::vector<uint32_t> members;  // ranked nodes, ascending customer order
  for (uint32_t i = 0; i < n; ++i) {
    if (ranked[i]) members.push_back(i);
  }
  out.members = static_cast<uint32_t>(members.size());
  for (Index cust : nodes) sh.local_of[cust] = kNoIndex;
  if (members.empty()) return out;

  graph::BuildOptions bo;
  bo.keep_self_loops = false;
  auto g = graph::CsrGraph::FromEdges(n, src, dst, w, bo);
  if (!g.ok()) return g.status();
  graph::PageRankOptions po;
  po.damping = o.damping;
  po.teleport.assign(n, 0.0);
  for (uint32_t i : members) po.teleport[i] = 1.0;
  auto influence = graph::PageRank(*g, po);
  if (!influence.ok()) return influence.status();

  BetaReputationOptions ro = o.reputation;
  ro.as_of = sh.reputation_as_of;
  auto reputation = ComputeBetaReputation(n, evidence, ro);
  if (!reputation.ok()) return reputation.status();
  EigenTrustOptions eo;
  eo.a = 1 - o.damping;
  eo.pretrusted = members;
  auto trust = EigenTrust(n, esrc, edst, elocal, eo);
  if (!trust.ok()) return trust.status();

  const size_t k = members.size();
  std::vector<double> raw[kNumComponents];
  for (auto& v : raw) v.resize(k);
  for (size_t j = 0; j < k; ++j) {
    const uint32_t i = members[j];
    const Index cust = nodes[i];
    raw[kInfluence][j] = influence->rank[i];
    uint32_t reach = 0;
    for (graph::NodeId v : g->out_neighbors(i)) reach += v != i;
    raw[kReach][j] = reach;
    raw[kTrust][j] = reputation->reputation[i] * trust->trust[i] * n;
    raw[kActivity][j] = activity[i];
    raw[kTenure][j] =
        joined[i] == kNeverJoined ? 0.0 : static_cast<double>(sh.as_of - joined[i]) / kSecondsPerDay;
    // The mean of Beta(inside + 1, outside + 1): the share with a uniform
    // prior, so a share of 1 from two interactions counts less than 0.99
    // from a thousand (and a silent member sits at 1/2).
    raw[kEmbeddedness][j] = (inside[i] + 1) / (sh.total_weight[cust] + 2);
  }
  std::vector<double> scaled[kNumComponents];
  for (int comp = 0; comp < kNumComponents; ++comp) scaled[comp] = PercentileScale(raw[comp]);

  out.leaders.resize(k);
  for (size_t j = 0; j < k; ++j) {
    LeaderEntry& e = out.leaders[j];
    e.customer = nodes[members[j]];
    e.rank = 0;
    e.score = 0;
    for (int comp = 0; comp < kNumComponents; ++comp) {
      e.raw[comp] = raw[comp][j];
      e.scaled[comp] = scaled[comp][j];
      e.score += sh.weights[comp] * scaled[comp][j];
    }
    e.score = std::clamp(e.score, 0.0, 1.0);
    best_score[e.customer] = std::max(best_score[e.customer], e.score);
  }
  std::sort(out.leaders.begin(), out.leaders.end(), [](const LeaderEntry& a, const LeaderEntry& b) {
    return a.score != b.score ? a.score > b.score : a.customer < b.customer;
  });
  for (size_t j = 0; j < k; ++j) out.leaders[j].rank = static_cast<uint32_t>(j + 1);
  if (o.top != 0 && out.leaders.size() > o.top) out.leaders.resize(o.top);
  return out;
}

// Participation coefficient and brokerage of every member of >= 2
// communities (restricted to the members of `community` unless kNoIndex).
std::vector<BridgeEntry> ScoreBridges(const Shared& sh, Index community,
                                      const std::vector<double>& best_score) {
  const Tables& tables = *sh.tables;
  const LeaderOptions& o = *sh.options;
  const InteractionTable& t = tables.interactions;
  const MembershipTable& m = tables.memberships;
  const size_t num_customers = tables.customers.ids.size();
  const size_t num_communities = tables.communities.ids.size();

  // Each customer's communities (current memberships, or all of them).
  std::vector<std::pair<Index, Index>> pairs;  // (customer, community)
  for (size_t r = 0; r < m.customer.size(); ++r) {
    if (m.customer[r] >= num_customers || m.community[r] >= num_communities) continue;
    if (o.current_members_only && !m.CurrentAt(r, sh.as_of)) continue;
    pairs.emplace_back(m.customer[r], m.community[r]);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<uint32_t> offsets(num_customers + 1, 0);
  for (const auto& p : pairs) ++offsets[p.first + 1];
  for (size_t i = 0; i < num_customers; ++i) offsets[i + 1] += offsets[i];
  auto comms = [&](Index cust) {
    return absl::Span<const std::pair<Index, Index>>(pairs.data() + offsets[cust],
                                                     offsets[cust + 1] - offsets[cust]);
  };

  std::vector<Index> cand(num_customers, kNoIndex);
  std::vector<Index> candidates;
  for (Index u = 0; u < num_customers; ++u) {
    const auto cs = comms(u);
    if (cs.size() < 2) continue;
    if (community != kNoIndex &&
        std::none_of(cs.begin(), cs.end(), [&](const auto& p) { return p.second == community; })) {
      continue;
    }
    cand[u] = static_cast<Index>(candidates.size());
    candidates.push_back(u);
  }
  if (candidates.empty()) return {};

  // (candidate, community, received, made) contributions of every tie.
  struct Part {
    Index cand, community;
    double in, out;
  };
  std::vector<Part> parts;
  auto distribute = [&](Index u, Index v, Index tag, double x, bool made) {
    const auto cs = comms(v);
    if (cs.empty()) return;
    for (const auto& p : cs) {
      if (p.second == tag) {
        parts.push_back(Part{cand[u], tag, made ? 0 : x, made ? x : 0});
        return;
      }
    }
    const double share = x / cs.size();
    for (const auto& p : cs) {
      parts.push_back(Part{cand[u], p.second, made ? 0 : share, made ? share : 0});
    }
  };
  for (size_t r = 0; r < t.from.size(); ++r) {
    const Index from = t.from[r], to = t.to[r];
    if (from >= num_customers || to >= num_customers || from == to) continue;
    if (cand[from] == kNoIndex && cand[to] == kNoIndex) continue;
    const double x = graph::InteractionEdgeWeight(t, r, o.graph.kind_weights,
                                                  o.graph.half_life_days, sh.as_of);
    if (!(x > 0)) continue;
    if (cand[from] != kNoIndex) distribute(from, to, t.community[r], x, true);
    if (cand[to] != kNoIndex) distribute(to, from, t.community[r], x, false);
  }
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
    return a.cand != b.cand ? a.cand < b.cand : a.community < b.community;
  });

  std::vector<BridgeEntry> out;
  out.reserve(candidates.size());
  std::vector<std::pair<double, Index>> weight_by_comm;  // (w_c, c)
  std::vector<double> in_c, out_c;
  size_t i = 0;
  for (Index ci = 0; ci < candidates.size(); ++ci) {
    weight_by_comm.clear();
    in_c.clear();
    out_c.clear();
    for (; i < parts.size() && parts[i].cand == ci;) {
      const Index c = parts[i].community;
      double a = 0, b = 0;
      for (; i < parts.size() && parts[i].cand == ci && parts[i].community == c; ++i) {
        a += parts[i].in;
        b += parts[i].out;
      }
      weight_by_comm.emplace_back(a + b, c);
      in_c.push_back(a);
      out_c.push_back(b);
    }
    BridgeEntry e;
    e.customer = candidates[ci];
    e.rank = 0;
    double total = 0, made = 0;
    for (size_t j = 0; j < weight_by_comm.size(); ++j) {
      total += weight_by_comm[j].first;
      made += out_c[j];
    }
    double sum_sq = 0, brokerage = 0;
    for (size_t j = 0; j < weight_by_comm.size(); ++j) {
      if (total > 0) sum_sq += (weight_by_comm[j].first / total) * (weight_by_comm[j].first / total);
      if (made > 0) brokerage += in_c[j] * (made - out_c[j]) / made;
    }
    e.participation = total > 0 ? std::max(0.0, 1 - sum_sq) : 0.0;
    e.brokerage = brokerage;
    e.score = e.participation * std::max(0.0, best_score[e.customer]);
    std::sort(weight_by_comm.begin(), weight_by_comm.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto& [wc, c] : weight_by_comm) {
      if (wc > 0) e.communities.push_back(c);
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const BridgeEntry& a, const BridgeEntry& b) {
    return a.score != b.score ? a.score > b.score : a.customer < b.customer;
  });
  for (size_t j = 0; j < out.size(); ++j) out[j].rank = static_cast<uint32_t>(j + 1);
  if (o.top_bridges != 0 && out.size() > o.top_bridges) out.resize(o.top_bridges);
  return out;
}

}  // namespace

const char* ComponentName(Component c) {
  switch (c) {
    case kInfluence: return "influence";
    case kReach: return "reach";
    case kTrust: return "trust";
    case kActivity: return "activity";
    case kTenure: return "tenure";
    case kEmbeddedness: return "embeddedness";
    default: return "unknown";
  }
}

std::vector<double> PercentileScale(absl::Span<const double> values) {
  const size_t n = values.size();
  std::vector<double> out(n, 0.5);
  if (n < 2) return out;
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return values[a] < values[b]; });
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && values[order[j]] == values[order[i]]) ++j;
    // 1-based ranks i+1 .. j share their mean (i + 1 + j) / 2.
    const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    const double scaled = (mean_rank - 1) / static_cast<double>(n - 1);
    for (size_t k = i; k < j; ++k) out[order[k]] = scaled;
    i = j;
  }
  return out;
}

absl::StatusOr<LeadersResult> FindLeaders(const Tables& tables, const LeaderOptions& options,
                                          Index community) {
  if (absl::Status s = Validate(tables, options, community); !s.ok()) return s;
  const size_t num_customers = tables.customers.ids.size();
  const size_t num_communities = tables.communities.ids.size();
  const InteractionTable& t = tables.interactions;
  const MembershipTable& m = tables.memberships;

  Shared sh;
  sh.tables = &tables;
  sh.options = &options;
  sh.as_of = options.graph.as_of != kNoTime ? options.graph.as_of : DefaultAsOf(tables);
  sh.reputation_as_of =
      options.reputation.as_of != kNoTime ? options.reputation.as_of : sh.as_of;
  double sum = 0;
  for (double w : options.weights) sum += w;
  for (int k = 0; k < kNumComponents; ++k) sh.weights[k] = options.weights[k] / sum;
  sh.positive = EffectivePositiveEvidence(options.evidence);
  sh.negative = EffectiveNegativeEvidence(options.evidence);
  sh.interactions_by_community =
      Bucket(t.from.size(), num_communities, [&](size_t i) { return size_t{t.community[i]}; });
  sh.memberships_by_community =
      Bucket(m.customer.size(), num_communities, [&](size_t i) { return size_t{m.community[i]}; });
  sh.total_weight.assign(num_customers, 0.0);
  for (size_t r = 0; r < t.from.size(); ++r) {
    const Index from = t.from[r], to = t.to[r];
    if (from >= num_customers || to >= num_customers || from == to) continue;
    // Embeddedness compares communities: interactions tagged with none (a
    // referral) are neither inside nor outside.
    if (t.community[r] >= num_communities) continue;
    const double x = graph::InteractionEdgeWeight(t, r, options.graph.kind_weights,
                                                  options.graph.half_life_days, sh.as_of);
    if (!(x > 0)) continue;
    sh.total_weight[from] += x;
    sh.total_weight[to] += x;
  }
  sh.local_of.assign(num_customers, kNoIndex);

  LeadersResult result;
  result.as_of = sh.as_of;
  // Bridges need every member's best score, so every community is scored;
  // only the requested one is returned.
  std::vector<double> best_score(num_customers, 0.0);
  for (Index c = 0; c < num_communities; ++c) {
    auto scored = ScoreCommunity(sh, c, best_score);
    if (!scored.ok()) return scored.status();
    if (community == kNoIndex || community == c) result.communities.push_back(*std::move(scored));
  }
  result.bridges = ScoreBridges(sh, community, best_score);
  return result;
}

int64_t DefaultAsOf(const Tables& tables) {
  int64_t as_of = graph::LatestInteractionTime(tables);
  if (as_of != kNoTime) return as_of;
  const MembershipTable& m = tables.memberships;
  for (size_t i = 0; i < m.joined.size(); ++i) {
    as_of = std::max(as_of, m.joined[i]);
    if (m.left[i] != kNoTime) as_of = std::max(as_of, m.left[i]);
  }
  return as_of == kNoTime ? 0 : as_of;
}

}  // namespace mitra::leaders
