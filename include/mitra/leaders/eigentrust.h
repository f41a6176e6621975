// EigenTrust (Kamvar, Schlosser & Garcia-Molina 2003): local trust
// c_ij = max(s_ij, 0) / sum_k max(s_ik, 0) from i's endorsements (and likes)
// of j minus its flags of j; global trust t = (1 - a) C^T t + a p with p
// uniform over the pre-trusted members (all members when none). A member who
// trusts nobody follows p. This is PageRank with damping 1 - a and teleport
// p, and is computed by it (graph/pagerank.h).
#ifndef MITRA_LEADERS_EIGENTRUST_H_
#define MITRA_LEADERS_EIGENTRUST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"

namespace mitra::leaders {

struct EigenTrustOptions {
  double a = 0.15;                  // weight of the pre-trusted vector, in (0, 1]
  std::vector<uint32_t> pretrusted;  // node ids; empty = uniform over all nodes
  double tolerance = 1e-10;          // L1
  int max_iterations = 1000;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct EigenTrustResult {
  std::vector<double> trust;  // sums to 1
  int iterations = 0;
  bool converged = false;
};

// `local` holds s_ij as edge weights i -> j (negative weights allowed here:
// they are clipped at 0 per pair after summing duplicates).
absl::StatusOr<EigenTrustResult> EigenTrust(uint32_t num_nodes, absl::Span<const uint32_t> src,
                                            absl::Span<const uint32_t> dst,
                                            absl::Span<const double> local,
                                            const EigenTrustOptions& options);

}  // namespace mitra::leaders

#endif  // MITRA_LEADERS_EIGENTRUST_H_
