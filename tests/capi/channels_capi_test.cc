// The channels C ABI (mitra.h, "Channels") against the C++ drivers on a
// small workspace: reports through the ABI equal the C++ messages and the
// numbers worked out by hand; errors carry their codes and name the field;
// failures return no buffer.
//
// The chain (as in tests/channels/economics_test.cc): P (margin 0.2) -> W
// (0.1) -> R1 (0.25), R2 (0.2); D (direct), A (activist). One year from kT0.
#include <cmath>
#include <string>

#include "common/capi_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/channels/messages.h"
#include "mitra/core/workspace.h"
#include "mitra/mitra.h"
#include "mitra/v1/batch.pb.h"
#include "mitra/v1/channel_economics.pb.h"

namespace {

namespace v1 = mitra::v1;
using ::testing::HasSubstr;

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1710000000;
constexpr int64_t kYear = 31557600;

v1::Batch SmallBatch() {
  v1::Batch b;
  for (const char* id : {"c0", "c1", "c2", "c3", "c4"}) b.add_customers()->set_id(id);
  auto product = [&](const char* id, double price, double cost) {
    auto* p = b.add_products();
    p->set_id(id);
    p->set_unit_price(price);
    p->set_unit_cost(cost);
  };
  product("X", 100, 40);
  product("Y", 10, 4);
  auto channel = [&](const char* id, v1::ChannelKind kind, const char* parent, double margin,
                     double fixed, double per_unit, const char* territory) {
    auto* c = b.add_channels();
    c->set_id(id);
    c->set_kind(kind);
    c->set_parent_id(parent);
    c->set_margin(margin);
    c->set_fixed_cost_per_year(fixed);
    c->set_cost_per_unit(per_unit);
    c->set_territory(territory);
  };
  channel("P", v1::CHANNEL_KIND_PRODUCER, "", 0.2, 100, 1, "");
  channel("W", v1::CHANNEL_KIND_WHOLESALER, "P", 0.1, 100, 0.5, "");
  channel("R1", v1::CHANNEL_KIND_RETAILER, "W", 0.25, 50, 2, "T");
  channel("R2", v1::CHANNEL_KIND_RETAILER, "W", 0.2, 40, 1, "T");
  channel("D", v1::CHANNEL_KIND_DIRECT, "P", 0, 200, 3, "online");
  channel("A", v1::CHANNEL_KIND_COMMUNITY_ACTIVIST, "P", 0.05, 60, 0.5, "");
  auto sale = [&](const char* customer, int64_t day, double amount, double q, const char* p,
                  const char* ch) {
    auto* t = b.add_transactions();
    t->set_customer_id(customer);
    t->set_time_unix_seconds(kT0 + day * kDay);
    t->set_amount(amount);
    t->set_quantity(q);
    t->set_product_id(p);
    t->set_channel_id(ch);
  };
  sale("c0", 10, 100, 1, "X", "R1");
  sale("c0", 20, 20, 2, "Y", "R1");
  sale("c1", 15, 90, 1, "X", "R2");
  sale("c1", 40, 10, 1, "Y", "D");
  sale("c2", 5, 95, 1, "X", "A");
  sale("c2", 50, 0, 1, "Y", "R1");
  sale("c3", 30, 10, 0, "Y", "R2");
  sale("c4", 60, 50, 1, "", "");
  // One community around c0: everyone endorses c0, c0 replies to everyone
  // (so c0's activation reaches all of them with probability 1).
  b.add_communities()->set_id("k");
  for (const char* id : {"c0", "c1", "c2", "c3", "c4"}) {
    auto* m = b.add_memberships();
    m->set_customer_id(id);
    m->set_community_id("k");
    m->set_joined_unix_seconds(kT0);
  }
  int64_t t = kT0 + 100 * kDay;
  for (const char* id : {"c1", "c2", "c3", "c4"}) {
    for (auto [from, to, kind] : {std::tuple{id, "c0", v1::INTERACTION_KIND_ENDORSEMENT},
                                  {"c0", id, v1::INTERACTION_KIND_REPLY}}) {
      auto* i = b.add_interactions();
      i->set_from_customer_id(from);
      i->set_to_customer_id(to);
      i->set_kind(kind);
      i->set_community_id("k");
      i->set_time_unix_seconds(t += 3600);
    }
  }
  // Four referrals by c0 in the year, one converted: rate 0.25.
  for (int i = 0; i < 4; ++i) {
    auto* r = b.add_referrals();
    r->set_referrer_id("c0");
    r->set_referee_id(std::string("c") + std::to_string(i + 1));
    r->set_time_unix_seconds(kT0 + (70 + i) * kDay);
    r->set_converted(i == 0);
  }
  // An incentive for the two retailers in the second month.
  auto* c = b.add_campaigns();
  c->set_id("push");
  c->set_route(v1::CAMPAIGN_ROUTE_CHAIN);
  c->set_start_unix_seconds(kT0 + 30 * kDay);
  c->set_end_unix_seconds(kT0 + 60 * kDay);
  c->set_spend(500);
  for (const char* r : {"R1", "R2"}) {
    auto* m = b.add_campaign_members();
    m->set_campaign_id("push");
    m->set_channel_id(r);
  }
  return b;
}

class ChannelsCApi : public mitra::testing::CApiTestOn<SmallBatch> {
 protected:
  mitra_status Economics(const v1::ChannelRequest& req, v1::ChannelReport* report,
                         std::string* message = nullptr) {
    return Call(mitra_workspace_channel_economics, req, report, message);
  }
  static v1::ChannelRequest OneYear() {
    v1::ChannelRequest req;
    req.set_start_unix_seconds(kT0);
    req.set_end_unix_seconds(kT0 + kYear);
    return req;
  }
  static const v1::ChannelMember& Member(const v1::ChannelReport& r, const std::string& id) {
    for (const auto& m : r.members())
      if (m.channel_id() == id) return m;
    ADD_FAILURE() << "no member " << id;
    return r.members(0);
  }
};

TEST_F(ChannelsCApi, EconomicsEqualsTheCppDriverAndTheHandNumbers) {
  v1::ChannelRequest req = OneYear();
  req.mutable_rates()->set_per_order(2);
  req.mutable_rates()->set_per_delivery(3);
  req.mutable_rates()->set_per_return(5);
  auto* inc = req.add_incentives();
  inc->set_route(v1::CHANNEL_ROUTE_CHAIN);
  inc->set_amount(30);
  req.set_per_customer(true);
  v1::ChannelReport got;
  ASSERT_EQ(Economics(req, &got), MITRA_OK);
  v1::ChannelReport want;
  ASSERT_TRUE(mitra::channels::ChannelEconomicsMessage(cpp_, req, &want).ok());
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());

  EXPECT_DOUBLE_EQ(got.years(), 1);
  EXPECT_DOUBLE_EQ(got.sales(), 375);
  EXPECT_DOUBLE_EQ(got.unattributed_sales(), 50);
  EXPECT_DOUBLE_EQ(got.producer_revenue(), 253.25);  // 120 x 0.675 + 100 x 0.72 + 10 + 95 x 0.95
  EXPECT_DOUBLE_EQ(Member(got, "R1").margin_money(), 30);
  EXPECT_DOUBLE_EQ(Member(got, "W").margin_money(), 17);
  EXPECT_DOUBLE_EQ(Member(got, "W").tree_sales(), 220);
  EXPECT_EQ(Member(got, "W").parent_id(), "P");
  EXPECT_EQ(Member(got, "A").route(), v1::CHANNEL_ROUTE_COMMUNITY);
  EXPECT_DOUBLE_EQ(Member(got, "P").profit(), 5.25);
  ASSERT_EQ(got.routes_size(), 3);
  EXPECT_EQ(got.routes(0).route(), v1::CHANNEL_ROUTE_CHAIN);
  // Without the C++ test's purchase before the window, c3 is acquired too
  // (10 at R2): margins 32.5 + 25.2 + 2.8, incentives 30 x 200 / 220, over 3.
  EXPECT_NEAR(got.routes(0).cost_per_acquired(), (60.5 + 30.0 * 200 / 220) / 3, 1e-12);
  // Per customer, without support or handling changes: c3 has one order and
  // no delivery: 2 + handling 1 = 3.
  ASSERT_EQ(got.customers_size(), 5);
  EXPECT_EQ(got.customers(3).customer_id(), "c3");
  EXPECT_DOUBLE_EQ(got.customers(3).cost_to_serve(), 3);
  EXPECT_EQ(got.customers(0).main_channel_id(), "R1");
  // Margin stacks at the best-selling product's list price: X, 100 at R1:
  // the producer gets 100 x 0.675.
  EXPECT_EQ(got.stack_product_id(), "X");
  bool r1 = false;
  for (const auto& s : got.stacks()) {
    if (s.seller_id() != "R1") continue;
    r1 = true;
    ASSERT_EQ(s.tiers_size(), 3);
    EXPECT_EQ(s.tiers(0).channel_id(), "P");
    EXPECT_DOUBLE_EQ(s.producer_price(), 67.5);
    EXPECT_DOUBLE_EQ(s.producer_profit_per_unit(), 67.5 - 1 - 40);
  }
  EXPECT_TRUE(r1);
  // Depth 2: shares for 1, 2, 3 tiers.
  ASSERT_EQ(got.tier_profit_share_size(), 3);
  EXPECT_DOUBLE_EQ(got.tier_profit_share(1), 0.75);
  EXPECT_DOUBLE_EQ(got.tier_profit_share(2), 7.0 / 16);
  // R1 and R2 share territory T.
  ASSERT_EQ(got.conflicts().territories_size(), 1);
  EXPECT_EQ(got.conflicts().territories(0).territory(), "T");
  // The observed routes side by side; no plan, so no expected one.
  ASSERT_EQ(got.comparison_size(), 3);
  EXPECT_EQ(got.comparison(0).name(), "chain");
  EXPECT_FALSE(got.has_community());
}

TEST_F(ChannelsCApi, CommunityRouteFromAnActivationRequestAndABudgetSplit) {
  v1::ChannelRequest req = OneYear();
  v1::WorkspacePlanRequest* a = req.mutable_activation();
  a->mutable_plan()->set_k(1);
  a->mutable_plan()->set_check_runs(100);
  a->set_default_cost(100);
  req.set_budget(500);
  v1::ChannelReport got;
  ASSERT_EQ(Economics(req, &got), MITRA_OK);
  ASSERT_TRUE(got.has_community());
  const v1::ChannelCommunityRoute& c = got.community();
  ASSERT_EQ(c.seed_customer_ids_size(), 1);
  EXPECT_EQ(c.seed_customer_ids(0), "c0");
  // Reach 5 with certainty, less the seed: 4; rate 1/4 from the referrals:
  // 1 conversion for 100.
  EXPECT_DOUBLE_EQ(c.reached(), 4);
  EXPECT_TRUE(c.conversion().from_referrals());
  EXPECT_DOUBLE_EQ(c.conversion().rate(), 0.25);
  EXPECT_DOUBLE_EQ(c.conversions(), 1);
  EXPECT_DOUBLE_EQ(c.cost_per_acquired(), 100);
  // Its value: the community channel's contribution per acquired customer
  // (c2 via A: 90.25 - 40 - 1.5).
  EXPECT_DOUBLE_EQ(c.value_per_conversion(), 48.75);
  EXPECT_DOUBLE_EQ(c.expected_profit(), 48.75 - 100);
  ASSERT_EQ(got.comparison_size(), 4);
  const v1::ChannelRouteComparison& x = got.comparison(3);
  EXPECT_EQ(x.name(), "community activation");
  EXPECT_EQ(x.basis(), "expected");
  // Conversions buy like the community channel's new customer (c2): margin
  // 4.75 and A's handling 0.5 each on top of the plan's 100; worth 54
  // (95 - 40 - P's 1) before those.
  EXPECT_DOUBLE_EQ(x.cost(), 100 + 5.25);
  EXPECT_DOUBLE_EQ(x.cost_per_acquired(), 105.25);
  EXPECT_DOUBLE_EQ(x.value_per_acquired(), 54);
  EXPECT_DOUBLE_EQ(x.profit_per_acquired(), 54 - 105.25);
  // The observed community channel: cost 4.75 + 0.5 + A's fixed 60, value 54.
  EXPECT_EQ(got.comparison(2).name(), "community channel");
  EXPECT_DOUBLE_EQ(got.comparison(2).cost_per_acquired(), 65.25);
  EXPECT_DOUBLE_EQ(got.comparison(2).value_per_acquired(), 54);
  // The split: community 0 -> 100 buys 1 conversion worth 48.75 (< 1 per
  // money); the chain's calibrated curve: a = 0.5 x 2 acquired, initial slope
  // 1 / 41.8 per money at 25.15 each (< 1): neither route pays.
  ASSERT_TRUE(got.has_budget_split());
  EXPECT_FALSE(got.budget_split().binding());
  EXPECT_DOUBLE_EQ(got.budget_split().spent(), 0);
  ASSERT_EQ(got.budget_split().routes_size(), 2);
  EXPECT_EQ(got.budget_split().routes(0).name(), "chain");
  EXPECT_EQ(got.budget_split().routes(1).name(), "community");
  // Both responses are assumed, and say which constants they rest on.
  EXPECT_EQ(got.budget_split().routes(0).basis().kind(), v1::MONEY_BASIS_KIND_ASSUMED);
  EXPECT_THAT(got.budget_split().routes(0).basis().source(),
              HasSubstr("chain_saturation = 0.5 (request.chain_saturation)"));
  EXPECT_EQ(got.budget_split().routes(1).basis().kind(), v1::MONEY_BASIS_KIND_ASSUMED);
  EXPECT_THAT(got.budget_split().routes(1).basis().source(), HasSubstr("diffusion x conversion"));
  EXPECT_FALSE(got.budget_split().has_ranking_probability());
  // Campaign curves asked for, but the one campaign gives none: the assumed
  // split stays, with a note, and the campaign report comes along.
  v1::ChannelRequest with_campaigns = req;
  with_campaigns.mutable_campaign_effects()->set_draws(20);
  v1::ChannelReport assumed;
  ASSERT_EQ(Economics(with_campaigns, &assumed), MITRA_OK);
  EXPECT_EQ(assumed.campaign_effects().campaigns_size(), 1);
  EXPECT_EQ(assumed.budget_split().routes(0).basis().kind(), v1::MONEY_BASIS_KIND_ASSUMED);
  EXPECT_THAT(assumed.notes(), ::testing::Contains(HasSubstr("campaign curves were asked for")));
  // With a higher value per conversion the community route takes its 100.
  req.set_value_per_conversion(300);
  ASSERT_EQ(Economics(req, &got), MITRA_OK);
  EXPECT_DOUBLE_EQ(got.budget_split().routes(1).spend(), 100);
  EXPECT_DOUBLE_EQ(got.budget_split().expected_profit(), 200);
  // Given rate.
  req.set_conversion_rate(0.5);
  ASSERT_EQ(Economics(req, &got), MITRA_OK);
  EXPECT_DOUBLE_EQ(got.community().conversions(), 2);
  EXPECT_FALSE(got.community().conversion().from_referrals());
  // The plan passed back in gives the same route.
  v1::ChannelRequest again = OneYear();
  *again.mutable_plan() = got.community().plan();
  again.set_conversion_rate(0.5);
  v1::ChannelReport same;
  ASSERT_EQ(Economics(again, &same), MITRA_OK);
  EXPECT_DOUBLE_EQ(same.community().conversions(), 2);
  EXPECT_EQ(same.community().seed_customer_ids(0), "c0");
}

TEST_F(ChannelsCApi, CampaignEffectsEqualTheCppDriver) {
  v1::CampaignEffectsRequest req;
  req.set_start_unix_seconds(kT0);
  req.set_period_seconds(10 * kDay);
  req.set_draws(20);
  v1::CampaignEffectsReport got, want;
  ASSERT_EQ(Call(mitra_workspace_campaign_effects, req, &got), MITRA_OK);
  mitra::Workspace ws;
  ASSERT_TRUE(ws.Ingest(SmallBatch()).ok());
  ASSERT_TRUE(mitra::channels::CampaignEffectsMessage(ws, req, &want).ok());
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());
  // W is the only unit left to compare R1 and R2 with, and its baseline
  // level lies outside theirs widened twofold (common support): no
  // comparison unit, a note, not an error.
  ASSERT_EQ(got.campaigns_size(), 1);
  EXPECT_EQ(got.periods(), 6u);
  EXPECT_EQ(got.campaigns(0).members(), 2u);
  EXPECT_FALSE(got.campaigns(0).estimated());
  EXPECT_THAT(got.campaigns(0).note(), HasSubstr("has 2 and 0"));
  std::string message;
  req.set_draws(0);
  EXPECT_EQ(Call(mitra_workspace_campaign_effects, req, &got, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.draws: must be 1..1000000, got 0"));
}

TEST_F(ChannelsCApi, BudgetSplitAndDoubleMarginalisation) {
  // tests/channels/budget_split_test.cc, PiecewiseLinearByHand, B = 180.
  v1::BudgetRequest req;
  req.set_budget(180);
  auto* r0 = req.add_routes();
  r0->set_name("community");
  r0->set_value_per_conversion(20);
  for (auto [x, y] : {std::pair{100.0, 10.0}, {200, 16}, {300, 19}}) {
    r0->mutable_response()->mutable_points()->add_spend(x);
    r0->mutable_response()->mutable_points()->add_response(y);
  }
  auto* r1 = req.add_routes();
  r1->set_name("chain");
  r1->set_value_per_conversion(40);
  for (auto [x, y] : {std::pair{150.0, 6.0}, {400, 10}}) {
    r1->mutable_response()->mutable_points()->add_spend(x);
    r1->mutable_response()->mutable_points()->add_response(y);
  }
  v1::BudgetSplit got;
  ASSERT_EQ(Call(mitra_channels_budget_split, req, &got), MITRA_OK);
  EXPECT_NEAR(got.routes(0).spend(), 100, 1e-9);
  EXPECT_NEAR(got.routes(1).spend(), 80, 1e-9);
  EXPECT_DOUBLE_EQ(got.multiplier(), 1.6);
  EXPECT_NEAR(got.expected_profit(), 148, 1e-9);
  EXPECT_TRUE(got.binding());

  v1::LinearDemandRequest d;
  d.set_a(100);
  d.set_b(2);
  d.set_c(10);
  d.set_max_tiers(3);
  v1::DoubleMarginalisation dm;
  ASSERT_EQ(Call(mitra_channels_double_marginalisation, d, &dm), MITRA_OK);
  EXPECT_DOUBLE_EQ(dm.integrated().price(), 30);
  ASSERT_EQ(dm.chains_size(), 3);
  EXPECT_DOUBLE_EQ(dm.chains(1).market().price(), 40);  // (3a/b + c)/4
  EXPECT_DOUBLE_EQ(dm.chains(1).profit_share(), 0.75);
  EXPECT_DOUBLE_EQ(dm.chains(2).market().price(), 45);
}

TEST_F(ChannelsCApi, ErrorsNameTheFieldAndChangeNothing) {
  std::string message;
  v1::ChannelReport report;
  v1::ChannelRequest req = OneYear();
  req.mutable_rates()->set_per_order(-1);
  EXPECT_EQ(Economics(req, &report, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.rates.per_order: must be finite and >= 0, got -1"));
  req = OneYear();
  req.set_product_id("nope");
  EXPECT_EQ(Economics(req, &report, &message), MITRA_NOT_FOUND);
  EXPECT_THAT(message, HasSubstr("request.product_id: unknown product id \"nope\""));
  req = OneYear();
  req.set_end_unix_seconds(kT0);
  EXPECT_EQ(Economics(req, &report, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.end_unix_seconds"));
  req = OneYear();
  req.set_undercut_threshold(NAN);
  EXPECT_EQ(Economics(req, &report, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.undercut_threshold"));
  req = OneYear();
  req.mutable_activation()->mutable_plan()->set_epsilon(2);
  EXPECT_EQ(Economics(req, &report, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.activation.plan.epsilon"));
  req = OneYear();
  req.mutable_plan()->mutable_plan()->add_seeds(99);
  req.mutable_plan()->mutable_plan()->add_costs(1);
  req.mutable_plan()->mutable_plan()->add_marginal_gains(1);
  EXPECT_EQ(Economics(req, &report, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.plan.plan.seeds[0]: customer 99 out of range"));
  req.mutable_activation();
  EXPECT_EQ(Economics(req, &report, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("not both"));
  req = OneYear();
  req.mutable_demand()->set_a(1);
  EXPECT_EQ(Economics(req, &report, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.demand.b"));
  auto* inc = req.add_incentives();
  req.clear_demand();
  inc->set_amount(1);
  EXPECT_EQ(Economics(req, &report, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.incentives[0].route"));

  v1::BudgetRequest b;
  b.set_budget(10);
  b.add_routes()->set_value_per_conversion(1);
  v1::BudgetSplit split;
  EXPECT_EQ(Call(mitra_channels_budget_split, b, &split, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.routes[0].response: required"));
  b.mutable_routes(0)->mutable_response()->mutable_exponential()->set_a(-1);
  EXPECT_EQ(Call(mitra_channels_budget_split, b, &split, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.routes[0].response.exponential.a"));
  b.mutable_routes(0)->mutable_response()->mutable_points()->add_spend(5);
  EXPECT_EQ(Call(mitra_channels_budget_split, b, &split, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.routes[0].response.points.response"));
  v1::LinearDemandRequest d;
  v1::DoubleMarginalisation dm;
  EXPECT_EQ(Call(mitra_channels_double_marginalisation, d, &dm, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.a"));

  // Malformed bytes, NULL out-parameters and a NULL workspace.
  ExpectBadArgumentsRefused<v1::ChannelRequest>(mitra_workspace_channel_economics);
  const uint8_t junk[] = {0xff, 0xff, 0xff};
  uint8_t* out = nullptr;
  size_t n = 0;
  EXPECT_EQ(mitra_channels_budget_split(junk, sizeof junk, &out, &n, nullptr),
            MITRA_INVALID_ARGUMENT);
  EXPECT_EQ(mitra_channels_budget_split(nullptr, 0, nullptr, &n, nullptr), MITRA_INVALID_ARGUMENT);
  EXPECT_EQ(out, nullptr);
}

}  // namespace
