// Appends a Batch to the workspace's tables, checking every rule of the
// schema on each record as it goes.
#ifndef MITRA_CORE_BATCH_APPEND_H_
#define MITRA_CORE_BATCH_APPEND_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"

namespace mitra {
namespace v1 {
class Batch;
}
struct Tables;

// What is wrong with which field of which record, so that callers can name
// it in their own terms (a CSV line and column, a Python exception).
struct RecordError {
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string kind;    // "transactions": a field of mitra.v1.Batch
  size_t index = 0;    // the record's position in that list
  std::string field;   // "amount", "attributes.city", "ratings.comfort"
  std::string problem; // "must be finite and >= 0, got nan"

  // "transactions[3].amount: must be finite and >= 0, got nan"
  std::string ToString() const;
  absl::Status ToStatus() const;
};

// Appends `batch` to `tables`, record by record, each checked first against
// the records already there and those of the batch before it (so references
// may point at entities defined earlier in the same batch, and a channel's
// parent anywhere in it). Each id is looked up once, for the check and the
// append alike. code == kOk when every rule held. Unknown references are
// NOT_FOUND, redefined ids ALREADY_EXISTS, a batch that would overflow the
// dense indices RESOURCE_EXHAUSTED (checked before anything is appended),
// anything else INVALID_ARGUMENT.
//
// On an error, or a std::bad_alloc thrown out of it, the tables hold part of
// the batch: the caller rolls them back to a mark taken before
// (Workspace::Ingest does), which is what makes ingestion whole or nothing.
RecordError AppendBatch(Tables& tables, const v1::Batch& batch);

// The fields of a mitra.v1.Customer, as views: what a CSV row is parsed
// into without a protobuf record. The attributes are in key order, each key
// once.
struct CustomerRow {
  std::string_view id;
  std::optional<int64_t> created_unix_seconds;
  std::span<const std::pair<std::string_view, std::string_view>> attributes;
};

// AppendBatch of a batch holding only these customers: the same checks (one
// function checks both) and errors.
RecordError AppendCustomers(Tables& tables, std::span<const CustomerRow> rows);

// The fields of a mitra.v1.Transaction, as views, with the schema's defaults
// for those not given: what a CSV row is parsed into when no protobuf record
// is needed (the bulk of a large import).
struct TransactionRow {
  std::string_view id, customer_id, product_id, channel_id;
  int64_t time_unix_seconds = 0;
  double amount = 0, quantity = 0;
};

// AppendBatch of a batch holding only these transactions, with the very
// same checks (one function checks both) and errors (kind "transactions",
// the row's index, the field's schema name).
RecordError AppendTransactions(Tables& tables, std::span<const TransactionRow> rows);

}  // namespace mitra

#endif  // MITRA_CORE_BATCH_APPEND_H_
