// The distribution chain as a tree: the workspace's Channel
// records, their parent links turned into paths, children and tiers.
//
// Member index = the channel's dense workspace index. A root (no parent) is
// the producer of its tree, whatever its kind; a member's path runs from
// itself up to its root. Margins are shares of the member's own selling
// price (proto/mitra/v1/channel.proto), so a member buying at w and keeping
// margin m sells at w / (1 - m), a markup of m / (1 - m) on w.
//
// Routes group members by how they reach customers, from the kind of the
// member that sold: COMMUNITY_ACTIVIST is the community route; DIRECT, and a
// root selling itself, the direct route; everything else (wholesaler, agent,
// retailer, unspecified) the chain. Roots, DIRECT and COMMUNITY_ACTIVIST
// members are run by the producer, which bears their fixed and per-unit
// costs; the others are independent businesses paid through their margins.
#ifndef MITRA_CHANNELS_CHAIN_H_
#define MITRA_CHANNELS_CHAIN_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/tables.h"

namespace mitra::channels {

// mitra.v1.ChannelKind numbers.
enum ChannelKind : EnumValue {
  kUnspecifiedKind = 0,
  kProducer = 1,
  kWholesaler = 2,
  kAgent = 3,
  kRetailer = 4,
  kCommunityActivist = 5,
  kDirect = 6,
};

enum class Route : uint8_t { kChain = 0, kDirect = 1, kCommunity = 2 };
inline constexpr int kNumRoutes = 3;
const char* RouteName(Route r);  // "chain", "direct", "community"

// How two members stand in the forest.
enum class Relation : uint8_t {
  kSame = 0,
  kVertical = 1,  // one is an ancestor of the other
  kSiblings = 2,  // same parent
  kSameTier = 3,  // same tree and depth, different parents
  kOther = 4,     // anything else (other tiers, other trees)
};
const char* RelationName(Relation r);  // "same", "vertical", "siblings", "same_tier", "other"

class Chain {
 public:
  size_t size() const { return parent_.size(); }
  Index parent(Index m) const { return parent_[m]; }
  Index root(Index m) const { return root_[m]; }
  uint32_t depth(Index m) const { return depth_[m]; }  // 0 for a root
  double margin(Index m) const { return margin_[m]; }
  double fixed_cost_per_year(Index m) const { return fixed_[m]; }
  double cost_per_unit(Index m) const { return unit_cost_[m]; }
  EnumValue kind(Index m) const { return kind_[m]; }
  // m, parent(m), ..., root(m).
  absl::Span<const Index> Path(Index m) const {
    return absl::MakeConstSpan(path_.data() + path_offsets_[m],
                               path_offsets_[m + 1] - path_offsets_[m]);
  }
  // In ascending member order.
  absl::Span<const Index> Children(Index m) const {
    return absl::MakeConstSpan(children_.data() + child_offsets_[m],
                               child_offsets_[m + 1] - child_offsets_[m]);
  }
  // Members ordered so that every child comes before its parent (leaves
  // first): the order of bottom-up roll-ups.
  const std::vector<Index>& BottomUp() const { return bottom_up_; }
  // The share of a sale's money at m that reaches the root:
  // prod over the path without the root of (1 - margin).
  double producer_share(Index m) const { return producer_share_[m]; }
  bool IsAncestor(Index a, Index b) const;  // a strictly above b
  Relation RelationOf(Index a, Index b) const;
  Route RouteOf(Index seller) const;
  // Roots, DIRECT and COMMUNITY_ACTIVIST members (see the file comment).
  bool ProducerRun(Index m) const;
  uint32_t max_depth() const { return max_depth_; }

  // INVALID_ARGUMENT naming the record and field ("channels[3].margin: must
  // be in [0, 1), got 1.2") for a margin outside [0, 1), a negative or
  // non-finite cost, a parent out of range, or a cycle.
  static absl::StatusOr<Chain> Build(const ChannelTable& channels);

 private:
  std::vector<Index> parent_, root_;
  std::vector<uint32_t> depth_;
  std::vector<double> margin_, fixed_, unit_cost_, producer_share_;
  std::vector<EnumValue> kind_;
  std::vector<uint32_t> path_offsets_, child_offsets_;
  std::vector<Index> path_, children_, bottom_up_;
  uint32_t max_depth_ = 0;
};

}  // namespace mitra::channels

#endif  // MITRA_CHANNELS_CHAIN_H_
