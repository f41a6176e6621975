// Workspace -> Batch: the inverse of AppendBatch (batch_append.h), used by snapshots and
// by mitra_workspace_export.
#include <algorithm>

#include "google/protobuf/arena.h"

#include "mitra/core/workspace.h"

namespace mitra {
namespace {

const std::string& IdOrEmpty(const IdInterner& ids, Index i) {
  static const std::string kEmpty;
  return i == kNoIndex ? kEmpty : ids.Id(i);
}

template <typename Map, typename Column>
void CopyMap(const Column& column, size_t row, Map* out) {
  column.ForEach(row, [&](const std::string& k, const auto& v) { (*out)[k] = v; });
}

// Collects records into batches of at most `max` records. The batch lives on
// an Arena, reset after each flush: protobuf 3.21 cannot destroy a message
// whose map insertion ran out of memory, and an arena never has to.
class Chunker {
 public:
  Chunker(size_t max, const std::function<absl::Status(v1::Batch&)>& sink)
      : max_(std::max<size_t>(max, 1)), sink_(sink),
        batch_(google::protobuf::Arena::CreateMessage<v1::Batch>(&arena_)) {}
  // Returns the batch to add the next record to, flushing a full one first.
  absl::StatusOr<v1::Batch*> Next() {
    if (count_ >= max_ && !keep_together_) {
      if (absl::Status s = Flush(); !s.ok()) return s;
    }
    ++count_;
    return batch_;
  }
  // The next `n` records share one batch: what came before is flushed first
  // only if they would not fit beside it. Together(0) ends the group.
  absl::Status Together(size_t n) {
    keep_together_ = n > 0;
    if (n > 0 && count_ > 0 && count_ + n > max_) return Flush();
    return absl::OkStatus();
  }
  absl::Status Flush() {
    if (count_ == 0) return absl::OkStatus();
    absl::Status s = sink_(*batch_);
    arena_.Reset();
    batch_ = google::protobuf::Arena::CreateMessage<v1::Batch>(&arena_);
    count_ = 0;
    return s;
  }

 private:
  size_t max_, count_ = 0;
  bool keep_together_ = false;
  const std::function<absl::Status(v1::Batch&)>& sink_;
  google::protobuf::Arena arena_;
  v1::Batch* batch_;
};

}  // namespace

absl::Status Workspace::Export(size_t max_records,
                               const std::function<absl::Status(v1::Batch&)>& sink) const {
  const Tables& t = tables_;
  Chunker out(max_records, sink);
  // Emits one record per row: `fill(row, batch)` adds the row to the batch.
  auto emit = [&](size_t rows, auto&& fill) -> absl::Status {
    for (size_t k = 0; k < rows; ++k) {
      absl::StatusOr<v1::Batch*> b = out.Next();
      if (!b.ok()) return b.status();
      fill(k, **b);
    }
    return absl::OkStatus();
  };
#define MITRA_RETURN_IF_ERROR(expr) \
  if (absl::Status s_ = (expr); !s_.ok()) return s_

  MITRA_RETURN_IF_ERROR(emit(t.customers.ids.size(), [&](size_t i, v1::Batch& b) {
    auto* r = b.add_customers();
    r->set_id(t.customers.ids.Id(i));
    if (t.customers.created[i] != kNoTime) r->set_created_unix_seconds(t.customers.created[i]);
    CopyMap(t.customers.attributes, i, r->mutable_attributes());
  }));
  MITRA_RETURN_IF_ERROR(emit(t.products.ids.size(), [&](size_t i, v1::Batch& b) {
    auto* r = b.add_products();
    r->set_id(t.products.ids.Id(i));
    r->set_name(t.products.name[i]);
    r->set_category(t.products.category[i]);
    r->set_unit_price(t.products.unit_price[i]);
    r->set_unit_cost(t.products.unit_cost[i]);
    CopyMap(t.products.attributes, i, r->mutable_attributes());
  }));
  MITRA_RETURN_IF_ERROR(emit(t.communities.ids.size(), [&](size_t i, v1::Batch& b) {
    auto* r = b.add_communities();
    r->set_id(t.communities.ids.Id(i));
    r->set_name(t.communities.name[i]);
    if (t.communities.created[i] != kNoTime)
      r->set_created_unix_seconds(t.communities.created[i]);
    CopyMap(t.communities.attributes, i, r->mutable_attributes());
  }));
  // Channels keep their dense order, so a parent may come after its child:
  // they travel in one batch, where forward references resolve.
  MITRA_RETURN_IF_ERROR(out.Together(t.channels.ids.size()));
  MITRA_RETURN_IF_ERROR(emit(
      t.channels.ids.size(),
      [&](size_t i, v1::Batch& b) {
        auto* r = b.add_channels();
        r->set_id(t.channels.ids.Id(i));
        r->set_name(t.channels.name[i]);
        r->set_kind(static_cast<v1::ChannelKind>(t.channels.kind[i]));
        r->set_parent_id(IdOrEmpty(t.channels.ids, t.channels.parent[i]));
        r->set_margin(t.channels.margin[i]);
        r->set_fixed_cost_per_year(t.channels.fixed_cost_per_year[i]);
        r->set_cost_per_unit(t.channels.cost_per_unit[i]);
        r->set_territory(t.channels.territory[i]);
        CopyMap(t.channels.attributes, i, r->mutable_attributes());
      }));
  MITRA_RETURN_IF_ERROR(out.Together(0));
  MITRA_RETURN_IF_ERROR(emit(t.programs.ids.size(), [&](size_t i, v1::Batch& b) {
    auto* r = b.add_programs();
    r->set_id(t.programs.ids.Id(i));
    r->set_name(t.programs.name[i]);
    r->set_product_id(IdOrEmpty(t.products.ids, t.programs.product[i]));
    r->set_start_unix_seconds(t.programs.start[i]);
    if (t.programs.end[i] != kNoTime) r->set_end_unix_seconds(t.programs.end[i]);
    t.programs.rated_attributes.ForEach(
        i, [&](const std::string& k, double) { r->add_attributes(k); });
    r->set_rating_min(t.programs.rating_min[i]);
    r->set_rating_max(t.programs.rating_max[i]);
  }));
  MITRA_RETURN_IF_ERROR(emit(t.transactions.customer.size(), [&](size_t i, v1::Batch& b) {
    const TransactionTable& x = t.transactions;
    auto* r = b.add_transactions();
    r->set_id(IdOrEmpty(x.order_ids, x.order[i]));
    r->set_customer_id(t.customers.ids.Id(x.customer[i]));
    r->set_time_unix_seconds(x.time[i]);
    r->set_amount(x.amount[i]);
    r->set_quantity(x.quantity[i]);
    r->set_product_id(IdOrEmpty(t.products.ids, x.product[i]));
    r->set_channel_id(IdOrEmpty(t.channels.ids, x.channel[i]));
  }));
  MITRA_RETURN_IF_ERROR(emit(t.interactions.from.size(), [&](size_t i, v1::Batch& b) {
    const InteractionTable& x = t.interactions;
    auto* r = b.add_interactions();
    r->set_from_customer_id(t.customers.ids.Id(x.from[i]));
    r->set_to_customer_id(IdOrEmpty(t.customers.ids, x.to[i]));
    r->set_kind(static_cast<v1::InteractionKind>(x.kind[i]));
    r->set_time_unix_seconds(x.time[i]);
    r->set_community_id(IdOrEmpty(t.communities.ids, x.community[i]));
    if (!std::isnan(x.weight[i])) r->set_weight(x.weight[i]);
  }));
  MITRA_RETURN_IF_ERROR(emit(t.memberships.customer.size(), [&](size_t i, v1::Batch& b) {
    const MembershipTable& x = t.memberships;
    auto* r = b.add_memberships();
    r->set_customer_id(t.customers.ids.Id(x.customer[i]));
    r->set_community_id(t.communities.ids.Id(x.community[i]));
    r->set_role(static_cast<v1::MembershipRole>(x.role[i]));
    r->set_joined_unix_seconds(x.joined[i]);
    if (x.left[i] != kNoTime) r->set_left_unix_seconds(x.left[i]);
  }));
  MITRA_RETURN_IF_ERROR(emit(t.feedback.program.size(), [&](size_t i, v1::Batch& b) {
    const FeedbackTable& x = t.feedback;
    auto* r = b.add_feedback();
    r->set_program_id(t.programs.ids.Id(x.program[i]));
    r->set_product_id(IdOrEmpty(t.products.ids, x.product[i]));
    r->set_customer_id(t.customers.ids.Id(x.customer[i]));
    CopyMap(x.ratings, i, r->mutable_ratings());
    if (!std::isnan(x.would_recommend[i]))
      r->set_would_recommend(static_cast<int32_t>(x.would_recommend[i]));
    r->set_time_unix_seconds(x.time[i]);
    r->set_comment(x.comment[i]);
  }));
  MITRA_RETURN_IF_ERROR(emit(t.referrals.referrer.size(), [&](size_t i, v1::Batch& b) {
    const ReferralTable& x = t.referrals;
    auto* r = b.add_referrals();
    r->set_referrer_id(t.customers.ids.Id(x.referrer[i]));
    r->set_referee_id(IdOrEmpty(t.customers.ids, x.referee[i]));
    r->set_time_unix_seconds(x.time[i]);
    r->set_converted(x.converted[i] != 0);
    r->set_value(x.value[i]);
  }));
#undef MITRA_RETURN_IF_ERROR
  return out.Flush();
}

}  // namespace mitra
