#include "mitra/graph/influence_learning.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "graph/action_episodes.h"
#include "graph/beta_distribution.h"
#include "graph/beta_prior_fit.h"
#include "graph/influence_em.h"
#include "graph/option_checks.h"

namespace mitra::graph {
namespace {

constexpr uint32_t kMaxGroups = 1 << 16;

// The Goyal et al. counts of every arc: A_u (as trials), A_u2v, the
// continuous-time credit and A_u&v.
struct GoyalCounts {
  std::vector<uint32_t> node_actions;      // A_u
  std::vector<uint32_t> propagated, both;  // A_u2v, A_u&v
  std::vector<double> decayed;             // sum exp(-delay / decay)
};

GoyalCounts CountPropagations(const CsrGraph& g, const Episodes& ep, uint64_t window,
                              double decay, bool want_both, bool want_decayed) {
  GoyalCounts c;
  c.node_actions.assign(g.num_nodes(), 0);
  c.propagated.assign(g.num_arcs(), 0);
  if (want_both) c.both.assign(g.num_arcs(), 0);
  if (want_decayed) c.decayed.assign(g.num_arcs(), 0);
  for (NodeId v : ep.node) ++c.node_actions[v];
  EpisodeIndex index(g.num_nodes());
  for (size_t e = 0; e < ep.size(); ++e) {
    index.Load(ep, e);
    ForEachTrial(g.out(), ep, index, e, window, [&](uint32_t k, uint64_t i, uint64_t j, Trial t) {
      if (want_both && j != EpisodeIndex::kNone) ++c.both[k];
      if (t != Trial::kSuccess) return;
      ++c.propagated[k];
      if (want_decayed) {
        c.decayed[k] += std::exp(-static_cast<double>(Delay(ep.time[i], ep.time[j])) / decay);
      }
    });
  }
  return c;
}

// The Beta prior of every group, then each arc's posterior.
void Shrink(const std::vector<uint32_t>& groups, double interval, InfluenceModel& m) {
  const size_t arcs = m.trials.size();
  uint32_t num_groups = 1;
  for (uint32_t x : groups) num_groups = std::max(num_groups, x + 1);
  auto group_of = [&](size_t k) { return groups.empty() ? 0u : groups[k]; };
  std::vector<uint64_t> with_trials(num_groups, 0);
  for (size_t k = 0; k < arcs; ++k) with_trials[group_of(k)] += m.trials[k] > 0;
  std::vector<std::vector<uint64_t>> fit(num_groups);
  std::vector<uint64_t> seen(num_groups, 0), pooled;
  const uint64_t all = [&] {
    uint64_t t = 0;
    for (uint64_t w : with_trials) t += w;
    return t;
  }();
  const uint64_t pooled_stride = std::max<uint64_t>(1, (all + kMaxPriorFitArcs - 1) / kMaxPriorFitArcs);
  uint64_t pooled_seen = 0;
  for (size_t k = 0; k < arcs; ++k) {
    if (m.trials[k] == 0) continue;
    const uint32_t gk = group_of(k);
    const uint64_t stride =
        std::max<uint64_t>(1, (with_trials[gk] + kMaxPriorFitArcs - 1) / kMaxPriorFitArcs);
    if (seen[gk]++ % stride == 0) fit[gk].push_back(k);
    if (pooled_seen++ % pooled_stride == 0) pooled.push_back(k);
  }
  m.priors.assign(num_groups, {});
  // A group with too few arcs to estimate a prior from takes the prior
  // pooled over every group, and with too few arcs in all, the uniform
  // Beta(1, 1): fitted to a handful of arcs the marginal likelihood runs to
  // its bounds (one arc with 0 of 2 gave Beta(0.0017, 156955)) and every
  // interval would claim a certainty the data do not have.
  BetaPrior pooled_prior;
  if (pooled.size() >= kMinPriorFitArcs) pooled_prior = FitBetaPrior(pooled, m.successes, m.trials);
  pooled_prior.fitted = false;
  pooled_prior.arcs_fitted = 0;
  for (uint32_t gk = 0; gk < num_groups; ++gk)
    m.priors[gk] = fit[gk].size() >= kMinPriorFitArcs ? FitBetaPrior(fit[gk], m.successes, m.trials)
                                                      : pooled_prior;
  const double q_lo = (1 - interval) / 2, q_hi = (1 + interval) / 2;
  // Arcs without trials keep their group's prior: its quantiles once.
  std::vector<double> prior_lo(num_groups), prior_hi(num_groups);
  for (uint32_t gk = 0; gk < num_groups; ++gk) {
    prior_lo[gk] = BetaQuantile(m.priors[gk].a, m.priors[gk].b, q_lo);
    prior_hi[gk] = BetaQuantile(m.priors[gk].a, m.priors[gk].b, q_hi);
  }
  m.posterior_mean.resize(arcs);
  m.posterior_alpha.resize(arcs);
  m.posterior_beta.resize(arcs);
  m.lower.resize(arcs);
  m.upper.resize(arcs);
  // Whole (successes, trials) pairs repeat on most arcs of a large graph:
  // their interval is computed once per group. std::unordered_map: Abseil
  // 20220623's flat_hash_map cannot be destroyed after a failed allocation
  // (the out-of-memory sweep aborted here).
  std::vector<std::unordered_map<uint64_t, std::pair<double, double>>> memo(num_groups);
  for (size_t k = 0; k < arcs; ++k) {
    const uint32_t gk = group_of(k);
    const BetaPrior& p = m.priors[gk];
    const double a = p.a + m.successes[k];
    const double b = p.b + std::max(0.0, m.trials[k] - m.successes[k]);
    m.posterior_mean[k] = a / (a + b);
    m.posterior_alpha[k] = a;
    m.posterior_beta[k] = b;
    if (m.trials[k] == 0) {
      m.lower[k] = prior_lo[gk];
      m.upper[k] = prior_hi[gk];
      continue;
    }
    const bool whole = m.successes[k] == std::floor(m.successes[k]);
    const uint64_t key = (uint64_t{m.trials[k]} << 32) | static_cast<uint32_t>(m.successes[k]);
    if (whole) {
      if (auto it = memo[gk].find(key); it != memo[gk].end()) {
        std::tie(m.lower[k], m.upper[k]) = it->second;
        continue;
      }
    }
    m.lower[k] = BetaQuantile(a, b, q_lo);
    m.upper[k] = BetaQuantile(a, b, q_hi);
    if (whole) memo[gk].emplace(key, std::pair{m.lower[k], m.upper[k]});
  }
}

}  // namespace

absl::Status ValidateInfluenceOptions(const CsrGraph& g, const InfluenceOptions& o) {
  const FieldPath& at = o.names;
  switch (o.method) {
    case InfluenceMethod::kBernoulli:
    case InfluenceMethod::kJaccard:
    case InfluenceMethod::kContinuousTime:
    case InfluenceMethod::kExpectationMaximization:
      break;
    default:
      return Invalid(at("method"),
                     absl::StrCat("unknown influence method ", static_cast<int>(o.method)));
  }
  if (o.window <= 0) return Invalid(at("window"), absl::StrCat("must be > 0, got ", o.window));
  if (absl::Status s = CheckRanges(
          at, {{"decay", o.decay, o.decay >= 0, "finite and >= 0 (0 = the window)"},
               {"em_tolerance", o.em_tolerance, o.em_tolerance > 0, "finite and > 0"}});
      !s.ok())
    return s;
  if (absl::Status s = CheckCount(o.em_max_iterations, 1, kMaxIterations, at("em_max_iterations"));
      !s.ok())
    return s;
  if (absl::Status s = CheckConfidence(o.interval, at("interval")); !s.ok()) return s;
  if (!o.arc_groups.empty() && o.arc_groups.size() != g.num_arcs()) {
    return Invalid(at("arc_groups"), absl::StrCat("has ", o.arc_groups.size(), " entries, the graph ",
                                                  g.num_arcs(), " arcs (or leave it empty)"));
  }
  for (size_t k = 0; k < o.arc_groups.size(); ++k) {
    if (o.arc_groups[k] >= kMaxGroups) {
      return Invalid(at(absl::StrCat("arc_groups[", k, "]")),
                     absl::StrCat("group ", o.arc_groups[k], " must be < ", kMaxGroups));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<InfluenceModel> LearnInfluence(const CsrGraph& g, const ActionLog& log,
                                              const InfluenceOptions& o) {
  if (absl::Status s = ValidateInfluenceOptions(g, o); !s.ok()) return s;
  if (absl::Status s = ValidateActionLog(g.num_nodes(), log); !s.ok()) return s;
  const uint64_t arcs = g.num_arcs();
  MemoryReservation memory(o.memory);
  // Per arc: the model's 7 doubles and a count, and the counting passes'
  // working arrays (up to 3 more counts and, for EM, p and its credit).
  if (absl::Status s = memory.Reserve(
          static_cast<double>(arcs) * (7 * 8 + 4 + 3 * 4 + 2 * 8) +
              static_cast<double>(log.node.size()) * 40,
          "graph",
          absl::StrCat("influence learning on ", arcs, " arcs and ", log.node.size(), " actions"));
      !s.ok())
    return s;
  const Episodes ep = BuildEpisodes(log);
  const uint64_t window = static_cast<uint64_t>(o.window);
  InfluenceModel m;
  m.episodes = ep.size();
  m.actions = ep.actions();
  m.trials.assign(arcs, 0);
  m.successes.assign(arcs, 0);
  const Adjacency& out = g.out();
  if (o.method == InfluenceMethod::kExpectationMaximization) {
    auto ev = GatherCascadeEvidence(g, ep, window, memory, o.names("window"));
    if (!ev.ok()) return ev.status();
    CascadeEm em = RunCascadeEm(*ev, o.em_max_iterations, o.em_tolerance);
    m.em_iterations = em.iterations;
    m.em_converged = em.converged;
    m.em_log_likelihood = em.log_likelihood;
    m.trials = std::move(ev->trials);
    for (uint64_t k = 0; k < arcs; ++k) m.successes[k] = em.p[k] * m.trials[k];
  } else {
    const bool jaccard = o.method == InfluenceMethod::kJaccard;
    const bool continuous = o.method == InfluenceMethod::kContinuousTime;
    const double decay = o.decay > 0 ? o.decay : static_cast<double>(o.window);
    GoyalCounts c = CountPropagations(g, ep, window, decay, jaccard, continuous);
    for (NodeId u = 0; u < g.num_nodes(); ++u) {
      for (uint32_t k = out.offsets[u]; k < out.offsets[u + 1]; ++k) {
        const NodeId v = out.targets[k];
        m.trials[k] = jaccard ? c.node_actions[u] + c.node_actions[v] - c.both[k]
                              : c.node_actions[u];
        m.successes[k] = continuous ? c.decayed[k] : c.propagated[k];
      }
    }
  }
  m.estimate.resize(arcs);
  for (uint64_t k = 0; k < arcs; ++k) {
    m.estimate[k] = m.trials[k] > 0 ? m.successes[k] / m.trials[k] : 0;
  }
  Shrink(o.arc_groups, o.interval, m);
  return m;
}

}  // namespace mitra::graph
