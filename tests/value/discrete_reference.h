// The discrete-time models' reference data (data/reference/retention and
// data/reference/donations; sources in data/reference/README.md), loaded
// once for the tests. A file that is absent or short stops the test binary:
// never pass on absent data.
#ifndef MITRA_TESTS_VALUE_DISCRETE_REFERENCE_H_
#define MITRA_TESTS_VALUE_DISCRETE_REFERENCE_H_

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace mitra::value::testing {

// The rows of a CSV of numbers under `dir`/`file` (header skipped), each
// with `columns` cells; exits unless there are `rows` of them.
inline std::vector<std::vector<double>> LoadNumbers(const std::string& file, size_t columns,
                                                    size_t rows) {
  const std::string path = std::string(MITRA_REFERENCE_DATA_DIR) + "/" + file;
  std::ifstream in(path);
  std::vector<std::vector<double>> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::vector<double> row;
    for (std::string cell; row.size() < columns && std::getline(s, cell, ',');)
      row.push_back(std::stod(cell));
    out.push_back(row);
  }
  if (out.size() != rows) {
    std::fprintf(stderr, "reference data %s: read %zu rows, expected %zu\n", path.c_str(),
                 out.size(), rows);
    std::exit(2);
  }
  return out;
}

// Fader & Hardie 2007: customers of two 1,000-customer cohorts still active
// after years 0..12 (regular, high end).
struct Retention {
  std::vector<double> regular, high_end;
};

inline Retention LoadRetention() {
  Retention r;
  for (const auto& row : LoadNumbers("retention/fader_hardie_2007.csv", 3, 13)) {
    r.regular.push_back(row[1]);
    r.high_end.push_back(row[2]);
  }
  return r;
}

// Fader, Hardie & Shang 2010: the 1995 donors' recency/frequency table
// over the six opportunities 1996-2001 (x, t_x, n, customers).
struct Donations {
  std::vector<double> x, t_x, n, weight;
};

inline Donations LoadDonations() {
  Donations d;
  for (const auto& row : LoadNumbers("donations/donations.csv", 4, 22)) {
    d.x.push_back(row[0]);
    d.t_x.push_back(row[1]);
    d.n.push_back(row[2]);
    d.weight.push_back(row[3]);
  }
  return d;
}

}  // namespace mitra::value::testing

#endif  // MITRA_TESTS_VALUE_DISCRETE_REFERENCE_H_
