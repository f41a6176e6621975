#include "mitra/core/csv_import.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "mitra/core/time_format.h"

namespace mitra {
namespace {

using ::testing::HasSubstr;

constexpr char kCustomers[] =
    "id,created,attributes.city\n"
    "c1,2024-01-01,Bandung\n"
    "c2,,Jakarta\n"
    "c3,1706745600,\n";

TEST(CsvImport, ColumnsFollowTheSchema) {
  absl::StatusOr<v1::Batch> b = CsvToBatch("customers", "customers.csv", kCustomers);
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->customers_size(), 3);
  EXPECT_EQ(b->customers(0).created_unix_seconds(), 1704067200);
  EXPECT_FALSE(b->customers(1).has_created_unix_seconds());  // empty cell: unknown
  EXPECT_EQ(b->customers(1).attributes().at("city"), "Jakarta");
  EXPECT_EQ(b->customers(2).attributes().count("city"), 0u);  // empty cell: no key
}

TEST(CsvImport, EnumsBoolsListsAndMaps) {
  Workspace ws;
  ASSERT_TRUE(IngestCsv(ws, "customers", "customers.csv", kCustomers).ok());
  ASSERT_TRUE(IngestCsv(ws, "channels", "channels.csv",
                        "id,kind,parent_id,margin\n"
                        "r,retailer,w,0.15\n"
                        "w,WHOLESALER,,0.1\n"
                        "a,community_activist,,0\n").ok());
  ASSERT_TRUE(IngestCsv(ws, "programs", "programs.csv",
                        "id,start,attributes,rating_min,rating_max\n"
                        "p1,2024-03-01,comfort;range,0,10\n").ok());
  ASSERT_TRUE(IngestCsv(ws, "feedback", "feedback.csv",
                        "program_id,customer_id,time,ratings.comfort,ratings.range,would_recommend,comment\n"
                        "p1,c1,2024-03-05,8,,10,\"Nice, \"\"really\"\"\nnice\"\n").ok());
  ASSERT_TRUE(IngestCsv(ws, "referrals", "referrals.csv",
                        "referrer_id,referee_id,time,converted,value\n"
                        "c1,c2,2024-02-01T10:00:00Z,true,1500\n"
                        "c1,,2024-02-02,0,\n").ok());
  const Tables& t = ws.tables();
  EXPECT_EQ(t.channels.kind[0], v1::CHANNEL_KIND_RETAILER);
  EXPECT_EQ(t.channels.kind[2], v1::CHANNEL_KIND_COMMUNITY_ACTIVIST);
  EXPECT_EQ(t.channels.parent[0], 1u);
  EXPECT_EQ(t.programs.rating_max[0], 10.0);
  EXPECT_EQ(t.feedback.comment[0], "Nice, \"really\"\nnice");
  EXPECT_EQ(t.feedback.would_recommend[0], 10.0);
  int rated = 0;
  t.feedback.ratings.ForEach(0, [&](const std::string& k, double v) {
    EXPECT_EQ(k, "comfort");
    EXPECT_EQ(v, 8.0);
    ++rated;
  });
  EXPECT_EQ(rated, 1);
  EXPECT_EQ(t.referrals.converted[0], 1);
  EXPECT_EQ(t.referrals.referee[1], kNoIndex);
  EXPECT_EQ(t.referrals.time[0], *ParseTime("2024-02-01T10:00:00Z"));
}

struct CsvCase {
  const char* kind;
  const char* text;
  absl::StatusCode code;
  const char* message;
  friend void PrintTo(const CsvCase& c, std::ostream* os) { *os << c.kind << ": " << c.message; }
};

class BadCsv : public ::testing::TestWithParam<CsvCase> {};

TEST_P(BadCsv, NamesFileLineAndColumnAndChangesNothing) {
  Workspace ws;
  ASSERT_TRUE(IngestCsv(ws, "customers", "customers.csv", kCustomers).ok());
  const size_t before = ws.RecordCount();
  absl::Status s = IngestCsv(ws, GetParam().kind, "in.csv", GetParam().text);
  EXPECT_EQ(s.code(), GetParam().code) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(GetParam().message));
  EXPECT_EQ(ws.RecordCount(), before);
}

const auto kInvalid = absl::StatusCode::kInvalidArgument;

INSTANTIATE_TEST_SUITE_P(
    Cases, BadCsv,
    ::testing::Values(
        CsvCase{"transactions", "customer_id,time,amount\nc1,2024-01-01,10\nc2,2024-01-02,12,5\n",
                kInvalid, "in.csv:3: expected 3 fields as in the header, found 4"},
        CsvCase{"transactions", "customer_id,time,amount\nc1,2024-01-01,10\nc2,2024-01-02,\"12,5\"\n",
                kInvalid, "in.csv:3:3 (amount): not a number: \"12,5\""},
        CsvCase{"transactions", "customer_id,time,amount\nc1,2024-01-01,nan\n", kInvalid,
                "in.csv:2:3 (amount): must be finite and >= 0, got nan"},
        CsvCase{"transactions", "customer_id,time,amount\nc1,2024-01-01,-3\n", kInvalid,
                "in.csv:2:3 (amount): must be finite and >= 0, got -3"},
        CsvCase{"transactions", "amount,time,customer_id\n5,2024-01-01,c1\n5,2024-01-01,zz\n",
                absl::StatusCode::kNotFound,
                "in.csv:3:3 (customer_id): unknown customer id \"zz\""},
        CsvCase{"transactions", "customer_id,time,amount\nc1,1899-12-31,5\n", kInvalid,
                "in.csv:2:2 (time): time -2209075200 is outside"},
        CsvCase{"transactions", "customer_id,time,amount\nc1,31/12/2024,5\n", kInvalid,
                "in.csv:2:2 (time): not a time"},
        CsvCase{"transactions", "customer_id,time,amount\nc1,,5\n", kInvalid,
                "in.csv:2:2 (time): required, but empty"},
        CsvCase{"transactions", "customer_id,time\nc1,2024-01-01\n", kInvalid,
                "in.csv:1: required column \"amount\" is missing"},
        CsvCase{"transactions", "customer_id,time,amount,amout\n", kInvalid,
                "in.csv:1:4 (amout): unknown column for transactions"},
        CsvCase{"transactions", "customer_id,time,amount,amount\n", kInvalid,
                "in.csv:1:4 (amount): column named twice"},
        CsvCase{"transactions", "", kInvalid, "in.csv: empty file"},
        CsvCase{"customers", "id\nc9\n\"c\"x\n", kInvalid, "in.csv:3:1: text after the closing"},
        CsvCase{"customers", "id\nc9\nc9\n", absl::StatusCode::kAlreadyExists,
                "in.csv:3:1 (id): \"c9\" is defined twice"},
        CsvCase{"customers", "id\nc\xFF\n", kInvalid, "in.csv:2:1 (id): not valid UTF-8"},
        CsvCase{"customers", "id,attributes.\nc9,x\n", kInvalid, "in.csv:1:2 (attributes.)"},
        CsvCase{"interactions", "from_customer_id,kind,time\nc1,poke,2024-01-01\n", kInvalid,
                "in.csv:2:2 (kind): unknown kind \"poke\" (one of reply, mention"},
        CsvCase{"interactions", "from_customer_id,kind,time\nc1,unspecified,2024-01-01\n",
                kInvalid, "in.csv:2:2 (kind): unknown kind"},
        CsvCase{"referrals", "referrer_id,time,converted\nc1,2024-01-01,maybe\n", kInvalid,
                "in.csv:2:3 (converted): not true/false/1/0"},
        CsvCase{"memberships", "customer_id,community_id,joined\nc1,nowhere,2024-01-01\n",
                absl::StatusCode::kNotFound, "in.csv:2:2 (community_id): unknown community"},
        CsvCase{"martians", "id\n", kInvalid, "unknown entity kind \"martians\""}),
    [](const ::testing::TestParamInfo<CsvCase>& info) {
      return "Case" + std::to_string(info.index);
    });

TEST(CsvImport, MissingFileIsNotFound) {
  Workspace ws;
  absl::Status s = IngestCsvFile(ws, "customers", "/nonexistent/customers.csv");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("/nonexistent/customers.csv"));
}

// Files larger than one chunk of records (16,384) go into the workspace a
// chunk at a time; the file as a whole is still all or nothing.
constexpr int kManyRows = 40000;

std::string ManyCustomers(int rows) {
  std::string s = "id,created\n";
  for (int i = 0; i < rows; ++i) s += "c" + std::to_string(i) + ",2024-01-01\n";
  return s;
}

TEST(CsvImport, FileOfManyChunksGoesInWhole) {
  Workspace ws;
  ASSERT_TRUE(IngestCsv(ws, "customers", "c.csv", ManyCustomers(kManyRows)).ok());
  ASSERT_EQ(ws.RecordCount(), size_t{kManyRows});
  const IdInterner& ids = **ws.Ids("customers");
  for (int i : {0, 16383, 16384, kManyRows - 1}) EXPECT_EQ(ids.Id(i), "c" + std::to_string(i));
}

TEST(CsvImport, ErrorInALaterChunkUndoesTheEarlierOnes) {
  Workspace ws;
  ASSERT_TRUE(IngestCsv(ws, "customers", "a.csv", "id\nfirst\n").ok());
  // The last record's time is bad (a cell error) or its id repeats one of
  // the first chunk (a record error): either way nothing of the file stays.
  for (const std::string& last : {std::string("bad,not-a-time\n"), std::string("c5,\n")}) {
    const absl::Status s =
        IngestCsv(ws, "customers", "c.csv", ManyCustomers(kManyRows) + last);
    ASSERT_FALSE(s.ok()) << last;
    EXPECT_THAT(std::string(s.message()), HasSubstr(absl::StrCat("c.csv:", kManyRows + 2)));
    EXPECT_EQ(ws.RecordCount(), 1u);
    EXPECT_FALSE((*ws.Ids("customers"))->Find("c0"));
  }
  // The undone ids are free again.
  ASSERT_TRUE(IngestCsv(ws, "customers", "c.csv", ManyCustomers(kManyRows)).ok());
  EXPECT_EQ(ws.RecordCount(), size_t{kManyRows} + 1);
}

TEST(CsvImport, HeaderOnlyIsAnEmptyBatch) {
  Workspace ws;
  ASSERT_TRUE(IngestCsv(ws, "customers", "c.csv", "id,created\n").ok());
  EXPECT_EQ(ws.RecordCount(), 0u);
}

}  // namespace
}  // namespace mitra
