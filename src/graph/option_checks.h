// Bounds shared by the graph algorithms' option checks (CheckCount in
// common/request_errors.h): an iteration count and a thread count, each
// "1..max", so that no request (and no C++ caller) can hold a host for an
// unbounded number of sweeps or threads.
#ifndef MITRA_SRC_GRAPH_OPTION_CHECKS_H_
#define MITRA_SRC_GRAPH_OPTION_CHECKS_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "mitra/core/limits.h"
#include "mitra/core/absl_view.h"

namespace mitra::graph {

inline constexpr int kMaxIterations = 100000;
// Leiden's iterations are full passes (local moves, refinement, aggregation).
inline constexpr int kMaxLeidenIterations = 10000;

// A power iteration's stopping rule: a tolerance finite and > 0 (0 could
// never be met: the iteration would only run out) and 1..kMaxIterations
// sweeps.
inline absl::Status CheckStoppingRule(double tolerance, int max_iterations,
                                      const FieldPath& names) {
  if (absl::Status s = CheckRange(tolerance, names("tolerance"), tolerance > 0, "finite and > 0");
      !s.ok())
    return s;
  return CheckCount(max_iterations, 1, kMaxIterations, names("max_iterations"));
}

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_OPTION_CHECKS_H_
