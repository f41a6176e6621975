#include "mitra/core/csv_reader.h"

#include "absl/strings/str_cat.h"

namespace mitra {

CsvReader::CsvReader(std::string_view text, std::string name)
    : text_(text), name_(std::move(name)) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

absl::StatusOr<bool> CsvReader::Next(CsvRecord* record) {
  // Blank lines carry no record.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record->line = line_;
  record->fields.clear();
  std::string field;
  size_t column = 1;
  while (true) {
    field.clear();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const size_t open_line = line_;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size())
          return absl::InvalidArgumentError(
              absl::StrCat(name_, ":", open_line, ":", column,
                           ": quoted field is never closed (missing '\"')"));
        char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field.push_back('"');
            ++pos_;
          } else {
            break;
          }
        } else {
          if (c == '\n') ++line_;
          field.push_back(c);
        }
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
          !(text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n')))
        return absl::InvalidArgumentError(
            absl::StrCat(name_, ":", line_, ":", column,
                         ": text after the closing quote of a quoted field"));
    } else {
      while (pos_ < text_.size()) {
        char c = text_[pos_];
        if (c == ',' || c == '\n' || (c == '\r' && (pos_ + 1 == text_.size() ||
                                                    text_[pos_ + 1] == '\n')))
          break;
        if (c == '"')
          return absl::InvalidArgumentError(
              absl::StrCat(name_, ":", line_, ":", column,
                           ": quote inside an unquoted field (quote the whole field and "
                           "double the quote)"));
        field.push_back(c);
        ++pos_;
      }
    }
    record->fields.push_back(std::move(field));
    field = std::string();
    if (pos_ >= text_.size()) break;
    if (text_[pos_] == ',') {
      ++pos_;
      ++column;
      continue;
    }
    // End of record: \n or \r\n.
    if (text_[pos_] == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    break;
  }
  return true;
}

}  // namespace mitra
