// IMM (Tang, Shi and Xiao 2015) and the public entry point of both RR-set
// algorithms (OPIM-C is in opim_c.cc).
#include "mitra/activation/imm.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <new>

#include "absl/strings/str_cat.h"
#include "greedy_cover.h"
#include "rr_sampler.h"
#include "rr_setup.h"

namespace mitra::activation {
namespace rr {

ImmSchedule::ImmSchedule(const Setup& st, const ImmOptions& o) {
  big_n = st.big_n;
  const double logn = st.logn;
  ell = o.ell * (1 + std::log(2.0) / logn);
  const double eps = o.epsilon;
  eps_p = std::sqrt(2.0) * eps;
  lambda_p = (2 + 2.0 / 3 * eps_p) *
             (st.log_cnk + ell * logn + std::log(std::max(std::log2(big_n), 1.0))) * big_n /
             (eps_p * eps_p);
  const double alpha = std::sqrt(ell * logn + std::log(2.0));
  const double beta = std::sqrt(st.gamma * (st.log_cnk + ell * logn + std::log(2.0)));
  lambda_star = 2 * big_n * (st.gamma * alpha + beta) * (st.gamma * alpha + beta) / (eps * eps);
  rounds = static_cast<int>(std::ceil(std::log2(big_n))) - 1;
}

double ImmSchedule::Theta(int round) const {
  return std::ceil(lambda_p / (big_n / std::pow(2.0, round)));
}

double ImmSchedule::LowerBound(int round, uint64_t covered, uint64_t sets) const {
  const double x = big_n / std::pow(2.0, round);
  const double spread = big_n * static_cast<double>(covered) / sets;
  return spread >= (1 + eps_p) * x ? spread / (1 + eps_p) : 0.0;
}

absl::StatusOr<ImmResult> RunImm(const DiffusionGraph& dg, const ImmOptions& o, const Setup& st) {
  const Constraints& c = st.c;
  const double big_n = st.big_n;
  const double gamma = st.gamma;
  const double logn = st.logn;
  const ImmSchedule sched(st, o);
  const double ell = sched.ell;
  const double lambda_star = sched.lambda_star;

  std::vector<RrSampler> samplers;
  samplers.reserve(o.threads);
  for (int t = 0; t < o.threads; ++t) samplers.emplace_back(dg, st.roots, st.storable);
  const uint64_t seed = o.seed ^ kRrDomain;
  RrStore store;
  RrBudget budget(o, st.n, st.storable.empty() ? 1.0 : 0.0, {&store});
  // The least the run can need, before anything is sampled: the first
  // round of phase 1, and the final theta = lambda* / LB with LB <= N.
  const int rounds = sched.rounds;
  {
    const double least = std::max(rounds >= 1 ? sched.Theta(1) : 0.0,
                                  std::ceil(lambda_star / big_n));
    if (auto s = TooMany("Imm", least, o); !s.ok()) return s;
    if (auto s = budget.Plan(least, "at least"); !s.ok()) return s;
  }
  uint64_t peak_bytes = 0;
  auto note_memory = [&](const Selection& s) {
    peak_bytes = std::max<uint64_t>(
        peak_bytes, (store.offsets.size() + store.nodes.size()) * sizeof(uint32_t) + s.index_bytes);
  };

  // Phase 1 (Sampling): a lower bound LB on OPT.
  double lb = 1;
  for (int i = 1; i <= rounds; ++i) {
    const double theta_i = sched.Theta(i);
    if (auto s = TooMany("Imm", theta_i, o); !s.ok()) return s;
    if (auto s = budget.Plan(theta_i, "phase 1"); !s.ok()) return s;
    if (auto s = SampleTo(store, static_cast<uint64_t>(theta_i), seed, samplers, budget,
                          "phase 1");
        !s.ok())
      return s;
    if (auto s = budget.Hold(RrBudget::IndexBytes(store), "phase 1"); !s.ok()) return s;
    const Selection sel = SelectNodes(store, c, st.k_free);
    note_memory(sel);
    if (const double b = sched.LowerBound(i, sel.covered, store.count()); b > 0) {
      lb = b;
      break;
    }
    // Where this is heading: OPT's coverage here is at most the smaller of
    // covered / gamma and the greedy's top-k' bound (as in OPIM-C), so
    // E[OPT] <= N (sqrt(that + a/2) + sqrt(a/2))^2 / theta_i except with
    // probability e^-a, and the final theta = lambda* / LB >= lambda* / OPT.
    // When even that cannot fit, refuse now rather than after rounds of
    // sampling toward it (10^6 isolated nodes with k = 50 head for ~2
    // billion sets). Only a refusal depends on this, never a result.
    double cover_upper = static_cast<double>(sel.coverage_upper_bound);
    if (st.has_ratio) cover_upper = std::min(cover_upper, sel.covered / gamma);
    const double a = ell * logn + std::log(2.0);
    const double y = std::sqrt(cover_upper + a / 2) + std::sqrt(a / 2);
    const double opt_upper = std::min(big_n, big_n * y * y / store.count());
    if (auto s = budget.Plan(std::ceil(lambda_star / opt_upper), "projected selection");
        !s.ok())
      return s;
  }
  const double theta = sched.Final(lb);
  if (auto s = TooMany("Imm", theta, o); !s.ok()) return s;
  if (auto s = budget.Plan(theta, "selection"); !s.ok()) return s;
  uint64_t sampled_before = 0;
  if (o.fresh_rr_sets) {
    sampled_before = store.count();
    store = RrStore();
    if (auto s = SampleTo(store, static_cast<uint64_t>(theta), o.seed ^ kFreshDomain, samplers,
                          budget, "selection");
        !s.ok())
      return s;
  } else if (auto s = SampleTo(store, static_cast<uint64_t>(theta), seed, samplers, budget,
                               "selection");
             !s.ok()) {
    return s;
  }
  samplers.clear();
  if (auto s = budget.Hold(RrBudget::IndexBytes(store), "selection"); !s.ok()) return s;
  const Selection sel = SelectNodes(store, c);
  note_memory(sel);

  ImmResult r;
  FillCommon(st, o, sel, r);
  const double sets = static_cast<double>(store.count());
  for (uint32_t g : sel.gains) r.marginal_gains.push_back(big_n * g / sets);
  r.estimated_spread = big_n * static_cast<double>(sel.covered) / sets;
  r.rr_sets = store.count();
  r.rr_sets_sampled = sampled_before + store.count();
  r.theta = theta;
  r.lower_bound = lb;
  r.ell_adjusted = ell;
  r.approximation = st.approx;
  r.rr_memory_bytes = peak_bytes;
  r.average_rr_size = static_cast<double>(store.nodes.size()) / sets;
  return r;
}

}  // namespace rr

absl::StatusOr<ImmResult> Imm(const DiffusionGraph& dg, const ImmOptions& options) {
  try {
    absl::StatusOr<rr::Setup> st = rr::Prepare(dg.num_nodes(), options);
    if (!st.ok()) return st.status();
    if (options.algorithm == ImAlgorithm::kOpimC) return rr::RunOpimC(dg, options, *st);
    return rr::RunImm(dg, options, *st);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("Imm: out of memory");
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("Imm: ", e.what()));
  }
}

}  // namespace mitra::activation
