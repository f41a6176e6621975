#include "mitra/activation/workspace_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>

#include "common/request_errors.h"
#include "rr_setup.h"
#include "absl/strings/str_cat.h"
#include "mitra/core/money.h"
#include "mitra/core/text_checks.h"

namespace mitra::activation {
namespace {

// A whole string that is a finite number > 0, else NaN.
double PositiveNumber(const std::string& text) {
  if (text.empty()) return std::nan("");
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v) || v <= 0 || v > kMaxMoney)
    return std::nan("");
  return v;
}

absl::Status CheckCustomers(const std::vector<Index>& ids, size_t n, const std::string& what) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] >= n)
      return Invalid(absl::StrCat(what, "[", i, "]"),
                     absl::StrCat("customer index ", ids[i], " out of range (", n, " customers)"));
  return absl::OkStatus();
}

}  // namespace

std::vector<Index> HomeCommunities(const Tables& t, int64_t as_of) {
  const size_t n = t.customers.ids.size();
  std::vector<Index> home(n, kNoIndex);
  std::vector<int64_t> since(n, std::numeric_limits<int64_t>::max());
  const MembershipTable& m = t.memberships;
  for (size_t r = 0; r < m.customer.size(); ++r) {
    if (!m.CurrentAt(r, as_of)) continue;
    const Index c = m.customer[r];
    if (c >= n) continue;
    if (m.joined[r] < since[c] || (m.joined[r] == since[c] && m.community[r] < home[c])) {
      since[c] = m.joined[r];
      home[c] = m.community[r];
    }
  }
  return home;
}

absl::StatusOr<WorkspacePlanResult> PlanOnWorkspace(const Tables& t, const DiffusionGraph& dg,
                                                    const WorkspacePlanOptions& options) {
  if (absl::Status s = CheckWorkspacePlanOptions(t, dg, options); !s.ok()) return s;
  return PlanOnCheckedWorkspace(t, dg, options);
}

absl::Status CheckWorkspacePlanOptions(const Tables& t, const DiffusionGraph& dg,
                                       const WorkspacePlanOptions& options) {
  const size_t n = t.customers.ids.size();
  const size_t num_communities = t.communities.ids.size();
  const FieldPath& at = options.names;
  if (dg.num_nodes() != n)
    return Invalid("graph", absl::StrCat(dg.num_nodes(), " nodes, but the workspace has ", n,
                                         " customers"));
  if (n == 0) return Invalid("customers", "the workspace has no customers to plan on");
  const ImmOptions& given = options.plan.imm;
  if (!given.candidates.empty() || !given.excluded.empty() || !given.must_include.empty() ||
      !given.targets.empty() || !given.costs.empty() || !given.groups.empty() ||
      !given.group_quota.empty())
    return Invalid(at("plan"), "node-level lists must be empty on a workspace (they are derived)");
  // The plan's own options before the leaders are searched, so that a bad
  // one costs nothing.
  if (absl::Status s = CheckCheckRuns(options.plan); !s.ok()) return s;
  if (absl::Status s = CheckImmScalars(given, static_cast<uint32_t>(n)); !s.ok()) return s;
  if (absl::Status s = CheckPositiveMoney(options.default_cost, at("default_cost")); !s.ok())
    return s;
  for (const auto& [c, cost] : options.costs) {
    if (c >= n) return Invalid(at("costs"), absl::StrCat("customer index ", c, " out of range"));
    if (absl::Status s = CheckPositiveMoney(
            cost, absl::StrCat(at("costs"), "[", Escape(t.customers.ids.Id(c)), "]"));
        !s.ok())
      return s;
  }
  if (absl::Status s = CheckCustomers(options.excluded, n, at("excluded")); !s.ok()) return s;
  if (absl::Status s = CheckCustomers(options.must_include, n, at("must_include")); !s.ok())
    return s;
  for (size_t i = 0; i < options.target_communities.size(); ++i)
    if (options.target_communities[i] >= num_communities)
      return Invalid(absl::StrCat(at("target_communities"), "[", i, "]"),
                     "community index out of range");
  for (const auto& [c, q] : options.community_quota)
    if (c >= num_communities)
      return Invalid(at("community_quota"), absl::StrCat("community index ", c, " out of range"));
  return absl::OkStatus();
}

absl::StatusOr<WorkspacePlanResult> PlanOnCheckedWorkspace(const Tables& t,
                                                           const DiffusionGraph& dg,
                                                           const WorkspacePlanOptions& options) {
  const size_t n = t.customers.ids.size();
  const size_t num_communities = t.communities.ids.size();
  WorkspacePlanResult result;
  result.as_of = options.leaders.graph.as_of != kNoTime ? options.leaders.graph.as_of
                                                        : leaders::DefaultAsOf(t);
  // Who ranked where: the best (lowest) rank over the communities.
  std::vector<PlannedLeader> info(n);
  std::vector<uint8_t> candidate(n, options.candidates == CandidateSource::kAll);
  {
    leaders::LeaderOptions lo = options.leaders;
    lo.graph.as_of = result.as_of;
    absl::StatusOr<leaders::LeadersResult> found = leaders::FindLeaders(t, lo);
    if (!found.ok()) return found.status();
    for (const leaders::CommunityLeaders& cl : found->communities) {
      for (const leaders::LeaderEntry& e : cl.leaders) {
        PlannedLeader& p = info[e.customer];
        if (p.leader_rank == 0 || e.rank < p.leader_rank ||
            (e.rank == p.leader_rank && e.score > p.leader_score)) {
          p.community = cl.community;
          p.leader_rank = e.rank;
          p.leader_score = e.score;
        }
        candidate[e.customer] = 1;
      }
    }
    for (const leaders::BridgeEntry& b : found->bridges) candidate[b.customer] = 1;
  }
  for (Index c : options.excluded) candidate[c] = 0;

  const std::vector<Index> home = HomeCommunities(t, result.as_of);
  for (size_t c = 0; c < n; ++c) {
    info[c].customer = static_cast<Index>(c);
    info[c].home = home[c];
  }

  PlanOptions po = options.plan;
  ImmOptions& o = po.imm;
  // The lists made from the workspace's fields are named like them.
  for (const char* field : {"costs", "excluded", "must_include"})
    o.names.Rename(field, options.names(field));
  for (size_t c = 0; c < n; ++c)
    if (candidate[c]) o.candidates.push_back(static_cast<NodeId>(c));
  result.candidates = static_cast<uint32_t>(o.candidates.size());
  if (o.candidates.empty() && options.must_include.empty())
    return absl::FailedPreconditionError(
        "no candidates: no community has ranked leaders (and none are excluded or must be "
        "included); use every customer as a candidate");
  // IMM selects only among candidates; an empty list would mean "all", so a
  // plan of must-include customers alone keeps them as the only candidates.
  if (o.candidates.empty()) o.candidates.assign(options.must_include.begin(),
                                                 options.must_include.end());
  o.excluded.assign(options.excluded.begin(), options.excluded.end());
  o.must_include.assign(options.must_include.begin(), options.must_include.end());

  // Costs, when any source can give one other than the default of 1.
  // cost_from[c]: where customer c's cost comes from, for its basis.
  enum CostFrom : uint8_t { kDefault, kAttribute, kListed };
  std::vector<uint8_t> cost_from;
  const auto attr = t.customers.attributes.keys().Find(options.cost_attribute);
  if (o.budget.has_value() || !options.costs.empty() || attr.has_value() ||
      options.default_cost != 1 || options.default_cost_set) {
    o.costs.assign(n, options.default_cost);
    cost_from.assign(n, kDefault);
    if (attr.has_value()) {
      const size_t rows = std::min(n, t.customers.attributes.size());
      for (size_t c = 0; c < rows; ++c) {
        t.customers.attributes.ForEach(c, [&](std::string_view key, const std::string& value) {
          if (key != options.cost_attribute) return;
          const double v = PositiveNumber(value);
          if (std::isnan(v)) return;
          o.costs[c] = v;
          cost_from[c] = kAttribute;
        });
      }
    }
    for (const auto& [c, cost] : options.costs) {
      o.costs[c] = cost;
      cost_from[c] = kListed;
    }
  }

  // Targets: current members of the target communities.
  if (!options.target_communities.empty()) {
    std::vector<uint8_t> in_target(num_communities, 0), target(n, 0);
    for (Index c : options.target_communities) in_target[c] = 1;
    const MembershipTable& m = t.memberships;
    for (size_t r = 0; r < m.customer.size(); ++r)
      if (m.CurrentAt(r, result.as_of) && in_target[m.community[r]] && m.customer[r] < n)
        target[m.customer[r]] = 1;
    for (size_t c = 0; c < n; ++c)
      if (target[c]) o.targets.push_back(static_cast<NodeId>(c));
    if (o.targets.empty())
      return absl::FailedPreconditionError(
          absl::StrCat(options.names("target_communities"),
                       ": the target communities have no current members"));
  }

  // Groups: home community, "none" last.
  const uint32_t none = static_cast<uint32_t>(num_communities);
  o.groups.resize(n);
  for (size_t c = 0; c < n; ++c) o.groups[c] = home[c] == kNoIndex ? none : home[c];
  if (!options.community_quota.empty()) {
    o.group_quota.assign(num_communities + 1, std::numeric_limits<uint32_t>::max());
    for (const auto& [c, q] : options.community_quota) o.group_quota[c] = q;
  }

  absl::StatusOr<PlanResult> plan = Plan(dg, po);
  if (!plan.ok()) return plan.status();
  result.plan = *std::move(plan);
  // Each seed's cost basis, and the total's: assumed as soon as one seed's
  // cost is the default the host did not set.
  const MoneyBasis listed = MoneyBasis::Given(options.names("costs"));
  const MoneyBasis attribute =
      MoneyBasis::Given(absl::StrCat("customer attribute ", options.cost_attribute, " (",
                                     options.names("cost_attribute"), ")"));
  const std::string default_source =
      absl::StrCat(options.names("default_cost"), " = ", options.default_cost);
  const MoneyBasis fallback = options.default_cost_set
                                  ? MoneyBasis::Given(default_source)
                                  : MoneyBasis::Assumed(absl::StrCat(
                                        default_source, " (absent; set it, ",
                                        options.names("costs"), " or the cost attribute)"));
  size_t count[3] = {0, 0, 0};  // by CostFrom
  for (const PlannedSeed& s : result.plan.seeds) {
    PlannedLeader leader = info[s.node];
    const uint8_t from = cost_from.empty() ? uint8_t{kDefault} : cost_from[s.node];
    leader.cost_basis = from == kListed ? listed : from == kAttribute ? attribute : fallback;
    ++count[from];
    result.leaders.push_back(std::move(leader));
  }
  std::string source = absl::StrCat(result.plan.seeds.size(), " seeds' costs:");
  const char* sep = " ";
  for (const auto& [from, basis] : {std::pair{kListed, &listed}, std::pair{kAttribute, &attribute},
                                    std::pair{kDefault, &fallback}}) {
    if (count[from] == 0) continue;
    absl::StrAppend(&source, sep, count[from], " from ", basis->source);
    sep = "; ";
  }
  result.plan.cost_basis = count[kDefault] > 0 && !options.default_cost_set
                               ? MoneyBasis::Assumed(std::move(source))
                               : MoneyBasis::Given(std::move(source));
  result.targets = o.targets;

  std::vector<uint32_t> customers(num_communities + 1, 0);
  if (o.targets.empty()) {
    for (size_t c = 0; c < n; ++c) ++customers[o.groups[c]];
  } else {
    for (NodeId c : o.targets) ++customers[o.groups[c]];
  }
  for (uint32_t g = 0; g <= none; ++g) {
    if (g == none && customers[g] == 0) continue;
    result.reach.push_back({g == none ? kNoIndex : g, customers[g],
                            g < result.plan.check.group_mean.size() ? result.plan.check.group_mean[g]
                                                                    : 0.0});
  }
  return result;
}

}  // namespace mitra::activation
