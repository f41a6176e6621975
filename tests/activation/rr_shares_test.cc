// IMM in pieces (rr_shares.h) against Plan: RR sets drawn in shares of any
// split, coverage counted per share and summed, the test's own greedy over
// the sums (the plain rule: the allowed node of most uncovered sets,
// smallest id among ties), IMM's stages: the plan equals Plan's, seeds and
// figures alike. Coverage against brute force; the greedy's tie rule on a
// hand-made sample; errors.
#include "mitra/activation/rr_shares.h"

#include <algorithm>
#include <vector>

#include "activation/greedy_cover.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_graphs.h"

namespace mitra::activation {
namespace {

using testing::Arc;
using testing::Build;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Counts {
  std::vector<uint64_t> gains, counts;
};

// The coverage of `seeds` summed over the shares.
Counts Sum(const std::vector<RrShare>& shares, uint32_t n, const std::vector<NodeId>& seeds) {
  Counts sum{std::vector<uint64_t>(seeds.size(), 0), std::vector<uint64_t>(n, 0)};
  for (const RrShare& s : shares) {
    auto c = CoverRrShare(n, s.sizes, s.nodes, seeds);
    EXPECT_TRUE(c.ok()) << c.status();
    for (size_t i = 0; i < seeds.size(); ++i) sum.gains[i] += c->gains[i];
    for (uint32_t v = 0; v < n; ++v) sum.counts[v] += c->counts[v];
  }
  return sum;
}

// IMM driven stage by stage, each stage's new sets drawn in `parts` shares
// of unequal sizes, the greedy run here over the summed counts (k mode).
absl::StatusOr<PlanResult> InPieces(const DiffusionGraph& dg, const PlanOptions& o, int parts) {
  const uint32_t n = dg.num_nodes();
  const ImmOptions& io = o.imm;
  std::vector<uint8_t> allowed(n, io.candidates.empty() ? 1 : 0);
  for (NodeId v : io.candidates) allowed[v] = 1;
  for (NodeId v : io.excluded) allowed[v] = 0;
  for (NodeId v : io.must_include) allowed[v] = 0;
  std::vector<RrShare> shares;
  uint64_t drawn = 0;
  absl::StatusOr<ImmStage> stage = ImmNextStage(n, io, 0, 0);
  while (true) {
    if (!stage.ok()) return stage.status();
    // Shares [a, b) with b - a growing: 1, 2, 3, ... parts of the range.
    const uint64_t span = stage->sets - drawn;
    const uint64_t weight = static_cast<uint64_t>(parts) * (parts + 1) / 2;
    uint64_t a = drawn;
    for (int p = 1; p <= parts; ++p) {
      const uint64_t b = p == parts ? stage->sets : a + span * p / weight;
      auto s = SampleRrShare(dg, io, a, b);
      if (!s.ok()) return s.status();
      shares.push_back(*std::move(s));
      a = b;
    }
    drawn = stage->sets;
    std::vector<NodeId> seeds = io.must_include;
    Counts c = Sum(shares, n, seeds);
    std::vector<uint64_t> gains = c.gains;
    std::vector<uint8_t> left = allowed;
    while (seeds.size() < io.k) {
      NodeId best = n;
      for (NodeId v = 0; v < n; ++v)
        if (left[v] && (best == n || c.counts[v] > c.counts[best])) best = v;
      if (best == n) break;
      seeds.push_back(best);
      gains.push_back(c.counts[best]);
      left[best] = 0;
      c = Sum(shares, n, seeds);
    }
    uint64_t covered = 0;
    for (uint64_t g : gains) covered += g;
    if (stage->round == 0)
      return PlanOfSelection(dg, o, seeds, gains, stage->sets, stage->lower_bound);
    stage = ImmNextStage(n, io, stage->round, covered);
  }
}

std::vector<NodeId> Nodes(const PlanResult& r) {
  std::vector<NodeId> v;
  for (const PlannedSeed& s : r.seeds) v.push_back(s.node);
  return v;
}

void ExpectSamePlan(const PlanResult& a, const PlanResult& b) {
  EXPECT_EQ(Nodes(a), Nodes(b));
  ASSERT_EQ(a.seeds.size(), b.seeds.size());
  for (size_t i = 0; i < a.seeds.size(); ++i)
    EXPECT_EQ(a.seeds[i].marginal_gain, b.seeds[i].marginal_gain) << i;
  EXPECT_EQ(a.imm_estimate, b.imm_estimate);
  EXPECT_EQ(a.imm.theta, b.imm.theta);
  EXPECT_EQ(a.imm.lower_bound, b.imm.lower_bound);
  EXPECT_EQ(a.imm.rr_sets, b.imm.rr_sets);
  EXPECT_EQ(a.imm.ell_adjusted, b.imm.ell_adjusted);
  EXPECT_EQ(a.check.mean, b.check.mean);
  EXPECT_EQ(a.check.group_mean, b.check.group_mean);
  EXPECT_EQ(a.total_cost, b.total_cost);
  EXPECT_EQ(a.approximation, b.approximation);
  EXPECT_EQ(a.guarantee, b.guarantee);
}

TEST(RrSharesTest, PiecesGivePlansResultOnARandomGraph) {
  const DiffusionGraph dg = testing::RandomWc(400, 2400, 7, Model::kIndependentCascade);
  PlanOptions o;
  o.imm.k = 12;
  o.imm.epsilon = 0.2;
  o.imm.seed = 99;
  o.check_runs = 2000;
  auto whole = Plan(dg, o);
  ASSERT_TRUE(whole.ok()) << whole.status();
  for (int parts : {1, 2, 5}) {
    auto pieces = InPieces(dg, o, parts);
    ASSERT_TRUE(pieces.ok()) << pieces.status();
    SCOPED_TRACE(parts);
    ExpectSamePlan(*pieces, *whole);
  }
  EXPECT_EQ(whole->imm.rr_sets_sampled, whole->imm.rr_sets);  // no fresh sets
}

TEST(RrSharesTest, PiecesKeepPhaseOnesLargerSample) {
  // Imm's selection runs over every set phase 1 drew, more than theta when
  // the last round drew more; the pieces must do the same.
  const DiffusionGraph dg = testing::RandomWc(500, 3000, 13, Model::kIndependentCascade);
  int larger = 0;
  for (uint32_t k : {1u, 5u, 20u, 60u}) {
    PlanOptions o;
    o.imm.k = k;
    o.imm.epsilon = 0.3;
    o.check_runs = 200;
    auto whole = Plan(dg, o);
    ASSERT_TRUE(whole.ok()) << whole.status();
    auto pieces = InPieces(dg, o, 2);
    ASSERT_TRUE(pieces.ok()) << pieces.status();
    SCOPED_TRACE(k);
    ExpectSamePlan(*pieces, *whole);
    larger += static_cast<double>(whole->imm.rr_sets) > whole->imm.theta;
  }
  EXPECT_GT(larger, 0);
}

TEST(RrSharesTest, PiecesKeepConstraintsTargetsAndLt) {
  const DiffusionGraph dg = testing::RandomWc(300, 1500, 3, Model::kLinearThreshold);
  PlanOptions o;
  o.imm.k = 8;
  o.imm.epsilon = 0.25;
  o.imm.seed = 5;
  o.imm.must_include = {17, 4};
  o.imm.excluded = {0, 1, 2};
  for (NodeId v = 0; v < 300; v += 2) o.imm.candidates.push_back(v);
  for (NodeId v = 0; v < 300; v += 3) o.imm.targets.push_back(v);
  o.imm.groups.assign(300, 0);
  for (NodeId v = 150; v < 300; ++v) o.imm.groups[v] = 1;  // reported only
  o.check_runs = 1000;
  auto whole = Plan(dg, o);
  ASSERT_TRUE(whole.ok()) << whole.status();
  auto pieces = InPieces(dg, o, 3);
  ASSERT_TRUE(pieces.ok()) << pieces.status();
  ExpectSamePlan(*pieces, *whole);
  EXPECT_EQ(Nodes(*pieces)[0], 17u);
  EXPECT_EQ(Nodes(*pieces)[1], 4u);
}

TEST(RrSharesTest, ASetIsTheSameWhoeverDrawsIt) {
  const DiffusionGraph dg = testing::RandomWc(200, 900, 11, Model::kIndependentCascade);
  ImmOptions o;
  o.seed = 3;
  auto all = SampleRrShare(dg, o, 0, 500);
  auto tail = SampleRrShare(dg, o, 321, 500);
  ASSERT_TRUE(all.ok() && tail.ok());
  uint64_t skip = 0;
  for (int j = 0; j < 321; ++j) skip += all->sizes[j];
  EXPECT_EQ(tail->sizes, std::vector<uint32_t>(all->sizes.begin() + 321, all->sizes.end()));
  EXPECT_EQ(tail->nodes, std::vector<NodeId>(all->nodes.begin() + skip, all->nodes.end()));
  o.threads = 4;
  auto threaded = SampleRrShare(dg, o, 0, 500);
  ASSERT_TRUE(threaded.ok());
  EXPECT_EQ(threaded->nodes, all->nodes);
  auto none = SampleRrShare(dg, o, 500, 500);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->sizes.empty() && none->nodes.empty());
}

TEST(RrSharesTest, CoverageMatchesBruteForce) {
  // Sets {0,5} {0,5} {0} {0} {5} {5} {3} {3} {1,3,5}.
  const std::vector<uint32_t> sizes = {2, 2, 1, 1, 1, 1, 1, 1, 3};
  const std::vector<NodeId> nodes = {0, 5, 0, 5, 0, 0, 5, 5, 3, 3, 1, 3, 5};
  auto c = CoverRrShare(6, sizes, nodes, std::vector<NodeId>{5, 0});
  ASSERT_TRUE(c.ok()) << c.status();
  // 5 is first in {0,5} x2, {5} x2, {1,3,5}; 0 then takes {0} x2.
  EXPECT_THAT(c->gains, ElementsAre(5u, 2u));
  // Uncovered: {3} {3}.
  EXPECT_THAT(c->counts, ElementsAre(0u, 0u, 0u, 2u, 0u, 0u));
  auto none = CoverRrShare(6, sizes, nodes, {});
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(none->counts, ElementsAre(4u, 1u, 0u, 3u, 0u, 5u));
}

TEST(RrSharesTest, GreedyTakesTheSmallestIdAmongTies) {
  // Counts 0:4, 5:4, 3:2. After 0, node 5's stale key (4) tops the heap but
  // its count is 2, tied with 3: the smaller id, 3, comes first.
  RrStore store;
  store.offsets = {0, 2, 4, 5, 6, 7, 8, 9, 10};
  store.nodes = {0, 5, 0, 5, 0, 0, 5, 5, 3, 3};
  rr::Constraints c;
  c.n = 6;
  c.k = 3;
  c.allowed.assign(6, 1);
  const rr::Selection s = rr::SelectNodes(store, c);
  EXPECT_THAT(s.seeds, ElementsAre(0u, 3u, 5u));
  EXPECT_THAT(s.gains, ElementsAre(4u, 2u, 2u));
}

TEST(RrSharesTest, StagesFollowImm) {
  const DiffusionGraph dg = testing::RandomWc(400, 2400, 7, Model::kIndependentCascade);
  ImmOptions o;
  o.k = 12;
  o.epsilon = 0.2;
  auto first = ImmNextStage(400, o, 0, 0);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->round, 1u);
  EXPECT_EQ(first->lower_bound, 0);
  // Nothing covered: the next round doubles (x halves), up to the last
  // round, after which LB = 1.
  auto second = ImmNextStage(400, o, 1, 0);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->round, 2u);
  EXPECT_NEAR(static_cast<double>(second->sets), 2.0 * first->sets, 1.0);
  // Everything covered: spread N >= (1 + eps') N / 2, so LB = N / (1 + eps').
  auto done = ImmNextStage(400, o, 1, first->sets);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->round, 0u);
  EXPECT_DOUBLE_EQ(done->lower_bound, 400 / (1 + std::sqrt(2.0) * 0.2));
  const uint32_t rounds = static_cast<uint32_t>(std::ceil(std::log2(400.0))) - 1;
  auto last = ImmNextStage(400, o, rounds, 0);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->round, 0u);
  EXPECT_EQ(last->lower_bound, 1);
  EXPECT_THAT(ImmNextStage(400, o, rounds + 1, 0).status().message(), HasSubstr("round"));
  EXPECT_THAT(ImmNextStage(400, o, 1, first->sets + 1).status().message(),
              HasSubstr("covered"));
  o.max_rr_sets = 10;
  auto many = ImmNextStage(400, o, 0, 0);
  EXPECT_EQ(many.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(many.status().message(), HasSubstr("max_rr_sets"));
}

TEST(RrSharesTest, BadInputNamesTheArgument) {
  const DiffusionGraph dg = testing::RandomWc(50, 200, 1, Model::kIndependentCascade);
  ImmOptions o;
  o.k = 3;
  o.names = FieldPath("request");
  EXPECT_THAT(SampleRrShare(dg, o, 5, 4).status().message(), HasSubstr("last"));
  o.max_rr_sets = 100;
  EXPECT_THAT(SampleRrShare(dg, o, 0, 101).status().message(),
              HasSubstr("request.max_rr_sets"));
  o.max_rr_sets = 1000;
  o.algorithm = ImAlgorithm::kOpimC;
  EXPECT_THAT(SampleRrShare(dg, o, 0, 10).status().message(), HasSubstr("request.algorithm"));
  o.algorithm = ImAlgorithm::kImm;
  o.fresh_rr_sets = true;
  EXPECT_THAT(ImmNextStage(50, o, 0, 0).status().message(), HasSubstr("request.fresh_rr_sets"));
  o.fresh_rr_sets = false;
  o.epsilon = 2;
  EXPECT_THAT(ImmNextStage(50, o, 0, 0).status().message(), HasSubstr("request.epsilon"));

  const std::vector<uint32_t> sizes = {2, 1};
  EXPECT_THAT(CoverRrShare(6, sizes, std::vector<NodeId>{0, 1}, {}).status().message(),
              HasSubstr("sets"));
  EXPECT_THAT(CoverRrShare(6, sizes, std::vector<NodeId>{0, 1, 9}, {}).status().message(),
              HasSubstr("sets: node 9"));
  EXPECT_THAT(CoverRrShare(6, sizes, std::vector<NodeId>{0, 1, 2}, std::vector<NodeId>{1, 1})
                  .status()
                  .message(),
              HasSubstr("seeds[1]"));
  EXPECT_THAT(CoverRrShare(6, sizes, std::vector<NodeId>{0, 1, 2}, std::vector<NodeId>{6})
                  .status()
                  .message(),
              HasSubstr("seeds[0]"));

  PlanOptions po;
  po.imm.k = 3;
  po.imm.names = FieldPath("request");
  po.check_runs = 100;
  auto st = ImmNextStage(50, po.imm, 0, 0);
  ASSERT_TRUE(st.ok());
  const std::vector<NodeId> seeds = {1, 2};
  const std::vector<uint64_t> gains = {3, 4};
  EXPECT_THAT(PlanOfSelection(dg, po, seeds, gains, 7, 50).status().message(),
              HasSubstr("sets"));
  EXPECT_THAT(PlanOfSelection(dg, po, seeds, gains, 7, 0.5).status().message(),
              HasSubstr("lower_bound"));
  auto fine = ImmNextStage(50, po.imm, 1, st->sets);  // all covered: the selection
  ASSERT_TRUE(fine.ok());
  ASSERT_EQ(fine->round, 0u);
  const std::vector<uint64_t> too_many = {fine->sets, 1};
  EXPECT_THAT(PlanOfSelection(dg, po, seeds, too_many, fine->sets, fine->lower_bound)
                  .status()
                  .message(),
              HasSubstr("gains"));
  EXPECT_THAT(PlanOfSelection(dg, po, seeds, std::vector<uint64_t>{1}, fine->sets,
                              fine->lower_bound)
                  .status()
                  .message(),
              HasSubstr("gains"));
}

}  // namespace
}  // namespace mitra::activation
