#include "graph/action_episodes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace mitra::graph {

absl::Status ValidateActionLog(uint32_t num_nodes, const ActionLog& log) {
  const size_t n = log.node.size();
  if (log.time.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("action log: time has ", log.time.size(),
                                                   " rows, node has ", n));
  }
  if (!log.item.empty() && log.item.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("action log: item has ", log.item.size(),
                                                   " rows, node has ", n, " (or leave it empty)"));
  }
  for (size_t i = 0; i < n; ++i) {
    if (log.node[i] >= num_nodes) {
      return absl::InvalidArgumentError(absl::StrCat("action log: node[", i, "]: node ",
                                                     log.node[i], " out of range (num_nodes ",
                                                     num_nodes, ")"));
    }
  }
  return absl::OkStatus();
}

Episodes BuildEpisodes(const ActionLog& log, int64_t from, int64_t to) {
  struct Key {
    uint32_t item;
    NodeId node;
    int64_t time;
  };
  std::vector<Key> keys;
  for (size_t i = 0; i < log.node.size(); ++i) {
    if (log.time[i] < from || log.time[i] >= to) continue;
    keys.push_back({log.item.empty() ? 0u : log.item[i], log.node[i], log.time[i]});
  }
  // By item, then node, then time: a node's first action on an item leads.
  std::sort(keys.begin(), keys.end(), [](const Key& x, const Key& y) {
    if (x.item != y.item) return x.item < y.item;
    if (x.node != y.node) return x.node < y.node;
    return x.time < y.time;
  });
  size_t kept = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0 && keys[i].item == keys[i - 1].item && keys[i].node == keys[i - 1].node) continue;
    keys[kept++] = keys[i];
  }
  keys.resize(kept);
  std::sort(keys.begin(), keys.end(), [](const Key& x, const Key& y) {
    if (x.item != y.item) return x.item < y.item;
    if (x.time != y.time) return x.time < y.time;
    return x.node < y.node;
  });
  Episodes ep;
  ep.node.reserve(kept);
  ep.time.reserve(kept);
  for (size_t i = 0; i < kept; ++i) {
    if (i > 0 && keys[i].item != keys[i - 1].item) ep.offsets.push_back(i);
    if (i == 0 || keys[i].item != keys[i - 1].item) ep.item.push_back(keys[i].item);
    ep.node.push_back(keys[i].node);
    ep.time.push_back(keys[i].time);
  }
  if (kept > 0) ep.offsets.push_back(kept);
  return ep;
}

}  // namespace mitra::graph
