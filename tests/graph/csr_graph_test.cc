#include "mitra/graph/csr_graph.h"

#include <map>
#include <random>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "mitra/graph/edge_list.h"

namespace mitra::graph {
namespace {

std::vector<uint32_t> Row(const CsrGraph& g, uint32_t u) {
  auto r = g.out_neighbors(u);
  return {r.begin(), r.end()};
}

TEST(CsrGraphTest, SortsRowsAndSumsDuplicateWeights) {
  auto g = CsrGraph::FromEdges(4, {0, 0, 2, 0, 3}, {3, 1, 1, 3, 3}, {1.0, 2.0, 0.5, 4.0, 1.5});
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->num_nodes(), 4u);
  EXPECT_TRUE(g->directed());
  EXPECT_TRUE(g->weighted());
  EXPECT_EQ(Row(*g, 0), (std::vector<uint32_t>{1, 3}));
  EXPECT_EQ(g->out_weights(0)[1], 5.0);  // 0->3 twice: 1 + 4
  EXPECT_EQ(g->num_edges(), 4u);
  EXPECT_EQ(g->num_self_loops(), 1u);
  const Adjacency& in = g->in();
  EXPECT_EQ(in.offsets, (std::vector<uint32_t>{0, 0, 2, 2, 4}));
  EXPECT_EQ(in.targets, (std::vector<uint32_t>{0, 2, 0, 3}));
  EXPECT_EQ(in.weights, (std::vector<double>{2.0, 0.5, 5.0, 1.5}));
}

TEST(CsrGraphTest, UnweightedDuplicatesCollapseAndSelfLoopsCanBeDropped) {
  BuildOptions o;
  o.keep_self_loops = false;
  auto g = CsrGraph::FromEdges(3, {0, 0, 1, 1}, {1, 1, 1, 2}, {}, o);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->weighted());
  EXPECT_EQ(g->num_arcs(), 2u);
  EXPECT_EQ(g->num_self_loops(), 0u);
}

TEST(CsrGraphTest, UndirectedStoresBothArcs) {
  BuildOptions o;
  o.directed = false;
  auto g = CsrGraph::FromEdges(3, {0, 1, 2}, {1, 2, 2}, {}, o);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->num_arcs(), 5u);  // 0-1 twice, 1-2 twice, loop once
  EXPECT_EQ(g->num_edges(), 3u);
  EXPECT_EQ(Row(*g, 1), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(&g->in(), &g->out());
}

TEST(CsrGraphTest, UndirectedViewCollapsesOrSums) {
  auto g = CsrGraph::FromEdges(3, {0, 1, 1}, {1, 0, 2}, {2.0, 3.0, 1.0});
  ASSERT_TRUE(g.ok());
  auto c = g->Undirected(Symmetrize::kCollapse);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->directed());
  EXPECT_EQ(Row(*c, 0), (std::vector<uint32_t>{1}));
  EXPECT_EQ(c->out_weights(0)[0], 3.0);
  EXPECT_EQ(c->out_weights(2)[0], 1.0);
  auto s = g->Undirected(Symmetrize::kSum);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->out_weights(0)[0], 5.0);
  EXPECT_EQ(s->out_weights(1)[0], 5.0);
  // Unweighted: collapse stays unweighted.
  auto u = CsrGraph::FromEdges(2, {0, 1}, {1, 0});
  auto uc = u->Undirected();
  ASSERT_TRUE(uc.ok());
  EXPECT_FALSE(uc->weighted());
  EXPECT_EQ(uc->num_edges(), 1u);
}

// Against brute force: every arc into a std::map keyed by (source,
// target), duplicate weights added (kSum) or maxed (kMax) in the order the
// arcs come, which the build must match to the bit. Sizes from a handful
// of nodes (one bucket per source, insertion-sorted rows) to 2^14 nodes
// with hubs (several sources a bucket, buckets past the radix sort's cut),
// weighted and not, directed, undirected and both undirected views.
TEST(CsrGraphTest, BuildEqualsBruteForceOnRandomMultigraphs) {
  std::mt19937_64 rng(7);
  for (uint32_t n : {1u, 2u, 37u, 1024u, 1025u, 5000u, 16384u}) {
    for (size_t m : {size_t{0}, size_t{40}, size_t{3000}, size_t{120000}}) {
      std::vector<NodeId> src(m), dst(m);
      std::vector<double> w(m);
      for (size_t i = 0; i < m; ++i) {
        // A few hubs, many duplicates and self-loops.
        src[i] = rng() % 4 == 0 ? static_cast<NodeId>(rng() % std::min(n, 3u))
                                : static_cast<NodeId>(rng() % n);
        dst[i] = rng() % 3 == 0 ? static_cast<NodeId>(rng() % std::min(n, 50u))
                                : static_cast<NodeId>(rng() % n);
        w[i] = 0.1 * static_cast<double>(rng() % 1000) + 1e-3;
      }
      for (bool directed : {true, false}) {
        for (bool keep_loops : {true, false}) {
          for (bool weighted : {true, false}) {
            std::map<std::pair<NodeId, NodeId>, double> want;
            auto add = [&](NodeId a, NodeId b, double x) {
              auto [it, fresh] = want.emplace(std::pair{a, b}, x);
              if (!fresh) it->second += x;
            };
            for (size_t i = 0; i < m; ++i) {
              if (src[i] == dst[i] && !keep_loops) continue;
              add(src[i], dst[i], w[i]);
              if (!directed && src[i] != dst[i]) add(dst[i], src[i], w[i]);
            }
            BuildOptions o{directed, keep_loops};
            auto g = CsrGraph::FromEdges(n, src, dst,
                                         weighted ? absl::Span<const double>(w)
                                                  : absl::Span<const double>(),
                                         o);
            ASSERT_TRUE(g.ok()) << g.status();
            ASSERT_EQ(g->num_arcs(), want.size()) << n << " " << m;
            // Weighted when weights were given and some arc is stored.
            ASSERT_EQ(g->weighted(), weighted && !want.empty());
            uint64_t loops = 0;
            auto it = want.begin();
            for (uint32_t u = 0; u < n; ++u) {
              auto row = g->out_neighbors(u);
              for (size_t j = 0; j < row.size(); ++j, ++it) {
                ASSERT_EQ(it->first, (std::pair<NodeId, NodeId>{u, row[j]})) << n << " " << m;
                if (g->weighted()) ASSERT_EQ(g->out_weights(u)[j], it->second);
                loops += row[j] == u;
              }
            }
            EXPECT_EQ(g->num_self_loops(), loops);
            if (!directed || !g->weighted()) continue;
            // The undirected views of the directed weighted graph: each
            // stored arc in row order, then its reverse, merged in that order.
            for (Symmetrize mode : {Symmetrize::kCollapse, Symmetrize::kSum}) {
              std::map<std::pair<NodeId, NodeId>, double> view;
              auto merge = [&](std::pair<NodeId, NodeId> key, double x) {
                auto [at, fresh] = view.emplace(key, x);
                if (!fresh)
                  at->second = mode == Symmetrize::kSum ? at->second + x : std::max(at->second, x);
              };
              for (const auto& [arc, x] : want) {
                merge(arc, x);
                if (arc.first != arc.second) merge({arc.second, arc.first}, x);
              }
              if (mode == Symmetrize::kSum)
                for (auto& [arc, x] : view)
                  if (arc.first == arc.second) x *= 2;  // a_uu + a_uu
              auto u = g->Undirected(mode);
              ASSERT_TRUE(u.ok());
              ASSERT_EQ(u->num_arcs(), view.size());
              auto at = view.begin();
              for (uint32_t a = 0; a < n; ++a) {
                auto row = u->out_neighbors(a);
                for (size_t j = 0; j < row.size(); ++j, ++at) {
                  ASSERT_EQ(at->first, (std::pair<NodeId, NodeId>{a, row[j]}));
                  ASSERT_EQ(u->out_weights(a)[j], at->second) << a << " " << row[j];
                }
              }
            }
          }
        }
      }
    }
  }
}

TEST(CsrGraphTest, RejectsBadInput) {
  EXPECT_FALSE(CsrGraph::FromEdges(2, {0}, {2}).ok());
  EXPECT_FALSE(CsrGraph::FromEdges(2, {0, 1}, {1}).ok());
  EXPECT_FALSE(CsrGraph::FromEdges(2, {0}, {1}, {-1.0}).ok());
  EXPECT_FALSE(CsrGraph::FromEdges(2, {0}, {1}, {std::numeric_limits<double>::quiet_NaN()}).ok());
  EXPECT_FALSE(CsrGraph::FromEdges(2, {0}, {1}, {1.0, 2.0}).ok());
  auto s = CsrGraph::FromEdges(2, {0}, {5});
  EXPECT_NE(s.status().message().find("out of range"), std::string::npos) << s.status();
}

TEST(EdgeListTest, ParsesSnapAndImmFormats) {
  auto snap = ParseEdgeList("# comment\n0\t4\r\n\n4 1\n% other\n", "snap");
  ASSERT_TRUE(snap.ok()) << snap.status();
  EXPECT_EQ(snap->graph.num_nodes(), 5u);
  EXPECT_EQ(snap->graph.num_arcs(), 2u);
  EdgeListOptions imm;
  imm.header = EdgeListOptions::Header::kNodeEdgeCount;
  imm.weighted = true;
  auto g = ParseEdgeList("6 2\n0 1 0.5\n1 2 0.25\n", "imm", imm);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->graph.num_nodes(), 6u);
  EXPECT_EQ(g->graph.out_weights(1)[0], 0.25);
}

TEST(EdgeListTest, RelabelsSparseIds) {
  EdgeListOptions o;
  o.relabel = true;
  auto g = ParseEdgeList("100 7\n7 5000000000\n", "sparse", o);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->graph.num_nodes(), 3u);
  EXPECT_EQ(g->original_ids, (std::vector<uint64_t>{7, 100, 5000000000ULL}));
  EXPECT_EQ(Row(g->graph, 1), (std::vector<uint32_t>{0}));
}

TEST(EdgeListTest, ErrorsNameTheLine) {
  auto bad = ParseEdgeList("0 1\n1 x\n", "f.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("f.txt:2:"), std::string::npos) << bad.status();
  EdgeListOptions w;
  w.weighted = true;
  auto nw = ParseEdgeList("0 1 1\n1 2\n", "f.txt", w);
  EXPECT_NE(nw.status().message().find("f.txt:2:"), std::string::npos) << nw.status();
  auto neg = ParseEdgeList("0 1 -1\n", "f.txt", w);
  EXPECT_NE(neg.status().message().find("f.txt:1:"), std::string::npos) << neg.status();
  EdgeListOptions imm;
  imm.header = EdgeListOptions::Header::kNodeEdgeCount;
  auto count = ParseEdgeList("3 5\n0 1\n", "f.txt", imm);
  EXPECT_NE(count.status().message().find("f.txt:1:"), std::string::npos) << count.status();
  auto range = ParseEdgeList("3 1\n0 3\n", "f.txt", imm);
  EXPECT_NE(range.status().message().find("f.txt:2:"), std::string::npos) << range.status();
  EXPECT_EQ(LoadEdgeList("/nonexistent/x.txt").status().code(), absl::StatusCode::kNotFound);
}

TEST(EdgeListTest, LoadsNetHept) {
  auto g = LoadEdgeList(std::string(MITRA_REFERENCE_DATA_DIR) + "/graphs/nethept.txt");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->graph.num_nodes(), 15229u);
  EXPECT_EQ(g->graph.num_arcs(), 62752u);
}

}  // namespace
}  // namespace mitra::graph
