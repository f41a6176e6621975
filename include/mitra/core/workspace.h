// The Workspace: one host's relationship data in compact columnar form.
#ifndef MITRA_CORE_WORKSPACE_H_
#define MITRA_CORE_WORKSPACE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mitra/core/batch_append.h"
#include "mitra/core/memory_budget.h"
#include "mitra/core/tables.h"
#include "mitra/v1/batch.pb.h"

namespace mitra {

class Workspace {
 public:
  Workspace() = default;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // Validates the whole batch against this workspace, then applies it; on
  // any error (including running out of memory) nothing changes. Errors name
  // the record and field: "transactions[3].amount: ...".
  absl::Status Ingest(const v1::Batch& batch);
  // The same, returning the structured error the CSV reader maps back to
  // file, line and column.
  absl::Status Ingest(const v1::Batch& batch, RecordError* error);
  // The same for customers or transactions given as typed rows
  // (AppendCustomers, AppendTransactions).
  absl::Status Ingest(std::span<const CustomerRow> customers, RecordError* error);
  absl::Status Ingest(std::span<const TransactionRow> transactions, RecordError* error);

  // Makes room in the columns of `kind` for about `rows` more records, and
  // in its id table too when `with_ids` (transactions may come without
  // order ids), so that a large import does not grow them step by step:
  // fewer copies and page faults. A hint: it never allocates more than
  // doubling would, changes no content, and gives up quietly when memory
  // is short.
  void Reserve(std::string_view kind, size_t rows, bool with_ids) noexcept;

  // The size of every column: several Ingest calls become one, whole or
  // nothing, by undoing them back to a mark taken before the first.
  using Mark = std::vector<size_t>;
  Mark TakeMark();  // std::bad_alloc leaves the workspace as it was
  void RollbackTo(const Mark& mark) noexcept;

  v1::WorkspaceCounts Counts() const;
  size_t RecordCount() const;

  // Every record, as batches of at most `max_records` records each (all
  // channels share one batch, however many), entities before the records
  // that refer to them and each kind in dense index order: ingesting the
  // batches in turn rebuilds the same workspace with the same indices. Stops
  // at the first error `sink` returns.
  absl::Status Export(size_t max_records,
                      const std::function<absl::Status(v1::Batch&)>& sink) const;
  // The same records in protobuf wire form, each frame a serialized
  // mitra.v1.Batch (map entries in key order, as protobuf's deterministic
  // serializer writes them), written straight from the columns: what
  // snapshots store. `sink`'s view is valid until it returns.
  absl::Status ExportWire(size_t max_records,
                          const std::function<absl::Status(std::string_view)>& sink) const;

  // The ids of one kind ("customers", ...) in dense index order.
  absl::StatusOr<const IdInterner*> Ids(std::string_view kind) const;

  const Tables& tables() const { return tables_; }

  // The memory budget of the requests run on this workspace
  // (memory_budget.h). Without a limit of its own it follows the
  // process-wide one. Thread-safe: requests reserve from it concurrently.
  MemoryBudget& memory_budget() const { return *memory_; }

 private:
  Tables tables_;
  std::unique_ptr<MemoryBudget> memory_ =
      std::make_unique<MemoryBudget>(&MemoryBudget::Process());
};

// The entity kinds, as named in mitra.v1.Batch, in dependency order.
const std::vector<std::string>& KindNames();

// The dense index of a customer or community id, for requests that name
// them; NOT_FOUND names the request's field (`where`) and the id.
absl::StatusOr<Index> CustomerIndex(const Workspace& ws, std::string_view id,
                                    std::string_view where);
absl::StatusOr<Index> CommunityIndex(const Workspace& ws, std::string_view id,
                                     std::string_view where);

}  // namespace mitra

#endif  // MITRA_CORE_WORKSPACE_H_
