#include "graph/influence_em.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace mitra::graph {

absl::StatusOr<CascadeEvidence> GatherCascadeEvidence(const CsrGraph& g, const Episodes& ep,
                                                      uint64_t window, MemoryReservation& memory) {
  const Adjacency& out = g.out();
  CascadeEvidence ev;
  ev.trials.assign(g.num_arcs(), 0);
  ev.positives.assign(g.num_arcs(), 0);
  ev.offsets.assign(ep.actions() + 1, 0);
  EpisodeIndex index(g.num_nodes());
  // Pass 1: trials, positives, and each activation's number of candidates
  // (counted at offsets[j + 1]).
  for (size_t e = 0; e < ep.size(); ++e) {
    index.Load(ep, e);
    ForEachTrial(out, ep, index, e, window, [&](uint32_t k, uint64_t, uint64_t j, Trial t) {
      if (t == Trial::kAlreadyActed) return;
      ++ev.trials[k];
      if (t == Trial::kSuccess) {
        ++ev.positives[k];
        ++ev.offsets[j + 1];
      }
    });
  }
  for (size_t j = 0; j < ep.actions(); ++j) ev.offsets[j + 1] += ev.offsets[j];
  const uint64_t total = ev.offsets.back();
  if (absl::Status s = memory.Reserve(
          4.0 * static_cast<double>(total), "window",
          absl::StrCat("EM's candidate lists (", total, " arc activations within the window)"));
      !s.ok())
    return s;
  ev.arcs.resize(total);
  std::vector<uint64_t> next(ev.offsets.begin(), ev.offsets.end() - 1);
  for (size_t e = 0; e < ep.size(); ++e) {
    index.Load(ep, e);
    ForEachTrial(out, ep, index, e, window, [&](uint32_t k, uint64_t, uint64_t j, Trial t) {
      if (t == Trial::kSuccess) ev.arcs[next[j]++] = k;
    });
  }
  return ev;
}

namespace {

// 1 - prod (1 - p_j) over one activation's candidates.
double ActivationProbability(const CascadeEvidence& ev, size_t j, absl::Span<const double> p) {
  double none = 1;
  for (uint64_t x = ev.offsets[j]; x < ev.offsets[j + 1]; ++x) none *= 1 - p[ev.arcs[x]];
  return 1 - none;
}

}  // namespace

double CascadeLogLikelihood(const CascadeEvidence& ev, absl::Span<const double> p) {
  double ll = 0;
  for (size_t j = 0; j + 1 < ev.offsets.size(); ++j) {
    if (ev.offsets[j + 1] == ev.offsets[j]) continue;
    ll += std::log(ActivationProbability(ev, j, p));
  }
  for (size_t k = 0; k < ev.trials.size(); ++k) {
    const uint32_t failures = ev.trials[k] - ev.positives[k];
    if (failures > 0) ll += failures * std::log1p(-p[k]);
  }
  return ll;
}

CascadeEm RunCascadeEm(const CascadeEvidence& ev, int max_iterations, double tolerance,
                       bool pooled) {
  const size_t m = ev.trials.size();
  CascadeEm r;
  r.p.assign(m, 0);
  uint64_t all_trials = 0, all_positives = 0;
  for (size_t k = 0; k < m; ++k) {
    all_trials += ev.trials[k];
    all_positives += ev.positives[k];
  }
  const double pooled_start = all_trials > 0 ? static_cast<double>(all_positives) / all_trials : 0;
  for (size_t k = 0; k < m; ++k) {
    if (ev.trials[k] == 0) continue;
    r.p[k] = pooled ? pooled_start : static_cast<double>(ev.positives[k]) / ev.trials[k];
  }
  std::vector<double> credit(m);
  for (r.iterations = 1; r.iterations <= max_iterations; ++r.iterations) {
    std::fill(credit.begin(), credit.end(), 0.0);
    // E-step: each activation's credit p_k / P_e to each candidate.
    for (size_t j = 0; j + 1 < ev.offsets.size(); ++j) {
      if (ev.offsets[j + 1] == ev.offsets[j]) continue;
      const double pe = ActivationProbability(ev, j, r.p);
      if (!(pe > 0)) continue;
      for (uint64_t x = ev.offsets[j]; x < ev.offsets[j + 1]; ++x) {
        credit[ev.arcs[x]] += r.p[ev.arcs[x]] / pe;
      }
    }
    // M-step.
    double change = 0;
    if (pooled) {
      double sum = 0;
      for (size_t k = 0; k < m; ++k) sum += credit[k];
      const double next = all_trials > 0 ? sum / all_trials : 0;
      for (size_t k = 0; k < m; ++k) {
        if (ev.trials[k] == 0) continue;
        change = std::max(change, std::fabs(next - r.p[k]));
        r.p[k] = next;
      }
    } else {
      for (size_t k = 0; k < m; ++k) {
        if (ev.trials[k] == 0) continue;
        const double next = std::min(1.0, credit[k] / ev.trials[k]);
        change = std::max(change, std::fabs(next - r.p[k]));
        r.p[k] = next;
      }
    }
    if (change <= tolerance) {
      r.converged = true;
      break;
    }
  }
  r.iterations = std::min(r.iterations, max_iterations);
  r.log_likelihood = CascadeLogLikelihood(ev, r.p);
  return r;
}

}  // namespace mitra::graph
