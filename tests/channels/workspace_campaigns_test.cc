// Campaign effects on a workspace: the panel built from its records (units,
// outcomes, periods) checked by hand on a 2x2 case, and planted effects
// recovered through the whole path, request message to report.
#include "mitra/channels/workspace_campaigns.h"

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/channels/messages.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/batch.pb.h"

namespace mitra::channels {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kT0 = 1704067200;  // 2024-01-01
constexpr int64_t kDay = 86400;

void Sale(v1::Batch& b, const std::string& customer, const std::string& channel, int64_t time,
          double amount) {
  auto* t = b.add_transactions();
  t->set_customer_id(customer);
  t->set_channel_id(channel);
  t->set_time_unix_seconds(time);
  t->set_amount(amount);
}

v1::Campaign* AddCampaign(v1::Batch& b, const std::string& id, v1::CampaignRoute route,
                          int64_t start, int64_t end, double spend) {
  auto* c = b.add_campaigns();
  c->set_id(id);
  c->set_route(route);
  c->set_start_unix_seconds(start);
  c->set_end_unix_seconds(end);
  c->set_spend(spend);
  return c;
}

void Member(v1::Batch& b, const std::string& campaign, const std::string& customer,
            const std::string& channel) {
  auto* m = b.add_campaign_members();
  m->set_campaign_id(campaign);
  m->set_customer_id(customer);
  m->set_channel_id(channel);
}

// Four retailers over four days; r1 and r2 treated on days 2 and 3. Daily
// sales (before, before, during, during):
//   r1 10 10 30 30  (difference of means 20)   r3 10 10 12 14  (3)
//   r2 20 30 50 48  (24)                        r4  5  7  6 10  (2)
// A producer's and a direct store's sales are not units and change nothing.
TEST(WorkspaceCampaigns, TwoByTwoByHand) {
  v1::Batch b;
  b.add_customers()->set_id("c1");
  for (const char* id : {"r1", "r2", "r3", "r4"}) {
    auto* ch = b.add_channels();
    ch->set_id(id);
    ch->set_kind(v1::CHANNEL_KIND_RETAILER);
  }
  auto* prod = b.add_channels();
  prod->set_id("prod");
  prod->set_kind(v1::CHANNEL_KIND_PRODUCER);
  const std::vector<std::vector<double>> sales = {
      {10, 10, 30, 30}, {20, 30, 50, 48}, {10, 10, 12, 14}, {5, 7, 6, 10}};
  for (int u = 0; u < 4; ++u)
    for (int d = 0; d < 4; ++d)
      Sale(b, "c1", "r" + std::to_string(u + 1), kT0 + d * kDay + 3600, sales[u][d]);
  Sale(b, "c1", "prod", kT0 + 2 * kDay, 1000);  // not a unit
  AddCampaign(b, "push", v1::CAMPAIGN_ROUTE_CHAIN, kT0 + 2 * kDay, kT0 + 4 * kDay, 100);
  Member(b, "push", "", "r1");
  Member(b, "push", "", "r2");
  Member(b, "push", "", "prod");  // a member, not a unit
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(b).ok());

  v1::CampaignEffectsRequest request;
  request.set_start_unix_seconds(kT0);
  request.set_end_unix_seconds(kT0 + 4 * kDay);
  request.set_period_seconds(kDay);
  request.set_baseline_periods(2);
  v1::CampaignEffectsReport report;
  ASSERT_TRUE(CampaignEffectsMessage(ws, request, &report).ok());
  EXPECT_EQ(report.periods(), 4u);
  ASSERT_EQ(report.campaigns_size(), 1);
  const v1::CampaignEffect& e = report.campaigns(0);
  ASSERT_TRUE(e.estimated()) << e.note();
  // (20 + 24) / 2 - (3 + 2) / 2 = 19.5.
  EXPECT_DOUBLE_EQ(e.effect(), 19.5);
  // Variances 8 and 0.5 over 2 units each: sqrt(4 + 0.25).
  EXPECT_DOUBLE_EQ(e.std_error(), std::sqrt(4.25));
  // Welch: 4.25^2 / (4^2 / 1 + 0.25^2 / 1).
  EXPECT_NEAR(e.degrees_of_freedom(), 4.25 * 4.25 / (16 + 0.0625), 1e-12);
  EXPECT_EQ(e.members(), 3u);
  EXPECT_EQ(e.treated_units(), 2u);
  EXPECT_EQ(e.comparison_units(), 2u);
  EXPECT_EQ(e.periods(), 2u);
  EXPECT_EQ(e.baseline_periods(), 2u);
  // 19.5 x 2 units x 2 days, over a spend of 100.
  EXPECT_DOUBLE_EQ(e.total(), 78.0);
  EXPECT_DOUBLE_EQ(e.return_per_spend(), 0.78);
  EXPECT_EQ(e.effect_basis().kind(), v1::MONEY_BASIS_KIND_ESTIMATED);
  EXPECT_DOUBLE_EQ(e.effect_basis().low(), e.effect_low());
  EXPECT_DOUBLE_EQ(e.effect_basis().confidence(), 0.95);
  EXPECT_THAT(e.total_basis().source(), HasSubstr("campaign \"push\""));
  EXPECT_THAT(e.total_basis().source(), HasSubstr("2 treated retailers/agents/wholesalers"));
  EXPECT_EQ(e.spend_basis().kind(), v1::MONEY_BASIS_KIND_GIVEN);
  EXPECT_DOUBLE_EQ(e.return_low(), e.total_low() / 100);
  // One campaign per route at most: no curve, notes instead of errors.
  EXPECT_EQ(report.curves_size(), 0);
  EXPECT_EQ(report.odds_size(), 0);
  ASSERT_EQ(report.notes_size(), 2);
  EXPECT_THAT(report.notes(0), HasSubstr("no chain curve"));
  EXPECT_THAT(report.notes(1), HasSubstr("community route has no campaign"));
}

// A community unit's outcome is what its audience spends: u1 is addressed
// by a1 and a2, u2 by a2 alone, so a2's purchases count for both.
TEST(WorkspaceCampaigns, CommunityUnitsAreAddressedCustomersAndOutcomesTheirAudiences) {
  v1::Batch b;
  for (const char* id : {"u1", "u2", "u3", "u4", "a1", "a2", "a3", "a4"})
    b.add_customers()->set_id(id);
  auto talk = [&](const char* from, const char* to) {
    auto* i = b.add_interactions();
    i->set_from_customer_id(from);
    i->set_to_customer_id(to);
    i->set_kind(v1::INTERACTION_KIND_REPLY);
    i->set_time_unix_seconds(kT0 + 100);
  };
  talk("a1", "u1");
  talk("a2", "u1");
  talk("a2", "u2");
  talk("a3", "u3");
  talk("a4", "u4");
  talk("a4", "u4");  // twice: still one audience member
  // Days 0, 1 before; 2, 3 during. a1 and a2 spend 10 a day, then 20.
  for (int d = 0; d < 4; ++d) {
    const double up = d >= 2 ? 20 : 10;
    Sale(b, "a1", "", kT0 + d * kDay + 7200, up);
    Sale(b, "a2", "", kT0 + d * kDay + 7200, up);
    Sale(b, "a3", "", kT0 + d * kDay + 7200, 10 + d);  // +2 during
    Sale(b, "a4", "", kT0 + d * kDay + 7200, 10);      // +0 during
    Sale(b, "u1", "", kT0 + d * kDay + 7200, 1000);    // a unit's own purchases don't count
  }
  AddCampaign(b, "leaders", v1::CAMPAIGN_ROUTE_COMMUNITY, kT0 + 2 * kDay, kT0 + 4 * kDay, 50);
  Member(b, "leaders", "u1", "");
  Member(b, "leaders", "u2", "");
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(b).ok());
  WorkspaceCampaignOptions o;
  o.start = kT0;
  o.period_seconds = kDay;
  o.baseline_periods = 2;
  auto r = WorkspaceCampaignEffectsOf(ws, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->periods, 4u);  // the end defaults to the campaign's
  const CampaignEffect& e = r->campaigns[0].effect;
  ASSERT_TRUE(e.estimated) << e.note;
  // u1: 20 -> 40 (+20); u2: 10 -> 20 (+10); u3: 10.5 -> 12.5 (+2); u4: +0.
  EXPECT_DOUBLE_EQ(e.effect, 15 - 1);
  EXPECT_EQ(e.treated_units, 2u);
  EXPECT_EQ(e.comparison_units, 2u);
}

// Planted truth: 60 retailers and 60 addressed customers (each with three
// audience members of their own) over 26 weeks of noisy sales; four chain
// and four community campaigns (spends 1000 .. 8000) treat 6 units each in
// weeks 12 .. 17 with a known extra per unit and week, a saturating
// response: chain 600 (1 - e^(-spend / 3000)), community 400 (...).
constexpr int64_t kWeek = 7 * kDay;
const std::vector<double> kSpends = {1000, 2000, 4000, 8000};
double PlantedExtra(v1::CampaignRoute route, double spend) {
  return (route == v1::CAMPAIGN_ROUTE_CHAIN ? 600 : 400) * (1 - std::exp(-spend / 3000));
}

const Workspace& PlantedWorkspace() {
  static const Workspace* ws = [] {
    constexpr int kUnits = 60, kWeeks = 26;
    std::mt19937_64 rng(20241206);
    std::normal_distribution<double> noise(0, 15);
    std::uniform_real_distribution<double> level(200, 600);
    v1::Batch b;
    auto* producer = b.add_channels();  // not a unit: the chain's root
    producer->set_id("P");
    producer->set_kind(v1::CHANNEL_KIND_PRODUCER);
    for (int u = 0; u < kUnits; ++u) {
      auto* ch = b.add_channels();
      ch->set_id("r" + std::to_string(u));
      ch->set_kind(u % 3 == 0 ? v1::CHANNEL_KIND_AGENT : v1::CHANNEL_KIND_RETAILER);
      ch->set_parent_id("P");
      b.add_customers()->set_id("u" + std::to_string(u));
      for (int k = 0; k < 3; ++k)
        b.add_customers()->set_id("a" + std::to_string(u) + "_" + std::to_string(k));
    }
    b.add_customers()->set_id("shop");
    // Campaign j treats units 6j .. 6j + 5.
    auto campaign_of = [](int u) { return u < 24 ? u / 6 : -1; };
    for (int u = 0; u < kUnits; ++u) {
      const double chain_level = level(rng), audience_level = level(rng) / 3;
      for (int k = 0; k < 3; ++k) {
        auto* i = b.add_interactions();
        i->set_from_customer_id("a" + std::to_string(u) + "_" + std::to_string(k));
        i->set_to_customer_id("u" + std::to_string(u));
        i->set_kind(v1::INTERACTION_KIND_MENTION);
        i->set_time_unix_seconds(kT0 + 5 * kWeek + k * kDay);  // inside the window
      }
      const int j = campaign_of(u);
      for (int w = 0; w < kWeeks; ++w) {
        const bool on = j >= 0 && w >= 12 && w < 18;
        const double season = 20 * std::sin(w / 4.0);
        Sale(b, "shop", "r" + std::to_string(u), kT0 + w * kWeek + kDay,
             chain_level + season + noise(rng) +
                 (on ? PlantedExtra(v1::CAMPAIGN_ROUTE_CHAIN, kSpends[j]) : 0));
        for (int k = 0; k < 3; ++k)
          Sale(b, "a" + std::to_string(u) + "_" + std::to_string(k), "",
               kT0 + w * kWeek + 2 * kDay,
               audience_level + season / 3 + noise(rng) / 3 +
                   (on ? PlantedExtra(v1::CAMPAIGN_ROUTE_COMMUNITY, kSpends[j]) / 3 : 0));
      }
    }
    for (int j = 0; j < 4; ++j) {
      const std::string chain = "chain" + std::to_string(j);
      const std::string community = "community" + std::to_string(j);
      AddCampaign(b, chain, v1::CAMPAIGN_ROUTE_CHAIN, kT0 + 12 * kWeek, kT0 + 18 * kWeek,
                  kSpends[j]);
      AddCampaign(b, community, v1::CAMPAIGN_ROUTE_COMMUNITY, kT0 + 12 * kWeek,
                  kT0 + 18 * kWeek, kSpends[j]);
      for (int u = 6 * j; u < 6 * j + 6; ++u) {
        Member(b, chain, "", "r" + std::to_string(u));
        Member(b, community, "u" + std::to_string(u), "");
      }
    }
    auto* w = new Workspace;
    if (!w->Ingest(b).ok()) std::abort();
    return w;
  }();
  return *ws;
}

// Through the request: every campaign's 95% interval holds its planted
// extra and total; both routes get a curve and the ranking at the mean
// spend.
TEST(WorkspaceCampaigns, RecoversPlantedEffectsWithinTheirIntervals) {
  v1::CampaignEffectsRequest request;
  request.set_draws(400);
  v1::CampaignEffectsReport report;
  const absl::Status s = CampaignEffectsMessage(PlantedWorkspace(), request, &report);
  ASSERT_TRUE(s.ok()) << s;
  // Window: 8 weekly baseline periods before week 12.
  EXPECT_EQ(report.start_unix_seconds(), kT0 + 4 * kWeek);
  ASSERT_EQ(report.campaigns_size(), 8);
  for (const v1::CampaignEffect& e : report.campaigns()) {
    SCOPED_TRACE(e.campaign_id());
    ASSERT_TRUE(e.estimated()) << e.note();
    const double truth = PlantedExtra(e.route(), kSpends[e.campaign_id().back() - '0']);
    EXPECT_LE(e.effect_low(), truth);
    EXPECT_GE(e.effect_high(), truth);
    EXPECT_EQ(e.treated_units(), 6u);
    EXPECT_EQ(e.comparison_units(), 36u);  // the 60 less the 24 any campaign treated
    EXPECT_EQ(e.periods(), 6u);
    EXPECT_LE(e.total_low(), truth * 36);
    EXPECT_GE(e.total_high(), truth * 36);
  }
  ASSERT_EQ(report.curves_size(), 2);
  EXPECT_EQ(report.curves(0).route(), v1::CAMPAIGN_ROUTE_CHAIN);
  EXPECT_EQ(report.curves(1).route(), v1::CAMPAIGN_ROUTE_COMMUNITY);
  EXPECT_EQ(report.curves(0).campaigns(), 4u);
  // The totals' ceiling: 600 per unit-week x 6 units x 6 weeks.
  EXPECT_LE(report.curves(0).a_low(), 600 * 36);
  EXPECT_GE(report.curves(0).a_high(), 600 * 36);
  EXPECT_LE(report.curves(1).a_low(), 400 * 36);
  EXPECT_GE(report.curves(1).a_high(), 400 * 36);
  ASSERT_EQ(report.odds_size(), 1);
  EXPECT_DOUBLE_EQ(report.odds(0).spend(), 3750);  // the mean spend
  // Community's curve is lower everywhere: it rarely returns more.
  EXPECT_LT(report.odds(0).probability_community_returns_more(), 0.2);
  EXPECT_EQ(report.notes_size(), 0);
}

// The channel report's budget split on the fitted curves: the chain
// (planted 1.5 times the community's response) gets more, how sure that is,
// and each route's basis ESTIMATED. Every sale here is the producer's
// (no margins, no costs): a unit of extra sales is worth 1 on both routes,
// so the optimum has 7.2 e^(-x_c / 3000) = 4.8 e^(-x_k / 3000): the chain
// gets 3000 ln 1.5 = 1216 more.
TEST(WorkspaceCampaigns, BudgetSplitOnFittedCurves) {
  v1::ChannelRequest request;
  request.set_budget(8000);
  request.mutable_campaign_effects()->set_draws(300);
  v1::ChannelReport report;
  const absl::Status s = ChannelEconomicsMessage(PlantedWorkspace(), request, &report);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(report.campaign_effects().curves_size(), 2);
  const v1::BudgetSplit& split = report.budget_split();
  ASSERT_EQ(split.routes_size(), 2);
  EXPECT_EQ(split.routes(0).name(), "chain");
  EXPECT_NEAR(split.routes(0).spend() - split.routes(1).spend(), 3000 * std::log(1.5), 400);
  EXPECT_NEAR(split.routes(0).spend() + split.routes(1).spend(), 8000, 1e-6);
  ASSERT_TRUE(split.has_ranking_probability());
  EXPECT_GT(split.ranking_probability(), 0.9);
  for (const v1::BudgetRouteSpend& r : split.routes()) {
    EXPECT_EQ(r.basis().kind(), v1::MONEY_BASIS_KIND_ESTIMATED);
    EXPECT_LE(r.basis().low(), r.conversions());
    EXPECT_GE(r.basis().high(), r.conversions());
    EXPECT_THAT(r.basis().source(), HasSubstr("fitted to 4 measured"));
  }
  // Asking for campaign curves with a bad option names it in the request.
  request.mutable_campaign_effects()->set_draws(0);
  EXPECT_THAT(std::string(ChannelEconomicsMessage(PlantedWorkspace(), request, &report).message()),
              HasSubstr("request.campaign_effects.draws: must be 1..1000000"));
}

TEST(WorkspaceCampaigns, BadOptionsNameTheRequestField) {
  Workspace ws;
  v1::CampaignEffectsRequest request;
  v1::CampaignEffectsReport report;
  request.set_period_seconds(60);
  EXPECT_THAT(std::string(CampaignEffectsMessage(ws, request, &report).message()),
              HasSubstr("request.period_seconds: must be 3600..31622400, got 60"));
  request.clear_period_seconds();
  request.add_compare_at_spends(-1);
  EXPECT_THAT(std::string(CampaignEffectsMessage(ws, request, &report).message()),
              HasSubstr("request.compare_at_spends[0]"));
  request.clear_compare_at_spends();
  request.set_start_unix_seconds(kT0);
  request.set_end_unix_seconds(kT0);
  EXPECT_THAT(std::string(CampaignEffectsMessage(ws, request, &report).message()),
              HasSubstr("request.end_unix_seconds: must be after"));
  EXPECT_EQ(report.campaigns_size(), 0);
}

TEST(WorkspaceCampaigns, NoCampaignsIsANote) {
  Workspace ws;
  auto r = WorkspaceCampaignEffectsOf(ws, {});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->notes, ::testing::ElementsAre("the workspace holds no campaigns"));
}

}  // namespace
}  // namespace mitra::channels
