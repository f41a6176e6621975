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
// skipped; lines of nothing but whitespace are skipped. Leading and trailing
// ASCII whitespace is not part of any cell, quoted or not (docs/CSV.md):
// ` c1 ` and `" c1 "` both read as `c1`. `name` is used in error messages.
class CsvReader {
 public:
  // With `more_follows`, `text` is only the first block of a longer text
  // (see Read and Continue).
  CsvReader(std::string_view text, std::string_view name, bool more_follows = false);
  // True and fills `record`, or false at the end of the text; an error names
  // the file, line and column of a malformed quote.
  absl::StatusOr<bool> Next(CsvRecord* record);
  absl::StatusOr<bool> Next(CsvRecordView* record);

  // Reading a text that arrives in blocks (a file read a block at a time):
  // while more text may follow, a record that runs to the end of the text
  // (a quoted field still open, a last line without its line break) is not
  // read but answered kNeedMore, with position() left at the record's start.
  // The caller then calls Continue with the unread rest followed by the
  // next block. Errors are only those that more text could not mend.
  enum class Step { kRecord, kEnd, kNeedMore };
  absl::StatusOr<Step> Read(CsvRecordView* record);
  // Goes on in `text`: the old text from position() on, then the next block.
  // Line numbers carry on; views into the old text become invalid.
  void Continue(std::string_view text, bool more_follows);

  // Bytes of the text read so far (the end of the last record).
  size_t position() const { return pos_; }

 private:
  // At a comma or the end of a line or of the text.
  bool AtRecordEnd() const;
  // Reads a record of plain cells (no quote, no carriage return but before
  // the line feed that ends it, which lies in the text) from one bitmask
  // of its stop bytes per 16 bytes; false, with nothing read, for any other
  // record, which the general reading then takes.
  bool ReadPlain(CsvRecordView* record);
  // Past lines of nothing but whitespace, counting them.
  void SkipBlankLines();
  absl::Status Error(size_t line, size_t column, std::string_view problem) const;

  std::string_view text_;
  std::string name_;
  size_t pos_ = 0;
  size_t line_ = 1;
  bool more_ = false;  // more text may follow this
};

// The items of a `;`-list cell, each trimmed like a cell; empty items are
// dropped ("comfort; range;" is {"comfort", "range"}).
std::vector<std::string> CsvListItems(std::string_view cell);

}  // namespace mitra

#endif  // MITRA_CORE_CSV_READER_H_
