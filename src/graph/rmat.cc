#include "mitra/graph/rmat.h"

#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "common/random.h"

namespace mitra::graph {

absl::StatusOr<EdgeList> GenerateRmat(const RmatOptions& o) {
  if (o.scale < 1 || o.scale > 31) {
    return absl::InvalidArgumentError(absl::StrCat("rmat: scale ", o.scale, " not in [1, 31]"));
  }
  const double d = 1 - o.a - o.b - o.c;
  if (!(o.a >= 0 && o.b >= 0 && o.c >= 0 && d >= -1e-12)) {
    return absl::InvalidArgumentError("rmat: a, b, c must be >= 0 with a + b + c <= 1");
  }
  if (o.edges > (uint64_t{1} << 32)) {
    return absl::InvalidArgumentError("rmat: at most 2^32 edges");
  }
  EdgeList e;
  e.num_nodes = uint32_t{1} << o.scale;
  e.src.resize(o.edges);
  e.dst.resize(o.edges);
  Rng rng(o.seed);
  const double ab = o.a + o.b, abc = o.a + o.b + o.c;
  for (uint64_t i = 0; i < o.edges; ++i) {
    uint32_t u = 0, v = 0;
    for (int bit = o.scale - 1; bit >= 0; --bit) {
      const double r = rng.Uniform();
      // Quadrants: a = (0,0), b = (0,1), c = (1,0), d = (1,1).
      const uint32_t row = r >= ab, col = (r >= o.a && r < ab) || r >= abc;
      u |= row << bit;
      v |= col << bit;
    }
    e.src[i] = u;
    e.dst[i] = v;
  }
  if (o.permute) {
    std::vector<uint32_t> perm(e.num_nodes);
    std::iota(perm.begin(), perm.end(), 0u);
    for (uint32_t i = e.num_nodes; i > 1; --i) std::swap(perm[i - 1], perm[rng.Below(i)]);
    for (uint64_t i = 0; i < o.edges; ++i) {
      e.src[i] = perm[e.src[i]];
      e.dst[i] = perm[e.dst[i]];
    }
  }
  return e;
}

}  // namespace mitra::graph
