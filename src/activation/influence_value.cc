#include "mitra/activation/influence_value.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/parallel.h"
#include "common/random.h"
#include "common/request_errors.h"
#include "common/world_interval.h"
#include "mitra/cocreation/stats.h"
#include "rr_sampler.h"

namespace mitra::activation {
namespace {

constexpr uint64_t kMaxSets = 1000000000;
constexpr uint32_t kMaxBatches = 10000;

absl::Status CheckOptions(const CsrGraph& g, const ArcPosterior& post,
                          absl::Span<const double> value, const InfluenceValueOptions& o) {
  const FieldPath& at = o.names;
  if (absl::Status s = CheckArcPosterior(g, post, at); !s.ok()) return s;
  if (value.size() != g.num_nodes())
    return Invalid(at("node_value"), absl::StrCat(value.size(), " values, but the graph has ",
                                                  g.num_nodes(), " nodes"));
  for (size_t j = 0; j < value.size(); ++j)
    if (absl::Status s = CheckRange(value[j], absl::StrCat(at("node_value"), "[", j, "]"), true,
                                    "finite");
        !s.ok())
      return s;
  if (!o.source_weight.empty() && o.source_weight.size() != g.num_nodes())
    return Invalid(at("source_weight"), absl::StrCat(o.source_weight.size(),
                                                     " values, but the graph has ", g.num_nodes(),
                                                     " nodes"));
  for (size_t j = 0; j < o.source_weight.size(); ++j)
    if (absl::Status s = CheckRange(o.source_weight[j],
                                    absl::StrCat(at("source_weight"), "[", j, "]"),
                                    o.source_weight[j] >= 0, "finite and >= 0");
        !s.ok())
      return s;
  if (absl::Status s = CheckCount(o.rr_sets, 1, kMaxSets, at("rr_sets")); !s.ok()) return s;
  if (absl::Status s = CheckCount(o.batches, 2, kMaxBatches, at("batches")); !s.ok()) return s;
  if (absl::Status s = CheckCount(o.threads, 1, kMaxThreads, at("threads")); !s.ok()) return s;
  return CheckConfidence(o.confidence, at("confidence"));
}

}  // namespace

absl::StatusOr<InfluenceValue> EstimateInfluenceValue(const CsrGraph& g,
                                                      const ArcPosterior& post,
                                                      absl::Span<const double> value,
                                                      const InfluenceValueOptions& o) {
  if (absl::Status s = CheckOptions(g, post, value, o); !s.ok()) return s;
  const uint32_t n = g.num_nodes();
  const uint64_t m = g.num_arcs();
  try {
    // Per batch: a world's graph (its arcs' values, both directions) and,
    // per thread, a sampler and two accumulators of n.
    const int threads = static_cast<int>(std::min<uint64_t>(o.threads, o.rr_sets));
    MemoryReservation memory(o.memory);
    const double bytes = 48.0 * m + 8.0 * n * (4 + 2.0 * o.batches) +
                         static_cast<double>(threads) * n * (8 + 16);
    if (absl::Status s = memory.Reserve(bytes, o.names("threads"), absl::StrCat(
            "influence value on ", threads, " threads of ", n, " nodes and ", m, " arcs"));
        !s.ok())
      return s;
    InfluenceValue out;
    out.batches = o.batches;
    out.sets_per_batch = static_cast<double>(o.rr_sets);
    std::vector<double> batch_value(static_cast<size_t>(o.batches) * n),
        batch_reach(static_cast<size_t>(o.batches) * n), batch_total(o.batches, 0.0);
    const std::vector<NodeId> all_roots;
    const std::vector<uint8_t> store_all;
    for (uint32_t b = 0; b < o.batches; ++b) {
      absl::StatusOr<DiffusionGraph> dg =
          DrawWorld(g, post, Model::kIndependentCascade, o.seed, b);
      if (!dg.ok()) return dg.status();
      std::vector<std::vector<double>> val(threads, std::vector<double>(n, 0.0)),
          cnt(threads, std::vector<double>(n, 0.0));
      uint64_t mix = o.seed ^ (b * 0x9e3779b97f4a7c15ULL);
      const uint64_t batch_seed = SplitMix64(mix);
      ParallelChunks(threads, o.rr_sets, [&](size_t begin, size_t end, int c) {
        rr::RrSampler sampler(*dg, all_roots, store_all);
        std::vector<NodeId> set;
        for (size_t r = begin; r < end; ++r) {
          set.clear();
          sampler.Sample(batch_seed, r, set);
          // The sampler puts the root first.
          const double v = value[set[0]];
          for (size_t i = 1; i < set.size(); ++i) {
            val[c][set[i]] += v;
            cnt[c][set[i]] += 1;
          }
        }
      });
      const double scale = static_cast<double>(n) / o.rr_sets;
      for (uint32_t i = 0; i < n; ++i) {
        double sv = 0, sc = 0;
        for (int c = 0; c < threads; ++c) {
          sv += val[c][i];
          sc += cnt[c][i];
        }
        const double w = o.source_weight.empty() ? 1.0 : o.source_weight[i];
        batch_value[static_cast<size_t>(b) * n + i] = w * sv * scale;
        batch_total[b] += w * sv * scale;
        batch_reach[static_cast<size_t>(b) * n + i] = sc * scale;
      }
    }
    const double z = cocreation::ZForConfidence(o.confidence);
    out.value.assign(n, 0);
    out.low.assign(n, 0);
    out.high.assign(n, 0);
    out.reach.assign(n, 0);
    for (uint32_t i = 0; i < n; ++i) {
      const WorldInterval v = OverWorlds(&batch_value[i], o.batches, z, n);
      out.value[i] = v.mean;
      out.low[i] = v.low;
      out.high[i] = v.high;
      out.reach[i] = OverWorlds(&batch_reach[i], o.batches, z, n).mean;
    }
    const WorldInterval t = OverWorlds(batch_total.data(), o.batches, z);
    out.total = t.mean;
    out.total_low = t.low;
    out.total_high = t.high;
    return out;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("EstimateInfluenceValue: out of memory");
  }
}

}  // namespace mitra::activation
