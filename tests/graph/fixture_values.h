// Reads the fixtures of tests/graph/fixtures (written by make_fixtures.py):
// edge lists through mitra's own loader, value tables as CSV with `#`
// comment lines and a header row.
#ifndef MITRA_TESTS_GRAPH_FIXTURE_VALUES_H_
#define MITRA_TESTS_GRAPH_FIXTURE_VALUES_H_

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

}  // namespace mitra::graph::testing

#endif  // MITRA_TESTS_GRAPH_FIXTURE_VALUES_H_
