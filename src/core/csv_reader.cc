#include "mitra/core/csv_reader.h"

#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/text_checks.h"

namespace mitra {
namespace {

// Spaces and tabs: what may stand around a cell without being part of it.
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// The bytes an unquoted cell stops at (to look closer): the comma, the
// line breaks and the quote that may not stand in it (a table lookup per
// byte where NextStop cannot take sixteen at once).
constexpr auto kStops = [] {
  std::array<bool, 256> stop{};
  for (unsigned char c : {',', '\n', '\r', '"'}) stop[c] = true;
  return stop;
}();

// The first byte at or after `p` (before `n`) that an unquoted cell stops
// at. Sixteen bytes at a time where SSE2 is there (every x86-64), so that a
// cell costs a few vector compares rather than a table lookup per byte.
size_t NextStop(const char* s, size_t p, size_t n) {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                quote = _mm_set1_epi8('"');
  for (; p + 16 <= n; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, quote)));
    if (const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit)); mask != 0)
      return p + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (p < n && !kStops[static_cast<unsigned char>(s[p])]) ++p;
  return p;
}

// Out of line: few cells get here, and TrimCell stays small enough to inline.
[[gnu::noinline]] std::string_view StripCell(std::string_view s) {
  if (!absl::ascii_isspace(s.front()) && !absl::ascii_isspace(s.back())) return s;
  const absl::string_view t = absl::StripAsciiWhitespace(Av(s));
  return std::string_view(t.data(), t.size());
}

inline std::string_view TrimCell(std::string_view s) {
  // Most cells have nothing to trim: ASCII whitespace is all at or below
  // the space, so one comparison per end tells.
  if (s.empty() || (static_cast<unsigned char>(s.front()) > ' ' &&
                    static_cast<unsigned char>(s.back()) > ' '))
    return s;
  return StripCell(s);
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

CsvReader::CsvReader(std::string_view text, std::string_view name, bool more_follows)
    : text_(text), name_(Escape(name, name.size())), more_(more_follows) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

void CsvReader::Continue(std::string_view text, bool more_follows) {
  text_ = text;
  pos_ = 0;
  more_ = more_follows;
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
  // A last line of blanks may yet turn out to hold a record.
  if (!more_) pos_ = p;
}

absl::Status CsvReader::Error(size_t line, size_t column, std::string_view problem) const {
  return absl::InvalidArgumentError(absl::StrCat(name_, ":", line, ":", column, ": ", Av(problem)));
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
  absl::StatusOr<Step> step = Read(record);
  if (!step.ok()) return step.status();
  return *step == Step::kRecord;
}

bool CsvReader::ReadPlain(CsvRecordView* record) {
#if defined(__SSE2__)
  const char* const s = text_.data();
  const size_t n = text_.size();
  const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                quote = _mm_set1_epi8('"');
  size_t start = pos_;  // of the cell being read
  for (size_t p = pos_; p + 16 <= n; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + p));
    unsigned stops = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf))));
    const unsigned quotes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)));
    const unsigned crs = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, cr)));
    // A quote, or a carriage return anywhere but just before the line feed
    // that ends the record, is for the general reading. Blanks before a
    // cell need no skipping here: with no quote to find after them,
    // trimming the whole cell drops them alike.
    const unsigned odd = quotes | crs;
    for (; stops != 0; stops &= stops - 1) {
      const unsigned b = static_cast<unsigned>(__builtin_ctz(stops));
      const size_t q = p + b;
      const bool end = s[q] == '\n';
      const unsigned before = (1u << b) - 1;  // the bytes of this block before the stop
      if ((odd & before) != 0) {
        // Only a CR right before the record's line feed, in this block.
        if (!end || quotes & before || crs & before & ~(1u << (b - 1))) return false;
        record->fields.push_back(TrimCell(std::string_view(s + start, q - 1 - start)));
      } else {
        record->fields.push_back(TrimCell(std::string_view(s + start, q - start)));
      }
      if (end) {
        pos_ = q + 1;
        ++line_;
        return true;
      }
      start = q + 1;
    }
    if (odd != 0) return false;
  }
#endif
  return false;  // the record runs near the end of the text: the general reading
}

absl::StatusOr<CsvReader::Step> CsvReader::Read(CsvRecordView* record) {
  SkipBlankLines();
  const char* const s = text_.data();
  const size_t n = text_.size();
  if (pos_ >= n) return more_ ? Step::kNeedMore : Step::kEnd;
  record->line = line_;
  record->fields.clear();
  record->unescaped_at.clear();
  if (ReadPlain(record)) return Step::kRecord;
  record->fields.clear();
  const size_t record_pos = pos_, record_line = line_;
  // The record reached the end of the text and more may follow: read it
  // again once that has come.
  auto need_more = [&] {
    pos_ = record_pos;
    line_ = record_line;
    return Step::kNeedMore;
  };
  size_t column = 1;
  while (true) {
    while (pos_ < n && IsBlank(s[pos_])) ++pos_;
    if (pos_ < n && s[pos_] == '"') {
      const size_t open_line = line_;
      const size_t start = ++pos_;
      bool doubled = false;
      while (true) {
        if (pos_ >= n) {
          if (more_) return need_more();
          return Error(open_line, column, "quoted field is never closed (missing '\"')");
        }
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
      // Quotes are not whitespace, so trimming before unquoting trims the
      // unquoted text alike.
      const std::string_view raw = TrimCell(std::string_view(s + start, pos_ - 1 - start));
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
      while (pos_ < n && IsBlank(s[pos_])) ++pos_;
      if (!AtRecordEnd()) return Error(line_, column, "text after the closing quote of a quoted field");
    } else {
      const size_t start = pos_;
      size_t p = pos_;
      while (true) {
        p = NextStop(s, p, n);
        // A carriage return ends the record only before a line feed or at
        // the end of the text (AtRecordEnd); elsewhere it is in the cell.
        if (p < n && s[p] == '\r' && p + 1 < n && s[p + 1] != '\n') {
          ++p;
          continue;
        }
        break;
      }
      pos_ = p;
      if (p < n && s[p] == '"')
        return Error(line_, column,
                     "quote inside an unquoted field (quote the whole field and double the "
                     "quote)");
      record->fields.push_back(TrimCell(std::string_view(s + start, pos_ - start)));
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
  // Only a line feed surely ends a record at the end of the text: a last
  // field, a closing quote or a carriage return may go on in the next block.
  if (more_ && pos_ >= n && s[n - 1] != '\n') return need_more();
  // Only now, with `unescaped` no longer growing, can views point into it.
  for (size_t k = 0; k < record->unescaped_at.size(); ++k)
    record->fields[record->unescaped_at[k]] = record->unescaped[k];
  return Step::kRecord;
}

}  // namespace mitra
