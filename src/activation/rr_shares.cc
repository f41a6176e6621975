// IMM in pieces (mitra/activation/rr_shares.h): the same Setup, sampler,
// coverage count and schedule as Imm (imm.cc), one stage at a time.
#include "mitra/activation/rr_shares.h"

#include <cmath>
#include <exception>
#include <limits>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "greedy_cover.h"
#include "node_checks.h"
#include "rr_budget.h"
#include "rr_sampler.h"
#include "rr_setup.h"

namespace mitra::activation {
namespace {

// The options the selection runs under: IMM only, and groups without
// quotas only reported (as Plan does).
absl::StatusOr<ImmOptions> ShareOptions(const ImmOptions& o) {
  if (o.algorithm != ImAlgorithm::kImm)
    return Invalid(o.names("algorithm"), "RR sets in pieces follow IMM's schedule, not OPIM-C's");
  if (o.fresh_rr_sets)
    return Invalid(o.names("fresh_rr_sets"), "not with RR sets in pieces (IMM's sample only)");
  ImmOptions s = o;
  if (s.group_quota.empty()) s.groups.clear();
  return s;
}

absl::StatusOr<rr::Setup> ShareSetup(uint32_t n, const ImmOptions& o) {
  if (n == 0) return Invalid("num_nodes", "must be > 0 to plan");
  absl::StatusOr<ImmOptions> s = ShareOptions(o);
  if (!s.ok()) return s.status();
  return rr::Prepare(n, *s);
}

template <typename Body>
auto Guarded(const char* who, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(absl::StrCat(who, ": out of memory"));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(who, ": ", e.what()));
  }
}

}  // namespace

absl::StatusOr<RrShare> SampleRrShare(const DiffusionGraph& dg, const ImmOptions& options,
                                      uint64_t first, uint64_t last) {
  return Guarded("SampleRrShare", [&]() -> absl::StatusOr<RrShare> {
    absl::StatusOr<rr::Setup> st = ShareSetup(dg.num_nodes(), options);
    if (!st.ok()) return st.status();
    if (last < first)
      return Invalid("last", absl::StrCat("must be >= first (", first, "), got ", last));
    if (last > options.max_rr_sets)
      return Invalid("last", absl::StrCat(last, " is beyond ", options.names("max_rr_sets"),
                                          " = ", options.max_rr_sets));
    RrStore store;
    RrBudget budget(options, st->n, st->storable.empty() ? 1.0 : 0.0, {&store});
    // The share's sets and, as the result, one copy of them.
    if (absl::Status s = budget.Plan(2.0 * static_cast<double>(last - first), "RR share");
        !s.ok())
      return s;
    std::vector<rr::RrSampler> samplers;
    samplers.reserve(options.threads);
    for (int t = 0; t < options.threads; ++t) samplers.emplace_back(dg, st->roots, st->storable);
    if (absl::Status s = rr::SampleTo(store, last - first, options.seed ^ rr::kRrDomain,
                                      samplers, budget, "RR share", first);
        !s.ok())
      return s;
    RrShare out;
    out.sizes.reserve(store.count());
    for (uint64_t j = 0; j < store.count(); ++j)
      out.sizes.push_back(store.offsets[j + 1] - store.offsets[j]);
    out.nodes = std::move(store.nodes);
    return out;
  });
}

absl::StatusOr<RrCoverage> CoverRrShare(uint32_t num_nodes, absl::Span<const uint32_t> sizes,
                                        absl::Span<const NodeId> nodes,
                                        absl::Span<const NodeId> seeds) {
  return Guarded("CoverRrShare", [&]() -> absl::StatusOr<RrCoverage> {
    if (absl::Status s = CheckNodeIds(seeds, "seeds", num_nodes); !s.ok()) return s;
    if (nodes.size() > std::numeric_limits<uint32_t>::max())
      return Invalid("sets", "more than 2^32 - 1 stored nodes (uint32 offsets)");
    std::vector<uint32_t> offsets;
    offsets.reserve(sizes.size() + 1);
    offsets.push_back(0);
    uint64_t total = 0;
    for (uint32_t z : sizes) {
      total += z;
      if (total > nodes.size()) break;
      offsets.push_back(static_cast<uint32_t>(total));
    }
    if (total != nodes.size())
      return Invalid("sets", absl::StrCat("the ", sizes.size(), " set sizes add up to ", total,
                                          " nodes, but ", nodes.size(), " nodes follow them"));
    for (size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i] >= num_nodes)
        return Invalid("sets", absl::StrCat("node ", nodes[i], " (stored node ", i,
                                            ") out of range (num_nodes ", num_nodes, ")"));
    std::vector<uint8_t> seen(num_nodes, 0);
    for (size_t i = 0; i < seeds.size(); ++i) {
      if (seen[seeds[i]])
        return Invalid(absl::StrCat("seeds[", i, "]"),
                       absl::StrCat("node ", seeds[i], " listed twice"));
      seen[seeds[i]] = 1;
    }
    RrCoverage out;
    out.gains = rr::CoverageInOrder(offsets, nodes, seeds, num_nodes, 1, &out.counts);
    return out;
  });
}

absl::StatusOr<ImmStage> ImmNextStage(uint32_t num_nodes, const ImmOptions& options,
                                      uint32_t round, uint64_t covered) {
  return Guarded("ImmNextStage", [&]() -> absl::StatusOr<ImmStage> {
    absl::StatusOr<rr::Setup> st = ShareSetup(num_nodes, options);
    if (!st.ok()) return st.status();
    const rr::ImmSchedule sched(*st, options);
    const uint32_t rounds = static_cast<uint32_t>(std::max(sched.rounds, 0));
    if (round > rounds)
      return Invalid("round", absl::StrCat("IMM has ", rounds, " phase-1 rounds here, got ", round));
    ImmStage next;
    if (round == 0) {
      if (covered != 0) return Invalid("covered", absl::StrCat("must be 0 at round 0, got ", covered));
      // Imm's first refusal: the first round, or the selection at LB = N.
      const double least = std::max(rounds >= 1 ? sched.Theta(1) : 0.0,
                                    std::ceil(sched.lambda_star / sched.big_n));
      if (absl::Status s = rr::TooMany("Imm", least, options); !s.ok()) return s;
    } else {
      const double theta = sched.Theta(static_cast<int>(round));
      if (static_cast<double>(covered) > theta)
        return Invalid("covered", absl::StrCat("more than the round's ", theta, " RR sets: ",
                                               covered));
      next.lower_bound = sched.LowerBound(static_cast<int>(round), covered,
                                          static_cast<uint64_t>(theta));
    }
    double sets;
    if (next.lower_bound == 0 && round < rounds) {
      next.round = round + 1;
      sets = sched.Theta(static_cast<int>(next.round));
    } else {
      if (next.lower_bound == 0) next.lower_bound = 1;
      sets = sched.Final(next.lower_bound);
      if (absl::Status s = rr::TooMany("Imm", sets, options); !s.ok()) return s;
      // Imm keeps the sets phase 1 drew: its selection runs over all of them
      // when they are more than theta.
      if (round >= 1) sets = std::max(sets, sched.Theta(static_cast<int>(round)));
    }
    if (absl::Status s = rr::TooMany("Imm", sets, options); !s.ok()) return s;
    next.sets = static_cast<uint64_t>(sets);
    return next;
  });
}

absl::StatusOr<PlanResult> PlanOfSelection(const DiffusionGraph& dg, const PlanOptions& options,
                                           absl::Span<const NodeId> seeds,
                                           absl::Span<const uint64_t> gains, uint64_t sets,
                                           double lower_bound) {
  return Guarded("PlanOfSelection", [&]() -> absl::StatusOr<PlanResult> {
    const ImmOptions& o = options.imm;
    if (absl::Status s = CheckCheckRuns(options); !s.ok()) return s;
    if (!o.groups.empty())
      if (absl::Status s = CheckGroups(o.groups, o.names("groups"), dg.num_nodes()); !s.ok())
        return s;
    absl::StatusOr<rr::Setup> st = ShareSetup(dg.num_nodes(), o);
    if (!st.ok()) return st.status();
    if (!(std::isfinite(lower_bound) && lower_bound >= 1))
      return Invalid("lower_bound", absl::StrCat("must be finite and >= 1, got ", lower_bound));
    const rr::ImmSchedule sched(*st, o);
    // The selection runs over theta sets, or over a phase-1 round's sets
    // when that round drew more.
    const double theta = sched.Final(lower_bound);
    bool stage_sets = static_cast<double>(sets) == theta;
    for (int i = 1; i <= sched.rounds && !stage_sets; ++i)
      stage_sets = sched.Theta(i) > theta && static_cast<double>(sets) == sched.Theta(i);
    if (!stage_sets)
      return Invalid("sets", absl::StrCat("IMM's selection with lower_bound ", lower_bound,
                                          " runs over ", theta,
                                          " RR sets (or a larger phase-1 sample), got ", sets));
    if (gains.size() != seeds.size())
      return Invalid("gains", absl::StrCat(gains.size(), " values for ", seeds.size(), " seeds"));
    if (absl::Status s = CheckNodeIds(seeds, "seeds", dg.num_nodes()); !s.ok()) return s;
    rr::Selection sel;
    sel.seeds.assign(seeds.begin(), seeds.end());
    for (uint64_t g : gains) {
      sel.covered += g;
      if (sel.covered > sets)
        return Invalid("gains", absl::StrCat("add up to more than the ", sets, " RR sets"));
    }
    ImmResult r;
    rr::FillCommon(*st, o, sel, r);
    const double n_sets = static_cast<double>(sets);
    for (uint64_t g : gains) r.marginal_gains.push_back(st->big_n * g / n_sets);
    r.estimated_spread = st->big_n * static_cast<double>(sel.covered) / n_sets;
    r.rr_sets = sets;
    r.rr_sets_sampled = sets;
    r.theta = theta;
    r.lower_bound = lower_bound;
    r.ell_adjusted = sched.ell;
    r.approximation = st->approx;
    return PlanFromImm(dg, options, std::move(r));
  });
}

}  // namespace mitra::activation
