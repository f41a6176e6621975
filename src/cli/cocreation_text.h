// The co-creation text the `mitra cocreation` command and the report share
// (implemented in cocreation_command.cc).
#ifndef MITRA_CLI_COCREATION_TEXT_H_
#define MITRA_CLI_COCREATION_TEXT_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/v1/cocreation_analysis.pb.h"

namespace mitra::cli {

// Per program: the attribute table with the flagged shortfalls, and NPS with
// its interval. Every line starts with `indent`.
void WriteFeedbackText(const v1::FeedbackReport& r, std::ostream& out, const std::string& indent);
// Per decision its outcome and measure; per program the adoption rate and
// value; the top `top_contributors` contributors by credit.
void WriteAdoptionText(const v1::AdoptionReport& r, std::ostream& out, const std::string& indent,
                       int top_contributors);
// A decisions CSV file (docs/COCREATION.md) as an AdoptionRequest.
absl::StatusOr<v1::AdoptionRequest> ReadDecisionsFile(const std::string& path);

// `mitra cocreation`.
int CoCreationCommand(const std::vector<std::string>& args);
extern const char kCoCreationHelp[];

}  // namespace mitra::cli

#endif  // MITRA_CLI_COCREATION_TEXT_H_
