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

TEST(TimeFormat, ParsesIntegerSeconds) {
  EXPECT_EQ(ParseTime("875577600"), 875577600);
  EXPECT_EQ(ParseTime("-86400"), -86400);
  EXPECT_EQ(ParseTime("0"), 0);
}

TEST(TimeFormat, RejectsMalformed) {
  for (const char* bad : {"", "2025-02-30", "2023-02-29", "2025-13-01", "2025-1-01",
                          "2025-01-01T25:00:00", "2025-01-01X", "2025-01-01T10:00:00+0700",
                          "12.5", "1e9", "abc", "2025-01-01T10:00:00ZZ", "2025/01/01"}) {
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
