#include "mitra/graph/kcore.h"

#include "fixture_values.h"
#include "gtest/gtest.h"

namespace mitra::graph {
namespace {

using testing::LoadFixtureGraph;
using testing::LoadValues;

std::vector<double> AsDouble(const std::vector<uint32_t>& v) { return {v.begin(), v.end()}; }

TEST(CoreNumbersTest, MatchesNetworkx) {
  EXPECT_EQ(AsDouble(CoreNumbers(LoadFixtureGraph("karate.txt", false, false))),
            LoadValues("karate_values.csv")["core"]);
  EXPECT_EQ(AsDouble(CoreNumbers(LoadFixtureGraph("small_directed.txt", true, false))),
            LoadValues("small_directed_values.csv")["core"]);
  EXPECT_EQ(AsDouble(CoreNumbers(LoadFixtureGraph("random_directed.txt", true, true))),
            LoadValues("random_directed_values.csv")["core"]);
}

// K5 (nodes 0..4) with a pendant 5 on node 0 and an isolated node 6.
TEST(CoreNumbersTest, CliquePlusPendant) {
  std::vector<uint32_t> s, d;
  for (uint32_t i = 0; i < 5; ++i)
    for (uint32_t j = i + 1; j < 5; ++j) {
      s.push_back(i);
      d.push_back(j);
    }
  s.push_back(0);
  d.push_back(5);
  s.push_back(3);  // a self-loop does not count
  d.push_back(3);
  BuildOptions b;
  b.directed = false;
  auto g = CsrGraph::FromEdges(7, s, d, {}, b);
  EXPECT_EQ(CoreNumbers(*g), (std::vector<uint32_t>{4, 4, 4, 4, 4, 1, 0}));
}

}  // namespace
}  // namespace mitra::graph
