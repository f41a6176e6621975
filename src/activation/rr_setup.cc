#include "rr_setup.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/special.h"

namespace mitra::activation::rr {
namespace {

absl::Status CheckIds(const std::vector<NodeId>& ids, const char* field, uint32_t n) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] >= n)
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: node id ", ids[i], " >= num_nodes ", n));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Setup> Prepare(const DiffusionGraph& dg, const ImmOptions& o) {
  const uint32_t n = dg.num_nodes();
  if (n == 0) return absl::InvalidArgumentError("graph: no nodes");
  if (o.algorithm != ImAlgorithm::kImm && o.algorithm != ImAlgorithm::kOpimC)
    return absl::InvalidArgumentError(
        absl::StrCat("algorithm: unknown value ", static_cast<int>(o.algorithm)));
  if (!(o.epsilon > 0 && o.epsilon < 1))
    return absl::InvalidArgumentError(absl::StrCat("epsilon must be in (0, 1), got ", o.epsilon));
  if (!(o.ell > 0) || !std::isfinite(o.ell))
    return absl::InvalidArgumentError(absl::StrCat("ell must be positive, got ", o.ell));
  if (o.threads < 1)
    return absl::InvalidArgumentError(absl::StrCat("threads must be >= 1, got ", o.threads));
  const bool budgeted = o.budget.has_value();
  if (!budgeted && (o.k == 0 || o.k > n))
    return absl::InvalidArgumentError(
        absl::StrCat("k must be in [1, num_nodes = ", n, "], got ", o.k));
  if (auto s = CheckIds(o.candidates, "candidates", n); !s.ok()) return s;
  if (auto s = CheckIds(o.excluded, "excluded", n); !s.ok()) return s;
  if (auto s = CheckIds(o.must_include, "must_include", n); !s.ok()) return s;
  if (auto s = CheckIds(o.targets, "targets", n); !s.ok()) return s;
  if (budgeted && (!(*o.budget >= 0) || !std::isfinite(*o.budget)))
    return absl::InvalidArgumentError(
        absl::StrCat("budget must be finite and >= 0, got ", *o.budget));
  if (budgeted && o.costs.size() != n)
    return absl::InvalidArgumentError(absl::StrCat(
        "costs has ", o.costs.size(), " entries, expected num_nodes = ", n, " with a budget"));
  if (!o.costs.empty() && o.costs.size() != n)
    return absl::InvalidArgumentError(
        absl::StrCat("costs has ", o.costs.size(), " entries, expected num_nodes = ", n));
  for (size_t i = 0; i < o.costs.size(); ++i)
    if (!(o.costs[i] > 0) || !std::isfinite(o.costs[i]))
      return absl::InvalidArgumentError(
          absl::StrCat("costs[", i, "] must be positive and finite, got ", o.costs[i]));
  if (o.groups.empty() != o.group_quota.empty())
    return absl::InvalidArgumentError("groups and group_quota must be given together");
  if (!o.groups.empty()) {
    if (o.groups.size() != n)
      return absl::InvalidArgumentError(absl::StrCat(
          "groups has ", o.groups.size(), " entries, expected num_nodes = ", n));
    for (size_t i = 0; i < n; ++i)
      if (o.groups[i] >= o.group_quota.size())
        return absl::InvalidArgumentError(
            absl::StrCat("groups[", i, "] = ", o.groups[i], " has no entry in group_quota (size ",
                         o.group_quota.size(), ")"));
  }

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
      return absl::InvalidArgumentError(
          absl::StrCat("must_include[", i, "]: node ", v, " listed twice"));
    if (excluded[v])
      return absl::InvalidArgumentError(
          absl::StrCat("must_include[", i, "]: node ", v, " is also excluded"));
    st.is_must[v] = 1;
    c.allowed[v] = 0;
    c.must.push_back(v);
    if (c.costs) st.must_cost += o.costs[v];
    if (c.groups && ++st.must_per_group[o.groups[v]] > o.group_quota[o.groups[v]])
      return absl::InvalidArgumentError(absl::StrCat(
          "must_include: more nodes in group ", o.groups[v], " than group_quota allows"));
  }
  if (!budgeted && c.must.size() > o.k)
    return absl::InvalidArgumentError(
        absl::StrCat("must_include has ", c.must.size(), " nodes, more than k = ", o.k));
  if (budgeted && st.must_cost > *o.budget)
    return absl::InvalidArgumentError(
        absl::StrCat("must_include costs ", st.must_cost, ", more than the budget ", *o.budget));

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
      absl::StrCat(who, ": ", need, " RR sets needed (epsilon ", o.epsilon, ", ell ", o.ell,
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

}  // namespace mitra::activation::rr
