// UTC times as int64 seconds since the Unix epoch, and their text forms.
#ifndef MITRA_CORE_TIME_FORMAT_H_
#define MITRA_CORE_TIME_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mitra {

inline constexpr int64_t kNoTime = INT64_MIN;
// The accepted range: [1900-01-01, 2200-01-01) UTC. Anything outside is a
// data error (a unit mix-up such as milliseconds), not a real date.
inline constexpr int64_t kMinTime = -2208988800;  // 1900-01-01T00:00:00Z
inline constexpr int64_t kMaxTime = 7258118400;   // 2200-01-01T00:00:00Z

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

// Parses the text forms of a time (docs/CSV.md): seconds since 1970 as an
// integer of 9 or more digits; ISO 8601 extended "YYYY-MM-DD" and
// "YYYY-MM-DDTHH:MM[:SS[.fff]]" (a space may stand for the T) with an
// optional "Z" or "+HH:MM"; ISO 8601 basic "YYYYMMDD" and
// "YYYYMMDDTHHMM[SS[.fff]]" with an optional "Z" or "+HHMM". An 8-digit
// number is always a date, never seconds; shorter numbers (years, day
// counts) are refused. On failure `why` (when given) says what is wrong.
std::optional<int64_t> ParseTime(std::string_view text, std::string* why = nullptr);
// The two forms FormatTime writes, "YYYY-MM-DDTHH:MM:SSZ" and "YYYY-MM-DD",
// read at their fixed positions: the first thing
// ParseTime tries, since most time cells of a large import are one of these.
// nullopt for anything else (a bad digit, an impossible date or time of
// day), which ParseTime then reads by the general rules or refuses.
std::optional<int64_t> ReadExportFormTime(std::string_view text);
// "YYYY-MM-DDTHH:MM:SSZ", or "YYYY-MM-DD" when the time is midnight.
std::string FormatTime(int64_t unix_seconds);
// Empty when t lies in the accepted range, else the problem.
std::string TimeProblem(int64_t t);

}  // namespace mitra

#endif  // MITRA_CORE_TIME_FORMAT_H_
