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
