// Whole-workspace exports for comparing states in tests.
#ifndef MITRA_TESTS_COMMON_EXPORTS_H_
#define MITRA_TESTS_COMMON_EXPORTS_H_

#include <string>

#include "mitra/core/workspace.h"
#include "mitra/mitra.h"

namespace mitra::testing {

// Every record, through the C++ core (expects a single batch).
v1::Batch ExportAll(const Workspace& ws);
// Every record, through the C ABI: deterministic bytes, so equal workspaces
// compare equal with ==.
std::string ExportBytes(const mitra_workspace* ws);

}  // namespace mitra::testing

#endif  // MITRA_TESTS_COMMON_EXPORTS_H_
