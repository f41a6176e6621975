// An action log grouped into episodes (one per item, the node's first action
// on it, in time order), and the walk over the trials of one episode that
// every influence estimator and the holdout share: u's action is a trial of
// each out-arc u -> v, and its outcome depends on when v acted on the item.
#ifndef MITRA_SRC_GRAPH_ACTION_EPISODES_H_
#define MITRA_SRC_GRAPH_ACTION_EPISODES_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/graph/csr_graph.h"
#include "mitra/graph/influence_learning.h"

namespace mitra::graph {

struct Episodes {
  // Episode e's actions are [offsets[e], offsets[e+1]), sorted by time, then
  // node; a node appears at most once per episode.
  std::vector<uint64_t> offsets{0};
  std::vector<NodeId> node;
  std::vector<int64_t> time;
  std::vector<uint32_t> item;  // per episode

  size_t size() const { return offsets.size() - 1; }
  uint64_t actions() const { return node.size(); }
};

// INVALID_ARGUMENT naming the column and row: columns of different lengths,
// a node out of range.
absl::Status ValidateActionLog(uint32_t num_nodes, const ActionLog& log);

// The episodes of the actions with from <= time < to (the log validated).
Episodes BuildEpisodes(const ActionLog& log, int64_t from = std::numeric_limits<int64_t>::min(),
                       int64_t to = std::numeric_limits<int64_t>::max());

// t_v - t_u for t_v > t_u without overflow.
inline uint64_t Delay(int64_t t_u, int64_t t_v) {
  return static_cast<uint64_t>(t_v) - static_cast<uint64_t>(t_u);
}

// Where each node acted in the episode loaded last (O(actions) per load).
class EpisodeIndex {
 public:
  static constexpr uint64_t kNone = std::numeric_limits<uint64_t>::max();
  explicit EpisodeIndex(uint32_t num_nodes) : stamp_(num_nodes, kNone), action_(num_nodes, 0) {}
  void Load(const Episodes& ep, size_t e) {
    episode_ = e;
    for (uint64_t i = ep.offsets[e]; i < ep.offsets[e + 1]; ++i) {
      stamp_[ep.node[i]] = e;
      action_[ep.node[i]] = i;
    }
  }
  // The global index of v's action in the loaded episode, or kNone.
  uint64_t Action(NodeId v) const { return stamp_[v] == episode_ ? action_[v] : kNone; }

 private:
  std::vector<uint64_t> stamp_, action_;
  uint64_t episode_ = kNone;
};

enum class Trial : uint8_t {
  kAlreadyActed,  // v acted at or before t_u: no chance for u
  kFailure,       // v did not act on the item, or later than the window
  kSuccess,       // 0 < t_v - t_u <= window
};

// f(arc, u's action, v's action or EpisodeIndex::kNone, outcome) for every
// action u of episode e (loaded into `index`) and every out-arc of u.
template <typename F>
void ForEachTrial(const Adjacency& out, const Episodes& ep, const EpisodeIndex& index, size_t e,
                  uint64_t window, F&& f) {
  for (uint64_t i = ep.offsets[e]; i < ep.offsets[e + 1]; ++i) {
    const NodeId u = ep.node[i];
    const int64_t t_u = ep.time[i];
    for (uint32_t k = out.offsets[u]; k < out.offsets[u + 1]; ++k) {
      const uint64_t j = index.Action(out.targets[k]);
      Trial outcome = Trial::kFailure;
      if (j != EpisodeIndex::kNone) {
        if (ep.time[j] <= t_u) {
          outcome = Trial::kAlreadyActed;
        } else if (Delay(t_u, ep.time[j]) <= window) {
          outcome = Trial::kSuccess;
        }
      }
      f(k, i, j, outcome);
    }
  }
}

}  // namespace mitra::graph

#endif  // MITRA_SRC_GRAPH_ACTION_EPISODES_H_
