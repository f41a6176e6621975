#include "rr_sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/parallel.h"
#include "common/random.h"

namespace mitra::activation::rr {

uint32_t RrSampler::Sample(uint64_t seed, uint64_t index, std::vector<NodeId>& out) {
  if (++stamp_ == 0) {
    std::fill(mark_.begin(), mark_.end(), 0);
    stamp_ = 1;
  }
  Rng rng(seed, index);
  const NodeId root = roots_.empty() ? static_cast<NodeId>(rng.Below(dg_.num_nodes()))
                                     : roots_[rng.Below(roots_.size())];
  const size_t start = out.size();
  const auto& off = dg_.in_offsets();
  const auto& src = dg_.in_sources();
  const auto& uni = dg_.in_uniform_value();
  if (dg_.model() == Model::kIndependentCascade) {
    const auto& thr = dg_.in_thresholds();
    const auto& ilq = dg_.in_inv_log_q();
    queue_.clear();
    queue_.push_back(root);
    mark_[root] = stamp_;
    for (size_t h = 0; h < queue_.size(); ++h) {
      const NodeId v = queue_[h];
      const uint32_t b = off[v], e = off[v + 1];
      if (b == e) continue;
      const double pu = uni[v];
      auto visit = [&](uint32_t k) {
        const NodeId u = src[k];
        if (mark_[u] != stamp_) {
          mark_[u] = stamp_;
          queue_.push_back(u);
        }
      };
      if (pu >= 0) {
        if (pu <= 0) continue;
        if (pu >= 1) {
          for (uint32_t k = b; k < e; ++k) visit(k);
          continue;
        }
        // Geometric skipping: the gap to the next live arc is
        // floor(log U / log(1 - p)), U uniform in (0, 1].
        const double inv = ilq[v];
        uint32_t j = b;
        while (true) {
          const double skip = std::floor(std::log(1.0 - rng.Uniform()) * inv);
          if (skip >= static_cast<double>(e - j)) break;
          j += static_cast<uint32_t>(skip);
          visit(j);
          ++j;
        }
      } else {
        for (uint32_t k = b; k < e; ++k)
          if ((rng.Next() >> 11) < thr[k]) visit(k);
      }
    }
    for (NodeId u : queue_)
      if (storable_.empty() || storable_[u]) out.push_back(u);
  } else {
    const auto& w = dg_.in_values();
    NodeId v = root;
    while (true) {
      mark_[v] = stamp_;
      if (storable_.empty() || storable_[v]) out.push_back(v);
      const uint32_t b = off[v], e = off[v + 1];
      if (b == e) break;
      const double r = rng.Uniform();
      uint32_t pick = e;
      const double pu = uni[v];
      if (pu >= 0) {
        if (pu > 0) {
          const double idx = std::floor(r / pu);
          if (idx < static_cast<double>(e - b)) pick = b + static_cast<uint32_t>(idx);
        }
      } else {
        double cum = 0;
        for (uint32_t k = b; k < e; ++k) {
          cum += w[k];
          if (r < cum) {
            pick = k;
            break;
          }
        }
      }
      if (pick == e) break;
      const NodeId u = src[pick];
      if (mark_[u] == stamp_) break;
      v = u;
    }
  }
  return static_cast<uint32_t>(out.size() - start);
}

// Samples RR sets [store.count(), target) with streams (seed, i), in
// chunks whose memory is reserved from `budget` first: a pilot of one set
// per thread, then chunks that double (at most kMaxChunk sets), each
// estimated at the mean set size so far and reserved again at its actual
// size before it joins the store. Set i depends only on (seed, i), so the
// chunking changes nothing in the result. first_index: the store's set j is
// set first_index + j of the stream (a share of a sample drawn elsewhere).
absl::Status SampleTo(RrStore& store, uint64_t target, uint64_t seed,
                      std::vector<RrSampler>& samplers, RrBudget& budget, const char* stage,
                      uint64_t first_index) {
  constexpr uint64_t kMaxChunk = uint64_t{1} << 22;
  if (target <= store.count()) return absl::OkStatus();
  if (absl::Status s = budget.Hold(4.0 * static_cast<double>(target + 1), stage); !s.ok())
    return s;
  store.offsets.reserve(target + 1);
  uint64_t chunk = samplers.size();
  while (store.count() < target) {
    const uint64_t first = store.count();
    const uint64_t batch = std::min(target - first, chunk);
    chunk = std::min(kMaxChunk, 2 * chunk);
    // The sampling threads' buffers, at the mean size so far.
    if (absl::Status s = budget.Hold(8.0 * batch * budget.SetSize(), stage); !s.ok()) return s;
    const int threads = static_cast<int>(std::min<uint64_t>(samplers.size(), batch));
    std::vector<std::vector<NodeId>> local_nodes(threads);
    std::vector<std::vector<uint32_t>> local_sizes(threads);
    ParallelChunks(threads, batch, [&](size_t b, size_t e, int c) {
      auto& nodes = local_nodes[c];
      auto& sizes = local_sizes[c];
      sizes.reserve(e - b);
      for (size_t i = b; i < e; ++i)
        sizes.push_back(samplers[c].Sample(seed, first_index + first + i, nodes));
    });
    uint64_t added = 0;
    for (const auto& v : local_nodes) added += v.size();
    const uint64_t total = store.nodes.size() + added;
    if (total > std::numeric_limits<uint32_t>::max())
      return absl::ResourceExhaustedError(
          "Imm: the RR sets exceed 2^32 - 1 stored nodes (uint32 offsets)");
    if (total > store.nodes.capacity()) {
      // Growth by half again: while moving, the old and new arrays coexist.
      const uint64_t cap = std::max<uint64_t>(total, store.nodes.capacity() * 3 / 2);
      if (absl::Status s = budget.Hold(4.0 * (static_cast<double>(added) + cap), stage);
          !s.ok())
        return s;
      store.nodes.reserve(cap);
    }
    for (int c = 0; c < threads; ++c) {
      uint32_t at = store.offsets.back();
      for (uint32_t s : local_sizes[c]) store.offsets.push_back(at += s);
      store.nodes.insert(store.nodes.end(), local_nodes[c].begin(), local_nodes[c].end());
      std::vector<NodeId>().swap(local_nodes[c]);
    }
  }
  return absl::OkStatus();
}

}  // namespace mitra::activation::rr
