// Workspace -> records in protobuf wire form: the inverse of AppendBatch
// (batch_append.h). Snapshots write these frames as they are, the C ABI's
// export hands them to the host, and Export parses them for callers that
// want messages: one mapping from columns to records serves all three.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "mitra/core/workspace.h"
#include "wire_writer.h"

namespace mitra {
namespace {

// Batch's field number for each kind of record.
enum BatchField : uint32_t {
  kCustomers = 1, kProducts, kCommunities, kChannels, kPrograms,
  kTransactions, kInteractions, kMemberships, kFeedback, kReferrals,
  kCampaigns, kCampaignMembers,
};

// How many rows ahead the emitters prefetch the ids they will write.
constexpr size_t kIdsAhead = 8;

std::string_view IdOrEmpty(const IdInterner& ids, Index i) {
  return i == kNoIndex ? std::string_view() : ids.Id(i);
}

// Collects records into frames of at most `max` records, each a serialized
// Batch, and hands each full frame to the sink.
class Framer {
 public:
  Framer(size_t max, const std::function<absl::Status(std::string_view)>& sink)
      : max_(std::max<size_t>(max, 1)), sink_(sink) {}

  // The writer for the next record, after flushing a full frame.
  absl::StatusOr<WireWriter*> Next() {
    if (count_ >= max_ && !keep_together_) {
      if (absl::Status s = Flush(); !s.ok()) return s;
    }
    ++count_;
    return &w_;
  }
  // The next `n` records share one frame: what came before is flushed first
  // only if they would not fit beside it. Together(0) ends the group.
  absl::Status Together(size_t n) {
    keep_together_ = n > 0;
    if (n > 0 && count_ > 0 && count_ + n > max_) return Flush();
    return absl::OkStatus();
  }
  absl::Status Flush() {
    if (count_ == 0) return absl::OkStatus();
    absl::Status s = sink_(w_.bytes());
    w_.Clear();
    count_ = 0;
    return s;
  }

 private:
  size_t max_, count_ = 0;
  bool keep_together_ = false;
  const std::function<absl::Status(std::string_view)>& sink_;
  WireWriter w_;
};

// A map column's row as map entries, in key order as protobuf's
// deterministic serializer writes them. `order` is scratch space.
template <typename Value, typename Put>
void MapEntries(WireWriter& w, uint32_t field, const MapColumn<Value>& column, size_t row,
                std::vector<std::pair<std::string_view, const Value*>>& order, Put put) {
  order.clear();
  column.ForEach(row, [&](std::string_view k, const Value& v) { order.emplace_back(k, &v); });
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [k, v] : order) {
    const size_t entry = w.Open(field);
    w.Bytes(1, k);
    put(w, *v);
    w.Close(entry);
  }
}

}  // namespace

absl::Status Workspace::ExportWire(size_t max_records,
                                   const std::function<absl::Status(std::string_view)>& sink) const {
  const Tables& t = tables_;
  Framer out(max_records, sink);
  std::vector<std::pair<std::string_view, const std::string*>> texts;
  std::vector<std::pair<std::string_view, const double*>> numbers;
  auto attributes = [&](WireWriter& w, uint32_t field, const AttributeColumn& c, size_t row) {
    MapEntries(w, field, c, row, texts,
               [](WireWriter& w, const std::string& v) { w.Bytes(2, v); });
  };
  // One record per row: `fill(row, writer)` writes the record's fields.
  auto emit = [&](uint32_t kind, size_t rows, auto&& fill) -> absl::Status {
    for (size_t k = 0; k < rows; ++k) {
      absl::StatusOr<WireWriter*> w = out.Next();
      if (!w.ok()) return w.status();
      const size_t record = (*w)->Open(kind);
      fill(k, **w);
      (*w)->Close(record);
    }
    return absl::OkStatus();
  };
#define MITRA_RETURN_IF_ERROR(expr) \
  if (absl::Status s_ = (expr); !s_.ok()) return s_

  // Field numbers are those of proto/mitra/v1, in increasing order.
  MITRA_RETURN_IF_ERROR(emit(kCustomers, t.customers.ids.size(), [&](size_t i, WireWriter& w) {
    w.String(1, t.customers.ids.Id(i));
    if (t.customers.created[i] != kNoTime) w.OptionalInt64(2, t.customers.created[i]);
    attributes(w, 3, t.customers.attributes, i);
  }));
  MITRA_RETURN_IF_ERROR(emit(kProducts, t.products.ids.size(), [&](size_t i, WireWriter& w) {
    w.String(1, t.products.ids.Id(i));
    w.String(2, t.products.name[i]);
    w.String(3, t.products.category[i]);
    w.Double(4, t.products.unit_price[i]);
    w.Double(5, t.products.unit_cost[i]);
    attributes(w, 6, t.products.attributes, i);
  }));
  MITRA_RETURN_IF_ERROR(emit(kCommunities, t.communities.ids.size(), [&](size_t i, WireWriter& w) {
    w.String(1, t.communities.ids.Id(i));
    w.String(2, t.communities.name[i]);
    if (t.communities.created[i] != kNoTime) w.OptionalInt64(3, t.communities.created[i]);
    attributes(w, 4, t.communities.attributes, i);
  }));
  // Channels keep their dense order, so a parent may come after its child:
  // they travel in one frame, where forward references resolve.
  MITRA_RETURN_IF_ERROR(out.Together(t.channels.ids.size()));
  MITRA_RETURN_IF_ERROR(emit(kChannels, t.channels.ids.size(), [&](size_t i, WireWriter& w) {
    const ChannelTable& x = t.channels;
    w.String(1, x.ids.Id(i));
    w.String(2, x.name[i]);
    w.Enum(3, x.kind[i]);
    w.String(4, IdOrEmpty(x.ids, x.parent[i]));
    w.Double(5, x.margin[i]);
    w.Double(6, x.fixed_cost_per_year[i]);
    w.Double(7, x.cost_per_unit[i]);
    w.String(8, x.territory[i]);
    attributes(w, 9, x.attributes, i);
  }));
  MITRA_RETURN_IF_ERROR(out.Together(0));
  MITRA_RETURN_IF_ERROR(emit(kPrograms, t.programs.ids.size(), [&](size_t i, WireWriter& w) {
    const ProgramTable& x = t.programs;
    w.String(1, x.ids.Id(i));
    w.String(2, x.name[i]);
    w.String(3, IdOrEmpty(t.products.ids, x.product[i]));
    w.Int64(4, x.start[i]);
    if (x.end[i] != kNoTime) w.OptionalInt64(5, x.end[i]);
    // A list, kept in the order given (not a map).
    x.rated_attributes.ForEach(i, [&](std::string_view k, double) { w.Bytes(6, k); });
    w.Double(7, x.rating_min[i]);
    w.Double(8, x.rating_max[i]);
  }));
  MITRA_RETURN_IF_ERROR(
      emit(kTransactions, t.transactions.customer.size(), [&](size_t i, WireWriter& w) {
        const TransactionTable& x = t.transactions;
        // Customers come in no order: fetch the id of a row ahead, so that
        // the cache misses overlap.
        if (i + kIdsAhead < x.customer.size()) t.customers.ids.PrefetchId(x.customer[i + kIdsAhead]);
        w.String(1, IdOrEmpty(x.order_ids, x.order[i]));
        w.String(2, t.customers.ids.Id(x.customer[i]));
        w.Int64(3, x.time[i]);
        w.Double(4, x.amount[i]);
        w.Double(5, x.quantity[i]);
        w.String(6, IdOrEmpty(t.products.ids, x.product[i]));
        w.String(7, IdOrEmpty(t.channels.ids, x.channel[i]));
      }));
  MITRA_RETURN_IF_ERROR(
      emit(kInteractions, t.interactions.from.size(), [&](size_t i, WireWriter& w) {
        const InteractionTable& x = t.interactions;
        if (i + kIdsAhead < x.from.size()) t.customers.ids.PrefetchId(x.from[i + kIdsAhead]);
        w.String(1, t.customers.ids.Id(x.from[i]));
        w.String(2, IdOrEmpty(t.customers.ids, x.to[i]));
        w.Enum(3, x.kind[i]);
        w.Int64(4, x.time[i]);
        w.String(5, IdOrEmpty(t.communities.ids, x.community[i]));
        if (!std::isnan(x.weight[i])) w.OptionalDouble(6, x.weight[i]);
      }));
  MITRA_RETURN_IF_ERROR(
      emit(kMemberships, t.memberships.customer.size(), [&](size_t i, WireWriter& w) {
        const MembershipTable& x = t.memberships;
        w.String(1, t.customers.ids.Id(x.customer[i]));
        w.String(2, t.communities.ids.Id(x.community[i]));
        w.Enum(3, x.role[i]);
        w.Int64(4, x.joined[i]);
        if (x.left[i] != kNoTime) w.OptionalInt64(5, x.left[i]);
      }));
  MITRA_RETURN_IF_ERROR(emit(kFeedback, t.feedback.program.size(), [&](size_t i, WireWriter& w) {
    const FeedbackTable& x = t.feedback;
    w.String(1, t.programs.ids.Id(x.program[i]));
    w.String(2, IdOrEmpty(t.products.ids, x.product[i]));
    w.String(3, t.customers.ids.Id(x.customer[i]));
    MapEntries(w, 4, x.ratings, i, numbers,
               [](WireWriter& w, double v) { w.OptionalDouble(2, v); });
    if (!std::isnan(x.would_recommend[i]))
      w.OptionalInt64(5, static_cast<int32_t>(x.would_recommend[i]));
    w.Int64(6, x.time[i]);
    w.String(7, x.comment[i]);
  }));
  MITRA_RETURN_IF_ERROR(emit(kReferrals, t.referrals.referrer.size(), [&](size_t i, WireWriter& w) {
    const ReferralTable& x = t.referrals;
    w.String(1, t.customers.ids.Id(x.referrer[i]));
    w.String(2, IdOrEmpty(t.customers.ids, x.referee[i]));
    w.Int64(3, x.time[i]);
    w.Bool(4, x.converted[i] != 0);
    w.Double(5, x.value[i]);
  }));
  MITRA_RETURN_IF_ERROR(emit(kCampaigns, t.campaigns.ids.size(), [&](size_t i, WireWriter& w) {
    const CampaignTable& x = t.campaigns;
    w.String(1, x.ids.Id(i));
    w.String(2, x.name[i]);
    w.Enum(3, x.route[i]);
    w.Int64(4, x.start[i]);
    w.Int64(5, x.end[i]);
    w.Double(6, x.spend[i]);
    w.String(7, IdOrEmpty(t.communities.ids, x.community[i]));
    attributes(w, 8, x.attributes, i);
  }));
  MITRA_RETURN_IF_ERROR(
      emit(kCampaignMembers, t.campaign_members.campaign.size(), [&](size_t i, WireWriter& w) {
        const CampaignMemberTable& x = t.campaign_members;
        w.String(1, t.campaigns.ids.Id(x.campaign[i]));
        w.String(2, IdOrEmpty(t.customers.ids, x.customer[i]));
        w.String(3, IdOrEmpty(t.channels.ids, x.channel[i]));
      }));
#undef MITRA_RETURN_IF_ERROR
  return out.Flush();
}

absl::Status Workspace::Export(size_t max_records,
                               const std::function<absl::Status(v1::Batch&)>& sink) const {
  return ExportWire(max_records, [&](std::string_view frame) -> absl::Status {
    // On an arena: protobuf 3.21 cannot destroy a message whose map
    // insertion ran out of memory, and an arena never has to.
    if (frame.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
      return absl::ResourceExhaustedError(
          absl::StrCat("an export of ", frame.size(),
                       " bytes in one batch exceeds protobuf's 2 GiB message limit"));
    google::protobuf::Arena arena;
    auto* batch = google::protobuf::Arena::CreateMessage<v1::Batch>(&arena);
    if (!batch->ParseFromArray(frame.data(), static_cast<int>(frame.size())))
      return absl::InternalError("an exported frame does not parse as a mitra.v1.Batch");
    return sink(*batch);
  });
}

}  // namespace mitra
