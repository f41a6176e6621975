#include "mitra/graph/edge_list.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/file_io.h"
#include "mitra/core/text_checks.h"

namespace mitra::graph {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Splits a line into at most 4 whitespace-separated fields.
int Fields(std::string_view line, std::string_view* f) {
  int k = 0;
  size_t i = 0;
  while (i < line.size() && k < 4) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i == line.size()) break;
    const size_t b = i;
    while (i < line.size() && !IsSpace(line[i])) ++i;
    f[k++] = line.substr(b, i - b);
  }
  return k;
}

bool ParseU64(std::string_view s, uint64_t* v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseDouble(std::string_view s, double* v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

absl::StatusOr<LoadedEdgeList> ParseEdgeList(std::string_view text, std::string_view name,
                                             const EdgeListOptions& options) {
  auto error = [&](uint64_t line, std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(Av(name), ":", line, ": ", Av(what)));
  };
  std::vector<uint64_t> src, dst;
  std::vector<double> w;
  bool header_pending = options.header == EdgeListOptions::Header::kNodeEdgeCount;
  uint64_t header_n = 0, header_m = 0, header_line = 0;
  uint64_t line_no = 0, max_id = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    std::string_view f[4];
    const int k = Fields(line, f);
    if (k == 0 || f[0][0] == '#' || f[0][0] == '%') continue;
    if (header_pending) {
      if (k != 2 || !ParseU64(f[0], &header_n) || !ParseU64(f[1], &header_m)) {
        return error(line_no, "expected the header `num_nodes num_edges`");
      }
      if (header_n >= std::numeric_limits<uint32_t>::max()) {
        return error(line_no, absl::StrCat("header: ", header_n, " nodes is too many"));
      }
      header_pending = false;
      header_line = line_no;
      continue;
    }
    uint64_t a, b;
    if (k < 2 || !ParseU64(f[0], &a) || !ParseU64(f[1], &b)) {
      return error(line_no, absl::StrCat("expected `from to [weight]` with non-negative integer "
                                         "ids, got ",
                                         Quote(line, 80)));
    }
    if (k > 3) return error(line_no, "more than 3 fields");
    if (options.weighted) {
      double x;
      if (k < 3) return error(line_no, "missing the weight (third column)");
      if (!ParseDouble(f[2], &x)) {
        return error(line_no, absl::StrCat("weight ", Quote(f[2]), " is not a number"));
      }
      if (!(std::isfinite(x) && x >= 0)) {
        return error(line_no, absl::StrCat("weight ", x, " is not finite and non-negative"));
      }
      w.push_back(x);
    }
    if (!options.relabel) {
      const uint64_t limit = options.header == EdgeListOptions::Header::kNodeEdgeCount
                                 ? header_n
                                 : std::numeric_limits<uint32_t>::max() - 1;
      if (a >= limit || b >= limit) {
        return error(line_no, absl::StrCat("node id ", std::max(a, b), " out of range [0, ",
                                           limit, ")"));
      }
    }
    max_id = std::max({max_id, a, b});
    src.push_back(a);
    dst.push_back(b);
  }
  if (header_pending) return error(line_no, "no header line `num_nodes num_edges`");
  if (options.header == EdgeListOptions::Header::kNodeEdgeCount && src.size() != header_m) {
    return error(header_line, absl::StrCat("header says ", header_m, " edges but the file has ",
                                           src.size()));
  }
  LoadedEdgeList out;
  out.lines_read = src.size();
  std::vector<NodeId> s(src.size()), d(dst.size());
  uint64_t n;
  if (options.relabel) {
    std::vector<uint64_t> ids(src);
    ids.insert(ids.end(), dst.begin(), dst.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (options.header == EdgeListOptions::Header::kNodeEdgeCount && ids.size() > header_n) {
      return error(header_line, absl::StrCat("header says ", header_n, " nodes but the file has ",
                                             ids.size(), " distinct ids"));
    }
    if (ids.size() >= std::numeric_limits<uint32_t>::max()) {
      return absl::InvalidArgumentError(absl::StrCat(Av(name), ": too many distinct ids"));
    }
    for (size_t i = 0; i < src.size(); ++i) {
      s[i] = static_cast<NodeId>(std::lower_bound(ids.begin(), ids.end(), src[i]) - ids.begin());
      d[i] = static_cast<NodeId>(std::lower_bound(ids.begin(), ids.end(), dst[i]) - ids.begin());
    }
    n = options.header == EdgeListOptions::Header::kNodeEdgeCount ? header_n : ids.size();
    out.original_ids = std::move(ids);
  } else {
    for (size_t i = 0; i < src.size(); ++i) {
      s[i] = static_cast<NodeId>(src[i]);
      d[i] = static_cast<NodeId>(dst[i]);
    }
    n = options.header == EdgeListOptions::Header::kNodeEdgeCount ? header_n
        : src.empty()                                            ? 0
                                                                 : max_id + 1;
  }
  auto g = CsrGraph::FromEdges(static_cast<uint32_t>(n), s, d, w, options.build);
  // The ids were checked above, so what fails here is the graph's size or
  // memory: said of the file, with its own code (out of memory stays so).
  if (!g.ok())
    return absl::Status(g.status().code(), absl::StrCat(Av(name), ": ", g.status().message()));
  out.graph = *std::move(g);
  return out;
}

absl::StatusOr<LoadedEdgeList> LoadEdgeList(const std::string& path,
                                            const EdgeListOptions& options) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseEdgeList(*text, path, options);
}

}  // namespace mitra::graph
