#include "mitra/core/time_format.h"

#include <chrono>
#include <cstdio>
#include <string>

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

// The seconds of a civil date and time by std::chrono's calendar, an
// implementation independent of the reader's.
int64_t ChronoSeconds(int y, unsigned m, unsigned d, int h, int mi, int s) {
  using namespace std::chrono;
  const sys_days date{year{y} / month{m} / day{d}};
  return int64_t{date.time_since_epoch().count()} * 86400 + h * 3600 + mi * 60 + s;
}

std::string Printed(const char* format, int y, unsigned m, unsigned d, int h = 0, int mi = 0,
                    int s = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, y, m, d, h, mi, s);
  return buf;
}

// The two forms CSV exports write ("YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DD") are
// read at fixed positions; on every day of five centuries, with a time of
// day that moves through every hour, minute and second (the leap second 60
// included), they give what the calendar gives and what the other forms of
// the same time give.
TEST(TimeFormat, ExportFormsAgreeWithTheCalendarAndTheOtherFormsOnEveryDay) {
  using namespace std::chrono;
  int checked = 0;
  for (sys_days t = sys_days{year{1800} / January / 1}; t < sys_days{year{2300} / January / 1};
       t += days{1}) {
    const year_month_day ymd{t};
    const int y = static_cast<int>(ymd.year());
    const unsigned m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
    const int64_t k = t.time_since_epoch().count();
    const int h = static_cast<int>(k % 24 + 24) % 24, mi = static_cast<int>(k % 60 + 60) % 60,
              s = static_cast<int>(k % 61 + 61) % 61;
    const int64_t midnight = ChronoSeconds(y, m, d, 0, 0, 0), at = ChronoSeconds(y, m, d, h, mi, s);
    const std::string date = Printed("%04d-%02u-%02u", y, m, d);
    const std::string time = Printed("%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d, h, mi, s);
    ASSERT_EQ(ParseTime(date), midnight) << date;
    ASSERT_EQ(ParseTime(Printed("%04d%02u%02u", y, m, d)), midnight) << date;
    ASSERT_EQ(ParseTime(time), at) << time;
    ASSERT_EQ(ReadExportFormTime(date), midnight) << date;  // the fast reading takes both
    ASSERT_EQ(ReadExportFormTime(time), at) << time;
    ASSERT_EQ(ParseTime(Printed("%04d-%02u-%02u %02d:%02d:%02d", y, m, d, h, mi, s)), at) << time;
    ASSERT_EQ(ParseTime(Printed("%04d%02u%02uT%02d%02d%02dZ", y, m, d, h, mi, s)), at) << time;
    ASSERT_EQ(ParseTime(Printed("%04d-%02u-%02uT%02d:%02d:%02d+00:00", y, m, d, h, mi, s)), at)
        << time;
    ++checked;
  }
  EXPECT_EQ(checked, 500 * 365 + 121);  // 1800 to 2299: 125 years divisible by 4, less 4 centuries
  // The ends of the four-digit years.
  EXPECT_EQ(ParseTime("0000-01-01T00:00:00Z"), ChronoSeconds(0, 1, 1, 0, 0, 0));
  EXPECT_EQ(ParseTime("0000-02-29"), ChronoSeconds(0, 2, 29, 0, 0, 0));
  EXPECT_EQ(ParseTime("9999-12-31T23:59:60Z"), ChronoSeconds(9999, 12, 31, 23, 59, 60));
}

// What ParseTime must say of a text that is one byte away from an export
// form, by the rules of docs/CSV.md: the date is read first ("no such date"
// for a well-formed impossible one), then the time of day; a space may stand
// for the T; any other misplaced byte is a malformed time.
std::optional<int64_t> OneByteAwayReference(const std::string& s, std::string* why) {
  auto digits = [&](size_t from, size_t n, int* v) {
    *v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      *v = *v * 10 + (s[i] - '0');
    }
    return true;
  };
  const std::string malformed =
      "seconds since 1970 (9 or more digits), or ISO 8601 like 2025-03-01, 20250301, "
      "2025-03-01T14:05:00Z";
  int y, m, d, h = 0, mi = 0, sec = 0;
  if (!digits(0, 4, &y) || s[4] != '-' || !digits(5, 2, &m) || s[7] != '-' || !digits(8, 2, &d)) {
    *why = malformed;
    return std::nullopt;
  }
  using namespace std::chrono;
  if (!year_month_day{year{y} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)}}
           .ok()) {
    *why = "no such date";
    return std::nullopt;
  }
  if (s.size() == 20) {
    if ((s[10] != 'T' && s[10] != ' ') || !digits(11, 2, &h) || s[13] != ':' ||
        !digits(14, 2, &mi) || s[16] != ':' || !digits(17, 2, &sec) || s[19] != 'Z') {
      *why = malformed;
      return std::nullopt;
    }
    if (h > 23 || mi > 59 || sec > 60) {
      *why = "no such time of day";
      return std::nullopt;
    }
  }
  return ChronoSeconds(y, static_cast<unsigned>(m), static_cast<unsigned>(d), h, mi, sec);
}

// Every byte of an export-form time set in turn to each of the 256 byte
// values: a text that is still a time (another digit, a space for the T)
// reads as the calendar says, and every other one is refused with the
// message the rules give, as the general reading alone gave it.
TEST(TimeFormat, EveryOneByteChangeOfAnExportFormIsReadOrRefusedAsTheRulesSay) {
  int read = 0, refused = 0;
  for (const std::string base :
       {"2024-02-29T23:59:59Z", "1900-01-01T00:00:00Z", "2023-12-31T12:30:60Z",
        "2100-02-28T09:09:09Z", "2024-02-29", "2000-02-29", "2199-12-31"}) {
    ASSERT_TRUE(ParseTime(base).has_value()) << base;
    for (size_t i = 0; i < base.size(); ++i) {
      for (int b = 0; b < 256; ++b) {
        std::string s = base;
        s[i] = static_cast<char>(b);
        std::string why, expected_why;
        const std::optional<int64_t> expected = OneByteAwayReference(s, &expected_why);
        const std::optional<int64_t> got = ParseTime(s, &why);
        ASSERT_EQ(got, expected) << base << " byte " << i << " = " << b;
        // The fast reading takes only what the rules read, in its own form.
        const bool own_form = b != ' ' || i != 10;
        if (!expected) {
          EXPECT_EQ(ReadExportFormTime(s), std::nullopt) << s;
        } else if (own_form) {
          EXPECT_EQ(ReadExportFormTime(s), expected) << s;
        }
        if (expected) {
          ++read;
        } else {
          ASSERT_EQ(why, expected_why) << base << " byte " << i << " = " << b;
          ++refused;
        }
      }
    }
  }
  // Each digit position reads with 10 values at most, the T also with a space.
  EXPECT_GT(read, 0);
  EXPECT_GT(refused, read);
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
