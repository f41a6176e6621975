// mitra: the command-line face of the library.
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "batch_json.h"
#include "mitra/core/csv_import.h"
#include "mitra/core/file_io.h"
#include "mitra/core/memory_budget.h"
#include "mitra/core/snapshot.h"
#include "mitra/core/text_checks.h"
#include "mitra/core/time_format.h"
#include "mitra/mitra.h"
#include "cocreation_text.h"
#include "args.h"
#include "common.h"
#include "report.h"
#include "stdout_buffer.h"

namespace mitra::cli {
namespace {

constexpr char kUsage[] = R"(mitra )" MITRA_VERSION_STRING R"( - relationship-marketing scores and plans

Usage: mitra <command> [options]

Commands:
  import   Read CSV files into a workspace snapshot
  info     Show what a snapshot holds
  export   Write a snapshot's records as JSON (a mitra.v1.Batch)
  report   Print a readable report on a snapshot or a folder of CSV files
  value    Customer value: summaries, BG/NBD or Pareto/NBD, Gamma-Gamma, CLV, RFM
  leaders  Community leaders and bridges, trust, community health
  influence  Influence probabilities learned from purchases, joins or referrals
  activate Which leaders to activate under a budget, and the reach to expect
  cocreation  Co-creation programs: feedback findings, decisions, trial panels
  ladder   Relationship ladder stages with evidence and history; external-employee contribution
  channels Channel economics: margin stack, cost to serve, conflicts, chain against community

Run 'mitra help <command>' for a command's options.
value, leaders, influence, activate, cocreation, ladder and channels also take
--memory-limit BYTES (K, M, G suffixes: powers of 1024): the most memory
their requests may reserve; a request that needs more is refused
(default: half of the smaller of physical memory and ulimit -v / cgroup).
Data formats: docs/CSV.md (CSV columns), proto/mitra/v1/ (the schema).
)";

const std::map<std::string, std::string>& CommandHelp() {
  static const auto* m = new std::map<std::string, std::string>{
      {"import", R"(Usage: mitra import -o SNAPSHOT [--from SNAPSHOT] (DIR | KIND=FILE)...

Reads CSV files and writes a snapshot. A DIR is read as DIR/<kind>.csv for
every kind present (customers, products, communities, channels, programs,
transactions, interactions, memberships, feedback, referrals, campaigns,
campaign_members); KIND=FILE names one file. Several files of one kind (KIND=FILE twice, DIR and
KIND=FILE, two DIRs) are all read, in the order given. Kinds are applied in
dependency order; the import is all or nothing: on the first error nothing
is written and the error names the file, line and column. A DIR/<kind>.csv
that is a dangling symlink, a FIFO or a folder is an error, not skipped.

Options:
  -o, --output SNAPSHOT   where to write (replaced atomically)
  --from SNAPSHOT         start from this snapshot's records (an incremental
                          load: the new files may refer to its ids); it is
                          never modified unless it is also the output
)"},
      {"info", R"(Usage: mitra info SNAPSHOT

Prints the snapshot's format version, the library that wrote it, when, and
how many records of each kind it holds. Fails on a truncated or corrupted
file.
)"},
      {"export", R"(Usage: mitra export SNAPSHOT [-o FILE]

Writes every record as one JSON object in the protobuf JSON mapping of
mitra.v1.Batch (to standard output unless -o is given).
)"},
      {"value", kValueHelp},
      {"value-discrete", kValueDiscreteHelp},
      {"leaders", kLeadersHelp},
      {"influence", kInfluenceHelp},
      {"activate", kActivateHelp},
      {"cocreation", kCoCreationHelp},
      {"ladder", kLadderHelp},
      {"channels", kChannelsHelp},
      {"report", R"(Usage: mitra report (SNAPSHOT | DIR) [--decisions FILE] [--memory-limit BYTES]

Prints a short readable report: the data, customers and purchases,
communities, the distribution chain, co-creation programs and referrals.
A DIR of CSV files is imported in memory first. --decisions names a
decisions CSV (docs/COCREATION.md) whose outcomes the co-creation section
shows; for a DIR, DIR/decisions.csv is used when present. --memory-limit
is the requests' memory budget, as for every command.
)"},
  };
  return *m;
}

void PrintCounts(const v1::WorkspaceCounts& c, std::ostream& out) {
  const auto* d = c.GetDescriptor();
  // The counts line up after the longest kind name, and at least with the
  // 14-wide labels of `mitra info`.
  size_t width = 14;
  for (int i = 0; i < d->field_count(); ++i) width = std::max(width, d->field(i)->name().size() + 1);
  for (int i = 0; i < d->field_count(); ++i)
    out << "  " << d->field(i)->name() << std::string(width - d->field(i)->name().size(), ' ')
        << c.GetReflection()->GetUInt64(c, d->field(i)) << "\n";
}

int Import(const std::vector<std::string>& args) {
  std::string output, from;
  std::vector<std::string> sources;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-o" || args[i] == "--output") {
      if (i + 1 == args.size()) return Usage("-o needs a file name");
      output = args[++i];
    } else if (args[i] == "--from") {
      if (i + 1 == args.size()) return Usage("--from needs a snapshot");
      from = args[++i];
    } else if (!args[i].empty() && args[i][0] == '-') {
      return Usage(absl::StrCat("unknown option ", Escape(args[i])));
    } else {
      sources.push_back(args[i]);
    }
  }
  if (output.empty()) return Usage("import needs -o SNAPSHOT");
  if (sources.empty()) return Usage("import needs a folder or KIND=FILE");
  std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
  if (!from.empty()) {
    auto loaded = LoadSnapshot(from);
    if (!loaded.ok()) return Fail(loaded.status());
    ws = *std::move(loaded);
  }
  if (absl::Status s = ImportSources(sources, *ws); !s.ok()) return Fail(s);
  if (absl::Status s = SaveSnapshot(*ws, output); !s.ok()) return Fail(s);
  std::cout << "wrote " << output << " (" << ws->RecordCount() << " records)\n";
  PrintCounts(ws->Counts(), std::cout);
  return 0;
}

int Info(const std::vector<std::string>& args) {
  if (args.size() != 1) return Usage("info takes one SNAPSHOT");
  // One read gives both the records and the size the file had.
  absl::StatusOr<std::string> bytes = ReadFile(args[0]);
  if (!bytes.ok()) return Fail(bytes.status());
  SnapshotInfo info;
  auto ws = DecodeSnapshot(*bytes, args[0], &info);
  if (!ws.ok()) return Fail(ws.status());
  std::cout << args[0] << "\n"
            << "  format        " << info.major << "." << info.minor << "\n"
            << "  written by    mitra " << info.header.library_version() << "\n"
            << "  saved         " << FormatTime(info.header.saved_unix_seconds()) << "\n"
            << "  bytes         " << bytes->size() << "\n"
            << "records\n";
  PrintCounts((*ws)->Counts(), std::cout);
  return 0;
}

int Export(const std::vector<std::string>& args) {
  std::string output;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "-o" || args[i] == "--output") && i + 1 < args.size()) output = args[++i];
    else rest.push_back(args[i]);
  }
  if (rest.size() != 1) return Usage("export takes one SNAPSHOT");
  // Frame by frame from the file: memory stays at one frame however large
  // the snapshot. -o FILE is opened at the first write, which comes after
  // the snapshot's checksum passed, so a missing or corrupt snapshot leaves
  // it alone; a later failure removes it if it is a regular file.
  FileWriter file;
  bool opened = false;
  BatchJsonWriter json([&](std::string_view piece) -> absl::Status {
    if (output.empty()) {
      std::cout.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      return absl::OkStatus();  // write errors are reported at exit
    }
    if (!opened) {
      if (absl::Status o = file.Open(output); !o.ok()) return o;
      opened = true;
    }
    return file.Write(piece);
  });
  absl::Status s = ReadSnapshotBatches(rest[0], [&](const v1::Batch& b) { return json.Add(b); });
  if (s.ok()) s = json.Finish();
  if (opened) {
    absl::Status closed = file.Close();
    if (s.ok()) s = closed;
  }
  if (!s.ok()) {
    if (opened && file.regular()) ::unlink(output.c_str());
    return Fail(s);
  }
  return 0;
}

int Report(const std::vector<std::string>& args) {
  ReportOptions options;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--decisions") {
      if (i + 1 == args.size()) return Usage("--decisions needs a file");
      options.decisions_file = args[++i];
    } else if (args[i] == "--memory-limit") {
      // The same budget and syntax as every other command (args.h).
      std::optional<uint64_t> limit;
      if (i + 1 == args.size() || !(limit = ParseByteSize(args[++i])))
        return Usage(kMemoryLimitProblem);
      MemoryBudget::Process().set_limit(*limit);
    } else {
      rest.push_back(args[i]);
    }
  }
  if (rest.size() != 1) return Usage("report takes one SNAPSHOT or DIR");
  auto ws = LoadWorkspace(rest[0]);
  if (!ws.ok()) return Fail(ws.status());
  if (options.decisions_file.empty()) {
    absl::StatusOr<std::string> decisions = FolderDecisions(rest[0]);
    if (!decisions.ok()) return Fail(decisions.status());
    options.decisions_file = *decisions;
  }
  WriteReport(**ws, std::cout, options);
  return 0;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << "mitra " << mitra_version_string() << "\n";
    return 0;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "help") {
    if (args.empty()) { std::cout << kUsage; return 0; }
    auto it = CommandHelp().find(args[0]);
    if (it == CommandHelp().end()) return Usage(absl::StrCat("no command ", Quote(args[0])));
    std::cout << it->second;
    return 0;
  }
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help") {
      auto it = CommandHelp().find(cmd);
      if (it == CommandHelp().end()) break;
      std::cout << it->second;
      return 0;
    }
  }
  if (cmd == "import") return Import(args);
  if (cmd == "info") return Info(args);
  if (cmd == "export") return Export(args);
  if (cmd == "report") return Report(args);
  if (cmd == "value") return ValueCommand(args);
  if (cmd == "leaders") return LeadersCommand(args);
  if (cmd == "influence") return InfluenceCommand(args);
  if (cmd == "activate") return ActivateCommand(args);
  if (cmd == "cocreation") return CoCreationCommand(args);
  if (cmd == "ladder") return LadderCommand(args);
  if (cmd == "channels") return ChannelsCommand(args);
  return Usage(absl::StrCat("no command ", Quote(cmd)));
}

}  // namespace
}  // namespace mitra::cli

int main(int argc, char** argv) {
  mitra::cli::StdoutBuffer out;
  int rc;
  try {
    rc = mitra::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "mitra: internal error: " << e.what() << "\n";
    rc = 3;
  }
  // Every command's output is checked here, once: a failed write or flush of
  // standard output fails the command.
  if (const int err = out.Finish(); err != 0) {
    mitra::cli::Fail(absl::Status(mitra::ErrnoCode(err),
                                  absl::StrCat("cannot write standard output: ", std::strerror(err))));
    if (rc == 0) rc = 1;
  }
  return rc;
}
