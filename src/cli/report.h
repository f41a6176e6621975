// The readable report of `mitra report` (and the demo). Each capability adds
// its section here.
#ifndef MITRA_CLI_REPORT_H_
#define MITRA_CLI_REPORT_H_

#include <ostream>
#include <string>

#include "mitra/core/workspace.h"

namespace mitra::cli {

void WriteReport(const Workspace& ws, std::ostream& out);

struct ReportOptions {
  // A decisions CSV for the co-creation section (docs/COCREATION.md); "": none.
  std::string decisions_file;
};
void WriteReport(const Workspace& ws, std::ostream& out, const ReportOptions& options);

}  // namespace mitra::cli

#endif  // MITRA_CLI_REPORT_H_
