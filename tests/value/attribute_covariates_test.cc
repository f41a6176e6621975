// Covariates read from customer attributes (attribute_covariates.h), through
// the workspace summaries and ScoreCustomers: the columns are the attribute
// values, planted coefficients are recovered, each customer's predictions
// are the plain model's at her own parameters, and a missing or
// non-numeric value is an error naming the customer and the key.
#include "mitra/value/attribute_covariates.h"

#include <cmath>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/v1/batch.pb.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/clv.h"
#include "mitra/value/customer_value.h"
#include "mitra/value/messages.h"

namespace mitra::value {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kWeek = 7 * 86400;
constexpr int64_t kEnd = 1000000000;  // the calibration end, unix seconds

struct Planted {
  double r = 0.8, alpha = 4, a = 0.8, b = 2.4;
  double g_purchase = 0.6, g_dropout = 0.5;
};

// BG/NBD customers in continuous time (purchases at whole seconds) whose
// alpha moves with attribute "z" and whose a, b move with "w", spending as
// Gamma-Gamma describes; both
// attributes written with 17 significant digits, so they read back exactly.
struct World {
  Workspace ws;
  std::map<std::string, std::pair<double, double>> zw;  // by customer id
};

void Simulate(World& w, size_t n, uint64_t seed, const Planted& m = {}) {
  Rng rng(seed);
  v1::Batch batch;
  for (size_t i = 0; i < n; ++i) {
    const std::string id = absl::StrCat("c", i);
    const double z = NormalDraw(rng), v = rng.Uniform() < 0.5 ? 1.0 : 0.0;
    const double lambda = GammaDraw(rng, m.r) / (m.alpha * std::exp(-m.g_purchase * z));
    const double scale = std::exp(m.g_dropout * v);
    const double drop = BetaDraw(rng, m.a * scale, m.b * scale);
    const double T = 39.0 - static_cast<double>(rng.Below(12));
    const double nu = GammaDraw(rng, 3.74) / 15.44;  // Gamma-Gamma spend (CDNOW's q, gamma)
    v1::Customer* c = batch.add_customers();
    c->set_id(id);
    (*c->mutable_attributes())["z"] = absl::StrFormat("%.17g", z);
    (*c->mutable_attributes())["w"] = absl::StrFormat("%.17g", v);
    (*c->mutable_attributes())["segment"] = "retail";
    w.zw[id] = {z, v};
    const double birth = static_cast<double>(kEnd) - T * kWeek;
    auto buy = [&](double t_weeks) {
      v1::Transaction* t = batch.add_transactions();
      t->set_customer_id(id);
      t->set_time_unix_seconds(static_cast<int64_t>(std::llround(birth + t_weeks * kWeek)));
      t->set_amount(GammaDraw(rng, 6.25) / nu);
    };
    buy(0);
    double t = 0;
    while (true) {
      t += -std::log(1.0 - rng.Uniform()) / lambda;
      if (t > T - 1e-4) break;
      buy(t);
      if (rng.Uniform() < drop) break;
    }
  }
  ASSERT_TRUE(w.ws.Ingest(batch).ok());
}

v1::SummaryRequest Request() {
  v1::SummaryRequest r;
  r.set_calibration_end_unix_seconds(kEnd);
  r.set_period_seconds(1);  // continuous time, as simulated
  r.set_unit_seconds(kWeek);
  return r;
}

TEST(AttributeCovariatesTest, ColumnsAreTheAttributeValuesInSummaryOrder) {
  World w;
  Simulate(w, 300, 1);
  v1::SummaryRequest r = Request();
  r.add_purchase_covariate_attributes("z");
  r.add_purchase_covariate_attributes("w");
  r.add_dropout_covariate_attributes("w");
  v1::CustomerSummaries s;
  ASSERT_TRUE(SummarizeWorkspace(w.ws, r, &s).ok());
  ASSERT_EQ(s.customer_id_size(), 300);
  EXPECT_THAT(s.purchase_covariate_names(), ::testing::ElementsAre("z", "w"));
  EXPECT_THAT(s.dropout_covariate_names(), ::testing::ElementsAre("w"));
  ASSERT_EQ(s.purchase_covariates_size(), 600);
  ASSERT_EQ(s.dropout_covariates_size(), 300);
  for (int i = 0; i < s.customer_id_size(); ++i) {
    const auto [z, v] = w.zw.at(s.customer_id(i));
    EXPECT_EQ(s.purchase_covariates(2 * i), z);
    EXPECT_EQ(s.purchase_covariates(2 * i + 1), v);
    EXPECT_EQ(s.dropout_covariates(i), v);
  }
}

TEST(AttributeCovariatesTest, ScoreCustomersRecoversPlantedCoefficientsAndPredictsPerCustomer) {
  World w;
  const Planted m;
  Simulate(w, 3000, 7, m);
  CustomerValueOptions o;
  o.summary = Request();
  o.summary.add_purchase_covariate_attributes("z");
  o.summary.add_dropout_covariate_attributes("w");
  o.horizon = 26;
  o.clv = ClvOptions{4, 4.0, 0.01};
  absl::StatusOr<CustomerValueTable> t = ScoreCustomers(w.ws, o);
  ASSERT_TRUE(t.ok()) << t.status();
  const v1::FittedModel& f = t->purchase_model;
  const v1::FitReport& rep = f.report();
  const double gz = f.purchase_coefficients().at("z"), gw = f.dropout_coefficients().at("w");
  EXPECT_LT(std::fabs(gz - m.g_purchase), 3 * rep.purchase_coefficient_errors().at("z")) << gz;
  EXPECT_LT(std::fabs(gw - m.g_dropout), 3 * rep.dropout_coefficient_errors().at("w")) << gw;
  EXPECT_EQ(rep.likelihood_ratio().degrees_of_freedom(), 2);
  EXPECT_NEAR(rep.likelihood_ratio().statistic(),
              2 * (rep.log_likelihood() - rep.likelihood_ratio().restricted_log_likelihood()), 1e-6);
  EXPECT_LT(rep.likelihood_ratio().p_value(), 1e-6);

  // Each customer's P(alive) and expected purchases: the plain BG/NBD at
  // alpha exp(-g1 z), a exp(g2 w), b exp(g2 w) (CLVTools' parametrisation).
  const v1::CustomerSummaries& S = t->summaries;
  const auto& p = f.params();
  for (int i = 0; i < S.customer_id_size(); i += 97) {
    const auto [z, v] = w.zw.at(S.customer_id(i));
    const BgNbdParams own{p.at("r"), p.at("alpha") * std::exp(-gz * z), p.at("a") * std::exp(gw * v),
                          p.at("b") * std::exp(gw * v)};
    const double x = S.frequency(i), tx = S.recency(i), T = S.t(i);
    const CustomerData row{{&x, 1}, {&tx, 1}, {&T, 1}, {}};
    double alive, purchases;
    ASSERT_TRUE(ProbabilityAlive(own, row, {&alive, 1}).ok());
    ASSERT_TRUE(ExpectedPurchases(own, row, 26, {&purchases, 1}).ok());
    EXPECT_NEAR(t->p_alive[i], alive, 1e-12 * std::max(1.0, alive)) << i;
    EXPECT_NEAR(t->expected_purchases[i], purchases, 1e-12 * std::max(1.0, purchases)) << i;
    // CLV: her own purchase model with the (covariate-free) spend model.
    ASSERT_TRUE(t->spend_model.has_value()) << t->spend_error;
    absl::StatusOr<GammaGammaParams> gg = SpendModelFrom(*t->spend_model);
    ASSERT_TRUE(gg.ok());
    const double zbar = S.monetary_value(i);
    double clv;
    ASSERT_TRUE(CustomerLifetimeValue(own, *gg, row, {&zbar, 1}, o.clv, {&clv, 1}).ok());
    EXPECT_NEAR(t->clv[i], clv, 1e-12 * std::max(1.0, clv)) << i;
  }

  // Intervals and tracking at each customer's own parameters: the
  // intervals' estimates are her own expected purchases, and with the grid
  // ending at the calibration end (births 28..39 weeks before it) the
  // tracked base's expected repeat purchases are the sum of each customer's
  // own E[X(T_i)] at her own parameters.
  o.intervals = DrawOptions{};
  o.intervals->draws = 20;
  o.summary.set_origin_unix_seconds(kEnd - 39 * kWeek);
  o.tracking = TrackingGrid{1, 39};
  absl::StatusOr<CustomerValueTable> both = ScoreCustomers(w.ws, o);
  ASSERT_TRUE(both.ok()) << both.status();
  ASSERT_TRUE(both->purchases_interval.has_value()) << both->interval_error;
  ASSERT_EQ(both->clv_low.size(), S.frequency_size());
  ASSERT_TRUE(both->realised_purchases.has_value());
  double sum_own = 0;
  for (int i = 0; i < S.frequency_size(); ++i) {
    EXPECT_NEAR(both->purchases_interval->estimate(i), both->expected_purchases[i],
                1e-12 * std::max(1.0, both->expected_purchases[i])) << i;
    EXPECT_LE(both->clv_low[i], both->clv_high[i]) << i;
    const auto [z, v] = w.zw.at(S.customer_id(i));
    const BgNbdParams own{p.at("r"), p.at("alpha") * std::exp(-gz * z),
                          p.at("a") * std::exp(gw * v), p.at("b") * std::exp(gw * v)};
    absl::StatusOr<double> e = BgNbdExpectedPurchasesNew(own, S.t(i));
    ASSERT_TRUE(e.ok());
    sum_own += *e;
  }
  ASSERT_TRUE(both->tracking.has_value());
  ASSERT_EQ(both->tracking->expected.size(), 39u);
  EXPECT_NEAR(both->tracking->expected.back(), sum_own, 1e-9 * sum_own);
}

TEST(AttributeCovariatesTest, MissingOrNonNumericValuesNameTheCustomerAndTheKey) {
  World w;
  Simulate(w, 50, 3);
  v1::Batch extra;
  v1::Customer* c = extra.add_customers();
  c->set_id("no-income");
  (*c->mutable_attributes())["z"] = "0.5";
  v1::Customer* d = extra.add_customers();
  d->set_id("words");
  (*d->mutable_attributes())["z"] = "high";
  (*d->mutable_attributes())["w"] = "1";
  for (const char* id : {"no-income", "words"}) {
    v1::Transaction* t = extra.add_transactions();
    t->set_customer_id(id);
    t->set_time_unix_seconds(kEnd - 10 * kWeek);
  }
  ASSERT_TRUE(w.ws.Ingest(extra).ok());

  v1::SummaryRequest r = Request();
  r.add_purchase_covariate_attributes("z");
  r.add_dropout_covariate_attributes("w");
  v1::CustomerSummaries s;
  absl::Status st = SummarizeWorkspace(w.ws, r, &s);
  ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  // Summaries run in customer order: "words" has a bad z before any w is read.
  EXPECT_THAT(st.message(), HasSubstr("SummaryRequest.purchase_covariate_attributes[0]: customer "
                                      "\"words\" has attribute \"z\" = \"high\", not a finite number"));
  EXPECT_EQ(s.customer_id_size(), 0);

  r.clear_purchase_covariate_attributes();
  st = SummarizeWorkspace(w.ws, r, &s);
  EXPECT_THAT(st.message(), HasSubstr("SummaryRequest.dropout_covariate_attributes[0]: customer "
                                      "\"no-income\" has no attribute \"w\""));
  EXPECT_THAT(st.message(), HasSubstr("not imputed"));

  // "nan" parses as a number but is no covariate.
  const uint32_t words = *w.ws.tables().customers.ids.Find("words");
  AttributeCovariateKeys keys;
  keys.purchase = {"segment"};
  EXPECT_THAT(CovariatesFromAttributes(w.ws, {words}, keys).status().message(),
              HasSubstr("has no attribute \"segment\""));
  const uint32_t first = *w.ws.tables().customers.ids.Find("c0");
  EXPECT_THAT(CovariatesFromAttributes(w.ws, {first}, keys).status().message(),
              HasSubstr("purchase_covariate_attributes[0]: customer \"c0\" has attribute "
                        "\"segment\" = \"retail\", not a finite number"));
  keys.purchase = {"z", "z"};
  EXPECT_THAT(CovariatesFromAttributes(w.ws, {first}, keys).status().message(),
              HasSubstr("purchase_covariate_attributes[1]: \"z\" is also entry 0"));

  // Transaction arrays carry no attributes.
  v1::SummaryRequest arrays = Request();
  arrays.add_dropout_covariate_attributes("w");
  const uint32_t cust[] = {1};
  const int64_t time[] = {kEnd - kWeek};
  const double amount[] = {1};
  EXPECT_THAT(SummarizeArrays(cust, time, amount, arrays, &s).message(),
              HasSubstr("SummaryRequest.dropout_covariate_attributes: customer attributes need a "
                        "workspace"));
}

}  // namespace
}  // namespace mitra::value
