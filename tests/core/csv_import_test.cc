#include "mitra/core/csv_import.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "mitra/core/time_format.h"
#include "common/exports.h"

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
  t.feedback.ratings.ForEach(0, [&](std::string_view k, double v) {
    EXPECT_EQ(k, "comfort");
    EXPECT_EQ(v, 8.0);
    ++rated;
  });
  EXPECT_EQ(rated, 1);
  EXPECT_EQ(t.referrals.converted[0], 1);
  EXPECT_EQ(t.referrals.referee[1], kNoIndex);
  EXPECT_EQ(t.referrals.time[0], *ParseTime("2024-02-01T10:00:00Z"));
}

TEST(CsvImport, CampaignsAndTheirMembers) {
  Workspace ws;
  ASSERT_TRUE(IngestCsv(ws, "customers", "customers.csv", kCustomers).ok());
  ASSERT_TRUE(IngestCsv(ws, "communities", "communities.csv", "id\nk1\n").ok());
  ASSERT_TRUE(IngestCsv(ws, "channels", "channels.csv",
                        "id,kind,margin\nr1,retailer,0.1\nr2,agent,0.1\n").ok());
  ASSERT_TRUE(IngestCsv(ws, "campaigns", "campaigns.csv",
                        "id,name,route,start,end,spend,community_id,attributes.agency\n"
                        "push,Dealer push,chain,2024-03-01,2024-04-01,5000,,\n"
                        "lead,Leaders,COMMUNITY,2024-03-01,2024-03-15T12:00:00Z,1200.5,k1,own\n")
                  .ok());
  const absl::Status s = IngestCsv(ws, "campaign_members", "campaign_members.csv",
                                   "campaign_id,customer_id,channel_id\n"
                                   "push,,r2\n"
                                   "lead,c3,\n");
  ASSERT_TRUE(s.ok()) << s;
  const Tables& t = ws.tables();
  EXPECT_EQ(t.campaigns.route[0], v1::CAMPAIGN_ROUTE_CHAIN);
  EXPECT_EQ(t.campaigns.route[1], v1::CAMPAIGN_ROUTE_COMMUNITY);
  EXPECT_EQ(t.campaigns.start[0], *ParseTime("2024-03-01"));
  EXPECT_EQ(t.campaigns.end[1], *ParseTime("2024-03-15T12:00:00Z"));
  EXPECT_EQ(t.campaigns.spend[1], 1200.5);
  EXPECT_EQ(t.campaigns.community[0], kNoIndex);
  EXPECT_EQ(t.campaigns.community[1], 0u);
  EXPECT_EQ(t.campaign_members.channel[0], 1u);     // r2
  EXPECT_EQ(t.campaign_members.customer[1], 2u);    // c3
  EXPECT_EQ(t.campaign_members.customer[0], kNoIndex);
  EXPECT_EQ(t.campaign_members.channel[1], kNoIndex);
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
        CsvCase{"campaigns", "id,route,start,end,spend\nx,radio,2024-01-01,2024-02-01,5\n",
                kInvalid, "in.csv:2:2 (route): unknown route \"radio\" (one of chain, community)"},
        CsvCase{"campaigns", "id,route,start,end\nx,chain,2024-01-01,2024-02-01\n", kInvalid,
                "in.csv:1: required column \"spend\" is missing"},
        CsvCase{"campaigns", "id,route,start,end,spend\nx,chain,2024-02-01,2024-01-01,5\n",
                kInvalid, "in.csv:2:4 (end): must be after the start"},
        CsvCase{"campaigns", "id,route,start,end,spend\nx,chain,2024-01-01,2024-02-01,0\n",
                kInvalid, "in.csv:2:5 (spend): must be > 0"},
        CsvCase{"campaign_members", "campaign_id,customer_id\nnone,c1\n",
                absl::StatusCode::kNotFound, "in.csv:2:1 (campaign_id): unknown campaign id"},
        CsvCase{"martians", "id\n", kInvalid, "unknown entity kind \"martians\""}),
    [](const ::testing::TestParamInfo<CsvCase>& info) {
      return "Case" + std::to_string(info.index);
    });

// Customers and transactions are read into typed rows, every other kind
// into protobuf records; both are checked by the same rules. The same text
// read either way (IngestCsv, or CsvToBatch then Ingest) builds the same
// workspace, or fails with the same code and problem.
TEST(CsvImport, TypedRowsAndRecordsAgree) {
  const std::string customers = "id,created,attributes.zone,attributes.city\n";
  const std::string transactions = "id,customer_id,time,amount,quantity,product_id,channel_id\n";
  struct Text {
    std::string kind, csv;
  };
  const std::vector<Text> texts = {
      {"customers", customers + "n1,2024-01-01,north,Bandung\nn2,,,\n\"n\"\"3\",,,Solo\n"},
      {"customers", customers + "n1,,,\nn1,,,\n"},
      {"customers", customers + "n1,,,\"a\x01b\"\n"},
      {"customers", customers + "n1,,bad\x01zone,\n"},
      {"customers", customers + "n1,1899-12-31,,\n"},
      {"customers", customers + "n1,,," + std::string(5000, 'x') + "\n"},
      {"customers", customers + "c2,,,\n"},
      {"transactions", transactions + "t1,c1,2024-01-01,10,2,,\n,c2,2024-01-02,0.5,,,\n"},
      {"transactions", transactions + "t1,c1,2024-01-01,10,,,\nt1,c1,2024-01-01,10,,,\n"},
      {"transactions", transactions + "t1,zz,2024-01-01,10,,,\n"},
      {"transactions", transactions + "t1,c1,2024-01-01,1e300,,,\n"},
      {"transactions", transactions + "t1,c1,2024-01-01,1,-1,,\n"},
      {"transactions", transactions + "t1,c1,2024-01-01,1,,p9,\n"},
      {"transactions", transactions + "t1,c1,2024-01-01,1,,,ch9\n"},
      {"transactions", transactions + "\"t\x7f\",c1,2024-01-01,1,,,\n"},
  };
  for (const Text& t : texts) {
    SCOPED_TRACE(t.csv);
    Workspace rows, records;
    for (Workspace* ws : {&rows, &records})
      ASSERT_TRUE(IngestCsv(*ws, "customers", "c.csv", "id\nc1\nc2\n").ok());
    const absl::Status by_rows = IngestCsv(rows, t.kind, "in.csv", t.csv);
    absl::StatusOr<v1::Batch> batch = CsvToBatch(t.kind, "in.csv", t.csv);
    ASSERT_TRUE(batch.ok()) << batch.status();
    const absl::Status by_records = records.Ingest(*batch);
    ASSERT_EQ(by_rows.code(), by_records.code()) << by_rows << " / " << by_records;
    if (by_rows.ok()) {
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(testing::ExportAll(rows),
                                                                     testing::ExportAll(records)));
      continue;
    }
    // "in.csv:3:1 (id): <problem>" and "customers[1].id: <problem>".
    const std::string a(by_rows.message()), b(by_records.message());
    EXPECT_EQ(a.substr(a.find("): ") + 3), b.substr(b.find(": ") + 2));
    EXPECT_EQ(RowCount(rows.tables().customers), 2u);
    EXPECT_EQ(RowCount(rows.tables().transactions), 0u);
  }
}

TEST(CsvImport, MissingFileIsNotFound) {
  Workspace ws;
  absl::Status s = IngestCsvFile(ws, "customers", "/nonexistent/customers.csv");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("/nonexistent/customers.csv"));
}

bool WriteText(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
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

// A large file makes the workspace reserve room for its records at once,
// estimated from the first chunk's bytes per record: records, not line
// breaks, so blank padding cannot make it reserve more than a file that size
// full of such records would need. Through memory and through a file.
TEST(CsvImport, RoomIsReservedForRecordsNotForBlankLines) {
  const std::string records = ManyCustomers(kManyRows);  // ~20 bytes a record
  const std::string padded = records + std::string(4 << 20, '\n');
  const std::string path =
      ::testing::TempDir() + "/padded-" + std::to_string(getpid()) + ".csv";
  ASSERT_TRUE(WriteText(path, padded));
  for (bool from_file : {false, true}) {
    SCOPED_TRACE(from_file);
    Workspace ws;
    const absl::Status s = from_file ? IngestCsvFile(ws, "customers", path)
                                     : IngestCsv(ws, "customers", "c.csv", padded);
    ASSERT_TRUE(s.ok()) << s;
    ASSERT_EQ(ws.RecordCount(), size_t{kManyRows});
    // Counting line breaks would reserve 4 M rows; the bytes per record of
    // the first chunk bound it by the file's size: about 4.4 MB / 20 B.
    const size_t capacity = ws.tables().customers.created.capacity();
    EXPECT_GE(capacity, size_t{kManyRows});
    EXPECT_LT(capacity, padded.size() / 15);
  }
  std::remove(path.c_str());
}

// The room reserved holds the whole file's records, the first chunk's
// included: a column that filled up near the end would be copied whole into
// one twice its size (a doubled capacity, and as many page faults again as
// the column has pages). Records of equal length estimate exactly.
TEST(CsvImport, RoomIsReservedForTheWholeFile) {
  std::string text = "customer_id,time,amount\n";
  for (int i = 0; i < kManyRows; ++i)
    text += absl::StrCat("c", 100000 + i % 1000, ",2024-01-01,", 10000 + i % 90000, ".00\n");
  Workspace ws;
  std::string customers = "id\n";
  for (int i = 0; i < 1000; ++i) absl::StrAppend(&customers, "c", 100000 + i, "\n");
  ASSERT_TRUE(IngestCsv(ws, "customers", "c.csv", customers).ok());
  const absl::Status s = IngestCsv(ws, "transactions", "t.csv", text);
  ASSERT_TRUE(s.ok()) << s;
  const std::vector<double>& amount = ws.tables().transactions.amount;
  ASSERT_EQ(amount.size(), size_t{kManyRows});
  // Reserving only the rest of the file (40,000 - 16,384 rows) and then
  // doubling ends near 47,200; the estimate with 1/16 to spare below 42,501.
  EXPECT_GE(amount.capacity(), size_t{kManyRows});
  EXPECT_LE(amount.capacity(), size_t{kManyRows} * 17 / 16 + 1);
}

// Files are read in blocks (16 MiB; here a few bytes): a record, a quoted
// field with line breaks and doubled quotes among them, may run across any
// number of block ends and still reads as the text in memory does.
TEST(CsvImport, RecordsAcrossReadBlocksImportAsTheWholeText) {
  const std::string text =
      "id,created,attributes.note\n"
      "c1,2024-01-01,\"first\nsecond, \"\"third\"\"\r\nfourth\"\r\n"
      "c2,,\" padded \"\n"
      "\n"
      "c3,20240105,\"\"\"\"\n"
      "c4,,last";
  const std::string path =
      ::testing::TempDir() + "/blocks-" + std::to_string(getpid()) + ".csv";
  ASSERT_TRUE(WriteText(path, text));
  Workspace whole;
  ASSERT_TRUE(IngestCsv(whole, "customers", path, text).ok());
  const v1::Batch expected = testing::ExportAll(whole);
  ASSERT_EQ(expected.customers_size(), 4);
  EXPECT_EQ(expected.customers(0).attributes().at("note"), "first\nsecond, \"third\"\r\nfourth");
  EXPECT_EQ(expected.customers(1).attributes().at("note"), "padded");
  EXPECT_EQ(expected.customers(2).attributes().at("note"), "\"");
  for (size_t block : {size_t{4}, size_t{5}, size_t{7}, size_t{16}, size_t{33}, size_t{64},
                       text.size() - 1, text.size(), size_t{1} << 20}) {
    SCOPED_TRACE(block);
    Workspace ws;
    const absl::Status s = IngestCsvFile(ws, "customers", path, block);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(testing::ExportAll(ws),
                                                                   expected));
  }
  // An error after many blocks names the same line as in memory.
  const std::string bad = text + "\nc5,not-a-time,x\n";
  ASSERT_TRUE(WriteText(path, bad));
  Workspace ws;
  const absl::Status in_memory = IngestCsv(ws, "customers", path, bad);
  ASSERT_FALSE(in_memory.ok());
  EXPECT_THAT(std::string(in_memory.message()), HasSubstr(":9:2 (created)"));
  for (size_t block : {size_t{4}, size_t{9}, size_t{50}}) {
    const absl::Status s = IngestCsvFile(ws, "customers", path, block);
    EXPECT_EQ(s, in_memory) << block;
    EXPECT_EQ(ws.RecordCount(), 0u);
  }
  std::remove(path.c_str());
}

TEST(CsvImport, HeaderOnlyIsAnEmptyBatch) {
  Workspace ws;
  ASSERT_TRUE(IngestCsv(ws, "customers", "c.csv", "id,created\n").ok());
  EXPECT_EQ(ws.RecordCount(), 0u);
}

// 8-digit numbers are ISO 8601 basic dates; only 9+ digits are seconds.
TEST(CsvImport, BasicDatesAreDatesNeverSeconds) {
  absl::StatusOr<v1::Batch> b = CsvToBatch(
      "customers", "c.csv",
      "id,created\nb1,20240101\nb2,20240101T120000Z\nb3,1704067200\nb4,2024-01-01\n");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->customers(0).created_unix_seconds(), 1704067200);  // date -u -d 2024-01-01 +%s
  EXPECT_EQ(b->customers(1).created_unix_seconds(), 1704067200 + 12 * 3600);
  EXPECT_EQ(b->customers(2).created_unix_seconds(), 1704067200);
  EXPECT_EQ(b->customers(3).created_unix_seconds(), 1704067200);
  for (const char* cell : {"2024", "20241301", "0"}) {
    absl::StatusOr<v1::Batch> bad =
        CsvToBatch("customers", "c.csv", absl::StrCat("id,created\nb1,", cell, "\n"));
    ASSERT_FALSE(bad.ok()) << cell;
    EXPECT_THAT(std::string(bad.status().message()),
                HasSubstr(absl::StrCat("c.csv:2:2 (created): not a time: \"", cell, "\" (")));
  }
}

// One rule for every cell: surrounding whitespace is not data, quoted or
// not, in ids, references, numbers, times and list items; whitespace-only
// lines are blank.
TEST(CsvImport, WhitespaceAroundEveryCellIsTrimmed) {
  Workspace ws;
  ASSERT_TRUE(IngestCsv(ws, "customers", "customers.csv", kCustomers).ok());
  ASSERT_TRUE(IngestCsv(ws, "customers", "more.csv", "id\n z1 \n   \n\t\n\" z2\"\n").ok());
  ASSERT_TRUE(IngestCsv(ws, "transactions", "t.csv",
                        " customer_id , time ,amount\n"
                        " c1 , 2024-01-05 , 15 \n"
                        "\" c2 \",\" 20240106\", \" 7\" \n"
                        "  \t \n").ok());
  ASSERT_TRUE(IngestCsv(ws, "programs", "p.csv",
                        "id,start,attributes\npg9,2024-03-01, comfort ; range ;\n").ok());
  const Tables& t = ws.tables();
  ASSERT_EQ(t.customers.ids.size(), 5u);
  EXPECT_EQ(t.customers.ids.Id(3), "z1");
  EXPECT_EQ(t.customers.ids.Id(4), "z2");
  ASSERT_EQ(t.transactions.customer.size(), 2u);
  EXPECT_EQ(t.transactions.customer[0], 0u);
  EXPECT_EQ(t.transactions.customer[1], 1u);
  EXPECT_EQ(t.transactions.amount[1], 7.0);
  EXPECT_EQ(t.transactions.time[1], 1704499200);  // 2024-01-06
  std::vector<std::string> attributes;
  t.programs.rated_attributes.ForEach(0, [&](std::string_view k, double) {
    attributes.emplace_back(k);
  });
  EXPECT_THAT(attributes, ::testing::UnorderedElementsAre("comfort", "range"));
}

TEST(CsvImport, NegativeZeroIsStoredAsZero) {
  Workspace ws;
  ASSERT_TRUE(IngestCsv(ws, "customers", "customers.csv", kCustomers).ok());
  ASSERT_TRUE(IngestCsv(ws, "transactions", "t.csv",
                        "customer_id,time,amount,quantity\nc1,2024-01-05,-0,-0.0\n").ok());
  v1::Batch b;
  auto* tx = b.add_transactions();
  tx->set_customer_id("c2");
  tx->set_time_unix_seconds(1704067200);
  tx->set_amount(-0.0);
  auto* p = b.add_products();
  p->set_id("p9");
  p->set_unit_price(-0.0);
  p->set_unit_cost(-0.0);
  auto* r = b.add_referrals();
  r->set_referrer_id("c1");
  r->set_time_unix_seconds(1704067200);
  r->set_value(-0.0);
  auto* ch = b.add_channels();
  ch->set_id("ch9");
  ch->set_kind(v1::CHANNEL_KIND_RETAILER);
  ch->set_margin(-0.0);
  ch->set_fixed_cost_per_year(-0.0);
  ch->set_cost_per_unit(-0.0);
  RecordError err;
  ASSERT_TRUE(ws.Ingest(b, &err).ok()) << err.ToString();
  const Tables& t = ws.tables();
  for (double v : {t.transactions.amount[0], t.transactions.quantity[0], t.transactions.amount[1],
                   t.products.unit_price[0], t.products.unit_cost[0], t.referrals.value[0],
                   t.channels.margin[0], t.channels.fixed_cost_per_year[0],
                   t.channels.cost_per_unit[0]}) {
    EXPECT_EQ(v, 0.0);
    EXPECT_FALSE(std::signbit(v));
  }
}

// Each amount is bounded, so that no sum over a workspace overflows.
TEST(CsvImport, MoneyIsBoundedPerAmount) {
  Workspace ws;
  ASSERT_TRUE(IngestCsv(ws, "customers", "customers.csv", kCustomers).ok());
  absl::Status s = IngestCsv(ws, "transactions", "t.csv",
                             "customer_id,time,amount\nc1,2024-01-05,1e15\n"
                             "c1,2024-01-05,1.7e308\nc1,2024-01-05,1.7e308\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("t.csv:3:3 (amount): must be at most 1e15 (the largest amount accepted), "
                        "got 1.7e+308"));
  EXPECT_EQ(ws.tables().transactions.amount.size(), 0u);
  ASSERT_TRUE(IngestCsv(ws, "transactions", "t.csv", "customer_id,time,amount\nc1,2024-01-05,1e15\n")
                  .ok());
}

TEST(CsvImport, OutOfRangeNumbersSaySo) {
  Workspace ws;
  ASSERT_TRUE(IngestCsv(ws, "customers", "customers.csv", kCustomers).ok());
  struct Case { const char* cell; const char* expected; };
  for (const Case& c :
       {Case{"1e-400", "number out of range (nonzero but below 2.2e-308, it would become 0): \"1e-400\""},
        Case{"0.000001e-318", "number out of range (nonzero but below"},
        Case{"1e400", "number out of range (beyond +/-1.8e308): \"1e400\""},
        Case{"0.001e312", "number out of range (beyond"},
        Case{"1e99999999999999999999", "number out of range (beyond"}}) {
    absl::Status s = IngestCsv(ws, "transactions", "t.csv",
                               absl::StrCat("customer_id,time,amount\nc1,2024-01-05,", c.cell, "\n"));
    EXPECT_THAT(std::string(s.message()), HasSubstr(absl::StrCat("t.csv:2:3 (amount): ", c.expected)))
        << c.cell;
  }
  absl::Status s = IngestCsv(ws, "feedback", "f.csv",
                             "program_id,customer_id,time,would_recommend\nx,c1,2024-01-05,99999999999\n");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("f.csv:2:4 (would_recommend): out of range (-2147483648 .. 2147483647): "
                        "\"99999999999\""));
}

// Messages show what a reader could not see: a file with bare-CR line ends,
// a second byte order mark, a C1 control in a cell.
TEST(CsvImport, MessagesEscapeInvisibleText) {
  Workspace ws;
  absl::Status s = IngestCsv(ws, "customers", "c.csv", "id\rn1\rn2\r");
  EXPECT_THAT(std::string(s.message()), HasSubstr("c.csv:1:1 (id\\x0dn1\\x0dn2): unknown column"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("lines seem to end in a bare CR"));
  s = IngestCsv(ws, "customers", "c.csv", "\xEF\xBB\xBF\xEF\xBB\xBFid\nn1\n");
  EXPECT_THAT(std::string(s.message()), HasSubstr("c.csv:1:1 (\\ufeffid): unknown column"));
  s = IngestCsv(ws, "customers", "c\n.csv", "id,created\nn1,20\xC2\x9B" "24\n");
  EXPECT_THAT(std::string(s.message()), HasSubstr("c\\x0a.csv:2:2 (created): not a time: \"20\\u009b24\""));
}

}  // namespace
}  // namespace mitra
