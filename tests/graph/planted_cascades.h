// Discrete-time independent cascades on a random graph from planted per-arc
// probabilities, with the oracle's view of every trial: the ground truth the
// influence-learning tests compare against.
//
// Each episode (item e, starting at time e * 1000) activates every node v
// on its own with probability q_v at step 0; a node active at step s then
// gets one try at each out-neighbour not active by step s, which succeeds
// with the arc's p and activates it at step s + 1. A node's action is
// (node, e, start + step), so a window of 1 is exactly one step.
#ifndef MITRA_TESTS_GRAPH_PLANTED_CASCADES_H_
#define MITRA_TESTS_GRAPH_PLANTED_CASCADES_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "common/random.h"
#include "mitra/graph/csr_graph.h"
#include "mitra/graph/influence_learning.h"

namespace mitra::graph::testing {

struct PlantedCascades {
  CsrGraph graph;
  std::vector<double> p;          // per arc (aligned with out().targets)
  std::vector<double> base;       // q_v per node
  std::vector<uint32_t> trials;   // per arc: the oracle's tries
  std::vector<uint32_t> successes;
  ActionLog log;
};

struct PlantedOptions {
  uint32_t nodes = 2000;
  uint32_t out_degree = 3;
  uint32_t episodes = 3000;
  double base_min = 1e-4, base_max = 0.15;  // q log-uniform in between
  uint64_t seed = 42;
};

// p ~ Beta(4, 20) (mean 1/6), drawn as the 4th smallest of 23 uniforms.
inline double PlantedProbability(Rng& rng) {
  double u[23];
  for (double& x : u) x = rng.Uniform();
  std::nth_element(u, u + 3, u + 23);
  return u[3];
}

// Appends `episodes` cascades on g with per-arc probabilities p to `log`
// (item first_item + e at time e * episode_time + step * step_time);
// seeds(rng, activate) calls activate(v) for the step-0 nodes. trials and
// successes (per arc, when not null) count the oracle's tries.
template <typename Seeds>
void SimulateCascades(const CsrGraph& g, const std::vector<double>& p, uint32_t episodes,
                      int64_t episode_time, int64_t step_time, Rng& rng, Seeds&& seeds,
                      ActionLog& log, std::vector<uint32_t>* trials = nullptr,
                      std::vector<uint32_t>* successes = nullptr) {
  const Adjacency& out = g.out();
  constexpr uint32_t kInactive = UINT32_MAX;
  std::vector<uint32_t> step(g.num_nodes(), kInactive);
  std::vector<NodeId> frontier, next, active;
  auto activate = [&](NodeId v) {
    if (step[v] != kInactive) return;
    step[v] = 0;
    frontier.push_back(v);
    active.push_back(v);
  };
  for (uint32_t e = 0; e < episodes; ++e) {
    for (NodeId v : active) step[v] = kInactive;
    active.clear();
    frontier.clear();
    seeds(rng, activate);
    for (uint32_t s = 0; !frontier.empty(); ++s) {
      next.clear();
      for (NodeId u : frontier) {
        for (uint32_t k = out.offsets[u]; k < out.offsets[u + 1]; ++k) {
          const NodeId v = out.targets[k];
          if (step[v] <= s) continue;  // active already: no try
          if (trials) ++(*trials)[k];
          if (rng.Uniform() >= p[k]) continue;
          if (successes) ++(*successes)[k];
          if (step[v] == kInactive) {
            step[v] = s + 1;
            next.push_back(v);
            active.push_back(v);
          }
        }
      }
      frontier.swap(next);
    }
    for (NodeId v : active) {
      log.node.push_back(v);
      log.item.push_back(e);
      log.time.push_back(int64_t{e} * episode_time + step[v] * step_time);
    }
  }
}

inline PlantedCascades SimulatePlantedCascades(const PlantedOptions& o = {}) {
  Rng rng(o.seed);
  std::vector<NodeId> src, dst;
  for (NodeId u = 0; u < o.nodes; ++u) {
    std::vector<NodeId> picked;
    while (picked.size() < o.out_degree) {
      const NodeId v = static_cast<NodeId>(rng.Below(o.nodes));
      if (v == u || std::find(picked.begin(), picked.end(), v) != picked.end()) continue;
      picked.push_back(v);
      src.push_back(u);
      dst.push_back(v);
    }
  }
  PlantedCascades c;
  c.graph = *CsrGraph::FromEdges(o.nodes, src, dst);
  c.p.resize(c.graph.num_arcs());
  for (double& x : c.p) x = PlantedProbability(rng);
  c.base.resize(o.nodes);
  for (double& q : c.base) {
    q = std::exp(std::log(o.base_min) + rng.Uniform() * std::log(o.base_max / o.base_min));
  }
  c.trials.assign(c.graph.num_arcs(), 0);
  c.successes.assign(c.graph.num_arcs(), 0);
  SimulateCascades(
      c.graph, c.p, o.episodes, 1000, 1, rng,
      [&](Rng& r, auto&& activate) {
        for (NodeId v = 0; v < o.nodes; ++v) {
          if (r.Uniform() < c.base[v]) activate(v);
        }
      },
      c.log, &c.trials, &c.successes);
  return c;
}

}  // namespace mitra::graph::testing

#endif  // MITRA_TESTS_GRAPH_PLANTED_CASCADES_H_
