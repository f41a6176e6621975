#include "mitra/ladder/referral_forecast.h"

#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ladder_tables.h"

namespace mitra::ladder {
namespace {

using ::testing::HasSubstr;
using testing::kDay;

constexpr int64_t kWeek = 7 * kDay;

// A world with planted truth. Every customer refers by BG/NBD from her
// start (rate ~ Gamma(r, alpha) per week, dropout after each referral ~
// Beta(a, b)). The first 2,000 customers' converted referrals bring named
// referees; a planted 30% of them were already buying before (a purchase
// before the referral), the rest start at the referral. Referees refer too,
// to people the data do not name. What each customer would refer in the
// year after as_of is drawn from her own latent state, to check the
// forecast against.
struct World {
  Tables t;
  int64_t as_of = 730 * kDay;
  std::vector<double> referee_value;
  double future_referrals = 0;      // drawn, all customers
  int referees = 0, already_active = 0;
};

std::unique_ptr<World> Simulate(uint64_t seed) {
  constexpr double r = 0.5, alpha = 20, a = 0.8, b = 4;
  constexpr double kShare = 0.3;
  auto world = std::make_unique<World>();  // Tables do not move
  World& w = *world;
  std::mt19937_64 gen(seed);
  std::gamma_distribution<double> rate(r, 1 / alpha), ga(a, 1), gb(b, 1);
  std::uniform_real_distribution<double> u(0, 1);
  const int64_t end = w.as_of + 365 * kDay;
  // Simulates customer c's referrals from `start` (seconds): named referees
  // for the first generation. Returns nothing; appends rows.
  auto refer = [&](Index c, int64_t start, bool name_referees, auto& self) -> void {
    const double lambda = rate(gen);
    const double x = ga(gen), y = gb(gen), p = x / (x + y);
    double time = static_cast<double>(start);
    while (true) {
      time += -std::log(1 - u(gen)) / lambda * kWeek;
      if (time > end) return;
      const int64_t when = static_cast<int64_t>(time);
      if (when > w.as_of) {
        w.future_referrals += 1;
      } else if (!name_referees) {
        testing::Refer(w.t, c, kNoIndex, when, true);
      } else {
        const Index j = static_cast<Index>(w.t.customers.ids.size());
        w.t.customers.ids.Add("r" + std::to_string(j));
        const bool active = u(gen) < kShare;
        w.t.customers.created.push_back(active ? kNoTime : when);
        int64_t referee_start = when;
        if (active) {
          referee_start = when - static_cast<int64_t>((1 + 60 * u(gen)) * kDay);
          testing::Buy(w.t, j, referee_start, 10);
        }
        w.referee_value.push_back(100 + 50 * u(gen));
        testing::Refer(w.t, c, j, when, true);
        ++w.referees;
        w.already_active += active;
        self(j, referee_start, false, self);
      }
      if (u(gen) < p) return;  // drops out after a referral
    }
  };
  for (int i = 0; i < 2000; ++i) {
    const Index c = static_cast<Index>(w.t.customers.ids.size());
    w.t.customers.ids.Add("c" + std::to_string(i));
    const int64_t start = static_cast<int64_t>(u(gen) * 365) * kDay;
    w.t.customers.created.push_back(start);
    w.referee_value.push_back(std::nan(""));
    refer(c, start, true, refer);
  }
  // Referral values are per customer; pad to the final count.
  w.referee_value.resize(w.t.customers.ids.size(), std::nan(""));
  return world;
}

TEST(ReferralForecast, RecoversThePlantedWorld) {
  std::unique_ptr<World> world = Simulate(5);
  World& w = *world;
  ReferralForecastOptions o;
  o.as_of = w.as_of;
  o.referee_value = w.referee_value;
  o.acquisition_cost = 20;
  o.draws = 40;
  o.confidence = 0.95;
  auto f = ForecastReferralValue(w.t, o);
  ASSERT_TRUE(f.ok()) << f.status();
  std::printf("customers %u, referees %d (%d active); share %.4f [%.4f, %.4f]; model r %.3f "
              "alpha %.2f a %.3f b %.3f; predicted %.1f, drawn %.0f; total %.0f [%.0f, %.0f]\n",
              f->customers_fitted, w.referees, w.already_active, f->joined_anyway_share,
              f->joined_anyway_low, f->joined_anyway_high, f->model.r, f->model.alpha, f->model.a,
              f->model.b, [&] {
                double s = 0;
                for (double e : f->expected_referrals) s += e;
                return s;
              }(),
              w.future_referrals, f->total, f->total_low, f->total_high);
  // The share who would have joined anyway: 30% planted, within the interval.
  EXPECT_EQ(f->referees_seen, static_cast<uint32_t>(w.referees));
  EXPECT_EQ(f->referees_already_active, static_cast<uint32_t>(w.already_active));
  EXPECT_LE(f->joined_anyway_low, 0.3);
  EXPECT_GE(f->joined_anyway_high, 0.3);
  // Referee value: uniform on [100, 150], mean 125; its bootstrap interval
  // holds it (the sd of a mean of ~1,000 such values is ~0.5).
  EXPECT_NEAR(f->referee_value, 125, 3);
  EXPECT_LE(f->referee_value_low, 125);
  EXPECT_GE(f->referee_value_high, 125);
  EXPECT_LT(f->referee_value_high - f->referee_value_low, 4);
  // The year after as_of: the forecast count against what the customers'
  // own latent states went on to do.
  double predicted = 0;
  for (double e : f->expected_referrals) predicted += e;
  EXPECT_NEAR(predicted / w.future_referrals, 1.0, 0.1);
  // Each customer's value is her count times (1 - s)(v + A), inside her
  // interval; the total too.
  const double per = (1 - f->joined_anyway_share) * (f->referee_value + 20);
  for (size_t c = 0; c < f->crv.size(); c += 97) {
    EXPECT_NEAR(f->crv[c], f->expected_referrals[c] * per, 1e-9 * (1 + f->crv[c]));
    EXPECT_LE(f->crv_low[c], f->crv_high[c]);
  }
  EXPECT_LT(f->total_low, f->total);
  EXPECT_GT(f->total_high, f->total);
  // Reproducible for a seed.
  auto again = ForecastReferralValue(w.t, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->crv_low, f->crv_low);
}

TEST(ReferralForecast, ShareOfRefereesAlreadyActiveByHand) {
  Tables t;
  testing::AddCustomers(t, 5);
  for (Index c = 0; c < 5; ++c) t.customers.created[c] = 0;
  // c0 refers c1 (who bought before), c2 (bought after), c3 (a member
  // before); c4 made no referral.
  testing::Buy(t, 1, 5 * kDay, 10);
  testing::Buy(t, 2, 40 * kDay, 10);
  testing::AddCommunities(t, 1);
  testing::AddMembership(t, 3, 0, 20 * kDay);
  testing::Refer(t, 0, 1, 10 * kDay, true);
  testing::Refer(t, 0, 2, 30 * kDay, true);
  testing::Refer(t, 0, 3, 30 * kDay, true);
  testing::Refer(t, 0, kNoIndex, 35 * kDay, true);  // no referee named
  testing::Refer(t, 4, 2, 50 * kDay, false);        // not converted
  ReferralForecastOptions o;
  o.as_of = 100 * kDay;
  o.referee_value = {0, 90, 60, 30, 0};
  o.draws = 10;
  auto f = ForecastReferralValue(t, o);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->referees_seen, 3u);
  EXPECT_EQ(f->referees_already_active, 2u);
  EXPECT_DOUBLE_EQ(f->joined_anyway_share, 2.0 / 3);
  EXPECT_DOUBLE_EQ(f->referee_value, 60);
  EXPECT_EQ(f->customers_fitted, 5u);
}

TEST(ReferralForecast, BadInputNamesTheOption) {
  Tables t;
  testing::AddCustomers(t, 2);
  ReferralForecastOptions o;
  o.names = FieldPath("request");
  o.horizon_days = 0;
  EXPECT_EQ(ForecastReferralValue(t, o).status().message(),
            "request.horizon_days: must be in (0, 36500], got 0");
  o = {};
  o.draws = 1;
  EXPECT_THAT(ForecastReferralValue(t, o).status().message(), HasSubstr("draws: must be 2..10000"));
  o = {};
  o.acquisition_cost = -1;
  EXPECT_THAT(ForecastReferralValue(t, o).status().message(), HasSubstr("acquisition_cost"));
  o = {};
  o.referee_value = {1, INFINITY};
  EXPECT_THAT(ForecastReferralValue(t, o).status().message(), HasSubstr("referee_value[1]"));
  o = {};
  EXPECT_EQ(ForecastReferralValue(t, o).status().code(), absl::StatusCode::kFailedPrecondition);
  // A budget too small for the draws: refused, naming them.
  MemoryBudget tiny;
  tiny.set_limit(1024);
  std::unique_ptr<World> w = Simulate(1);
  o.as_of = w->as_of;
  o.memory = &tiny;
  const absl::Status s = ForecastReferralValue(w->t, o).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(s.message(), HasSubstr("draws: "));
}

}  // namespace
}  // namespace mitra::ladder
