#include "mitra/graph/rmat.h"

#include <algorithm>

#include "gtest/gtest.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {
namespace {

TEST(RmatTest, SeededAndSkewed) {
  RmatOptions o;
  o.scale = 12;
  o.edges = 40000;
  o.permute = false;
  auto a = GenerateRmat(o);
  auto b = GenerateRmat(o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->num_nodes, 4096u);
  EXPECT_EQ(a->src, b->src);
  EXPECT_EQ(a->dst, b->dst);
  EXPECT_LT(*std::max_element(a->src.begin(), a->src.end()), 4096u);
  // Without the permutation, quadrant a = 0.57 puts ~57% of the edges in the
  // top-left block: both endpoints below n/2.
  size_t top_left = 0;
  for (size_t i = 0; i < a->src.size(); ++i) top_left += a->src[i] < 2048 && a->dst[i] < 2048;
  EXPECT_NEAR(static_cast<double>(top_left) / o.edges, 0.57, 0.02);
  // The permutation relabels nodes without changing the degree sequence.
  o.permute = true;
  auto p = GenerateRmat(o);
  ASSERT_TRUE(p.ok());
  auto g1 = CsrGraph::FromEdges(a->num_nodes, a->src, a->dst);
  auto g2 = CsrGraph::FromEdges(p->num_nodes, p->src, p->dst);
  std::vector<uint32_t> d1, d2;
  for (uint32_t v = 0; v < 4096; ++v) {
    d1.push_back(g1->out_degree(v));
    d2.push_back(g2->out_degree(v));
  }
  std::sort(d1.begin(), d1.end());
  std::sort(d2.begin(), d2.end());
  EXPECT_EQ(d1, d2);
  o.seed = 2;
  EXPECT_NE(GenerateRmat(o)->src, p->src);
}

TEST(RmatTest, Validates) {
  RmatOptions o;
  o.scale = 0;
  EXPECT_FALSE(GenerateRmat(o).ok());
  o.scale = 4;
  o.a = 0.9;
  EXPECT_FALSE(GenerateRmat(o).ok());
}

}  // namespace
}  // namespace mitra::graph
