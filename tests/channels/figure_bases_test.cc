// Where the channel report's figures come from, on tiny hand-made
// workspaces: every observed figure GIVEN when the host set every input,
// ASSUMED naming each default and how much of the input it stood in for
// otherwise; the expected "community activation" column and the community
// route ESTIMATED with the intervals worked out by hand below.
//
//   member  kind        parent  margin  fixed/yr  cost/unit
//   P       producer    -       0       100       1
//   R       retailer    P       0.20    50        0.5
//   S       retailer    P       0.25    40        0.5
//   A       activist    P       0.10    10        0.2
// Products X (cost 40), Y (cost 4). Sales: c0 100 X at R, c1 100 X at S,
// c2 50 Y at A (the community channel's one acquired customer), c3 10 Y
// (2 units) at R.
#include <cmath>
#include <string>

#include "channels/community_bases.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/channels/messages.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/batch.pb.h"

namespace mitra::channels {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kT0 = 1704067200;  // 2024-01-01
constexpr int64_t kDay = 86400;

void AddChannel(v1::Batch& b, const std::string& id, v1::ChannelKind kind,
                const std::string& parent, double margin, double fixed, double per_unit) {
  v1::Channel* c = b.add_channels();
  c->set_id(id);
  c->set_kind(kind);
  c->set_parent_id(parent);
  c->set_margin(margin);
  c->set_fixed_cost_per_year(fixed);
  c->set_cost_per_unit(per_unit);
}

void AddSale(v1::Batch& b, const std::string& customer, int day, double amount, double quantity,
             const std::string& product, const std::string& channel) {
  v1::Transaction* t = b.add_transactions();
  t->set_customer_id(customer);
  t->set_time_unix_seconds(kT0 + day * kDay);
  t->set_amount(amount);
  t->set_quantity(quantity);
  t->set_product_id(product);
  t->set_channel_id(channel);
}

// The chain above, every record complete. `complete` false: S without a
// margin, A without a fixed cost, Y without a unit cost, c3's sale
// without a quantity and one more sale without a product.
v1::Batch HandBatch(bool complete) {
  v1::Batch b;
  AddChannel(b, "P", v1::CHANNEL_KIND_PRODUCER, "", 0, 100, 1);
  AddChannel(b, "R", v1::CHANNEL_KIND_RETAILER, "P", 0.2, 50, 0.5);
  AddChannel(b, "S", v1::CHANNEL_KIND_RETAILER, "P", complete ? 0.25 : 0, 40, 0.5);
  AddChannel(b, "A", v1::CHANNEL_KIND_COMMUNITY_ACTIVIST, "P", 0.1, complete ? 10 : 0, 0.2);
  v1::Product* x = b.add_products();
  x->set_id("X");
  x->set_unit_price(100);
  x->set_unit_cost(40);
  v1::Product* y = b.add_products();
  y->set_id("Y");
  y->set_unit_price(10);
  y->set_unit_cost(complete ? 4 : 0);
  for (int c = 0; c < 4; ++c) b.add_customers()->set_id("c" + std::to_string(c));
  b.add_communities()->set_id("k1");
  AddSale(b, "c0", 1, 100, 1, "X", "R");
  AddSale(b, "c1", 2, 100, 1, "X", "S");
  AddSale(b, "c2", 3, 50, 1, "Y", "A");
  AddSale(b, "c3", 4, 10, complete ? 2 : 0, "Y", "R");
  if (!complete) AddSale(b, "c0", 5, 20, 1, "", "R");
  return b;
}

// The two workspaces, made once (a Workspace is not copied).
const Workspace& HandWorkspace(bool complete) {
  static const Workspace* ws[2] = {nullptr, nullptr};
  if (ws[complete] == nullptr) {
    auto* w = new Workspace;
    const absl::Status s = w->Ingest(HandBatch(complete));
    EXPECT_TRUE(s.ok()) << s;
    ws[complete] = w;
  }
  return *ws[complete];
}

// Every rate and incentive set.
v1::ChannelRequest FullRequest() {
  v1::ChannelRequest r;
  v1::ChannelActivityRates* rates = r.mutable_rates();
  rates->set_per_order(2);
  rates->set_per_delivery(3);
  rates->set_per_return(5);
  rates->set_per_support_contact(1);
  rates->add_support_kinds(v1::INTERACTION_KIND_MESSAGE);
  for (v1::ChannelRoute route :
       {v1::CHANNEL_ROUTE_CHAIN, v1::CHANNEL_ROUTE_DIRECT, v1::CHANNEL_ROUTE_COMMUNITY}) {
    v1::ChannelRouteIncentive* i = r.add_incentives();
    i->set_route(route);
    i->set_amount(10);
  }
  return r;
}

// A plan by hand: one seed costing 10, reach 21 (11 to 31) with the seed.
void AddPlan(v1::ChannelRequest& r) {
  v1::Plan* p = r.mutable_plan()->mutable_plan();
  p->add_seeds(0);
  p->add_costs(10);
  p->add_marginal_gains(5);
  p->set_total_cost(10);
  p->mutable_check()->set_mean(21);
  p->mutable_check()->set_ci_low(11);
  p->mutable_check()->set_ci_high(31);
}

v1::ChannelReport Report(const Workspace& ws, const v1::ChannelRequest& r) {
  v1::ChannelReport report;
  const absl::Status s = ChannelEconomicsMessage(ws, r, &report);
  EXPECT_TRUE(s.ok()) << s;
  return report;
}

const v1::ChannelRouteComparison* Column(const v1::ChannelReport& r, const std::string& name) {
  for (const v1::ChannelRouteComparison& x : r.comparison())
    if (x.name() == name) return &x;
  return nullptr;
}

TEST(FigureBases, GivenWhenTheHostSetEveryInput) {
  const v1::ChannelReport r = Report(HandWorkspace(true), FullRequest());
  const v1::ChannelFigureBases& b = r.bases();
  for (const v1::MoneyBasis* x :
       {&b.sales(), &b.producer_revenue(), &b.margins_conceded(), &b.goods_cost(),
        &b.handling_cost(), &b.fixed_cost(), &b.incentives(), &b.cost_to_serve(), &b.profit(),
        &b.contribution(), &b.acquisition_cost(), &b.value_per_acquired(),
        &b.contribution_per_acquired(), &b.net()}) {
    EXPECT_EQ(x->kind(), v1::MONEY_BASIS_KIND_GIVEN) << x->source();
    EXPECT_FALSE(x->has_low());
  }
  EXPECT_EQ(b.sales().source(), "Transaction.amount of the 4 transactions in the window");
  // R and S are the independent members; A is the producer's own.
  EXPECT_THAT(b.margins_conceded().source(), HasSubstr("Channel.margin of the 2 independent"));
  EXPECT_THAT(b.cost_to_serve().source(),
              HasSubstr("ChannelRequest.rates (per_order = 2, per_delivery = 3, per_return = 5, "
                        "per_support_contact = 1)"));
  EXPECT_EQ(b.incentives().source(), "ChannelRequest.incentives (chain, direct, community)");
  // The observed columns carry the report's bases.
  const v1::ChannelRouteComparison* chain = Column(r, "chain");
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->cost_per_acquired_basis().kind(), v1::MONEY_BASIS_KIND_GIVEN);
  EXPECT_EQ(chain->cost_per_acquired_basis().source(), b.acquisition_cost().source());
  EXPECT_EQ(chain->value_per_acquired_basis().source(), b.value_per_acquired().source());
  EXPECT_EQ(chain->profit_per_acquired_basis().kind(), v1::MONEY_BASIS_KIND_GIVEN);
  EXPECT_EQ(chain->basis(), "observed");
}

TEST(FigureBases, AssumedNamesEachDefaultAndHowMuchItStoodInFor) {
  v1::ChannelRequest request = FullRequest();
  request.mutable_rates()->clear_per_order();
  request.mutable_incentives()->DeleteSubrange(1, 1);  // direct
  const v1::ChannelReport r = Report(HandWorkspace(false), request);
  const v1::ChannelFigureBases& b = r.bases();
  EXPECT_EQ(b.sales().kind(), v1::MONEY_BASIS_KIND_GIVEN);
  EXPECT_EQ(b.margins_conceded().kind(), v1::MONEY_BASIS_KIND_ASSUMED);
  EXPECT_EQ(b.margins_conceded().source(),
            "1 of 2 independent members that sold has no margin; 0 assumed (Channel.margin)");
  EXPECT_EQ(b.producer_revenue().kind(), v1::MONEY_BASIS_KIND_ASSUMED);
  EXPECT_EQ(b.fixed_cost().source(),
            "1 of 4 members has no fixed_cost_per_year; 0 assumed (Channel.fixed_cost_per_year)");
  EXPECT_EQ(b.goods_cost().kind(), v1::MONEY_BASIS_KIND_ASSUMED);
  EXPECT_THAT(b.goods_cost().source(),
              HasSubstr("1 of 5 transactions has no product_id; goods 0 assumed"));
  EXPECT_THAT(b.goods_cost().source(),
              HasSubstr("1 of 2 products sold has no unit_cost; 0 assumed (Product.unit_cost)"));
  EXPECT_THAT(b.goods_cost().source(),
              HasSubstr("1 of 5 transactions has no quantity; 1 unit assumed"));
  // Every member has a per-unit cost; only the units were defaulted.
  EXPECT_EQ(b.handling_cost().source(),
            "1 of 5 transactions has no quantity; 1 unit assumed (Transaction.quantity)");
  EXPECT_EQ(b.incentives().source(), "incentives = 0 for direct (ChannelRequest.incentives)");
  EXPECT_THAT(b.cost_to_serve().source(),
              HasSubstr("per_order = 0 (ChannelRequest.rates.per_order)"));
  EXPECT_THAT(b.cost_to_serve().source(), Not(HasSubstr("per_delivery")));
  // A figure computed from defaulted inputs names each default once.
  const std::string& c = b.contribution().source();
  EXPECT_EQ(b.contribution().kind(), v1::MONEY_BASIS_KIND_ASSUMED);
  for (const char* part : {"Channel.margin", "Channel.fixed_cost_per_year", "Product.unit_cost",
                           "incentives = 0 for direct"})
    EXPECT_THAT(c, HasSubstr(part));
  const std::string units = "1 unit assumed";
  EXPECT_EQ(c.find(units), c.rfind(units));
  EXPECT_EQ(Column(r, "chain")->cost_basis().kind(), v1::MONEY_BASIS_KIND_ASSUMED);
}

// The expected column by hand. Reached = 21 - the seed = 20 (10 to 30);
// conversions at the given rate 0.5: 10 (5 to 15). They are expected to
// buy like the community channel's one new customer: margins 50 x 0.1 = 5
// and A's handling 0.2, a variable cost of 5.2 each. Cost = 10 + 5.2
// conversions: 36 to 88; per acquired 10 / conversions + 5.2: 10/15 + 5.2
// to 10/5 + 5.2; value 30 + 5.2 = 35.2; profit 35.2 - those.
TEST(FigureBases, ExpectedColumnIntervalsFollowFromTheConversions) {
  v1::ChannelRequest request = FullRequest();
  AddPlan(request);
  request.set_conversion_rate(0.5);
  request.set_value_per_conversion(30);
  const v1::ChannelReport r = Report(HandWorkspace(true), request);
  const v1::ChannelRouteComparison* x = Column(r, "community activation");
  ASSERT_NE(x, nullptr);
  EXPECT_DOUBLE_EQ(x->acquired_low(), 5);
  EXPECT_DOUBLE_EQ(x->acquired_high(), 15);
  EXPECT_EQ(x->cost_basis().kind(), v1::MONEY_BASIS_KIND_ESTIMATED);
  EXPECT_NEAR(x->cost_basis().low(), 36, 1e-9);
  EXPECT_NEAR(x->cost_basis().high(), 88, 1e-9);
  EXPECT_EQ(x->cost_basis().confidence(), 0.95);
  const v1::MoneyBasis& cpa = x->cost_per_acquired_basis();
  EXPECT_EQ(cpa.kind(), v1::MONEY_BASIS_KIND_ESTIMATED);
  EXPECT_NEAR(cpa.low(), 10.0 / 15 + 5.2, 1e-9);
  EXPECT_NEAR(cpa.high(), 10.0 / 5 + 5.2, 1e-9);
  EXPECT_DOUBLE_EQ(cpa.low(), x->cost_per_acquired_low());
  EXPECT_DOUBLE_EQ(cpa.high(), x->cost_per_acquired_high());
  EXPECT_EQ(x->value_per_acquired_basis().kind(), v1::MONEY_BASIS_KIND_GIVEN);
  EXPECT_THAT(x->value_per_acquired_basis().source(),
              HasSubstr("ChannelRequest.value_per_conversion = 30"));
  EXPECT_NEAR(x->value_per_acquired(), 35.2, 1e-9);
  const v1::MoneyBasis& profit = x->profit_per_acquired_basis();
  EXPECT_EQ(profit.kind(), v1::MONEY_BASIS_KIND_ESTIMATED);
  EXPECT_NEAR(profit.low(), 35.2 - 7.2, 1e-9);
  EXPECT_NEAR(profit.high(), 35.2 - (10.0 / 15 + 5.2), 1e-9);
  // The route itself: a plan passed in, a rate and a value given.
  const v1::ChannelCommunityRoute& m = r.community();
  EXPECT_EQ(m.cost_basis().kind(), v1::MONEY_BASIS_KIND_GIVEN);
  EXPECT_THAT(m.cost_basis().source(), HasSubstr("ChannelRequest.plan.plan.costs"));
  EXPECT_EQ(m.conversion_basis().kind(), v1::MONEY_BASIS_KIND_GIVEN);
  EXPECT_EQ(m.conversion_basis().source(), "ChannelRequest.conversion_rate = 0.5");
  EXPECT_EQ(m.value_per_conversion_basis().source(), "ChannelRequest.value_per_conversion = 30");
  EXPECT_NEAR(m.cost_per_acquired_basis().low(), 10.0 / 15, 1e-9);
  EXPECT_NEAR(m.cost_per_acquired_basis().high(), 2, 1e-9);
  EXPECT_EQ(m.expected_profit_basis().kind(), v1::MONEY_BASIS_KIND_ESTIMATED);
  EXPECT_NEAR(m.expected_profit_basis().low(), 5 * 30 - 10, 1e-9);
  EXPECT_NEAR(m.expected_profit_basis().high(), 15 * 30 - 10, 1e-9);
}

// The rate from 3 of 10 referrals converted: the Wilson interval,
// worked here from its formula; the value from the community channel.
TEST(FigureBases, RateFromReferralsIsEstimatedAndValueFromRecordsNamesTheRoute) {
  v1::Batch b = HandBatch(true);
  for (int i = 0; i < 10; ++i) {
    v1::Referral* f = b.add_referrals();
    f->set_referrer_id("c0");
    f->set_time_unix_seconds(kT0 + 2 * kDay);
    f->set_converted(i < 3);
    if (i < 3) f->set_referee_id("c1");
  }
  Workspace ws;
  ASSERT_TRUE(ws.Ingest(b).ok());
  v1::ChannelRequest request = FullRequest();
  AddPlan(request);
  const v1::ChannelReport r = Report(ws, request);
  const double z = 1.959963984540054, n = 10, p = 0.3;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  const v1::MoneyBasis& rate = r.community().conversion_basis();
  EXPECT_EQ(rate.kind(), v1::MONEY_BASIS_KIND_ESTIMATED);
  EXPECT_NEAR(rate.low(), centre - half, 1e-12);
  EXPECT_NEAR(rate.high(), centre + half, 1e-12);
  EXPECT_THAT(rate.source(), HasSubstr("3 of 10 converted"));
  const v1::MoneyBasis& value = r.community().value_per_conversion_basis();
  EXPECT_EQ(value.kind(), v1::MONEY_BASIS_KIND_GIVEN);
  EXPECT_THAT(value.source(), HasSubstr("the community channel's observed contribution"));
  // Its conversions' interval is the reach's ends times the rate's.
  const v1::MoneyBasis& profit = r.community().expected_profit_basis();
  const double v = r.community().value_per_conversion();
  EXPECT_NEAR(profit.low(), 10 * (centre - half) * v - 10, 1e-9);
  EXPECT_NEAR(profit.high(), 30 * (centre + half) * v - 10, 1e-9);
}

TEST(FigureBases, ValueFromDefaultedRecordsIsAssumed) {
  v1::ChannelRequest request = FullRequest();
  AddPlan(request);
  request.set_conversion_rate(0.5);
  const v1::ChannelReport r = Report(HandWorkspace(false), request);
  EXPECT_EQ(r.community().value_per_conversion_basis().kind(), v1::MONEY_BASIS_KIND_ASSUMED);
  EXPECT_THAT(r.community().value_per_conversion_basis().source(), HasSubstr("1 unit assumed"));
  EXPECT_EQ(Column(r, "community activation")->value_per_acquired_basis().kind(),
            v1::MONEY_BASIS_KIND_ASSUMED);
}

// The plan's cost basis is the plan's own (activation/plan.h); a plan
// without one, passed in, is given as passed.
TEST(FigureBases, PlanCostBasisIsThePlans) {
  v1::WorkspacePlan wp;
  EXPECT_EQ(PlanCostBasis(wp).kind, BasisKind::kGiven);
  EXPECT_THAT(PlanCostBasis(wp).source, HasSubstr("ChannelRequest.plan.plan.costs"));
  wp.mutable_plan()->mutable_cost_basis()->set_kind(v1::MONEY_BASIS_KIND_ASSUMED);
  wp.mutable_plan()->mutable_cost_basis()->set_source("3 seeds' costs: 3 from default_cost = 1");
  const MoneyBasis b = PlanCostBasis(wp);
  EXPECT_EQ(b.kind, BasisKind::kAssumed);
  EXPECT_EQ(b.source, "3 seeds' costs: 3 from default_cost = 1");
}

// Through the report: an activation request without default_cost leaves
// the default 1 standing in for the leader's cost; with one set, given.
TEST(FigureBases, ActivationWithoutDefaultCostIsAssumed) {
  v1::Batch b = HandBatch(true);
  for (int c = 0; c < 4; ++c) {
    v1::Membership* m = b.add_memberships();
    m->set_customer_id("c" + std::to_string(c));
    m->set_community_id("k1");
    m->set_joined_unix_seconds(kT0);
  }
  for (int c = 1; c < 4; ++c) {
    v1::Interaction* i = b.add_interactions();
    i->set_from_customer_id("c" + std::to_string(c));
    i->set_to_customer_id("c0");
    i->set_kind(v1::INTERACTION_KIND_REPLY);
    i->set_community_id("k1");
    i->set_time_unix_seconds(kT0 + 2 * kDay);
  }
  Workspace ws;
  const absl::Status s = ws.Ingest(b);
  ASSERT_TRUE(s.ok()) << s;
  v1::ChannelRequest request = FullRequest();
  request.set_conversion_rate(0.5);
  v1::WorkspacePlanRequest* a = request.mutable_activation();
  a->mutable_plan()->set_k(1);
  a->mutable_plan()->set_check_runs(100);
  v1::ChannelReport r = Report(ws, request);
  EXPECT_EQ(r.community().cost_basis().kind(), v1::MONEY_BASIS_KIND_ASSUMED);
  EXPECT_THAT(r.community().cost_basis().source(), HasSubstr("default_cost = 1"));
  // The expected column's cost names it too.
  EXPECT_THAT(Column(r, "community activation")->cost_basis().source(),
              HasSubstr("default_cost = 1"));
  a->set_default_cost(1);
  r = Report(ws, request);
  EXPECT_EQ(r.community().cost_basis().kind(), v1::MONEY_BASIS_KIND_GIVEN);
}

// The CLI's activation: the activists' spend per leader when there is one,
// else no default_cost (so the plan's default, 1, shows as assumed).
TEST(FigureBases, DefaultActivationLeavesTheCostUnsetWithoutActivistSpend) {
  const Workspace &with = HandWorkspace(true), &without = HandWorkspace(false);
  const v1::WorkspacePlanRequest a = DefaultActivation(with, v1::ChannelRequest(), 3, 0, 0, 100);
  ASSERT_TRUE(a.has_default_cost());
  // A's 10 a year over the 3 days of sales (+ 1 s), shared by 3 leaders.
  EXPECT_NEAR(a.default_cost(), 10 * (3.0 * kDay + 1) / (365.25 * kDay) / 3, 1e-12);
  EXPECT_FALSE(DefaultActivation(without, v1::ChannelRequest(), 3, 0, 0, 100).has_default_cost());
}

}  // namespace
}  // namespace mitra::channels
