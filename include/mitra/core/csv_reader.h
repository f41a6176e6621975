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

// The same record as views: a field points into the text, or for a quoted
// field with doubled quotes into `unescaped`. Valid until the next read into
// this record; reading into one record again and again allocates nothing
// once its vectors have grown, which is what keeps large imports fast.
struct CsvRecordView {
  size_t line = 0;
  std::vector<std::string_view> fields;
  std::vector<std::string> unescaped;  // storage for fields that needed unquoting
  std::vector<size_t> unescaped_at;    // the field each of them is
};

// Reads records one at a time. Quoted fields may hold commas, doubled quotes
// and line breaks; CRLF and LF both end a record; a UTF-8 byte order mark is
// skipped; blank lines are skipped. `name` is used in error messages.
class CsvReader {
 public:
  CsvReader(std::string_view text, std::string name);
  // True and fills `record`, or false at the end of the text; an error names
  // the file, line and column of a malformed quote.
  absl::StatusOr<bool> Next(CsvRecord* record);
  absl::StatusOr<bool> Next(CsvRecordView* record);
  // Bytes of the text read so far (the end of the last record).
  size_t position() const { return pos_; }

 private:
  std::string_view text_;
  std::string name_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

}  // namespace mitra

#endif  // MITRA_CORE_CSV_READER_H_
