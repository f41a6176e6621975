// One block's share of a PageRank sweep: a closed-form example, and block
// sweeps added up (as mitra.dask does) against networkx's PageRank.
#include "mitra/graph/pagerank_block.h"

#include <cmath>
#include <string>
#include <vector>

#include "fixture_values.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::graph {
namespace {

using testing::ExpectNear;
using testing::LoadFixtureGraph;
using testing::LoadValues;
using ::testing::HasSubstr;

// 0 -> 1 (1), 0 -> 2 (3), 1 -> 2 (2); 2 and 3 dangling.
CsrGraph Small(uint32_t first_source, uint32_t last_source) {
  std::vector<NodeId> src, dst;
  std::vector<double> w;
  const NodeId s[] = {0, 0, 1};
  const NodeId d[] = {1, 2, 2};
  const double ww[] = {1, 3, 2};
  for (int i = 0; i < 3; ++i) {
    if (s[i] < first_source || s[i] >= last_source) continue;
    src.push_back(s[i]);
    dst.push_back(d[i]);
    w.push_back(ww[i]);
  }
  auto g = CsrGraph::FromEdges(4, src, dst, w);
  EXPECT_TRUE(g.ok()) << g.status();
  return *std::move(g);
}

TEST(PageRankBlockProduct, ClosedForm) {
  const std::vector<double> x = {0.4, 0.3, 0.2, 0.1};
  std::vector<double> y(4, -1);
  double dangling = -1;
  // The whole graph as one block: y = P^T x, D = x2 + x3.
  ASSERT_TRUE(PageRankBlockProduct(Small(0, 4), 0, 4, x, true, absl::MakeSpan(y), &dangling).ok());
  ExpectNear(y, {0, 0.4 * 1 / 4, 0.4 * 3 / 4 + 0.3, 0}, 1e-15, "y");
  EXPECT_DOUBLE_EQ(dangling, 0.3);
  // Unweighted: node 0 splits its value evenly.
  ASSERT_TRUE(PageRankBlockProduct(Small(0, 4), 0, 4, x, false, absl::MakeSpan(y), &dangling).ok());
  ExpectNear(y, {0, 0.2, 0.2 + 0.3, 0}, 1e-15, "y");
  // Two blocks, [0, 1) and [1, 4): x restricted to each, the shares add up.
  std::vector<double> a(4), b(4);
  double da = -1, db = -1;
  ASSERT_TRUE(PageRankBlockProduct(Small(0, 1), 0, 1, {x.data(), 1}, true, absl::MakeSpan(a), &da).ok());
  ASSERT_TRUE(PageRankBlockProduct(Small(1, 4), 1, 4, {x.data() + 1, 3}, true, absl::MakeSpan(b),
                                   &db).ok());
  ExpectNear(a, {0, 0.1, 0.4 * 3 / 4, 0}, 1e-15, "a");
  EXPECT_EQ(da, 0);
  ExpectNear(b, {0, 0, 0.3, 0}, 1e-15, "b");
  EXPECT_DOUBLE_EQ(db, 0.3);
}

// The power iteration of pagerank.h driven by block shares, as a caller
// across machines runs it.
std::vector<double> BlockPageRank(const CsrGraph& g, const std::vector<uint32_t>& bounds,
                                  bool use_weights) {
  const uint32_t n = g.num_nodes();
  std::vector<CsrGraph> blocks;
  for (size_t b = 0; b + 1 < bounds.size(); ++b) {
    std::vector<NodeId> src, dst;
    std::vector<double> w;
    for (uint32_t u = bounds[b]; u < bounds[b + 1]; ++u) {
      for (uint32_t p = g.out().offsets[u]; p < g.out().offsets[u + 1]; ++p) {
        src.push_back(u);
        dst.push_back(g.out().targets[p]);
        if (g.weighted()) w.push_back(g.out().weights[p]);
      }
    }
    auto block = CsrGraph::FromEdges(n, src, dst, w);
    EXPECT_TRUE(block.ok()) << block.status();
    blocks.push_back(*std::move(block));
  }
  std::vector<double> y(n);
  return testing::BlockPowerIteration(n, [&](const std::vector<double>& x,
                                             std::vector<double>* sum, double* dangling) {
    for (size_t b = 0; b < blocks.size(); ++b) {
      double share = 0;
      const uint32_t lo = bounds[b], hi = bounds[b + 1];
      EXPECT_TRUE(PageRankBlockProduct(blocks[b], lo, hi, {x.data() + lo, hi - lo}, use_weights,
                                       absl::MakeSpan(y), &share)
                      .ok());
      for (uint32_t v = 0; v < n; ++v) (*sum)[v] += y[v];
      *dangling += share;
    }
  });
}

TEST(PageRankBlockProduct, BlockSweepsGiveNetworkxPageRank) {
  const CsrGraph g = LoadFixtureGraph("random_directed.txt", true, true);
  auto want = LoadValues("random_directed_values.csv");
  const uint32_t n = g.num_nodes();
  for (const std::vector<uint32_t>& bounds :
       {std::vector<uint32_t>{0, n}, std::vector<uint32_t>{0, 17, 150, 151, n}}) {
    ExpectNear(BlockPageRank(g, bounds, true), want["pagerank_weighted"], 1e-12, "weighted");
    ExpectNear(BlockPageRank(g, bounds, false), want["pagerank"], 1e-12, "unweighted");
  }
}

TEST(PageRankBlockProduct, BadInputNamesItAndWritesNothing) {
  const std::vector<double> x = {0.4, 0.3, 0.2, 0.1};
  std::vector<double> y(4, -7);
  double dangling = -7;
  auto run = [&](const CsrGraph& g, uint32_t first, uint32_t last, std::vector<double> xs) {
    return PageRankBlockProduct(g, first, last, xs, true, absl::MakeSpan(y), &dangling);
  };
  absl::Status s = run(Small(0, 4), 1, 4, {0.3, 0.2, 0.1});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("node 0 has out-edges but lies outside the block [1, 4)"));
  s = run(Small(0, 4), 0, 4, {0.4, 0.3});
  EXPECT_THAT(s.message(), HasSubstr("x: 2 values, but the block [0, 4) has 4 nodes"));
  s = run(Small(0, 4), 0, 4, {0.4, NAN, 0.2, 0.1});
  EXPECT_THAT(s.message(), HasSubstr("x[1]: must be finite"));
  s = run(Small(0, 4), 2, 5, {0, 0, 0});
  EXPECT_THAT(s.message(), HasSubstr("first: the block [2, 5) must lie within the graph's 4 nodes"));
  std::vector<double> short_y(3);
  s = PageRankBlockProduct(Small(0, 4), 0, 4, x, true, absl::MakeSpan(short_y), &dangling);
  EXPECT_THAT(s.message(), HasSubstr("y: 3 values, but the graph has 4 nodes"));
  EXPECT_EQ(y, std::vector<double>(4, -7));
  EXPECT_EQ(dangling, -7);
}

}  // namespace
}  // namespace mitra::graph
