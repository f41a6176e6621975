#include "graph/influence_em.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace mitra::graph {

absl::StatusOr<CascadeEvidence> GatherCascadeEvidence(const CsrGraph& g, const Episodes& ep,
                                                      uint64_t window, MemoryReservation& memory,
                                                      absl::string_view window_name) {
  const Adjacency& out = g.out();
  CascadeEvidence ev;
  ev.trials.assign(g.num_arcs(), 0);
  ev.positives.assign(g.num_arcs(), 0);
  ev.sole.assign(g.num_arcs(), 0);
  // Pass 1: trials, positives, and each activation's number of candidates
  // (at start[j + 1]).
  std::vector<uint64_t> start(ep.actions() + 1, 0);
  EpisodeIndex index(g.num_nodes());
  for (size_t e = 0; e < ep.size(); ++e) {
    index.Load(ep, e);
    ForEachTrial(out, ep, index, e, window, [&](uint32_t k, uint64_t, uint64_t j, Trial t) {
      if (t == Trial::kAlreadyActed) return;
      ++ev.trials[k];
      if (t == Trial::kSuccess) {
        ++ev.positives[k];
        ++start[j + 1];
      }
    });
  }
  uint64_t shared = 0, events = 0;
  for (size_t j = 0; j < ep.actions(); ++j) {
    if (start[j + 1] >= 2) shared += start[j + 1], ++events;
  }
  if (absl::Status s = memory.Reserve(
          4.0 * static_cast<double>(shared) + 8.0 * static_cast<double>(events), window_name,
          absl::StrCat("EM's candidate lists (", shared, " arc activations within the window)"));
      !s.ok())
    return s;
  // Only activations with several candidates keep a list; start[j] becomes
  // the slot of action j's next candidate.
  ev.offsets.reserve(events + 1);
  uint64_t next = 0;
  for (size_t j = 0; j < ep.actions(); ++j) {
    const uint64_t count = start[j + 1];
    start[j] = count >= 2 ? next : EpisodeIndex::kNone;
    if (count >= 2) ev.offsets.push_back(next += count);
  }
  ev.arcs.resize(shared);
  for (size_t e = 0; e < ep.size(); ++e) {
    index.Load(ep, e);
    ForEachTrial(out, ep, index, e, window, [&](uint32_t k, uint64_t, uint64_t j, Trial t) {
      if (t != Trial::kSuccess) return;
      if (start[j] == EpisodeIndex::kNone) {
        ++ev.sole[k];
      } else {
        ev.arcs[start[j]++] = k;
      }
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
    ll += std::log(ActivationProbability(ev, j, p));
  }
  for (size_t k = 0; k < ev.trials.size(); ++k) {
    if (ev.sole[k] > 0) ll += ev.sole[k] * std::log(p[k]);
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
  // Only arcs that share an activation with another arc move: any other
  // arc's update is sole / trials = positives / trials, where it starts.
  std::vector<uint32_t> moving;
  {
    std::vector<uint8_t> seen(m, 0);
    for (uint32_t k : ev.arcs) {
      if (!seen[k]) seen[k] = 1, moving.push_back(k);
    }
  }
  uint64_t all_sole = 0;
  for (size_t k = 0; k < m; ++k) all_sole += ev.sole[k];
  double shared = pooled_start;  // pooled: the common p
  std::vector<double> credit(m);
  for (r.iterations = 1; r.iterations <= max_iterations; ++r.iterations) {
    // E-step: each activation's credit p_k / P_e to each candidate (1 to a
    // sole candidate).
    for (uint32_t k : moving) credit[k] = ev.sole[k];
    for (size_t j = 0; j + 1 < ev.offsets.size(); ++j) {
      const double pe = ActivationProbability(ev, j, r.p);
      if (!(pe > 0)) continue;
      for (uint64_t x = ev.offsets[j]; x < ev.offsets[j + 1]; ++x) {
        credit[ev.arcs[x]] += r.p[ev.arcs[x]] / pe;
      }
    }
    // M-step.
    double change = 0;
    if (pooled) {
      double sum = static_cast<double>(all_sole);
      for (uint32_t k : moving) sum += credit[k] - ev.sole[k];
      const double next = all_trials > 0 ? sum / all_trials : 0;
      change = std::fabs(next - shared);
      shared = next;
      for (uint32_t k : moving) r.p[k] = next;
    } else {
      for (uint32_t k : moving) {
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
  if (pooled) {
    for (size_t k = 0; k < m; ++k) {
      if (ev.trials[k] > 0) r.p[k] = shared;
    }
  }
  r.iterations = std::min(r.iterations, max_iterations);
  r.log_likelihood = CascadeLogLikelihood(ev, r.p);
  return r;
}

}  // namespace mitra::graph
