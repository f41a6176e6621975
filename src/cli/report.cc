#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "mitra/activation/workspace_plan.h"
#include "mitra/channels/messages.h"
#include "mitra/cocreation/messages.h"
#include "mitra/core/time_format.h"
#include "mitra/graph/interaction_graph.h"
#include "mitra/ladder/messages.h"
#include "mitra/ladder/stage_rules.h"
#include "mitra/leaders/leader_score.h"
#include "mitra/mitra.h"
#include "mitra/v1/channel.pb.h"
#include "mitra/value/customer_value.h"
#include "mitra/value/messages.h"
#include "channel_bases.h"
#include "cocreation_text.h"
#include "common.h"

namespace mitra::cli {
namespace {

// 1234567.8 -> "1,234,568" (or with decimals).
std::string Num(double v, int decimals = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v));
  std::string s(buf);
  size_t dot = s.find('.');
  size_t end = dot == std::string::npos ? s.size() : dot;
  for (int i = static_cast<int>(end) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return (v < 0 ? "-" : "") + s;
}

std::string Pct(double share) { return Num(100 * share, 1) + "%"; }

std::string Pad(std::string_view text, size_t width) {
  std::string s(text);
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}
std::string PadLeft(const std::string& s, size_t width) {
  return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

void Heading(std::ostream& out, const std::string& title) {
  out << "\n" << title << "\n" << std::string(title.size(), '-') << "\n";
}

void Purchases(const Tables& t, std::ostream& out) {
  const TransactionTable& x = t.transactions;
  Heading(out, "Purchases");
  if (x.customer.empty()) {
    out << "  no transactions\n";
    return;
  }
  const auto [lo, hi] = std::minmax_element(x.time.begin(), x.time.end());
  double revenue = 0;
  for (double a : x.amount) revenue += a;
  // Repeat buyers: purchases on at least two distinct days.
  std::vector<int64_t> first_day(t.customers.ids.size(), kNoTime);
  std::vector<uint8_t> repeat(t.customers.ids.size(), 0);
  for (size_t i = 0; i < x.customer.size(); ++i) {
    const int64_t day = x.time[i] / 86400;
    int64_t& f = first_day[x.customer[i]];
    if (f == kNoTime) f = day;
    else if (f != day) repeat[x.customer[i]] = 1;
  }
  size_t buyers = 0, repeaters = 0;
  for (size_t c = 0; c < first_day.size(); ++c) {
    buyers += first_day[c] != kNoTime;
    repeaters += repeat[c];
  }
  out << "  " << Num(x.customer.size()) << " transactions from " << FormatTime(*lo / 86400 * 86400)
      << " to " << FormatTime(*hi / 86400 * 86400) << ", revenue " << Num(revenue, 2) << "\n"
      << "  " << Num(buyers) << " buyers, " << Num(repeaters) << " of them repeat buyers ("
      << Pct(buyers ? double(repeaters) / buyers : 0) << "), " << Num(revenue / std::max<size_t>(buyers, 1), 2)
      << " revenue per buyer\n";
  std::map<std::string, double> by_category;
  for (size_t i = 0; i < x.customer.size(); ++i) {
    const std::string& cat = x.product[i] == kNoIndex ? "(no product)" : t.products.category[x.product[i]];
    by_category[cat.empty() ? "(no category)" : cat] += x.amount[i];
  }
  std::vector<std::pair<double, std::string>> rows;
  for (const auto& [cat, v] : by_category) rows.emplace_back(v, cat);
  std::sort(rows.rbegin(), rows.rend());
  out << "  revenue by product category:";
  for (const auto& [v, cat] : rows) out << "  " << cat << " " << Pct(v / revenue);
  out << "\n";
}

void Communities(const Tables& t, std::ostream& out) {
  const size_t n = t.communities.ids.size();
  Heading(out, "Communities (" + std::to_string(n) + ")");
  if (n == 0) {
    out << "  none\n";
    return;
  }
  std::vector<size_t> members(n, 0), interactions(n, 0);
  for (size_t i = 0; i < t.memberships.community.size(); ++i)
    members[t.memberships.community[i]] += t.memberships.left[i] == kNoTime;
  // Activity concentration: share of a community's interactions sent by its
  // busiest 5% of senders (a first look at informal leadership).
  std::vector<std::map<Index, size_t>> sent(n);
  for (size_t i = 0; i < t.interactions.from.size(); ++i) {
    const Index c = t.interactions.community[i];
    if (c == kNoIndex) continue;
    ++interactions[c];
    ++sent[c][t.interactions.from[i]];
  }
  out << "  " << Pad("id", 10) << Pad("name", 28) << PadLeft("members", 8)
      << PadLeft("interactions", 14) << PadLeft("senders", 9) << PadLeft("top 5% send", 13) << "\n";
  for (size_t c = 0; c < n; ++c) {
    std::vector<size_t> counts;
    for (const auto& [who, k] : sent[c]) counts.push_back(k);
    std::sort(counts.rbegin(), counts.rend());
    const size_t top = std::max<size_t>(1, counts.size() / 20);
    size_t top_sum = 0;
    for (size_t i = 0; i < top && i < counts.size(); ++i) top_sum += counts[i];
    out << "  " << Pad(t.communities.ids.Id(c), 10) << Pad(t.communities.name[c].substr(0, 27), 28)
        << PadLeft(Num(members[c]), 8) << PadLeft(Num(interactions[c]), 14)
        << PadLeft(Num(counts.size()), 9)
        << PadLeft(interactions[c] ? Pct(double(top_sum) / interactions[c]) : "-", 13) << "\n";
  }
}

// Each community's top informal leaders and the bridges between communities
// (leaders/leader_score.h, default weights): whom to activate first.
void Leaders(const Tables& t, std::ostream& out) {
  Heading(out, "Community leaders");
  if (t.communities.ids.size() == 0 || t.interactions.from.empty()) {
    out << "  no communities or interactions\n";
    return;
  }
  leaders::LeaderOptions options;
  options.top = 3;
  options.top_bridges = 5;
  auto found = leaders::FindLeaders(t, options);
  if (!found.ok()) {
    out << "  not computed: " << found.status().message() << "\n";
    return;
  }
  out << "  as of " << FormatTime(found->as_of) << "; score = weighted percentiles of influence,"
      << " reach, trust, activity, tenure, embeddedness (docs/LEADERS.md)\n";
  out << "  " << Pad("community", 10) << Pad("rank", 5) << Pad("customer", 10) << PadLeft("score", 6);
  for (int c = 0; c < leaders::kNumComponents; ++c)
    out << PadLeft(std::string(leaders::ComponentName(static_cast<leaders::Component>(c))).substr(0, 7), 9);
  out << "\n";
  for (const leaders::CommunityLeaders& cl : found->communities) {
    for (const leaders::LeaderEntry& e : cl.leaders) {
      out << "  " << Pad(e.rank == 1 ? t.communities.ids.Id(cl.community) : std::string_view(), 10)
          << Pad(std::to_string(e.rank), 5) << Pad(t.customers.ids.Id(e.customer), 10)
          << PadLeft(Num(e.score, 2), 6);
      for (int c = 0; c < leaders::kNumComponents; ++c) out << PadLeft(Num(e.scaled[c], 2), 9);
      out << "\n";
    }
  }
  out << "  Bridge leaders (ties across communities; participation coefficient P)\n";
  for (const leaders::BridgeEntry& b : found->bridges) {
    std::string where;
    for (size_t k = 0; k < b.communities.size() && k < 3; ++k)
      where.append(k ? "+" : "").append(t.communities.ids.Id(b.communities[k]));
    out << "  " << Pad("", 10) << Pad(std::to_string(b.rank), 5) << Pad(t.customers.ids.Id(b.customer), 10)
        << PadLeft(Num(b.score, 2), 6) << "  P " << Num(b.participation, 2) << "  " << where << "\n";
  }
}

// The relationship ladder (ladder/stage_rules.h, default rules): the stage
// funnel by phase, and the top external employees (ladder/contribution.h,
// default parameters) with their components and stage; the co-creation
// credit comes from the adopted decisions of the decisions file, if given.
void Ladder(const Workspace& ws, const std::string& decisions_file, std::ostream& out) {
  const Tables& t = ws.tables();
  Heading(out, "Relationship ladder and external employees");
  ladder::IndicatorInputs in;
  in.as_of = ladder::DefaultLadderAsOf(t);
  const ladder::LadderRules rules = ladder::DefaultLadderRules();
  auto stages = ladder::AssignStages(t, rules, in, /*keep_values=*/false);
  if (!stages.ok()) {
    out << "  not computed: " << stages.status().message() << "\n";
    return;
  }
  uint64_t known = 0;
  for (uint32_t n : stages->counts) known += n;
  out << "  as of " << FormatTime(in.as_of) << ", default rules (docs/LADDER.md); a stage needs"
      << " its own requirements and every lower stage's\n"
      << "  " << Pad("phase", 15) << Pad("stage", 17) << PadLeft("customers", 10) << PadLeft("share", 8)
      << PadLeft("at or above", 13) << "\n";
  uint64_t above = known;
  for (size_t s = 0; s < rules.stages.size(); ++s) {
    out << "  " << Pad(ladder::PhaseName(rules.stages[s].phase), 15) << Pad(rules.stages[s].name, 17)
        << PadLeft(Num(stages->counts[s]), 10)
        << PadLeft(known ? Pct(double(stages->counts[s]) / known) : "-", 8) << PadLeft(Num(above), 13)
        << "\n";
    above -= stages->counts[s];
  }
  v1::ContributionRequest request;
  request.set_as_of_unix_seconds(in.as_of);
  request.set_top(10);
  request.mutable_forward();  // the account looking forward, estimated
  if (!decisions_file.empty()) {
    absl::StatusOr<v1::AdoptionRequest> decisions = ReadDecisionsFile(decisions_file);
    if (decisions.ok()) *request.mutable_decisions() = decisions->decisions();
  }
  v1::ContributionReport money;
  absl::Status estimated = ladder::ContributionMessage(ws, request, &money);
  if (!estimated.ok()) {
    // Without the forward account (e.g. no referral names its referee) the
    // backward one still stands, with its assumed constants labelled.
    request.clear_forward();
    if (absl::Status s = ladder::ContributionMessage(ws, request, &money); !s.ok()) {
      out << "  contribution not computed: " << s.message() << "\n";
      return;
    }
  }
  out << "  Top external employees: money made beyond their own purchases; all customers: "
      << Num(money.total(), 0) << " = referral " << Num(money.referral_value(), 0) << " (referees'"
      << " margins)\n  + influence " << Num(money.influence_value(), 0) << " (through the"
      << " interaction graph) + co-creation " << Num(money.cocreation_credit(), 0)
      << (request.decisions().empty() ? " (no decisions given)" : " (adopted decisions)") << "\n"
      << "    referral: " << BasisText(money.referral_basis()) << "\n"
      << "    influence: " << BasisText(money.influence_basis()) << "\n"
      << "    co-creation: " << BasisText(money.cocreation_basis()) << "\n";
  if (money.has_forward()) {
    const v1::ContributionForwardReport& f = money.forward();
    out << "  Looking forward " << Num(f.horizon_days(), 0) << " days, from the data (margin share "
        << Num(f.margin_share(), 3) << " of sales):\n"
        << "    referral value " << Num(f.referral_value(), 0) << ": "
        << BasisText(f.referral_basis()) << "\n"
        << "      referees who would have joined anyway: " << Pct(f.joined_anyway_share()) << " ["
        << Pct(f.joined_anyway_low()) << ", " << Pct(f.joined_anyway_high()) << "] ("
        << f.referees_already_active() << " of " << f.referees_seen()
        << " were already buying); a referee brings " << Num(f.referee_value(), 0) << "\n"
        << "    influence value " << Num(f.influence_value(), 0) << ": "
        << BasisText(f.influence_basis()) << "\n";
  } else {
    out << "  Looking forward: not estimated (" << estimated.message() << ")\n";
  }
  const bool forward = money.has_forward();
  out << "  " << Pad("rank", 5) << Pad("customer", 10) << Pad("stage", 17) << PadLeft("referral", 10)
      << PadLeft("influence", 11) << PadLeft("co-creation", 13) << PadLeft("total", 10)
      << PadLeft("own margin", 12)
      << (forward ? "   fwd referral [90%]     fwd influence [90%]" : "") << "\n";
  for (const v1::CustomerContribution& c : money.customers()) {
    const std::optional<Index> i = t.customers.ids.Find(c.customer_id());
    out << "  " << Pad(std::to_string(c.rank()), 5) << Pad(c.customer_id(), 10)
        << Pad(i ? rules.stages[stages->stage[*i]].name : "", 17) << PadLeft(Num(c.referral_value(), 0), 10)
        << PadLeft(Num(c.influence_value(), 0), 11) << PadLeft(Num(c.cocreation_credit(), 0), 13)
        << PadLeft(Num(c.total(), 0), 10) << PadLeft(Num(c.own_margin(), 0), 12);
    if (forward)
      out << "   " << Pad(absl::StrCat(Num(c.forward_referral_value(), 0), " [",
                                      Num(c.forward_referral_low(), 0), ", ",
                                      Num(c.forward_referral_high(), 0), "]"),
                         23)
          << Num(c.forward_influence_value(), 0) << " [" << Num(c.forward_influence_low(), 0)
          << ", " << Num(c.forward_influence_high(), 0) << "]";
    out << "\n";
  }
}

// Whom to activate (activation/workspace_plan.h): ten leaders chosen by IMM
// on the interaction graph, against ten customers the distribution chain
// would favour (the biggest spenders) and ten picked at random, each
// reach measured by the same independent Monte-Carlo run.
void Activation(const Tables& t, std::ostream& out) {
  Heading(out, "Activation: which leaders to activate");
  if (t.communities.ids.size() == 0 || t.interactions.from.empty()) {
    out << "  no communities or interactions\n";
    return;
  }
  auto fail = [&](const absl::Status& s) { out << "  not computed: " << s.message() << "\n"; };
  auto ig = graph::BuildInteractionGraph(t, {});
  if (!ig.ok()) return fail(ig.status());
  // The interaction graph's rows become the diffusion graph's (no copy).
  auto dg = activation::DiffusionGraph::Create(std::move(ig->graph),
                                               activation::Model::kIndependentCascade,
                                               activation::ArcRule{});
  if (!dg.ok()) return fail(dg.status());
  constexpr uint32_t kSeeds = 10;
  activation::WorkspacePlanOptions o;
  o.plan.imm.k = kSeeds;
  o.plan.imm.epsilon = 0.1;
  o.plan.check_runs = 2000;
  auto plan = activation::PlanOnWorkspace(t, *dg, o);
  if (!plan.ok()) return fail(plan.status());

  const size_t n = t.customers.ids.size();
  std::vector<double> spend(n, 0);
  for (size_t i = 0; i < t.transactions.customer.size(); ++i)
    spend[t.transactions.customer[i]] += t.transactions.amount[i];
  std::vector<activation::NodeId> order(n);
  for (size_t c = 0; c < n; ++c) order[c] = static_cast<activation::NodeId>(c);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return spend[a] > spend[b]; });
  const std::vector<activation::NodeId> spenders(order.begin(), order.begin() + std::min<size_t>(kSeeds, n));
  std::vector<activation::NodeId> random;  // an even spread over the customer list
  for (size_t k = 0; k < kSeeds && k < n; ++k) random.push_back(static_cast<activation::NodeId>((7 + k * (n / kSeeds)) % n));

  activation::SpreadOptions so;
  so.runs = 2000;
  so.seed = plan->plan.check_seed;
  out << "  IC diffusion, weighted cascade on the decayed interaction graph; reach = expected"
      << " customers activated, 95% CI from " << so.runs << " runs\n";
  out << "  " << Pad("ten seeds", 34) << PadLeft("reach", 8) << PadLeft("95% CI", 18) << "\n";
  auto row = [&](const std::string& what, const activation::SpreadEstimate& e) {
    out << "  " << Pad(what, 34) << PadLeft(Num(e.mean, 1), 8)
        << PadLeft(Num(e.ci_low, 1) + " - " + Num(e.ci_high, 1), 18) << "\n";
  };
  row("leaders chosen by IMM", plan->plan.check);
  for (const auto& [what, seeds] : {std::pair<std::string, const std::vector<activation::NodeId>*>{
                                        "top spenders (the chain's best)", &spenders},
                                    {"every " + std::to_string(n / kSeeds) + "th customer", &random}}) {
    auto e = activation::EstimateSpread(*dg, *seeds, so);
    if (!e.ok()) return fail(e.status());
    row(what, *e);
  }
  out << "  chosen, in order (community and leader rank, or bridge):\n   ";
  for (const activation::PlannedLeader& l : plan->leaders) {
    out << " " << t.customers.ids.Id(l.customer);
    if (l.leader_rank) out << " (" << t.communities.ids.Id(l.community) << " #" << l.leader_rank << ")";
    else out << " (bridge)";
  }
  out << "\n  guarantee: " << plan->plan.guarantee << "\n";
}

// The channel report the demo's two channel sections show
// (channels/messages.h): illustrative activity rates (2 an order, 5 a
// delivery, 10 a return), the community route from activating each
// community's top three leaders at what the host already spends on its
// activists (channels::DefaultActivation; 2,000 check runs), and a budget
// of half that activist spend to split between chain incentives and
// activation.
absl::StatusOr<v1::ChannelReport> DemoChannelReport(const Workspace& ws) {
  v1::ChannelRequest request;
  request.mutable_rates()->set_per_order(2);
  request.mutable_rates()->set_per_delivery(5);
  request.mutable_rates()->set_per_return(10);
  request.set_top(3);
  v1::ChannelReport report;
  if (ws.tables().communities.ids.size() > 0 && !ws.tables().interactions.from.empty()) {
    *request.mutable_activation() = channels::DefaultActivation(ws, request, 3, 0, 0, 2000);
    const v1::WorkspacePlanRequest& a = request.activation();
    request.set_budget((a.has_default_cost() ? a.default_cost() : 1) * a.plan().k() / 2);
    // Recorded campaigns: the split on the routes' fitted curves.
    if (ws.tables().campaigns.ids.size() > 0) request.mutable_campaign_effects();
    if (channels::ChannelEconomicsMessage(ws, request, &report).ok()) return report;
    report.Clear();
    request.clear_activation();
    request.clear_budget();
  }
  if (absl::Status s = channels::ChannelEconomicsMessage(ws, request, &report); !s.ok()) return s;
  return report;
}

// The chain's economics (docs/CHANNELS.md): what each tier sells and keeps,
// the margin stack of the best seller, and the conflict signals.
void Chain(const Tables& t, const absl::StatusOr<v1::ChannelReport>& r, std::ostream& out) {
  Heading(out, "Distribution chain: economics and conflicts");
  if (t.channels.ids.size() == 0) {
    out << "  no channels\n";
    return;
  }
  if (!r.ok()) {
    out << "  not computed: " << r.status().message() << "\n";
    return;
  }
  out << "  " << FormatTime(r->start_unix_seconds() / 86400 * 86400) << " to "
      << FormatTime(r->end_unix_seconds() / 86400 * 86400) << ": sales " << Num(r->sales(), 2)
      << ", the producer gets " << Num(r->producer_revenue(), 2) << " ("
      << Pct(r->sales() > 0 ? r->producer_revenue() / r->sales() : 0) << "), the chain keeps "
      << Num(r->margins_conceded(), 2) << "\n";
  // Per tier (kind), own sales, margin money, profit and cost to serve.
  struct Tier {
    size_t members = 0;
    double sales = 0, margin = 0, profit = 0, cts = 0;
    uint64_t buyers = 0;
  };
  std::map<int, Tier> tiers;
  for (const v1::ChannelMember& m : r->members()) {
    Tier& x = tiers[m.kind()];
    ++x.members;
    x.sales += m.sales();
    x.margin += m.margin_money();
    x.profit += m.profit();
    x.cts += m.cost_to_serve();
    x.buyers += m.customers();
  }
  out << "  " << Pad("tier", 20) << PadLeft("members", 8) << PadLeft("own sales", 14)
      << PadLeft("share", 8) << PadLeft("margin money", 14) << PadLeft("profit", 12)
      << PadLeft("CTS/buyer", 11) << "\n";
  for (const auto& [kind, x] : tiers) {
    std::string name = v1::ChannelKind_Name(static_cast<v1::ChannelKind>(kind)).substr(13);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    out << "  " << Pad(name, 20) << PadLeft(Num(x.members), 8) << PadLeft(Num(x.sales), 14)
        << PadLeft(r->sales() > 0 ? Pct(x.sales / r->sales()) : "-", 8)
        << PadLeft(Num(x.margin), 14) << PadLeft(Num(x.profit), 12)
        << PadLeft(x.buyers ? Num(x.cts / x.buyers, 2) : "-", 11) << "\n";
  }
  if (r->unattributed_sales() > 0)
    out << "  " << Pad("(no channel given)", 28) << PadLeft(Num(r->unattributed_sales()), 14)
        << "\n";
  out << "  cost to serve: 2 an order, 5 a delivery, 10 a return (illustrative rates) + the "
         "producer's"
         " own per-unit costs\n";
  out << "  where the figures come from:\n";
  WriteFigureBasesShort(r->bases(), "    ", out);
  // The margin stack through the deepest path and sold direct.
  const v1::ChannelMarginStack* deep = nullptr;
  const v1::ChannelMarginStack* direct = nullptr;
  for (const v1::ChannelMarginStack& s : r->stacks()) {
    if (deep == nullptr || s.tiers_size() > deep->tiers_size()) deep = &s;
    if (s.tiers_size() == 2 && s.tiers(1).margin() == 0 && direct == nullptr) direct = &s;
  }
  if (deep != nullptr) {
    out << "  margin stack of " << r->stack_product_id() << " at " << Num(r->stack_list_price(), 2)
        << ":";
    for (int k = 0; k < deep->tiers_size(); ++k)
      out << (k ? " > " : " ") << deep->tiers(k).channel_id() << " "
          << Num(deep->tiers(k).price(), 2);
    out << "\n    the producer keeps " << Num(deep->producer_profit_per_unit(), 2) << " a unit";
    if (direct != nullptr)
      out << " (" << Num(direct->producer_profit_per_unit(), 2) << " sold through "
          << direct->seller_id() << ")";
    out << "\n";
  }
  if (r->tier_profit_share_size() > 1) {
    const int n = r->tier_profit_share_size();
    out << "  double marginalisation: with linear demand " << n << " independent tiers earn "
        << Pct(r->tier_profit_share(n - 1))
        << " of one integrated firm's profit (2 tiers: " << Pct(r->tier_profit_share(1)) << ")\n";
  }
  const v1::ChannelConflicts& c = r->conflicts();
  for (const v1::ChannelTerritory& x : c.territories()) {
    out << "  conflict: shared territory " << x.territory() << ":";
    for (const std::string& id : x.channel_ids()) out << " " << id;
    out << "\n";
  }
  for (const v1::ChannelSharedCustomers& s : c.shared())
    out << "  shared customers: " << Pad(s.channel_id() + " + " + s.other_id(), 20)
        << PadLeft(Num(s.shared()), 5) << " (Jaccard " << Num(s.jaccard(), 3) << ")\n";
  for (const v1::ChannelUndercut& u : c.undercuts())
    out << "  undercutting: " << u.channel_id() << " sells " << u.product_id() << " at "
        << Num(u.price(), 2) << ", " << Pct(u.gap()) << " under " << u.other_id() << "\n";
  out << "  switching: " << Pct(c.switching_share())
      << " of customers' moves from one active month to the next change member";
  for (int k = 0; k < std::min(2, c.switches_size()); ++k)
    out << (k ? ", " : "; most ") << c.switches(k).from_id() << " -> " << c.switches(k).to_id()
        << " " << c.switches(k).customers();
  out << "\n";
}

// The chain and community activation side by side on the same money: the
// routes' cost and value per acquired customer, and a budget split.
void TwoRoutes(const absl::StatusOr<v1::ChannelReport>& r, std::ostream& out) {
  Heading(out, "Two routes: the chain against community activation");
  if (!r.ok()) {
    out << "  not computed: " << r.status().message() << "\n";
    return;
  }
  if (r->comparison_size() == 0) {
    out << "  no sales through any channel\n";
    return;
  }
  out << "  per acquired customer; value = first purchase less goods and the producer's unit "
         "cost\n";
  out << "  " << Pad("", 22) << Pad("basis", 10) << PadLeft("acquired", 9) << PadLeft("cost", 12)
      << PadLeft("cost/acq", 10) << PadLeft("value/acq", 11) << PadLeft("profit/acq", 12) << "\n";
  for (const v1::ChannelRouteComparison& x : r->comparison())
    out << "  " << Pad(x.name(), 22) << Pad(x.basis(), 10) << PadLeft(Num(x.acquired()), 9)
        << PadLeft(Num(x.cost()), 12) << PadLeft(Num(x.cost_per_acquired(), 2), 10)
        << PadLeft(Num(x.value_per_acquired(), 2), 11)
        << PadLeft(Num(x.profit_per_acquired(), 2), 12) << "\n";
  out << "  where they come from:\n";
  WriteComparisonBases(*r, "    ", out);
  if (r->has_community()) {
    const v1::ChannelCommunityRoute& m = r->community();
    out << "  activation: " << m.seeds() << " leaders (top 3 per community) for " << Num(m.cost())
        << ", expected reach " << Num(m.reached()) << " besides them (95% CI "
        << Num(m.reached_low()) << " - " << Num(m.reached_high()) << "), " << Num(m.conversions())
        << " conversions (" << Num(m.conversions_low()) << " - " << Num(m.conversions_high())
        << ") at " << Num(m.conversion().rate(), 3)
        << " per reached customer (referrals' converted share)\n";
    WriteCommunityBases(m, "    ", out);
  }
  if (r->has_budget_split()) {
    const v1::BudgetSplit& b = r->budget_split();
    out << "  a budget of " << Num(b.budget())
        << " (half the activist spend), split for the most profit;"
        << " marginal return of money there " << Num(b.multiplier(), 2) << ":\n";
    const bool fitted = b.has_ranking_probability();
    for (const v1::BudgetRouteSpend& x : b.routes())
      out << "    " << Pad(x.name(), 10) << " spend " << PadLeft(Num(x.spend()), 8) << ", "
          << (fitted ? "extra sales " : "conversions ") << PadLeft(Num(x.conversions()), 5)
          << ", marginal return " << Num(x.marginal_right(), 2) << "\n      "
          << BasisText(x.basis()) << "\n";
    if (fitted) {
      // The verdict: the route the split favours, and how often the
      // bootstrap's own splits agree.
      const v1::BudgetRouteSpend* top = nullptr;
      for (const v1::BudgetRouteSpend& x : b.routes())
        if (top == nullptr || x.spend() > top->spend()) top = &x;
      out << "  verdict: more money to " << (top ? top->name() : "-") << "; the bootstrap's own "
          << "splits agree in " << Pct(b.ranking_probability()) << " of draws"
          << (b.ranking_probability() < 0.9 ? " (not sure: the campaigns do not settle it)" : "")
          << "\n";
    } else {
      out << "  verdict: rests on assumed responses (above); record campaigns to estimate them\n";
    }
  }
  for (const std::string& n : r->notes()) out << "  note: " << n << "\n";
}

// What each program learned (feedback per attribute with the flagged
// shortfalls, NPS with its interval) and, with a decisions file, what came
// of it (docs/COCREATION.md).
void CoCreation(const Workspace& ws, const std::string& decisions_file, std::ostream& out) {
  const size_t n = ws.tables().programs.ids.size();
  Heading(out, "Co-creation programs (" + std::to_string(n) + ")");
  if (n == 0) {
    out << "  none\n";
    return;
  }
  v1::FeedbackReport feedback;
  if (absl::Status s = cocreation::FeedbackMessage(ws, v1::FeedbackRequest(), &feedback); !s.ok()) {
    out << "  not available: " << s.message() << "\n";
    return;
  }
  WriteFeedbackText(feedback, out, "  ");
  if (decisions_file.empty()) return;
  out << "  decisions (" << decisions_file << "):\n";
  absl::StatusOr<v1::AdoptionRequest> request = ReadDecisionsFile(decisions_file);
  v1::AdoptionReport adoption;
  absl::Status s = request.ok() ? cocreation::AdoptionMessage(ws, *request, &adoption) : request.status();
  if (!s.ok()) {
    out << "    not available: " << s.message() << "\n";
    return;
  }
  WriteAdoptionText(adoption, out, "    ", 5);
}

// Customer value with an automatic split: the last 26 weeks are the holdout
// when the data span at least a year, so the report can show how well the
// model predicted them; weeks as the unit, days as the period.
void CustomerValue(const Workspace& ws, std::ostream& out) {
  const Tables& t = ws.tables();
  Heading(out, "Customer value (BG/NBD + Gamma-Gamma)");
  if (t.transactions.time.empty()) {
    out << "  no transactions\n";
    return;
  }
  const auto [lo, hi] = std::minmax_element(t.transactions.time.begin(), t.transactions.time.end());
  const int64_t week = 7 * 86400, last_day = *hi / 86400 * 86400;
  value::CustomerValueOptions o;
  o.summary.set_period_seconds(86400);
  o.summary.set_unit_seconds(week);
  if (last_day - *lo >= 52 * week) {
    o.summary.set_calibration_end_unix_seconds(last_day - 26 * week);
    o.summary.set_holdout_end_unix_seconds(last_day);
  } else {
    o.summary.set_calibration_end_unix_seconds(last_day);
  }
  o.horizon = 52;
  o.clv = value::ClvOptions{12, 2629800.0 / week, 0.01};
  o.intervals = value::DrawOptions{};  // 200 draws, 90%, seed 0: the total CLV is estimated
  auto table = value::ScoreCustomers(ws, o);
  if (!table.ok()) {
    out << "  not available: " << table.status().message() << "\n";
    return;
  }
  const value::CustomerValueTable& v = *table;
  const v1::CustomerSummaries& S = v.summaries;
  out << "  calibration to " << FormatTime(o.summary.calibration_end_unix_seconds()) << ", "
      << Num(S.customer_id_size()) << " customers; weeks as the unit\n  purchase model:";
  for (const std::string& k : value::ParamNames(v.purchase_model.model()))
    out << " " << k << " " << Num(v.purchase_model.params().at(k), 3);
  out << " (log-likelihood " << Num(v.purchase_model.report().log_likelihood(), 1) << ")\n";
  out << FitChecksText(v.purchase_model, "  ");
  if (v.spend_model) out << FitChecksText(*v.spend_model, "  ");
  if (v.holdout) {
    out << "  holdout check, " << FormatTime(o.summary.calibration_end_unix_seconds()) << " to "
        << FormatTime(last_day) << ": " << Num(v.holdout->total_actual()) << " purchases, predicted "
        << Num(v.holdout->total_predicted()) << " (" << (v.holdout->bias() >= 0 ? "+" : "")
        << Num(100 * v.holdout->bias(), 1) << "%)\n";
  }
  double alive = 0, next_year = 0;
  for (size_t i = 0; i < v.p_alive.size(); ++i) alive += v.p_alive[i], next_year += v.expected_purchases[i];
  out << "  expected alive " << Num(alive) << " (" << Pct(alive / v.p_alive.size()) << "); expected purchases in the 52 weeks after it "
      << Num(next_year) << "\n";
  std::map<std::string, size_t> segments;
  for (int i = 0; i < S.customer_id_size(); ++i) {
    const int s = v.rfm.segment(i);
    ++segments[s < 0 ? "(none)" : v.rfm.segments(s).name()];
  }
  out << "  RFM segments:";
  for (const auto& [name, n] : segments) out << "  " << name << " " << n;
  out << "\n";
  if (v.spend_model) {
    std::vector<size_t> order(v.clv.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    const size_t top = std::min<size_t>(5, order.size());
    std::partial_sort(order.begin(), order.begin() + top, order.end(),
                      [&](size_t a, size_t b) { return v.clv[a] > v.clv[b]; });
    out << "  top customers by 12-month CLV (1% a month):";
    for (size_t k = 0; k < top; ++k)
      out << "  " << S.customer_id(static_cast<int>(order[k])) << " " << Num(v.clv[order[k]], 2);
    out << "\n";
    double total = 0;
    for (double c : v.clv) total += c;
    out << "  total 12-month CLV " << Num(total, 2) << "; "
        << (v.clv_basis ? BasisText(*v.clv_basis, 2)
                        : absl::StrCat("no interval (", v.interval_error, ")"))
        << "\n";
  } else {
    out << "  spend model not fitted: " << v.spend_error << "\n";
  }
}

void Referrals(const Tables& t, std::ostream& out) {
  const ReferralTable& r = t.referrals;
  Heading(out, "Referrals");
  size_t converted = 0;
  double value = 0;
  absl::flat_hash_set<Index> referrers;
  for (size_t i = 0; i < r.referrer.size(); ++i) {
    converted += r.converted[i];
    value += r.value[i];
    referrers.insert(r.referrer[i]);
  }
  out << "  " << Num(r.referrer.size()) << " referrals by " << Num(referrers.size()) << " customers, "
      << Num(converted) << " converted ("
      << Pct(r.referrer.empty() ? 0 : double(converted) / r.referrer.size()) << "), value "
      << Num(value, 2) << "\n";
}

}  // namespace

void WriteReport(const Workspace& ws, std::ostream& out) { WriteReport(ws, out, ReportOptions()); }

void WriteReport(const Workspace& ws, std::ostream& out, const ReportOptions& options) {
  const Tables& t = ws.tables();
  out << "mitra " << MITRA_VERSION_STRING << " report\n";
  out << "  " << Num(t.customers.ids.size()) << " customers, " << Num(t.products.ids.size())
      << " products, " << Num(t.communities.ids.size()) << " communities, "
      << Num(t.channels.ids.size()) << " channel members, " << Num(ws.RecordCount())
      << " records in all\n";
  Purchases(t, out);
  CustomerValue(ws, out);
  Communities(t, out);
  Leaders(t, out);
  Ladder(ws, options.decisions_file, out);
  Activation(t, out);
  const absl::StatusOr<v1::ChannelReport> channels = DemoChannelReport(ws);
  Chain(t, channels, out);
  TwoRoutes(channels, out);
  CoCreation(ws, options.decisions_file, out);
  Referrals(t, out);
}

}  // namespace mitra::cli
