// Several threads read one workspace through the C ABI (export, columns,
// ids, counts, snapshots) while another ingests: run under ThreadSanitizer
// (the tsan preset) this shows the threading rule of mitra.h holds. Later
// capabilities add their scoring calls to the readers here.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/test_batch.h"
#include "gtest/gtest.h"
#include "mitra/mitra.h"
#include "mitra/v1/batch.pb.h"
#include "mitra/v1/value.pb.h"

namespace {

TEST(ConcurrentRead, ReadersAndOneWriterShareAWorkspace) {
  mitra_workspace* ws = nullptr;
  ASSERT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);
  const std::string full = mitra::testing::FullBatch().SerializeAsString();
  ASSERT_EQ(mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(full.data()), full.size(),
                                   nullptr), MITRA_OK);
  mitra::v1::SummaryRequest request;
  request.set_calibration_end_unix_seconds(1730000000);
  request.set_period_seconds(86400);
  request.set_unit_seconds(7 * 86400);
  const std::string summary = request.SerializeAsString();
  std::atomic<bool> done{false};
  std::atomic<long> reads{0};
  auto reader = [&](int id) {
    const std::string path = (std::filesystem::path(::testing::TempDir()) /
                              ("concurrent-" + std::to_string(getpid()) + "-" + std::to_string(id)))
                                 .string();
    for (int round = 0; !done || round < 3; ++round) {
      uint8_t* out = nullptr;
      size_t n = 0;
      ASSERT_EQ(mitra_workspace_export(ws, &out, &n, nullptr), MITRA_OK);
      mitra::v1::Batch b;
      ASSERT_TRUE(b.ParseFromArray(out, static_cast<int>(n)));
      mitra_free(out);
      // Transactions arrive in whole batches of 10 with their customers.
      ASSERT_EQ(b.transactions_size() % 10, 4);  // FullBatch has 4
      std::vector<double> amounts(4 + 40 * 10);  // the column's final length
      size_t len = 0;
      ASSERT_EQ(mitra_workspace_column_copy(ws, "transactions.amount", amounts.data(),
                                            amounts.size() * sizeof(double), &len, nullptr),
                MITRA_OK);
      ASSERT_GE(len, static_cast<size_t>(b.transactions_size()));
      ASSERT_EQ(mitra_workspace_ids(ws, "customers", &out, &n, nullptr), MITRA_OK);
      mitra_free(out);
      ASSERT_EQ(mitra_workspace_counts(ws, &out, &n, nullptr), MITRA_OK);
      mitra_free(out);
      // Scoring reads the workspace too: customer-value summaries.
      ASSERT_EQ(mitra_workspace_value_summary(ws, reinterpret_cast<const uint8_t*>(summary.data()),
                                              summary.size(), &out, &n, nullptr),
                MITRA_OK);
      mitra_free(out);
      if (round % 10 == 0) {
        ASSERT_EQ(mitra_workspace_save(ws, path.c_str(), nullptr), MITRA_OK);
      }
      ++reads;
    }
    std::filesystem::remove(path);
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back(reader, i);
  for (int k = 0; k < 40; ++k) {
    mitra::v1::Batch b;
    for (int i = 0; i < 10; ++i) {
      const std::string id = "w" + std::to_string(k) + "-" + std::to_string(i);
      b.add_customers()->set_id(id);
      auto* t = b.add_transactions();
      t->set_customer_id(id);
      t->set_time_unix_seconds(1720000000 + k);
      t->set_amount(k + i);
    }
    const std::string bytes = b.SerializeAsString();
    ASSERT_EQ(mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(bytes.data()),
                                     bytes.size(), nullptr), MITRA_OK);
  }
  done = true;
  for (auto& t : threads) t.join();
  EXPECT_GE(reads.load(), 9);
  mitra_workspace_free(ws);
}

}  // namespace
