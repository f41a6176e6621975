// Checks a Batch against a workspace before anything is applied.
#ifndef MITRA_CORE_BATCH_VALIDATOR_H_
#define MITRA_CORE_BATCH_VALIDATOR_H_

#include <cstddef>
#include <string>

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

// Checks every rule of the schema for `batch` against the records already in
// `tables` and those the batch itself defines. code == kOk when all hold.
// Unknown references are NOT_FOUND, redefined ids ALREADY_EXISTS, a batch
// that would overflow the dense indices RESOURCE_EXHAUSTED, anything else
// INVALID_ARGUMENT.
RecordError ValidateBatch(const Tables& tables, const v1::Batch& batch);

}  // namespace mitra

#endif  // MITRA_CORE_BATCH_VALIDATOR_H_
