// The activation C ABI (mitra.h, "Activation") against the C++ functions:
// edge arrays and a request in, a Plan / SpreadEstimate out; errors name the
// field; a failing call writes nothing.
#include <cstring>
#include <string>
#include <vector>

#include "common/capi_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/activation/diffusion.h"
#include "mitra/activation/messages.h"
#include "mitra/activation/plan.h"
#include "mitra/mitra.h"
#include "mitra/v1/activation.pb.h"

namespace {

namespace v1 = mitra::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// 0 -> 1, 0 -> 2, 1 -> 3, 4 -> 5; node 6 alone.
const std::vector<uint32_t> kSrc = {0, 0, 1, 4};
const std::vector<uint32_t> kDst = {1, 2, 3, 5};

using Call = mitra::testing::CApiResult;
using mitra::testing::CallCApi;

Call Plan(const v1::PlanRequest& r, uint32_t n = 7, const std::vector<uint32_t>& src = kSrc,
          const std::vector<uint32_t>& dst = kDst, const double* weights = nullptr) {
  return CallCApi(r.SerializeAsString(), [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol,
                                         mitra_error** e) {
    return mitra_activation_plan(n, src.data(), dst.data(), weights, src.size(), q, ql, o, ol, e);
  });
}

Call Simulate(const v1::SimulateRequest& r, uint32_t n = 7) {
  return CallCApi(r.SerializeAsString(), [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol,
                                         mitra_error** e) {
    return mitra_activation_simulate(n, kSrc.data(), kDst.data(), nullptr, kSrc.size(), q, ql, o,
                                     ol, e);
  });
}

TEST(ActivationCApi, PlanOnCertainEdgesIsExact) {
  v1::PlanRequest r;
  r.set_probabilities(v1::EDGE_PROBABILITIES_CONSTANT);
  r.set_p(1);
  r.set_k(2);
  Call c = Plan(r);
  ASSERT_EQ(c.status, MITRA_OK) << c.message;
  v1::Plan plan;
  ASSERT_TRUE(plan.ParseFromString(c.bytes));
  EXPECT_THAT(plan.seeds(), ElementsAre(0u, 4u));
  EXPECT_DOUBLE_EQ(plan.check().mean(), 6.0);
  EXPECT_DOUBLE_EQ(plan.cost_per_reached(), 2.0 / 6.0);
  // Same bytes on every call, whatever the thread count.
  r.set_threads(2);
  EXPECT_EQ(Plan(r).bytes, c.bytes);
}

TEST(ActivationCApi, PlanEqualsTheCppFunctions) {
  std::vector<uint32_t> src, dst;
  for (uint32_t u = 0; u < 30; ++u) {
    src.push_back(u);
    dst.push_back((u * 7 + 3) % 30);
    src.push_back(u);
    dst.push_back((u + 1) % 30);
  }
  v1::PlanRequest r;
  r.set_k(3);
  r.set_epsilon(0.3);
  r.set_seed(4);
  r.set_check_runs(500);
  Call c = Plan(r, 30, src, dst);
  ASSERT_EQ(c.status, MITRA_OK) << c.message;
  v1::Plan plan;
  ASSERT_TRUE(plan.ParseFromString(c.bytes));
  auto g = mitra::graph::CsrGraph::FromEdges(30, src, dst);
  ASSERT_TRUE(g.ok());
  auto p = mitra::activation::WeightedCascadeProbabilities(*g);
  auto dg = mitra::activation::DiffusionGraph::Create(
      *g, mitra::activation::Model::kIndependentCascade, *p);
  ASSERT_TRUE(dg.ok());
  mitra::activation::PlanOptions o;
  o.imm.k = 3;
  o.imm.epsilon = 0.3;
  o.imm.seed = 4;
  o.check_runs = 500;
  auto cpp = mitra::activation::Plan(*dg, o);
  ASSERT_TRUE(cpp.ok());
  ASSERT_EQ(plan.seeds_size(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(plan.seeds(i), cpp->seeds[i].node);
  EXPECT_EQ(plan.check().mean(), cpp->check.mean);
  EXPECT_EQ(plan.imm_estimate(), cpp->imm_estimate);
}

TEST(ActivationCApi, SimulateFromSeeds) {
  v1::SimulateRequest s;
  s.set_probabilities(v1::EDGE_PROBABILITIES_CONSTANT);
  s.set_p(1);
  s.add_seeds(0);
  s.add_seeds(6);
  s.set_runs(100);
  Call c = Simulate(s);
  ASSERT_EQ(c.status, MITRA_OK) << c.message;
  v1::SpreadEstimate e;
  ASSERT_TRUE(e.ParseFromString(c.bytes));
  EXPECT_DOUBLE_EQ(e.mean(), 5.0);
  EXPECT_EQ(e.runs(), 100u);
}

TEST(ActivationCApi, ErrorsNameTheFieldAndWriteNothing) {
  v1::PlanRequest r;
  r.set_epsilon(2);
  Call c = Plan(r);
  EXPECT_EQ(c.status, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(c.message, HasSubstr("request.epsilon"));
  c = Plan(v1::PlanRequest(), 3);
  EXPECT_EQ(c.status, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(c.message, HasSubstr("dst[2]"));
  c = CallCApi("\xff\xff", [](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol, mitra_error** e) {
    return mitra_activation_plan(7, kSrc.data(), kDst.data(), nullptr, 4, q, ql, o, ol, e);
  });
  EXPECT_EQ(c.status, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(c.message, HasSubstr("request"));
  c = CallCApi("", [](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol, mitra_error** e) {
    return mitra_activation_simulate(7, nullptr, kDst.data(), nullptr, 4, q, ql, o, ol, e);
  });
  EXPECT_EQ(c.status, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(c.message, HasSubstr("src is NULL"));
  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_activation_plan(7, kSrc.data(), kDst.data(), nullptr, 4, nullptr, 0, nullptr,
                                  nullptr, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("out"));
  mitra_error_free(err);
  v1::SimulateRequest s;
  s.add_seeds(7);
  c = Simulate(s);
  EXPECT_EQ(c.status, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(c.message, HasSubstr("request.seeds[0]"));
}


// A ring with chords, 30 nodes (as PlanEqualsTheCppFunctions).
struct Ring {
  std::vector<uint32_t> src, dst;
  Ring() {
    for (uint32_t u = 0; u < 30; ++u) {
      src.push_back(u);
      dst.push_back((u * 7 + 3) % 30);
      src.push_back(u);
      dst.push_back((u + 1) % 30);
    }
  }
};

// One share's sets [a, b) through the C function, as uint32 words.
std::vector<uint32_t> Share(const Ring& g, const std::string& req, uint64_t a, uint64_t b) {
  Call c = CallCApi(req, [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol,
                             mitra_error** e) {
    return mitra_activation_rr_sets(30, g.src.data(), g.dst.data(), nullptr, g.src.size(), q, ql,
                                    a, b, o, ol, e);
  });
  EXPECT_EQ(c.status, MITRA_OK) << c.message;
  std::vector<uint32_t> words(c.bytes.size() / 4);
  std::memcpy(words.data(), c.bytes.data(), c.bytes.size());
  return words;
}

TEST(ActivationCApi, PiecesGiveThePlansBytes) {
  const Ring g;
  v1::PlanRequest r;
  r.set_k(4);
  r.set_epsilon(0.3);
  r.set_seed(4);
  r.set_check_runs(500);
  const std::string req = r.SerializeAsString();
  const uint8_t* q = reinterpret_cast<const uint8_t*>(req.data());
  // Shares of three sizes per stage, each with the set count it holds.
  std::vector<std::pair<std::vector<uint32_t>, uint64_t>> shares;
  uint32_t round = 0;
  uint64_t sets = 0, drawn = 0, covered = 0;
  double lb = 0;
  std::vector<uint32_t> seeds;
  std::vector<uint64_t> gains;
  mitra_error* err = nullptr;
  ASSERT_EQ(mitra_activation_imm_stage(30, q, req.size(), 0, 0, &round, &sets, &lb, &err),
            MITRA_OK);
  while (true) {
    const uint64_t cut1 = drawn + (sets - drawn) / 5, cut2 = drawn + (sets - drawn) / 2;
    for (auto [a, b] : {std::pair{drawn, cut1}, {cut1, cut2}, {cut2, sets}})
      shares.push_back({Share(g, req, a, b), b - a});
    drawn = sets;
    seeds.clear();
    gains.clear();
    std::vector<uint8_t> left(30, 1);
    while (seeds.size() < 4) {
      std::vector<uint64_t> total(30, 0), share_gains(seeds.size() + 1), counts(30);
      for (const auto& [words, m] : shares) {
        ASSERT_EQ(mitra_activation_rr_coverage(30, words.data(), words.size(), m, seeds.data(),
                                               seeds.size(), share_gains.data(), counts.data(),
                                               &err),
                  MITRA_OK);
        for (int v = 0; v < 30; ++v) total[v] += counts[v];
      }
      uint32_t best = 30;
      for (uint32_t v = 0; v < 30; ++v)
        if (left[v] && (best == 30 || total[v] > total[best])) best = v;
      seeds.push_back(best);
      gains.push_back(total[best]);
      left[best] = 0;
    }
    covered = 0;
    for (uint64_t x : gains) covered += x;
    if (round == 0) break;
    ASSERT_EQ(mitra_activation_imm_stage(30, q, req.size(), round, covered, &round, &sets, &lb,
                                         &err),
              MITRA_OK);
  }
  Call pieces = CallCApi(req, [&](const uint8_t* qq, size_t ql, uint8_t** o, size_t* ol,
                                  mitra_error** e) {
    return mitra_activation_selection_plan(30, g.src.data(), g.dst.data(), nullptr, g.src.size(),
                                           qq, ql, seeds.data(), gains.data(), seeds.size(), sets,
                                           lb, o, ol, e);
  });
  ASSERT_EQ(pieces.status, MITRA_OK) << pieces.message;
  Call whole = Plan(r, 30, g.src, g.dst);
  ASSERT_EQ(whole.status, MITRA_OK) << whole.message;
  v1::Plan a, b;
  ASSERT_TRUE(a.ParseFromString(pieces.bytes));
  ASSERT_TRUE(b.ParseFromString(whole.bytes));
  EXPECT_EQ(a.rr_memory_bytes(), 0u);
  EXPECT_GT(b.rr_memory_bytes(), 0u);
  b.set_rr_memory_bytes(0);
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  EXPECT_EQ(a.rr_sets(), sets);
}

TEST(ActivationCApi, PiecesRefuseBadInputAndWriteNothing) {
  const Ring g;
  v1::PlanRequest r;
  r.set_k(4);
  r.set_algorithm(v1::INFLUENCE_ALGORITHM_OPIM_C);
  Call c = CallCApi(r.SerializeAsString(), [&](const uint8_t* q, size_t ql, uint8_t** o,
                                               size_t* ol, mitra_error** e) {
    return mitra_activation_rr_sets(30, g.src.data(), g.dst.data(), nullptr, g.src.size(), q, ql,
                                    0, 10, o, ol, e);
  });
  EXPECT_EQ(c.status, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(c.message, HasSubstr("request.algorithm"));
  r.set_algorithm(v1::INFLUENCE_ALGORITHM_IMM);
  c = CallCApi(r.SerializeAsString(), [&](const uint8_t* q, size_t ql, uint8_t** o, size_t* ol,
                                          mitra_error** e) {
    return mitra_activation_rr_sets(30, g.src.data(), g.dst.data(), nullptr, g.src.size(), q, ql,
                                    10, 9, o, ol, e);
  });
  EXPECT_EQ(c.status, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(c.message, HasSubstr("last"));

  // Coverage: sizes that overrun, a node out of range, a repeated seed,
  // NULL outputs; nothing written.
  const uint32_t sets[] = {2, 1, 0, 1, 2};
  const uint32_t seeds[] = {1, 1};
  uint64_t gains[2] = {77, 77}, counts[3] = {77, 77, 77};
  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_activation_rr_coverage(3, sets, 5, 3, seeds, 1, gains, counts, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("sets"));
  mitra_error_free(err);
  EXPECT_EQ(mitra_activation_rr_coverage(3, sets, 5, 6, seeds, 1, gains, counts, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("num_sets"));
  mitra_error_free(err);
  EXPECT_EQ(mitra_activation_rr_coverage(2, sets, 5, 2, seeds, 1, gains, counts, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("sets: node 2"));
  mitra_error_free(err);
  EXPECT_EQ(mitra_activation_rr_coverage(3, sets, 5, 2, seeds, 2, gains, counts, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("seeds[1]"));
  mitra_error_free(err);
  EXPECT_EQ(mitra_activation_rr_coverage(3, sets, 5, 2, seeds, 1, gains, nullptr, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("counts is NULL"));
  mitra_error_free(err);
  EXPECT_THAT(gains, ElementsAre(77u, 77u));
  EXPECT_THAT(counts, ElementsAre(77u, 77u, 77u));
  // Sets {0, 1} {2}, seed 1: {0, 1} is 1's, {2} is uncovered.
  ASSERT_EQ(mitra_activation_rr_coverage(3, sets, 5, 2, seeds, 1, gains, counts, &err), MITRA_OK);
  EXPECT_EQ(gains[0], 1u);
  EXPECT_THAT(counts, ElementsAre(0u, 0u, 1u));

  // Stages: a round past the last, an epsilon out of range.
  const std::string req = r.SerializeAsString();
  const uint8_t* q = reinterpret_cast<const uint8_t*>(req.data());
  uint32_t round = 77;
  uint64_t n_sets = 77;
  double lb = 77;
  EXPECT_EQ(mitra_activation_imm_stage(30, q, req.size(), 99, 0, &round, &n_sets, &lb, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("round"));
  mitra_error_free(err);
  v1::PlanRequest bad = r;
  bad.set_epsilon(0);
  const std::string bad_req = bad.SerializeAsString();
  EXPECT_EQ(mitra_activation_imm_stage(30, reinterpret_cast<const uint8_t*>(bad_req.data()),
                                       bad_req.size(), 0, 0, &round, &n_sets, &lb, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("request.epsilon"));
  mitra_error_free(err);
  EXPECT_EQ(round, 77u);
  EXPECT_EQ(n_sets, 77u);
  EXPECT_EQ(lb, 77);

  // The plan of a selection: sets that are not the stage's.
  const uint32_t chosen[] = {0};
  const uint64_t chosen_gains[] = {1};
  c = CallCApi(req, [&](const uint8_t* qq, size_t ql, uint8_t** o, size_t* ol, mitra_error** e) {
    return mitra_activation_selection_plan(30, g.src.data(), g.dst.data(), nullptr, g.src.size(),
                                           qq, ql, chosen, chosen_gains, 1, 12345, 3.0, o, ol, e);
  });
  EXPECT_EQ(c.status, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(c.message, HasSubstr("sets"));
}

}  // namespace
