#include "mitra/core/csv_reader.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/text_checks.h"

namespace mitra {
namespace {

// Spaces and tabs: what may stand around a cell without being part of it.
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimCell(std::string_view s) {
  const absl::string_view t = absl::StripAsciiWhitespace(Av(s));
  return std::string_view(t.data(), t.size());
}

}  // namespace

std::vector<std::string> CsvListItems(std::string_view cell) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(Av(cell), ';')) {
    std::string_view t = TrimCell(std::string_view(item.data(), item.size()));
    if (!t.empty()) items.emplace_back(t);
  }
  return items;
}

CsvReader::CsvReader(std::string_view text, std::string_view name)
    : text_(text), name_(Escape(name, name.size())) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::AtRecordEnd() const {
  return pos_ >= text_.size() || text_[pos_] == ',' || text_[pos_] == '\n' ||
         (text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n'));
}

void CsvReader::SkipBlankLines() {
  // A line of nothing but whitespace carries no record.
  size_t p = pos_;
  while (p < text_.size()) {
    const char c = text_[p];
    if (c == '\n') {
      ++line_;
      pos_ = ++p;
    } else if (IsBlank(c) || c == '\r' || c == '\v' || c == '\f') {
      ++p;
    } else {
      return;
    }
  }
  pos_ = p;
}

absl::Status CsvReader::Error(size_t line, size_t column, std::string_view problem) const {
  return absl::InvalidArgumentError(absl::StrCat(name_, ":", line, ":", column, ": ", Av(problem)));
}

absl::StatusOr<bool> CsvReader::Next(CsvRecord* record) {
  SkipBlankLines();
  if (pos_ >= text_.size()) return false;
  record->line = line_;
  record->fields.clear();
  std::string field;
  size_t column = 1;
  while (true) {
    field.clear();
    while (pos_ < text_.size() && IsBlank(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const size_t open_line = line_;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size())
          return Error(open_line, column, "quoted field is never closed (missing '\"')");
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
      while (pos_ < text_.size() && IsBlank(text_[pos_])) ++pos_;
      if (!AtRecordEnd())
        return Error(line_, column, "text after the closing quote of a quoted field");
    } else {
      while (!AtRecordEnd()) {
        if (text_[pos_] == '"')
          return Error(line_, column,
                       "quote inside an unquoted field (quote the whole field and double the "
                       "quote)");
        field.push_back(text_[pos_++]);
      }
    }
    record->fields.emplace_back(TrimCell(field));
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
