#include "rr_setup.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "common/special.h"
#include "node_checks.h"

namespace mitra::activation {

absl::Status CheckImmScalars(const ImmOptions& o, uint32_t n) {
  const FieldPath& at = o.names;
  if (o.algorithm != ImAlgorithm::kImm && o.algorithm != ImAlgorithm::kOpimC)
    return Invalid(at("algorithm"), absl::StrCat("unknown value ", static_cast<int>(o.algorithm)));
  if (absl::Status s = CheckRange(o.epsilon, at("epsilon"), o.epsilon > 0 && o.epsilon < 1,
                                  "in (0, 1)");
      !s.ok())
    return s;
  if (absl::Status s = CheckRange(o.ell, at("ell"), o.ell > 0, "finite and > 0"); !s.ok())
    return s;
  if (absl::Status s = CheckCount(o.threads, 1, kMaxThreads, at("threads")); !s.ok()) return s;
  if (o.max_rr_sets < 1) return Invalid(at("max_rr_sets"), "must be >= 1, got 0");
  if (o.budget.has_value())
    return CheckPositiveMoney(*o.budget, at("budget"));
  if (o.k < 1 || o.k > n)
    return Invalid(at("k"), absl::StrCat("must be 1..num_nodes (", n, "), got ", o.k));
  return absl::OkStatus();
}

// The node lists against n nodes.
absl::Status CheckImmLists(const ImmOptions& o, uint32_t n) {
  const FieldPath& at = o.names;
  const bool budgeted = o.budget.has_value();
  for (const auto& [ids, field] : {std::pair{&o.candidates, "candidates"},
                                   std::pair{&o.excluded, "excluded"},
                                   std::pair{&o.must_include, "must_include"},
                                   std::pair{&o.targets, "targets"}})
    if (absl::Status s = CheckNodeIds(*ids, at(field), n); !s.ok()) return s;
  if (budgeted && o.costs.empty()) return Invalid(at("costs"), "required with a budget");
  if (!o.costs.empty() && o.costs.size() != n)
    return Invalid(at("costs"),
                   absl::StrCat(o.costs.size(), " values, but the graph has ", n, " nodes"));
  for (size_t i = 0; i < o.costs.size(); ++i)
    if (absl::Status s = CheckPositiveMoney(o.costs[i], absl::StrCat(at("costs"), "[", i, "]"));
        !s.ok())
      return s;
  if (o.groups.empty() != o.group_quota.empty())
    return o.groups.empty() ? Invalid(at("group_quota"), absl::StrCat("needs ", at("groups")))
                            : Invalid(at("groups"), absl::StrCat("needs ", at("group_quota")));
  if (absl::Status s = CheckGroups(o.groups, at("groups"), n); !s.ok()) return s;
  if (o.group_quota.size() > static_cast<uint64_t>(n) + 1)
    return Invalid(at("group_quota"),
                   absl::StrCat(o.group_quota.size(), " values, more than num_nodes + 1 (", n + 1,
                                ")"));
  for (size_t i = 0; i < o.groups.size(); ++i)
    if (o.groups[i] >= o.group_quota.size())
      return Invalid(absl::StrCat(at("groups"), "[", i, "]"),
                     absl::StrCat("group ", o.groups[i], " has no entry in group_quota (size ",
                                  o.group_quota.size(), ")"));
  return absl::OkStatus();
}

absl::Status CheckImmOptions(const ImmOptions& o, uint32_t n) {
  // The node lists first: a list of the wrong size is the likelier mistake.
  if (absl::Status s = CheckImmLists(o, n); !s.ok()) return s;
  return CheckImmScalars(o, n);
}

namespace rr {

absl::StatusOr<Setup> Prepare(uint32_t n, const ImmOptions& o) {
  if (n == 0) return Invalid("graph", "no nodes");
  if (absl::Status s = CheckImmOptions(o, n); !s.ok()) return s;
  const bool budgeted = o.budget.has_value();

  Setup st;
  st.n = n;
  Constraints& c = st.c;
  c.n = n;
  c.k = o.k;
  c.budgeted = budgeted;
  c.budget = budgeted ? *o.budget : 0;
  c.costs = o.costs.empty() ? nullptr : &o.costs;
  if (!o.groups.empty()) {
    c.groups = &o.groups;
    c.quota = &o.group_quota;
  }
  c.allowed.assign(n, o.candidates.empty() ? 1 : 0);
  for (NodeId v : o.candidates) c.allowed[v] = 1;
  std::vector<uint8_t> excluded(n, 0);
  for (NodeId v : o.excluded) {
    excluded[v] = 1;
    c.allowed[v] = 0;
  }
  st.is_must.assign(n, 0);
  st.must_per_group.assign(o.group_quota.size(), 0);
  for (size_t i = 0; i < o.must_include.size(); ++i) {
    const NodeId v = o.must_include[i];
    if (st.is_must[v])
      return Invalid(absl::StrCat(o.names("must_include"), "[", i, "]"),
                     absl::StrCat("node ", v, " listed twice"));
    if (excluded[v])
      return Invalid(absl::StrCat(o.names("must_include"), "[", i, "]"),
                     absl::StrCat("node ", v, " is also excluded"));
    st.is_must[v] = 1;
    c.allowed[v] = 0;
    c.must.push_back(v);
    if (c.costs) st.must_cost += o.costs[v];
    if (c.groups && ++st.must_per_group[o.groups[v]] > o.group_quota[o.groups[v]])
      return Invalid(o.names("must_include"), absl::StrCat("more nodes in group ", o.groups[v],
                                                           " than group_quota allows"));
  }
  if (!budgeted && c.must.size() > o.k)
    return Invalid(o.names("must_include"),
                   absl::StrCat(c.must.size(), " nodes, more than k = ", o.k));
  if (budgeted && st.must_cost > *o.budget)
    return Invalid(o.names("must_include"),
                   absl::StrCat("costs ", st.must_cost, ", more than the budget ", *o.budget));

  // Roots of RR sets (targets, deduplicated) and the nodes worth storing.
  if (!o.targets.empty()) {
    std::vector<uint8_t> t(n, 0);
    for (NodeId v : o.targets) t[v] = 1;
    for (NodeId v = 0; v < n; ++v)
      if (t[v]) st.roots.push_back(v);
  }
  st.big_n = st.roots.empty() ? n : static_cast<double>(st.roots.size());
  for (NodeId v = 0; v < n; ++v) st.n_allowed += c.allowed[v];
  if (st.n_allowed + c.must.size() < n) {
    st.storable.assign(n, 0);
    for (NodeId v = 0; v < n; ++v) st.storable[v] = c.allowed[v] || st.is_must[v];
  }

  // k' = seeds the greedy chooses (budget: the most the budget can buy).
  if (budgeted) {
    std::vector<double> affordable;
    for (NodeId v = 0; v < n; ++v)
      if (c.allowed[v]) affordable.push_back(o.costs[v]);
    std::sort(affordable.begin(), affordable.end());
    double left = *o.budget - st.must_cost;
    for (double x : affordable) {
      if (x > left) break;
      left -= x;
      ++st.k_free;
    }
  } else {
    st.k_free = std::min<uint64_t>(o.k - c.must.size(), st.n_allowed);
  }
  const double one_minus_inv_e = 1 - std::exp(-1.0);
  st.gamma = one_minus_inv_e;
  if (budgeted)
    st.gamma = one_minus_inv_e / 2;
  else if (c.groups)
    st.gamma = 0.5;
  st.has_ratio = !(budgeted && c.groups);
  st.approx = st.has_ratio ? std::max(0.0, st.gamma - o.epsilon) : 0.0;
  st.logn = std::log(std::max<double>(n, 2));
  const double nc = static_cast<double>(std::max<uint64_t>(st.n_allowed, 1));
  const double kf = static_cast<double>(std::min<uint64_t>(
      std::max<uint64_t>(st.k_free, 1), st.n_allowed > 0 ? st.n_allowed : 1));
  st.log_cnk = LogGamma(nc + 1) - LogGamma(kf + 1) - LogGamma(nc - kf + 1);
  return st;
}

// Refuses a sample of more than max_rr_sets RR sets. `sets` stays a
// double: a tiny epsilon asks for more than 2^64 sets (or infinitely many),
// which no integer conversion survives.
absl::Status TooMany(const char* who, double sets, const ImmOptions& o) {
  if (sets <= static_cast<double>(o.max_rr_sets)) return absl::OkStatus();
  char need[40];
  if (sets < 1e15)
    std::snprintf(need, sizeof need, "%.0f", std::ceil(sets));
  else
    std::snprintf(need, sizeof need, "%.4g", sets);
  return absl::ResourceExhaustedError(
      absl::StrCat(o.names("epsilon"), ": ", who, ": ", need, " RR sets needed (epsilon ", o.epsilon, ", ell ", o.ell,
                   "), more than max_rr_sets = ", o.max_rr_sets,
                   "; raise epsilon or max_rr_sets"));
}

// Seeds, their total cost and the figures every result carries.
void FillCommon(const Setup& st, const ImmOptions& o, const Selection& sel, ImmResult& r) {
  r.algorithm = o.algorithm;
  r.seeds = sel.seeds;
  if (st.c.costs) {
    for (NodeId v : r.seeds) r.total_cost += o.costs[v];
  } else {
    r.total_cost = static_cast<double>(r.seeds.size());
  }
  r.epsilon = o.epsilon;
  r.ell = o.ell;
  r.gamma = st.gamma;
}

}  // namespace rr
}  // namespace mitra::activation
