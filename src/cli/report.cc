#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "mitra/activation/workspace_plan.h"
#include "mitra/core/time_format.h"
#include "mitra/graph/interaction_graph.h"
#include "mitra/leaders/leader_score.h"
#include "mitra/mitra.h"
#include "mitra/v1/channel.pb.h"
#include "mitra/value/customer_value.h"
#include "mitra/value/messages.h"

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

std::string Pad(std::string s, size_t width) {
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
      out << "  " << Pad(e.rank == 1 ? t.communities.ids.Id(cl.community) : "", 10)
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
      where += (k ? "+" : "") + t.communities.ids.Id(b.communities[k]);
    out << "  " << Pad("", 10) << Pad(std::to_string(b.rank), 5) << Pad(t.customers.ids.Id(b.customer), 10)
        << PadLeft(Num(b.score, 2), 6) << "  P " << Num(b.participation, 2) << "  " << where << "\n";
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
  auto p = activation::WeightedCascadeProbabilities(ig->graph);
  if (!p.ok()) return fail(p.status());
  auto dg = activation::DiffusionGraph::Create(ig->graph, activation::Model::kIndependentCascade, *p);
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

void Chain(const Tables& t, std::ostream& out) {
  const ChannelTable& ch = t.channels;
  Heading(out, "Distribution chain");
  if (ch.ids.size() == 0) {
    out << "  no channels\n";
    return;
  }
  // Sales attributed to each kind of member that sold to the customer.
  std::map<int, std::pair<size_t, double>> members_and_sales;
  for (size_t i = 0; i < ch.kind.size(); ++i) ++members_and_sales[ch.kind[i]].first;
  double attributed = 0, total = 0;
  for (size_t i = 0; i < t.transactions.customer.size(); ++i) {
    total += t.transactions.amount[i];
    const Index c = t.transactions.channel[i];
    if (c == kNoIndex) continue;
    members_and_sales[ch.kind[c]].second += t.transactions.amount[i];
    attributed += t.transactions.amount[i];
  }
  out << "  " << Pad("tier", 20) << PadLeft("members", 8) << PadLeft("sales", 16) << PadLeft("share", 8) << "\n";
  for (const auto& [kind, ms] : members_and_sales) {
    std::string name = v1::ChannelKind_Name(static_cast<v1::ChannelKind>(kind)).substr(13);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    out << "  " << Pad(name, 20) << PadLeft(Num(ms.first), 8) << PadLeft(Num(ms.second, 2), 16)
        << PadLeft(total > 0 ? Pct(ms.second / total) : "-", 8) << "\n";
  }
  if (total > attributed)
    out << "  " << Pad("(no channel given)", 28) << PadLeft(Num(total - attributed, 2), 16) << "\n";
}

void CoCreation(const Tables& t, std::ostream& out) {
  const size_t n = t.programs.ids.size();
  Heading(out, "Co-creation programs (" + std::to_string(n) + ")");
  if (n == 0) {
    out << "  none\n";
    return;
  }
  for (size_t p = 0; p < n; ++p) {
    std::map<std::string, std::pair<double, size_t>> sums;  // attribute -> (sum, count)
    size_t responses = 0, asked = 0, promoters = 0, detractors = 0;
    absl::flat_hash_set<Index> people;
    for (size_t i = 0; i < t.feedback.program.size(); ++i) {
      if (t.feedback.program[i] != p) continue;
      ++responses;
      people.insert(t.feedback.customer[i]);
      t.feedback.ratings.ForEach(i, [&](const std::string& k, double v) {
        sums[k].first += v;
        ++sums[k].second;
      });
      const double r = t.feedback.would_recommend[i];
      if (!std::isnan(r)) {
        ++asked;
        promoters += r >= 9;
        detractors += r <= 6;
      }
    }
    out << "  " << t.programs.ids.Id(p) << " \"" << t.programs.name[p] << "\": " << responses
        << " responses from " << people.size() << " customers, scale "
        << Num(t.programs.rating_min[p]) << ".." << Num(t.programs.rating_max[p]);
    if (asked) out << ", NPS " << Num(100.0 * (double(promoters) - double(detractors)) / asked, 1);
    out << "\n    mean rating:";
    for (const auto& [k, sc] : sums) out << "  " << k << " " << Num(sc.first / sc.second, 2);
    out << "\n";
  }
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

void WriteReport(const Workspace& ws, std::ostream& out) {
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
  Activation(t, out);
  Chain(t, out);
  CoCreation(t, out);
  Referrals(t, out);
}

}  // namespace mitra::cli
