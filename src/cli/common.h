// What the CLI's commands share: error reporting and reading a workspace.
#ifndef MITRA_CLI_COMMON_H_
#define MITRA_CLI_COMMON_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/basis.pb.h"
#include "mitra/v1/value.pb.h"

namespace mitra::cli {

// Prints "mitra: STATUS: message" and returns the exit code 1.
int Fail(const absl::Status& s);
// Prints a usage problem and returns the exit code 2.
int Usage(const std::string& problem);
// A message in protobuf's JSON mapping with the .proto field names and
// every field (zeros included); `pretty` adds line breaks and indentation.
std::string Json(const google::protobuf::Message& m, bool pretty = false);
// Numbers as text. printf's "%.*f": `decimals` digits after the point.
std::string Decimals(double v, int decimals);
// printf's "%.*g": `digits` significant digits.
std::string Significant(double v, int digits);
// "-1234567.5" -> "-1,234,567.5": commas between the thousands of the whole part.
std::string GroupThousands(std::string number);
// A CSV field: quoted (with doubled quotes) when it holds a comma, a quote
// or a line break.
std::string CsvQuote(const std::string& s);
// Where a money figure comes from, in words: "estimated (90% interval
// 1,633 to 2,501; from ...)", "assumed: influence_share = 0.1
// (request.influence_share)", "given: ...". Empty for an unset basis.
std::string BasisText(const v1::MoneyBasis& basis, int decimals = 0);

// What a value fit's checks found, one line each after `indent`: a fit at a
// boundary ("WARNING: ... not a fit to read: r = 3e-08 ran towards 0 ..."),
// and for Gamma-Gamma the spend-frequency correlation of the repeat buyers.
// Empty when there is nothing to say.
std::string FitChecksText(const v1::FittedModel& model, const std::string& indent);
// Writes a command's output: to standard output, or to `output` followed by
// "wrote OUTPUT (summary)" ("wrote OUTPUT" without a summary) on standard
// output. `notes`, a text beside the output, go to standard error, or with
// an `output` to standard output before that line. Returns the exit code.
int WriteOutput(const std::string& body, const std::string& output, const std::string& summary,
                const std::string& notes = "");
// Ingests CSV files (folders of <kind>.csv, or KIND=FILE) in dependency
// order; several files of one kind are all read, in the order given. The
// caller discards `ws` on error (all or nothing).
absl::Status ImportSources(const std::vector<std::string>& sources, Workspace& ws);
// A snapshot, or a folder of CSV files imported in memory.
absl::StatusOr<std::unique_ptr<Workspace>> LoadWorkspace(const std::string& source);
// SOURCE/decisions.csv when SOURCE is a folder holding one, else "".
absl::StatusOr<std::string> FolderDecisions(const std::string& source);

// `mitra value`.
int ValueCommand(const std::vector<std::string>& args);
extern const char kValueHelp[];
// `mitra value --model sbg | bgbb` (value_discrete_command.cc).
int ValueDiscreteCommand(const std::vector<std::string>& args);
extern const char kValueDiscreteHelp[];

// `mitra leaders`.
int LeadersCommand(const std::vector<std::string>& args);
extern const char kLeadersHelp[];

// `mitra influence`.
int InfluenceCommand(const std::vector<std::string>& args);
extern const char kInfluenceHelp[];

// `mitra activate`.
int ActivateCommand(const std::vector<std::string>& args);
extern const char kActivateHelp[];

// `mitra ladder`.
int LadderCommand(const std::vector<std::string>& args);
extern const char kLadderHelp[];

// `mitra channels`.
int ChannelsCommand(const std::vector<std::string>& args);
extern const char kChannelsHelp[];

}  // namespace mitra::cli

#endif  // MITRA_CLI_COMMON_H_
