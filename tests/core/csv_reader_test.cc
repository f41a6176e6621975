#include "mitra/core/csv_reader.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<CsvRecord> ReadAll(std::string_view text) {
  CsvReader r(text, "t.csv");
  std::vector<CsvRecord> out;
  CsvRecord rec;
  while (true) {
    auto more = r.Next(&rec);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    out.push_back(rec);
  }
  return out;
}

TEST(CsvReader, Rfc4180Fields) {
  auto recs = ReadAll("a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n,\"\",\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_THAT(recs[0].fields, ElementsAre("a", "b", "c"));
  EXPECT_THAT(recs[1].fields, ElementsAre("1", "x,y", "say \"hi\""));
  EXPECT_THAT(recs[2].fields, ElementsAre("", "", ""));
}

TEST(CsvReader, QuotedNewlinesKeepLineNumbers) {
  auto recs = ReadAll("h1,h2\n1,\"two\nlines\"\n\n2,x");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].line, 1u);
  EXPECT_EQ(recs[1].line, 2u);
  EXPECT_THAT(recs[1].fields, ElementsAre("1", "two\nlines"));
  EXPECT_EQ(recs[2].line, 5u);  // after the two-line record and a blank line
  EXPECT_THAT(recs[2].fields, ElementsAre("2", "x"));
}

TEST(CsvReader, ByteOrderMarkAndNoFinalNewline) {
  auto recs = ReadAll("\xEF\xBB\xBFid\nc1");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_THAT(recs[0].fields, ElementsAre("id"));
  EXPECT_THAT(recs[1].fields, ElementsAre("c1"));
}

TEST(CsvReader, CarriageReturnInsideUnquotedFieldIsData) {
  auto recs = ReadAll("a\rb,c\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_THAT(recs[0].fields, ElementsAre("a\rb", "c"));
}

// Unquoted cells are scanned sixteen bytes at a time: each byte a cell
// stops at (comma, line feed, CRLF, a carriage return that is data, a
// quote that is an error), at every position of lines of 1 to 40 bytes,
// inside and across the blocks, must split the line as a plain scan would.
TEST(CsvReader, EveryStopByteIsFoundAtEveryPosition) {
  for (size_t n = 3; n <= 40; ++n) {
    for (size_t at = 1; at + 1 < n; ++at) {
      const std::string left(at, 'x'), right(n - 1 - at, 'y');
      auto recs = ReadAll(left + "," + right + "\n" + right + "\n");
      ASSERT_EQ(recs.size(), 2u) << n << " " << at;
      EXPECT_THAT(recs[0].fields, ElementsAre(left, right)) << n << " " << at;
      EXPECT_THAT(recs[1].fields, ElementsAre(right)) << n << " " << at;
      recs = ReadAll(left + "\r\n" + right);
      ASSERT_EQ(recs.size(), 2u) << n << " " << at;
      EXPECT_THAT(recs[0].fields, ElementsAre(left));
      EXPECT_THAT(recs[1].fields, ElementsAre(right));
      recs = ReadAll(left + "\r" + right + ",z\n");
      ASSERT_EQ(recs.size(), 1u) << n << " " << at;
      EXPECT_THAT(recs[0].fields, ElementsAre(left + "\r" + right, "z"));
      const std::string quoted = left + "\"" + right + "\n";
      CsvReader r(quoted, "t.csv");
      CsvRecord rec;
      absl::StatusOr<bool> more = r.Next(&rec);
      ASSERT_FALSE(more.ok()) << n << " " << at;
      EXPECT_THAT(std::string(more.status().message()),
                  HasSubstr("t.csv:1:1: quote inside an unquoted field"));
    }
  }
}

TEST(CsvReader, MalformedQuotesNameLineAndColumn) {
  struct Case { const char* text; const char* expected; };
  for (const Case& c : {Case{"a,b\n1,\"open\n", "t.csv:2:2: quoted field is never closed"},
                        Case{"a,b\n1,x\"y\n", "t.csv:2:2: quote inside an unquoted field"},
                        Case{"a,b\n\"q\"z,1\n", "t.csv:2:1: text after the closing quote"}}) {
    CsvReader r(c.text, "t.csv");
    CsvRecord rec;
    absl::StatusOr<bool> more = true;
    while (more.ok() && *more) more = r.Next(&rec);
    ASSERT_FALSE(more.ok()) << c.text;
    EXPECT_THAT(std::string(more.status().message()), HasSubstr(c.expected));
  }
}

TEST(CsvReader, ViewsSurviveManyUnquotedFieldsAndReuse) {
  // Several fields with doubled quotes in one record (their storage grows
  // while the record is read), then a shorter record into the same view.
  const std::string_view text =
      "\"a\"\"1\",\"b\"\"\"\"2\",plain,\"c\"\"3\",\"\"\"\"\n"
      "\"x\"\"\",y\n";
  CsvReader r(text, "t.csv");
  CsvRecordView rec;
  ASSERT_TRUE(*r.Next(&rec));
  EXPECT_EQ(rec.line, 1u);
  EXPECT_THAT(rec.fields, ElementsAre("a\"1", "b\"\"2", "plain", "c\"3", "\""));
  ASSERT_TRUE(*r.Next(&rec));
  EXPECT_EQ(rec.line, 2u);
  EXPECT_THAT(rec.fields, ElementsAre("x\"", "y"));
  EXPECT_EQ(r.position(), text.size());
  EXPECT_FALSE(*r.Next(&rec));
}

// Whitespace around a cell is not part of it, quoted or not; inside it is.
TEST(CsvReader, WhitespaceAroundCellsIsTrimmed) {
  auto recs = ReadAll(" a , \"b c\" ,\t\" d \"\t, \"\"\"q\"\"\" \r\n x\r , \t\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_THAT(recs[0].fields, ElementsAre("a", "b c", "d", "\"q\""));
  EXPECT_THAT(recs[1].fields, ElementsAre("x", ""));
}

TEST(CsvReader, WhitespaceOnlyLinesAreBlank) {
  auto recs = ReadAll("id\n   \n\t\r\nc1\n \n\nc2\n  ");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_THAT(recs[1].fields, ElementsAre("c1"));
  EXPECT_EQ(recs[1].line, 4u);
  EXPECT_THAT(recs[2].fields, ElementsAre("c2"));
  EXPECT_EQ(recs[2].line, 7u);
  EXPECT_TRUE(ReadAll(" \n\t\n").empty());
}

TEST(CsvReader, ListItemsAreTrimmedAndNeverEmpty) {
  EXPECT_THAT(CsvListItems("comfort; range"), ElementsAre("comfort", "range"));
  EXPECT_THAT(CsvListItems(" a ;; b ; "), ElementsAre("a", "b"));
  EXPECT_TRUE(CsvListItems(" ; ").empty());
}

TEST(CsvReader, FileNameIsEscapedInErrors) {
  CsvReader r("a\n\"open\n", "bad\nname\xEF\xBB\xBF.csv");
  CsvRecord rec;
  absl::StatusOr<bool> more = r.Next(&rec);
  ASSERT_TRUE(more.ok());
  more = r.Next(&rec);
  ASSERT_FALSE(more.ok());
  EXPECT_THAT(std::string(more.status().message()),
              HasSubstr("bad\\x0aname\\ufeff.csv:2:1: quoted field is never closed"));
}

// Reads `text` as the importer reads a file: blocks of `block` bytes, the
// unread rest of one carried over in front of the next. Records, or the
// error message, as strings.
std::vector<std::string> ReadInBlocks(std::string_view text, size_t block) {
  std::string buf(text.substr(0, block));
  size_t fed = buf.size();
  CsvReader r(buf, "t.csv", fed < text.size());
  std::vector<std::string> out;
  CsvRecordView rec;
  while (true) {
    absl::StatusOr<CsvReader::Step> step = r.Read(&rec);
    if (!step.ok()) {
      out.push_back(std::string(step.status().message()));
      break;
    }
    if (*step == CsvReader::Step::kEnd) break;
    if (*step == CsvReader::Step::kNeedMore) {
      if (fed >= text.size()) {
        ADD_FAILURE() << "asked for more after the last block";
        break;
      }
      buf.erase(0, r.position());
      buf.append(text.substr(fed, block));
      fed = std::min(text.size(), fed + block);
      r.Continue(buf, fed < text.size());
      continue;
    }
    std::string line = std::to_string(rec.line) + ":";
    for (std::string_view f : rec.fields) line.append("[").append(f).append("]");
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> ReadWhole(std::string_view text) {
  return ReadInBlocks(text, text.size() + 1);
}

// Every cut of the text into blocks reads as the whole text does: quoted
// fields with line breaks and doubled quotes cut anywhere, CRLF cut between
// CR and LF, a lone CR inside a field, blank and whitespace-only lines, a
// last line without its line break.
TEST(CsvReader, BlocksOfEverySizeReadAsTheWholeText) {
  const std::string_view texts[] = {
      "\xEF\xBB\xBFid,note\r\nc1,\"two\nlines, \"\"quoted\"\"\"\r\n  \n\t\r\nc2, a\rb \n"
      "c3,\"\"\"\"\n\n c4 ,\" x \"  \nc5,last",
      "id\n\"never closed\nat all",
      "id,x\n\"a\"b,c\n",
      "id\nc1\n   ",
  };
  for (std::string_view text : texts) {
    const std::vector<std::string> whole = ReadWhole(text);
    ASSERT_GE(whole.size(), 2u) << text;
    for (size_t block = 4; block <= text.size(); ++block)
      EXPECT_EQ(ReadInBlocks(text, block), whole) << "block " << block << " of " << text;
  }
  // The whole-text answers, by hand.
  EXPECT_EQ(ReadWhole(texts[0]),
            (std::vector<std::string>{"1:[id][note]", "2:[c1][two\nlines, \"quoted\"]",
                                      "6:[c2][a\rb]", "7:[c3][\"]", "9:[c4][x]", "10:[c5][last]"}));
  EXPECT_EQ(ReadWhole(texts[1]).back(), "t.csv:2:1: quoted field is never closed (missing '\"')");
  EXPECT_EQ(ReadWhole(texts[2]).back(), "t.csv:2:1: text after the closing quote of a quoted field");
}

// Records built from known cells, every kind of cell the reader meets in
// turn (plain, blank-padded, holding a carriage return, quoted with commas,
// line feeds and doubled quotes inside, empty), in lengths that put their
// stop bytes at every offset of the 16-byte blocks plain records are read
// in, with LF and CRLF endings: each read back as the cells trimmed.
TEST(CsvReader, RandomRecordsOfKnownCellsReadBackInWholeAndInBlocks) {
  std::mt19937 rng(20261207);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto trim = [](std::string c) {
    const char* ws = " \t\r\n\v\f";
    const size_t b = c.find_first_not_of(ws);
    if (b == std::string::npos) return std::string();
    return c.substr(b, c.find_last_not_of(ws) - b + 1);
  };
  std::string text;
  std::vector<std::string> expected;
  size_t line = 1;
  for (int r = 0; r < 3000; ++r) {
    const int cells = 1 + pick(9);
    std::string record, shown = std::to_string(line) + ":";
    size_t lines_inside = 0;
    for (int c = 0; c < cells; ++c) {
      std::string content, written;
      const int kind = pick(10);
      const int len = pick(24);
      if (kind < 6) {  // plain, sometimes with blanks or a CR inside or around
        for (int k = 0; k < len; ++k) {
          const int x = pick(20);
          content += x == 0 ? ' ' : x == 1 ? '\t' : x == 2 ? '\r' : static_cast<char>('a' + x);
        }
        // A CR at the end of the last cell joins the record's end, which
        // trimming the cell gives alike.
        written = content;
      } else if (kind < 9) {  // quoted
        for (int k = 0; k < len; ++k) {
          const int x = pick(12);
          content += x == 0 ? ',' : x == 1 ? '\n' : x == 2 ? '"' : x == 3 ? ' ' : static_cast<char>('A' + x);
        }
        written = std::string(pick(2) ? " " : "") + "\"";
        for (char ch : content) {
          written += ch;
          if (ch == '"') written += '"';
          if (ch == '\n') ++lines_inside;
        }
        written += "\"";
      }  // else empty
      if (c > 0) record += ',';
      record += written;
      shown += "[" + trim(content) + "]";
    }
    // A line of nothing but whitespace is no record: leave such lines out.
    if (cells == 1 && record.find_first_not_of(" \t\r") == std::string::npos) continue;
    record += pick(3) == 0 ? "\r\n" : "\n";
    text += record;
    expected.push_back(shown);
    line += 1 + lines_inside;
  }
  ASSERT_EQ(ReadWhole(text), expected);
  for (size_t block : {17u, 64u, 1000u, 4096u}) EXPECT_EQ(ReadInBlocks(text, block), expected) << block;
}

TEST(CsvReader, ARecordCutByTheEndOfABlockNeedsMore) {
  CsvReader r("id\n\"a\nb", "t.csv", /*more_follows=*/true);
  CsvRecordView rec;
  ASSERT_EQ(*r.Read(&rec), CsvReader::Step::kRecord);
  ASSERT_EQ(*r.Read(&rec), CsvReader::Step::kNeedMore);  // not "never closed"
  EXPECT_EQ(r.position(), 3u);
  const std::string next = "\"a\nb\"\"c\"\nz";
  r.Continue(next, /*more_follows=*/true);
  ASSERT_EQ(*r.Read(&rec), CsvReader::Step::kRecord);
  EXPECT_EQ(rec.line, 2u);
  EXPECT_THAT(rec.fields, ElementsAre("a\nb\"c"));
  ASSERT_EQ(*r.Read(&rec), CsvReader::Step::kNeedMore);  // "z" may go on
  const std::string last = next.substr(r.position());
  r.Continue(last, /*more_follows=*/false);
  ASSERT_EQ(*r.Read(&rec), CsvReader::Step::kRecord);
  EXPECT_EQ(rec.line, 4u);
  EXPECT_THAT(rec.fields, ElementsAre("z"));
  EXPECT_EQ(*r.Read(&rec), CsvReader::Step::kEnd);
}

}  // namespace
}  // namespace mitra
