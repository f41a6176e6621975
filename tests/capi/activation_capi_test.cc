// The activation C ABI (mitra.h, "Activation") against the C++ functions:
// edge arrays and a request in, a Plan / SpreadEstimate out; errors name the
// field; a failing call writes nothing.
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

}  // namespace
