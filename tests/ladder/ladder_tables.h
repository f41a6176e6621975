// Hand-built tables for the ladder tests: the rows each test reasons about,
// added directly (no validation), on top of tests/common/table_builder.h.
#ifndef MITRA_TESTS_LADDER_LADDER_TABLES_H_
#define MITRA_TESTS_LADDER_LADDER_TABLES_H_

#include <cstdint>
#include <map>
#include <string>

#include "common/table_builder.h"
#include "mitra/core/tables.h"

namespace mitra::testing {

constexpr int64_t kDay = 86400;

// A product with a unit price and cost (NaN: not given).
inline Index AddProduct(Tables& t, const std::string& id, double price, double cost) {
  const Index p = t.products.ids.Add(id);
  t.products.name.push_back(id);
  t.products.category.push_back("");
  t.products.unit_price.push_back(price);
  t.products.unit_cost.push_back(cost);
  return p;
}

inline void Buy(Tables& t, Index customer, int64_t time, double amount, Index product = kNoIndex) {
  auto& x = t.transactions;
  x.customer.push_back(customer);
  x.time.push_back(time);
  x.amount.push_back(amount);
  x.quantity.push_back(1);
  x.product.push_back(product);
  x.channel.push_back(kNoIndex);
  x.order.push_back(kNoIndex);
}

inline Index AddProgram(Tables& t, const std::string& id) {
  const Index p = t.programs.ids.Add(id);
  t.programs.name.push_back(id);
  t.programs.product.push_back(kNoIndex);
  t.programs.start.push_back(0);
  t.programs.end.push_back(kNoTime);
  t.programs.rated_attributes.Append(std::map<std::string, double>{});
  t.programs.rating_min.push_back(1);
  t.programs.rating_max.push_back(5);
  return p;
}

// would_recommend NaN: not asked.
inline void Answer(Tables& t, Index program, Index customer, int64_t time,
                   double would_recommend = kNoNumber) {
  auto& f = t.feedback;
  f.program.push_back(program);
  f.product.push_back(kNoIndex);
  f.customer.push_back(customer);
  f.ratings.Append(std::map<std::string, double>{});
  f.would_recommend.push_back(would_recommend);
  f.time.push_back(time);
  f.comment.push_back("");
}

inline void Refer(Tables& t, Index referrer, Index referee, int64_t time, bool converted,
                  double value = 0) {
  auto& r = t.referrals;
  r.referrer.push_back(referrer);
  r.referee.push_back(referee);
  r.time.push_back(time);
  r.converted.push_back(converted ? 1 : 0);
  r.value.push_back(value);
}

}  // namespace mitra::testing

#endif  // MITRA_TESTS_LADDER_LADDER_TABLES_H_
