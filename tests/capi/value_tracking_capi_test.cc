// The tracking C functions (mitra.h, "Customer value: tracking over time")
// on the CDNOW sample: the BTYD walkthrough's tracking figures through the
// array and the workspace entry points, P(alive) paths, purchase-count
// probabilities and the spend holdout check; and a table of bad inputs,
// each refused with an error naming the argument and leaving the caller's
// outputs untouched.
#include <cmath>
#include <functional>
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

std::string Model(v1::ValueModel kind, std::initializer_list<std::pair<const char*, double>> params) {
  v1::FittedModel m;
  m.set_model(kind);
  for (auto [k, v] : params) (*m.mutable_params())[k] = v;
  return m.SerializeAsString();
}
const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

const std::string& Btyd() {  // the BTYD walkthrough's Pareto/NBD fit of CDNOW
  static const std::string m =
      Model(v1::VALUE_MODEL_PARETO_NBD, {{"r", 0.5534}, {"alpha", 10.5802}, {"s", 0.6061}, {"beta", 11.6562}});
  return m;
}
const std::string& Fhl() {  // Fader, Hardie & Lee (2005)
  static const std::string m =
      Model(v1::VALUE_MODEL_BG_NBD, {{"r", 0.243}, {"alpha", 4.414}, {"a", 0.793}, {"b", 2.426}});
  return m;
}
const std::string& Spend() {  // Fader & Hardie (2013)
  static const std::string m = Model(v1::VALUE_MODEL_GAMMA_GAMMA, {{"p", 6.25}, {"q", 3.74}, {"gamma", 15.44}});
  return m;
}

TEST(ValueTrackingCApi, BtydWalkthroughThroughArraysAndWorkspace) {
  const auto tx = LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  std::vector<double> expected(78), actual(78);
  ASSERT_EQ(mitra_value_tracking(U8(Btyd()), Btyd().size(), tx.customer.data(), tx.time.data(), tx.customer.size(),
                                 UnixDay(1997, 1, 1), 86400, 604800, 1, 78, expected.data(), actual.data(), nullptr),
            MITRA_OK);
  const double btyd_actual[] = {1359, 1414, 1484, 1517, 1573, 1672};
  const double btyd_expected[] = {1309, 1385, 1460, 1533, 1604, 1674};
  for (int k = 0; k < 6; ++k) {
    EXPECT_EQ(actual[19 + k], btyd_actual[k]);
    EXPECT_NEAR(expected[19 + k], btyd_expected[k], 1.0);
  }
  // The workspace entry point reads the same transactions.
  const auto [customers, transactions] = mitra::value::testing::ToCsv(tx);
  mitra_workspace* ws = nullptr;
  ASSERT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);
  ASSERT_EQ(mitra_workspace_ingest_csv_bytes(ws, "customers", "c", U8(customers), customers.size(), nullptr), MITRA_OK);
  ASSERT_EQ(mitra_workspace_ingest_csv_bytes(ws, "transactions", "t", U8(transactions), transactions.size(), nullptr),
            MITRA_OK);
  std::vector<double> ws_expected(78), ws_actual(78);
  ASSERT_EQ(mitra_workspace_value_tracking(ws, U8(Btyd()), Btyd().size(), UnixDay(1997, 1, 1), 86400, 604800, 1, 78,
                                           ws_expected.data(), ws_actual.data(), nullptr),
            MITRA_OK);
  mitra_workspace_free(ws);
  EXPECT_EQ(ws_actual, actual);
  for (int k = 0; k < 78; ++k) EXPECT_NEAR(ws_expected[k], expected[k], 1e-9 * expected[k]);

  // From births alone: the first purchase days of the sample, in weeks.
  std::vector<int64_t> first(2357, INT64_MAX);
  for (size_t i = 0; i < tx.customer.size(); ++i) first[tx.customer[i]] = std::min(first[tx.customer[i]], tx.time[i]);
  std::vector<double> birth;
  for (int64_t f : first) birth.push_back(static_cast<double>(f - UnixDay(1997, 1, 1)) / 604800);
  std::vector<double> from_births(78);
  ASSERT_EQ(mitra_value_expected_cumulative_transactions(U8(Btyd()), Btyd().size(), birth.data(), birth.size(), 1,
                                                         78, from_births.data(), nullptr),
            MITRA_OK);
  for (int k = 0; k < 78; ++k) EXPECT_NEAR(from_births[k], expected[k], 1e-9 * expected[k]);
}

TEST(ValueTrackingCApi, AlivePathCountsAndSpendCheck) {
  // P(alive) right after the second repeat purchase: 1 / (1 + a / (b + 1)).
  const double purchases[] = {0, 4, 9}, times[] = {9};
  double alive = 0;
  ASSERT_EQ(mitra_value_probability_alive_path(U8(Fhl()), Fhl().size(), purchases, 3, times, 1, &alive, nullptr),
            MITRA_OK);
  EXPECT_NEAR(alive, 1 / (1 + 0.793 / 3.426), 1e-12);
  // FHL 2005: P(X(39) = 0) = 0.5737864 for a new customer.
  const int32_t zero = 0;
  double p0 = 0;
  ASSERT_EQ(mitra_value_purchase_count_probability(U8(Fhl()), Fhl().size(), 39, &zero, nullptr, nullptr, nullptr, 1,
                                                   &p0, nullptr),
            MITRA_OK);
  EXPECT_NEAR(p0, 0.5737864, 1e-6);
  // Pareto/NBD given a history: sums to one with the closed-form mean.
  const double x = 2, tx = 30.43, T = 38.86;
  double total = 0, mean = 0, e = 0;
  for (int32_t n = 0; n <= 300; ++n) {
    double q = 0;
    ASSERT_EQ(mitra_value_purchase_count_probability(U8(Btyd()), Btyd().size(), 39, &n, &x, &tx, &T, 1, &q, nullptr),
              MITRA_OK);
    total += q;
    mean += n * q;
  }
  ASSERT_EQ(mitra_value_predict(U8(Btyd()), Btyd().size(), MITRA_VALUE_EXPECTED_PURCHASES, 39, &x, &tx, &T, 1, &e,
                                nullptr),
            MITRA_OK);
  EXPECT_NEAR(total, 1, 1e-10);
  EXPECT_NEAR(mean, e, 1e-8);
  // The spend check: the x = 0 buyer is predicted the population mean
  // p gamma / (q - 1) = 35.2190; the customer without holdout purchases is
  // left out.
  const double freq[] = {0, 2, 1}, monetary[] = {0, 30, 10}, hx[] = {2, 1, 0}, hs[] = {50, 20, 0};
  uint8_t* out = nullptr;
  size_t len = 0;
  ASSERT_EQ(mitra_value_spend_holdout(U8(Spend()), Spend().size(), freq, monetary, hx, hs, 3, &out, &len, nullptr),
            MITRA_OK);
  v1::HoldoutValidation h;
  ASSERT_TRUE(h.ParseFromArray(out, static_cast<int>(len)));
  mitra_free(out);
  ASSERT_EQ(h.by_frequency_size(), 8);
  EXPECT_EQ(h.by_frequency(0).customers(), 1);
  EXPECT_NEAR(h.by_frequency(0).predicted_mean(), 6.25 * 15.44 / 2.74, 1e-9);
  EXPECT_NEAR(h.by_frequency(0).actual_mean(), 25, 1e-12);
  EXPECT_EQ(h.by_frequency(2).customers(), 1);
  EXPECT_NEAR(h.by_frequency(2).predicted_mean(), 6.25 * (15.44 + 60) / (12.5 + 2.74), 1e-9);
  EXPECT_NEAR(h.by_frequency(2).actual_mean(), 20, 1e-12);
  EXPECT_EQ(h.by_frequency(1).customers(), 0);
}

// A bad input: the call, the status and a substring of its message.
struct BadInput {
  const char* name;
  std::function<mitra_status(double* out, mitra_error**)> call;
  const char* message;
};

std::vector<BadInput> BadInputs() {
  static const double birth[] = {0, NAN}, xs[] = {1, 2}, txs[] = {1, 1}, Ts[] = {3, 3};
  static const uint32_t customers[] = {0, 1};
  static const int64_t times[] = {0, 86400};
  static const int32_t counts[] = {0, -2};
  static const double back[] = {3, 1}, grid[] = {0, 5};
  static const double hx[] = {1.5, 1}, hs[] = {10, 10};
  return {
      {"cumulative_nan_birth",
       [](double* out, mitra_error** e) {
         return mitra_value_expected_cumulative_transactions(U8(Fhl()), Fhl().size(), birth, 2, 1, 2, out, e);
       },
       "birth[1]: must be finite, got nan"},
      {"cumulative_zero_step",
       [](double* out, mitra_error** e) {
         return mitra_value_expected_cumulative_transactions(U8(Fhl()), Fhl().size(), birth, 1, 0, 2, out, e);
       },
       "step: must be finite and > 0, got 0"},
      {"cumulative_no_periods",
       [](double* out, mitra_error** e) {
         return mitra_value_expected_cumulative_transactions(U8(Fhl()), Fhl().size(), birth, 1, 1, -1, out, e);
       },
       "periods: must be in [1, 1000000], got -1"},
      {"cumulative_null_birth",
       [](double* out, mitra_error** e) {
         return mitra_value_expected_cumulative_transactions(U8(Fhl()), Fhl().size(), nullptr, 2, 1, 2, out, e);
       },
       "birth"},
      {"cumulative_spend_model",
       [](double* out, mitra_error** e) {
         return mitra_value_expected_cumulative_transactions(U8(Spend()), Spend().size(), birth, 1, 1, 2, out, e);
       },
       "not a purchase model"},
      {"cumulative_garbage_model",
       [](double* out, mitra_error** e) {
         static const uint8_t junk[] = {0xff, 0xff, 0xff};
         return mitra_value_expected_cumulative_transactions(junk, 3, birth, 1, 1, 2, out, e);
       },
       "model"},
      {"tracking_zero_period",
       [](double* out, mitra_error** e) {
         return mitra_value_tracking(U8(Fhl()), Fhl().size(), customers, times, 2, 0, 0, 604800, 1, 2, out, out + 2, e);
       },
       "period: must be > 0 seconds, got 0"},
      {"tracking_inf_step",
       [](double* out, mitra_error** e) {
         return mitra_value_tracking(U8(Fhl()), Fhl().size(), customers, times, 2, 0, 86400, 604800, INFINITY, 2, out,
                                     out + 2, e);
       },
       "step: must be finite and > 0, got inf"},
      {"tracking_null_actual",
       [](double* out, mitra_error** e) {
         return mitra_value_tracking(U8(Fhl()), Fhl().size(), customers, times, 2, 0, 86400, 604800, 1, 2, out,
                                     nullptr, e);
       },
       "actual"},
      {"workspace_tracking_null_workspace",
       [](double* out, mitra_error** e) {
         return mitra_workspace_value_tracking(nullptr, U8(Fhl()), Fhl().size(), 0, 86400, 604800, 1, 2, out, out + 2,
                                               e);
       },
       "workspace"},
      {"alive_path_backwards",
       [](double* out, mitra_error** e) {
         return mitra_value_probability_alive_path(U8(Fhl()), Fhl().size(), back, 2, grid, 1, out, e);
       },
       "purchase_times[1]: must not be before the previous purchase"},
      {"alive_path_time_before_birth",
       [](double* out, mitra_error** e) {
         return mitra_value_probability_alive_path(U8(Fhl()), Fhl().size(), back, 1, grid, 2, out, e);
       },
       "times[0]: must be finite and not before the first purchase (3), got 0"},
      {"alive_path_no_purchases",
       [](double* out, mitra_error** e) {
         return mitra_value_probability_alive_path(U8(Fhl()), Fhl().size(), back, 0, grid, 2, out, e);
       },
       "purchase_times: needs at least the first purchase"},
      {"counts_negative",
       [](double* out, mitra_error** e) {
         return mitra_value_purchase_count_probability(U8(Btyd()), Btyd().size(), 39, counts, xs, txs, Ts, 2, out, e);
       },
       "count[1]: must be >= 0, got -2"},
      {"counts_negative_new",
       [](double* out, mitra_error** e) {
         return mitra_value_purchase_count_probability(U8(Btyd()), Btyd().size(), 39, counts, nullptr, nullptr,
                                                       nullptr, 2, out, e);
       },
       "count[1]: must be >= 0, got -2"},
      {"counts_nan_t",
       [](double* out, mitra_error** e) {
         return mitra_value_purchase_count_probability(U8(Btyd()), Btyd().size(), NAN, counts, xs, txs, Ts, 1, out, e);
       },
       "t: must be finite and >= 0, got nan"},
      {"counts_partial_history",
       [](double* out, mitra_error** e) {
         return mitra_value_purchase_count_probability(U8(Btyd()), Btyd().size(), 39, counts, xs, nullptr, Ts, 1, out,
                                                       e);
       },
       "recency"},
      {"counts_recency_past_T",
       [](double* out, mitra_error** e) {
         static const double late[] = {5};
         return mitra_value_purchase_count_probability(U8(Btyd()), Btyd().size(), 39, counts, xs, late, Ts, 1, out, e);
       },
       "row 0"},
      {"spend_holdout_fractional",
       [](double*, mitra_error** e) {
         uint8_t* buf = nullptr;
         size_t len = 0;
         return mitra_value_spend_holdout(U8(Spend()), Spend().size(), xs, hs, hx, hs, 2, &buf, &len, e);
       },
       "holdout_frequency[0]: must be a whole number >= 0, got 1.5"},
      {"spend_holdout_purchase_model",
       [](double*, mitra_error** e) {
         uint8_t* buf = nullptr;
         size_t len = 0;
         return mitra_value_spend_holdout(U8(Fhl()), Fhl().size(), xs, hs, xs, hs, 2, &buf, &len, e);
       },
       "not a spend model"},
  };
}

TEST(ValueTrackingCApi, BadInputsAreRefusedAndChangeNothing) {
  for (const BadInput& b : BadInputs()) {
    double out[4] = {-7, -7, -7, -7};
    mitra_error* err = nullptr;
    EXPECT_EQ(b.call(out, &err), MITRA_INVALID_ARGUMENT) << b.name;
    EXPECT_THAT(mitra_error_message(err), HasSubstr(b.message)) << b.name;
    mitra_error_free(err);
    for (double v : out) EXPECT_EQ(v, -7) << b.name << ": an output was written";
  }
}

}  // namespace
