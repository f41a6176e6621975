#include "mitra/activation/diffusion.h"

#include <cmath>
#include <cstdint>
#include <exception>
#include <new>
#include <utility>
#include <vector>

#include "common/format.h"
#include "common/parallel.h"
#include "common/random.h"
#include "common/request_errors.h"
#include "node_checks.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace mitra::activation {
namespace {


// Stream domains so that Monte-Carlo runs, RR sets and trivalency draws
// never share a generator stream for the same seed.
constexpr uint64_t kTrivalencyDomain = 0x7472697661ULL;
constexpr uint64_t kSimulationDomain = 0x73696d756c617465ULL;

std::vector<double> InWeights(const CsrGraph& g) {
  std::vector<double> in(g.num_nodes(), 0.0);
  const auto& out = g.out();
  for (size_t k = 0; k < out.targets.size(); ++k)
    in[out.targets[k]] += out.weights.empty() ? 1.0 : out.weights[k];
  return in;
}

uint64_t Threshold53(double p) {
  if (p <= 0) return 0;
  if (p >= 1) return uint64_t{1} << 53;
  return static_cast<uint64_t>(std::ceil(p * 0x1.0p53));
}

}  // namespace

absl::StatusOr<std::vector<double>> WeightedCascadeProbabilities(const CsrGraph& g) {
  try {
    const std::vector<double> in = InWeights(g);
    const auto& out = g.out();
    std::vector<double> p(out.targets.size());
    for (size_t k = 0; k < p.size(); ++k) {
      const double w = out.weights.empty() ? 1.0 : out.weights[k];
      const double total = in[out.targets[k]];
      p[k] = total > 0 ? std::min(1.0, w / total) : 0.0;
    }
    return p;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("WeightedCascadeProbabilities: out of memory");
  }
}

absl::StatusOr<std::vector<double>> TrivalencyProbabilities(const CsrGraph& g, uint64_t seed) {
  try {
    static constexpr double kValues[3] = {0.1, 0.01, 0.001};
    std::vector<double> p(g.num_arcs());
    for (size_t k = 0; k < p.size(); ++k) {
      Rng rng(seed ^ kTrivalencyDomain, k);
      p[k] = kValues[rng.Below(3)];
    }
    return p;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("TrivalencyProbabilities: out of memory");
  }
}

namespace {

absl::Status CheckConstant(double p, const FieldPath& at) {
  return CheckRange(p, at("p"), p >= 0 && p <= 1, "in [0, 1]");
}

absl::Status CheckLambda(double lambda, const FieldPath& at) {
  return CheckRange(lambda, at("lambda"), lambda > 0, "finite and > 0");
}

}  // namespace

absl::StatusOr<std::vector<double>> ConstantProbabilities(const CsrGraph& g, double p) {
  if (absl::Status s = CheckConstant(p, FieldPath()); !s.ok()) return s;
  try {
    return std::vector<double>(g.num_arcs(), p);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("ConstantProbabilities: out of memory");
  }
}

absl::StatusOr<std::vector<double>> InteractionProbabilities(const CsrGraph& g, double lambda) {
  if (absl::Status s = CheckLambda(lambda, FieldPath()); !s.ok()) return s;
  try {
    const auto& out = g.out();
    std::vector<double> p(out.targets.size());
    for (size_t k = 0; k < p.size(); ++k) {
      const double w = out.weights.empty() ? 1.0 : out.weights[k];
      p[k] = -std::expm1(-lambda * w);
    }
    return p;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("InteractionProbabilities: out of memory");
  }
}

absl::StatusOr<std::vector<double>> LinearThresholdWeights(const CsrGraph& g) {
  return WeightedCascadeProbabilities(g);
}

namespace {

// The learned model's chosen per-arc values (it must have g's arcs).
absl::StatusOr<std::vector<double>> LearnedValues(const CsrGraph& g, const ArcRule& rule) {
  if (rule.learned == nullptr) return Invalid(rule.names("learned"), "no learned model given");
  const graph::InfluenceModel& m = *rule.learned;
  const std::vector<double>& v = rule.learned_value == ArcRule::LearnedValue::kLower   ? m.lower
                                 : rule.learned_value == ArcRule::LearnedValue::kUpper ? m.upper
                                                                                       : m.posterior_mean;
  if (v.size() != g.num_arcs()) {
    return Invalid(rule.names("learned"),
                   absl::StrCat("the model has ", v.size(), " arcs, the graph ", g.num_arcs(),
                                " (learn it on the same graph)"));
  }
  return v;
}

// The rule's value on every arc of g, aligned with g.out().targets.
absl::StatusOr<std::vector<double>> ArcValues(const CsrGraph& g, ArcRule& rule) {
  switch (rule.kind) {
    case ArcRule::Kind::kWeightedCascade: return WeightedCascadeProbabilities(g);
    case ArcRule::Kind::kTrivalency: return TrivalencyProbabilities(g, rule.seed);
    case ArcRule::Kind::kConstant:
      if (absl::Status s = CheckConstant(rule.p, rule.names); !s.ok()) return s;
      return ConstantProbabilities(g, rule.p);
    case ArcRule::Kind::kInteraction:
      if (absl::Status s = CheckLambda(rule.lambda, rule.names); !s.ok()) return s;
      return InteractionProbabilities(g, rule.lambda);
    case ArcRule::Kind::kLearned: return LearnedValues(g, rule);
    case ArcRule::Kind::kGiven: break;
  }
  const std::string arc_values = rule.names("arc_values");
  if (rule.values.size() != g.num_arcs())
    return Invalid(arc_values, absl::StrCat(rule.values.size(), " values, but the graph has ",
                                            g.num_arcs(), " arcs"));
  for (size_t k = 0; k < rule.values.size(); ++k)
    if (absl::Status s = CheckRange(rule.values[k], absl::StrCat(arc_values, "[", k, "]"),
                                    rule.values[k] >= 0 && rule.values[k] <= 1,
                                    "a probability in [0, 1]");
        !s.ok())
      return s;
  return std::move(rule.values);
}

}  // namespace

absl::StatusOr<DiffusionGraph> DiffusionGraph::Create(const CsrGraph& g, Model model,
                                                      absl::Span<const double> arc_values) {
  try {
    ArcRule rule;
    rule.kind = ArcRule::Kind::kGiven;
    rule.values.assign(arc_values.begin(), arc_values.end());
    return Create(CsrGraph(g), model, std::move(rule));
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("DiffusionGraph::Create: out of memory");
  }
}

absl::StatusOr<DiffusionGraph> DiffusionGraph::Create(CsrGraph&& g, Model model, ArcRule rule) {
  absl::StatusOr<std::vector<double>> values = ArcValues(g, rule);
  if (!values.ok()) return values.status();
  try {
    DiffusionGraph dg;
    dg.model_ = model;
    dg.n_ = g.num_nodes();
    const uint32_t n = dg.n_;
    // The rows are taken over; the weights were only needed for the values.
    graph::Adjacency out = std::move(g).TakeOut();
    std::vector<double>().swap(out.weights);
    dg.out_offsets_ = std::move(out.offsets);
    if (dg.out_offsets_.empty()) dg.out_offsets_.assign(n + 1, 0);
    dg.out_targets_ = std::move(out.targets);
    dg.out_values_ = *std::move(values);
    const std::vector<double>& arc_values = dg.out_values_;
    dg.out_thresholds_.resize(arc_values.size());
    for (size_t k = 0; k < arc_values.size(); ++k)
      dg.out_thresholds_[k] = Threshold53(arc_values[k]);
    // Transpose by counting sort; iterating u ascending keeps in-rows sorted.
    const size_t m = dg.out_targets_.size();
    dg.in_offsets_.assign(n + 1, 0);
    for (NodeId v : dg.out_targets_) ++dg.in_offsets_[v + 1];
    for (uint32_t v = 0; v < n; ++v) dg.in_offsets_[v + 1] += dg.in_offsets_[v];
    dg.in_sources_.resize(m);
    dg.in_values_.resize(m);
    dg.in_thresholds_.resize(m);
    std::vector<uint32_t> pos(dg.in_offsets_.begin(), dg.in_offsets_.end() - 1);
    for (uint32_t u = 0; u < n; ++u)
      for (uint32_t k = dg.out_offsets_[u]; k < dg.out_offsets_[u + 1]; ++k) {
        const uint32_t at = pos[dg.out_targets_[k]]++;
        dg.in_sources_[at] = u;
        dg.in_values_[at] = arc_values[k];
        dg.in_thresholds_[at] = dg.out_thresholds_[k];
      }
    dg.in_uniform_.assign(n, -1.0);
    dg.in_inv_log_q_.assign(n, 0.0);
    for (uint32_t v = 0; v < n; ++v) {
      const uint32_t b = dg.in_offsets_[v], e = dg.in_offsets_[v + 1];
      double sum = 0;
      bool uniform = true;
      for (uint32_t k = b; k < e; ++k) {
        sum += dg.in_values_[k];
        if (dg.in_values_[k] != dg.in_values_[b]) uniform = false;
      }
      if (model == Model::kLinearThreshold && sum > 1 + 1e-9)
        return Invalid(rule.names("arc_values"),
                       Format("linear threshold in-weights of node %u sum to %.17g > 1",
                                       static_cast<unsigned>(v), sum));
      if (uniform && e > b) {
        const double p = dg.in_values_[b];
        dg.in_uniform_[v] = p;
        if (p > 0 && p < 1) dg.in_inv_log_q_[v] = 1.0 / std::log1p(-p);
      }
    }
    return dg;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("DiffusionGraph::Create: out of memory");
  }
}

namespace {

struct RunAccumulator {
  uint64_t sum = 0;
  unsigned __int128 sum_sq = 0;
  std::vector<uint64_t> group_sum;
};

// One simulation; returns the number of active counted nodes and adds to
// group counts. `mark` holds the run stamp of active nodes; `acc` and
// `thr` (LT) are valid where `seen` == stamp.
struct Simulator {
  const DiffusionGraph& dg;
  const std::vector<uint8_t>& counted;  // empty: all count
  const std::vector<uint32_t>& groups;
  std::vector<uint32_t> mark, seen;
  std::vector<double> acc, thr;
  std::vector<NodeId> queue;
  uint32_t stamp = 0;

  Simulator(const DiffusionGraph& d, const std::vector<uint8_t>& c,
            const std::vector<uint32_t>& gr)
      : dg(d), counted(c), groups(gr), mark(d.num_nodes(), 0), seen(d.num_nodes(), 0) {
    if (d.model() == Model::kLinearThreshold) {
      acc.assign(d.num_nodes(), 0.0);
      thr.assign(d.num_nodes(), 0.0);
    }
    queue.reserve(d.num_nodes());
  }

  uint64_t Run(absl::Span<const NodeId> seeds, Rng& rng, std::vector<uint64_t>& group_sum) {
    if (++stamp == 0) {  // wrapped: reset
      std::fill(mark.begin(), mark.end(), 0);
      std::fill(seen.begin(), seen.end(), 0);
      stamp = 1;
    }
    queue.clear();
    for (NodeId s : seeds)
      if (mark[s] != stamp) {
        mark[s] = stamp;
        queue.push_back(s);
      }
    const auto& off = dg.out_offsets();
    const auto& tgt = dg.out_targets();
    if (dg.model() == Model::kIndependentCascade) {
      const auto& th = dg.out_thresholds();
      for (size_t h = 0; h < queue.size(); ++h) {
        const NodeId u = queue[h];
        for (uint32_t k = off[u], e = off[u + 1]; k < e; ++k) {
          const NodeId v = tgt[k];
          if (mark[v] == stamp) continue;
          if ((rng.Next() >> 11) < th[k]) {
            mark[v] = stamp;
            queue.push_back(v);
          }
        }
      }
    } else {
      const auto& w = dg.out_values();
      for (size_t h = 0; h < queue.size(); ++h) {
        const NodeId u = queue[h];
        for (uint32_t k = off[u], e = off[u + 1]; k < e; ++k) {
          const NodeId v = tgt[k];
          if (mark[v] == stamp) continue;
          if (seen[v] != stamp) {
            seen[v] = stamp;
            acc[v] = 0;
            thr[v] = rng.Uniform();
          }
          acc[v] += w[k];
          if (acc[v] > thr[v]) {  // threshold in [0,1): strict keeps P(live) = sum w
            mark[v] = stamp;
            queue.push_back(v);
          }
        }
      }
    }
    uint64_t reach = 0;
    for (NodeId v : queue) {
      if (!counted.empty() && !counted[v]) continue;
      ++reach;
      if (!groups.empty()) ++group_sum[groups[v]];
    }
    return reach;
  }
};

}  // namespace

absl::StatusOr<SpreadEstimate> EstimateSpread(const DiffusionGraph& dg,
                                              absl::Span<const NodeId> seeds,
                                              const SpreadOptions& options) {
  const uint32_t n = dg.num_nodes();
  const FieldPath& at = options.names;
  if (absl::Status s = CheckCount(options.runs, 2, kMaxRuns, at("runs")); !s.ok()) return s;
  if (absl::Status s = CheckCount(options.threads, 1, kMaxThreads, at("threads")); !s.ok())
    return s;
  if (absl::Status s = CheckRange(options.z, at("z"), options.z > 0, "finite and > 0"); !s.ok())
    return s;
  if (absl::Status s = CheckNodeIds(seeds, at("seeds"), n); !s.ok()) return s;
  if (absl::Status s = CheckNodeIds(options.targets, at("targets"), n); !s.ok()) return s;
  if (absl::Status s = CheckGroups(options.groups, at("groups"), n); !s.ok()) return s;
  try {
    uint32_t num_groups = 0;
    for (uint32_t gr : options.groups) num_groups = std::max(num_groups, gr + 1);
    std::vector<uint8_t> counted;
    if (!options.targets.empty()) {
      counted.assign(n, 0);
      for (NodeId t : options.targets) counted[t] = 1;
    }
    const int threads =
        static_cast<int>(std::min<uint64_t>(options.threads, options.runs));
    // Per thread: a Simulator's marks, queue (and LT's sums and thresholds)
    // and its group sums.
    MemoryReservation memory(options.memory);
    const double per_thread =
        static_cast<double>(n) * (dg.model() == Model::kLinearThreshold ? 28 : 12) +
        8.0 * num_groups;
    if (absl::Status s = memory.Reserve(
            static_cast<double>(n) + threads * per_thread, at("threads"),
            absl::StrCat("Monte-Carlo simulation on ", threads, " threads of ", n, " nodes"));
        !s.ok())
      return s;
    std::vector<RunAccumulator> parts(threads);
    for (auto& p : parts) p.group_sum.assign(num_groups, 0);
    ParallelChunks(threads, options.runs, [&](size_t b, size_t e, int c) {
      Simulator sim(dg, counted, options.groups);
      RunAccumulator& a = parts[c];
      for (size_t r = b; r < e; ++r) {
        Rng rng(options.seed ^ kSimulationDomain, r);
        const uint64_t reach = sim.Run(seeds, rng, a.group_sum);
        a.sum += reach;
        a.sum_sq += static_cast<unsigned __int128>(reach) * reach;
      }
    });
    // Integer sums: identical whatever the chunking.
    uint64_t sum = 0;
    unsigned __int128 sum_sq = 0;
    std::vector<uint64_t> group_sum(num_groups, 0);
    for (const auto& p : parts) {
      sum += p.sum;
      sum_sq += p.sum_sq;
      for (uint32_t gr = 0; gr < num_groups; ++gr) group_sum[gr] += p.group_sum[gr];
    }
    const double r = static_cast<double>(options.runs);
    SpreadEstimate est;
    est.runs = options.runs;
    est.mean = static_cast<double>(sum) / r;
    // Sample variance from the exact integer sums: (S2 - S^2/r) / (r - 1).
    const long double s = static_cast<long double>(sum);
    const long double var =
        (static_cast<long double>(sum_sq) - s * s / options.runs) / (options.runs - 1);
    est.std_error = std::sqrt(std::max(0.0, static_cast<double>(var)) / r);
    est.ci_low = est.mean - options.z * est.std_error;
    est.ci_high = est.mean + options.z * est.std_error;
    est.group_mean.resize(num_groups);
    for (uint32_t gr = 0; gr < num_groups; ++gr)
      est.group_mean[gr] = static_cast<double>(group_sum[gr]) / r;
    return est;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("EstimateSpread: out of memory");
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("EstimateSpread: ", e.what()));
  }
}

}  // namespace mitra::activation
