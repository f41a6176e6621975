#include "mitra/core/workspace.h"

#include <new>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "mitra/core/money.h"
#include "mitra/core/text_checks.h"

namespace mitra {
namespace {

// The size of every column of every table, in visiting order: enough to undo
// any number of appends.
using Checkpoint = Workspace::Mark;

Checkpoint TakeCheckpoint(Tables& t) {
  Checkpoint cp;
  cp.reserve(64);
  t.ForEach([&](const char*, auto& table) {
    table.Visit([&](const char*, auto& column) { cp.push_back(column.size()); });
  });
  return cp;
}

template <typename C>
void Shrink(C& c, size_t n) noexcept {
  if constexpr (requires { c.Truncate(n); }) c.Truncate(n);
  else c.resize(n);  // only ever shrinks here, which cannot throw
}

void Rollback(Tables& t, const Checkpoint& cp) noexcept {
  size_t k = 0;
  t.ForEach([&](const char*, auto& table) {
    table.Visit([&](const char*, auto& column) { Shrink(column, cp[k++]); });
  });
}

Index RefOrNone(const IdInterner& ids, const std::string& id) {
  if (id.empty()) return kNoIndex;
  return *ids.Find(id);  // validated
}

int64_t OptTime(bool has, int64_t t) { return has ? t : kNoTime; }

}  // namespace

const std::vector<std::string>& KindNames() {
  static const auto* names = [] {
    auto* v = new std::vector<std::string>;
    Tables().ForEach([&](const char* kind, auto&) { v->push_back(kind); });
    return v;
  }();
  return *names;
}

absl::Status Workspace::Ingest(const v1::Batch& batch) { return Ingest(batch, nullptr); }

absl::Status Workspace::Ingest(const v1::Batch& batch, RecordError* error) {
  RecordError e = ValidateBatch(tables_, batch);
  if (e.code != absl::StatusCode::kOk) {
    absl::Status s = e.ToStatus();
    if (error) *error = std::move(e);
    return s;
  }
  Checkpoint cp = TakeCheckpoint(tables_);
  try {
    Apply(batch);
  } catch (const std::bad_alloc&) {
    Rollback(tables_, cp);
    return absl::ResourceExhaustedError("out of memory while applying the batch; nothing changed");
  } catch (...) {
    Rollback(tables_, cp);
    throw;
  }
  return absl::OkStatus();
}

// Appends a validated batch. Entity ids are interned before any reference is
// resolved, so references may point forward inside the batch.
// Money is stored without negative zero (money.h), however the batch wrote it.
void Workspace::Apply(const v1::Batch& b) {
  Tables& t = tables_;
  for (const auto& r : b.customers()) {
    t.customers.ids.Add(r.id());
    t.customers.created.push_back(OptTime(r.has_created_unix_seconds(), r.created_unix_seconds()));
    t.customers.attributes.Append(r.attributes());
  }
  for (const auto& r : b.products()) {
    t.products.ids.Add(r.id());
    t.products.name.push_back(r.name());
    t.products.category.push_back(r.category());
    t.products.unit_price.push_back(WithoutNegativeZero(r.unit_price()));
    t.products.unit_cost.push_back(WithoutNegativeZero(r.unit_cost()));
    t.products.attributes.Append(r.attributes());
  }
  for (const auto& r : b.communities()) {
    t.communities.ids.Add(r.id());
    t.communities.name.push_back(r.name());
    t.communities.created.push_back(OptTime(r.has_created_unix_seconds(), r.created_unix_seconds()));
    t.communities.attributes.Append(r.attributes());
  }
  for (const auto& r : b.channels()) t.channels.ids.Add(r.id());
  for (const auto& r : b.channels()) {
    t.channels.name.push_back(r.name());
    t.channels.kind.push_back(static_cast<EnumValue>(r.kind()));
    t.channels.parent.push_back(RefOrNone(t.channels.ids, r.parent_id()));
    t.channels.margin.push_back(WithoutNegativeZero(r.margin()));
    t.channels.fixed_cost_per_year.push_back(WithoutNegativeZero(r.fixed_cost_per_year()));
    t.channels.cost_per_unit.push_back(WithoutNegativeZero(r.cost_per_unit()));
    t.channels.territory.push_back(r.territory());
    t.channels.attributes.Append(r.attributes());
  }
  for (const auto& r : b.programs()) {
    const bool default_scale = r.rating_min() == 0 && r.rating_max() == 0;
    t.programs.ids.Add(r.id());
    t.programs.name.push_back(r.name());
    t.programs.product.push_back(RefOrNone(t.products.ids, r.product_id()));
    t.programs.start.push_back(r.start_unix_seconds());
    t.programs.end.push_back(OptTime(r.has_end_unix_seconds(), r.end_unix_seconds()));
    std::vector<std::pair<std::string, double>> attrs;
    for (const auto& a : r.attributes()) attrs.emplace_back(a, 0.0);
    t.programs.rated_attributes.Append(attrs);
    t.programs.rating_min.push_back(default_scale ? 1.0 : r.rating_min());
    t.programs.rating_max.push_back(default_scale ? 5.0 : r.rating_max());
  }
  for (const auto& r : b.transactions()) {
    t.transactions.customer.push_back(*t.customers.ids.Find(r.customer_id()));
    t.transactions.time.push_back(r.time_unix_seconds());
    t.transactions.amount.push_back(WithoutNegativeZero(r.amount()));
    t.transactions.quantity.push_back(WithoutNegativeZero(r.quantity()));
    t.transactions.product.push_back(RefOrNone(t.products.ids, r.product_id()));
    t.transactions.channel.push_back(RefOrNone(t.channels.ids, r.channel_id()));
    t.transactions.order.push_back(r.id().empty() ? kNoIndex : t.transactions.order_ids.Add(r.id()));
  }
  for (const auto& r : b.interactions()) {
    t.interactions.from.push_back(*t.customers.ids.Find(r.from_customer_id()));
    t.interactions.to.push_back(RefOrNone(t.customers.ids, r.to_customer_id()));
    t.interactions.kind.push_back(static_cast<EnumValue>(r.kind()));
    t.interactions.time.push_back(r.time_unix_seconds());
    t.interactions.community.push_back(RefOrNone(t.communities.ids, r.community_id()));
    t.interactions.weight.push_back(r.has_weight() ? r.weight() : kNoNumber);
  }
  for (const auto& r : b.memberships()) {
    t.memberships.customer.push_back(*t.customers.ids.Find(r.customer_id()));
    t.memberships.community.push_back(*t.communities.ids.Find(r.community_id()));
    t.memberships.role.push_back(static_cast<EnumValue>(
        r.role() == v1::MEMBERSHIP_ROLE_UNSPECIFIED ? v1::MEMBERSHIP_ROLE_MEMBER : r.role()));
    t.memberships.joined.push_back(r.joined_unix_seconds());
    t.memberships.left.push_back(OptTime(r.has_left_unix_seconds(), r.left_unix_seconds()));
  }
  for (const auto& r : b.feedback()) {
    t.feedback.program.push_back(*t.programs.ids.Find(r.program_id()));
    t.feedback.product.push_back(RefOrNone(t.products.ids, r.product_id()));
    t.feedback.customer.push_back(*t.customers.ids.Find(r.customer_id()));
    t.feedback.ratings.Append(r.ratings());
    t.feedback.would_recommend.push_back(r.has_would_recommend() ? r.would_recommend()
                                                                 : kNoNumber);
    t.feedback.time.push_back(r.time_unix_seconds());
    t.feedback.comment.push_back(r.comment());
  }
  for (const auto& r : b.referrals()) {
    t.referrals.referrer.push_back(*t.customers.ids.Find(r.referrer_id()));
    t.referrals.referee.push_back(RefOrNone(t.customers.ids, r.referee_id()));
    t.referrals.time.push_back(r.time_unix_seconds());
    t.referrals.converted.push_back(r.converted() ? 1 : 0);
    t.referrals.value.push_back(WithoutNegativeZero(r.value()));
  }
}

Workspace::Mark Workspace::TakeMark() { return TakeCheckpoint(tables_); }

void Workspace::RollbackTo(const Mark& mark) noexcept { Rollback(tables_, mark); }

v1::WorkspaceCounts Workspace::Counts() const {
  v1::WorkspaceCounts c;
  const auto* reflection = c.GetReflection();
  const auto* descriptor = c.GetDescriptor();
  tables_.ForEach([&](const char* kind, const auto& table) {
    reflection->SetUInt64(&c, descriptor->FindFieldByName(kind), RowCount(table));
  });
  return c;
}

size_t Workspace::RecordCount() const {
  size_t n = 0;
  tables_.ForEach([&](const char*, const auto& table) { n += RowCount(table); });
  return n;
}

absl::StatusOr<const IdInterner*> Workspace::Ids(std::string_view kind) const {
  const IdInterner* found = nullptr;
  bool kind_known = false;
  tables_.ForEach([&](const char* name, const auto& table) {
    if (kind != name) return;
    kind_known = true;
    if constexpr (requires { table.ids; }) found = &table.ids;
  });
  if (found) return found;
  if (kind_known)
    return absl::InvalidArgumentError(absl::StrCat(Quote(kind), " records have no ids"));
  return absl::InvalidArgumentError(absl::StrCat("unknown entity kind ", Quote(kind)));
}

}  // namespace mitra
