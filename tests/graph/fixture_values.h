// Reads the fixtures of tests/graph/fixtures (written by make_fixtures.py):
// edge lists through mitra's own loader, value tables as CSV with `#`
// comment lines and a header row.
#ifndef MITRA_TESTS_GRAPH_FIXTURE_VALUES_H_
#define MITRA_TESTS_GRAPH_FIXTURE_VALUES_H_

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "mitra/graph/csr_graph.h"
#include "mitra/graph/edge_list.h"

namespace mitra::graph::testing {

inline std::string FixturePath(const std::string& name) {
  return std::string(MITRA_SOURCE_DIR) + "/tests/graph/fixtures/" + name;
}

inline CsrGraph LoadFixtureGraph(const std::string& name, bool directed, bool weighted) {
  EdgeListOptions o;
  o.weighted = weighted;
  o.build.directed = directed;
  auto g = LoadEdgeList(FixturePath(name), o);
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? std::move(g->graph) : CsrGraph();
}

// column name -> values in node order.
inline std::map<std::string, std::vector<double>> LoadValues(const std::string& name) {
  std::ifstream in(FixturePath(name));
  EXPECT_TRUE(in.good()) << name;
  std::string line;
  std::vector<std::string> cols;
  std::map<std::string, std::vector<double>> out;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream row(line);
    std::string cell;
    if (cols.empty()) {
      while (std::getline(row, cell, ',')) cols.push_back(cell);
      continue;
    }
    for (size_t i = 0; std::getline(row, cell, ','); ++i) out[cols[i]].push_back(std::stod(cell));
  }
  return out;
}

inline void ExpectNear(const std::vector<double>& got, const std::vector<double>& want,
                       double tol, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], tol) << what << " node " << i;
  }
}

// PageRank by the power iteration (damping 0.85, uniform teleport, to an L1
// change of 1e-14) with P^T x and the dangling mass added up from block
// shares: add_shares(x, &sum, &dangling) adds every block's share of x.
template <class AddShares>
std::vector<double> BlockPowerIteration(uint32_t n, AddShares add_shares) {
  const double d = 0.85;
  std::vector<double> x(n, 1.0 / n), sum(n);
  for (int sweep = 0; sweep < 1000; ++sweep) {
    std::fill(sum.begin(), sum.end(), 0.0);
    double dangling = 0;
    add_shares(x, &sum, &dangling);
    double change = 0, total = 0;
    for (uint32_t v = 0; v < n; ++v) {
      const double xv = d * (sum[v] + dangling / n) + (1 - d) / n;
      change += std::fabs(xv - x[v]);
      x[v] = xv;
      total += xv;
    }
    for (double& v : x) v /= total;
    if (change < 1e-14) break;
  }
  return x;
}

}  // namespace mitra::graph::testing

#endif  // MITRA_TESTS_GRAPH_FIXTURE_VALUES_H_
