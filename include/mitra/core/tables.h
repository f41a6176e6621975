// The workspace's columnar tables: one struct of arrays per entity kind.
//
// Every table lists its columns once, in Visit(); rollback and the named
// numeric columns of the C ABI are written against that list, so a new column
// needs no other code. The first column a table visits is row-aligned: its
// size is the table's row count.
#ifndef MITRA_CORE_TABLES_H_
#define MITRA_CORE_TABLES_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mitra/core/attribute_column.h"
#include "mitra/core/id_interner.h"
#include "mitra/core/time_format.h"

namespace mitra {

// Absent optional numbers are NaN.
inline constexpr double kNoNumber = NAN;

// Kinds of the schema's enums, stored as their numeric values.
using EnumValue = uint8_t;

struct CustomerTable {
  IdInterner ids;
  std::vector<int64_t> created;  // kNoTime when unknown
  AttributeColumn attributes;

  template <typename V> void Visit(V&& v) {
    v("id", ids); v("created", created); v("attributes", attributes);
  }
};

struct ProductTable {
  IdInterner ids;
  std::vector<std::string> name, category;
  std::vector<double> unit_price, unit_cost;
  AttributeColumn attributes;

  template <typename V> void Visit(V&& v) {
    v("id", ids); v("name", name); v("category", category);
    v("unit_price", unit_price); v("unit_cost", unit_cost);
    v("attributes", attributes);
  }
};

struct CommunityTable {
  IdInterner ids;
  std::vector<std::string> name;
  std::vector<int64_t> created;
  AttributeColumn attributes;

  template <typename V> void Visit(V&& v) {
    v("id", ids); v("name", name); v("created", created);
    v("attributes", attributes);
  }
};

struct ChannelTable {
  IdInterner ids;
  std::vector<std::string> name, territory;
  std::vector<EnumValue> kind;
  std::vector<Index> parent;
  std::vector<double> margin, fixed_cost_per_year, cost_per_unit;
  AttributeColumn attributes;

  template <typename V> void Visit(V&& v) {
    v("id", ids); v("name", name); v("kind", kind); v("parent", parent);
    v("margin", margin); v("fixed_cost_per_year", fixed_cost_per_year);
    v("cost_per_unit", cost_per_unit); v("territory", territory);
    v("attributes", attributes);
  }
};

struct ProgramTable {
  IdInterner ids;
  std::vector<std::string> name;
  std::vector<Index> product;
  std::vector<int64_t> start, end;
  MapColumn<double> rated_attributes;  // the attribute list, as keys (value unused)
  std::vector<double> rating_min, rating_max;

  template <typename V> void Visit(V&& v) {
    v("id", ids); v("name", name); v("product", product); v("start", start);
    v("end", end); v("rated_attributes", rated_attributes);
    v("rating_min", rating_min); v("rating_max", rating_max);
  }
};

struct TransactionTable {
  IdInterner order_ids;                 // only the transactions that have one
  std::vector<Index> order;             // index into order_ids, or kNoIndex
  std::vector<Index> customer;
  std::vector<int64_t> time;
  std::vector<double> amount, quantity;
  std::vector<Index> product, channel;  // kNoIndex when not set

  template <typename V> void Visit(V&& v) {
    v("customer", customer); v("time", time); v("amount", amount);
    v("quantity", quantity); v("product", product); v("channel", channel);
    v("order", order); v("order_ids", order_ids);
  }
};

struct InteractionTable {
  std::vector<Index> from, to, community;  // to, community: kNoIndex if unset
  std::vector<EnumValue> kind;
  std::vector<int64_t> time;
  std::vector<double> weight;  // NaN when not given (meaning 1)

  template <typename V> void Visit(V&& v) {
    v("from", from); v("to", to); v("kind", kind); v("time", time);
    v("community", community); v("weight", weight);
  }
};

struct MembershipTable {
  std::vector<Index> customer, community;
  std::vector<EnumValue> role;
  std::vector<int64_t> joined, left;  // left: kNoTime while a member

  // Whether membership `row` is current at `as_of`: joined by then and not
  // yet left.
  bool CurrentAt(size_t row, int64_t as_of) const {
    return joined[row] <= as_of && (left[row] == kNoTime || left[row] > as_of);
  }

  template <typename V> void Visit(V&& v) {
    v("customer", customer); v("community", community); v("role", role);
    v("joined", joined); v("left", left);
  }
};

struct FeedbackTable {
  std::vector<Index> program, product, customer;  // product: kNoIndex if unset
  MapColumn<double> ratings;
  std::vector<double> would_recommend;  // NaN when not asked
  std::vector<int64_t> time;
  std::vector<std::string> comment;

  template <typename V> void Visit(V&& v) {
    v("program", program); v("product", product); v("customer", customer);
    v("ratings", ratings); v("would_recommend", would_recommend);
    v("time", time); v("comment", comment);
  }
};

struct ReferralTable {
  std::vector<Index> referrer, referee;  // referee: kNoIndex if unknown
  std::vector<int64_t> time;
  std::vector<EnumValue> converted;      // 0 or 1
  std::vector<double> value;

  template <typename V> void Visit(V&& v) {
    v("referrer", referrer); v("referee", referee); v("time", time);
    v("converted", converted); v("value", value);
  }
};

struct CampaignTable {
  IdInterner ids;
  std::vector<std::string> name;
  std::vector<EnumValue> route;      // v1::CampaignRoute
  std::vector<int64_t> start, end;   // end > start
  std::vector<double> spend;         // > 0
  std::vector<Index> community;      // kNoIndex if unset
  AttributeColumn attributes;

  template <typename V> void Visit(V&& v) {
    v("id", ids); v("name", name); v("route", route); v("start", start);
    v("end", end); v("spend", spend); v("community", community);
    v("attributes", attributes);
  }
};

// The units each campaign treated: exactly one of customer (a community
// campaign's) and channel (a chain campaign's) is set, the other kNoIndex.
struct CampaignMemberTable {
  std::vector<Index> campaign, customer, channel;

  template <typename V> void Visit(V&& v) {
    v("campaign", campaign); v("customer", customer); v("channel", channel);
  }
};

// Calls f(kind_name, table) for every table, in dependency order (entities
// before the records that refer to them). The kind names are the fields of
// mitra.v1.Batch.
struct Tables {
  CustomerTable customers;
  ProductTable products;
  CommunityTable communities;
  ChannelTable channels;
  ProgramTable programs;
  TransactionTable transactions;
  InteractionTable interactions;
  MembershipTable memberships;
  FeedbackTable feedback;
  ReferralTable referrals;
  CampaignTable campaigns;
  CampaignMemberTable campaign_members;

  template <typename F> void ForEach(F&& f) {
    f("customers", customers); f("products", products);
    f("communities", communities); f("channels", channels);
    f("programs", programs); f("transactions", transactions);
    f("interactions", interactions); f("memberships", memberships);
    f("feedback", feedback); f("referrals", referrals);
    f("campaigns", campaigns); f("campaign_members", campaign_members);
  }
  template <typename F> void ForEach(F&& f) const {
    const_cast<Tables*>(this)->ForEach(
        [&](const char* kind, auto& table) { f(kind, std::as_const(table)); });
  }
};

// The row count of a table: the size of its first (row-aligned) column.
template <typename Table>
size_t RowCount(const Table& table) {
  size_t n = 0;
  bool first = true;
  const_cast<Table&>(table).Visit([&](const char*, const auto& column) {
    if (first) n = column.size(), first = false;
  });
  return n;
}

}  // namespace mitra

#endif  // MITRA_CORE_TABLES_H_
