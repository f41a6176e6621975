// Plain edge-list text files: one `from to [weight]` a line, separated by
// spaces or tabs, `#` (SNAP) or `%` starting a comment line, blank lines
// ignored, CRLF accepted. The IMM format (Tang, Shi & Xiao 2015) starts with
// a `num_nodes num_edges` line: EdgeListOptions::header = kNodeEdgeCount.
// Errors name the file and the line.
#ifndef MITRA_GRAPH_EDGE_LIST_H_
#define MITRA_GRAPH_EDGE_LIST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

struct EdgeListOptions {
  enum class Header {
    kNone,           // SNAP, and IMM files shipped without the count line
    kNodeEdgeCount,  // first data line is `n m`; m is checked
  };
  Header header = Header::kNone;
  // Read the third column as the weight (a line without one is an error);
  // otherwise a third column is ignored and the graph is unweighted.
  bool weighted = false;
  // false: ids are used as they are (n = the header's n, else max id + 1).
  // true: the distinct ids are relabelled 0..k-1 in ascending order, and
  // LoadedEdgeList::original_ids[k] is node k's id in the file.
  bool relabel = false;
  BuildOptions build;
};

struct LoadedEdgeList {
  CsrGraph graph;
  std::vector<uint64_t> original_ids;  // only when relabelling
  uint64_t lines_read = 0;             // edge lines
};

// Parses `text` (the `name` is used in messages).
absl::StatusOr<LoadedEdgeList> ParseEdgeList(std::string_view text, std::string_view name,
                                             const EdgeListOptions& options = {});
// Reads the file at `path` and parses it.
absl::StatusOr<LoadedEdgeList> LoadEdgeList(const std::string& path,
                                            const EdgeListOptions& options = {});

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_EDGE_LIST_H_
