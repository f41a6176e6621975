#include "args.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common.h"
#include "mitra/core/memory_budget.h"
#include "mitra/core/text_checks.h"
#include "mitra/core/time_format.h"

namespace mitra::cli {

std::optional<int64_t> ParseDuration(const std::string& text) {
  static const std::map<std::string, int64_t> kNamed = {
      {"hour", 3600}, {"day", 86400}, {"week", 7 * 86400}, {"month", 2629800}, {"year", 31557600}};
  if (auto it = kNamed.find(text); it != kNamed.end()) return it->second;
  int64_t v;
  if (absl::SimpleAtoi(Av(text), &v) && v > 0) return v;
  return std::nullopt;
}

std::optional<uint64_t> ParseByteSize(const std::string& text) {
  if (text.empty()) return std::nullopt;
  int shift = 0;
  std::string digits = text;
  switch (text.back()) {
    case 'K': case 'k': shift = 10; break;
    case 'M': case 'm': shift = 20; break;
    case 'G': case 'g': shift = 30; break;
    case 'T': case 't': shift = 40; break;
    default: break;
  }
  if (shift > 0) digits.pop_back();
  uint64_t v;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit) ||
      !absl::SimpleAtoi(Av(digits), &v) || v == 0 || v > (~uint64_t{0} >> shift))
    return std::nullopt;
  return v << shift;
}

CommandArgs::CommandArgs(std::string command, const std::vector<std::string>& args,
                         std::vector<std::string> formats)
    : command_(std::move(command)),
      args_(args),
      formats_(std::move(formats)),
      format_(formats_[0]) {}

bool CommandArgs::Next() {
  while (problem_ == 0 && next_ < args_.size()) {
    at_ = next_++;
    given_.clear();
    range_.clear();
    const std::string& a = args_[at_];
    if (a == "-o" || a == "--output") {
      if (!Value(&output_)) problem_ = Usage("-o needs a file");
    } else if (a == "--format") {
      std::string v;
      if (Value(&v) && std::find(formats_.begin(), formats_.end(), v) != formats_.end()) {
        format_ = v;
        continue;
      }
      // "text or json", "text, json or csv"
      std::string choices = formats_.back();
      for (size_t k = formats_.size() - 1; k-- > 0;)
        choices = absl::StrCat(formats_[k], k + 2 == formats_.size() ? " or " : ", ", choices);
      problem_ = Usage("--format is " + choices);
    } else if (a == "--memory-limit") {
      std::string v;
      if (Value(&v) && (memory_limit_ = ParseByteSize(v))) continue;
      problem_ = Usage(kMemoryLimitProblem);
    } else if (!a.empty() && a[0] == '-') {
      return true;
    } else if (source_.empty()) {
      source_ = a;
    } else {
      problem_ = Usage(command_ + " takes one SNAPSHOT or DIR");
    }
  }
  return false;
}

bool CommandArgs::Value(std::string* v) {
  if (next_ >= args_.size()) return false;
  *v = args_[next_++];
  given_ = Quote(*v);
  return true;
}

bool CommandArgs::Number(double* d) {
  std::string v;
  return Value(&v) && absl::SimpleAtod(Av(v), d);
}

bool CommandArgs::Finite(double* d) { return Number(d) && std::isfinite(*d); }

bool CommandArgs::NonNegative(double* d) { return Finite(d) && *d >= 0; }

bool CommandArgs::Time(int64_t* unix_seconds) {
  std::optional<int64_t> t;
  if (!Time(&t)) return false;
  *unix_seconds = *t;
  return true;
}

bool CommandArgs::Time(std::optional<int64_t>* unix_seconds) {
  std::string v;
  return Value(&v) && (*unix_seconds = ParseTime(v)).has_value();
}

bool CommandArgs::Duration(int64_t* seconds) {
  std::string v;
  std::optional<int64_t> d;
  if (!Value(&v) || !(d = ParseDuration(v))) return false;
  *seconds = *d;
  return true;
}

bool CommandArgs::Pair(std::string* name, std::string* value, bool at_last) {
  std::string v;
  if (!Value(&v)) return false;
  const size_t eq = at_last ? v.rfind('=') : v.find('=');
  if (eq == std::string::npos) return false;
  *name = v.substr(0, eq);
  *value = v.substr(eq + 1);
  return true;
}

int CommandArgs::Needs(std::string_view what) const {
  return Usage(absl::StrCat(Escape(option()), " needs ", Av(what), range_,
                            given_.empty() ? "" : ", got ", given_));
}

int CommandArgs::Unknown() const { return Usage(absl::StrCat("unknown option ", Escape(option()))); }

int CommandArgs::Finish() const {
  if (problem_ != 0) return problem_;
  if (source_.empty()) return Usage(command_ + " needs a SNAPSHOT or DIR");
  if (memory_limit_) MemoryBudget::Process().set_limit(*memory_limit_);
  return 0;
}

int CommandArgs::Write(const std::string& body, const std::string& summary,
                       const std::string& notes) const {
  return WriteOutput(body, output_, summary, notes);
}

int CommandArgs::Write(const google::protobuf::Message& report,
                       absl::FunctionRef<void(std::ostream&)> text,
                       const std::string& summary) const {
  if (format_ == "json") return Write(Json(report, /*pretty=*/true), summary);
  std::ostringstream body;
  text(body);
  return Write(body.str(), summary);
}

}  // namespace mitra::cli
