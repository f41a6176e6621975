// A Batch appended to the workspace's tables: every rule of the schema's
// comments checked on each record before it is appended; the caller rolls
// back on an error, so that ingestion is whole or nothing.
#include "mitra/core/batch_append.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/money.h"
#include "mitra/core/tables.h"
#include "mitra/core/text_checks.h"
#include "mitra/core/time_format.h"
#include "mitra/v1/batch.pb.h"

namespace mitra {

std::string RecordError::ToString() const {
  std::string where = absl::StrCat(kind, "[", index, "]");
  if (!field.empty()) absl::StrAppend(&where, ".", field);
  return absl::StrCat(where, ": ", problem);
}

absl::Status RecordError::ToStatus() const {
  if (code == absl::StatusCode::kOk) return absl::OkStatus();
  return absl::Status(code, ToString());
}

namespace {

using absl::StatusCode;

std::string NumberText(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return absl::StrCat(v);
}

// A loop over many records prefetches in two stages (IdInterner's hints):
// the table slots of the ids it will look up kSlotsAhead records ahead, and
// once those have arrived, kTextsAhead records ahead, the stored ids the
// slots point at. Each id is hashed once, at the first stage, and its hash
// kept in a ring of kRing until its lookup.
constexpr int kSlotsAhead = 16, kTextsAhead = 8, kRing = 32;
static_assert(kSlotsAhead < kRing && (kRing & (kRing - 1)) == 0);

int64_t OptTime(bool has, int64_t t) { return has ? t : kNoTime; }

// A protobuf map's entries in key order. The map's own order follows its
// hash seed, which changes from one process to the next; taken as it comes,
// it would number attribute keys and order (and so round) rating sums
// differently on each import of the same data, and pick a different first
// error among several bad keys.
// Text values come as views (what the rules and the columns read), numbers
// as they are.
template <typename Map>
auto InKeyOrder(const Map& map) {
  using Mapped = typename Map::mapped_type;
  using Entry = std::pair<std::string_view, std::conditional_t<std::is_same_v<Mapped, std::string>,
                                                               std::string_view, Mapped>>;
  std::vector<Entry> entries;
  entries.reserve(map.size());
  for (const auto& [key, value] : map) entries.emplace_back(key, value);
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.first < b.first; });
  return entries;
}

// Checks each record, then appends it: the tables are mutable so that an id
// is looked up once for both. Temporaries use the standard containers, which
// stay intact when an allocation fails (Abseil 20220623's hash maps do not).
class Appender {
 public:
  Appender(Tables& t, const v1::Batch& b) : t_(t), b_(b) {}

  RecordError Run() {
    if (!CheckCapacity() || !Customers() || !Products() || !Communities() ||
        !Channels() || !Programs() || !Transactions() || !Interactions() ||
        !Memberships() || !Feedback() || !Referrals() || !Campaigns() || !CampaignMembers())
      return err_;
    return RecordError{};
  }

  bool Fail(const char* kind, size_t i, std::string field, std::string problem,
            StatusCode code = StatusCode::kInvalidArgument) {
    err_ = RecordError{code, kind, i, std::move(field), std::move(problem)};
    return false;
  }

  // Customers alone, as typed rows.
  RecordError RunCustomers(std::span<const CustomerRow> rows) {
    if (!Capacity("customers", t_.customers.ids.size(), rows.size()) ||
        !Customers(rows.size(), [&](size_t i) -> const CustomerRow& { return rows[i]; }))
      return err_;
    return RecordError{};
  }
  // Transactions alone, as typed rows.
  RecordError RunTransactions(std::span<const TransactionRow> rows) {
    if (!Capacity("transactions", t_.transactions.customer.size(), rows.size()) ||
        !Transactions(rows.size(), [&](size_t i) -> const TransactionRow& { return rows[i]; }))
      return err_;
    return RecordError{};
  }

 private:
  bool Capacity(const char* kind, size_t have, size_t add) {
    if (have + add <= kMaxRecords) return true;
    return Fail(kind, 0, "", absl::StrCat("a workspace holds at most ", kMaxRecords, " ", kind,
                                          "; it has ", have, " and the batch adds ", add),
                StatusCode::kResourceExhausted);
  }

  bool CheckCapacity() {
    bool ok = true;
    auto check = [&](const char* kind, size_t have, size_t add) {
      if (ok) ok = Capacity(kind, have, add);
    };
    check("customers", t_.customers.ids.size(), b_.customers_size());
    check("products", t_.products.ids.size(), b_.products_size());
    check("communities", t_.communities.ids.size(), b_.communities_size());
    check("channels", t_.channels.ids.size(), b_.channels_size());
    check("programs", t_.programs.ids.size(), b_.programs_size());
    check("transactions", t_.transactions.customer.size(), b_.transactions_size());
    check("interactions", t_.interactions.from.size(), b_.interactions_size());
    check("memberships", t_.memberships.customer.size(), b_.memberships_size());
    check("feedback", t_.feedback.program.size(), b_.feedback_size());
    check("referrals", t_.referrals.referrer.size(), b_.referrals_size());
    check("campaigns", t_.campaigns.ids.size(), b_.campaigns_size());
    check("campaign_members", t_.campaign_members.campaign.size(), b_.campaign_members_size());
    return ok;
  }

  // ---- Field rules shared by every kind ----

  // A new id, interned at once. Ids from `base` on are this batch's;
  // `position(k)` is where in the batch the record with index k stands.
  template <typename Position>
  bool NewId(const char* kind, size_t i, const IdInterner::Hashed& hashed, IdInterner& ids,
             size_t base, Position position, Index* out, const char* field = "id") {
    const std::string_view id = hashed.text;
    if (!IsShortPrintableId(id)) {
      if (std::string p = IdProblem(id); !p.empty()) return Fail(kind, i, field, p);
    }
    bool added;
    const Index k = ids.FindOrAdd(hashed, &added);
    if (added) {
      *out = k;
      return true;
    }
    if (k < base)
      return Fail(kind, i, field, absl::StrCat(Quote(id), " already exists in the workspace"),
                  StatusCode::kAlreadyExists);
    return Fail(kind, i, field,
                absl::StrCat(Quote(id), " is defined twice (also ", kind, "[", position(k), "])"),
                StatusCode::kAlreadyExists);
  }
  // The id of an entity kind, whose records are its ids in batch order.
  bool NewEntityId(const char* kind, size_t i, std::string_view id, IdInterner& ids,
                   size_t base) {
    Index unused;
    return NewId(kind, i, IdInterner::Hash(id), ids, base, [&](Index k) { return k - base; },
                 &unused);
  }
  // A reference to an entity of `target` kind, resolved into `*out`
  // (kNoIndex for an empty optional one).
  // `id` is the id's text, or the id hashed ahead.
  template <typename Id>
  bool Ref(const char* kind, size_t i, const char* field, const Id& hashed_or_text,
           const IdInterner& ids, const char* target, bool required, Index* out) {
    std::string_view id;
    if constexpr (std::is_same_v<Id, IdInterner::Hashed>) id = hashed_or_text.text;
    else id = hashed_or_text;
    if (id.empty()) {
      *out = kNoIndex;
      return required ? Fail(kind, i, field, absl::StrCat("required (a ", target, " id)")) : true;
    }
    if (std::optional<Index> k = ids.Find(hashed_or_text)) {
      *out = *k;
      return true;
    }
    if (!IdProblem(id).empty()) return Fail(kind, i, field, IdProblem(id));
    return Fail(kind, i, field, absl::StrCat("unknown ", target, " id ", Quote(id)),
                StatusCode::kNotFound);
  }
  bool Time(const char* kind, size_t i, const char* field, int64_t t) {
    if (t >= kMinTime && t < kMaxTime) return true;  // TimeProblem's range, without its string
    if (std::string p = TimeProblem(t); !p.empty()) return Fail(kind, i, field, p);
    return true;
  }
  // Money, and quantities, which are bounded alike so sums stay finite.
  bool Money(const char* kind, size_t i, const char* field, double v) {
    if (v >= 0 && v <= kMaxMoney) return true;  // MoneyProblem's range (NaN fails it)
    if (std::string p = MoneyProblem(v); !p.empty()) return Fail(kind, i, field, p);
    return true;
  }
  bool Text(const char* kind, size_t i, const char* field, std::string_view s,
            size_t max = kMaxNameBytes) {
    if (std::string p = TextProblem(s, max); !p.empty()) return Fail(kind, i, field, p);
    return true;
  }
  template <typename Map>
  bool Attributes(const char* kind, size_t i, const Map& attrs, const char* map_name = "attributes") {
    // The field's name is only spelt out for an error: most rows have none.
    auto field = [&](std::string_view key) { return absl::StrCat(map_name, ".", Av(key)); };
    for (const auto& [key, value] : attrs) {
      if (std::string p = IdProblem(key); !p.empty())
        return Fail(kind, i, field(key), absl::StrCat("bad key: ", p));
      if (std::string p = TextProblem(value, kMaxNameBytes); !p.empty())
        return Fail(kind, i, field(key), p);
    }
    return true;
  }
  bool Enum(const char* kind, size_t i, const char* field, int value, bool (*valid)(int),
            bool unspecified_ok) {
    if (!valid(value)) return Fail(kind, i, field, absl::StrCat("unknown value ", value));
    if (value == 0 && !unspecified_ok) return Fail(kind, i, field, "required (not UNSPECIFIED)");
    return true;
  }

  // ---- Kinds ----
  bool Customers() {
    std::vector<std::pair<std::string_view, std::string_view>> attrs;
    return Customers(b_.customers_size(), [&](size_t i) {
      const v1::Customer& r = b_.customers(static_cast<int>(i));
      attrs = InKeyOrder(r.attributes());
      return CustomerRow{r.id(),
                         r.has_created_unix_seconds() ? std::optional(r.created_unix_seconds())
                                                      : std::nullopt,
                         attrs};
    });
  }
  // The rules of a customer, whether it came as a protobuf record or a
  // typed row: `row(i)` gives the i-th of `n` as a CustomerRow.
  template <typename Row>
  bool Customers(size_t n, Row row) {
    CustomerTable& t = t_.customers;
    const size_t base = t.ids.size();
    for (size_t i = 0; i < n; ++i) {
      const CustomerRow& r = row(i);
      if (!NewEntityId("customers", i, r.id, t.ids, base) ||
          (r.created_unix_seconds &&
           !Time("customers", i, "created_unix_seconds", *r.created_unix_seconds)) ||
          !Attributes("customers", i, r.attributes))
        return false;
      t.created.push_back(r.created_unix_seconds.value_or(kNoTime));
      t.attributes.Append(r.attributes);
    }
    return true;
  }

  bool Products() {
    ProductTable& t = t_.products;
    const size_t base = t.ids.size();
    for (int i = 0; i < b_.products_size(); ++i) {
      const auto& r = b_.products(i);
      const auto attrs = InKeyOrder(r.attributes());
      if (!NewEntityId("products", i, r.id(), t.ids, base) ||
          !Text("products", i, "name", r.name()) || !Text("products", i, "category", r.category()) ||
          !Money("products", i, "unit_price", r.unit_price()) ||
          !Money("products", i, "unit_cost", r.unit_cost()) ||
          !Attributes("products", i, attrs))
        return false;
      t.name.push_back(r.name());
      t.category.push_back(r.category());
      t.unit_price.push_back(WithoutNegativeZero(r.unit_price()));
      t.unit_cost.push_back(WithoutNegativeZero(r.unit_cost()));
      t.attributes.Append(attrs);
    }
    return true;
  }

  bool Communities() {
    CommunityTable& t = t_.communities;
    const size_t base = t.ids.size();
    for (int i = 0; i < b_.communities_size(); ++i) {
      const auto& r = b_.communities(i);
      const auto attrs = InKeyOrder(r.attributes());
      if (!NewEntityId("communities", i, r.id(), t.ids, base) ||
          !Text("communities", i, "name", r.name()) ||
          (r.has_created_unix_seconds() &&
           !Time("communities", i, "created_unix_seconds", r.created_unix_seconds())) ||
          !Attributes("communities", i, attrs))
        return false;
      t.name.push_back(r.name());
      t.created.push_back(OptTime(r.has_created_unix_seconds(), r.created_unix_seconds()));
      t.attributes.Append(attrs);
    }
    return true;
  }

  bool Channels() {
    ChannelTable& t = t_.channels;
    const size_t base = t.ids.size();
    // Every id first: a parent may be defined further down the batch.
    for (int i = 0; i < b_.channels_size(); ++i) {
      if (!NewEntityId("channels", i, b_.channels(i).id(), t.ids, base)) return false;
    }
    for (int i = 0; i < b_.channels_size(); ++i) {
      const auto& r = b_.channels(i);
      const auto attrs = InKeyOrder(r.attributes());
      Index parent;
      if (!Text("channels", i, "name", r.name()) ||
          !Enum("channels", i, "kind", r.kind(), v1::ChannelKind_IsValid, false) ||
          !Ref("channels", i, "parent_id", r.parent_id(), t.ids, "channel", false, &parent) ||
          !Money("channels", i, "fixed_cost_per_year", r.fixed_cost_per_year()) ||
          !Money("channels", i, "cost_per_unit", r.cost_per_unit()) ||
          !Text("channels", i, "territory", r.territory()) ||
          !Attributes("channels", i, attrs))
        return false;
      if (!std::isfinite(r.margin()) || r.margin() < 0 || r.margin() >= 1)
        return Fail("channels", i, "margin",
                    absl::StrCat("must be a share in [0, 1), got ", NumberText(r.margin())));
      t.name.push_back(r.name());
      t.kind.push_back(static_cast<EnumValue>(r.kind()));
      t.parent.push_back(parent);
      t.margin.push_back(WithoutNegativeZero(r.margin()));
      t.fixed_cost_per_year.push_back(WithoutNegativeZero(r.fixed_cost_per_year()));
      t.cost_per_unit.push_back(WithoutNegativeZero(r.cost_per_unit()));
      t.territory.push_back(r.territory());
      t.attributes.Append(attrs);
    }
    // Parents inside the batch must not form a cycle (existing channels
    // cannot point at new ones, so a cycle can only lie inside the batch).
    const int n = b_.channels_size();
    std::vector<uint8_t> state(n, 0);  // 0 new, 1 on path, 2 done
    for (int start = 0; start < n; ++start) {
      int i = start;
      std::vector<int> path;
      while (i >= 0 && state[i] == 0) {
        state[i] = 1;
        path.push_back(i);
        const Index parent = t.parent[base + i];
        i = parent != kNoIndex && parent >= base ? static_cast<int>(parent - base) : -1;
      }
      if (i >= 0 && state[i] == 1)
        return Fail("channels", i, "parent_id",
                    absl::StrCat("parent chain of ", Quote(b_.channels(i).id()),
                                 " loops back to itself"));
      for (int p : path) state[p] = 2;
    }
    return true;
  }

  bool Programs() {
    ProgramTable& t = t_.programs;
    const size_t base = t.ids.size();
    for (int i = 0; i < b_.programs_size(); ++i) {
      const auto& r = b_.programs(i);
      Index product;
      if (!NewEntityId("programs", i, r.id(), t.ids, base) ||
          !Text("programs", i, "name", r.name()) ||
          !Ref("programs", i, "product_id", r.product_id(), t_.products.ids, "product", false,
               &product) ||
          !Time("programs", i, "start_unix_seconds", r.start_unix_seconds()))
        return false;
      if (r.has_end_unix_seconds()) {
        if (!Time("programs", i, "end_unix_seconds", r.end_unix_seconds())) return false;
        if (r.end_unix_seconds() < r.start_unix_seconds())
          return Fail("programs", i, "end_unix_seconds", "ends before it starts");
      }
      std::unordered_set<std::string_view> seen;
      for (const std::string& a : r.attributes()) {
        if (std::string p = IdProblem(a); !p.empty())
          return Fail("programs", i, "attributes", absl::StrCat("bad attribute name: ", p));
        if (!seen.insert(a).second)
          return Fail("programs", i, "attributes", absl::StrCat(Quote(a), " listed twice"));
      }
      const double lo = r.rating_min(), hi = r.rating_max();
      const bool default_scale = lo == 0 && hi == 0;
      if (!default_scale && !(std::isfinite(lo) && std::isfinite(hi) && lo < hi))
        return Fail("programs", i, "rating_max",
                    absl::StrCat("rating scale must satisfy min < max, got ", NumberText(lo),
                                 " .. ", NumberText(hi)));
      t.name.push_back(r.name());
      t.product.push_back(product);
      t.start.push_back(r.start_unix_seconds());
      t.end.push_back(OptTime(r.has_end_unix_seconds(), r.end_unix_seconds()));
      std::vector<std::pair<std::string, double>> attrs;
      for (const auto& a : r.attributes()) attrs.emplace_back(a, 0.0);
      t.rated_attributes.Append(attrs);
      t.rating_min.push_back(default_scale ? 1.0 : lo);
      t.rating_max.push_back(default_scale ? 5.0 : hi);
    }
    return true;
  }

  bool Transactions() {
    return Transactions(b_.transactions_size(), [&](size_t i) {
      const v1::Transaction& r = b_.transactions(static_cast<int>(i));
      return TransactionRow{r.id(), r.customer_id(), r.product_id(), r.channel_id(),
                            r.time_unix_seconds(), r.amount(), r.quantity()};
    });
  }
  // The rules of a transaction, whether it came as a protobuf record or a
  // typed row: `row(i)` gives the i-th of `n` as a TransactionRow.
  template <typename Row>
  bool Transactions(size_t count, Row row) {
    TransactionTable& t = t_.transactions;
    const size_t order_base = t.order_ids.size(), row_base = t.customer.size();
    // Which transaction of the batch holds order index k (an error's "also").
    auto position = [&](Index k) {
      size_t row = row_base;
      while (row < t.order.size() && t.order[row] != k) ++row;
      return row - row_base;
    };
    const int n = static_cast<int>(count);
    const IdInterner& customers = t_.customers.ids;
    IdInterner::Hashed order_ids[kRing], customer_ids[kRing];
    auto hash_ahead = [&](int j) {
      const TransactionRow& r = row(j);
      order_ids[j % kRing] = IdInterner::Hash(r.id);
      customer_ids[j % kRing] = IdInterner::Hash(r.customer_id);
      if (!r.id.empty()) t.order_ids.Prefetch(order_ids[j % kRing]);
      customers.Prefetch(customer_ids[j % kRing]);
    };
    for (int j = 0; j < std::min(n, kSlotsAhead); ++j) hash_ahead(j);
    for (int i = 0; i < n; ++i) {
      if (i + kSlotsAhead < n) hash_ahead(i + kSlotsAhead);
      // Order ids are new: their slots are empty, with no text to fetch.
      if (i + kTextsAhead < n) customers.PrefetchText(customer_ids[(i + kTextsAhead) % kRing]);
      const TransactionRow& r = row(i);
      Index order = kNoIndex, customer, product, channel;
      if ((!r.id.empty() && !NewId("transactions", i, order_ids[i % kRing], t.order_ids,
                                   order_base, position, &order)) ||
          !Ref("transactions", i, "customer_id", customer_ids[i % kRing], customers, "customer",
               true, &customer) ||
          !Time("transactions", i, "time_unix_seconds", r.time_unix_seconds) ||
          !Money("transactions", i, "amount", r.amount) ||
          !Money("transactions", i, "quantity", r.quantity) ||
          !Ref("transactions", i, "product_id", r.product_id, t_.products.ids, "product", false,
               &product) ||
          !Ref("transactions", i, "channel_id", r.channel_id, t_.channels.ids, "channel", false,
               &channel))
        return false;
      t.customer.push_back(customer);
      t.time.push_back(r.time_unix_seconds);
      t.amount.push_back(WithoutNegativeZero(r.amount));
      t.quantity.push_back(WithoutNegativeZero(r.quantity));
      t.product.push_back(product);
      t.channel.push_back(channel);
      t.order.push_back(order);
    }
    return true;
  }

  bool Interactions() {
    InteractionTable& t = t_.interactions;
    const IdInterner& customers = t_.customers.ids;
    for (int i = 0; i < b_.interactions_size(); ++i) {
      const auto& r = b_.interactions(i);
      const bool untargeted = r.kind() == v1::INTERACTION_KIND_VISIT ||
                              r.kind() == v1::INTERACTION_KIND_POST;
      Index from, to, community;
      if (!Ref("interactions", i, "from_customer_id", r.from_customer_id(), customers, "customer",
               true, &from) ||
          !Enum("interactions", i, "kind", r.kind(), v1::InteractionKind_IsValid, false) ||
          !Ref("interactions", i, "to_customer_id", r.to_customer_id(), customers, "customer",
               !untargeted, &to) ||
          !Time("interactions", i, "time_unix_seconds", r.time_unix_seconds()) ||
          !Ref("interactions", i, "community_id", r.community_id(), t_.communities.ids,
               "community", false, &community))
        return false;
      if (r.has_weight() && !(std::isfinite(r.weight()) && r.weight() > 0))
        return Fail("interactions", i, "weight",
                    absl::StrCat("must be finite and > 0, got ", NumberText(r.weight())));
      t.from.push_back(from);
      t.to.push_back(to);
      t.kind.push_back(static_cast<EnumValue>(r.kind()));
      t.time.push_back(r.time_unix_seconds());
      t.community.push_back(community);
      t.weight.push_back(r.has_weight() ? r.weight() : kNoNumber);
    }
    return true;
  }

  bool Memberships() {
    MembershipTable& t = t_.memberships;
    for (int i = 0; i < b_.memberships_size(); ++i) {
      const auto& r = b_.memberships(i);
      Index customer, community;
      if (!Ref("memberships", i, "customer_id", r.customer_id(), t_.customers.ids, "customer",
               true, &customer) ||
          !Ref("memberships", i, "community_id", r.community_id(), t_.communities.ids,
               "community", true, &community) ||
          !Enum("memberships", i, "role", r.role(), v1::MembershipRole_IsValid, true) ||
          !Time("memberships", i, "joined_unix_seconds", r.joined_unix_seconds()))
        return false;
      if (r.has_left_unix_seconds()) {
        if (!Time("memberships", i, "left_unix_seconds", r.left_unix_seconds())) return false;
        if (r.left_unix_seconds() < r.joined_unix_seconds())
          return Fail("memberships", i, "left_unix_seconds", "left before joining");
      }
      t.customer.push_back(customer);
      t.community.push_back(community);
      t.role.push_back(static_cast<EnumValue>(
          r.role() == v1::MEMBERSHIP_ROLE_UNSPECIFIED ? v1::MEMBERSHIP_ROLE_MEMBER : r.role()));
      t.joined.push_back(r.joined_unix_seconds());
      t.left.push_back(OptTime(r.has_left_unix_seconds(), r.left_unix_seconds()));
    }
    return true;
  }

  // The rated attributes and scale of a program (those of this batch are
  // already in the table).
  struct Scale {
    double lo = 1, hi = 5;
    std::unordered_set<std::string> attributes;  // empty: any name
  };
  Scale ProgramScale(Index p) const {
    Scale s;
    s.lo = t_.programs.rating_min[p];
    s.hi = t_.programs.rating_max[p];
    t_.programs.rated_attributes.ForEach(
        p, [&](std::string_view k, double) { s.attributes.emplace(k); });
    return s;
  }

  bool Feedback() {
    FeedbackTable& t = t_.feedback;
    std::unordered_map<Index, Scale> scales;
    for (int i = 0; i < b_.feedback_size(); ++i) {
      const auto& r = b_.feedback(i);
      Index program, product, customer;
      if (!Ref("feedback", i, "program_id", r.program_id(), t_.programs.ids, "program", true,
               &program) ||
          !Ref("feedback", i, "product_id", r.product_id(), t_.products.ids, "product", false,
               &product) ||
          !Ref("feedback", i, "customer_id", r.customer_id(), t_.customers.ids, "customer", true,
               &customer) ||
          !Time("feedback", i, "time_unix_seconds", r.time_unix_seconds()) ||
          !Text("feedback", i, "comment", r.comment(), kMaxCommentBytes))
        return false;
      auto it = scales.find(program);
      if (it == scales.end()) it = scales.emplace(program, ProgramScale(program)).first;
      const Scale& s = it->second;
      const auto ratings = InKeyOrder(r.ratings());
      for (const auto& [name, value_ref] : ratings) {
        const double value = value_ref;
        std::string field = absl::StrCat("ratings.", Av(name));
        if (std::string p = IdProblem(name); !p.empty())
          return Fail("feedback", i, field, absl::StrCat("bad attribute name: ", p));
        if (!s.attributes.empty() && !s.attributes.count(std::string(name)))
          return Fail("feedback", i, field,
                      absl::StrCat("program ", Quote(r.program_id()), " does not rate ",
                                   Quote(name)),
                      StatusCode::kNotFound);
        if (!std::isfinite(value) || value < s.lo || value > s.hi)
          return Fail("feedback", i, field,
                      absl::StrCat("rating ", NumberText(value), " is outside the program's scale ",
                                   s.lo, " .. ", s.hi));
      }
      if (r.has_would_recommend() && (r.would_recommend() < 0 || r.would_recommend() > 10))
        return Fail("feedback", i, "would_recommend",
                    absl::StrCat("must be 0..10, got ", r.would_recommend()));
      t.program.push_back(program);
      t.product.push_back(product);
      t.customer.push_back(customer);
      t.ratings.Append(ratings);
      t.would_recommend.push_back(r.has_would_recommend() ? r.would_recommend() : kNoNumber);
      t.time.push_back(r.time_unix_seconds());
      t.comment.push_back(r.comment());
    }
    return true;
  }

  bool Referrals() {
    ReferralTable& t = t_.referrals;
    for (int i = 0; i < b_.referrals_size(); ++i) {
      const auto& r = b_.referrals(i);
      Index referrer, referee;
      if (!Ref("referrals", i, "referrer_id", r.referrer_id(), t_.customers.ids, "customer", true,
               &referrer) ||
          !Ref("referrals", i, "referee_id", r.referee_id(), t_.customers.ids, "customer",
               r.converted(), &referee) ||
          !Time("referrals", i, "time_unix_seconds", r.time_unix_seconds()) ||
          !Money("referrals", i, "value", r.value()))
        return false;
      if (r.referee_id() == r.referrer_id())
        return Fail("referrals", i, "referee_id", "a customer cannot refer themselves");
      t.referrer.push_back(referrer);
      t.referee.push_back(referee);
      t.time.push_back(r.time_unix_seconds());
      t.converted.push_back(r.converted() ? 1 : 0);
      t.value.push_back(WithoutNegativeZero(r.value()));
    }
    return true;
  }

  bool Campaigns() {
    CampaignTable& t = t_.campaigns;
    const size_t base = t.ids.size();
    for (int i = 0; i < b_.campaigns_size(); ++i) {
      const auto& r = b_.campaigns(i);
      const auto attrs = InKeyOrder(r.attributes());
      Index community;
      if (!NewEntityId("campaigns", i, r.id(), t.ids, base) ||
          !Text("campaigns", i, "name", r.name()) ||
          !Enum("campaigns", i, "route", r.route(), v1::CampaignRoute_IsValid, false) ||
          !Time("campaigns", i, "start_unix_seconds", r.start_unix_seconds()) ||
          !Time("campaigns", i, "end_unix_seconds", r.end_unix_seconds()) ||
          !Money("campaigns", i, "spend", r.spend()) ||
          !Ref("campaigns", i, "community_id", r.community_id(), t_.communities.ids, "community",
               false, &community) ||
          !Attributes("campaigns", i, attrs))
        return false;
      if (r.end_unix_seconds() <= r.start_unix_seconds())
        return Fail("campaigns", i, "end_unix_seconds", "must be after the start");
      // Spend is what a return is divided by: a free campaign has none.
      if (r.spend() <= 0) return Fail("campaigns", i, "spend", "must be > 0, got 0");
      t.name.push_back(r.name());
      t.route.push_back(static_cast<EnumValue>(r.route()));
      t.start.push_back(r.start_unix_seconds());
      t.end.push_back(r.end_unix_seconds());
      t.spend.push_back(r.spend());
      t.community.push_back(community);
      t.attributes.Append(attrs);
    }
    return true;
  }

  bool CampaignMembers() {
    CampaignMemberTable& t = t_.campaign_members;
    if (b_.campaign_members_size() == 0) return true;
    // Each (campaign, unit) pair once: the pairs already held, then this
    // batch's as they come, each with its place in the batch (SIZE_MAX for
    // the workspace's).
    auto key = [](Index campaign, bool channel, Index unit) {
      return (uint64_t{campaign} << 33) | (uint64_t{channel} << 32) | unit;
    };
    std::unordered_map<uint64_t, size_t> seen;
    for (size_t k = 0; k < t.campaign.size(); ++k) {
      const bool channel = t.channel[k] != kNoIndex;
      seen.emplace(key(t.campaign[k], channel, channel ? t.channel[k] : t.customer[k]), SIZE_MAX);
    }
    for (int i = 0; i < b_.campaign_members_size(); ++i) {
      const auto& r = b_.campaign_members(i);
      Index campaign, customer = kNoIndex, channel = kNoIndex;
      if (!Ref("campaign_members", i, "campaign_id", r.campaign_id(), t_.campaigns.ids,
               "campaign", true, &campaign))
        return false;
      const bool chain = t_.campaigns.route[campaign] == v1::CAMPAIGN_ROUTE_CHAIN;
      // The field the campaign's route calls for, and the one it refuses.
      const char* wanted = chain ? "channel_id" : "customer_id";
      const char* refused = chain ? "customer_id" : "channel_id";
      if (!(chain ? r.customer_id() : r.channel_id()).empty())
        return Fail("campaign_members", i, refused,
                    absl::StrCat("campaign ", Quote(r.campaign_id()), " is a ",
                                 chain ? "chain" : "community", " campaign: its members are ",
                                 chain ? "channel members (channel_id)" : "customers (customer_id)"));
      if (chain ? !Ref("campaign_members", i, wanted, r.channel_id(), t_.channels.ids, "channel",
                       true, &channel)
                : !Ref("campaign_members", i, wanted, r.customer_id(), t_.customers.ids,
                       "customer", true, &customer))
        return false;
      const auto [it, added] = seen.emplace(key(campaign, chain, chain ? channel : customer), i);
      if (!added)
        return Fail("campaign_members", i, wanted,
                    absl::StrCat(Quote(chain ? r.channel_id() : r.customer_id()),
                                 " is already a member of campaign ", Quote(r.campaign_id()),
                                 it->second == SIZE_MAX
                                     ? std::string(" in the workspace")
                                     : absl::StrCat(" (campaign_members[", it->second, "])")),
                    StatusCode::kAlreadyExists);
      t.campaign.push_back(campaign);
      t.customer.push_back(customer);
      t.channel.push_back(channel);
    }
    return true;
  }

  Tables& t_;
  const v1::Batch& b_;
  RecordError err_;
};

}  // namespace

RecordError AppendBatch(Tables& tables, const v1::Batch& batch) {
  return Appender(tables, batch).Run();
}

RecordError AppendCustomers(Tables& tables, std::span<const CustomerRow> rows) {
  return Appender(tables, v1::Batch::default_instance()).RunCustomers(rows);
}

RecordError AppendTransactions(Tables& tables, std::span<const TransactionRow> rows) {
  return Appender(tables, v1::Batch::default_instance()).RunTransactions(rows);
}

}  // namespace mitra
