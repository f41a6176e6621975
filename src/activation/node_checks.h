// The checks of node lists that several options share (the plan's, the
// simulation's), so that each rule is written and worded once. Internal to
// src/activation.
#ifndef MITRA_SRC_ACTIVATION_NODE_CHECKS_H_
#define MITRA_SRC_ACTIVATION_NODE_CHECKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "common/request_errors.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::activation {

// Every id < n; else "<field>[i]: node x out of range (num_nodes n)".
inline absl::Status CheckNodeIds(absl::Span<const graph::NodeId> ids, const std::string& field,
                                 uint32_t n) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] >= n)
      return Invalid(absl::StrCat(field, "[", i, "]"),
                     absl::StrCat("node ", ids[i], " out of range (num_nodes ", n, ")"));
  return absl::OkStatus();
}

// Empty, or one group per node with ids <= n: the ids size the per-group
// sums (at most one group per node and one for "none").
inline absl::Status CheckGroups(const std::vector<uint32_t>& groups, const std::string& field,
                                uint32_t n) {
  if (groups.empty()) return absl::OkStatus();
  if (groups.size() != n)
    return Invalid(field, absl::StrCat(groups.size(), " values, but the graph has ", n, " nodes"));
  for (size_t i = 0; i < groups.size(); ++i)
    if (groups[i] > n)
      return Invalid(absl::StrCat(field, "[", i, "]"),
                     absl::StrCat("group ", groups[i], " must be <= num_nodes ", n));
  return absl::OkStatus();
}

}  // namespace mitra::activation

#endif  // MITRA_SRC_ACTIVATION_NODE_CHECKS_H_
