#include "mitra/graph/workspace_influence.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/request_errors.h"

namespace mitra::graph {
namespace {

// The arc u -> v of g, or UINT32_MAX (rows are sorted by target).
uint32_t FindArc(const Adjacency& out, NodeId u, NodeId v) {
  const auto begin = out.targets.begin() + out.offsets[u];
  const auto end = out.targets.begin() + out.offsets[u + 1];
  const auto it = std::lower_bound(begin, end, v);
  return it != end && *it == v ? static_cast<uint32_t>(it - out.targets.begin()) : UINT32_MAX;
}

// Each arc's kind of largest summed weight (ties: the lower kind number),
// one kind at a time so that only one weight per arc is held.
std::vector<uint8_t> DominantKinds(const InteractionTable& it, const InteractionGraph& ig,
                                   const InteractionGraphOptions& o) {
  const Adjacency& out = ig.graph.out();
  std::vector<uint8_t> kind(ig.graph.num_arcs(), 0);
  std::vector<double> best(ig.graph.num_arcs(), 0), sum(ig.graph.num_arcs());
  for (int k = 1; k < kInteractionKinds; ++k) {
    if (!(o.kind_weights[k] > 0)) continue;
    std::fill(sum.begin(), sum.end(), 0.0);
    for (size_t row = 0; row < it.from.size(); ++row) {
      if (it.kind[row] != k) continue;
      const double w = InteractionEdgeWeight(it, row, o.kind_weights, o.half_life_days, ig.as_of);
      if (!(w > 0)) continue;
      const uint32_t arc = FindArc(out, it.from[row], it.to[row]);
      if (arc != UINT32_MAX) sum[arc] += w;
    }
    for (size_t a = 0; a < sum.size(); ++a) {
      if (sum[a] > best[a]) best[a] = sum[a], kind[a] = static_cast<uint8_t>(k);
    }
  }
  return kind;
}

absl::Status CheckActionSource(ActionSource action, const std::string& product_line,
                               const FieldPath& names) {
  switch (action) {
    case ActionSource::kPurchases:
    case ActionSource::kProgramJoins:
    case ActionSource::kReferralConversions:
      break;
    default:
      return Invalid(names("action"),
                     absl::StrCat("unknown action source ", static_cast<int>(action)));
  }
  if (!product_line.empty() && action != ActionSource::kPurchases) {
    return Invalid(names("product_line"), "only purchases have a product line");
  }
  return absl::OkStatus();
}

// Drops the actions after as_of, keeping the others' order.
void KeepActionsUntil(int64_t as_of, ActionLog& log) {
  size_t kept = 0;
  for (size_t i = 0; i < log.time.size(); ++i) {
    if (log.time[i] > as_of) continue;
    log.node[kept] = log.node[i];
    if (!log.item.empty()) log.item[kept] = log.item[i];
    log.time[kept] = log.time[i];
    ++kept;
  }
  log.node.resize(kept);
  if (!log.item.empty()) log.item.resize(kept);
  log.time.resize(kept);
}

}  // namespace

absl::Status ValidateWorkspaceInfluenceOptions(const WorkspaceInfluenceOptions& o) {
  if (absl::Status s = CheckActionSource(o.action, o.product_line, o.names); !s.ok()) return s;
  if (o.holdout_split) {
    if (absl::Status s = CheckTime(*o.holdout_split, o.names("holdout_split")); !s.ok()) return s;
  }
  if (!o.learning.arc_groups.empty()) {
    return Invalid(o.learning.names("arc_groups"),
                   "must be empty (filled with each arc's interaction kind)");
  }
  if (absl::Status s = ValidateInteractionGraphOptions(o.graph); !s.ok()) return s;
  // The arc count is the graph's, unknown yet; arc_groups is empty here.
  return ValidateInfluenceOptions(CsrGraph(), o.learning);
}

absl::StatusOr<ActionLog> WorkspaceActionLog(const Tables& t, ActionSource action,
                                             const std::string& product_line,
                                             const FieldPath& names) {
  if (absl::Status s = CheckActionSource(action, product_line, names); !s.ok()) return s;
  ActionLog log;
  switch (action) {
    case ActionSource::kPurchases: {
      const TransactionTable& tx = t.transactions;
      bool line_found = product_line.empty();
      for (const std::string& c : t.products.category) line_found |= c == product_line;
      if (!line_found) {
        return Invalid(names("product_line"),
                       absl::StrCat("no product has the category \"", product_line, "\""));
      }
      for (size_t r = 0; r < tx.customer.size(); ++r) {
        const Index p = tx.product[r];
        if (p == kNoIndex) continue;
        if (!product_line.empty() && t.products.category[p] != product_line) continue;
        log.node.push_back(tx.customer[r]);
        log.item.push_back(p);
        log.time.push_back(tx.time[r]);
      }
      break;
    }
    case ActionSource::kProgramJoins: {
      const FeedbackTable& f = t.feedback;
      for (size_t r = 0; r < f.customer.size(); ++r) {
        log.node.push_back(f.customer[r]);
        log.item.push_back(f.program[r]);
        log.time.push_back(f.time[r]);
      }
      break;
    }
    case ActionSource::kReferralConversions: {
      const ReferralTable& rf = t.referrals;
      for (size_t r = 0; r < rf.referrer.size(); ++r) {
        if (!rf.converted[r] || rf.referee[r] == kNoIndex) continue;
        log.node.push_back(rf.referee[r]);
        log.time.push_back(rf.time[r]);
      }
      break;
    }
  }
  return log;
}

absl::StatusOr<WorkspaceInfluence> LearnWorkspaceInfluence(const Workspace& ws,
                                                           const WorkspaceInfluenceOptions& o) {
  if (o.learning.memory != nullptr) return LearnWorkspaceInfluence(ws.tables(), o);
  WorkspaceInfluenceOptions with_budget = o;
  with_budget.learning.memory = &ws.memory_budget();
  return LearnWorkspaceInfluence(ws.tables(), with_budget);
}

absl::StatusOr<WorkspaceInfluence> LearnWorkspaceInfluence(const Tables& t,
                                                           const WorkspaceInfluenceOptions& o) {
  if (absl::Status s = ValidateWorkspaceInfluenceOptions(o); !s.ok()) return s;
  auto log = WorkspaceActionLog(t, o.action, o.product_line, o.names);
  if (!log.ok()) return log.status();
  auto ig = BuildInteractionGraph(t, o.graph);
  if (!ig.ok()) return ig.status();
  // A reference time the caller set is a cut: the graph counts nothing
  // after it, and neither may the actions, or what happened later would
  // leak into probabilities said to be known then.
  if (o.graph.as_of != kNoTime) KeepActionsUntil(o.graph.as_of, *log);
  WorkspaceInfluence r;
  r.graph = *std::move(ig);
  r.arc_kind = DominantKinds(t.interactions, r.graph, o.graph);
  InfluenceOptions learning = o.learning;
  learning.arc_groups.assign(r.arc_kind.begin(), r.arc_kind.end());
  auto model = LearnInfluence(r.graph.graph, *log, learning);
  if (!model.ok()) return model.status();
  r.model = *std::move(model);
  if (o.holdout_split) {
    HoldoutOptions holdout;
    holdout.split_time = *o.holdout_split;
    holdout.learning = std::move(learning);
    holdout.names.Rename("split_time", o.names("holdout_split"));
    auto report = EvaluateHoldout(r.graph.graph, *log, holdout);
    if (!report.ok()) return report.status();
    r.holdout = *std::move(report);
  }
  return r;
}

}  // namespace mitra::graph
