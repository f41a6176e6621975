#include "mitra/graph/pagerank.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "kernels.h"
#include "parallel.h"
#include "vector_checks.h"

namespace mitra::graph {
namespace {

// The in-edges the iteration pulls along, in some node order. Either the
// graph's own transpose, or a relabelled copy (see Reordered).
struct PullView {
  uint32_t n = 0;
  const uint32_t* offsets = nullptr;
  const NodeId* sources = nullptr;
  const double* weights = nullptr;  // nullptr: unweighted
  std::vector<uint32_t> order;      // view id -> node id; empty: identity
  // Storage when relabelled.
  std::vector<uint32_t> own_offsets;
  std::vector<NodeId> own_sources;
  std::vector<double> own_weights;
};

// Relabels nodes by decreasing out-degree and builds the transpose in the
// new ids straight from the out-edges (rows come out sorted). The values
// the iteration gathers (one per source) are then read mostly from a small
// hot prefix that stays in cache: on skewed graphs most edges leave a few
// high-degree nodes (Wei et al., "Speedup graph processing by graph
// ordering", SIGMOD 2016, discuss such orderings).
void Reordered(const CsrGraph& g, bool weighted, PullView* v) {
  const uint32_t n = g.num_nodes();
  const Adjacency& out = g.out();
  uint32_t max_deg = 0;
  for (uint32_t u = 0; u < n; ++u) max_deg = std::max(max_deg, g.out_degree(u));
  // Counting sort by degree, descending, stable.
  std::vector<uint32_t> start(static_cast<size_t>(max_deg) + 2, 0);
  for (uint32_t u = 0; u < n; ++u) ++start[max_deg - g.out_degree(u) + 1];
  for (uint32_t d = 0; d <= max_deg; ++d) start[d + 1] += start[d];
  v->order.resize(n);
  std::vector<uint32_t> rank(n);
  for (uint32_t u = 0; u < n; ++u) {
    const uint32_t r = start[max_deg - g.out_degree(u)]++;
    v->order[r] = u;
    rank[u] = r;
  }
  v->own_offsets.assign(static_cast<size_t>(n) + 1, 0);
  for (NodeId t : out.targets) ++v->own_offsets[rank[t] + 1];
  for (uint32_t i = 0; i < n; ++i) v->own_offsets[i + 1] += v->own_offsets[i];
  v->own_sources.resize(out.targets.size());
  if (weighted) v->own_weights.resize(out.targets.size());
  std::vector<uint32_t> pos(v->own_offsets.begin(), v->own_offsets.end() - 1);
  for (uint32_t r = 0; r < n; ++r) {
    const uint32_t u = v->order[r];
    for (uint32_t p = out.offsets[u]; p < out.offsets[u + 1]; ++p) {
      const uint32_t q = pos[rank[out.targets[p]]]++;
      v->own_sources[q] = r;
      if (weighted) v->own_weights[q] = out.weights[p];
    }
  }
  v->n = n;
  v->offsets = v->own_offsets.data();
  v->sources = v->own_sources.data();
  v->weights = weighted ? v->own_weights.data() : nullptr;
}

void Identity(const CsrGraph& g, bool weighted, PullView* v) {
  const Adjacency& in = g.in();
  v->n = g.num_nodes();
  v->offsets = in.offsets.data();
  v->sources = in.targets.data();
  v->weights = weighted ? in.weights.data() : nullptr;
}

// sum over in-edges of w * z[source]; four partial sums break the add
// latency chain, so the gathers overlap.
template <bool kWeighted, class T>
inline double PullRow(const PullView& v, uint32_t row, const T* z) {
  uint32_t p = v.offsets[row];
  const uint32_t e = v.offsets[row + 1];
  const NodeId* s = v.sources;
  double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (; p + 4 <= e; p += 4) {
    if constexpr (kWeighted) {
      a0 += v.weights[p] * z[s[p]];
      a1 += v.weights[p + 1] * z[s[p + 1]];
      a2 += v.weights[p + 2] * z[s[p + 2]];
      a3 += v.weights[p + 3] * z[s[p + 3]];
    } else {
      a0 += z[s[p]];
      a1 += z[s[p + 1]];
      a2 += z[s[p + 2]];
      a3 += z[s[p + 3]];
    }
  }
  for (; p < e; ++p) {
    if constexpr (kWeighted) {
      a0 += v.weights[p] * z[s[p]];
    } else {
      a0 += z[s[p]];
    }
  }
  return (a0 + a1) + (a2 + a3);
}

// Runs the chosen solver in the view's ids; p, outw in view ids.
template <bool kWeighted, class T>
void Solve(const PullView& view, const PageRankOptions& o, const std::vector<double>& p,
           const std::vector<double>& outw, PageRankResult* r) {
  const uint32_t n = view.n;
  std::vector<double> inv(n);  // 1 / out-weight, 0 for dangling nodes
  for (uint32_t u = 0; u < n; ++u) inv[u] = outw[u] > 0 ? 1.0 / outw[u] : 0.0;
  const double d = o.damping;
  std::vector<double> x(p);
  std::vector<T> z(n);  // what the neighbours gather
  r->iterations = 0;
  r->converged = false;
  if (o.solver == PageRankSolver::kGaussSeidel) {
    // y solves (I - d P^T) y = p; z = y / out-weight, updated in place as
    // the sweep goes (Gauss-Seidel).
    std::vector<double> y(p);
    for (uint32_t u = 0; u < n; ++u) z[u] = static_cast<T>(y[u] * inv[u]);
    while (r->iterations < o.max_iterations) {
      double total = 0;
      for (uint32_t v = 0; v < n; ++v) {
        const double yv = p[v] + d * PullRow<kWeighted>(view, v, z.data());
        y[v] = yv;
        z[v] = static_cast<T>(yv * inv[v]);
        total += yv;
      }
      const double scale = 1.0 / total;
      double change = 0;
      for (uint32_t v = 0; v < n; ++v) {
        const double xv = y[v] * scale;
        change += std::fabs(xv - x[v]);
        x[v] = xv;
      }
      ++r->iterations;
      r->last_change = change;
      if (change < o.tolerance) {
        r->converged = true;
        break;
      }
    }
  } else {
    const int threads = std::max(1, std::min(o.threads, static_cast<int>(n / 4096) + 1));
    std::vector<double> next(n), dang(threads), moved(threads), part(threads);
    // A uniform teleport vector is one number, not an array to stream.
    const bool uniform = std::all_of(p.begin(), p.end(), [&](double v) { return v == p[0]; });
    double dangling = 0;
    for (uint32_t u = 0; u < n; ++u) {
      z[u] = static_cast<T>(x[u] * inv[u]);
      if (inv[u] == 0) dangling += x[u];
    }
    while (r->iterations < o.max_iterations) {
      const double base = d * dangling + (1 - d);
      const double base_uniform = base * p[0];
      // Pass 1: pull, and the L1 change against the previous iterate (the
      // exact iteration keeps the sum at 1, so the renormalisation of pass
      // 2 only corrects rounding and does not change this measure).
      ParallelChunks(threads, n, [&](size_t b, size_t e, int c) {
        double change = 0, sum = 0;
        for (size_t v = b; v < e; ++v) {
          const double teleport = uniform ? base_uniform : base * p[v];
          const double xv =
              d * PullRow<kWeighted>(view, static_cast<uint32_t>(v), z.data()) + teleport;
          next[v] = xv;
          change += std::fabs(xv - x[v]);
          sum += xv;
        }
        moved[c] = change;
        part[c] = sum;
      });
      double change = 0, total = 0;
      for (int c = 0; c < threads; ++c) {
        change += moved[c];
        total += part[c];
      }
      x.swap(next);
      // Pass 2: renormalise against rounding drift and prepare the gather.
      const double scale = 1.0 / total;
      ParallelChunks(threads, n, [&](size_t b, size_t e, int c) {
        double dsum = 0;
        for (size_t v = b; v < e; ++v) {
          const double xv = x[v] * scale;
          x[v] = xv;
          z[v] = static_cast<T>(xv * inv[v]);
          if (inv[v] == 0) dsum += xv;
        }
        dang[c] = dsum;
      });
      dangling = 0;
      for (int c = 0; c < threads; ++c) dangling += dang[c];
      ++r->iterations;
      r->last_change = change;
      if (change < o.tolerance) {
        r->converged = true;
        break;
      }
    }
  }
  r->rank = std::move(x);
}

template <bool kWeighted>
void Run(const PullView& view, const std::vector<double>& outw, const PageRankOptions& o,
         std::vector<double> p, PageRankResult* r) {
  const bool reordered = !view.order.empty();
  if (reordered) {
    std::vector<double> tmp(view.n);
    for (uint32_t i = 0; i < view.n; ++i) tmp[i] = p[view.order[i]];
    p.swap(tmp);
  }
  if (o.single_precision) {
    Solve<kWeighted, float>(view, o, p, outw, r);
  } else {
    Solve<kWeighted, double>(view, o, p, outw, r);
  }
  if (reordered) {
    std::vector<double> rank(view.n);
    for (uint32_t i = 0; i < view.n; ++i) rank[view.order[i]] = r->rank[i];
    r->rank.swap(rank);
  }
}

absl::Status Validate(const PageRankOptions& o) {
  if (!(o.damping >= 0 && o.damping < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("pagerank: damping ", o.damping, " must be in [0, 1)"));
  }
  if (!(o.tolerance >= 0) || !std::isfinite(o.tolerance)) {
    return absl::InvalidArgumentError(
        absl::StrCat("pagerank: tolerance ", o.tolerance, " must be finite and >= 0"));
  }
  if (o.max_iterations < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("pagerank: max_iterations ", o.max_iterations, " must be >= 1"));
  }
  if (o.threads < 1) {
    return absl::InvalidArgumentError(absl::StrCat("pagerank: threads ", o.threads, " < 1"));
  }
  return absl::OkStatus();
}

}  // namespace

struct PageRankPlan::Impl {
  PullView view;
  std::vector<double> outw;  // in the view's ids
  bool weighted = false;
};

PageRankPlan::PageRankPlan() = default;
PageRankPlan::PageRankPlan(PageRankPlan&&) noexcept = default;
PageRankPlan& PageRankPlan::operator=(PageRankPlan&&) noexcept = default;
PageRankPlan::~PageRankPlan() = default;

uint32_t PageRankPlan::num_nodes() const { return impl_ ? impl_->view.n : 0; }
bool PageRankPlan::reordered() const { return impl_ && !impl_->view.order.empty(); }

PageRankPlan PageRankPlan::Create(const CsrGraph& g, bool use_weights, PageRankReorder reorder) {
  PageRankPlan plan;
  plan.impl_ = std::make_unique<Impl>();
  Impl& im = *plan.impl_;
  im.weighted = use_weights && g.weighted();
  im.outw = OutWeights(g, im.weighted);
  if (reorder == PageRankReorder::kAlways ||
      (reorder == PageRankReorder::kAuto && g.num_arcs() >= (1u << 21))) {
    Reordered(g, im.weighted, &im.view);
    std::vector<double> tmp(im.view.n);
    for (uint32_t i = 0; i < im.view.n; ++i) tmp[i] = im.outw[im.view.order[i]];
    im.outw.swap(tmp);
  } else {
    Identity(g, im.weighted, &im.view);
  }
  return plan;
}

absl::StatusOr<PageRankResult> PageRank(const PageRankPlan& plan, const PageRankOptions& o) {
  if (absl::Status s = Validate(o); !s.ok()) return s;
  const uint32_t n = plan.num_nodes();
  PageRankResult r;
  if (n == 0) {
    r.converged = true;
    return r;
  }
  std::vector<double> p;
  if (o.teleport.empty()) {
    p.assign(n, 1.0 / n);
  } else {
    auto normalised = NormalisedDistribution(o.teleport, n, "pagerank: teleport");
    if (!normalised.ok()) return normalised.status();
    p = *std::move(normalised);
  }
  const PageRankPlan::Impl& im = *plan.impl_;
  if (im.weighted) {
    Run<true>(im.view, im.outw, o, std::move(p), &r);
  } else {
    Run<false>(im.view, im.outw, o, std::move(p), &r);
  }
  if (!r.converged && o.require_convergence) {
    return absl::FailedPreconditionError(
        absl::StrCat("pagerank: no convergence in ", r.iterations, " iterations (L1 change ",
                     r.last_change, " >= tolerance ", o.tolerance, ")"));
  }
  return r;
}

absl::StatusOr<PageRankResult> PageRank(const CsrGraph& graph, const PageRankOptions& o) {
  if (absl::Status s = Validate(o); !s.ok()) return s;
  if (graph.num_nodes() == 0) {
    PageRankResult r;
    r.converged = true;
    return r;
  }
  if (!o.teleport.empty()) {
    // Checked before the (O(m)) plan is built.
    if (absl::Status s = CheckNodeVector(o.teleport, graph.num_nodes(), "pagerank: teleport");
        !s.ok()) {
      return s;
    }
  }
  return PageRank(PageRankPlan::Create(graph, o.use_weights, o.reorder), o);
}

}  // namespace mitra::graph
