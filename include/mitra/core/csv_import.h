// CSV files of one entity kind -> a Workspace, through a Batch.
//
// Columns follow the schema by reflection (docs/CSV.md has the rules), so a
// field added to a record is a CSV column with no code here.
#ifndef MITRA_CORE_CSV_IMPORT_H_
#define MITRA_CORE_CSV_IMPORT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mitra/core/file_io.h"  // ReadFile
#include "mitra/core/workspace.h"
#include "mitra/v1/batch.pb.h"

namespace mitra {

// Parses CSV text of `kind` ("transactions", ...) into a Batch holding only
// that kind. `name` stands for the file in error messages.
absl::StatusOr<v1::Batch> CsvToBatch(std::string_view kind, std::string_view name,
                                     std::string_view text);

// Parses and applies CSV text, whole or not at all. Every error, whether in
// the text or in the records, names "file:line:column (column name)".
absl::Status IngestCsv(Workspace& ws, std::string_view kind, std::string_view name,
                       std::string_view text);
// IngestCsv of the file at `path`, opened with FileReader (file_io.h: the
// same checks and errors as ReadFile) and read kCsvReadBlock bytes at a time
// with read(), never mapped, records running across blocks carried over; the
// chunks applied are undone if a later one fails. Memory: the workspace, one
// block and one chunk of records. A file truncated meanwhile is DATA_LOSS.
absl::Status IngestCsvFile(Workspace& ws, std::string_view kind, const std::string& path);
inline constexpr size_t kCsvReadBlock = size_t{16} << 20;
// The same, `block_bytes` (at least 4) at a time: tests use tiny blocks.
absl::Status IngestCsvFile(Workspace& ws, std::string_view kind, const std::string& path,
                           size_t block_bytes);

}  // namespace mitra

#endif  // MITRA_CORE_CSV_IMPORT_H_
