#include "mitra/graph/pagerank.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <numeric>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "kernels.h"
#include "../core/parallel.h"
#include "vector_checks.h"

namespace mitra::graph {
namespace {

// An uninitialised array; from 2 MiB up on transparent huge pages where
// the system offers them (madvise mode): the plan's arc arrays are written
// once, and with 4 KiB pages the first-touch page faults and the zeroing a
// std::vector does cost about as much as the writes themselves.
template <class T>
class HugeArray {
 public:
  HugeArray() = default;
  explicit HugeArray(size_t n) { Reset(n); }
  HugeArray(HugeArray&& o) noexcept
      : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  HugeArray& operator=(HugeArray&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  HugeArray(const HugeArray&) = delete;
  HugeArray& operator=(const HugeArray&) = delete;
  ~HugeArray() { std::free(p_); }
  void Reset(size_t n) {
    std::free(p_);
    p_ = nullptr;
    n_ = n;
    if (n == 0) return;
    size_t bytes = n * sizeof(T);
    constexpr size_t kHuge = size_t{1} << 21;
    if (bytes >= kHuge) {
      bytes = (bytes + kHuge - 1) / kHuge * kHuge;
      p_ = static_cast<T*>(std::aligned_alloc(kHuge, bytes));
#ifdef MADV_HUGEPAGE
      if (p_ != nullptr) madvise(p_, bytes, MADV_HUGEPAGE);
#endif
    } else {
      p_ = static_cast<T*>(std::malloc(bytes));
    }
    if (p_ == nullptr) throw std::bad_alloc();
  }
  T* data() { return p_; }
  const T* data() const { return p_; }
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }
  size_t size() const { return n_; }

 private:
  T* p_ = nullptr;
  size_t n_ = 0;
};

// The in-edges the iteration pulls along, in some node order. Either the
// graph's own transpose, or a relabelled copy (see Reordered).
struct PullView {
  uint32_t n = 0;
  const uint32_t* offsets = nullptr;
  const NodeId* sources = nullptr;
  const double* weights = nullptr;  // nullptr: unweighted
  std::vector<uint32_t> order;      // view id -> node id; empty: identity
  // The last `isolated` view ids are nodes with no in- and no out-edges
  // (only when relabelled): their value is closed-form, (d D + 1 - d) p_v
  // with D the dangling mass, so the Google sweeps keep them as one sum.
  uint32_t isolated = 0;
  // Storage when relabelled.
  std::vector<uint32_t> own_offsets;
  HugeArray<NodeId> own_sources;
  HugeArray<double> own_weights;
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
  const size_t m = out.targets.size();
  // Buckets of 2^shift consecutive node ids (a few hundred write streams).
  uint32_t shift = 0;
  while ((static_cast<uint64_t>(n - 1) >> shift) >= 256) ++shift;
  const uint32_t buckets = ((n - 1) >> shift) + 1;
  // Bucket sizes and which nodes have in-edges (plain byte stores, no
  // read-modify-write chain), all the node order needs.
  std::vector<uint32_t> bucket_pos(buckets + 1, 0);
  std::vector<uint8_t> has_in(n, 0);
  for (NodeId t : out.targets) {
    ++bucket_pos[(t >> shift) + 1];
    has_in[t] = 1;
  }
  for (uint32_t k = 0; k < buckets; ++k) bucket_pos[k + 1] += bucket_pos[k];
  uint32_t max_deg = 0;
  for (uint32_t u = 0; u < n; ++u) max_deg = std::max(max_deg, g.out_degree(u));
  // Counting sort by degree, descending, stable; isolated nodes (no in-
  // and no out-edges) in a last bucket of their own.
  auto key = [&](uint32_t u) -> uint32_t {
    const uint32_t dg = g.out_degree(u);
    return dg == 0 && has_in[u] == 0 ? max_deg + 1 : max_deg - dg;
  };
  std::vector<uint32_t> start(static_cast<size_t>(max_deg) + 3, 0);
  for (uint32_t u = 0; u < n; ++u) ++start[key(u) + 1];
  for (uint32_t d = 0; d <= max_deg + 1; ++d) start[d + 1] += start[d];
  v->isolated = n - start[max_deg + 1];
  v->order.resize(n);
  std::vector<uint32_t> rank(n);
  for (uint32_t u = 0; u < n; ++u) {
    const uint32_t r = start[key(u)]++;
    v->order[r] = u;
    rank[u] = r;
  }
  std::vector<uint8_t>().swap(has_in);
  // Pass 1: the arcs, read in source order, into buckets by old target,
  // packed as new source << 32 | old target: sequential reads, one
  // sequential write stream per bucket. Every later look-up into a node
  // array then stays inside one bucket's window (a few KB) instead of
  // hitting the whole array at random, which dominated the build before
  // (one random 4 MB look-up per arc).
  HugeArray<uint64_t> a(m);
  HugeArray<double> a_weight(weighted ? m : 0);
  for (uint32_t u = 0; u < n; ++u) {
    const uint64_t hi = static_cast<uint64_t>(rank[u]) << 32;
    for (uint32_t p = out.offsets[u]; p < out.offsets[u + 1]; ++p) {
      const uint32_t t = out.targets[p];
      const uint32_t q = bucket_pos[t >> shift]++;
      a[q] = hi | t;
      if (weighted) a_weight[q] = out.weights[p];
    }
  }
  // In-degrees in the old ids, bucket by bucket (cache-local).
  std::vector<uint32_t> in_degree(n, 0);
  for (size_t q = 0; q < m; ++q) ++in_degree[static_cast<uint32_t>(a[q])];
  // The offsets in the new ids. With an isolated node at hand (its
  // gathered value is always 0: no out-weight), every row is padded to a
  // multiple of 4 arcs with references to it, so the pull loop has no
  // remainder loop whose exit the branch predictor misses on the many
  // short rows (the padding adds exact zeros; ~10 % more arc slots).
  const bool pad = v->isolated > 0 && m + 3 * static_cast<uint64_t>(n) < (uint64_t{1} << 32);
  const uint32_t pad_source = n - v->isolated;
  v->own_offsets.assign(static_cast<size_t>(n) + 1, 0);
  uint32_t real = 0;  // arcs before row i, without the padding
  for (uint32_t i = 0; i < n; ++i) {
    if ((i & ((1u << shift) - 1)) == 0) bucket_pos[i >> shift] = real;
    const uint32_t deg = in_degree[v->order[i]];
    real += deg;
    v->own_offsets[i + 1] = v->own_offsets[i] + (pad ? (deg + 3) & ~3u : deg);
  }
  const size_t slots = v->own_offsets[n];
  // Pass 2: relabel the targets (the look-ups stay in the old bucket's
  // window) and move each arc into the bucket of its new target row.
  HugeArray<uint64_t> b(m);
  HugeArray<double> b_weight(weighted ? m : 0);
  for (size_t q = 0; q < m; ++q) {
    const uint32_t t = rank[static_cast<uint32_t>(a[q])];
    const uint32_t at = bucket_pos[t >> shift]++;
    b[at] = (a[q] & ~uint64_t{0xffffffff}) | t;
    if (weighted) b_weight[at] = a_weight[q];
  }
  a.Reset(0);
  a_weight.Reset(0);
  // Pass 3: each bucket, now small enough for the cache, into its rows.
  // All passes are stable, so the result is deterministic (a row lists its
  // sources in increasing old id).
  v->own_sources.Reset(slots);
  v->own_weights.Reset(weighted ? slots : 0);
  std::vector<uint32_t> pos(v->own_offsets.begin(), v->own_offsets.end() - 1);
  for (size_t q = 0; q < m; ++q) {
    const uint32_t at = pos[static_cast<uint32_t>(b[q])]++;
    v->own_sources[at] = static_cast<uint32_t>(b[q] >> 32);
    if (weighted) v->own_weights[at] = b_weight[q];
  }
  if (pad) {
    for (uint32_t i = 0; i < n; ++i) {
      for (uint32_t at = pos[i]; at < v->own_offsets[i + 1]; ++at) {
        v->own_sources[at] = pad_source;
        if (weighted) v->own_weights[at] = 0;
      }
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

// kGaussSeidelGoogle: Gauss-Seidel sweeps on the PageRank equation itself,
//   x_v = d sum_{u->v} z_u + (d D + 1 - d) p_v,  z_u = x_u / outw_u,
// D the dangling mass, kept up to date as dangling nodes change. Its fixed
// point sums to 1 on its own (summing the equation gives sum x = d sum x +
// 1 - d), but an iterate's mass error would only decay like d^k, so every
// sweep renormalises (through a scale factor, see sigma below); the result
// is normalised once more against rounding. With t threads, thread c sweeps its own range of
// rows (balanced by arcs) in place and reads the other ranges' values of
// the previous sweep from its private copy of z, refreshed between sweeps
// (block Jacobi between ranges, Gauss-Seidel inside): the values depend on
// the thread count but not on timing.
//
// Sweeps until the L1 change is below `tolerance` or `max_iterations` more
// sweeps are done (r->iterations counts on from its value), or, with
// `stop_on_stall`, when a sweep no longer shrinks the change by 10 %.
template <bool kWeighted, class T>
void SweepGoogle(const PullView& view, const PageRankOptions& o, const std::vector<double>& p,
                 const std::vector<double>& inv, std::vector<double>* xp, double tolerance,
                 int max_iterations, bool stop_on_stall, PageRankResult* r) {
  const uint32_t n_all = view.n;
  // Rows [0, n) are swept; the isolated nodes [n, n_all) are kept as one
  // sum `iso` (each is iso * p_v / q_iso, all moving together).
  const uint32_t n = view.n - view.isolated;
  const double d = o.damping;
  std::vector<double>& x = *xp;
  const int threads = std::max(1, std::min(o.threads, static_cast<int>(n / 4096) + 1));
  // Ranges with about equal numbers of arcs plus rows.
  std::vector<uint32_t> bound(threads + 1, n);
  bound[0] = 0;
  const uint64_t work = static_cast<uint64_t>(view.offsets[n]) + n;
  for (int c = 1; c < threads; ++c) {
    const uint64_t want = work * c / threads;
    uint32_t lo = bound[c - 1], hi = n;
    while (lo < hi) {  // first row whose start reaches `want`
      const uint32_t mid = lo + (hi - lo) / 2;
      if (static_cast<uint64_t>(view.offsets[mid]) + mid < want) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    bound[c] = lo;
  }
  // One copy of z per thread (on huge pages: the gathers hit z at random,
  // and with 4 KiB pages most of them would also miss the first-level TLB).
  std::vector<HugeArray<T>> copies(threads);
  for (auto& cz : copies) {
    cz.Reset(static_cast<size_t>(n) + 1);  // z[n]: the padding's source, 0
    for (uint32_t u = 0; u < n; ++u) cz[u] = static_cast<T>(x[u] * inv[u]);
    cz[n] = 0;
  }
  auto zc = [&](int c) -> HugeArray<T>& { return copies[c]; };
  const bool uniform = std::all_of(p.begin(), p.end(), [&](double v) { return v == p[0]; });
  double q_iso = 0;
  for (uint32_t u = n; u < n_all; ++u) q_iso += p[u];
  double iso = 0;  // sum of the isolated nodes' values (x = p at the start)
  for (uint32_t u = n; u < n_all; ++u) iso += x[u];
  double dangling = iso;
  for (uint32_t u = 0; u < n; ++u) {
    if (inv[u] == 0) dangling += x[u];
  }
  // The sweeps keep x = sigma * xs: after each sweep x is normalised to sum
  // 1 by changing sigma alone. Without it the mass error would only decay
  // like d^k; with it the sweeps converge like the power method's
  // deflated iteration, but Gauss-Seidel (18 sweeps instead of 30 for
  // the power method on R-MAT to 1e-10).
  double sigma = 1;
  std::vector<double> moved(threads), part(threads), ddang(threads);
  r->converged = false;
  const int last = r->iterations + max_iterations;
  double previous = std::numeric_limits<double>::infinity();
  while (r->iterations < last) {
    const double ds = d * sigma, inv_sigma = 1 / sigma;
    ParallelChunks(threads, static_cast<size_t>(threads), [&](size_t, size_t, int c) {
      T* z = zc(c).data();
      double dang = dangling, change = 0, sum = 0;
      for (uint32_t v = bound[c]; v < bound[c + 1]; ++v) {
        const double pv = uniform ? p[0] : p[v];
        const double xv = ds * PullRow<kWeighted>(view, v, z) + (ds * dang + (1 - d)) * pv;
        const double old = x[v];
        change += std::fabs(xv - sigma * old);
        const double xs = xv * inv_sigma;
        sum += xs;
        if (inv[v] == 0) dang += xs - old;
        x[v] = xs;
        z[v] = static_cast<T>(xs * inv[v]);
      }
      moved[c] = change;
      part[c] = sum;
      ddang[c] = dang - dangling;
    });
    double change = 0, total = 0;
    for (int c = 0; c < threads; ++c) {
      change += moved[c];
      total += part[c];
      dangling += ddang[c];
    }
    // The isolated nodes last (serially); their L1 change is the change of
    // their sum, since they all move by the same factor. One thread: one
    // Gauss-Seidel step on their sum, with the dangling mass as the sweep
    // left it. Several: their block solved exactly (they are dangling
    // themselves, so the sum solves xi = (d sigma (D' + xi / sigma) + 1 - d)
    // q_iso, D' the other dangling nodes' scaled mass). Both have the same
    // fixed point; chosen by sweep counts on R-MAT to 1e-10 (one thread: 15
    // against 18; two: 14 against 25).
    if (n < n_all) {
      const double xi = threads == 1
                            ? (ds * dangling + (1 - d)) * q_iso
                            : (ds * (dangling - iso) + (1 - d)) * q_iso / (1 - d * q_iso);
      change += std::fabs(xi - sigma * iso);
      const double xs = xi * inv_sigma;
      dangling += xs - iso;
      iso = xs;
      total += xs;
    }
    sigma = 1 / total;  // the new iterate, sigma_old * total, scaled to sum 1
    if (threads > 1) {
      // Each copy takes the other ranges' new values.
      ParallelChunks(threads, static_cast<size_t>(threads), [&](size_t, size_t, int c) {
        T* z = zc(c).data();
        for (int o2 = 0; o2 < threads; ++o2) {
          if (o2 == c) continue;
          const T* src = zc(o2).data();
          std::copy(src + bound[o2], src + bound[o2 + 1], z + bound[o2]);
        }
      });
    }
    ++r->iterations;
    r->last_change = change;
    if (change < tolerance) {
      r->converged = true;
      break;
    }
    if (stop_on_stall && change > 0.9 * previous) break;
    previous = change;
  }
  for (uint32_t v = 0; v < n; ++v) x[v] *= sigma;
  if (n < n_all) {
    const double f = q_iso > 0 ? sigma * iso / q_iso : 0.0;
    for (uint32_t v = n; v < n_all; ++v) x[v] = f * p[v];
  }
  double total = 0;
  for (uint32_t v = 0; v < n_all; ++v) total += x[v];
  const double scale = 1.0 / total;
  for (uint32_t v = 0; v < n_all; ++v) x[v] *= scale;
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
  // What the neighbours gather (the Google sweeps keep their own copies).
  std::vector<T> z(o.solver == PageRankSolver::kGaussSeidelGoogle ? 0 : n);
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
  } else if (o.solver == PageRankSolver::kGaussSeidelGoogle) {
    // On large graphs the first sweeps gather z in float (half the cache
    // footprint of the random reads; ~1.5x faster per sweep on R-MAT) until
    // the change is below kFloatPhase (float's rounding bounds what those
    // sweeps can reach), then double sweeps finish from there to the
    // tolerance: the result has the double iteration's accuracy.
    constexpr double kFloatPhase = 1e-7;
    constexpr uint32_t kFloatPhaseMinNodes = 1u << 16;
    if (!std::is_same_v<T, float> && o.tolerance < kFloatPhase && n >= kFloatPhaseMinNodes) {
      SweepGoogle<kWeighted, float>(view, o, p, inv, &x, kFloatPhase, o.max_iterations, true, r);
    }
    SweepGoogle<kWeighted, T>(view, o, p, inv, &x, o.tolerance, o.max_iterations - r->iterations,
                              false, r);
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
void Run(const PullView& view, const std::vector<double>& outw, PageRankOptions o,
         std::vector<double> p, PageRankResult* r) {
  const bool reordered = !view.order.empty();
  if (o.solver == PageRankSolver::kAuto)
    o.solver = reordered ? PageRankSolver::kGaussSeidelGoogle : PageRankSolver::kGaussSeidel;
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
