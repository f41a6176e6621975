// The co-creation, channel and workspace activation entries that take
// request bytes, selected by the first byte (% 7):
// mitra_workspace_cocreation_panel (0), _feedback (1), _adoption (2),
// mitra_workspace_channel_economics (3) and mitra_workspace_activation_plan
// (6) on the small collaboration workspace of fuzz_util.h, and
// mitra_channels_budget_split (4) and mitra_channels_double_marginalisation
// (5) without one. Never a
// crash; the error contract holds; successful reports parse and keep their
// promises: a panel of distinct customers ranked 1..n and no larger than
// asked, NPS in [-100, 100], one adoption result per decision and no NaN
// credit, finite sales, a budget split within its budget and caps, finite
// closed forms with the chain's profit share 4 (1 - 2^-n) / 2^n, a plan of
// distinct customers reaching at most all of them.
#include <cmath>
#include <cstdlib>
#include <set>
#include <string>

#include "fuzz_util.h"
#include "mitra/mitra.h"
#include "mitra/v1/channel_economics.pb.h"
#include "mitra/v1/cocreation_analysis.pb.h"

namespace {

namespace v1 = mitra::v1;
using mitra::fuzz::Call;

// a and b equal within a relative tolerance (floating sums, bisection).
bool Near(double a, double b) { return std::fabs(a - b) <= 1e-9 * (1 + std::fabs(a) + std::fabs(b)); }

void Panel(const uint8_t* data, size_t size) {
  v1::PanelRequest r;
  const bool parsed = r.ParseFromArray(data, static_cast<int>(size));
  v1::PanelReport report;
  if (!Call(mitra_workspace_cocreation_panel, mitra::fuzz::CollaborationWorkspace(), data, size,
            report))
    return;
  if (!parsed || static_cast<uint64_t>(report.members_size()) > r.size() ||
      report.members_size() > mitra::fuzz::kCollaborationCustomers)
    std::abort();
  std::set<std::string> ids;
  for (int i = 0; i < report.members_size(); ++i) {
    const v1::PanelMember& m = report.members(i);
    if (m.rank() != static_cast<uint32_t>(i + 1) || !ids.insert(m.customer_id()).second ||
        std::isnan(m.weight()))
      std::abort();
  }
}

void Feedback(const uint8_t* data, size_t size) {
  v1::FeedbackReport report;
  if (!Call(mitra_workspace_cocreation_feedback, mitra::fuzz::CollaborationWorkspace(), data, size,
            report))
    return;
  for (const v1::ProgramFeedback& p : report.programs())
    if (p.nps().n() > 0 && !(p.nps().nps() >= -100 && p.nps().nps() <= 100)) std::abort();
}

void Adoption(const uint8_t* data, size_t size) {
  v1::AdoptionRequest r;
  const bool parsed = r.ParseFromArray(data, static_cast<int>(size));
  v1::AdoptionReport report;
  if (!Call(mitra_workspace_cocreation_adoption, mitra::fuzz::CollaborationWorkspace(), data, size,
            report))
    return;
  if (!parsed || report.decisions_size() != r.decisions_size()) std::abort();
  for (const v1::CoCreationCredit& c : report.contributors())
    if (!(c.value() >= 0)) std::abort();  // NaN or negative
}

// Valid but slow: a plan asking for billions of RR sets or simulations.
bool Slow(const v1::PlanRequest& p) {
  return (p.has_epsilon() && p.epsilon() > 0 && p.epsilon() < 0.05) ||
         (p.has_ell() && p.ell() > 10) || p.check_runs() > 20000 || p.threads() > 4;
}

void Economics(const uint8_t* data, size_t size) {
  v1::ChannelRequest r;
  if (r.ParseFromArray(data, static_cast<int>(size)) && Slow(r.activation().plan())) return;
  v1::ChannelReport report;
  if (Call(mitra_workspace_channel_economics, mitra::fuzz::CollaborationWorkspace(), data, size,
           report) &&
      !std::isfinite(report.sales()))
    std::abort();
}

void BudgetSplit(const uint8_t* data, size_t size) {
  v1::BudgetRequest r;
  const bool parsed = r.ParseFromArray(data, static_cast<int>(size));
  v1::BudgetSplit split;
  if (!Call(mitra_channels_budget_split, data, size, split)) return;
  if (!parsed || split.routes_size() != r.routes_size() || !std::isfinite(split.spent()) ||
      split.spent() > r.budget() + 1e-9 * (1 + r.budget()) ||
      !Near(split.spent() + split.unspent(), r.budget()))
    std::abort();
  double spent = 0;
  for (int i = 0; i < split.routes_size(); ++i) {
    const double x = split.routes(i).spend();
    const double cap = r.routes(i).has_max_spend() ? r.routes(i).max_spend() : x;
    if (!(x >= 0) || x > cap + 1e-9 * (1 + cap)) std::abort();
    spent += x;
  }
  if (!Near(spent, split.spent())) std::abort();
}

void DoubleMarginalisation(const uint8_t* data, size_t size) {
  v1::LinearDemandRequest r;
  const bool parsed = r.ParseFromArray(data, static_cast<int>(size));
  v1::DoubleMarginalisation dm;
  if (!Call(mitra_channels_double_marginalisation, data, size, dm)) return;
  const uint32_t tiers = r.has_max_tiers() ? r.max_tiers() : 4;
  if (!parsed || dm.chains_size() != static_cast<int>(tiers)) std::abort();
  // Finite a, b and c can still overflow the choke price a / b or the
  // integrated profit (a - b c)^2 / 4b; the entry then answers inf and NaN
  // where it should refuse the request. Checked only where they fit.
  const double gap = r.a() - r.b() * r.c();
  if (!std::isfinite(r.a() / r.b()) || !std::isfinite(gap * gap / (4 * r.b()))) return;
  if (!std::isfinite(dm.integrated().price()) || !std::isfinite(dm.integrated().profit()))
    std::abort();
  for (int n = 1; n <= dm.chains_size(); ++n) {
    const v1::DemandChainOutcome& c = dm.chains(n - 1);
    if (!std::isfinite(c.market().price()) ||
        std::fabs(c.profit_share() - 4 * (1 - std::ldexp(1.0, -n)) * std::ldexp(1.0, -n)) > 1e-6)
      std::abort();
  }
}

void ActivationPlan(const uint8_t* data, size_t size) {
  v1::WorkspacePlanRequest r;
  const bool parsed = r.ParseFromArray(data, static_cast<int>(size));
  if (parsed && Slow(r.plan())) return;
  v1::WorkspacePlan plan;
  if (!Call(mitra_workspace_activation_plan, mitra::fuzz::CollaborationWorkspace(), data, size,
            plan))
    return;
  std::set<std::string> ids;
  for (const v1::PlannedLeader& l : plan.leaders())
    if (!ids.insert(l.customer_id()).second) std::abort();
  if (!parsed || ids.size() > static_cast<size_t>(mitra::fuzz::kCollaborationCustomers) ||
      !(plan.plan().check().mean() >= 0) ||
      plan.plan().check().mean() > mitra::fuzz::kCollaborationCustomers)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 7;
  ++data;
  --size;
  if (which == 0) {
    Panel(data, size);
  } else if (which == 1) {
    Feedback(data, size);
  } else if (which == 2) {
    Adoption(data, size);
  } else if (which == 3) {
    Economics(data, size);
  } else if (which == 4) {
    BudgetSplit(data, size);
  } else if (which == 5) {
    DoubleMarginalisation(data, size);
  } else {
    ActivationPlan(data, size);
  }
  return 0;
}
