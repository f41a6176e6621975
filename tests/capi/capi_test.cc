// The C ABI from C++, with real messages: whole-or-nothing ingestion, error
// objects, and concurrent readers beside a writer.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/exports.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/mitra.h"
#include "mitra/v1/batch.pb.h"

namespace {

using ::testing::HasSubstr;

struct Ws {
  mitra_workspace* p = nullptr;
  Ws() { EXPECT_EQ(mitra_workspace_create(&p, nullptr), MITRA_OK); }
  ~Ws() { mitra_workspace_free(p); }
};

std::string Take(uint8_t* out, size_t n) {
  std::string s(reinterpret_cast<char*>(out), n);
  mitra_free(out);
  return s;
}

mitra_status Ingest(mitra_workspace* ws, const mitra::v1::Batch& b, std::string* message) {
  const std::string bytes = b.SerializeAsString();
  mitra_error* err = nullptr;
  mitra_status s = mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(bytes.data()),
                                          bytes.size(), &err);
  if (message) *message = err ? mitra_error_message(err) : "";
  EXPECT_EQ(err == nullptr, s == MITRA_OK);
  if (err) {
    EXPECT_EQ(mitra_error_code(err), s);
  }
  mitra_error_free(err);
  return s;
}

mitra::v1::Batch Customers(int from, int to) {
  mitra::v1::Batch b;
  for (int i = from; i < to; ++i) b.add_customers()->set_id("c" + std::to_string(i));
  return b;
}

TEST(CApi, BatchIsAppliedWholeOrNotAtAll) {
  Ws ws;
  ASSERT_EQ(Ingest(ws.p, Customers(0, 3), nullptr), MITRA_OK);
  const std::string before = mitra::testing::ExportBytes(ws.p);
  mitra::v1::Batch b = Customers(3, 6);
  auto* t = b.add_transactions();
  t->set_customer_id("c4");
  t->set_time_unix_seconds(1700000000);
  t->set_amount(std::nan(""));
  std::string msg;
  EXPECT_EQ(Ingest(ws.p, b, &msg), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(msg, HasSubstr("transactions[0].amount"));
  EXPECT_EQ(mitra::testing::ExportBytes(ws.p), before);
}

TEST(CApi, StatusNumbersNeverChange) {
  // These values are part of the ABI (they mirror absl::StatusCode).
  EXPECT_EQ(MITRA_OK, 0);
  EXPECT_EQ(MITRA_CANCELLED, 1);
  EXPECT_EQ(MITRA_UNKNOWN, 2);
  EXPECT_EQ(MITRA_INVALID_ARGUMENT, 3);
  EXPECT_EQ(MITRA_DEADLINE_EXCEEDED, 4);
  EXPECT_EQ(MITRA_NOT_FOUND, 5);
  EXPECT_EQ(MITRA_ALREADY_EXISTS, 6);
  EXPECT_EQ(MITRA_PERMISSION_DENIED, 7);
  EXPECT_EQ(MITRA_RESOURCE_EXHAUSTED, 8);
  EXPECT_EQ(MITRA_FAILED_PRECONDITION, 9);
  EXPECT_EQ(MITRA_ABORTED, 10);
  EXPECT_EQ(MITRA_OUT_OF_RANGE, 11);
  EXPECT_EQ(MITRA_UNIMPLEMENTED, 12);
  EXPECT_EQ(MITRA_INTERNAL, 13);
  EXPECT_EQ(MITRA_UNAVAILABLE, 14);
  EXPECT_EQ(MITRA_DATA_LOSS, 15);
  EXPECT_EQ(MITRA_UNAUTHENTICATED, 16);
  EXPECT_EQ(MITRA_DTYPE_UINT8, 1);
  EXPECT_EQ(MITRA_DTYPE_UINT32, 2);
  EXPECT_EQ(MITRA_DTYPE_INT64, 3);
  EXPECT_EQ(MITRA_DTYPE_DOUBLE, 4);
}

TEST(CApi, ColumnNamesAndIds) {
  Ws ws;
  uint8_t* out;
  size_t n;
  ASSERT_EQ(mitra_workspace_column_names(ws.p, &out, &n, nullptr), MITRA_OK);
  mitra::v1::IdList names;
  ASSERT_TRUE(names.ParseFromString(Take(out, n)));
  EXPECT_THAT(names.ids(), ::testing::Contains("transactions.amount"));
  EXPECT_THAT(names.ids(), ::testing::Contains("referrals.converted"));
  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_workspace_ids(ws.p, "referrals", &out, &n, &err), MITRA_INVALID_ARGUMENT);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(n, 0u);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("no ids"));
  mitra_error_free(err);
}

TEST(CApi, ErrorIsClearedOnSuccess) {
  Ws ws;
  mitra_error* err = reinterpret_cast<mitra_error*>(0x1);  // garbage in, NULL out
  uint8_t* out;
  size_t n;
  EXPECT_EQ(mitra_workspace_counts(ws.p, &out, &n, &err), MITRA_OK);
  EXPECT_EQ(err, nullptr);
  mitra_free(out);
}

TEST(CApi, ReadersRunBesideAWriter) {
  Ws ws;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        uint8_t* out;
        size_t n;
        ASSERT_EQ(mitra_workspace_counts(ws.p, &out, &n, nullptr), MITRA_OK);
        mitra::v1::WorkspaceCounts c;
        ASSERT_TRUE(c.ParseFromString(Take(out, n)));
        ASSERT_EQ(c.customers() % 100, 0u);  // batches land whole
        ++reads;
      }
    });
  }
  for (int b = 0; b < 50; ++b) ASSERT_EQ(Ingest(ws.p, Customers(b * 100, b * 100 + 100), nullptr), MITRA_OK);
  // On a loaded machine the writes can all land before a reader first runs:
  // keep the readers going until one of them has read (a reader that failed
  // stops reading, so not forever).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (reads.load() == 0 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
  uint8_t* out;
  size_t n;
  ASSERT_EQ(mitra_workspace_counts(ws.p, &out, &n, nullptr), MITRA_OK);
  mitra::v1::WorkspaceCounts c;
  ASSERT_TRUE(c.ParseFromString(Take(out, n)));
  EXPECT_EQ(c.customers(), 5000u);
}

}  // namespace
