// An RFC 4180 CSV tokenizer over text in memory.
#ifndef MITRA_CORE_CSV_READER_H_
#define MITRA_CORE_CSV_READER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace mitra {

struct CsvRecord {
  size_t line = 0;  // 1-based line on which the record starts
  std::vector<std::string> fields;
};

// Reads records one at a time. Quoted fields may hold commas, doubled quotes
// and line breaks; CRLF and LF both end a record; a UTF-8 byte order mark is
// skipped; lines of nothing but whitespace are skipped. Leading and trailing
// ASCII whitespace is not part of any cell, quoted or not (docs/CSV.md):
// ` c1 ` and `" c1 "` both read as `c1`. `name` is used in error messages.
class CsvReader {
 public:
  CsvReader(std::string_view text, std::string_view name);
  // True and fills `record`, or false at the end of the text; an error names
  // the file, line and column of a malformed quote.
  absl::StatusOr<bool> Next(CsvRecord* record);

 private:
  // At a comma or the end of a line or of the text.
  bool AtRecordEnd() const;
  // Past lines of nothing but whitespace, counting them.
  void SkipBlankLines();
  absl::Status Error(size_t line, size_t column, std::string_view problem) const;

  std::string_view text_;
  std::string name_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

// The items of a `;`-list cell, each trimmed like a cell; empty items are
// dropped ("comfort; range;" is {"comfort", "range"}).
std::vector<std::string> CsvListItems(std::string_view cell);

}  // namespace mitra

#endif  // MITRA_CORE_CSV_READER_H_
