// The flat RR-set store of IMM and OPIM-C and the memory budget it grows
// under. Internal to src/activation.
//
// What a run holds, in bytes (a = stored nodes per RR set, n nodes, t
// threads):
//   per RR set     4 (offset) + 4 a (nodes), plus 4 a of growth slack and of
//                  the sampling threads' buffers, and, while the greedy runs,
//                  4 a (inverted index) + 1 (covered flag): 5 + 12 a;
//   per node       the samplers' marks (4 t), the greedy's arrays and the
//                  constraints: kPerNode + 4 t.
// a is not known before sampling: the estimates use the mean of the sets
// sampled so far (at least one stored node per set when every root is
// stored), and sampling reserves as it goes, so a sample that turns out
// larger than estimated stops at the limit too.
#ifndef MITRA_SRC_ACTIVATION_RR_BUDGET_H_
#define MITRA_SRC_ACTIVATION_RR_BUDGET_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "mitra/activation/imm.h"
#include "mitra/core/memory_budget.h"

namespace mitra::activation {

// Flat RR sets: set i is nodes[offsets[i] .. offsets[i+1]).
struct RrStore {
  std::vector<uint32_t> offsets{0};
  std::vector<NodeId> nodes;
  uint64_t count() const { return offsets.size() - 1; }
  uint64_t capacity_bytes() const {
    return (offsets.capacity() + nodes.capacity()) * sizeof(uint32_t);
  }
};

class RrBudget {
 public:
  static constexpr double kPerNode = 48;

  // `stores`: the collections the run keeps (IMM one, OPIM-C two);
  // min_nodes: the fewest stored nodes an RR set can have (1 when every
  // root is stored, else 0).
  RrBudget(const ImmOptions& o, uint32_t n, double min_nodes, std::vector<const RrStore*> stores)
      : reservation_(o.memory),
        o_(o),
        fixed_(static_cast<double>(n) * (kPerNode + 4.0 * o.threads)),
        min_nodes_(min_nodes),
        stores_(std::move(stores)) {}

  // Stored nodes per RR set: the mean so far, at least min_nodes.
  double SetSize() const {
    uint64_t sets = 0, nodes = 0;
    for (const RrStore* s : stores_) {
      sets += s->count();
      nodes += s->nodes.size();
    }
    return std::max(min_nodes_, sets > 0 ? static_cast<double>(nodes) / sets : 0.0);
  }

  // Refuses (RESOURCE_EXHAUSTED naming epsilon) a stage that needs `sets`
  // RR sets in each of the run's collections (and the greedy's index on
  // one), at the mean size so far, before it samples them.
  absl::Status Plan(double sets, const char* stage) {
    const double a = SetSize();
    const double c = static_cast<double>(stores_.size());
    const double bytes = fixed_ + sets * (c * (4 + 8 * a) + 1 + 4 * a);
    return reservation_.ReserveTotal(bytes, o_.names("epsilon"), What(sets * c, stage, a));
  }

  // Reserves what is held now plus `extra` bytes about to be allocated.
  absl::Status Hold(double extra, const char* stage) {
    double held = fixed_;
    uint64_t sets = 0;
    for (const RrStore* s : stores_) {
      held += static_cast<double>(s->capacity_bytes());
      sets += s->count();
    }
    return reservation_.ReserveTotal(held + extra, o_.names("epsilon"),
                                     What(static_cast<double>(sets), stage, SetSize()));
  }

  // The greedy's inverted index over `store`.
  static double IndexBytes(const RrStore& s) {
    return static_cast<double>(s.count()) + 4.0 * static_cast<double>(s.nodes.size());
  }

  uint64_t reserved() const { return reservation_.bytes(); }

 private:
  std::string What(double sets, const char* stage, double a) const {
    char count[32];
    std::snprintf(count, sizeof count, "%.4g", sets);
    return absl::StrCat(o_.algorithm == ImAlgorithm::kOpimC ? "OPIM-C" : "IMM", " (", stage,
                        ": ", count, " RR sets of about ", static_cast<float>(a),
                        " nodes; epsilon ", o_.epsilon, ", ell ", o_.ell,
                        o_.budget.has_value() ? std::string(", budget")
                                              : absl::StrCat(", k ", o_.k),
                        ")");
  }

  MemoryReservation reservation_;
  const ImmOptions& o_;
  double fixed_;
  double min_nodes_;
  std::vector<const RrStore*> stores_;
};

}  // namespace mitra::activation

#endif  // MITRA_SRC_ACTIVATION_RR_BUDGET_H_
