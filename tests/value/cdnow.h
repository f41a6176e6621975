// Loads the CDNOW sample (Fader, Hardie & Lee) from data/reference/cdnow for
// the customer-value tests and benchmarks. A missing or short file stops the
// process with a message: a test must never pass or skip on absent data.
#ifndef MITRA_TESTS_VALUE_CDNOW_H_
#define MITRA_TESTS_VALUE_CDNOW_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace mitra::value::testing {

// Stops the process unless `got` rows were read from `path` as expected.
inline void RequireRows(const std::string& path, size_t got, size_t want) {
  if (got == want) return;
  std::fprintf(stderr, "reference data %s: read %zu rows, expected %zu (see data/reference/README.md)\n",
               path.c_str(), got, want);
  std::exit(2);
}

inline int64_t UnixDay(int y, int m, int d) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  return static_cast<int64_t>(timegm(&tm));
}

// CDNOW_sample.txt: master id, sample id 1..2357, YYYYMMDD, CDs, dollars.
struct CdnowTransactions {
  std::vector<uint32_t> customer;  // sample id - 1
  std::vector<int64_t> time;       // midnight UTC of the day
  std::vector<double> amount;
};

inline CdnowTransactions LoadCdnowSample(const std::string& dir) {
  CdnowTransactions t;
  const std::string path = dir + "/cdnow/CDNOW_sample.txt";
  std::ifstream in(path);
  std::string master;
  long id, date, cds;
  double dollars;
  while (in >> master >> id >> date >> cds >> dollars) {
    t.customer.push_back(static_cast<uint32_t>(id - 1));
    t.time.push_back(UnixDay(static_cast<int>(date / 10000), static_cast<int>(date / 100 % 100),
                             static_cast<int>(date % 100)));
    t.amount.push_back(dollars);
  }
  RequireRows(path, t.customer.size(), 6919);
  return t;
}

// The sample as the CSV texts of a workspace's customers (ids 0..2356) and
// transactions (customer_id,time,amount), for the workspace entry points.
struct CdnowCsv {
  std::string customers, transactions;
};

inline CdnowCsv ToCsv(const CdnowTransactions& tx) {
  CdnowCsv csv{"id\n", "customer_id,time,amount\n"};
  for (int i = 0; i < 2357; ++i) csv.customers += std::to_string(i) + "\n";
  for (size_t i = 0; i < tx.customer.size(); ++i)
    csv.transactions += std::to_string(tx.customer[i]) + "," + std::to_string(tx.time[i]) + "," +
                        std::to_string(tx.amount[i]) + "\n";
  return csv;
}

// cdnow_customers_summary_with_transactions.csv: ID,x,t_x,T,zbar.
struct CdnowSummary {
  std::vector<double> x, t_x, T, zbar;
};

inline CdnowSummary LoadCdnowSummary(const std::string& dir) {
  CdnowSummary s;
  const std::string path = dir + "/cdnow/cdnow_customers_summary_with_transactions.csv";
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.empty() || line == "\r") continue;
    for (char& c : line)
      if (c == ',') c = ' ';
    std::istringstream row(line);
    double id, x, tx, T, z;
    if (row >> id >> x >> tx >> T >> z) {
      s.x.push_back(x);
      s.t_x.push_back(tx);
      s.T.push_back(T);
      s.zbar.push_back(z);
    }
  }
  RequireRows(path, s.x.size(), 2357);
  return s;
}

}  // namespace mitra::value::testing

#endif  // MITRA_TESTS_VALUE_CDNOW_H_
