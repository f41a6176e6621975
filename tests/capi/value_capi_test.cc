// The customer-value C ABI end to end on the CDNOW sample, against the
// published values (Fader, Hardie & Lee 2005; Fader & Hardie 2013; see
// data/reference/README.md): transactions in, summaries, fits and
// predictions out, through the same calls a host makes.
#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/mitra.h"
#include "mitra/v1/value.pb.h"
#include "value/cdnow.h"

namespace {

using mitra::value::testing::LoadCdnowSample;
using mitra::value::testing::UnixDay;
using ::testing::HasSubstr;
namespace v1 = mitra::v1;

template <typename M>
M Call(mitra_status (*f)(const uint8_t*, size_t, uint8_t**, size_t*, mitra_error**),
       const google::protobuf::Message& request) {
  const std::string bytes = request.SerializeAsString();
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  EXPECT_EQ(f(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &out, &n, &err), MITRA_OK)
      << mitra_error_message(err);
  mitra_error_free(err);
  M m;
  EXPECT_TRUE(m.ParseFromArray(out, static_cast<int>(n)));
  mitra_free(out);
  return m;
}

v1::SummaryRequest CdnowRequest() {
  v1::SummaryRequest r;
  r.set_calibration_end_unix_seconds(UnixDay(1997, 9, 30));
  r.set_holdout_end_unix_seconds(UnixDay(1998, 6, 30));
  r.set_period_seconds(86400);
  r.set_unit_seconds(7 * 86400);
  return r;
}

class ValueCApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto tx = LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
    ASSERT_EQ(tx.customer.size(), 6919u);
    const std::string req = CdnowRequest().SerializeAsString();
    uint8_t* out = nullptr;
    size_t n = 0;
    ASSERT_EQ(mitra_value_summarize(tx.customer.data(), tx.time.data(), tx.amount.data(),
                                    tx.customer.size(), reinterpret_cast<const uint8_t*>(req.data()),
                                    req.size(), &out, &n, nullptr),
              MITRA_OK);
    summaries_ = new v1::CustomerSummaries;
    ASSERT_TRUE(summaries_->ParseFromArray(out, static_cast<int>(n)));
    mitra_free(out);
    v1::FitRequest fit;
    fit.set_model(v1::VALUE_MODEL_BG_NBD);
    *fit.mutable_frequency() = summaries_->frequency();
    *fit.mutable_recency() = summaries_->recency();
    *fit.mutable_t() = summaries_->t();
    bgnbd_ = new std::string(Call<v1::FittedModel>(mitra_value_fit, fit).SerializeAsString());
  }
  static const v1::CustomerSummaries& S() { return *summaries_; }
  static const std::string& BgNbd() { return *bgnbd_; }
  static const uint8_t* Bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }
  static v1::CustomerSummaries* summaries_;
  static std::string* bgnbd_;
};
v1::CustomerSummaries* ValueCApi::summaries_ = nullptr;
std::string* ValueCApi::bgnbd_ = nullptr;

TEST_F(ValueCApi, SummariesOfTheSample) {
  ASSERT_EQ(S().customer_id_size(), 2357);
  EXPECT_EQ(S().customer_id(0), "0");  // array keys come back in decimal
  EXPECT_EQ(S().holdout_length(), 39.0);  // weeks 40..78
  int zero = 0;
  for (double x : S().frequency()) zero += x == 0;
  EXPECT_EQ(zero, 1411);  // FHL 2005: 1,411 customers made no repeat purchase
}

TEST_F(ValueCApi, BgNbdMatchesThePublishedFit) {
  v1::FittedModel m;
  ASSERT_TRUE(m.ParseFromString(BgNbd()));
  EXPECT_NEAR(m.params().at("r"), 0.243, 0.0005);
  EXPECT_NEAR(m.params().at("alpha"), 4.414, 0.0005 * 10);
  EXPECT_NEAR(m.params().at("a"), 0.793, 0.0005);
  EXPECT_NEAR(m.params().at("b"), 2.426, 0.005);
  EXPECT_NEAR(m.report().log_likelihood(), -9582.4, 0.5);
  EXPECT_EQ(m.report().total_weight(), 2357);
  EXPECT_LT(m.report().rows(), 2357);  // identical rows were grouped
  EXPECT_EQ(m.report().standard_errors_size(), 4);
}

TEST_F(ValueCApi, BgNbdPredictionsMatchThePaper) {
  // FHL 2005: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks.
  const double x = 2, tx = 30.43, T = 38.86;
  double out = 0;
  ASSERT_EQ(mitra_value_predict(Bytes(BgNbd()), BgNbd().size(), MITRA_VALUE_EXPECTED_PURCHASES, 39,
                                &x, &tx, &T, 1, &out, nullptr),
            MITRA_OK);
  EXPECT_NEAR(out, 1.226, 0.0005);
  const double ts[] = {1, 3, 32, 78};
  double ex[4];
  ASSERT_EQ(mitra_value_expected_purchases_new(Bytes(BgNbd()), BgNbd().size(), ts, 4, ex, nullptr), MITRA_OK);
  // The paper's figures, to the 3-4 significant figures it prints.
  const double want[] = {0.0532, 0.1506, 1.0437, 1.8576};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(ex[i], want[i], 0.0005 * want[i]) << ts[i];
  // P(X(39) = 0) = 0.5737864 is the paper's value at its rounded estimates,
  // so that is the model it is checked with here.
  v1::FittedModel rounded;
  rounded.set_model(v1::VALUE_MODEL_BG_NBD);
  (*rounded.mutable_params())["r"] = 0.243;
  (*rounded.mutable_params())["alpha"] = 4.414;
  (*rounded.mutable_params())["a"] = 0.793;
  (*rounded.mutable_params())["b"] = 2.426;
  const std::string rb = rounded.SerializeAsString();
  const int32_t zero = 0;
  double p0 = 0;
  ASSERT_EQ(mitra_value_probability_of_purchases(Bytes(rb), rb.size(), 39, &zero, 1, &p0, nullptr), MITRA_OK);
  EXPECT_NEAR(p0, 0.5737864, 5e-7);
}

TEST_F(ValueCApi, ZeroClassHoldoutCheck) {
  uint8_t* out = nullptr;
  size_t n = 0;
  ASSERT_EQ(mitra_value_holdout(Bytes(BgNbd()), BgNbd().size(), S().holdout_length(),
                                S().frequency().data(), S().recency().data(), S().t().data(),
                                S().holdout_frequency().data(), S().frequency_size(), &out, &n, nullptr),
            MITRA_OK);
  v1::HoldoutValidation h;
  ASSERT_TRUE(h.ParseFromArray(out, static_cast<int>(n)));
  mitra_free(out);
  // FHL 2005: the 1,411 with x = 0 made 334 purchases in weeks 40-78 (0.24
  // each); BG/NBD predicts 0.23.
  ASSERT_GE(h.by_frequency_size(), 8);
  EXPECT_EQ(h.by_frequency(0).customers(), 1411);
  EXPECT_NEAR(h.by_frequency(0).actual_mean() * 1411, 334, 1e-9);
  EXPECT_NEAR(h.by_frequency(0).predicted_mean(), 0.23, 0.005);
  EXPECT_GT(h.mae(), 0);
  EXPECT_GE(h.rmse(), h.mae());
}

TEST_F(ValueCApi, GammaGammaAndClv) {
  // Fader & Hardie (2013): the 946 repeat buyers give p = 6.25, q = 3.74, gamma = 15.44.
  v1::FitRequest fit;
  fit.set_model(v1::VALUE_MODEL_GAMMA_GAMMA);
  *fit.mutable_frequency() = S().frequency();
  *fit.mutable_monetary_value() = S().monetary_value();
  const v1::FittedModel gg = Call<v1::FittedModel>(mitra_value_fit, fit);
  EXPECT_NEAR(gg.params().at("p"), 6.25, 0.005);
  EXPECT_NEAR(gg.params().at("q"), 3.74, 0.005);
  EXPECT_NEAR(gg.params().at("gamma"), 15.44, 0.05);
  EXPECT_EQ(gg.report().total_weight(), 946);
  const std::string spend = gg.SerializeAsString();
  std::vector<double> m(10);
  ASSERT_EQ(mitra_value_expected_spend(Bytes(spend), spend.size(), S().frequency().data(),
                                       S().monetary_value().data(), 10, m.data(), nullptr),
            MITRA_OK);
  const double published[] = {24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17};
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(m[i], published[i], 0.005) << i;

  // CLV is the discounted sum of per-period expected purchases times the
  // expected spend; rebuild it from the two primitives for one customer.
  const int i = 5;
  const double x = S().frequency(i), tx = S().recency(i), T = S().t(i), z = S().monetary_value(i);
  double clv = 0;
  ASSERT_EQ(mitra_value_clv(Bytes(BgNbd()), BgNbd().size(), Bytes(spend), spend.size(), 12, 4.348, 0.01,
                            &x, &tx, &T, &z, 1, &clv, nullptr),
            MITRA_OK);
  double expected = 0, previous = 0;
  for (int k = 1; k <= 12; ++k) {
    double e = 0;
    ASSERT_EQ(mitra_value_predict(Bytes(BgNbd()), BgNbd().size(), MITRA_VALUE_EXPECTED_PURCHASES, k * 4.348,
                                  &x, &tx, &T, 1, &e, nullptr),
              MITRA_OK);
    expected += m[i] * (e - previous) / std::pow(1.01, k);
    previous = e;
  }
  EXPECT_NEAR(clv, expected, 1e-9 * expected);
}

TEST_F(ValueCApi, ErrorsNameTheFieldAndNeverReturnNaN) {
  v1::FitRequest bad;
  bad.set_model(v1::VALUE_MODEL_BG_NBD);
  bad.add_frequency(1);
  bad.add_recency(2);
  const std::string bytes = bad.SerializeAsString();
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_value_fit(Bytes(bytes), bytes.size(), &out, &n, &err), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("FitRequest.T: 0 values, but frequency has 1"));
  mitra_error_free(err);
  // A spend model where a purchase model is needed.
  v1::FittedModel gg;
  gg.set_model(v1::VALUE_MODEL_GAMMA_GAMMA);
  const std::string ggb = gg.SerializeAsString();
  const double x = 1, tx = 1, T = 2;
  double o = 0;
  EXPECT_EQ(mitra_value_predict(Bytes(ggb), ggb.size(), MITRA_VALUE_PROBABILITY_ALIVE, 0, &x, &tx, &T, 1, &o, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("not a purchase model"));
  mitra_error_free(err);
  // A NaN horizon.
  EXPECT_EQ(mitra_value_predict(Bytes(BgNbd()), BgNbd().size(), MITRA_VALUE_EXPECTED_PURCHASES, NAN, &x, &tx, &T,
                                1, &o, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("t: must be finite"));
  mitra_error_free(err);
  // A summary request without a unit: no hidden constant.
  v1::SummaryRequest r;
  r.set_calibration_end_unix_seconds(UnixDay(1997, 9, 30));
  r.set_period_seconds(86400);
  const std::string rb = r.SerializeAsString();
  const uint32_t c = 0;
  const int64_t t = UnixDay(1997, 1, 1);
  const double a = 1;
  EXPECT_EQ(mitra_value_summarize(&c, &t, &a, 1, Bytes(rb), rb.size(), &out, &n, &err), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("SummaryRequest.unit_seconds: required"));
  mitra_error_free(err);
  // An array time outside 1900-2200 (here the "absent" INT64_MIN) is named.
  r.set_unit_seconds(604800);
  const std::string ok_request = r.SerializeAsString();
  const int64_t times[] = {t, INT64_MIN};
  const uint32_t customers[] = {0, 1};
  const double amounts[] = {1, 1};
  EXPECT_EQ(mitra_value_summarize(customers, times, amounts, 2, Bytes(ok_request), ok_request.size(), &out, &n, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(mitra_error_message(err), HasSubstr("time[1]: time -9223372036854775808 is outside"));
  mitra_error_free(err);
}

TEST_F(ValueCApi, WorkspaceSummaryEqualsTheArrayOne) {
  // The sample as CSV into a workspace, then summarised there.
  const auto tx = LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  const auto [customers, transactions] = mitra::value::testing::ToCsv(tx);
  mitra_workspace* ws = nullptr;
  ASSERT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);
  ASSERT_EQ(mitra_workspace_ingest_csv_bytes(ws, "customers", "c", Bytes(customers), customers.size(), nullptr), MITRA_OK);
  ASSERT_EQ(mitra_workspace_ingest_csv_bytes(ws, "transactions", "t", Bytes(transactions), transactions.size(), nullptr),
            MITRA_OK);
  const std::string req = CdnowRequest().SerializeAsString();
  uint8_t* out = nullptr;
  size_t n = 0;
  ASSERT_EQ(mitra_workspace_value_summary(ws, Bytes(req), req.size(), &out, &n, nullptr), MITRA_OK);
  v1::CustomerSummaries s;
  ASSERT_TRUE(s.ParseFromArray(out, static_cast<int>(n)));
  mitra_free(out);
  mitra_workspace_free(ws);
  ASSERT_EQ(s.frequency_size(), S().frequency_size());
  for (int i = 0; i < s.frequency_size(); ++i) {
    ASSERT_EQ(s.frequency(i), S().frequency(i));
    ASSERT_EQ(s.t(i), S().t(i));
    ASSERT_NEAR(s.monetary_value(i), S().monetary_value(i), 1e-6);  // %f-printed amounts
  }
}

}  // namespace
