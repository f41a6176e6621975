// Several threads read one workspace through the C ABI (export, columns,
// ids, counts, snapshots, and every read-only scoring call) while another
// ingests: run under ThreadSanitizer (the tsan preset) this shows the
// threading rule of mitra.h holds. A new scoring call on a workspace adds
// one row to Scorings().
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/capi_fixture.h"
#include "common/test_batch.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "mitra/mitra.h"
#include "mitra/v1/activation.pb.h"
#include "mitra/v1/batch.pb.h"
#include "mitra/v1/channel_economics.pb.h"
#include "mitra/v1/cocreation_analysis.pb.h"
#include "mitra/v1/graph.pb.h"
#include "mitra/v1/ladder.pb.h"
#include "mitra/v1/leaders.pb.h"
#include "mitra/v1/value.pb.h"

namespace {

namespace v1 = mitra::v1;

// A request message of type M from its text format, serialized.
template <typename M>
std::string Request(const char* text) {
  M m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m.SerializeAsString();
}

// A read-only scoring call on a workspace with a valid request for
// FullBatch, valid still as the writer below adds customers and purchases.
struct Scoring {
  const char* name;
  mitra::testing::WorkspaceEntry fn;
  std::string request;
};

// Every read-only scoring call, with small settings where one could be slow
// (few RR sets and check runs).
std::vector<Scoring> Scorings() {
  return {
      {"value summary", mitra_workspace_value_summary,
       Request<v1::SummaryRequest>("calibration_end_unix_seconds: 1730000000 "
                                   "period_seconds: 86400 unit_seconds: 604800")},
      {"value sBG", mitra_workspace_value_sbg,
       Request<v1::WorkspaceSbgRequest>("periods { period_seconds: 2592000 "
                                        "origin_unix_seconds: 1704067200 "
                                        "end_unix_seconds: 1711929600 }")},
      {"value BG/BB", mitra_workspace_value_bgbb,
       Request<v1::WorkspaceBgBbRequest>("periods { period_seconds: 2592000 "
                                         "origin_unix_seconds: 1704067200 "
                                         "end_unix_seconds: 1711929600 }")},
      {"leaders", mitra_workspace_leaders, Request<v1::LeadersRequest>("top: 0")},
      {"trust", mitra_workspace_trust, Request<v1::TrustRequest>("pretrusted_customer_ids: 'c1'")},
      {"community health", mitra_workspace_community_health,
       Request<v1::HealthRequest>("periods: 3")},
      {"interaction graph", mitra_workspace_interaction_graph,
       Request<v1::InteractionGraphRequest>("community_id: 'mio-bdg'")},
      {"activation plan", mitra_workspace_activation_plan,
       Request<v1::WorkspacePlanRequest>("plan { k: 2 epsilon: 0.5 check_runs: 20 seed: 1 } "
                                         "candidates: CANDIDATE_SOURCE_ALL")},
      {"learn influence", mitra_workspace_learn_influence,
       Request<v1::LearnInfluenceRequest>("min_trials: 0")},
      {"activation plan on learned probabilities", mitra_workspace_activation_plan,
       Request<v1::WorkspacePlanRequest>(
           "plan { k: 1 epsilon: 0.5 check_runs: 20 seed: 1 "
           "probabilities: EDGE_PROBABILITIES_LEARNED } candidates: CANDIDATE_SOURCE_ALL "
           "posterior_worlds: 2 posterior_runs: 10")},
      {"ladder", mitra_workspace_ladder, Request<v1::LadderRequest>("involvement_window_days: 90")},
      {"contribution", mitra_workspace_contribution,
       Request<v1::ContributionRequest>("influence_persistence: 0.5 "
                                        "changes { value: 100 contributor_ids: 'c1' "
                                        "contributor_ids: 'c3' }")},
      {"co-creation panel", mitra_workspace_cocreation_panel,
       Request<v1::PanelRequest>("size: 2 fatigue_days: 0 "
                                 "quotas { dimension: 'community' value: 'mio-bdg' min: 1 }")},
      {"co-creation feedback", mitra_workspace_cocreation_feedback,
       Request<v1::FeedbackRequest>("program_id: 'advisor'")},
      {"co-creation adoption", mitra_workspace_cocreation_adoption,
       Request<v1::AdoptionRequest>("decisions { id: 'd1' program_id: 'advisor' "
                                    "attribute: 'range' outcome: ADOPTION_OUTCOME_ADOPTED "
                                    "decided_unix_seconds: 1710500000 value: 100 "
                                    "contributor_customer_ids: 'c1' "
                                    "contributor_customer_ids: 'c3' }")},
      {"channel economics", mitra_workspace_channel_economics,
       Request<v1::ChannelRequest>("start_unix_seconds: 1704067200 end_unix_seconds: 1735689600 "
                                   "rates { per_order: 1 per_delivery: 2 } per_customer: true")},
  };
}

TEST(ConcurrentRead, ReadersAndOneWriterShareAWorkspace) {
  mitra_workspace* ws = nullptr;
  ASSERT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);
  const std::string full = mitra::testing::FullBatch().SerializeAsString();
  ASSERT_EQ(mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(full.data()), full.size(),
                                   nullptr), MITRA_OK);
  const std::vector<Scoring> scorings = Scorings();
  // Each reader round waits for the writer's next batch: glibc's rwlock
  // prefers readers, so readers going back to back would starve the writer.
  std::mutex mu;
  std::condition_variable progress;
  int batches = 0;    // ingested by the writer; guarded by mu
  bool done = false;  // guarded by mu
  std::atomic<long> reads{0};
  auto reader = [&](int id) {
    const std::string path = (std::filesystem::path(::testing::TempDir()) /
                              ("concurrent-" + std::to_string(getpid()) + "-" + std::to_string(id)))
                                 .string();
    for (int round = 0;; ++round) {
      int seen;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (done && round >= 3) break;
        seen = batches;
      }
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
      {
        // Tracking reads the transactions as they grow; its actual series
        // never decreases.
        v1::FittedModel bg;
        bg.set_model(v1::VALUE_MODEL_BG_NBD);
        for (const char* k : {"r", "alpha", "a", "b"}) (*bg.mutable_params())[k] = 1;
        const std::string m = bg.SerializeAsString();
        double expected[4], actual[4];
        ASSERT_EQ(mitra_workspace_value_tracking(ws, reinterpret_cast<const uint8_t*>(m.data()), m.size(),
                                                 0, 86400, 604800, 1000, 4, expected, actual, nullptr),
                  MITRA_OK);
        for (int k = 1; k < 4; ++k) ASSERT_GE(actual[k], actual[k - 1]);
      }
      // Scoring reads the workspace too.
      for (const Scoring& s : scorings) {
        const mitra::testing::CApiResult r = mitra::testing::CallCApi(
            s.request, [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol, mitra_error** e) {
              return s.fn(ws, q, ql, o, ol, e);
            });
        ASSERT_EQ(r.status, MITRA_OK) << s.name << ": " << r.message;
      }
      if (round % 10 == 0) {
        ASSERT_EQ(mitra_workspace_save(ws, path.c_str(), nullptr), MITRA_OK);
      }
      ++reads;
      std::unique_lock<std::mutex> lock(mu);
      progress.wait(lock, [&] { return done || batches > seen; });
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
    const mitra_status s = mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(bytes.data()),
                                                  bytes.size(), nullptr);
    EXPECT_EQ(s, MITRA_OK);
    if (s != MITRA_OK) break;  // still release the readers below
    {
      std::lock_guard<std::mutex> lock(mu);
      ++batches;
    }
    progress.notify_all();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  progress.notify_all();
  for (auto& t : threads) t.join();
  EXPECT_GE(reads.load(), 9);
  mitra_workspace_free(ws);
}

}  // namespace
