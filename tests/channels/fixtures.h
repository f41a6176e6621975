// Building small chains and their sales directly in a workspace's tables,
// for the channel-economics tests (no validation: each test builds exactly
// the rows it reasons about).
#ifndef MITRA_TESTS_CHANNELS_FIXTURES_H_
#define MITRA_TESTS_CHANNELS_FIXTURES_H_

#include <cstdint>
#include <string>

#include "common/table_builder.h"
#include "mitra/channels/chain.h"
#include "mitra/core/tables.h"

namespace mitra::channels::testing {

inline constexpr int64_t kDay = 86400;

struct Builder {
  Tables t;

  Index Channel(const std::string& id, EnumValue kind, Index parent, double margin,
                double fixed_per_year = 0, double cost_per_unit = 0,
                const std::string& territory = "") {
    ChannelTable& c = t.channels;
    const Index i = c.ids.Add(id);
    c.name.push_back(id);
    c.kind.push_back(kind);
    c.parent.push_back(parent);
    c.margin.push_back(margin);
    c.fixed_cost_per_year.push_back(fixed_per_year);
    c.cost_per_unit.push_back(cost_per_unit);
    c.territory.push_back(territory);
    return i;
  }
  Index Product(const std::string& id, double unit_price, double unit_cost) {
    ProductTable& p = t.products;
    const Index i = p.ids.Add(id);
    p.name.push_back(id);
    p.category.push_back("");
    p.unit_price.push_back(unit_price);
    p.unit_cost.push_back(unit_cost);
    return i;
  }
  void Customers(int n) { mitra::testing::AddCustomers(t, n); }
  // quantity 0: not recorded; product/channel kNoIndex: not set.
  void Sale(Index customer, int64_t time, double amount, double quantity, Index product,
            Index channel) {
    TransactionTable& x = t.transactions;
    x.customer.push_back(customer);
    x.time.push_back(time);
    x.amount.push_back(amount);
    x.quantity.push_back(quantity);
    x.product.push_back(product);
    x.channel.push_back(channel);
    x.order.push_back(kNoIndex);
  }
  Chain Build() const {
    auto c = Chain::Build(t.channels);
    return c.ok() ? *std::move(c) : Chain();
  }
};

}  // namespace mitra::channels::testing

#endif  // MITRA_TESTS_CHANNELS_FIXTURES_H_
