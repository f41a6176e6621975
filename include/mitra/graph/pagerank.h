// PageRank (Page, Brin, Motwani & Winograd 1999), global or personalised.
//
//   x = d P^T x + d (sum of x over dangling nodes) p + (1 - d) p
//
// P is the row-stochastic transition matrix (an edge's weight over its
// source's out-weight), p the teleport vector (uniform, or the given one
// normalised to sum 1) and d the damping factor. A dangling node (no
// out-weight) sends its rank along p, as networkx and igraph do, so the
// values sum to 1. An undirected graph walks each edge both ways.
//
// Three solvers, same fixed point:
//  * kGaussSeidel (the default for graphs that are not reordered): since
//    the dangling mass follows p, x is proportional to the solution y of
//    (I - d P^T) y = p (Langville & Meyer, "Deeper inside PageRank", 2004,
//    sec. 5); Gauss-Seidel sweeps solve it
//    in place, about twice as fast per digit as the power method.
//  * kPower: the power (Jacobi) iteration above, as networkx's pagerank; it
//    can use several threads.
//  * kGaussSeidelGoogle: Gauss-Seidel sweeps on the equation above itself
//    (the dangling mass D kept up to date during the sweep, the vector
//    renormalised after each sweep through a scale factor). It combines
//    Gauss-Seidel's in-place updates with the power method's deflation of
//    the mass mode, so it usually needs the fewest sweeps on skewed graphs
//    (R-MAT to 1e-10: 15, against 30 for kPower and 62 for kGaussSeidel;
//    Epinions: 57 against 63 and 111). With threads > 1 each thread sweeps
//    its own range of rows and sees the other ranges' values of the
//    previous sweep (block Jacobi between ranges), so the values depend on
//    the thread count (not on timing) and agree to the tolerance (R-MAT:
//    13 sweeps with 2 threads, 90 against 157 ms on a plan). On graphs of
//    >= 2^16 nodes with tolerance < 1e-7 the first sweeps gather in float
//    and double sweeps finish (same accuracy as all-double; most of the
//    R-MAT sweeps are float ones, which are cheaper). Fastest for large
//    graphs: this solver with the reordered layout (PageRankReorder,
//    automatic from 2^18 arcs).
// The iteration stops when the L1 change of the normalised vector between two
// sweeps is below `tolerance` (networkx's tol t corresponds to n * t here).
#ifndef MITRA_GRAPH_PAGERANK_H_
#define MITRA_GRAPH_PAGERANK_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/field_path.h"
#include "mitra/graph/csr_graph.h"

namespace mitra::graph {

// kAuto (the default): kGaussSeidelGoogle when the graph is reordered (see
// PageRankReorder: large graphs, where it needs the fewest sweeps and the
// isolated-node and padding shortcuts apply), kGaussSeidel otherwise.
enum class PageRankSolver { kGaussSeidel, kPower, kGaussSeidelGoogle, kAuto };

// Relabelling nodes by decreasing out-degree before iterating (and back
// after) keeps the gathered values of the busiest sources in cache. It costs
// three radix passes over the edges and a copy of the transpose in the new
// order (instead of the graph's own transpose, which is then not built).
// Isolated nodes (no in- and no out-edges) go last in the new order;
// kGaussSeidelGoogle keeps them as one closed-form sum ((d D + 1 - d) p_v,
// D the dangling mass) instead of sweeping them. The copy pads rows with
// references to a node whose gathered value is 0, so the pull loop has no
// per-row remainder: from 2^18 non-isolated nodes (when the gathered values
// outgrow a 1 MiB L2 cache) in a sliced ELLPACK layout, where the sweeps sum
// 16 rows at once (with AVX2 gathers where the CPU has them; the same bits
// either way) and Gauss-Seidel updates blocks of 16 rows; below that, in
// CSR rows padded to multiples of 4, swept row by row.
enum class PageRankReorder {
  // When the graph has >= 2^18 arcs (Epinions, 0.5 M arcs: 31 against 48
  // ms to 1e-10 without reordering).
  kAuto,
  kNever,
  kAlways,
};

struct PageRankOptions {
  double damping = 0.85;      // in [0, 1)
  double tolerance = 1e-10;   // L1 change between sweeps; >= 0 (0: run max_iterations)
  int max_iterations = 1000;  // 1..100000
  // Empty: uniform. Otherwise one non-negative finite value per node with a
  // positive sum; also where dangling nodes send their rank.
  std::vector<double> teleport;
  bool use_weights = true;  // false: every edge weighs 1
  PageRankSolver solver = PageRankSolver::kAuto;
  int threads = 1;  // kPower and kGaussSeidelGoogle
  PageRankReorder reorder = PageRankReorder::kAuto;
  // Keep the gathered per-node values in float: half the memory traffic of
  // the random reads; ranks are still accumulated and returned in double,
  // but agree with the double solution only to ~1e-7 relative, so use it
  // with tolerance >= ~1e-6 or a fixed number of iterations.
  bool single_precision = false;
  // false: return the last iterate instead of FAILED_PRECONDITION when
  // max_iterations is reached first (for fixed-iteration runs).
  bool require_convergence = true;
  // How the caller names these options in errors (empty: as here).
  FieldPath names;
};

struct PageRankResult {
  std::vector<double> rank;  // sums to 1
  int iterations = 0;
  double last_change = 0;  // L1 change of the last sweep
  bool converged = false;
};

absl::StatusOr<PageRankResult> PageRank(const CsrGraph& graph, const PageRankOptions& options = {});

// The graph prepared for PageRank: out-weights and the in-edges in the
// solver's node order (one pass over the edges; with reordering, a copy of
// the transpose). Build it once to run many PageRanks on one graph (e.g. a
// personalised vector per segment). The graph must outlive the plan.
class PageRankPlan {
 public:
  static PageRankPlan Create(const CsrGraph& graph, bool use_weights = true,
                             PageRankReorder reorder = PageRankReorder::kAuto);
  PageRankPlan(PageRankPlan&&) noexcept;
  PageRankPlan& operator=(PageRankPlan&&) noexcept;
  ~PageRankPlan();
  uint32_t num_nodes() const;
  bool reordered() const;

 private:
  friend absl::StatusOr<PageRankResult> PageRank(const PageRankPlan&, const PageRankOptions&);
  struct Impl;
  PageRankPlan();
  std::unique_ptr<Impl> impl_;
};

// As above on a prepared graph; options.use_weights and options.reorder are
// the plan's and are ignored here.
absl::StatusOr<PageRankResult> PageRank(const PageRankPlan& plan, const PageRankOptions& options);

}  // namespace mitra::graph

#endif  // MITRA_GRAPH_PAGERANK_H_
