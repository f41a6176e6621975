#include "mitra/graph/influence_holdout.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "graph/action_episodes.h"
#include "graph/influence_em.h"
#include "graph/roc_auc.h"

namespace mitra::graph {
namespace {

// Predictions are kept inside [kClip, 1 - kClip] so that a model that is
// certain and wrong (weighted cascade's p = 1 into a node of in-degree 1)
// costs a large, finite log-likelihood.
constexpr double kClip = 1e-9;

enum ModelIndex { kLearned, kWeightedCascade, kUniform, kNoInfluence, kModels };

struct Scores {
  std::array<std::vector<ScoredCount>, kModels> points;
  std::array<double, kModels> log_likelihood{};

  // `count` units sharing one prediction per model, `pos` of them positive.
  void Add(const std::array<double, kModels>& p, uint64_t pos, uint64_t count) {
    for (int m = 0; m < kModels; ++m) {
      const double q = std::clamp(p[m], kClip, 1 - kClip);
      points[m].push_back({q, pos, count - pos});
      log_likelihood[m] += pos * std::log(q) + (count - pos) * std::log1p(-q);
    }
  }
};

std::vector<double> WeightedCascade(const CsrGraph& g) {
  const Adjacency& out = g.out();
  std::vector<double> in_weight(g.num_nodes(), 0);
  auto weight = [&](uint64_t k) { return out.weights.empty() ? 1.0 : out.weights[k]; };
  for (uint64_t k = 0; k < g.num_arcs(); ++k) in_weight[out.targets[k]] += weight(k);
  std::vector<double> p(g.num_arcs());
  for (uint64_t k = 0; k < g.num_arcs(); ++k) {
    const double w = in_weight[out.targets[k]];
    p[k] = w > 0 ? weight(k) / w : 0;
  }
  return p;
}

}  // namespace

absl::Status ValidateHoldoutOptions(const CsrGraph& g, const HoldoutOptions& o) {
  // Any int64 splits a log of any int64 times.
  return ValidateInfluenceOptions(g, o.learning);
}

absl::StatusOr<HoldoutReport> EvaluateHoldout(const CsrGraph& g, const ActionLog& log,
                                              const HoldoutOptions& o) {
  if (absl::Status s = ValidateHoldoutOptions(g, o); !s.ok()) return s;
  if (absl::Status s = ValidateActionLog(g.num_nodes(), log); !s.ok()) return s;
  const uint32_t n = g.num_nodes();
  const uint64_t window = static_cast<uint64_t>(o.learning.window);
  ActionLog train;
  for (size_t i = 0; i < log.node.size(); ++i) {
    if (log.time[i] >= o.split_time) continue;
    train.node.push_back(log.node[i]);
    train.time.push_back(log.time[i]);
    if (!log.item.empty()) train.item.push_back(log.item[i]);
  }
  if (train.node.empty() || train.node.size() == log.node.size()) {
    return absl::FailedPreconditionError(absl::StrCat(
        o.names("split_time"), ": ", o.split_time, " leaves ", train.node.size(), " of ", log.node.size(),
        " actions for training; both periods need actions"));
  }
  HoldoutReport r;
  auto learned = LearnInfluence(g, train, o.learning);
  if (!learned.ok()) return learned.status();
  r.model = *std::move(learned);

  // Training: base rates and the uniform p.
  const Episodes train_ep = BuildEpisodes(train);
  r.training_episodes = train_ep.size();
  MemoryReservation memory(o.learning.memory);
  auto ev = GatherCascadeEvidence(g, train_ep, window, memory, o.learning.names("window"));
  if (!ev.ok()) return ev.status();
  const CascadeEm uniform =
      RunCascadeEm(*ev, o.learning.em_max_iterations, o.learning.em_tolerance, /*pooled=*/true);
  for (uint64_t k = 0; k < g.num_arcs(); ++k) {
    if (ev->trials[k] > 0) r.uniform_p = uniform.p[k];
  }
  // An action is spontaneous when no in-neighbour's window covers it.
  std::vector<uint8_t> explained(train_ep.actions(), 0);
  {
    EpisodeIndex index(n);
    for (size_t e = 0; e < train_ep.size(); ++e) {
      index.Load(train_ep, e);
      ForEachTrial(g.out(), train_ep, index, e, window,
                   [&](uint32_t, uint64_t, uint64_t j, Trial t) {
                     if (t == Trial::kSuccess) explained[j] = 1;
                   });
    }
  }
  std::vector<uint32_t> acted(n, 0), spontaneous(n, 0);
  for (size_t j = 0; j < train_ep.actions(); ++j) {
    ++acted[train_ep.node[j]];
    spontaneous[train_ep.node[j]] += !explained[j];
  }
  const double denominator = static_cast<double>(train_ep.size()) + 2;
  std::vector<double> base_ic(n), base_none(n);
  for (NodeId v = 0; v < n; ++v) {
    base_ic[v] = (spontaneous[v] + 1) / denominator;
    base_none[v] = (acted[v] + 1) / denominator;
  }
  const std::vector<double> wc = WeightedCascade(g);
  std::array<const std::vector<double>*, 3> arc_p = {&r.model.posterior_mean, &wc, &uniform.p};

  // Test: every episode with an action at or after the split.
  const Episodes ep = BuildEpisodes(log);
  const Adjacency& out = g.out();
  EpisodeIndex index(n);
  std::vector<uint32_t> acted_before(n, 0), acted_after(n, 0), exposed_units(n, 0),
      exposed_pos(n, 0);
  std::vector<std::array<double, 3>> log_none(n, {0, 0, 0});
  std::vector<uint64_t> stamp(n, std::numeric_limits<uint64_t>::max());
  std::vector<NodeId> touched;
  Scores scores;
  uint64_t reserved_units = 0;
  const double evidence_bytes = static_cast<double>(memory.bytes());
  for (size_t e = 0; e < ep.size(); ++e) {
    if (ep.time[ep.offsets[e + 1] - 1] < o.split_time) continue;
    ++r.test_episodes;
    index.Load(ep, e);
    touched.clear();
    for (uint64_t i = ep.offsets[e]; i < ep.offsets[e + 1]; ++i) {
      ++(ep.time[i] < o.split_time ? acted_before : acted_after)[ep.node[i]];
    }
    ForEachTrial(out, ep, index, e, window, [&](uint32_t k, uint64_t, uint64_t j, Trial t) {
      if (t == Trial::kAlreadyActed) return;  // v acted first (or with u)
      if (j != EpisodeIndex::kNone && ep.time[j] < o.split_time) return;  // not at risk
      const NodeId v = out.targets[k];
      if (stamp[v] != e) {
        stamp[v] = e;
        log_none[v] = {0, 0, 0};
        touched.push_back(v);
      }
      for (int m = 0; m < 3; ++m) {
        log_none[v][m] += std::log1p(-std::min((*arc_p[m])[k], 1 - kClip));
      }
    });
    if (scores.points[0].size() + touched.size() > reserved_units) {
      reserved_units = 2 * (scores.points[0].size() + touched.size());
      if (absl::Status s = memory.ReserveTotal(
              evidence_bytes + reserved_units * kModels * 24.0,
              o.names("split_time"), absl::StrCat("holdout scores of ", reserved_units, " units"));
          !s.ok())
        return s;
      for (auto& p : scores.points) p.reserve(reserved_units);
    }
    for (NodeId v : touched) {
      const bool positive = index.Action(v) != EpisodeIndex::kNone;
      std::array<double, kModels> p;
      for (int m = 0; m < 3; ++m) p[m] = -std::expm1(std::log1p(-base_ic[v]) + log_none[v][m]);
      p[kNoInfluence] = base_none[v];
      scores.Add(p, positive, 1);
      ++exposed_units[v];
      exposed_pos[v] += positive;
    }
  }
  // The units without exposure: one prediction per node and model.
  for (NodeId v = 0; v < n; ++v) {
    const uint64_t at_risk = r.test_episodes - acted_before[v];
    const uint64_t count = at_risk - exposed_units[v];
    const uint64_t pos = acted_after[v] - exposed_pos[v];
    r.units += at_risk;
    r.positives += acted_after[v];
    r.exposed_units += exposed_units[v];
    if (count == 0) continue;
    scores.Add({base_ic[v], base_ic[v], base_ic[v], base_none[v]}, pos, count);
  }
  if (r.positives == 0 || r.positives == r.units) {
    return absl::FailedPreconditionError(absl::StrCat(
        o.names("split_time"), ": the test period has ", r.units, " units of which ", r.positives,
        " positive; validation needs both labels"));
  }
  std::array<HoldoutScore*, kModels> out_scores = {&r.learned, &r.weighted_cascade, &r.uniform,
                                                   &r.no_influence};
  for (int m = 0; m < kModels; ++m) {
    out_scores[m]->log_likelihood = scores.log_likelihood[m];
    out_scores[m]->mean_log_likelihood = scores.log_likelihood[m] / r.units;
    out_scores[m]->auc = RocAuc(std::move(scores.points[m]));
  }
  return r;
}

}  // namespace mitra::graph
