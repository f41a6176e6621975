// OPIM-C (Tang et al. 2018): rounds of two RR collections, one to select
// and one to check, until the bounds certify the ratio asked for.
#include <algorithm>
#include <cmath>
#include <vector>

#include "common/random.h"
#include "greedy_cover.h"
#include "rr_sampler.h"
#include "rr_setup.h"

namespace mitra::activation::rr {
namespace {

// The two collections (mixed through SplitMix64 before use).
constexpr uint64_t kR1Domain = 0x6f70696d2d723121ULL;
constexpr uint64_t kR2Domain = 0x6f70696d2d723221ULL;

// OPIM-C's L: a lower bound on OPT, the counted nodes (targets, or all) of
// one feasible seed set (each seed activates itself): the must-include ones
// plus allowed ones taken cheapest first (budget) or in id order (k), within
// the quotas and k'. At least 1, as IMM assumes (OPT >= 1).
double OptLowerBound(const Setup& st, const ImmOptions& o) {
  const Constraints& c = st.c;
  std::vector<uint8_t> counted;
  if (!st.roots.empty()) {
    counted.assign(st.n, 0);
    for (NodeId v : st.roots) counted[v] = 1;
  }
  auto is_counted = [&](NodeId v) { return counted.empty() || counted[v]; };
  uint64_t l = 0;
  for (NodeId m : c.must) l += is_counted(m);
  std::vector<NodeId> pool;
  for (NodeId v = 0; v < st.n; ++v)
    if (c.allowed[v] && is_counted(v)) pool.push_back(v);
  if (c.budgeted)
    std::stable_sort(pool.begin(), pool.end(),
                     [&](NodeId a, NodeId b) { return o.costs[a] < o.costs[b]; });
  std::vector<uint32_t> used = st.must_per_group;
  double left = c.budget - st.must_cost;
  uint64_t taken = 0;
  for (NodeId v : pool) {
    if (taken >= st.k_free) break;
    if (c.budgeted && o.costs[v] > left) break;  // sorted: no later node fits either
    if (c.groups) {
      const uint32_t g = o.groups[v];
      if (used[g] >= o.group_quota[g]) continue;
      ++used[g];
    }
    if (c.budgeted) left -= o.costs[v];
    ++taken;
  }
  return std::max<double>(1.0, static_cast<double>(l + taken));
}

}  // namespace

absl::StatusOr<ImmResult> RunOpimC(const DiffusionGraph& dg, const ImmOptions& o,
                                   const Setup& st) {
  const Constraints& c = st.c;
  const double big_n = st.big_n;
  const double gamma = st.gamma;
  const double eps = o.epsilon;
  const double log_inv_delta = o.ell * st.logn;  // delta = 1/n^ell
  const double opt_lb = OptLowerBound(st, o);
  const double ln6 = std::log(6.0) + log_inv_delta;
  const double a = std::sqrt(ln6);
  const double b = std::sqrt(gamma * (st.log_cnk + ln6));
  const double theta_max_paper =
      std::ceil(2 * big_n * (gamma * a + b) * (gamma * a + b) / (eps * eps * opt_lb));
  // A tiny epsilon can make theta_max astronomical (or infinite): the rounds
  // stop at 2^62 sets, which max_rr_sets or memory refuses long before, and
  // a capped last round does not claim the theta_max guarantee.
  constexpr double kCap = 4611686018427387904.0;  // 2^62
  const bool capped = !(theta_max_paper <= kCap);
  const double theta_max = capped ? kCap : theta_max_paper;
  const double theta_0 = std::min(theta_max, std::ceil(2 * (gamma * a + b) * (gamma * a + b)));
  // Rounds of theta_0, 2 theta_0, ..., capped at theta_max (the last round).
  const int i_max = static_cast<int>(std::ceil(std::log2(theta_max / theta_0))) + 1;
  const double a_round = std::log(3.0 * i_max) + log_inv_delta;  // ln(3 i_max / delta)
  const double target = gamma - eps;

  std::vector<RrSampler> samplers;
  samplers.reserve(o.threads);
  for (int t = 0; t < o.threads; ++t) samplers.emplace_back(dg, st.roots, st.storable);
  uint64_t s1 = o.seed ^ kR1Domain, s2 = o.seed ^ kR2Domain;
  const uint64_t seed1 = SplitMix64(s1), seed2 = SplitMix64(s2);
  RrStore r1, r2;
  RrBudget budget(o, st.n, st.storable.empty() ? 1.0 : 0.0, {&r1, &r2});
  uint64_t peak_bytes = 0;
  Selection sel;
  std::vector<uint64_t> gains2;
  double lower = 0, upper = 0, ratio = 0;
  int rounds_run = 0;
  for (int i = 1; i <= i_max; ++i) {
    rounds_run = i;
    const double size = std::min(theta_max, std::ldexp(theta_0, i - 1));
    if (auto s = TooMany("Imm (OPIM-C)", 2 * size, o); !s.ok()) return s;
    const char* stage = i == 1 ? "round 1" : "doubling round";
    if (auto s = budget.Plan(size, stage); !s.ok()) return s;
    if (auto s = SampleTo(r1, static_cast<uint64_t>(size), seed1, samplers, budget, stage);
        !s.ok())
      return s;
    if (auto s = SampleTo(r2, static_cast<uint64_t>(size), seed2, samplers, budget, stage);
        !s.ok())
      return s;
    if (auto s = budget.Hold(RrBudget::IndexBytes(r1), stage); !s.ok()) return s;
    sel = SelectNodes(r1, c, st.k_free);
    peak_bytes = std::max<uint64_t>(
        peak_bytes,
        (r1.offsets.size() + r1.nodes.size() + r2.offsets.size() + r2.nodes.size()) *
                sizeof(uint32_t) +
            sel.index_bytes);
    // Upper bound on OPT's coverage in R1.
    double cover1_upper = static_cast<double>(sel.coverage_upper_bound);
    if (st.has_ratio)
      cover1_upper = std::min(cover1_upper, static_cast<double>(sel.covered) / gamma);
    gains2 = CoverageInOrder(r2, sel.seeds, st.n, o.threads);
    uint64_t cover2 = 0;
    for (uint64_t g : gains2) cover2 += g;
    // Tang et al. 2018, Lemmas 4.2-4.3 (martingale bounds), a = ln(3 i_max / delta).
    const double x =
        std::sqrt(static_cast<double>(cover2) + 2 * a_round / 9) - std::sqrt(a_round / 2);
    const double lower_cover = std::max(0.0, x * x - a_round / 18);
    const double y = std::sqrt(cover1_upper + a_round / 2) + std::sqrt(a_round / 2);
    lower = big_n * lower_cover / static_cast<double>(r2.count());
    upper = big_n * y * y / static_cast<double>(r1.count());
    ratio = upper > 0 ? lower / upper : 0;
    if (ratio >= target) break;
  }
  samplers.clear();

  ImmResult r;
  FillCommon(st, o, sel, r);
  const double sets2 = static_cast<double>(r2.count());
  uint64_t cover2 = 0;
  for (uint64_t g : gains2) {
    r.marginal_gains.push_back(big_n * static_cast<double>(g) / sets2);
    cover2 += g;
  }
  r.estimated_spread = big_n * static_cast<double>(cover2) / sets2;
  r.rr_sets = r1.count();
  r.rr_sets_sampled = r1.count() + r2.count();
  r.theta = theta_max_paper;
  r.lower_bound = opt_lb;
  r.ell_adjusted = o.ell;
  r.rounds = static_cast<uint32_t>(rounds_run);
  r.spread_lower_bound = lower;
  r.opt_upper_bound = upper;
  r.certified_ratio = ratio;
  // Stopped by the bounds: ratio >= gamma - epsilon; at theta_max: IMM's
  // argument gives gamma - epsilon (unless capped). Either way the certified
  // ratio holds too.
  const bool qualified = ratio >= target;
  r.approximation = std::max(qualified || !capped ? st.approx : 0.0, std::min(1.0, ratio));
  r.rr_memory_bytes = peak_bytes;
  r.average_rr_size = static_cast<double>(r1.nodes.size()) / static_cast<double>(r1.count());
  return r;
}

}  // namespace mitra::activation::rr
