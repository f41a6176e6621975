#include "mitra/core/workspace.h"

#include <cmath>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "mitra/core/columns.h"
#include "common/exports.h"
#include "common/test_batch.h"

namespace mitra {
namespace {

using testing::ExportAll;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

TEST(Workspace, IngestsEveryKindAndCounts) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  v1::WorkspaceCounts c = ws.Counts();
  EXPECT_EQ(c.customers(), 3u);
  EXPECT_EQ(c.products(), 2u);
  EXPECT_EQ(c.communities(), 2u);
  EXPECT_EQ(c.channels(), 3u);
  EXPECT_EQ(c.programs(), 1u);
  EXPECT_EQ(c.transactions(), 4u);
  EXPECT_EQ(c.interactions(), 4u);
  EXPECT_EQ(c.memberships(), 3u);
  EXPECT_EQ(c.feedback(), 2u);
  EXPECT_EQ(c.referrals(), 2u);
  EXPECT_EQ(c.campaigns(), 2u);
  EXPECT_EQ(c.campaign_members(), 3u);
  EXPECT_EQ(ws.RecordCount(), 31u);
}

TEST(Workspace, StoresDenseColumns) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  const Tables& t = ws.tables();
  EXPECT_EQ(t.customers.ids.Id(1), "c2");
  EXPECT_EQ(*t.customers.ids.Find("c3"), 2u);
  EXPECT_THAT(t.transactions.customer, ::testing::ElementsAre(0, 0, 1, 2));
  EXPECT_EQ(t.transactions.product[2], kNoIndex);
  EXPECT_EQ(t.channels.parent[0], 1u);  // r1 -> w1, resolved forward
  EXPECT_EQ(t.channels.parent[2], kNoIndex);
  EXPECT_EQ(t.customers.created[1], kNoTime);
  EXPECT_TRUE(std::isnan(t.interactions.weight[0]));
  EXPECT_EQ(t.interactions.weight[1], 2.5);
  EXPECT_EQ(t.interactions.to[2], kNoIndex);
  EXPECT_EQ(t.programs.rating_min[0], 1.0);  // the default scale
  EXPECT_EQ(t.programs.rating_max[0], 5.0);

  absl::StatusOr<ColumnView> amount = FindColumn(t, "transactions.amount");
  ASSERT_TRUE(amount.ok());
  EXPECT_EQ(amount->dtype, Dtype::kDouble);
  EXPECT_EQ(amount->length, 4u);
  EXPECT_EQ(static_cast<const double*>(amount->data)[2], 1450.5);
  EXPECT_EQ(FindColumn(t, "transactions.nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(ColumnNames(t), ::testing::Contains("interactions.kind"));
}

TEST(Workspace, ExportIngestsBackToTheSameRecords) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  v1::Batch out = ExportAll(ws);
  Workspace again;
  ASSERT_TRUE(again.Ingest(out).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(ExportAll(again), out));
  // The export equals the input up to the default rating scale being
  // written out; channels keep their order (a child before its parent).
  v1::Batch in = testing::FullBatch();
  in.mutable_programs(0)->set_rating_min(1);
  in.mutable_programs(0)->set_rating_max(5);
  MessageDifferencer diff;
  std::string report;
  diff.ReportDifferencesToString(&report);
  EXPECT_TRUE(diff.Compare(in, out)) << report;
}

// protobuf's own deterministic serialization: the reference the wire
// writer's bytes must equal.
std::string ProtobufBytes(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  return out;
}

std::string WireOf(const Workspace& ws) {
  std::string bytes;
  int frames = 0;
  EXPECT_TRUE(ws.ExportWire(SIZE_MAX, [&](std::string_view frame) {
                  ++frames;
                  bytes.assign(frame);
                  return absl::OkStatus();
                }).ok());
  EXPECT_LE(frames, 1);
  return bytes;
}

TEST(Workspace, WireExportIsProtobufsDeterministicSerialization) {
  // Every kind and every optional field, serialized by protobuf from the
  // message the workspace was built from.
  v1::Batch in = testing::FullBatch();
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(in).ok());
  in.mutable_programs(0)->set_rating_min(1);
  in.mutable_programs(0)->set_rating_max(5);
  EXPECT_EQ(WireOf(ws), ProtobufBytes(in));
}

TEST(Workspace, WireExportOfLongRecordsNegativeTimesAndUnorderedMaps) {
  // Record bodies of 128 bytes and more need a length of two bytes (a 20 kB
  // comment: three), times before 1970 are ten-byte varints, and map entries
  // go in key order whatever order they came in.
  v1::Batch in;
  auto* c = in.add_customers();
  c->set_id("c1");
  c->set_created_unix_seconds(-2000000000);
  for (const char* k : {"zeta", "alpha", "mid", "Beta"})
    (*c->mutable_attributes())[k] = std::string(40, k[0]);
  auto* p = in.add_programs();
  p->set_id("p");
  p->set_start_unix_seconds(-86400);
  p->add_attributes("z");
  p->add_attributes("a");
  p->set_rating_min(0);  // left out, as a default
  p->set_rating_max(10);
  auto* f = in.add_feedback();
  f->set_program_id("p");
  f->set_customer_id("c1");
  f->set_time_unix_seconds(-1);
  f->set_comment(std::string(20000, 'x'));
  (*f->mutable_ratings())["z"] = 10;
  (*f->mutable_ratings())["a"] = 0;  // a map value at its default is still written
  f->set_would_recommend(0);
  auto* t = in.add_transactions();
  t->set_customer_id("c1");
  t->set_time_unix_seconds(-5);
  t->set_amount(1e15);
  Workspace ws;
  absl::Status s = ws.Ingest(in);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(WireOf(ws), ProtobufBytes(in));
}

// A protobuf map iterates in the order of its hash seed, which differs
// between processes: the columns take map entries in key order instead, so
// that the same data numbers its attribute keys, and sums its ratings, the
// same way on every import.
TEST(Workspace, MapEntriesAreStoredInKeyOrderWhateverTheMapsOrder) {
  std::vector<std::string> keys;
  for (char a = 'a'; a <= 'z'; ++a) keys.push_back(std::string("k") + a);  // already sorted
  v1::Batch in;
  auto* c = in.add_customers();
  c->set_id("c1");
  for (auto k = keys.rbegin(); k != keys.rend(); ++k) (*c->mutable_attributes())[*k] = "v" + *k;
  auto* p = in.add_programs();
  p->set_id("p");
  p->set_start_unix_seconds(0);
  auto* f = in.add_feedback();
  f->set_program_id("p");
  f->set_customer_id("c1");
  f->set_time_unix_seconds(1);
  for (size_t i = keys.size(); i-- > 0;) (*f->mutable_ratings())[keys[i]] = 1 + i % 5;
  Workspace ws;
  absl::Status s = ws.Ingest(in);
  ASSERT_TRUE(s.ok()) << s;
  const Tables& t = ws.tables();
  std::vector<std::string> attribute_order, rating_order;
  std::vector<double> ratings;
  t.customers.attributes.ForEach(0, [&](std::string_view k, const std::string& v) {
    attribute_order.emplace_back(k);
    EXPECT_EQ(v, "v" + std::string(k));
  });
  t.feedback.ratings.ForEach(0, [&](std::string_view k, double v) {
    rating_order.emplace_back(k);
    ratings.push_back(v);
  });
  EXPECT_EQ(attribute_order, keys);
  EXPECT_EQ(rating_order, keys);
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(ratings[i], 1 + i % 5) << keys[i];
    // Keys are numbered in the order first seen: here, key order.
    EXPECT_EQ(t.customers.attributes.keys().Id(static_cast<Index>(i)), keys[i]);
    EXPECT_EQ(t.feedback.ratings.keys().Id(static_cast<Index>(i)), keys[i]);
  }
}

TEST(Workspace, SmallChunksEachIngestOnTheirOwn) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  Workspace copy;
  int chunks = 0;
  ASSERT_TRUE(ws.Export(1, [&](v1::Batch& b) {
    ++chunks;
    return copy.Ingest(b);
  }).ok());
  EXPECT_EQ(chunks, 29);  // 31 records, the 3 channels in one batch
  EXPECT_TRUE(MessageDifferencer::Equals(ExportAll(copy), ExportAll(ws)));
  EXPECT_EQ(copy.tables().channels.ids.Id(0), "r1");  // same dense indices
}

// One bad field per case: the status, a piece of the message, and the proof
// that nothing was applied.
struct BadCase {
  const char* name;
  std::function<void(v1::Batch&)> mutate;
  absl::StatusCode code;
  const char* message;
  friend void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }
};

class BadBatch : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadBatch, IsRefusedWholeWithARecordAndFieldNamed) {
  Workspace ws;
  v1::Batch seed;
  seed.add_customers()->set_id("existing");
  ASSERT_TRUE(ws.Ingest(seed).ok());
  const v1::Batch before = ExportAll(ws);

  v1::Batch b = testing::FullBatch();
  GetParam().mutate(b);
  absl::Status s = ws.Ingest(b);
  EXPECT_EQ(s.code(), GetParam().code) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(GetParam().message));
  EXPECT_TRUE(MessageDifferencer::Equals(ExportAll(ws), before));
  EXPECT_EQ(ws.Counts().customers(), 1u);
}

const absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
const absl::StatusCode kNotFound = absl::StatusCode::kNotFound;
const absl::StatusCode kExists = absl::StatusCode::kAlreadyExists;

INSTANTIATE_TEST_SUITE_P(
    Cases, BadBatch,
    ::testing::Values(
        BadCase{"EmptyCustomerId", [](v1::Batch& b) { b.mutable_customers(1)->set_id(""); },
                kInvalid, "customers[1].id: empty id"},
        BadCase{"DuplicateInBatch", [](v1::Batch& b) { b.mutable_customers(2)->set_id("c1"); },
                kExists, "customers[2].id: \"c1\" is defined twice (also customers[0])"},
        BadCase{"DuplicateOfExisting",
                [](v1::Batch& b) { b.mutable_customers(0)->set_id("existing"); }, kExists,
                "customers[0].id: \"existing\" already exists"},
        BadCase{"InvalidUtf8Id", [](v1::Batch& b) { b.mutable_products(0)->set_id("m\xC3"); },
                kInvalid, "products[0].id: not valid UTF-8"},
        BadCase{"UnknownCustomer",
                [](v1::Batch& b) { b.mutable_transactions(3)->set_customer_id("ghost"); },
                kNotFound, "transactions[3].customer_id: unknown customer id \"ghost\""},
        BadCase{"MissingCustomer",
                [](v1::Batch& b) { b.mutable_transactions(0)->clear_customer_id(); }, kInvalid,
                "transactions[0].customer_id: required"},
        BadCase{"NanAmount", [](v1::Batch& b) { b.mutable_transactions(1)->set_amount(NAN); },
                kInvalid, "transactions[1].amount: must be finite and >= 0, got nan"},
        BadCase{"InfAmount",
                [](v1::Batch& b) { b.mutable_transactions(1)->set_amount(INFINITY); }, kInvalid,
                "got inf"},
        BadCase{"NegativeAmount",
                [](v1::Batch& b) { b.mutable_transactions(1)->set_amount(-5); }, kInvalid,
                "transactions[1].amount: must be finite and >= 0, got -5"},
        BadCase{"TimeBefore1900",
                [](v1::Batch& b) { b.mutable_transactions(0)->set_time_unix_seconds(-2208988801); },
                kInvalid, "transactions[0].time_unix_seconds: time -2208988801 is outside"},
        BadCase{"TimeInMilliseconds",
                [](v1::Batch& b) {
                  b.mutable_interactions(0)->set_time_unix_seconds(1710000000000);
                },
                kInvalid, "interactions[0].time_unix_seconds"},
        BadCase{"DuplicateOrderId",
                [](v1::Batch& b) { b.mutable_transactions(2)->set_id("o1"); }, kExists,
                "transactions[2].id"},
        // o3 is the batch's second order id but its third transaction: the
        // message names the transaction.
        BadCase{"DuplicateOrderIdNamesTheTransaction",
                [](v1::Batch& b) { b.mutable_transactions(3)->set_id("o3"); }, kExists,
                "transactions[3].id: \"o3\" is defined twice (also transactions[2])"},
        BadCase{"UnknownProduct",
                [](v1::Batch& b) { b.mutable_transactions(0)->set_product_id("nope"); },
                kNotFound, "transactions[0].product_id: unknown product id"},
        BadCase{"UnknownChannelParent",
                [](v1::Batch& b) { b.mutable_channels(0)->set_parent_id("nope"); }, kNotFound,
                "channels[0].parent_id: unknown channel id"},
        BadCase{"ChannelCycle",
                [](v1::Batch& b) { b.mutable_channels(2)->set_parent_id("r1"); }, kInvalid,
                "loops back"},
        BadCase{"SelfParent", [](v1::Batch& b) { b.mutable_channels(2)->set_parent_id("p"); },
                kInvalid, "loops back"},
        BadCase{"MarginOfOne", [](v1::Batch& b) { b.mutable_channels(1)->set_margin(1.0); },
                kInvalid, "channels[1].margin: must be a share in [0, 1)"},
        BadCase{"UnspecifiedChannelKind",
                [](v1::Batch& b) { b.mutable_channels(1)->set_kind(v1::CHANNEL_KIND_UNSPECIFIED); },
                kInvalid, "channels[1].kind: required"},
        BadCase{"UnknownEnumNumber",
                [](v1::Batch& b) {
                  b.mutable_interactions(0)->set_kind(static_cast<v1::InteractionKind>(99));
                },
                kInvalid, "interactions[0].kind: unknown value 99"},
        BadCase{"TargetedWithoutTarget",
                [](v1::Batch& b) { b.mutable_interactions(0)->clear_to_customer_id(); },
                kInvalid, "interactions[0].to_customer_id: required"},
        BadCase{"ZeroWeight", [](v1::Batch& b) { b.mutable_interactions(1)->set_weight(0); },
                kInvalid, "interactions[1].weight: must be finite and > 0"},
        BadCase{"LeftBeforeJoined",
                [](v1::Batch& b) { b.mutable_memberships(1)->set_left_unix_seconds(1); },
                kInvalid, "memberships[1].left_unix_seconds: left before joining"},
        BadCase{"UnknownCommunity",
                [](v1::Batch& b) { b.mutable_memberships(0)->set_community_id("x"); }, kNotFound,
                "memberships[0].community_id: unknown community id \"x\""},
        BadCase{"ProgramEndsBeforeStart",
                [](v1::Batch& b) { b.mutable_programs(0)->set_end_unix_seconds(1); }, kInvalid,
                "programs[0].end_unix_seconds"},
        BadCase{"BadScale",
                [](v1::Batch& b) {
                  b.mutable_programs(0)->set_rating_min(5);
                  b.mutable_programs(0)->set_rating_max(1);
                },
                kInvalid, "rating scale"},
        BadCase{"RatingOutOfScale",
                [](v1::Batch& b) { (*b.mutable_feedback(0)->mutable_ratings())["comfort"] = 6; },
                kInvalid, "feedback[0].ratings.comfort: rating 6 is outside the program's scale"},
        BadCase{"UnratedAttribute",
                [](v1::Batch& b) { (*b.mutable_feedback(1)->mutable_ratings())["price"] = 3; },
                kNotFound, "feedback[1].ratings.price: program \"advisor\" does not rate"},
        BadCase{"RecommendOutOfRange",
                [](v1::Batch& b) { b.mutable_feedback(0)->set_would_recommend(11); }, kInvalid,
                "feedback[0].would_recommend: must be 0..10, got 11"},
        BadCase{"ConvertedWithoutReferee",
                [](v1::Batch& b) { b.mutable_referrals(0)->clear_referee_id(); }, kInvalid,
                "referrals[0].referee_id: required"},
        BadCase{"SelfReferral",
                [](v1::Batch& b) { b.mutable_referrals(0)->set_referee_id("c1"); }, kInvalid,
                "referrals[0].referee_id: a customer cannot refer themselves"},
        BadCase{"AttributeKeyWithControl",
                [](v1::Batch& b) { (*b.mutable_customers(0)->mutable_attributes())["a\nb"] = "x"; },
                kInvalid, "bad key: control character"},
        BadCase{"CampaignRouteUnspecified",
                [](v1::Batch& b) { b.mutable_campaigns(0)->clear_route(); }, kInvalid,
                "campaigns[0].route: required (not UNSPECIFIED)"},
        BadCase{"CampaignEndsAtItsStart",
                [](v1::Batch& b) { b.mutable_campaigns(1)->set_end_unix_seconds(1712000000); },
                kInvalid, "campaigns[1].end_unix_seconds: must be after the start"},
        BadCase{"CampaignWithoutSpend",
                [](v1::Batch& b) { b.mutable_campaigns(0)->clear_spend(); }, kInvalid,
                "campaigns[0].spend: must be > 0"},
        BadCase{"CampaignUnknownCommunity",
                [](v1::Batch& b) { b.mutable_campaigns(1)->set_community_id("nowhere"); },
                kNotFound, "campaigns[1].community_id: unknown community id \"nowhere\""},
        BadCase{"CampaignMemberUnknownCampaign",
                [](v1::Batch& b) { b.mutable_campaign_members(2)->set_campaign_id("x"); },
                kNotFound, "campaign_members[2].campaign_id: unknown campaign id \"x\""},
        BadCase{"ChainCampaignMemberIsACustomer",
                [](v1::Batch& b) { b.mutable_campaign_members(1)->set_customer_id("c2"); },
                kInvalid,
                "campaign_members[1].customer_id: campaign \"dealer-push\" is a chain campaign: "
                "its members are channel members (channel_id)"},
        BadCase{"CommunityCampaignMemberIsAChannel",
                [](v1::Batch& b) {
                  b.mutable_campaign_members(2)->clear_customer_id();
                  b.mutable_campaign_members(2)->set_channel_id("r1");
                },
                kInvalid, "campaign_members[2].channel_id: campaign \"leaders-bdg\" is a community"},
        BadCase{"CampaignMemberWithoutUnit",
                [](v1::Batch& b) { b.mutable_campaign_members(0)->clear_channel_id(); }, kInvalid,
                "campaign_members[0].channel_id: required (a channel id)"},
        BadCase{"CampaignMemberUnknownCustomer",
                [](v1::Batch& b) { b.mutable_campaign_members(2)->set_customer_id("c9"); },
                kNotFound, "campaign_members[2].customer_id: unknown customer id \"c9\""},
        BadCase{"CampaignMemberTwice",
                [](v1::Batch& b) { b.mutable_campaign_members(1)->set_channel_id("r1"); }, kExists,
                "campaign_members[1].channel_id: \"r1\" is already a member of campaign "
                "\"dealer-push\" (campaign_members[0])"},
        BadCase{"HugeComment",
                [](v1::Batch& b) { b.mutable_feedback(0)->set_comment(std::string(70000, 'x')); },
                kInvalid, "feedback[0].comment: longer than 65536 bytes"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

TEST(Workspace, LaterBatchesReferToEarlierOnes) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  v1::Batch more;
  auto* t = more.add_transactions();
  t->set_customer_id("c2");
  t->set_time_unix_seconds(1720000000);
  t->set_amount(12);
  ASSERT_TRUE(ws.Ingest(more).ok());
  EXPECT_EQ(ws.Counts().transactions(), 5u);
  EXPECT_EQ(ws.tables().transactions.customer.back(), 1u);
  // Re-sending a batch whose orders carry ids is refused, not double counted.
  EXPECT_EQ(ws.Ingest(testing::FullBatch()).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ws.Counts().transactions(), 5u);
}

TEST(Workspace, StoresCampaignsAndTheirMembersAsDenseIndices) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  const CampaignTable& c = ws.tables().campaigns;
  ASSERT_EQ(c.ids.size(), 2u);
  EXPECT_EQ(c.route[0], v1::CAMPAIGN_ROUTE_CHAIN);
  EXPECT_EQ(c.route[1], v1::CAMPAIGN_ROUTE_COMMUNITY);
  EXPECT_EQ(c.spend[1], 1200.5);
  EXPECT_EQ(c.community[0], kNoIndex);
  EXPECT_EQ(c.community[1], 0u);  // mio-bdg
  const CampaignMemberTable& m = ws.tables().campaign_members;
  // r1 is channel 0, w1 channel 1; c1 customer 0.
  EXPECT_THAT(m.campaign, ::testing::ElementsAre(0u, 0u, 1u));
  EXPECT_THAT(m.channel, ::testing::ElementsAre(0u, 1u, kNoIndex));
  EXPECT_THAT(m.customer, ::testing::ElementsAre(kNoIndex, kNoIndex, 0u));
  EXPECT_EQ((*ws.Ids("campaigns"))->Id(1), "leaders-bdg");
}

TEST(Workspace, ACampaignMemberTwiceAcrossBatchesIsRefused) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  v1::Batch more;
  auto* fresh = more.add_campaign_members();  // c2 is new to the campaign: fine
  fresh->set_campaign_id("leaders-bdg");
  fresh->set_customer_id("c2");
  auto* again = more.add_campaign_members();
  again->set_campaign_id("leaders-bdg");
  again->set_customer_id("c1");
  const absl::Status s = ws.Ingest(more);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("campaign_members[1].customer_id: \"c1\" is already a member of campaign "
                        "\"leaders-bdg\" in the workspace"));
  EXPECT_EQ(ws.Counts().campaign_members(), 3u);
  more.mutable_campaign_members()->RemoveLast();
  ASSERT_TRUE(ws.Ingest(more).ok());
  EXPECT_EQ(ws.Counts().campaign_members(), 4u);
}

TEST(Workspace, IdsByKind) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  auto ids = ws.Ids("channels");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ((*ids)->Id(2), "p");
  EXPECT_EQ(ws.Ids("transactions").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ws.Ids("martians").status().message()), HasSubstr("unknown entity kind"));
}

}  // namespace
}  // namespace mitra
