// `mitra export` writes its JSON a frame at a time; what it writes must be
// what protobuf printed for the whole batch at once: the same records, the
// same layout (the same length; only map entries may come in another order,
// as protobuf's maps have none of their own).
#include "batch_json.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "mitra/core/snapshot.h"
#include "common/exports.h"
#include "common/sample_data.h"
#include "common/test_batch.h"

namespace mitra {
namespace {

// The JSON `mitra export` printed before it streamed: the whole batch at once.
std::string WholeBatchJson(const v1::Batch& all) {
  std::string json;
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = true;
  opts.preserve_proto_field_names = true;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(all, &json, opts).ok());
  return json;
}

// Equal as records and as text up to the order of map entries.
void ExpectSameJson(const std::string& streamed, const std::string& whole) {
  EXPECT_EQ(streamed.size(), whole.size());
  v1::Batch a, b;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(streamed, &a).ok());
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(whole, &b).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a, b));
}

cli::BatchJsonWriter::Sink StringSink(std::string& out) {
  return [&out](std::string_view piece) {
    out.append(piece);
    return absl::OkStatus();
  };
}

// What the writer makes of the workspace exported in batches of `max_records`.
std::string StreamedJson(const Workspace& ws, size_t max_records) {
  std::string out;
  cli::BatchJsonWriter writer(StringSink(out));
  EXPECT_TRUE(ws.Export(max_records, [&](v1::Batch& b) { return writer.Add(b); }).ok());
  EXPECT_TRUE(writer.Finish().ok());
  return out;
}

TEST(SnapshotExportJson, SampleStreamedEqualsWholeBatch) {
  const Workspace& ws = testing::SampleWorkspace();
  const std::string expected = WholeBatchJson(testing::ExportAll(ws));
  ASSERT_GT(expected.size(), 1000000u);
  // Batch sizes that split kinds across batches and put several in one.
  for (size_t max : {size_t{7}, SIZE_MAX}) {
    SCOPED_TRACE(max);
    ExpectSameJson(StreamedJson(ws, max), expected);
  }
}

TEST(SnapshotExportJson, EveryKindAndEmpty) {
  Workspace ws;
  EXPECT_EQ(StreamedJson(ws, 3), WholeBatchJson(v1::Batch()));
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  ExpectSameJson(StreamedJson(ws, 2), WholeBatchJson(testing::ExportAll(ws)));
}

TEST(SnapshotExportJson, SnapshotFramesGiveTheSameJson) {
  const Workspace& ws = testing::SampleWorkspace();
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / ("export-" + std::to_string(getpid())))
          .string();
  ASSERT_TRUE(SaveSnapshot(ws, path).ok());
  std::string out;
  cli::BatchJsonWriter writer(StringSink(out));
  SnapshotInfo info;
  size_t frames = 0;
  ASSERT_TRUE(ReadSnapshotBatches(path, [&](const v1::Batch& b) {
                ++frames;
                return writer.Add(b);
              }, &info).ok());
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_GE(frames, 2u);  // the sample holds more records than one frame
  EXPECT_EQ(info.header.counts().transactions(), ws.Counts().transactions());
  ExpectSameJson(out, WholeBatchJson(testing::ExportAll(ws)));
  std::filesystem::remove(path);
}

TEST(SnapshotExportJson, FirstSinkErrorStopsTheWriting) {
  size_t calls = 0;
  cli::BatchJsonWriter writer([&](std::string_view) {
    ++calls;
    return absl::ResourceExhaustedError("full");
  });
  // The sample's JSON is megabytes: many pieces, the first of which fails.
  EXPECT_EQ(testing::SampleWorkspace().Export(7, [&](v1::Batch& b) { return writer.Add(b); }).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(writer.Finish().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(calls, 1u);
}

TEST(SnapshotExportJson, CorruptSnapshotHandsOverNothing) {
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / ("corrupt-" + std::to_string(getpid())))
          .string();
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(testing::FullBatch()).ok());
  absl::StatusOr<std::string> bytes = EncodeSnapshot(ws);
  ASSERT_TRUE(bytes.ok());
  (*bytes)[bytes->size() / 2] ^= 1;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(bytes->data(), 1, bytes->size(), f);
  std::fclose(f);
  size_t frames = 0;
  const absl::Status s = ReadSnapshotBatches(path, [&](const v1::Batch&) {
    ++frames;
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(frames, 0u);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace mitra
