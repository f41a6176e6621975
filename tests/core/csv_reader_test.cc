#include "mitra/core/csv_reader.h"

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

}  // namespace
}  // namespace mitra
