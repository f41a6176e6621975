#include "mitra/graph/pagerank.h"

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
#include "common/huge_array.h"
#include "kernels.h"
#include "common/parallel.h"
#include "sliced_ell.h"
#include "option_checks.h"
#include "vector_checks.h"

namespace mitra::graph {
namespace {

// The in-edges the iteration pulls along, in some node order: CSR rows
// (the graph's own transpose, or a relabelled copy), or the relabelled copy
// in the sliced layout (see Reordered).
struct PullView {
  uint32_t n = 0;
  // CSR rows (when not sliced).
  const uint32_t* offsets = nullptr;
  const NodeId* sources = nullptr;
  const double* weights = nullptr;  // nullptr: unweighted
  std::vector<uint32_t> order;      // view id -> node id; empty: identity
  // The last `isolated` view ids are nodes with no in- and no out-edges
  // (only when relabelled): their value is closed-form, (d D + 1 - d) p_v
  // with D the dangling mass, so the Google sweeps keep them as one sum.
  uint32_t isolated = 0;
  // The relabelled copy: rows [0, n - isolated), padded with references to
  // view id n - isolated (an isolated node, or one past the end when there
  // is none), whose gathered value is kept at 0. sliced: chunks of 16 rows
  // (ell.lanes == 16); otherwise CSR rows (ell.lanes == 1, each padded to a
  // multiple of 4 slots, which removes the pull loop's remainder loop and
  // its exit mispredictions on short rows) with offsets in own_offsets.
  bool sliced = false;
  SlicedEll ell;
  std::vector<uint32_t> own_offsets;
};

constexpr uint32_t kLanes = SlicedEll::kLanes;

// Relabels nodes by decreasing out-degree and builds the transpose in the
// new ids straight from the out-edges. The values the iteration gathers
// (one per source) are then read mostly from a small hot prefix that stays
// in cache: on skewed graphs most edges leave a few high-degree nodes (Wei
// et al., "Speedup graph processing by graph ordering", SIGMOD 2016,
// discuss such orderings). Ties (most nodes share a small out-degree) go by
// decreasing in-degree, so neighbouring rows have similar lengths and the
// padding of the sliced layout stays small (R-MAT: 6 % of slots). In the
// sliced layout, ties of both degrees are taken in the order of (old id mod
// 16, old id): nodes with consecutive ids, often linked in crawled graphs,
// then fall into different chunks, where Gauss-Seidel sees each other's new
// values (Epinions: 65 sweeps to 1e-10, 83 with consecutive ids together).
void Reordered(const CsrGraph& g, bool weighted, PullView* v) {
  const uint32_t n = g.num_nodes();
  const Adjacency& out = g.out();
  const size_t m = out.targets.size();
  std::vector<uint32_t> in_degree(n, 0);  // in the old ids
  for (NodeId t : out.targets) ++in_degree[t];
  // Buckets of 2^shift consecutive node ids (a few hundred write streams).
  uint32_t shift = 0;
  while ((static_cast<uint64_t>(n - 1) >> shift) >= 256) ++shift;
  const uint32_t buckets = ((n - 1) >> shift) + 1;
  std::vector<uint32_t> bucket_pos(buckets + 1, 0);
  uint32_t max_out = 0, max_in = 0, isolated = 0;
  for (uint32_t u = 0; u < n; ++u) {
    bucket_pos[(u >> shift) + 1] += in_degree[u];
    max_out = std::max(max_out, g.out_degree(u));
    max_in = std::max(max_in, in_degree[u]);
    if (g.out_degree(u) == 0 && in_degree[u] == 0) ++isolated;
  }
  for (uint32_t k = 0; k < buckets; ++k) bucket_pos[k + 1] += bucket_pos[k];
  const uint32_t rows = n - isolated;
  const uint32_t lanes = SlicedEllLanes(rows);
  // Two stable counting sorts: by in-degree, descending, then by
  // out-degree, descending, with the isolated nodes (no in- and no
  // out-edges) in a last bucket of their own.
  std::vector<uint32_t> by_in(n);
  {
    std::vector<uint32_t> start(static_cast<size_t>(max_in) + 2, 0);
    for (uint32_t u = 0; u < n; ++u) ++start[max_in - in_degree[u] + 1];
    for (uint32_t d = 0; d <= max_in; ++d) start[d + 1] += start[d];
    for (uint32_t r = 0; r < lanes; ++r) {
      for (uint32_t u = r; u < n; u += lanes) by_in[start[max_in - in_degree[u]]++] = u;
    }
  }
  auto key = [&](uint32_t u) -> uint32_t {
    const uint32_t dg = g.out_degree(u);
    return dg == 0 && in_degree[u] == 0 ? max_out + 1 : max_out - dg;
  };
  std::vector<uint32_t> start(static_cast<size_t>(max_out) + 3, 0);
  for (uint32_t u = 0; u < n; ++u) ++start[key(u) + 1];
  for (uint32_t d = 0; d <= max_out + 1; ++d) start[d + 1] += start[d];
  v->isolated = isolated;
  v->order.resize(n);
  std::vector<uint32_t> rank(n);
  for (uint32_t u : by_in) {
    const uint32_t r = start[key(u)]++;
    v->order[r] = u;
    rank[u] = r;
  }
  std::vector<uint32_t>().swap(by_in);
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
  // The chunks over the non-isolated rows, and the bucket starts in the
  // new ids. CSR rows are padded to 4 slots while the offsets fit 32 bits.
  const uint32_t pad_source = rows;
  const bool pad4 = lanes == 1 && m + 3 * static_cast<uint64_t>(rows) < (uint64_t{1} << 32);
  SlicedEll& e = v->ell;
  e.lanes = lanes;
  const uint32_t chunks = (rows + lanes - 1) / lanes;
  e.chunk_length.assign(chunks, 0);
  e.chunk_start.assign(static_cast<size_t>(chunks) + 1, 0);
  uint32_t real = 0;  // arcs before row i
  for (uint32_t i = 0; i < n; ++i) {
    if ((i & ((1u << shift) - 1)) == 0) bucket_pos[i >> shift] = real;
    const uint32_t deg = in_degree[v->order[i]];
    real += deg;
    if (i < rows) {
      uint32_t& length = e.chunk_length[i / lanes];
      length = std::max(length, pad4 ? (deg + 3) & ~3u : deg);
    }
  }
  for (uint32_t c = 0; c < chunks; ++c) {
    e.chunk_start[c + 1] = e.chunk_start[c] + uint64_t{lanes} * e.chunk_length[c];
  }
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
  // Pass 3: each bucket, now small enough for the cache, into its rows'
  // slots. All passes are stable, so the result is deterministic (a row
  // lists its sources in increasing old id).
  e.sources.Reset(e.slots());
  e.weights.Reset(weighted ? e.slots() : 0);
  std::vector<uint32_t> filled(static_cast<size_t>(chunks) * lanes, 0);
  for (size_t q = 0; q < m; ++q) {
    const uint32_t t = static_cast<uint32_t>(b[q]);
    const uint64_t at = e.chunk_start[t / lanes] + uint64_t{lanes} * filled[t]++ + t % lanes;
    e.sources[at] = static_cast<uint32_t>(b[q] >> 32);
    if (weighted) e.weights[at] = b_weight[q];
  }
  for (uint32_t i = 0; i < chunks * lanes; ++i) {
    const uint32_t c = i / lanes;
    for (uint32_t j = filled[i]; j < e.chunk_length[c]; ++j) {
      const uint64_t at = e.chunk_start[c] + uint64_t{lanes} * j + i % lanes;
      e.sources[at] = pad_source;
      if (weighted) e.weights[at] = 0;
    }
  }
  v->n = n;
  v->sliced = lanes > 1;
  if (!v->sliced) {
    // CSR rows; the isolated rows [rows, n) are empty.
    v->own_offsets.assign(static_cast<size_t>(n) + 1, static_cast<uint32_t>(e.slots()));
    for (uint32_t i = 0; i < rows; ++i) v->own_offsets[i] = static_cast<uint32_t>(e.chunk_start[i]);
    v->offsets = v->own_offsets.data();
    v->sources = e.sources.data();
    v->weights = weighted ? e.weights.data() : nullptr;
  }
}

void Identity(const CsrGraph& g, bool weighted, PullView* v) {
  const Adjacency& in = g.in();
  v->n = g.num_nodes();
  v->offsets = in.offsets.data();
  v->sources = in.targets.data();
  v->weights = weighted ? in.weights.data() : nullptr;
}

// sum over in-edges of w * z[source] of a CSR row; four partial sums
// break the add latency chain, so the gathers overlap.
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

// The sweeps go through the rows in blocks of 16 (a chunk of the sliced
// layout): s[l] = the in-edge sum of row 16 c + l, for l < lanes. On the
// sliced layout the sums of a block are all taken before any of its rows
// is updated, so its Gauss-Seidel sweeps are block Gauss-Seidel with
// blocks of 16 rows (same fixed point); on CSR rows they take one row at a
// time (PullRow) instead.
template <bool kWeighted, class T>
inline void RowSums(const PullView& v, uint32_t c, uint32_t lanes, const T* z, double* s) {
  if (!v.sliced) {
    for (uint32_t l = 0; l < lanes; ++l) s[l] = PullRow<kWeighted>(v, c * kLanes + l, z);
  } else if (c < v.ell.chunks()) {
    ChunkSums<kWeighted>(v.ell, c, z, s);
  } else {
    std::fill(s, s + kLanes, 0.0);  // isolated rows
  }
}

uint32_t Chunks(uint32_t rows) { return (rows + kLanes - 1) / kLanes; }

// Splits rows [0, rows) into `threads` ranges of whole chunks with about
// equal work; returns the threads + 1 row bounds. On the sliced layout a
// row's update counts as 4 arc slots (on R-MAT a sweep spends ~18 % of its
// time on the 573 K row updates and ~82 % on the 10.3 M slots; counting it
// as 1 left the second thread 40 % longer); CSR rows count as 1 + their
// arcs (where the split falls changes the block-Jacobi coupling between
// the ranges, hence the sweep count, so that split is kept as measured).
std::vector<uint32_t> BalancedBounds(const PullView& v, uint32_t rows, int threads) {
  const uint32_t chunks = Chunks(rows);
  auto work = [&](uint32_t c) -> uint64_t {  // before chunk c
    const uint32_t row = std::min(rows, c * kLanes);
    if (!v.sliced) return uint64_t{v.offsets[row]} + row;
    return v.ell.chunk_start[std::min(c, v.ell.chunks())] + uint64_t{4} * row;
  };
  std::vector<uint32_t> bound(threads + 1, rows);
  bound[0] = 0;
  const uint64_t total = work(chunks);
  uint32_t lo_chunk = 0;
  for (int t = 1; t < threads; ++t) {
    const uint64_t want = total * t / threads;
    uint32_t lo = lo_chunk, hi = chunks;
    while (lo < hi) {  // first chunk whose start reaches `want`
      const uint32_t mid = lo + (hi - lo) / 2;
      if (work(mid) < want) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    lo_chunk = lo;
    bound[t] = std::min(rows, lo * kLanes);
  }
  return bound;
}

// kGaussSeidelGoogle: Gauss-Seidel sweeps on the PageRank equation itself,
//   x_v = d sum_{u->v} z_u + (d D + 1 - d) p_v,  z_u = x_u / outw_u,
// D the dangling mass, kept up to date as dangling nodes change (row by
// row, or chunk by chunk on the sliced layout). Its fixed point sums to 1
// on its own (summing the equation gives sum x = d sum x + 1 - d), but an
// iterate's mass error would only decay like d^k, so every sweep
// renormalises (through a scale factor, see sigma below); the result is
// normalised once more against rounding. With t threads, thread c sweeps
// its own range of rows (see BalancedBounds) in place and reads the other
// ranges' values of the previous sweep from its private copy of z,
// refreshed between sweeps (block Jacobi between ranges, Gauss-Seidel
// inside): the values depend on the thread count but not on timing.
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
  const std::vector<uint32_t> bound = BalancedBounds(view, n, threads);
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
      T* __restrict z = zc(c).data();
      double* __restrict xd = x.data();
      const double* __restrict invd = inv.data();
      double dang = dangling;
      // Row v's update from its in-edge sum `in`; adds to its change, its
      // sum and the change of the dangling mass.
      auto update = [&](uint32_t v, double in, double pv, double base, double& change,
                        double& sum, double& dd) {
        const double xv = ds * in + base * pv;
        const double old = xd[v];
        change += std::fabs(xv - sigma * old);
        const double xs = xv * inv_sigma;
        sum += xs;
        dd = invd[v] == 0 ? xs - old : 0.0;
        xd[v] = xs;
        z[v] = static_cast<T>(xs * invd[v]);
      };
      if (!view.sliced) {
        // Row by row: each row sees the new values of the rows before it.
        double change = 0, sum = 0, dd = 0;
        for (uint32_t v = bound[c]; v < bound[c + 1]; ++v) {
          update(v, PullRow<kWeighted>(view, v, z), uniform ? p[0] : p[v], ds * dang + (1 - d),
                 change, sum, dd);
          dang += dd;
        }
        moved[c] = change;
        part[c] = sum;
        ddang[c] = dang - dangling;
        return;
      }
      // A chunk of 16 rows at a time, with per-lane sums added up at the
      // end: the lane loop has no carried dependency and vectorises.
      double change[kLanes] = {}, sum[kLanes] = {}, s[kLanes], dd[kLanes], pv[kLanes];
      std::fill(pv, pv + kLanes, p[0]);
      for (uint32_t v0 = bound[c]; v0 < bound[c + 1]; v0 += kLanes) {
        const uint32_t lanes = std::min(kLanes, bound[c + 1] - v0);
        if (!uniform) std::copy(p.begin() + v0, p.begin() + v0 + lanes, pv);
        RowSums<kWeighted>(view, v0 / kLanes, lanes, z, s);
        const double base = ds * dang + (1 - d);
        for (uint32_t l = 0; l < lanes; ++l) {
          update(v0 + l, s[l], pv[l], base, change[l], sum[l], dd[l]);
        }
        for (uint32_t l = 0; l < lanes; ++l) dang += dd[l];
      }
      moved[c] = std::accumulate(change, change + kLanes, 0.0);
      part[c] = std::accumulate(sum, sum + kLanes, 0.0);
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
  // What the neighbours gather (the Google sweeps keep their own copies);
  // z[n] stays 0 for the relabelled copy's padding.
  std::vector<T> z(o.solver == PageRankSolver::kGaussSeidelGoogle ? 0 : n + 1, T{0});
  r->iterations = 0;
  r->converged = false;
  if (o.solver == PageRankSolver::kGaussSeidel) {
    // y solves (I - d P^T) y = p; z = y / out-weight, updated in place as
    // the sweep goes (Gauss-Seidel).
    std::vector<double> y(p);
    for (uint32_t u = 0; u < n; ++u) z[u] = static_cast<T>(y[u] * inv[u]);
    while (r->iterations < o.max_iterations) {
      double total = 0;
      if (!view.sliced) {
        for (uint32_t v = 0; v < n; ++v) {  // row by row
          const double yv = p[v] + d * PullRow<kWeighted>(view, v, z.data());
          y[v] = yv;
          z[v] = static_cast<T>(yv * inv[v]);
          total += yv;
        }
      } else {
        double part[kLanes] = {}, s[kLanes];
        for (uint32_t v0 = 0; v0 < n; v0 += kLanes) {
          const uint32_t lanes = std::min(kLanes, n - v0);
          RowSums<kWeighted>(view, v0 / kLanes, lanes, z.data(), s);
          for (uint32_t l = 0; l < lanes; ++l) {
            const uint32_t v = v0 + l;
            const double yv = p[v] + d * s[l];
            y[v] = yv;
            z[v] = static_cast<T>(yv * inv[v]);
            part[l] += yv;
          }
        }
        total = std::accumulate(part, part + kLanes, 0.0);
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
      ParallelChunks(threads, Chunks(n), [&](size_t b, size_t e, int c) {
        double change[kLanes] = {}, sum[kLanes] = {}, s[kLanes];
        for (size_t chunk = b; chunk < e; ++chunk) {
          const uint32_t v0 = static_cast<uint32_t>(chunk) * kLanes;
          const uint32_t lanes = std::min(kLanes, n - v0);
          RowSums<kWeighted>(view, static_cast<uint32_t>(chunk), lanes, z.data(), s);
          for (uint32_t l = 0; l < lanes; ++l) {
            const uint32_t v = v0 + l;
            const double teleport = uniform ? base_uniform : base * p[v];
            const double xv = d * s[l] + teleport;
            next[v] = xv;
            change[l] += std::fabs(xv - x[v]);
            sum[l] += xv;
          }
        }
        moved[c] = std::accumulate(change, change + kLanes, 0.0);
        part[c] = std::accumulate(sum, sum + kLanes, 0.0);
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

// The options' one validation (the teleport vector's entries are checked
// against the graph by the callers below).
absl::Status Validate(const PageRankOptions& o) {
  if (absl::Status s = CheckRange(o.damping, o.names("damping"), o.damping >= 0 && o.damping < 1,
                                  "in [0, 1)");
      !s.ok())
    return s;
  if (absl::Status s = CheckRange(o.tolerance, o.names("tolerance"), o.tolerance >= 0,
                                  "finite and >= 0 (0: run max_iterations)");
      !s.ok())
    return s;
  if (absl::Status s =
          CheckCount(o.max_iterations, 1, kMaxIterations, o.names("max_iterations"));
      !s.ok())
    return s;
  return CheckCount(o.threads, 1, kMaxThreads, o.names("threads"));
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
      (reorder == PageRankReorder::kAuto && g.num_arcs() >= (1u << 18))) {
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
  std::vector<double> p;
  if (o.teleport.empty()) {
    if (n > 0) p.assign(n, 1.0 / n);
  } else {
    auto normalised = NormalisedDistribution(o.teleport, n, o.names("teleport"));
    if (!normalised.ok()) return normalised.status();
    p = *std::move(normalised);
  }
  PageRankResult r;
  if (n == 0) {
    r.converged = true;
    return r;
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
  if (!o.teleport.empty()) {
    // Checked before the (O(m)) plan is built.
    if (absl::Status s = CheckNodeVector(o.teleport, graph.num_nodes(), o.names("teleport")); !s.ok())
      return s;
  }
  if (graph.num_nodes() == 0) {
    PageRankResult r;
    r.converged = true;
    return r;
  }
  return PageRank(PageRankPlan::Create(graph, o.use_weights, o.reorder), o);
}

}  // namespace mitra::graph
