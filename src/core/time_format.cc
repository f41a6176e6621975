#include "mitra/core/time_format.h"

#include <charconv>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace mitra {

// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
// calendar, no tables, no time zone database.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

namespace {

// Seconds since 1970 written as a bare integer: at least 9 digits, since
// shorter integers in a CRM export are years ("2024"), basic dates
// ("20240301", which ParseTime reads as dates) or day counts, and 9 digits
// start at 1973-03-03, so no real time is lost.
constexpr size_t kMinSecondsDigits = 9;

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<int64_t> Fail(std::string* why, std::string_view problem) {
  if (why) *why = std::string(problem);
  return std::nullopt;
}

// "+HH:MM" (extended) or "+HHMM" (basic) or "Z" at s[pos..]: the offset in
// seconds east of UTC.
std::optional<int64_t> ParseZone(std::string_view s, size_t pos, bool basic) {
  if (s.substr(pos) == "Z") return 0;
  const size_t len = basic ? 5 : 6;
  if ((s[pos] != '+' && s[pos] != '-') || s.size() - pos != len) return std::nullopt;
  int oh, om;
  if (!Digits(s, pos + 1, 2, &oh) || (!basic && s[pos + 3] != ':') ||
      !Digits(s, pos + (basic ? 3 : 4), 2, &om) || oh > 23 || om > 59)
    return std::nullopt;
  return (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
}

}  // namespace

std::optional<int64_t> ReadExportFormTime(std::string_view s) {
  if (s.size() != 20 && s.size() != 10) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  // Each digit's value, or >= 10 for a byte that is no digit (unsigned wrap).
  auto digit = [p](size_t i) { return static_cast<unsigned>(p[i]) - '0'; };
  bool ok = (digit(0) < 10) & (digit(1) < 10) & (digit(2) < 10) & (digit(3) < 10) &
            (p[4] == '-') & (digit(5) < 10) & (digit(6) < 10) & (p[7] == '-') &
            (digit(8) < 10) & (digit(9) < 10);
  const int y = static_cast<int>(digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3));
  const unsigned mo = digit(5) * 10 + digit(6), d = digit(8) * 10 + digit(9);
  int64_t second_of_day = 0;
  if (s.size() == 20) {
    ok &= (p[10] == 'T') & (digit(11) < 10) & (digit(12) < 10) & (p[13] == ':') &
          (digit(14) < 10) & (digit(15) < 10) & (p[16] == ':') & (digit(17) < 10) &
          (digit(18) < 10) & (p[19] == 'Z');
    const unsigned h = digit(11) * 10 + digit(12), mi = digit(14) * 10 + digit(15),
                   sec = digit(17) * 10 + digit(18);
    ok &= (h <= 23) & (mi <= 59) & (sec <= 60);
    second_of_day = h * 3600 + mi * 60 + sec;
  }
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!ok || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] + (mo == 2 && IsLeap(y)))
    return std::nullopt;
  return DaysFromCivil(y, mo, d) * 86400 + second_of_day;
}

std::optional<int64_t> ParseTime(std::string_view s, std::string* why) {
  if (std::optional<int64_t> t = ReadExportFormTime(s)) return t;
  constexpr std::string_view kForms =
      "seconds since 1970 (9 or more digits), or ISO 8601 like 2025-03-01, 20250301, "
      "2025-03-01T14:05:00Z";
  if (s.empty()) return Fail(why, kForms);
  const std::string_view unsigned_part = s[0] == '-' ? s.substr(1) : s;
  if (AllDigits(unsigned_part) && (s.size() != 8 || s[0] == '-')) {
    if (unsigned_part.size() < kMinSecondsDigits)
      return Fail(why, absl::StrCat("a bare number is seconds since 1970 only with ",
                                    kMinSecondsDigits,
                                    " or more digits; write a date as 2025-03-01 or 20250301"));
    int64_t v;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
      return Fail(why, "seconds since 1970 out of range");
    return v;
  }
  // ISO 8601: extended (2025-03-01T14:05:00Z) or basic (20250301T140500Z).
  const bool basic = s.size() >= 8 && AllDigits(s.substr(0, 8));
  int y, mo, d, h = 0, mi = 0, sec = 0;
  size_t pos;
  if (basic) {
    if (!Digits(s, 0, 4, &y) || !Digits(s, 4, 2, &mo) || !Digits(s, 6, 2, &d))
      return Fail(why, kForms);
    pos = 8;
  } else {
    if (s.size() < 10 || !Digits(s, 0, 4, &y) || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
        s[7] != '-' || !Digits(s, 8, 2, &d))
      return Fail(why, kForms);
    pos = 10;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] + (mo == 2 && IsLeap(y)))
    return Fail(why, "no such date");
  int64_t offset = 0;
  if (pos < s.size()) {
    // Basic date-times take the T (a space would read as two values).
    const bool t_ok = s[pos] == 'T' || (!basic && s[pos] == ' ');
    const size_t colon = basic ? 0 : 1;
    if (!t_ok || !Digits(s, pos + 1, 2, &h) ||
        (colon && (pos + 3 >= s.size() || s[pos + 3] != ':')) ||
        !Digits(s, pos + 3 + colon, 2, &mi))
      return Fail(why, kForms);
    pos += 5 + colon;
    if (pos < s.size() && (basic ? s[pos] >= '0' && s[pos] <= '9' : s[pos] == ':')) {
      if (!Digits(s, pos + colon, 2, &sec)) return Fail(why, kForms);
      pos += 2 + colon;
      if (pos < s.size() && s[pos] == '.') {  // fractional seconds: dropped
        ++pos;
        size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == start) return Fail(why, kForms);
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return Fail(why, "no such time of day");
    if (pos < s.size()) {
      std::optional<int64_t> zone = ParseZone(s, pos, basic);
      if (!zone) return Fail(why, kForms);
      offset = *zone;
      pos = s.size();
    }
  }
  if (pos != s.size()) return Fail(why, kForms);
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
}

std::string FormatTime(int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  int64_t rem = t - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  if (rem == 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<long long>(y), m, d, static_cast<int>(rem / 3600),
                  static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  }
  return buf;
}

std::string TimeProblem(int64_t t) {
  if (t < kMinTime || t >= kMaxTime)
    return absl::StrCat("time ", t, " is outside 1900-01-01 .. 2200-01-01 ",
                        "(seconds since 1970 UTC expected)");
  return "";
}

}  // namespace mitra
