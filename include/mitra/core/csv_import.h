// CSV files of one entity kind -> a Workspace, through a Batch.
//
// Columns follow the schema by reflection (docs/CSV.md has the rules), so a
// field added to a record is a CSV column with no code here.
#ifndef MITRA_CORE_CSV_IMPORT_H_
#define MITRA_CORE_CSV_IMPORT_H_

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
// IngestCsv of the file at `path`, read with ReadFile (file_io.h).
absl::Status IngestCsvFile(Workspace& ws, std::string_view kind, const std::string& path);

}  // namespace mitra

#endif  // MITRA_CORE_CSV_IMPORT_H_
