// Validation of a Batch against a workspace: every rule of the schema's
// comments, checked before anything is applied, so that ingestion is whole
// or nothing.
#include "mitra/core/batch_validator.h"

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
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

// Temporaries here use the standard containers, which stay intact when an
// allocation fails (Abseil 20220623's hash maps do not).

// The ids of one entity kind that a batch defines, with their positions.
class PendingIds {
 public:
  // False (with the earlier position) when the batch repeats the id.
  bool Add(std::string_view id, size_t pos, size_t* earlier) {
    auto [it, inserted] = map_.emplace(id, pos);
    *earlier = it->second;
    return inserted;
  }
  std::optional<size_t> Find(std::string_view id) const {
    auto it = map_.find(id);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::unordered_map<std::string_view, size_t> map_;
};

class Validator {
 public:
  Validator(const Tables& t, const v1::Batch& b) : t_(t), b_(b) {}

  RecordError Run() {
    if (!CheckCapacity() || !Customers() || !Products() || !Communities() ||
        !Channels() || !Programs() || !Transactions() || !Interactions() ||
        !Memberships() || !Feedback() || !Referrals())
      return err_;
    return RecordError{};
  }

 private:
  bool Fail(const char* kind, size_t i, std::string field, std::string problem,
            StatusCode code = StatusCode::kInvalidArgument) {
    err_ = RecordError{code, kind, i, std::move(field), std::move(problem)};
    return false;
  }

  bool CheckCapacity() {
    bool ok = true;
    auto check = [&](const char* kind, size_t have, size_t add) {
      if (ok && have + add > kMaxRecords) {
        ok = Fail(kind, 0, "", absl::StrCat("a workspace holds at most ", kMaxRecords, " ", kind,
                                            "; it has ", have, " and the batch adds ", add),
                  StatusCode::kResourceExhausted);
      }
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
    return ok;
  }

  // ---- Field rules shared by every kind ----
  bool NewId(const char* kind, size_t i, const std::string& id, const IdInterner& existing,
             PendingIds& pending, const char* field = "id") {
    if (std::string p = IdProblem(id); !p.empty()) return Fail(kind, i, field, p);
    if (existing.Find(id))
      return Fail(kind, i, field, absl::StrCat(Quote(id), " already exists in the workspace"),
                  StatusCode::kAlreadyExists);
    size_t earlier;
    if (!pending.Add(id, i, &earlier))
      return Fail(kind, i, field,
                  absl::StrCat(Quote(id), " is defined twice (also ", kind, "[", earlier, "])"),
                  StatusCode::kAlreadyExists);
    return true;
  }
  // A reference to an entity of `target` kind; empty passes when optional.
  bool Ref(const char* kind, size_t i, const char* field, const std::string& id,
           const IdInterner& existing, const PendingIds& pending, const char* target,
           bool required) {
    if (id.empty()) {
      return required ? Fail(kind, i, field, absl::StrCat("required (a ", target, " id)")) : true;
    }
    if (existing.Find(id) || pending.Find(id)) return true;
    if (!IdProblem(id).empty()) return Fail(kind, i, field, IdProblem(id));
    return Fail(kind, i, field, absl::StrCat("unknown ", target, " id ", Quote(id)),
                StatusCode::kNotFound);
  }
  bool Time(const char* kind, size_t i, const char* field, int64_t t) {
    if (std::string p = TimeProblem(t); !p.empty()) return Fail(kind, i, field, p);
    return true;
  }
  // Money, and quantities, which are bounded alike so sums stay finite.
  bool Money(const char* kind, size_t i, const char* field, double v) {
    if (std::string p = MoneyProblem(v); !p.empty()) return Fail(kind, i, field, p);
    return true;
  }
  bool Text(const char* kind, size_t i, const char* field, const std::string& s,
            size_t max = kMaxNameBytes) {
    if (std::string p = TextProblem(s, max); !p.empty()) return Fail(kind, i, field, p);
    return true;
  }
  template <typename Map>
  bool Attributes(const char* kind, size_t i, const Map& attrs, const char* map_name = "attributes") {
    for (const auto& [key, value] : attrs) {
      std::string field = absl::StrCat(map_name, ".", key);
      if (std::string p = IdProblem(key); !p.empty())
        return Fail(kind, i, field, absl::StrCat("bad key: ", p));
      if (!Text(kind, i, field.c_str(), value)) return false;
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
    for (int i = 0; i < b_.customers_size(); ++i) {
      const auto& r = b_.customers(i);
      if (!NewId("customers", i, r.id(), t_.customers.ids, customers_) ||
          (r.has_created_unix_seconds() &&
           !Time("customers", i, "created_unix_seconds", r.created_unix_seconds())) ||
          !Attributes("customers", i, r.attributes()))
        return false;
    }
    return true;
  }

  bool Products() {
    for (int i = 0; i < b_.products_size(); ++i) {
      const auto& r = b_.products(i);
      if (!NewId("products", i, r.id(), t_.products.ids, products_) ||
          !Text("products", i, "name", r.name()) || !Text("products", i, "category", r.category()) ||
          !Money("products", i, "unit_price", r.unit_price()) ||
          !Money("products", i, "unit_cost", r.unit_cost()) ||
          !Attributes("products", i, r.attributes()))
        return false;
    }
    return true;
  }

  bool Communities() {
    for (int i = 0; i < b_.communities_size(); ++i) {
      const auto& r = b_.communities(i);
      if (!NewId("communities", i, r.id(), t_.communities.ids, communities_) ||
          !Text("communities", i, "name", r.name()) ||
          (r.has_created_unix_seconds() &&
           !Time("communities", i, "created_unix_seconds", r.created_unix_seconds())) ||
          !Attributes("communities", i, r.attributes()))
        return false;
    }
    return true;
  }

  bool Channels() {
    for (int i = 0; i < b_.channels_size(); ++i) {
      if (!NewId("channels", i, b_.channels(i).id(), t_.channels.ids, channels_)) return false;
    }
    for (int i = 0; i < b_.channels_size(); ++i) {
      const auto& r = b_.channels(i);
      if (!Text("channels", i, "name", r.name()) ||
          !Enum("channels", i, "kind", r.kind(), v1::ChannelKind_IsValid, false) ||
          !Ref("channels", i, "parent_id", r.parent_id(), t_.channels.ids, channels_, "channel",
               false) ||
          !Money("channels", i, "fixed_cost_per_year", r.fixed_cost_per_year()) ||
          !Money("channels", i, "cost_per_unit", r.cost_per_unit()) ||
          !Text("channels", i, "territory", r.territory()) ||
          !Attributes("channels", i, r.attributes()))
        return false;
      if (!std::isfinite(r.margin()) || r.margin() < 0 || r.margin() >= 1)
        return Fail("channels", i, "margin",
                    absl::StrCat("must be a share in [0, 1), got ", NumberText(r.margin())));
    }
    // Parents inside the batch must not form a cycle (existing channels
    // cannot point at new ones, so a cycle can only lie inside the batch).
    std::vector<uint8_t> state(b_.channels_size(), 0);  // 0 new, 1 on path, 2 done
    for (int start = 0; start < b_.channels_size(); ++start) {
      int i = start;
      std::vector<int> path;
      while (i >= 0 && state[i] == 0) {
        state[i] = 1;
        path.push_back(i);
        auto parent = channels_.Find(b_.channels(i).parent_id());
        i = parent ? static_cast<int>(*parent) : -1;
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
    for (int i = 0; i < b_.programs_size(); ++i) {
      const auto& r = b_.programs(i);
      if (!NewId("programs", i, r.id(), t_.programs.ids, programs_) ||
          !Text("programs", i, "name", r.name()) ||
          !Ref("programs", i, "product_id", r.product_id(), t_.products.ids, products_, "product",
               false) ||
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
      if (!(lo == 0 && hi == 0) && !(std::isfinite(lo) && std::isfinite(hi) && lo < hi))
        return Fail("programs", i, "rating_max",
                    absl::StrCat("rating scale must satisfy min < max, got ", NumberText(lo),
                                 " .. ", NumberText(hi)));
    }
    return true;
  }

  bool Transactions() {
    PendingIds order_ids;
    for (int i = 0; i < b_.transactions_size(); ++i) {
      const auto& r = b_.transactions(i);
      if ((!r.id().empty() &&
           !NewId("transactions", i, r.id(), t_.transactions.order_ids, order_ids)) ||
          !Ref("transactions", i, "customer_id", r.customer_id(), t_.customers.ids, customers_,
               "customer", true) ||
          !Time("transactions", i, "time_unix_seconds", r.time_unix_seconds()) ||
          !Money("transactions", i, "amount", r.amount()) ||
          !Money("transactions", i, "quantity", r.quantity()) ||
          !Ref("transactions", i, "product_id", r.product_id(), t_.products.ids, products_,
               "product", false) ||
          !Ref("transactions", i, "channel_id", r.channel_id(), t_.channels.ids, channels_,
               "channel", false))
        return false;
    }
    return true;
  }

  bool Interactions() {
    for (int i = 0; i < b_.interactions_size(); ++i) {
      const auto& r = b_.interactions(i);
      const bool untargeted = r.kind() == v1::INTERACTION_KIND_VISIT ||
                              r.kind() == v1::INTERACTION_KIND_POST;
      if (!Ref("interactions", i, "from_customer_id", r.from_customer_id(), t_.customers.ids,
               customers_, "customer", true) ||
          !Enum("interactions", i, "kind", r.kind(), v1::InteractionKind_IsValid, false) ||
          !Ref("interactions", i, "to_customer_id", r.to_customer_id(), t_.customers.ids,
               customers_, "customer", !untargeted) ||
          !Time("interactions", i, "time_unix_seconds", r.time_unix_seconds()) ||
          !Ref("interactions", i, "community_id", r.community_id(), t_.communities.ids,
               communities_, "community", false))
        return false;
      if (r.has_weight() && !(std::isfinite(r.weight()) && r.weight() > 0))
        return Fail("interactions", i, "weight",
                    absl::StrCat("must be finite and > 0, got ", NumberText(r.weight())));
    }
    return true;
  }

  bool Memberships() {
    for (int i = 0; i < b_.memberships_size(); ++i) {
      const auto& r = b_.memberships(i);
      if (!Ref("memberships", i, "customer_id", r.customer_id(), t_.customers.ids, customers_,
               "customer", true) ||
          !Ref("memberships", i, "community_id", r.community_id(), t_.communities.ids,
               communities_, "community", true) ||
          !Enum("memberships", i, "role", r.role(), v1::MembershipRole_IsValid, true) ||
          !Time("memberships", i, "joined_unix_seconds", r.joined_unix_seconds()))
        return false;
      if (r.has_left_unix_seconds()) {
        if (!Time("memberships", i, "left_unix_seconds", r.left_unix_seconds())) return false;
        if (r.left_unix_seconds() < r.joined_unix_seconds())
          return Fail("memberships", i, "left_unix_seconds", "left before joining");
      }
    }
    return true;
  }

  // The rated attributes and scale of a program, wherever it is defined.
  struct Scale {
    double lo = 1, hi = 5;
    std::unordered_set<std::string> attributes;  // empty: any name
  };
  Scale ProgramScale(const std::string& id) {
    Scale s;
    if (auto p = programs_.Find(id)) {
      const auto& r = b_.programs(*p);
      if (!(r.rating_min() == 0 && r.rating_max() == 0)) s.lo = r.rating_min(), s.hi = r.rating_max();
      s.attributes.insert(r.attributes().begin(), r.attributes().end());
    } else if (auto e = t_.programs.ids.Find(id)) {
      s.lo = t_.programs.rating_min[*e];
      s.hi = t_.programs.rating_max[*e];
      t_.programs.rated_attributes.ForEach(
          *e, [&](const std::string& k, double) { s.attributes.insert(k); });
    }
    return s;
  }

  bool Feedback() {
    std::unordered_map<std::string, Scale> scales;
    for (int i = 0; i < b_.feedback_size(); ++i) {
      const auto& r = b_.feedback(i);
      if (!Ref("feedback", i, "program_id", r.program_id(), t_.programs.ids, programs_, "program",
               true) ||
          !Ref("feedback", i, "product_id", r.product_id(), t_.products.ids, products_, "product",
               false) ||
          !Ref("feedback", i, "customer_id", r.customer_id(), t_.customers.ids, customers_,
               "customer", true) ||
          !Time("feedback", i, "time_unix_seconds", r.time_unix_seconds()) ||
          !Text("feedback", i, "comment", r.comment(), kMaxCommentBytes))
        return false;
      auto it = scales.find(r.program_id());
      if (it == scales.end()) it = scales.emplace(r.program_id(), ProgramScale(r.program_id())).first;
      const Scale& s = it->second;
      for (const auto& [name, value] : r.ratings()) {
        std::string field = absl::StrCat("ratings.", name);
        if (std::string p = IdProblem(name); !p.empty())
          return Fail("feedback", i, field, absl::StrCat("bad attribute name: ", p));
        if (!s.attributes.empty() && !s.attributes.count(name))
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
    }
    return true;
  }

  bool Referrals() {
    for (int i = 0; i < b_.referrals_size(); ++i) {
      const auto& r = b_.referrals(i);
      if (!Ref("referrals", i, "referrer_id", r.referrer_id(), t_.customers.ids, customers_,
               "customer", true) ||
          !Ref("referrals", i, "referee_id", r.referee_id(), t_.customers.ids, customers_,
               "customer", r.converted()) ||
          !Time("referrals", i, "time_unix_seconds", r.time_unix_seconds()) ||
          !Money("referrals", i, "value", r.value()))
        return false;
      if (r.referee_id() == r.referrer_id())
        return Fail("referrals", i, "referee_id", "a customer cannot refer themselves");
    }
    return true;
  }

  const Tables& t_;
  const v1::Batch& b_;
  RecordError err_;
  PendingIds customers_, products_, communities_, channels_, programs_;
};

}  // namespace

RecordError ValidateBatch(const Tables& tables, const v1::Batch& batch) {
  return Validator(tables, batch).Run();
}

}  // namespace mitra
