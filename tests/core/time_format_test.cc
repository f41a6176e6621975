#include "mitra/core/time_format.h"

#include "gtest/gtest.h"

namespace mitra {
namespace {

// Reference values from `date -u -d ... +%s` (GNU coreutils).
TEST(TimeFormat, ParsesIsoDatesAndTimes) {
  EXPECT_EQ(ParseTime("1970-01-01"), 0);
  EXPECT_EQ(ParseTime("1997-09-30"), 875577600);
  EXPECT_EQ(ParseTime("2000-02-29"), 951782400);
  EXPECT_EQ(ParseTime("2025-03-01T14:05:00Z"), 1740837900);
  EXPECT_EQ(ParseTime("2025-03-01 14:05:00"), 1740837900);
  EXPECT_EQ(ParseTime("2025-03-01T14:05"), 1740837900);
  EXPECT_EQ(ParseTime("2025-03-01T14:05:00.250Z"), 1740837900);
  EXPECT_EQ(ParseTime("2025-03-01T21:05:00+07:00"), 1740837900);  // Jakarta
  EXPECT_EQ(ParseTime("1900-01-01"), kMinTime);
  EXPECT_EQ(ParseTime("2200-01-01"), kMaxTime);
  EXPECT_EQ(ParseTime("1899-12-31"), kMinTime - 86400);
}

TEST(TimeFormat, ParsesIsoBasicDatesAndTimes) {
  EXPECT_EQ(ParseTime("20240101"), 1704067200);
  EXPECT_EQ(ParseTime("19700101"), 0);
  EXPECT_EQ(ParseTime("20000229"), 951782400);
  EXPECT_EQ(ParseTime("20250301T1405"), 1740837900);
  EXPECT_EQ(ParseTime("20250301T140500Z"), 1740837900);
  EXPECT_EQ(ParseTime("20250301T140500.250Z"), 1740837900);
  EXPECT_EQ(ParseTime("20250301T210500+0700"), 1740837900);  // Jakarta
}

TEST(TimeFormat, ParsesIntegerSecondsOfNineOrMoreDigits) {
  EXPECT_EQ(ParseTime("875577600"), 875577600);
  EXPECT_EQ(ParseTime("100000000"), 100000000);  // 1973-03-03, the first 9-digit second
  EXPECT_EQ(ParseTime("-100000000"), -100000000);
  EXPECT_EQ(ParseTime("-2208988800"), kMinTime);
  EXPECT_EQ(ParseTime("1704067200000"), 1704067200000);  // milliseconds: the range check refuses
}

// A date-shaped number is never read as seconds: an 8-digit one is a date
// (or nothing), a shorter one (a year, a day count) is refused.
TEST(TimeFormat, ShortNumbersAreNotSeconds) {
  for (const char* bad : {"2024", "0", "1", "-86400", "19723", "2024001", "99999999",
                          "20241301", "20240230", "-20240101"}) {
    std::string why;
    EXPECT_FALSE(ParseTime(bad, &why).has_value()) << bad;
    EXPECT_NE(why, "") << bad;
  }
  std::string why;
  ParseTime("2024", &why);
  EXPECT_NE(why.find("9 or more digits"), std::string::npos) << why;
  ParseTime("20241301", &why);
  EXPECT_EQ(why, "no such date");
}

TEST(TimeFormat, RejectsMalformed) {
  for (const char* bad : {"", "2025-02-30", "2023-02-29", "2025-13-01", "2025-1-01",
                          "2025-01-01T25:00:00", "2025-01-01X", "2025-01-01T10:00:00+0700",
                          "12.5", "1e9", "abc", "2025-01-01T10:00:00ZZ", "2025/01/01",
                          "20250301 1405", "20250301T14:05", "2025-03-01T1405",
                          "20250301T1405+07:00", "2025-03", "+875577600"}) {
    EXPECT_FALSE(ParseTime(bad).has_value()) << bad;
  }
}

TEST(TimeFormat, FormatsAndRoundTrips) {
  EXPECT_EQ(FormatTime(0), "1970-01-01");
  EXPECT_EQ(FormatTime(1740837900), "2025-03-01T14:05:00Z");
  EXPECT_EQ(FormatTime(kMinTime), "1900-01-01");
  EXPECT_EQ(FormatTime(-1), "1969-12-31T23:59:59Z");
  for (int64_t t = kMinTime; t < kMaxTime; t += 7777777) EXPECT_EQ(ParseTime(FormatTime(t)), t);
}

TEST(TimeFormat, DaysFromCivilMatchesKnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1900, 1, 1), -25567);
}

TEST(TimeFormat, RangeCheckNamesTheProblem) {
  EXPECT_EQ(TimeProblem(0), "");
  EXPECT_NE(TimeProblem(kMinTime - 1), "");
  EXPECT_NE(TimeProblem(kMaxTime), "");
  // Milliseconds mistaken for seconds land far in the future.
  EXPECT_NE(TimeProblem(int64_t{1740837900} * 1000).find("outside"), std::string::npos);
}

}  // namespace
}  // namespace mitra
