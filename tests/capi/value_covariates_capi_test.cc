// Fits and predictions with covariates through the columnar C functions
// (mitra.h, "Customer value: covariates"): zero coefficients are the plain
// model, a customer's prediction is the plain model's at her own
// parameters, planted coefficients are recovered, the columnar fit is the
// message fit, and bad arrays are refused with nothing written.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/mitra.h"
#include "mitra/v1/value.pb.h"

namespace {

using ::testing::HasSubstr;
namespace v1 = mitra::v1;

std::string Message(mitra_status s, mitra_error* err) {
  std::string m = s == MITRA_OK ? "" : mitra_error_message(err);
  mitra_error_free(err);
  return m;
}

// The plain model at p, serialized.
std::string PlainModel(v1::ValueModel model, const double p[4]) {
  v1::FittedModel m;
  m.set_model(model);
  const char* const names[2][4] = {{"r", "alpha", "a", "b"}, {"r", "alpha", "s", "beta"}};
  for (int i = 0; i < 4; ++i)
    (*m.mutable_params())[names[model == v1::VALUE_MODEL_PARETO_NBD][i]] = p[i];
  return m.SerializeAsString();
}

// The plain model's prediction through mitra_value_predict.
std::vector<double> Plain(v1::ValueModel model, const double p[4], mitra_value_quantity q, double t,
                          const std::vector<double>& x, const std::vector<double>& tx,
                          const std::vector<double>& T) {
  const std::string bytes = PlainModel(model, p);
  std::vector<double> out(x.size());
  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_value_predict(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), q, t,
                                x.data(), tx.data(), T.data(), x.size(), out.data(), &err),
            MITRA_OK)
      << Message(MITRA_INVALID_ARGUMENT, err);
  return out;
}

const std::vector<double> kX = {0, 1, 2, 5, 3, 0, 7};
const std::vector<double> kTx = {0, 4.5, 20.1, 30.0, 12.2, 0, 37.5};
const std::vector<double> kT = {38, 36, 39, 35, 31, 27, 39};
// Two purchase columns and one dropout column for the seven customers.
const std::vector<double> kPurchase = {0.3, 1, -1.2, 0, 0.8, 1, 2.0, 0, -0.4, 1, 0.1, 0, 1.5, 1};
const std::vector<double> kDropout = {1, 0, 2, 1, 0, 1, 3};

struct Case {
  mitra_value_covariate_model c;
  v1::ValueModel v;
};
const Case kCases[] = {{MITRA_VALUE_COVARIATE_BG_NBD, v1::VALUE_MODEL_BG_NBD},
                       {MITRA_VALUE_COVARIATE_MBG_NBD, v1::VALUE_MODEL_MBG_NBD},
                       {MITRA_VALUE_COVARIATE_PARETO_NBD, v1::VALUE_MODEL_PARETO_NBD}};
const mitra_value_quantity kQuantities[] = {MITRA_VALUE_EXPECTED_PURCHASES, MITRA_VALUE_PROBABILITY_ALIVE,
                                            MITRA_VALUE_PROBABILITY_ALIVE_AT};

std::vector<double> Predict(mitra_value_covariate_model model, const double p[4], const double* coef,
                            mitra_value_quantity q, double t) {
  std::vector<double> out(kX.size());
  mitra_error* err = nullptr;
  const mitra_status s = mitra_value_predict_covariates(
      model, p, coef, q, t, kX.data(), kTx.data(), kT.data(), kX.size(), kPurchase.data(),
      kPurchase.size(), 2, kDropout.data(), kDropout.size(), 1, out.data(), &err);
  EXPECT_EQ(s, MITRA_OK) << Message(s, err);
  return out;
}

TEST(ValueCovariatesCApi, ZeroCoefficientsPredictAsThePlainModel) {
  const double p[4] = {0.243, 4.414, 0.793, 2.426};
  const double zero[3] = {0, 0, 0};
  for (const Case& c : kCases) {
    for (mitra_value_quantity q : kQuantities) {
      const std::vector<double> want = Plain(c.v, p, q, 13, kX, kTx, kT);
      const std::vector<double> got = Predict(c.c, p, zero, q, 13);
      for (size_t i = 0; i < kX.size(); ++i)
        EXPECT_NEAR(got[i], want[i], 1e-12 * std::max(1.0, std::fabs(want[i]))) << c.v << " " << q << " " << i;
    }
  }
}

// Customer i's parameters computed by hand (CLVTools' parametrisation) with
// purchase coefficients coef[0..1] on kPurchase and dropout coef[2] on
// kDropout.
void OwnParams(v1::ValueModel model, const double p[4], const double coef[3], size_t i,
               double own[4]) {
  const double lin1 = coef[0] * kPurchase[2 * i] + coef[1] * kPurchase[2 * i + 1];
  const double lin2 = coef[2] * kDropout[i];
  own[0] = p[0], own[1] = p[1] * std::exp(-lin1), own[2] = p[2], own[3] = p[3];
  if (model == v1::VALUE_MODEL_PARETO_NBD) {
    own[3] = p[3] * std::exp(-lin2);
  } else {
    own[2] = p[2] * std::exp(lin2);
    own[3] = p[3] * std::exp(lin2);
  }
}

TEST(ValueCovariatesCApi, EachCustomerIsThePlainModelAtHerOwnParameters) {
  const double p[4] = {0.55, 6.0, 1.3, 3.1};
  const double coef[3] = {0.4, -0.7, 0.25};  // purchase z1, z2; dropout w
  for (const Case& c : kCases) {
    for (mitra_value_quantity q : kQuantities) {
      const std::vector<double> got = Predict(c.c, p, coef, q, 8);
      for (size_t i = 0; i < kX.size(); ++i) {
        double own[4];
        OwnParams(c.v, p, coef, i, own);
        const double want = Plain(c.v, own, q, 8, {kX[i]}, {kTx[i]}, {kT[i]})[0];
        EXPECT_NEAR(got[i], want, 1e-12 * std::max(1.0, std::fabs(want))) << c.v << " " << q << " " << i;
      }
    }
  }
}

// BG/NBD customers whose alpha moves with z (gamma1 = 0.6) and a, b with a
// 0/1 flag (gamma2 = 0.5), in continuous time.
struct Simulated {
  std::vector<double> x, tx, T, z, flag;
};
Simulated Simulate(size_t n, uint64_t seed) {
  mitra::Rng rng(seed);
  Simulated s;
  for (size_t i = 0; i < n; ++i) {
    const double z = mitra::NormalDraw(rng), f = rng.Uniform() < 0.4 ? 1.0 : 0.0;
    const double lambda = mitra::GammaDraw(rng, 0.8) / (4.0 * std::exp(-0.6 * z));
    const double drop = mitra::BetaDraw(rng, 0.8 * std::exp(0.5 * f), 2.4 * std::exp(0.5 * f));
    const double T = 39.0 - static_cast<double>(rng.Below(12));
    double t = 0, last = 0, x = 0;
    while (true) {
      t += -std::log(1.0 - rng.Uniform()) / lambda;
      if (t > T) break;
      ++x;
      last = t;
      if (rng.Uniform() < drop) break;
    }
    s.x.push_back(x);
    s.tx.push_back(last);
    s.T.push_back(T);
    s.z.push_back(z);
    s.flag.push_back(f);
  }
  return s;
}

// The BG/NBD fit with covariates z (purchase) and flag (dropout) through
// mitra_value_fit's message.
v1::FittedModel MessageFit(const Simulated& s) {
  v1::FitRequest req;
  req.set_model(v1::VALUE_MODEL_BG_NBD);
  req.mutable_frequency()->Add(s.x.begin(), s.x.end());
  req.mutable_recency()->Add(s.tx.begin(), s.tx.end());
  req.mutable_t()->Add(s.T.begin(), s.T.end());
  req.add_purchase_covariate_names("z");
  req.mutable_purchase_covariates()->Add(s.z.begin(), s.z.end());
  req.add_dropout_covariate_names("flag");
  req.mutable_dropout_covariates()->Add(s.flag.begin(), s.flag.end());
  const std::string bytes = req.SerializeAsString();
  uint8_t* out = nullptr;
  size_t len = 0;
  v1::FittedModel m;
  EXPECT_EQ(mitra_value_fit(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &out, &len,
                            nullptr),
            MITRA_OK);
  if (out != nullptr) {
    EXPECT_TRUE(m.ParseFromArray(out, static_cast<int>(len)));
    mitra_free(out);
  }
  return m;
}

TEST(ValueCovariatesCApi, FitRecoversPlantedCoefficientsAsTheMessageFitDoes) {
  const Simulated s = Simulate(3000, 11);
  const size_t n = s.x.size();
  double params[4], coef[2], se[6];
  mitra_value_covariate_test test;
  mitra_error* err = nullptr;
  const mitra_status st = mitra_value_fit_covariates(
      MITRA_VALUE_COVARIATE_BG_NBD, s.x.data(), s.tx.data(), s.T.data(), n, s.z.data(), n, 1,
      s.flag.data(), n, 1, 0.0, params, coef, se, &test, &err);
  ASSERT_EQ(st, MITRA_OK) << Message(st, err);
  EXPECT_LT(std::fabs(coef[0] - 0.6), 3 * se[4]) << coef[0] << " se " << se[4];
  EXPECT_LT(std::fabs(coef[1] - 0.5), 3 * se[5]) << coef[1] << " se " << se[5];
  EXPECT_LT(std::fabs(params[0] - 0.8), 3 * se[0]);
  EXPECT_LT(std::fabs(params[1] - 4.0), 3 * se[1]);
  EXPECT_EQ(test.degrees_of_freedom, 2);
  EXPECT_NEAR(test.statistic, 2 * (test.log_likelihood - test.restricted_log_likelihood), 1e-8);
  EXPECT_LT(test.p_value, 1e-6);

  // The same fit through mitra_value_fit's message.
  const v1::FittedModel m = MessageFit(s);
  EXPECT_NEAR(m.params().at("alpha"), params[1], 1e-9 * params[1]);
  EXPECT_NEAR(m.purchase_coefficients().at("z"), coef[0], 1e-9);
  EXPECT_NEAR(m.dropout_coefficients().at("flag"), coef[1], 1e-9);
  EXPECT_NEAR(m.report().likelihood_ratio().statistic(), test.statistic, 1e-8);
}

// The tracking series with covariates is the sum over customers of the
// plain series of each one alone at her own parameters
// (mitra_value_expected_cumulative_transactions); a bad array changes
// nothing.
TEST(ValueCovariatesCApi, TrackingSumsEachCustomersOwnPlainSeries) {
  const double p[4] = {0.55, 6.0, 1.3, 3.1};
  const double coef[3] = {0.4, -0.7, 0.25};
  const std::vector<double> birth = {0, 1.5, 3, 3, 7.25, 10, 12};
  const int32_t periods = 20;
  for (const Case& c : kCases) {
    std::vector<double> got(periods, -1.0);
    mitra_error* err = nullptr;
    const mitra_status st = mitra_value_expected_cumulative_transactions_covariates(
        c.c, p, coef, birth.data(), birth.size(), kPurchase.data(), kPurchase.size(), 2,
        kDropout.data(), kDropout.size(), 1, 1.0, periods, got.data(), &err);
    ASSERT_EQ(st, MITRA_OK) << Message(st, err);
    std::vector<double> want(periods, 0.0);
    for (size_t i = 0; i < birth.size(); ++i) {
      double own[4];
      OwnParams(c.v, p, coef, i, own);
      const std::string bytes = PlainModel(c.v, own);
      std::vector<double> one(periods);
      ASSERT_EQ(mitra_value_expected_cumulative_transactions(
                    reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &birth[i], 1,
                    1.0, periods, one.data(), nullptr),
                MITRA_OK);
      for (int k = 0; k < periods; ++k) want[k] += one[k];
    }
    for (int k = 0; k < periods; ++k)
      EXPECT_NEAR(got[k], want[k], 1e-12 * std::max(1.0, want[k])) << c.v << " period " << k;
    EXPECT_GT(got[periods - 1], 0);
  }
  std::vector<double> out(periods, -1.0);
  mitra_error* err = nullptr;
  mitra_status st = mitra_value_expected_cumulative_transactions_covariates(
      MITRA_VALUE_COVARIATE_BG_NBD, p, coef, birth.data(), birth.size(), kPurchase.data(), 5, 2,
      kDropout.data(), kDropout.size(), 1, 1.0, periods, out.data(), &err);
  EXPECT_EQ(st, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(st, err), HasSubstr("purchase: has 5 values"));
  st = mitra_value_expected_cumulative_transactions_covariates(
      MITRA_VALUE_COVARIATE_BG_NBD, p, coef, birth.data(), birth.size(), kPurchase.data(),
      kPurchase.size(), 2, kDropout.data(), kDropout.size(), 1, -1.0, periods, out.data(), &err);
  EXPECT_EQ(st, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(st, err), HasSubstr("step"));
  for (double v : out) EXPECT_EQ(v, -1.0);
}

// Intervals of a fit with covariates through mitra_value_predict_intervals:
// the request carries the customers' covariates, each estimate is her own
// prediction (mitra_value_predict_covariates), and the model's message
// without them is refused naming the field.
TEST(ValueCovariatesCApi, IntervalsOfAFitWithCovariates) {
  const Simulated s = Simulate(800, 13);
  const size_t n = s.x.size();
  const v1::FittedModel m = MessageFit(s);
  uint8_t* out = nullptr;
  size_t len = 0;

  v1::PredictIntervalsRequest r;
  *r.mutable_purchase_model() = m;
  r.mutable_frequency()->Add(s.x.begin(), s.x.end());
  r.mutable_recency()->Add(s.tx.begin(), s.tx.end());
  r.mutable_t()->Add(s.T.begin(), s.T.end());
  r.add_predictions(v1::VALUE_PREDICTION_EXPECTED_PURCHASES);
  r.set_horizon(10);
  r.set_draws(30);
  mitra_error* err = nullptr;
  std::string bytes = r.SerializeAsString();
  mitra_status st = mitra_value_predict_intervals(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                  bytes.size(), &out, &len, &err);
  EXPECT_EQ(st, MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(st, err), HasSubstr("PredictIntervalsRequest.purchase_covariate_names"));

  r.add_purchase_covariate_names("z");
  r.mutable_purchase_covariates()->Add(s.z.begin(), s.z.end());
  r.add_dropout_covariate_names("flag");
  r.mutable_dropout_covariates()->Add(s.flag.begin(), s.flag.end());
  bytes = r.SerializeAsString();
  st = mitra_value_predict_intervals(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                     &out, &len, &err);
  ASSERT_EQ(st, MITRA_OK) << Message(st, err);
  v1::PredictIntervalsResponse res;
  ASSERT_TRUE(res.ParseFromArray(out, static_cast<int>(len)));
  mitra_free(out);
  ASSERT_EQ(res.intervals_size(), 1);
  const v1::PredictionInterval& iv = res.intervals(0);
  const double params[4] = {m.params().at("r"), m.params().at("alpha"), m.params().at("a"),
                            m.params().at("b")};
  const double coef[2] = {m.purchase_coefficients().at("z"), m.dropout_coefficients().at("flag")};
  std::vector<double> own(n);
  st = mitra_value_predict_covariates(MITRA_VALUE_COVARIATE_BG_NBD, params, coef,
                                      MITRA_VALUE_EXPECTED_PURCHASES, 10, s.x.data(), s.tx.data(),
                                      s.T.data(), n, s.z.data(), n, 1, s.flag.data(), n, 1,
                                      own.data(), &err);
  ASSERT_EQ(st, MITRA_OK) << Message(st, err);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(iv.estimate(static_cast<int>(i)), own[i], 1e-12 * std::max(1.0, own[i])) << i;
    EXPECT_LE(iv.low(static_cast<int>(i)), iv.high(static_cast<int>(i))) << i;
  }
  EXPECT_LT(iv.total_low(), iv.total());
  EXPECT_GT(iv.total_high(), iv.total());
  ASSERT_EQ(res.realised_size(), 1);
}

TEST(ValueCovariatesCApi, BadArraysAreRefusedWithNothingWritten) {
  const size_t n = kX.size();
  double params[4] = {-1, -1, -1, -1}, coef[3] = {-1, -1, -1}, se[7];
  mitra_value_covariate_test test{};
  // The model travels as an int: an unknown value (9) must not be loaded as
  // the C++ enum (undefined), only handed to the C function, as a C host does.
  auto fit = [&](int model, const double* purchase, size_t purchase_len,
                 size_t pc, const double* dropout, size_t dropout_len, size_t dc, double penalty) {
    mitra_error* err = nullptr;
    const mitra_status s =
        mitra_value_fit_covariates(static_cast<mitra_value_covariate_model>(model), kX.data(),
                                   kTx.data(), kT.data(), n, purchase, purchase_len,
                                   pc, dropout, dropout_len, dc, penalty, params, coef, se, &test, &err);
    EXPECT_EQ(s, MITRA_INVALID_ARGUMENT);
    return Message(s, err);
  };
  // A matrix of the wrong length.
  EXPECT_THAT(fit(MITRA_VALUE_COVARIATE_BG_NBD, kPurchase.data(), kPurchase.size() - 1, 2, nullptr, 0, 0, 0),
              HasSubstr("purchase: has 13 values, expected 7 customers x 2 columns = 14"));
  // NaN.
  std::vector<double> bad = kDropout;
  bad[3] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(fit(MITRA_VALUE_COVARIATE_PARETO_NBD, nullptr, 0, 0, bad.data(), bad.size(), 1, 0),
              HasSubstr("dropout[3]: must be finite"));
  // A constant column cannot be told apart from alpha.
  const std::vector<double> ones(n, 1.0);
  EXPECT_THAT(fit(MITRA_VALUE_COVARIATE_BG_NBD, ones.data(), n, 1, nullptr, 0, 0, 0),
              HasSubstr("purchase: column \"0\" is constant"));
  EXPECT_THAT(fit(MITRA_VALUE_COVARIATE_BG_NBD, kPurchase.data(), kPurchase.size(), 2, nullptr, 0, 0, -1),
              HasSubstr("penalty"));
  EXPECT_THAT(fit(MITRA_VALUE_COVARIATE_BG_NBD, nullptr, 14, 2, nullptr, 0, 0, 0), HasSubstr("purchase"));
  EXPECT_THAT(fit(9, kPurchase.data(), kPurchase.size(), 2,
                  nullptr, 0, 0, 0),
              HasSubstr("model: unknown mitra_value_covariate_model 9"));
  for (double v : params) EXPECT_EQ(v, -1);
  for (double v : coef) EXPECT_EQ(v, -1);

  // Predictions: bad parameters, coefficients, t, quantity.
  double out[7];
  auto predict = [&](const double* p, const double* c, mitra_value_quantity q, double t, size_t pl) {
    mitra_error* err = nullptr;
    const mitra_status s = mitra_value_predict_covariates(
        MITRA_VALUE_COVARIATE_MBG_NBD, p, c, q, t, kX.data(), kTx.data(), kT.data(), n,
        kPurchase.data(), pl, 2, kDropout.data(), kDropout.size(), 1, out, &err);
    EXPECT_EQ(s, MITRA_INVALID_ARGUMENT);
    return Message(s, err);
  };
  const double good[4] = {1, 2, 3, 4}, zero[3] = {0, 0, 0};
  const double nan_alpha[4] = {1, std::numeric_limits<double>::quiet_NaN(), 3, 4};
  const double inf_coef[3] = {0, std::numeric_limits<double>::infinity(), 0};
  EXPECT_THAT(predict(nan_alpha, zero, MITRA_VALUE_PROBABILITY_ALIVE, 0, 14), HasSubstr("params[1]: must be finite and > 0"));
  EXPECT_THAT(predict(good, inf_coef, MITRA_VALUE_PROBABILITY_ALIVE, 0, 14), HasSubstr("coefficients[1]: must be finite"));
  EXPECT_THAT(predict(good, zero, MITRA_VALUE_EXPECTED_PURCHASES, -1, 14), HasSubstr("t: must be finite and >= 0"));
  EXPECT_THAT(predict(good, zero, static_cast<mitra_value_quantity>(0), 1, 14), HasSubstr("quantity: unknown"));
  EXPECT_THAT(predict(good, zero, MITRA_VALUE_PROBABILITY_ALIVE, 0, 13), HasSubstr("purchase: has 13 values"));
}

}  // namespace
