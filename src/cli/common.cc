#include "common.h"

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "mitra/core/csv_import.h"
#include "mitra/core/file_io.h"
#include "mitra/core/snapshot.h"
#include "mitra/core/text_checks.h"

namespace mitra::cli {

int Fail(const absl::Status& s) {
  std::cerr << "mitra: " << absl::StatusCodeToString(s.code()) << ": " << s.message() << "\n";
  return 1;
}

std::string Json(const google::protobuf::Message& m, bool pretty) {
  std::string s;
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  o.always_print_primitive_fields = true;
  o.add_whitespace = pretty;
  (void)google::protobuf::util::MessageToJsonString(m, &s, o);
  return s;
}

namespace {

// snprintf into a string of the size it needs.
std::string Printf(const char* spec, int precision, double v) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, spec, precision, v);
  if (n < static_cast<int>(sizeof buf)) return std::string(buf, n > 0 ? n : 0);
  std::string s(static_cast<size_t>(n), '\0');
  std::snprintf(s.data(), s.size() + 1, spec, precision, v);
  return s;
}

}  // namespace

std::string Decimals(double v, int decimals) { return Printf("%.*f", decimals, v); }

std::string Significant(double v, int digits) { return Printf("%.*g", digits, v); }

std::string CsvQuote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string GroupThousands(std::string number) {
  const size_t start = !number.empty() && number[0] == '-' ? 1 : 0;
  const size_t end = std::min(number.find('.'), number.size());
  for (size_t i = end; i >= start + 4; i -= 3) number.insert(i - 3, ",");
  return number;
}

std::string BasisText(const v1::MoneyBasis& b, int decimals) {
  switch (b.kind()) {
    case v1::MONEY_BASIS_KIND_ESTIMATED:
      if (!b.has_low() || !b.has_high())
        return absl::StrCat("estimated from ", b.source());
      return absl::StrCat("estimated (", Significant(100 * b.confidence(), 3), "% interval ",
                          GroupThousands(Decimals(b.low(), decimals)), " to ",
                          GroupThousands(Decimals(b.high(), decimals)), ") from ", b.source());
    case v1::MONEY_BASIS_KIND_ASSUMED:
      return absl::StrCat("ASSUMED, not estimated: ", b.source());
    case v1::MONEY_BASIS_KIND_GIVEN:
      return absl::StrCat("given by the host: ", b.source());
    default:
      return "";
  }
}

std::string FitChecksText(const v1::FittedModel& m, const std::string& indent) {
  std::string out;
  const v1::FitReport& r = m.report();
  if (r.at_boundary()) {
    absl::StrAppend(&out, indent, "WARNING: the ", v1::ValueModel_Name(m.model()).substr(12),
                    " fit is at a boundary, not a fit to read: ", r.boundary_reason(), "\n");
  }
  if (r.has_spend_independence() && !std::isnan(r.spend_independence().correlation())) {
    const v1::SpendIndependence& c = r.spend_independence();
    absl::StrAppend(&out, indent, "spend and frequency of ", Significant(c.repeat_buyers(), 6),
                    " repeat buyers: correlation ", Decimals(c.correlation(), 3), " (p ",
                    Significant(c.p_value(), 2), "); Gamma-Gamma assumes none",
                    c.p_value() < 0.05 ? ": spend per purchase differs with frequency, so "
                                         "expected spend leans for heavy or light buyers\n"
                                       : ", and the data do not contradict it\n");
  }
  return out;
}

int Usage(const std::string& problem) {
  std::cerr << "mitra: " << problem << "\n(run 'mitra --help')\n";
  return 2;
}

int WriteOutput(const std::string& body, const std::string& output, const std::string& summary,
                const std::string& notes) {
  if (output.empty()) {
    std::cerr << notes;
    std::cout << body;
    return 0;
  }
  if (absl::Status s = WriteFile(output, body); !s.ok()) return Fail(s);
  std::cout << notes << "wrote " << output;
  if (!summary.empty()) std::cout << " (" << summary << ")";
  std::cout << "\n";
  return 0;
}

namespace {

// DIR/NAME, without doubling a trailing slash.
std::string InFolder(const std::string& dir, const std::string& name) {
  return !dir.empty() && dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

// Ingests the CSV files named on the command line, kinds in dependency
// order, the files of one kind in the order given. Every source is checked
// before anything is read.
absl::Status ImportSources(const std::vector<std::string>& sources, Workspace& ws) {
  std::map<std::string, std::vector<std::string>> files;  // kind -> paths
  for (const std::string& src : sources) {
    const absl::StatusOr<PathKind> what = ProbePath(src);
    if (auto eq = src.find('=');
        eq != std::string::npos && !(what.ok() && *what == PathKind::kDirectory)) {
      const std::string kind = src.substr(0, eq);
      if (std::find(KindNames().begin(), KindNames().end(), kind) == KindNames().end())
        return absl::InvalidArgumentError(
            absl::StrCat("unknown entity kind ", Quote(kind), " in ", QuotePath(src)));
      files[kind].push_back(src.substr(eq + 1));
      continue;
    }
    if (!what.ok()) return what.status();
    if (*what == PathKind::kMissing)
      return absl::NotFoundError(absl::StrCat("no such folder: ", QuotePath(src)));
    if (*what != PathKind::kDirectory)
      return absl::InvalidArgumentError(absl::StrCat(
          QuotePath(src), " is not a folder (name a single file as KIND=FILE)"));
    for (const std::string& kind : KindNames()) {
      const std::string path = InFolder(src, kind + ".csv");
      // Anything under the name counts: a dangling symlink, a FIFO or a
      // folder fails (here or in ReadFile) naming it, never silently skipped.
      absl::StatusOr<PathKind> file = ProbePath(path);
      if (!file.ok()) return file.status();
      if (*file != PathKind::kMissing) files[kind].push_back(path);
    }
  }
  if (files.empty()) return absl::InvalidArgumentError("no CSV files found in the given sources");
  for (const std::string& kind : KindNames()) {
    auto it = files.find(kind);
    if (it == files.end()) continue;
    for (const std::string& path : it->second)
      if (absl::Status s = IngestCsvFile(ws, kind, path); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Workspace>> LoadWorkspace(const std::string& source) {
  absl::StatusOr<PathKind> what = ProbePath(source);
  if (!what.ok()) return what.status();
  if (*what == PathKind::kDirectory) {
    auto ws = std::make_unique<Workspace>();
    if (absl::Status s = ImportSources({source}, *ws); !s.ok()) return s;
    return ws;
  }
  return LoadSnapshot(source);
}

absl::StatusOr<std::string> FolderDecisions(const std::string& source) {
  absl::StatusOr<PathKind> what = ProbePath(source);
  if (!what.ok() || *what != PathKind::kDirectory) return std::string();
  const std::string path = InFolder(source, "decisions.csv");
  absl::StatusOr<PathKind> file = ProbePath(path);
  if (!file.ok()) return file.status();
  return *file == PathKind::kMissing ? std::string() : path;
}

}  // namespace mitra::cli
