#include "mitra/core/csv_reader.h"

#include "absl/strings/str_cat.h"

namespace mitra {

CsvReader::CsvReader(std::string_view text, std::string name)
    : text_(text), name_(std::move(name)) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

absl::StatusOr<bool> CsvReader::Next(CsvRecord* record) {
  CsvRecordView view;
  absl::StatusOr<bool> more = Next(&view);
  if (!more.ok() || !*more) return more;
  record->line = view.line;
  record->fields.assign(view.fields.begin(), view.fields.end());
  return true;
}

absl::StatusOr<bool> CsvReader::Next(CsvRecordView* record) {
  const char* const s = text_.data();
  const size_t n = text_.size();
  // Blank lines carry no record.
  while (pos_ < n && (s[pos_] == '\n' || s[pos_] == '\r')) {
    if (s[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= n) return false;
  record->line = line_;
  record->fields.clear();
  record->unescaped_at.clear();
  // A carriage return ends a record only before a line feed or at the end.
  auto record_end = [&](size_t at) {
    return s[at] == '\n' || (s[at] == '\r' && (at + 1 == n || s[at + 1] == '\n'));
  };
  size_t column = 1;
  while (true) {
    if (pos_ < n && s[pos_] == '"') {
      const size_t open_line = line_;
      const size_t start = ++pos_;
      bool doubled = false;
      while (true) {
        if (pos_ >= n)
          return absl::InvalidArgumentError(
              absl::StrCat(name_, ":", open_line, ":", column,
                           ": quoted field is never closed (missing '\"')"));
        const char c = s[pos_++];
        if (c == '"') {
          if (pos_ < n && s[pos_] == '"') {
            doubled = true;
            ++pos_;
          } else {
            break;
          }
        } else if (c == '\n') {
          ++line_;
        }
      }
      const std::string_view raw(s + start, pos_ - 1 - start);
      if (doubled) {
        const size_t k = record->unescaped_at.size();
        if (record->unescaped.size() <= k) record->unescaped.emplace_back();
        std::string& out = record->unescaped[k];
        out.clear();
        for (size_t i = 0; i < raw.size(); ++i) {
          out.push_back(raw[i]);
          if (raw[i] == '"') ++i;  // the second of a doubled quote
        }
        record->unescaped_at.push_back(record->fields.size());
      }
      record->fields.push_back(raw);
      if (pos_ < n && s[pos_] != ',' && !record_end(pos_))
        return absl::InvalidArgumentError(
            absl::StrCat(name_, ":", line_, ":", column,
                         ": text after the closing quote of a quoted field"));
    } else {
      const size_t start = pos_;
      while (pos_ < n) {
        const char c = s[pos_];
        if (c == ',' || record_end(pos_)) break;
        if (c == '"')
          return absl::InvalidArgumentError(
              absl::StrCat(name_, ":", line_, ":", column,
                           ": quote inside an unquoted field (quote the whole field and "
                           "double the quote)"));
        ++pos_;
      }
      record->fields.emplace_back(s + start, pos_ - start);
    }
    if (pos_ >= n) break;
    if (s[pos_] == ',') {
      ++pos_;
      ++column;
      continue;
    }
    // End of record: \n or \r\n.
    if (s[pos_] == '\r') ++pos_;
    if (pos_ < n && s[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    break;
  }
  // Only now, with `unescaped` no longer growing, can views point into it.
  for (size_t k = 0; k < record->unescaped_at.size(); ++k)
    record->fields[record->unescaped_at[k]] = record->unescaped[k];
  return true;
}

}  // namespace mitra
