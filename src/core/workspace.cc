#include "mitra/core/workspace.h"

#include <algorithm>
#include <new>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "core/prefault.h"
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

namespace {

// Runs `append` on the tables, whole or not at all: on an error or a failed
// allocation they go back to what they held before.
template <typename Append>
absl::Status AppendWholeOrNothing(Tables& tables, Append append, RecordError* error) {
  Checkpoint cp = TakeCheckpoint(tables);  // std::bad_alloc here changes nothing
  RecordError e;
  try {
    e = append();
  } catch (const std::bad_alloc&) {
    Rollback(tables, cp);
    return absl::ResourceExhaustedError("out of memory while applying the batch; nothing changed");
  } catch (...) {
    Rollback(tables, cp);
    throw;
  }
  if (e.code == absl::StatusCode::kOk) return absl::OkStatus();
  Rollback(tables, cp);
  absl::Status s = e.ToStatus();
  if (error) *error = std::move(e);
  return s;
}

}  // namespace

absl::Status Workspace::Ingest(const v1::Batch& batch, RecordError* error) {
  return AppendWholeOrNothing(
      tables_, [&] { return AppendBatch(tables_, batch); }, error);
}

absl::Status Workspace::Ingest(std::span<const CustomerRow> customers, RecordError* error) {
  return AppendWholeOrNothing(
      tables_, [&] { return AppendCustomers(tables_, customers); }, error);
}

absl::Status Workspace::Ingest(std::span<const TransactionRow> transactions, RecordError* error) {
  return AppendWholeOrNothing(
      tables_, [&] { return AppendTransactions(tables_, transactions); }, error);
}

void Workspace::Reserve(std::string_view kind, size_t rows, bool with_ids) noexcept {
  rows = std::min(rows, kMaxRecords);
  tables_.ForEach([&](const char* name, auto& table) {
    if (kind != name) return;
    table.Visit([&](const char*, auto& column) {
      using C = std::decay_t<decltype(column)>;
      try {
        if constexpr (std::is_same_v<C, IdInterner>) {
          if (with_ids) column.Reserve(column.size() + rows);
        } else if constexpr (requires { column.ReserveRows(size_t{}); }) {
          column.ReserveRows(column.size() + rows);
        } else if constexpr (requires { column.capacity(); column.reserve(size_t{}); }) {
          // Never more often than doubling: many small files must not
          // reallocate a large column each time.
          if (column.capacity() < column.size() + rows)
            column.reserve(std::max(column.size() + rows, column.capacity() * 2));
          if constexpr (std::is_arithmetic_v<typename C::value_type>)
            Prefault(column.data() + column.size(),
                     std::min(rows, column.capacity() - column.size()));
        }
      } catch (const std::bad_alloc&) {
        // Nothing changed; the columns grow as they fill instead.
      }
    });
  });
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

absl::StatusOr<Index> CustomerIndex(const Workspace& ws, std::string_view id,
                                    std::string_view where) {
  return FindIndex(ws.tables().customers.ids, id, "customer", where);
}

absl::StatusOr<Index> CommunityIndex(const Workspace& ws, std::string_view id,
                                     std::string_view where) {
  return FindIndex(ws.tables().communities.ids, id, "community", where);
}

}  // namespace mitra
