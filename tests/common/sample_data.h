// The bundled sample data (data/sample, made by scripts/generate_sample_data.py;
// ground truth in data/sample/planted.json) into a workspace. Header-only and
// free of GoogleTest, so that the benchmarks load it the same way; the
// including target defines MITRA_SOURCE_DIR (mitra_add_test and
// mitra_add_benchmark do).
#ifndef MITRA_TESTS_COMMON_SAMPLE_DATA_H_
#define MITRA_TESTS_COMMON_SAMPLE_DATA_H_

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "mitra/core/csv_import.h"
#include "mitra/core/workspace.h"

namespace mitra::testing {

inline std::string SampleDir() { return std::string(MITRA_SOURCE_DIR) + "/data/sample"; }

// Ingests the sample's <kind>.csv for each of `kinds` that has a file, in
// the order given (KindNames() puts the records others name first); stops
// at the first error.
inline absl::Status IngestSample(Workspace& ws,
                                 const std::vector<std::string>& kinds = KindNames()) {
  for (const std::string& kind : kinds) {
    const std::filesystem::path path = std::filesystem::path(SampleDir()) / (kind + ".csv");
    if (!std::filesystem::exists(path)) continue;
    if (absl::Status s = IngestCsvFile(ws, kind, path.string()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Every kind of the sample, loaded once per process and never changed (so
// suites and benchmarks share it); aborts with the error if it does not
// load, since nothing measured on a partial sample would mean anything.
inline const Workspace& SampleWorkspace() {
  static const Workspace* ws = [] {
    auto* w = new Workspace();
    if (absl::Status s = IngestSample(*w); !s.ok()) {
      std::fprintf(stderr, "data/sample: %s\n", std::string(s.message()).c_str());
      std::abort();
    }
    return w;
  }();
  return *ws;
}

}  // namespace mitra::testing

#endif  // MITRA_TESTS_COMMON_SAMPLE_DATA_H_
