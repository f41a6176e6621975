// `mitra export`'s JSON, written a batch at a time.
#ifndef MITRA_CLI_BATCH_JSON_H_
#define MITRA_CLI_BATCH_JSON_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "mitra/v1/batch.pb.h"

namespace mitra::cli {

// Writes the JSON of the one Batch that concatenating the added batches
// would make, as protobuf prints it (.proto field names, one-space
// indentation; the same bytes but for the order of map entries, which
// protobuf leaves to the map), holding one record at a time: the export of a
// workspace of any size costs one frame of memory. The batches must bring
// their kinds in field order, as Workspace::Export and snapshots do.
class BatchJsonWriter {
 public:
  // Receives the JSON in pieces of about 64 KiB; its first error stops the
  // writing and is what Add and Finish return from then on.
  using Sink = std::function<absl::Status(std::string_view)>;
  explicit BatchJsonWriter(Sink out) : out_(std::move(out)) {}
  absl::Status Add(const v1::Batch& batch);
  // Closes the object.
  absl::Status Finish();

 private:
  void Put(std::string_view s);
  void Flush();
  static constexpr size_t kFlushBytes = size_t{1} << 16;
  Sink out_;
  std::string pending_;
  int open_field_ = -1;  // index of the list being written, -1 before the first
  absl::Status status_;
};

}  // namespace mitra::cli

#endif  // MITRA_CLI_BATCH_JSON_H_
