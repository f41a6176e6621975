#include "mitra/graph/interaction_graph.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"

namespace mitra::graph {

namespace {

constexpr double kSecondsPerDay = 86400.0;

// Checks the interaction weights of the table (NaN = not given = 1).
absl::Status CheckTableWeights(const InteractionTable& t) {
  for (size_t i = 0; i < t.weight.size(); ++i) {
    const double w = t.weight[i];
    if (std::isnan(w)) continue;
    if (!std::isfinite(w) || w < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("interactions[", i, "].weight ", w, " must be finite and >= 0"));
    }
  }
  return absl::OkStatus();
}

int64_t ResolveAsOf(const Tables& tables, int64_t as_of) {
  if (as_of != kNoTime) return as_of;
  return LatestInteractionTime(tables);
}

absl::StatusOr<InteractionGraph> Build(const Tables& tables, const InteractionGraphOptions& o,
                                       Index community) {
  if (absl::Status s = ValidateInteractionGraphOptions(o); !s.ok()) return s;
  const InteractionTable& t = tables.interactions;
  if (absl::Status s = CheckTableWeights(t); !s.ok()) return s;
  const size_t num_customers = tables.customers.ids.size();
  InteractionGraph out;
  out.as_of = ResolveAsOf(tables, o.as_of);
  const size_t rows = t.from.size();

  // Nodes: every customer, or the community's members in ascending order.
  std::vector<Index> local;  // customer -> node (community graphs only)
  if (community == kNoIndex) {
    out.customer.resize(num_customers);
    for (size_t i = 0; i < num_customers; ++i) out.customer[i] = static_cast<Index>(i);
  } else {
    std::vector<char> in(num_customers, 0);
    const MembershipTable& m = tables.memberships;
    for (size_t i = 0; i < m.customer.size(); ++i) {
      if (m.community[i] == community && m.customer[i] < num_customers) in[m.customer[i]] = 1;
    }
    for (size_t i = 0; i < rows; ++i) {
      if (t.community[i] != community) continue;
      if (t.from[i] < num_customers) in[t.from[i]] = 1;
      if (t.to[i] < num_customers) in[t.to[i]] = 1;
    }
    local.assign(num_customers, kNoIndex);
    for (size_t c = 0; c < num_customers; ++c) {
      if (!in[c]) continue;
      local[c] = static_cast<Index>(out.customer.size());
      out.customer.push_back(static_cast<Index>(c));
    }
  }

  std::vector<NodeId> src, dst;
  std::vector<double> w;
  // At most one edge a row: room for all of them at once rather than
  // doubling (whose copies peak at twice the list); pages never written
  // are never resident.
  src.reserve(rows);
  dst.reserve(rows);
  w.reserve(rows);
  for (size_t i = 0; i < rows; ++i) {
    if (community != kNoIndex && t.community[i] != community) continue;
    const Index from = t.from[i], to = t.to[i];
    if (to == kNoIndex || from >= num_customers || to >= num_customers) continue;
    if (from == to && !o.keep_self_loops) continue;
    const double x = InteractionEdgeWeight(t, i, o.kind_weights, o.half_life_days, out.as_of);
    if (!(x > 0)) continue;
    src.push_back(community == kNoIndex ? from : local[from]);
    dst.push_back(community == kNoIndex ? to : local[to]);
    w.push_back(x);
  }
  BuildOptions bo;
  bo.directed = true;
  bo.keep_self_loops = o.keep_self_loops;
  auto g = CsrGraph::FromEdges(static_cast<uint32_t>(out.customer.size()), src, dst, w, bo);
  if (!g.ok()) return g.status();
  out.graph = *std::move(g);
  return out;
}

}  // namespace

KindWeights DefaultKindWeights() {
  //       unspec reply mention like endorse referral visit post share message flag
  return {0.0, 1.0, 1.0, 0.5, 3.0, 2.0, 0.0, 0.0, 1.0, 1.0, 0.0};
}

const char* InteractionKindName(int kind) {
  static constexpr const char* kNames[kInteractionKinds] = {
      "unspecified", "reply", "mention", "like",    "endorsement", "referral",
      "visit",       "post",  "share",   "message", "flag"};
  if (kind < 0 || kind >= kInteractionKinds) return "unknown";
  return kNames[kind];
}

std::string KindOption(absl::string_view option, int kind) {
  return absl::StrCat(option, "[", kind, "] (", InteractionKindName(kind), ")");
}

absl::Status ValidateInteractionGraphOptions(const InteractionGraphOptions& o) {
  for (int k = 0; k < kInteractionKinds; ++k) {
    const double w = o.kind_weights[k];
    if (absl::Status s = CheckRange(w, o.names(KindOption("kind_weights", k)), w >= 0, "finite and >= 0");
        !s.ok())
      return s;
  }
  if (absl::Status s = CheckRange(o.half_life_days, o.names("half_life_days"),
                                  o.half_life_days >= 0, "finite and >= 0 (0: no decay)");
      !s.ok())
    return s;
  if (o.as_of != kNoTime) return CheckTime(o.as_of, o.names("as_of"));
  return absl::OkStatus();
}

int64_t LatestInteractionTime(const Tables& tables) {
  int64_t latest = kNoTime;
  for (int64_t t : tables.interactions.time) latest = std::max(latest, t);
  return latest;
}

double DecayFactor(int64_t time, int64_t as_of, double half_life_days) {
  if (as_of != kNoTime && time > as_of) return 0;
  if (half_life_days == 0 || as_of == kNoTime) return 1;
  const double age_days = static_cast<double>(as_of - time) / kSecondsPerDay;
  return std::exp2(-age_days / half_life_days);
}

double InteractionEdgeWeight(const InteractionTable& t, size_t row, const KindWeights& kw,
                             double half_life_days, int64_t as_of) {
  if (t.to[row] == kNoIndex) return 0;
  const int kind = t.kind[row];
  if (kind >= kInteractionKinds) return 0;
  const double k = kw[kind];
  if (k == 0) return 0;
  const double given = t.weight[row];
  const double x = std::isnan(given) ? 1.0 : given;
  return k * x * DecayFactor(t.time[row], as_of, half_life_days);
}

absl::StatusOr<InteractionGraph> BuildInteractionGraph(const Tables& tables,
                                                       const InteractionGraphOptions& options) {
  return Build(tables, options, kNoIndex);
}

absl::StatusOr<InteractionGraph> BuildCommunityGraph(const Tables& tables, Index community,
                                                     const InteractionGraphOptions& options) {
  if (community >= tables.communities.ids.size()) {
    return absl::NotFoundError(absl::StrCat("community ", community, " out of range (",
                                            tables.communities.ids.size(), " communities)"));
  }
  return Build(tables, options, community);
}

}  // namespace mitra::graph
