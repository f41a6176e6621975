// The sliced (SELL-16) layout of the PageRank sweeps: its chunk sums by
// hand, the layout choice, and the AVX2 and portable code giving the same
// bits on a larger graph. PageRank on the layout against networkx's values
// is in pagerank_test.cc (PageRankFixtureTest, layouts Sliced and
// SlicedPortable).
#include "graph/sliced_ell.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "mitra/graph/pagerank.h"
#include "mitra/graph/rmat.h"

namespace mitra::graph {
namespace {

// Sets the test hooks for one test and puts the defaults back.
class SlicedLayout {
 public:
  explicit SlicedLayout(uint32_t min_rows, bool simd = true) {
    SetSlicedEllMinRows(min_rows);
    SetSlicedEllSimd(simd);
  }
  ~SlicedLayout() {
    SetSlicedEllMinRows(uint32_t{1} << 18);
    SetSlicedEllSimd(true);
  }
};

// Two chunks: rows 0..15 and 16..31. Row l of chunk 0 has l % 3 sources
// (l, l + 1, ...), row 16 + l of chunk 1 has one source, 31 - l; the rest
// of each column is padding to source 40 (value 0).
SlicedEll HandMade(bool weighted) {
  SlicedEll e;
  e.chunk_length = {2, 1};
  e.chunk_start = {0, 32, 48};
  e.sources.Reset(48);
  if (weighted) e.weights.Reset(48);
  for (uint32_t at = 0; at < 48; ++at) {
    e.sources[at] = 40;
    if (weighted) e.weights[at] = 0;
  }
  for (uint32_t l = 0; l < 16; ++l) {
    for (uint32_t j = 0; j < l % 3; ++j) {
      e.sources[16 * j + l] = l + j;
      if (weighted) e.weights[16 * j + l] = 0.5 + j;
    }
    e.sources[32 + l] = 31 - l;
    if (weighted) e.weights[32 + l] = 2;
  }
  return e;
}

template <class T>
std::vector<T> Values() {
  std::vector<T> z(41);
  for (uint32_t u = 0; u < 40; ++u) z[u] = static_cast<T>(u + 1) / 8;  // exact in float
  z[40] = 0;
  return z;
}

TEST(SlicedEllTest, ChunkSumsByHand) {
  for (bool simd : {true, false}) {
    SlicedLayout hooks(uint32_t{1} << 18, simd);
    for (bool weighted : {false, true}) {
      const SlicedEll e = HandMade(weighted);
      const std::vector<float> zf = Values<float>();
      const std::vector<double> zd = Values<double>();
      double sf[16], sd[16];
      for (uint32_t c = 0; c < 2; ++c) {
        if (weighted) {
          ChunkSums<true>(e, c, zf.data(), sf);
          ChunkSums<true>(e, c, zd.data(), sd);
        } else {
          ChunkSums<false>(e, c, zf.data(), sf);
          ChunkSums<false>(e, c, zd.data(), sd);
        }
        for (uint32_t l = 0; l < 16; ++l) {
          // z[u] = (u + 1) / 8.
          double want = 0;
          if (c == 0) {
            for (uint32_t j = 0; j < l % 3; ++j) {
              want += (weighted ? 0.5 + j : 1.0) * (l + j + 1) / 8;
            }
          } else {
            want = (weighted ? 2.0 : 1.0) * (31 - l + 1) / 8;
          }
          EXPECT_EQ(sf[l], want) << "chunk " << c << " lane " << l << " simd " << simd;
          EXPECT_EQ(sd[l], want) << "chunk " << c << " lane " << l << " simd " << simd;
        }
      }
    }
  }
}

TEST(SlicedEllTest, LayoutByRowCount) {
  EXPECT_EQ(SlicedEllLanes(1000), 1u);
  EXPECT_EQ(SlicedEllLanes((1u << 18) - 1), 1u);
  EXPECT_EQ(SlicedEllLanes(1u << 18), SlicedEll::kLanes);
  SlicedLayout hooks(0, false);
  EXPECT_EQ(SlicedEllLanes(1), SlicedEll::kLanes);
  EXPECT_FALSE(SlicedEllUsesSimd());
}

// On a weighted R-MAT graph of 2^16 nodes (so the Google sweeps start in
// float), with isolated nodes and a personalised vector, the AVX2 and the
// portable code give the same bits (each lane sums in the same order), and
// both agree with the row-by-row CSR sweeps to the tolerance's order.
TEST(SlicedEllTest, SimdAndPortableCodeAgreeBitForBit) {
  RmatOptions ro;
  ro.scale = 16;
  ro.edges = 200000;
  ro.seed = 9;
  auto e = GenerateRmat(ro);
  ASSERT_TRUE(e.ok());
  std::vector<double> w(e->src.size());
  for (size_t i = 0; i < w.size(); ++i) w[i] = 1 + static_cast<double>(i % 4);
  auto g = CsrGraph::FromEdges(e->num_nodes, e->src, e->dst, w);
  ASSERT_TRUE(g.ok()) << g.status();
  std::vector<double> teleport(e->num_nodes, 0.0);
  for (uint32_t v = 0; v < e->num_nodes; v += 5) teleport[v] = 1.0 + v % 3;
  for (bool weights : {true, false}) {
    PageRankOptions o;
    o.solver = PageRankSolver::kGaussSeidelGoogle;
    o.reorder = PageRankReorder::kAlways;
    o.tolerance = 1e-12;
    o.use_weights = weights;
    o.teleport = teleport;
    auto csr = PageRank(*g, o);  // 65,536 rows: CSR rows by default
    ASSERT_TRUE(csr.ok()) << csr.status();
    for (int threads : {1, 2}) {
      o.threads = threads;
      std::vector<double> ranks[2];
      for (bool simd : {true, false}) {
        SlicedLayout hooks(0, simd);
        auto a = PageRank(*g, o);
        ASSERT_TRUE(a.ok()) << a.status();
        ranks[simd] = a->rank;
        double l1 = 0;
        for (size_t v = 0; v < a->rank.size(); ++v) l1 += std::fabs(a->rank[v] - csr->rank[v]);
        EXPECT_LT(l1, 1e-11) << "threads " << threads << " simd " << simd;
      }
      EXPECT_EQ(ranks[0], ranks[1]) << "threads " << threads << " weights " << weights;
    }
  }
}

}  // namespace
}  // namespace mitra::graph
