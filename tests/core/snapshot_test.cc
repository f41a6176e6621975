#include "mitra/core/snapshot.h"

#include <unistd.h>

#include <filesystem>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "mitra/core/crc32c.h"
#include "mitra/core/csv_import.h"
#include "common/exports.h"
#include "common/test_batch.h"
#include "mitra/v1/snapshot.pb.h"

namespace mitra {
namespace {

using testing::ExportAll;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

std::string TempPath(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) /
          (name + "-" + std::to_string(getpid()))).string();
}

TEST(Snapshot, RoundTripPreservesEveryRecord) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  const std::string path = TempPath("round.mitra");
  ASSERT_TRUE(SaveSnapshot(ws, path).ok());
  auto loaded = LoadSnapshot(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(MessageDifferencer::Equals(ExportAll(**loaded), ExportAll(ws)));
  std::filesystem::remove(path);
}

// A snapshot as a writer from before campaigns existed made it, byte by
// byte (snapshot.proto's layout): its header counts stop at referrals and
// no frame holds a campaign.
std::string SnapshotWithoutCampaigns(const v1::Batch& records) {
  auto le = [](std::string* out, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  v1::SnapshotHeader header;
  header.set_library_version("0.9.0");
  v1::WorkspaceCounts* c = header.mutable_counts();
  c->set_customers(records.customers_size());
  c->set_products(records.products_size());
  c->set_communities(records.communities_size());
  c->set_channels(records.channels_size());
  c->set_programs(records.programs_size());
  c->set_transactions(records.transactions_size());
  c->set_interactions(records.interactions_size());
  c->set_memberships(records.memberships_size());
  c->set_feedback(records.feedback_size());
  c->set_referrals(records.referrals_size());
  std::string out = "MITRASNP";
  le(&out, 1, 4);
  le(&out, 0, 4);
  for (const google::protobuf::Message* m : {static_cast<const google::protobuf::Message*>(&header),
                                             static_cast<const google::protobuf::Message*>(&records)}) {
    const std::string frame = m->SerializeAsString();
    le(&out, frame.size(), 8);
    out += frame;
  }
  le(&out, 0, 8);
  le(&out, Crc32c(0, out.data(), out.size()), 4);
  return out;
}

TEST(Snapshot, SnapshotsFromBeforeCampaignsStillLoad) {
  v1::Batch records = testing::FullBatch();
  records.clear_campaigns();
  records.clear_campaign_members();
  auto loaded = DecodeSnapshot(SnapshotWithoutCampaigns(records), "old");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->Counts().campaigns(), 0u);
  EXPECT_EQ((*loaded)->Counts().referrals(), 2u);
  Workspace expected;
  ASSERT_TRUE(expected.Ingest(records).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(ExportAll(**loaded), ExportAll(expected)));
  // ... and take campaigns afterwards.
  v1::Batch campaigns = testing::FullBatch();
  campaigns.clear_customers();
  for (auto* kind : {"products", "communities", "channels", "programs", "transactions",
                     "interactions", "memberships", "feedback", "referrals", "customers"})
    campaigns.GetReflection()->ClearField(&campaigns, campaigns.GetDescriptor()->FindFieldByName(kind));
  EXPECT_TRUE((*loaded)->Ingest(campaigns).ok());
  EXPECT_EQ((*loaded)->Counts().campaign_members(), 3u);
}

TEST(Snapshot, ManyFramesRoundTrip) {
  Workspace ws;
  v1::Batch b;
  for (int i = 0; i < 150000; ++i) {  // more than two frames of customers
    auto* c = b.add_customers();
    c->set_id("c" + std::to_string(i));
    if (i % 3 == 0) c->set_created_unix_seconds(1600000000 + i);
  }
  ASSERT_TRUE(ws.Ingest(b).ok());
  auto bytes = EncodeSnapshot(ws);
  ASSERT_TRUE(bytes.ok());
  auto loaded = DecodeSnapshot(*bytes, "mem");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(MessageDifferencer::Equals(ExportAll(**loaded), ExportAll(ws)));
}

TEST(Snapshot, EveryTruncationIsDataLoss) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  auto bytes = EncodeSnapshot(ws);
  ASSERT_TRUE(bytes.ok());
  for (size_t n = 0; n < bytes->size(); ++n) {
    auto r = DecodeSnapshot(std::string_view(*bytes).substr(0, n), "cut");
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << n << " " << r.status();
  }
}

TEST(Snapshot, EveryFlippedByteIsRefused) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  auto bytes = EncodeSnapshot(ws);
  ASSERT_TRUE(bytes.ok());
  for (size_t i = 0; i < bytes->size(); ++i) {
    std::string bad = *bytes;
    bad[i] ^= 0x20;
    auto r = DecodeSnapshot(bad, "flip");
    ASSERT_FALSE(r.ok()) << i;
    // The checksum is checked before any field: a flipped version byte is
    // corruption, not a newer format.
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << i << " " << r.status();
    EXPECT_THAT(std::string(r.status().message()),
                HasSubstr(i < 8 ? "bad magic" : "checksum mismatch")) << i;
  }
}

// A newer writer's file: `major` and `minor` set and the checksum fixed.
std::string WithVersion(std::string bytes, char major, char minor) {
  bytes[8] = major;
  bytes[12] = minor;
  const size_t body = bytes.size() - 4;
  uint32_t crc = Crc32c(0, bytes.data(), body);
  for (int i = 0; i < 4; ++i) bytes[body + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
  return bytes;
}

TEST(Snapshot, NewerMajorVersionIsRefusedClearly) {
  Workspace ws;
  auto bytes = EncodeSnapshot(ws);
  ASSERT_TRUE(bytes.ok());
  auto r = DecodeSnapshot(WithVersion(*bytes, 2, 0), "new.mitra");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("has format 2.0, newer"));
}

TEST(Snapshot, NewerMinorVersionIsRead) {
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  auto bytes = EncodeSnapshot(ws);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(DecodeSnapshot(WithVersion(*bytes, 1, 7), "minor").ok());
}

TEST(Snapshot, NotASnapshot) {
  EXPECT_EQ(DecodeSnapshot("id,created\nc1,2024-01-01\n", "x.csv").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(DecodeSnapshot("", "empty").status().message()), HasSubstr("bad magic"));
  EXPECT_EQ(LoadSnapshot("/nonexistent/x.mitra").status().code(), absl::StatusCode::kNotFound);
}

TEST(Snapshot, SaveReplacesAndLeavesNoTemporaryFiles) {
  const std::string dir = TempPath("snapdir");
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/ws.mitra";
  Workspace a;
  ASSERT_TRUE(a.Ingest(testing::FullBatch()).ok());
  ASSERT_TRUE(SaveSnapshot(a, path).ok());
  Workspace b;
  ASSERT_TRUE(SaveSnapshot(b, path).ok());
  auto loaded = LoadSnapshot(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->RecordCount(), 0u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()), 1);
  std::filesystem::remove_all(dir);
}

TEST(Snapshot, SaveIntoMissingDirectoryFailsCleanly) {
  Workspace ws;
  absl::Status s = SaveSnapshot(ws, "/nonexistent-dir/ws.mitra");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("cannot save \"/nonexistent-dir/ws.mitra\""));
  EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr("tmp")));
}

}  // namespace
}  // namespace mitra
