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

}  // namespace
}  // namespace mitra
