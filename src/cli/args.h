// The command line of one `mitra` command, read left to right. What every
// command takes the same way (-o FILE, --format, the one SNAPSHOT or DIR) is
// taken here; each command's own options are handed back to it, with readers
// for their values and the usage problems they share, and the command's
// output goes out through Write.
#ifndef MITRA_CLI_ARGS_H_
#define MITRA_CLI_ARGS_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"
#include "mitra/core/absl_view.h"

namespace mitra::cli {

// What a time looks like, for usage problems: Needs(kTimeArg).
inline constexpr char kTimeArg[] = "a time (2025-06-30, 20250630 or unix seconds)";

// "hour", "day", "week", "month" (30.4375 days), "year" (365.25 days), or a
// whole number of seconds > 0.
std::optional<int64_t> ParseDuration(const std::string& text);

// "2G", "512M", "64K" (powers of 1024) or a plain byte count; nullopt for
// anything else, 0, or more than 2^64 - 1.
std::optional<uint64_t> ParseByteSize(const std::string& text);
// The usage problem of a --memory-limit value ParseByteSize refuses.
inline constexpr char kMemoryLimitProblem[] =
    "--memory-limit needs a byte count > 0 (e.g. 2G, 512M, 65536)";

// A command reads its own options in a loop and leaves the rest to it:
//   CommandArgs cl("leaders", args, {"text", "json"});
//   while (cl.Next()) {
//     if (cl.option() == "--top") {
//       if (!cl.Whole(&top, 0u, 1000u)) return cl.Needs("a whole number");
//     } else {
//       return cl.Unknown();
//     }
//   }
//   if (int rc = cl.Finish(); rc != 0) return rc;
//   ... LoadWorkspace(cl.source()), run, then return cl.Write(report, ...);
class CommandArgs {
 public:
  // `command` names the command in usage problems ("leaders takes one
  // SNAPSHOT or DIR"); --format takes one of `formats`, the first by default.
  // `args` is kept by reference.
  CommandArgs(std::string command, const std::vector<std::string>& args,
              std::vector<std::string> formats);

  // Moves to the next option the command handles itself: an argument that
  // starts with '-'. -o/--output FILE, --format F, --memory-limit BYTES (the
  // process-wide memory budget of the requests, memory_budget.h; applied by
  // Finish()) and the SNAPSHOT or DIR are taken on the way. False at the end, and after a usage problem (printed
  // here; Finish() then returns its exit code).
  bool Next();
  // The option Next() moved to.
  const std::string& option() const { return args_[at_]; }

  // Readers of the option's value, the argument after it (consumed when
  // there is one). False when there is none or it does not parse; Needs()
  // then shows the text given.
  bool Value(std::string* v);
  // Whatever absl::SimpleAtod reads, "nan" and "inf" too: for options whose
  // range the library checks (its errors name the request field).
  bool Number(double* d);
  bool Finite(double* d);
  // Finite and >= 0.
  bool NonNegative(double* d);
  // A whole number in lo .. hi (read as T, so nothing wraps around); a
  // failure's Needs() message states the range.
  template <typename T>
  bool Whole(T* k, T lo = std::numeric_limits<T>::min(), T hi = std::numeric_limits<T>::max()) {
    range_ = absl::StrCat(" in ", lo, " .. ", hi);
    std::string v;
    T x;
    if (!Value(&v) || !absl::SimpleAtoi(Av(v), &x) || x < lo || x > hi) return false;
    *k = x;
    return true;
  }
  // ISO 8601 or unix seconds (ParseTime).
  bool Time(int64_t* unix_seconds);
  bool Time(std::optional<int64_t>* unix_seconds);
  // ParseDuration.
  bool Duration(int64_t* seconds);
  // NAME=VALUE, split at the first '=', or at the last one with `at_last`
  // (for values that cannot hold '=' but names that can).
  bool Pair(std::string* name, std::string* value, bool at_last = false);

  // "OPTION needs WHAT", followed by the range of a whole number and the
  // text given, if any ("--threads needs a whole number in 0 .. 256, got
  // \"4294967295\""): prints the usage problem and returns its exit code.
  int Needs(std::string_view what) const;
  // "unknown option OPTION", likewise.
  int Unknown() const;
  // After the last Next(): the usage problem's exit code, the one of a
  // missing SNAPSHOT or DIR, or 0.
  int Finish() const;

  const std::string& source() const { return source_; }
  const std::string& format() const { return format_; }
  const std::string& output() const { return output_; }

  // `body` to standard output, or to -o FILE followed by "wrote FILE
  // (summary)" on standard output; `notes` (a text beside the output) go to
  // standard error, or with -o to standard output before that line.
  // Returns the exit code.
  int Write(const std::string& body, const std::string& summary,
            const std::string& notes = "") const;
  // `report` in protobuf's JSON mapping for --format json, else as `text`
  // writes it (for the other formats: text reads format()).
  int Write(const google::protobuf::Message& report, absl::FunctionRef<void(std::ostream&)> text,
            const std::string& summary) const;

 private:
  const std::string command_;
  const std::vector<std::string>& args_;
  const std::vector<std::string> formats_;
  size_t at_ = 0;    // the option
  size_t next_ = 0;  // the next argument to read
  int problem_ = 0;  // the exit code of a usage problem met by Next()
  std::optional<uint64_t> memory_limit_;
  std::string given_;  // the option's value as read, quoted ("" when none)
  std::string range_;  // " in LO .. HI" when a whole number was asked for
  std::string source_, format_, output_;
};

}  // namespace mitra::cli

#endif  // MITRA_CLI_ARGS_H_
