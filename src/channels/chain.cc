#include "mitra/channels/chain.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "mitra/core/text_checks.h"

namespace mitra::channels {
namespace {

absl::Status Invalid(size_t row, const char* field, const std::string& problem) {
  return absl::InvalidArgumentError(absl::StrCat("channels[", row, "].", field, ": ", problem));
}

}  // namespace

const char* RouteName(Route r) {
  switch (r) {
    case Route::kChain:
      return "chain";
    case Route::kDirect:
      return "direct";
    case Route::kCommunity:
      return "community";
  }
  return "unknown";
}

const char* RelationName(Relation r) {
  switch (r) {
    case Relation::kSame:
      return "same";
    case Relation::kVertical:
      return "vertical";
    case Relation::kSiblings:
      return "siblings";
    case Relation::kSameTier:
      return "same_tier";
    case Relation::kOther:
      return "other";
  }
  return "unknown";
}

absl::StatusOr<Chain> Chain::Build(const ChannelTable& t) {
  const size_t n = t.ids.size();
  if (t.parent.size() != n || t.margin.size() != n || t.kind.size() != n ||
      t.fixed_cost_per_year.size() != n || t.cost_per_unit.size() != n)
    return absl::InvalidArgumentError("channels: columns of different lengths");
  for (size_t i = 0; i < n; ++i) {
    const double m = t.margin[i];
    if (!(std::isfinite(m) && m >= 0 && m < 1))
      return Invalid(i, "margin", absl::StrCat("must be in [0, 1), got ", m));
    if (!(std::isfinite(t.fixed_cost_per_year[i]) && t.fixed_cost_per_year[i] >= 0))
      return Invalid(i, "fixed_cost_per_year",
                     absl::StrCat("must be finite and >= 0, got ", t.fixed_cost_per_year[i]));
    if (!(std::isfinite(t.cost_per_unit[i]) && t.cost_per_unit[i] >= 0))
      return Invalid(i, "cost_per_unit",
                     absl::StrCat("must be finite and >= 0, got ", t.cost_per_unit[i]));
    if (t.parent[i] != kNoIndex && t.parent[i] >= n)
      return Invalid(i, "parent_id", absl::StrCat("member ", t.parent[i], " out of range"));
  }
  Chain c;
  c.parent_ = t.parent;
  c.margin_ = t.margin;
  c.fixed_ = t.fixed_cost_per_year;
  c.unit_cost_ = t.cost_per_unit;
  c.kind_ = t.kind;
  // Depths by walking up with memo; a walk longer than n members is a cycle.
  constexpr uint32_t kUnknown = UINT32_MAX;
  c.depth_.assign(n, kUnknown);
  c.root_.assign(n, kNoIndex);
  std::vector<Index> stack;
  for (Index i = 0; i < n; ++i) {
    Index m = i;
    stack.clear();
    while (c.depth_[m] == kUnknown && c.parent_[m] != kNoIndex) {
      stack.push_back(m);
      if (stack.size() > n)
        return Invalid(i, "parent_id", absl::StrCat("the chain above ", Quote(t.ids.Id(i)), " loops"));
      m = c.parent_[m];
    }
    if (c.depth_[m] == kUnknown) {  // a root
      c.depth_[m] = 0;
      c.root_[m] = m;
    }
    for (size_t k = stack.size(); k-- > 0;) {
      const Index s = stack[k];
      c.depth_[s] = c.depth_[c.parent_[s]] + 1;
      c.root_[s] = c.root_[c.parent_[s]];
    }
  }
  c.path_offsets_.assign(n + 1, 0);
  for (Index i = 0; i < n; ++i) {
    c.path_offsets_[i + 1] = c.path_offsets_[i] + c.depth_[i] + 1;
    c.max_depth_ = std::max(c.max_depth_, c.depth_[i]);
  }
  c.path_.resize(c.path_offsets_[n]);
  c.producer_share_.assign(n, 1.0);
  for (Index i = 0; i < n; ++i) {
    uint32_t at = c.path_offsets_[i];
    double share = 1;
    for (Index m = i; m != kNoIndex; m = c.parent_[m]) {
      c.path_[at++] = m;
      if (c.parent_[m] != kNoIndex) share *= 1 - c.margin_[m];
    }
    c.producer_share_[i] = share;
  }
  c.child_offsets_.assign(n + 1, 0);
  for (Index i = 0; i < n; ++i)
    if (c.parent_[i] != kNoIndex) ++c.child_offsets_[c.parent_[i] + 1];
  for (size_t i = 0; i < n; ++i) c.child_offsets_[i + 1] += c.child_offsets_[i];
  c.children_.resize(c.child_offsets_[n]);
  std::vector<uint32_t> fill(c.child_offsets_.begin(), c.child_offsets_.end() - 1);
  for (Index i = 0; i < n; ++i)
    if (c.parent_[i] != kNoIndex) c.children_[fill[c.parent_[i]]++] = i;
  // Deepest first (a counting sort by depth, descending).
  std::vector<uint32_t> by_depth(c.max_depth_ + 2, 0);
  for (Index i = 0; i < n; ++i) ++by_depth[c.max_depth_ - c.depth_[i] + 1];
  for (size_t d = 1; d < by_depth.size(); ++d) by_depth[d] += by_depth[d - 1];
  c.bottom_up_.resize(n);
  for (Index i = 0; i < n; ++i) c.bottom_up_[by_depth[c.max_depth_ - c.depth_[i]]++] = i;
  return c;
}

bool Chain::IsAncestor(Index a, Index b) const {
  if (a == b || depth_[a] >= depth_[b]) return false;
  return Path(b)[depth_[b] - depth_[a]] == a;
}

Relation Chain::RelationOf(Index a, Index b) const {
  if (a == b) return Relation::kSame;
  if (IsAncestor(a, b) || IsAncestor(b, a)) return Relation::kVertical;
  if (parent_[a] != kNoIndex && parent_[a] == parent_[b]) return Relation::kSiblings;
  if (root_[a] == root_[b] && depth_[a] == depth_[b]) return Relation::kSameTier;
  return Relation::kOther;
}

Route Chain::RouteOf(Index seller) const {
  if (kind_[seller] == kCommunityActivist) return Route::kCommunity;
  if (kind_[seller] == kDirect || parent_[seller] == kNoIndex) return Route::kDirect;
  return Route::kChain;
}

bool Chain::ProducerRun(Index m) const {
  return parent_[m] == kNoIndex || kind_[m] == kDirect || kind_[m] == kCommunityActivist;
}

}  // namespace mitra::channels
