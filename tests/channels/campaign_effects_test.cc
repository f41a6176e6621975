#include "mitra/channels/campaign_effects.h"

#include <cmath>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace mitra::channels {
namespace {

using ::testing::HasSubstr;

// 4 units x 3 periods; units 0 and 1 treated in periods 1 and 2.
// Differences (during - before): treated 3 and 4, comparison 1 and 2.
OutcomePanel Tiny() {
  return {4, 3, {1, 3, 5, /**/ 2, 6, 6, /**/ 1, 2, 2, /**/ 3, 5, 5}};
}

Campaign TinyCampaign() {
  Campaign c;
  c.id = "spring";
  c.start = 1;
  c.end = 3;
  c.spend = 100;
  c.treated = {0, 1};
  return c;
}

TEST(CampaignEffects, DifferenceInDifferencesByHand) {
  auto r = EstimateCampaignEffects(Tiny(), {TinyCampaign()}, {});
  ASSERT_TRUE(r.ok()) << r.status();
  const CampaignEffect& e = (*r)[0];
  // (3 + 4) / 2 - (1 + 2) / 2 = 2; variances 0.5 each over 2 units.
  EXPECT_DOUBLE_EQ(e.effect, 2.0);
  EXPECT_DOUBLE_EQ(e.std_error, std::sqrt(0.5));
  // Welch: (0.25 + 0.25)^2 / (0.25^2 / 1 + 0.25^2 / 1) = 2 degrees of freedom;
  // t(0.975, 2) = 4.302652729911275 (tables).
  EXPECT_NEAR(e.degrees_of_freedom, 2.0, 1e-12);
  EXPECT_NEAR(e.ci_low, 2 - 4.302652729911275 * std::sqrt(0.5), 1e-6);
  EXPECT_NEAR(e.ci_high, 2 + 4.302652729911275 * std::sqrt(0.5), 1e-6);
  EXPECT_EQ(e.treated_units, 2u);
  EXPECT_EQ(e.comparison_units, 2u);
  EXPECT_EQ(e.periods, 2u);
  // 2 per unit and period x 2 units x 2 periods.
  EXPECT_DOUBLE_EQ(e.total, 8.0);
  EXPECT_DOUBLE_EQ(e.return_per_spend, 0.08);
}

// Tiny() and two more units. Unit 4: never observed before the campaign;
// unit 5: in another campaign (OtherCampaign) at the same time, with a
// large jump that must not count.
OutcomePanel TinyAndTwoMore() {
  OutcomePanel p = Tiny();
  p.units = 6;
  p.values.insert(p.values.end(), {NAN, 100, 100, /**/ 0, 50, 50});
  return p;
}

Campaign OtherCampaign() {
  Campaign other = TinyCampaign();
  other.id = "other";
  other.treated = {5};
  return other;
}

TEST(CampaignEffects, UnitsWithoutDataAndUnitsTreatedElsewhereAreLeftOut) {
  const OutcomePanel p = TinyAndTwoMore();
  const Campaign other = OtherCampaign();
  Campaign c = TinyCampaign();
  auto r = EstimateCampaignEffects(p, {c, other}, {});
  ASSERT_FALSE(r.ok());  // `other` has one treated unit
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("campaigns[1]: needs two treated"));
  // Without the other campaign unit 5 compares again (unit 4 still has no
  // baseline). Windows: baseline [0, 1), campaign [1, 2).
  CampaignEffectOptions o;
  o.baseline_periods = 1;
  c.end = 2;
  r = EstimateCampaignEffects(p, {c}, o);
  ASSERT_TRUE(r.ok()) << r.status();
  // Differences: treated 2, 4; comparison 1, 2, 50.
  EXPECT_EQ((*r)[0].comparison_units, 3u);
  EXPECT_DOUBLE_EQ((*r)[0].effect, 3.0 - 53.0 / 3);
}

TEST(CampaignEffects, UnmeasurableCampaignsAreNotedWhenAskedAndEarlierTreatedUnitsLeftOut) {
  const OutcomePanel p = TinyAndTwoMore();
  const Campaign other = OtherCampaign();
  CampaignEffectOptions o;
  o.skip_unmeasurable = true;
  auto r = EstimateCampaignEffects(p, {TinyCampaign(), other}, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE((*r)[0].estimated);
  EXPECT_DOUBLE_EQ((*r)[0].effect, 2.0);  // as by hand: unit 5 is left out
  EXPECT_FALSE((*r)[1].estimated);
  EXPECT_EQ((*r)[1].treated_units, 1u);
  EXPECT_THAT((*r)[1].note, HasSubstr("needs two treated and two comparison units"));
  // A campaign that ended before this one's baseline: its unit compares by
  // default, and not when comparison units must never have been treated.
  // `late` treats units 0 and 1 in [3, 4) after a baseline [2, 3);
  // `earlier` treated unit 5 in [1, 2). Differences: treated 2, 4;
  // untreated 1, 2, 0; unit 5: 90.
  const OutcomePanel q{6, 4, {0, 0, 1, 3, /**/ 0, 0, 2, 6, /**/ 0, 0, 1, 2,
                              /**/ 0, 0, 3, 5, /**/ 0, 0, 5, 5, /**/ 0, 9, 9, 99}};
  Campaign late = TinyCampaign();
  late.start = 3;
  late.end = 4;
  Campaign earlier = other;
  earlier.start = 1;
  earlier.end = 2;
  o.baseline_periods = 1;
  r = EstimateCampaignEffects(q, {late, earlier}, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0].comparison_units, 4u);
  EXPECT_DOUBLE_EQ((*r)[0].effect, 3 - (1 + 2 + 0 + 90) / 4.0);
  o.never_treated_comparison = true;
  r = EstimateCampaignEffects(q, {late, earlier}, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0].comparison_units, 3u);
  EXPECT_DOUBLE_EQ((*r)[0].effect, 3 - 1.0);
}

// Planted truth: units differ in level (and the treated ones are chosen
// among the high ones), periods share a season, and each unit's noise is
// serially correlated (AR(1), rho 0.6): DiD is unbiased and its interval,
// clustered by unit, covers the planted effect about 95% of the time.
TEST(CampaignEffects, RecoversAPlantedEffectWithNominalCoverage) {
  constexpr double kEffect = 0.5;
  constexpr int kReps = 400;
  const uint32_t units = 200, periods = 12;
  std::mt19937_64 gen(7);
  std::normal_distribution<double> z(0, 1);
  int covered = 0;
  double mean = 0, naive = 0;
  for (int rep = 0; rep < kReps; ++rep) {
    OutcomePanel p{units, periods, std::vector<double>(units * periods)};
    Campaign c;
    c.start = 6;
    c.end = 10;
    c.spend = 1000;
    for (uint32_t u = 0; u < units; ++u) {
      const bool treated = u < 50;
      if (treated) c.treated.push_back(u);
      const double level = 2 * z(gen) + (treated ? 3 : 0);
      double noise = z(gen);
      for (uint32_t t = 0; t < periods; ++t) {
        noise = 0.6 * noise + 0.8 * z(gen);
        const double season = std::sin(t * 0.7);
        const double lift = treated && t >= c.start && t < c.end ? kEffect : 0;
        p.values[u * periods + t] = level + season + lift + noise;
      }
    }
    auto r = EstimateCampaignEffects(p, {c}, {});
    ASSERT_TRUE(r.ok()) << r.status();
    const CampaignEffect& e = (*r)[0];
    covered += e.ci_low <= kEffect && kEffect <= e.ci_high;
    mean += e.effect / kReps;
    // What comparing levels during the campaign would say: about 3.5.
    double t_sum = 0, c_sum = 0;
    for (uint32_t u = 0; u < units; ++u)
      for (uint32_t t = c.start; t < c.end; ++t)
        (u < 50 ? t_sum : c_sum) += p.values[u * periods + t];
    naive += (t_sum / (50 * 4) - c_sum / (150 * 4)) / kReps;
  }
  std::printf("coverage %.3f, mean effect %.4f (planted %.2f), naive %.3f\n",
              static_cast<double>(covered) / kReps, mean, kEffect, naive);
  EXPECT_NEAR(mean, kEffect, 0.02);
  EXPECT_GE(covered, 0.92 * kReps);
  EXPECT_LE(covered, 0.98 * kReps);
  EXPECT_GT(naive, 3.0);
}

std::vector<Campaign> Campaigns(CampaignRoute route, const std::vector<double>& spends) {
  std::vector<Campaign> out;
  for (double x : spends) {
    Campaign c;
    c.route = route;
    c.spend = x;
    out.push_back(c);
  }
  return out;
}

std::vector<CampaignEffect> Totals(const std::vector<double>& totals, double std_error) {
  std::vector<CampaignEffect> out;
  for (double y : totals) {
    CampaignEffect e;
    e.total = y;
    e.total_std_error = std_error;
    out.push_back(e);
  }
  return out;
}

double Saturating(double a, double b, double x) { return a * -std::expm1(-b * x); }

TEST(RouteCurve, RecoversExactCurveFromExactTotals) {
  const std::vector<double> spends = {100, 300, 600, 1200, 2500};
  std::vector<double> totals;
  for (double x : spends) totals.push_back(Saturating(1000, 0.002, x));
  RouteCurveOptions o;
  o.draws = 50;
  auto c = FitRouteCurve(Campaigns(CampaignRoute::kCommunity, spends), Totals(totals, 0), CampaignRoute::kCommunity,
                         o);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_NEAR(c->a, 1000, 1e-3);
  EXPECT_NEAR(c->b, 0.002, 1e-8);
  EXPECT_TRUE(c->saturation_identified);
  EXPECT_EQ(c->campaigns, 5u);
  // Without spread every draw is the fit itself.
  EXPECT_NEAR(c->a_low, 1000, 1e-3);
  EXPECT_NEAR(c->a_high, 1000, 1e-3);
}

TEST(RouteCurve, BootstrapIntervalCoversThePlantedCurve) {
  const std::vector<double> spends = {100, 300, 600, 1200, 2500};
  std::mt19937_64 gen(11);
  std::normal_distribution<double> z(0, 1);
  constexpr int kReps = 100;
  constexpr double kSd = 40;
  int covered_a = 0, covered_value = 0;
  for (int rep = 0; rep < kReps; ++rep) {
    std::vector<double> totals;
    for (double x : spends) totals.push_back(Saturating(1000, 0.002, x) + kSd * z(gen));
    RouteCurveOptions o;
    o.draws = 300;
    o.seed = rep + 1;
    auto c = FitRouteCurve(Campaigns(CampaignRoute::kChain, spends), Totals(totals, kSd), CampaignRoute::kChain,
                           o);
    ASSERT_TRUE(c.ok()) << c.status();
    covered_a += c->a_low <= 1000 && 1000 <= c->a_high;
    // The response at 800 from the draws' 2.5% and 97.5% points.
    std::vector<double> at;
    for (size_t d = 0; d < c->draw_a.size(); ++d)
      at.push_back(Saturating(c->draw_a[d], c->draw_b[d], 800));
    std::sort(at.begin(), at.end());
    const double truth = Saturating(1000, 0.002, 800);
    covered_value += at[7] <= truth && truth <= at[292];
  }
  std::printf("coverage of a %.2f, of the response at 800 %.2f\n",
              static_cast<double>(covered_a) / kReps, static_cast<double>(covered_value) / kReps);
  EXPECT_GE(covered_a, 85);
  EXPECT_GE(covered_value, 88);
  EXPECT_LE(covered_value, 100);
}

TEST(RouteCurve, RankingProbabilityFollowsTheEvidence) {
  const std::vector<double> spends = {200, 800, 2000};
  std::vector<double> strong, weak;
  for (double x : spends) {
    strong.push_back(Saturating(1000, 0.002, x));
    weak.push_back(Saturating(400, 0.002, x));
  }
  std::vector<Campaign> campaigns = Campaigns(CampaignRoute::kCommunity, spends);
  for (Campaign& c : Campaigns(CampaignRoute::kChain, spends)) campaigns.push_back(c);
  std::vector<CampaignEffect> effects = Totals(strong, 40);
  for (CampaignEffect& e : Totals(weak, 40)) effects.push_back(e);
  RouteCurveOptions o;
  o.draws = 1000;
  auto community = FitRouteCurve(campaigns, effects, CampaignRoute::kCommunity, o);
  auto chain = FitRouteCurve(campaigns, effects, CampaignRoute::kChain, o);
  ASSERT_TRUE(community.ok() && chain.ok());
  auto p = ProbabilityFirstReturnsMore(*community, *chain, 1000);
  ASSERT_TRUE(p.ok());
  EXPECT_GT(*p, 0.99);
  // The same evidence for both routes: a coin toss.
  effects = Totals(strong, 40);
  for (CampaignEffect& e : Totals(strong, 40)) effects.push_back(e);
  community = FitRouteCurve(campaigns, effects, CampaignRoute::kCommunity, o);
  chain = FitRouteCurve(campaigns, effects, CampaignRoute::kChain, o);
  p = ProbabilityFirstReturnsMore(*community, *chain, 1000);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(*p, 0.5, 0.06);
  // Reproducible for a seed.
  auto again = FitRouteCurve(campaigns, effects, CampaignRoute::kChain, o);
  EXPECT_EQ(again->draw_a, chain->draw_a);
}

TEST(CampaignEffects, BadInputNamesTheField) {
  CampaignEffectOptions o;
  o.names = FieldPath("request");
  Campaign c = TinyCampaign();
  c.treated = {0, 9};
  EXPECT_EQ(EstimateCampaignEffects(Tiny(), {c}, o).status().message(),
            "request.campaigns[0].treated[1]: unit 9 out of range (4 units)");
  c.treated = {1, 1};
  EXPECT_THAT(EstimateCampaignEffects(Tiny(), {c}, o).status().message(),
              HasSubstr("request.campaigns[0].treated[1]: unit 1 listed twice"));
  c = TinyCampaign();
  c.start = 0;
  EXPECT_THAT(EstimateCampaignEffects(Tiny(), {c}, {}).status().message(),
              HasSubstr("campaigns[0].start: must be >= 1"));
  c = TinyCampaign();
  c.end = 4;
  EXPECT_THAT(EstimateCampaignEffects(Tiny(), {c}, {}).status().message(),
              HasSubstr("campaigns[0].end: must be <= the panel's periods (3), got 4"));
  c = TinyCampaign();
  c.spend = NAN;
  EXPECT_THAT(EstimateCampaignEffects(Tiny(), {c}, {}).status().message(),
              HasSubstr("campaigns[0].spend"));
  OutcomePanel p = Tiny();
  p.values[5] = INFINITY;
  EXPECT_THAT(EstimateCampaignEffects(p, {TinyCampaign()}, {}).status().message(),
              HasSubstr("panel.values[5]"));
  p.values.pop_back();
  EXPECT_THAT(EstimateCampaignEffects(p, {TinyCampaign()}, {}).status().message(),
              HasSubstr("panel.values: 11 values, but units x periods is 12"));
  o.confidence = 1;
  EXPECT_THAT(EstimateCampaignEffects(Tiny(), {TinyCampaign()}, o).status().message(),
              HasSubstr("request.confidence: must be in (0, 1), got 1"));

  RouteCurveOptions ro;
  ro.draws = 0;
  EXPECT_THAT(FitRouteCurve({}, {}, CampaignRoute::kChain, ro).status().message(),
              HasSubstr("draws: must be 1..1000000, got 0"));
  ro.draws = 10;
  auto one = FitRouteCurve(Campaigns(CampaignRoute::kChain, {100, 100}), Totals({5, 6}, 1), CampaignRoute::kChain,
                           ro);
  EXPECT_EQ(one.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(one.status().message(), HasSubstr("chain route's campaigns have one distinct spend"));
}

}  // namespace
}  // namespace mitra::channels
