// Informal leaders of each community, and the bridge leaders between them.
//
// A leader score is a weighted sum of components, each scaled to [0, 1]
// within the community as the member's percentile rank (ties share the mean
// rank), so the weights compare like with like whatever the units:
//   influence     PageRank on the community's interaction subgraph
//                 (graph/interaction_graph.h), personalised to its members
//   reach         distinct members the member's interactions reached
//   trust         Beta reputation of the member's in-community evidence
//                 times its EigenTrust (leaders/reputation.h, leaders/eigentrust.h)
//   activity      decayed count of interactions made in the community
//   tenure        days since joining the community
//   embeddedness  share of the member's interaction weight (made and
//                 received) that lies inside this community: "speaks its
//                 language" (over interactions tagged with a community,
//                 as the Beta mean (inside + 1) / (all + 2))
// Results carry the raw value and the scaled value of each component, the
// score and the rank (1 = best).
//
// Bridge leaders: members whose ties reach several communities. For each
// member with interaction weight w_c in community c (made or received, over
// the whole interaction graph, a tie counting in the community of its other
// end's memberships: the interaction's own community when the other end is
// a member of it, else split equally over them), the participation coefficient P = 1 - sum_c (w_c/w)^2
// (Guimerà & Amaral 2005) and brokerage = weight of ties between members of
// different communities passing through the member (both ends in different
// communities than each other); ranked by P times the member's best leader
// score over its communities.
#ifndef MITRA_LEADERS_LEADER_SCORE_H_
#define MITRA_LEADERS_LEADER_SCORE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"
#include "mitra/core/tables.h"
#include "mitra/graph/interaction_graph.h"
#include "mitra/leaders/reputation.h"

namespace mitra::leaders {

enum Component { kInfluence, kReach, kTrust, kActivity, kTenure, kEmbeddedness, kNumComponents };
const char* ComponentName(Component c);  // "influence", ...

struct LeaderOptions {
  // Weights of the components (finite, >= 0, positive sum); normalised to
  // sum 1. Default (docs/LEADERS.md says why): influence .30, reach .15,
  // trust .30, activity .10, tenure .05, embeddedness .10.
  double weights[kNumComponents] = {0.30, 0.15, 0.30, 0.10, 0.05, 0.10};
  graph::InteractionGraphOptions graph;  // kind weights, half-life, as_of
  BetaReputationOptions reputation;
  WorkspaceEvidenceOptions evidence;     // its community field is ignored
  double damping = 0.85;                 // influence and EigenTrust (a = 1 - damping)
  uint32_t top = 10;                     // leaders kept per community (0 = all members)
  uint32_t top_bridges = 10;             // 0 = all members in >= 2 communities
  // Only members whose membership is current at as_of (not left) are ranked.
  bool current_members_only = true;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct LeaderEntry {
  Index customer;
  uint32_t rank;  // 1-based within the community
  double score;   // in [0, 1]
  double raw[kNumComponents];
  double scaled[kNumComponents];
};

struct CommunityLeaders {
  Index community;
  uint32_t members;  // ranked members
  std::vector<LeaderEntry> leaders;  // best first
};

struct BridgeEntry {
  Index customer;
  uint32_t rank;
  double score;                     // participation * best leader score
  double participation;             // in [0, 1)
  double brokerage;                 // cross-community tie weight through the member
  std::vector<Index> communities;   // where the member's tie weight is, heaviest first
};

struct LeadersResult {
  std::vector<CommunityLeaders> communities;  // in community index order
  std::vector<BridgeEntry> bridges;           // best first
  int64_t as_of = kNoTime;
};

// The percentile scaling of the components (additive API): value i gets
// (mean rank - 1) / (n - 1), ranks 1..n ascending and tied values sharing the
// mean of their ranks, so the smallest value maps to 0 and the largest to 1;
// all-tied values (and a single value) get 0.5.
std::vector<double> PercentileScale(absl::Span<const double> values);

// The reference time when none is given: the latest interaction, else the
// latest membership event (join or leave), else 0.
int64_t DefaultAsOf(const Tables& tables);

// community = kNoIndex: every community. INVALID_ARGUMENT for bad weights
// or options, NOT_FOUND for a community index out of range.
absl::StatusOr<LeadersResult> FindLeaders(const Tables& tables, const LeaderOptions& options,
                                          Index community = kNoIndex);

}  // namespace mitra::leaders

#endif  // MITRA_LEADERS_LEADER_SCORE_H_
