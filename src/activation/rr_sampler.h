// Reverse-reachable (RR) sets: sampling them for IMM and OPIM-C into the
// flat store of rr_budget.h, under its memory budget. Internal to
// src/activation.
#ifndef MITRA_SRC_ACTIVATION_RR_SAMPLER_H_
#define MITRA_SRC_ACTIVATION_RR_SAMPLER_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "mitra/activation/diffusion.h"
#include "rr_budget.h"

namespace mitra::activation::rr {

// Samples RR sets; one per thread, reused across batches.
class RrSampler {
 public:
  RrSampler(const DiffusionGraph& dg, const std::vector<NodeId>& roots,
            const std::vector<uint8_t>& storable)
      : dg_(dg), roots_(roots), storable_(storable), mark_(dg.num_nodes(), 0) {}

  // Appends RR set `index` (its stored nodes) to `out`; returns how many.
  uint32_t Sample(uint64_t seed, uint64_t index, std::vector<NodeId>& out);

 private:
  const DiffusionGraph& dg_;
  const std::vector<NodeId>& roots_;
  const std::vector<uint8_t>& storable_;
  std::vector<uint32_t> mark_;
  uint32_t stamp_ = 0;
  std::vector<NodeId> queue_;
};

// Samples RR sets [store.count(), target) with streams (seed, i), in
// chunks whose memory is reserved from `budget` first: a pilot of one set
// per thread, then chunks that double (at most kMaxChunk sets), each
// estimated at the mean set size so far and reserved again at its actual
// size before it joins the store. Set i depends only on (seed, i), so the
// chunking changes nothing in the result. first_index: the store's set j is
// set first_index + j of the stream (a share of a sample drawn elsewhere).
absl::Status SampleTo(RrStore& store, uint64_t target, uint64_t seed,
                      std::vector<RrSampler>& samplers, RrBudget& budget, const char* stage,
                      uint64_t first_index = 0);

}  // namespace mitra::activation::rr

#endif  // MITRA_SRC_ACTIVATION_RR_SAMPLER_H_
