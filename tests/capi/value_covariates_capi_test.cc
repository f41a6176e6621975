// Fits and predictions with covariates through the columnar C functions
// (mitra.h, "Customer value: covariates"): zero coefficients are the plain
// model, a customer's prediction is the plain model's at her own
// parameters, planted coefficients are recovered, the columnar fit is the
// message fit, and bad arrays are refused with nothing written.
#include <cmath>
#include <array>
#include <limits>
#include <map>
#include <utility>
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

// The serialized FittedModel of mitra_value_fit with the covariates in the
// request.
std::string MessageFitBytes(v1::ValueModel model, const Simulated& s) {
  v1::FitRequest req;
  req.set_model(model);
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
  EXPECT_EQ(mitra_value_fit(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &out,
                            &len, nullptr),
            MITRA_OK);
  std::string r(reinterpret_cast<const char*>(out), len);
  mitra_free(out);
  return r;
}

// The BG/NBD fit with covariates z (purchase) and flag (dropout) through
// mitra_value_fit's message.
v1::FittedModel MessageFit(const Simulated& s) {
  v1::FittedModel m;
  EXPECT_TRUE(m.ParseFromString(MessageFitBytes(v1::VALUE_MODEL_BG_NBD, s)));
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

// ---- A covariate fit whose log-likelihood the host sums over blocks --------

// The host's side: the customers of a Simulated in blocks [bounds[b],
// bounds[b + 1]), z the purchase and flag the dropout column, each block
// evaluated by mitra_value_covariate_log_likelihood.
struct Host {
  const Simulated* s = nullptr;
  std::vector<size_t> bounds;
  mitra_value_covariate_model model = MITRA_VALUE_COVARIATE_BG_NBD;
  int fail_at = 0;  // the callback returns 7 at this evaluation (0: never)
  int calls = 0;
};

int SumOverBlocks(const double* params, const double* coef, const double* center,
                  const double* scale, double* ll, double* grad, void* user) {
  Host* h = static_cast<Host*>(user);
  if (++h->calls == h->fail_at) return 7;
  *ll = 0;
  std::fill(grad, grad + 6, 0.0);
  for (size_t b = 0; b + 1 < h->bounds.size(); ++b) {
    const size_t lo = h->bounds[b], m = h->bounds[b + 1] - lo;
    const Simulated& s = *h->s;
    double v = 0, g[6];
    mitra_error* err = nullptr;
    const mitra_status st = mitra_value_covariate_log_likelihood(
        h->model, params, coef, center, scale, s.x.data() + lo, s.tx.data() + lo, s.T.data() + lo,
        nullptr, m, s.z.data() + lo, m, 1, s.flag.data() + lo, m, 1, &v, g, &err);
    if (st != MITRA_OK) {
      ADD_FAILURE() << Message(st, err);
      return 1;
    }
    *ll += v;
    for (int j = 0; j < 6; ++j) grad[j] += g[j];
  }
  return 0;
}

// Both passes of mitra_value_covariate_moments over the blocks of one
// column: {sum, cross}.
std::pair<double, double> Moments(const std::vector<double>& z, const std::vector<size_t>& bounds) {
  double sum = 0, cross = 0, part = 0;
  for (size_t b = 0; b + 1 < bounds.size(); ++b) {
    EXPECT_EQ(mitra_value_covariate_moments(z.data() + bounds[b], bounds[b + 1] - bounds[b], 1,
                                            nullptr, 0, &part, nullptr),
              MITRA_OK);
    sum += part;
  }
  const double count = static_cast<double>(z.size());
  for (size_t b = 0; b + 1 < bounds.size(); ++b) {
    EXPECT_EQ(mitra_value_covariate_moments(z.data() + bounds[b], bounds[b + 1] - bounds[b], 1,
                                            &sum, count, &part, nullptr),
              MITRA_OK);
    cross += part;
  }
  return {sum, cross};
}

// The request of the callback fit: the model's rows without covariates
// (weighted when merged), the covariates' names.
std::string CallbackRequest(v1::ValueModel model, const std::vector<double>& x,
                            const std::vector<double>& tx, const std::vector<double>& T,
                            const std::vector<double>& weight) {
  v1::FitRequest req;
  req.set_model(model);
  req.mutable_frequency()->Add(x.begin(), x.end());
  req.mutable_recency()->Add(tx.begin(), tx.end());
  req.mutable_t()->Add(T.begin(), T.end());
  req.mutable_weight()->Add(weight.begin(), weight.end());
  req.add_purchase_covariate_names("z");
  req.add_dropout_covariate_names("flag");
  return req.SerializeAsString();
}

// mitra_value_fit_covariates_callback over the host's blocks: status, the
// serialized FittedModel (empty on failure) and the error message.
struct CallbackResult {
  mitra_status status;
  std::string bytes, message;
  bool out_null = true;
};
CallbackResult FitThroughCallback(const std::string& request, Host& host) {
  const auto [zs, zc] = Moments(host.s->z, host.bounds);
  const auto [fs, fc] = Moments(host.s->flag, host.bounds);
  uint8_t* out = nullptr;
  size_t len = 0;
  mitra_error* err = nullptr;
  CallbackResult r;
  r.status = mitra_value_fit_covariates_callback(
      reinterpret_cast<const uint8_t*>(request.data()), request.size(),
      static_cast<double>(host.s->x.size()), &zs, &zc, &fs, &fc, SumOverBlocks, &host, &out, &len,
      &err);
  r.out_null = out == nullptr && len == 0;
  if (out != nullptr) r.bytes.assign(reinterpret_cast<const char*>(out), len);
  mitra_free(out);
  r.message = Message(r.status, err);
  return r;
}

// Over one block holding every customer in order, the callback's sums are
// the single-process fit's, term for term: the FittedModel is the same,
// byte for byte, for all three models.
TEST(ValueCovariatesCApi, CallbackFitOverOneBlockIsTheMessageFitBitForBit) {
  const Simulated s = Simulate(1500, 21);
  for (const Case& c : kCases) {
    Host host{&s, {0, s.x.size()}, c.c};
    const CallbackResult r =
        FitThroughCallback(CallbackRequest(c.v, s.x, s.tx, s.T, {}), host);
    ASSERT_EQ(r.status, MITRA_OK) << r.message;
    EXPECT_EQ(r.bytes, MessageFitBytes(c.v, s)) << c.v;
    EXPECT_GT(host.calls, 10);
  }
}

// Over blocks of uneven sizes, with the rows of the fit without
// covariates merged into weighted rows, the sums are the same up to their
// order: parameters, coefficients, standard errors and the test agree to
// 1e-9.
TEST(ValueCovariatesCApi, CallbackFitOverBlocksEqualsTheMessageFit) {
  const Simulated s = Simulate(2000, 23);
  std::map<std::array<double, 3>, double> merged;
  for (size_t i = 0; i < s.x.size(); ++i) merged[{s.x[i], s.tx[i], s.T[i]}] += 1;
  std::vector<double> x, tx, T, w;
  for (const auto& [row, count] : merged) {
    x.push_back(row[0]);
    tx.push_back(row[1]);
    T.push_back(row[2]);
    w.push_back(count);
  }
  ASSERT_LT(x.size(), s.x.size());
  for (const Case& c : kCases) {
    v1::FittedModel want, got;
    ASSERT_TRUE(want.ParseFromString(MessageFitBytes(c.v, s)));
    Host host{&s, {0, 1, 613, 1400, 2000}, c.c};
    const CallbackResult r = FitThroughCallback(CallbackRequest(c.v, x, tx, T, w), host);
    ASSERT_EQ(r.status, MITRA_OK) << r.message;
    ASSERT_TRUE(got.ParseFromString(r.bytes));
    auto close = [](double a, double b) { return std::fabs(a - b) <= 1e-9 * std::fabs(b); };
    // Standard errors come from forward differences of the gradient, which
    // magnify the sums' rounding: reordering the customers of the single
    // fit moves them by up to ~1e-6 as well.
    auto se_close = [](double a, double b) { return std::fabs(a - b) <= 1e-5 * std::fabs(b); };
    for (const auto& [name, v] : want.params()) EXPECT_PRED2(close, got.params().at(name), v) << name;
    for (const auto& [name, v] : want.report().standard_errors())
      EXPECT_PRED2(se_close, got.report().standard_errors().at(name), v) << name;
    EXPECT_PRED2(close, got.purchase_coefficients().at("z"), want.purchase_coefficients().at("z"));
    EXPECT_PRED2(close, got.dropout_coefficients().at("flag"),
                 want.dropout_coefficients().at("flag"));
    EXPECT_PRED2(se_close, got.report().purchase_coefficient_errors().at("z"),
                 want.report().purchase_coefficient_errors().at("z"));
    EXPECT_PRED2(se_close, got.report().dropout_coefficient_errors().at("flag"),
                 want.report().dropout_coefficient_errors().at("flag"));
    EXPECT_PRED2(close, got.report().log_likelihood(), want.report().log_likelihood());
    EXPECT_PRED2(close, got.report().likelihood_ratio().restricted_log_likelihood(),
                 want.report().likelihood_ratio().restricted_log_likelihood());
    EXPECT_NEAR(got.report().likelihood_ratio().statistic(),
                want.report().likelihood_ratio().statistic(), 1e-7);
    EXPECT_EQ(got.report().total_weight(), want.report().total_weight());
    EXPECT_EQ(got.report().rows(), want.report().rows());
  }
}

// The block evaluation: its gradient against central differences, in the
// caller's units and in the fit's centred and scaled coordinates (which are
// the caller's units at alpha e^(g c / s), a e^(-h d / t), b e^(-h d / t),
// coefficients g / s and h / t); at the fit's optimum the gradient
// vanishes.
TEST(ValueCovariatesCApi, BlockLikelihoodMatchesFiniteDifferencesAndVanishesAtTheFit) {
  const Simulated s = Simulate(600, 29);
  const size_t n = s.x.size();
  auto eval = [&](const double* p, const double* coef, const double* center, const double* scale,
                  double* g) {
    double v = NAN;
    mitra_error* err = nullptr;
    const mitra_status st = mitra_value_covariate_log_likelihood(
        MITRA_VALUE_COVARIATE_BG_NBD, p, coef, center, scale, s.x.data(), s.tx.data(),
        s.T.data(), nullptr, n, s.z.data(), n, 1, s.flag.data(), n, 1, &v, g, &err);
    EXPECT_EQ(st, MITRA_OK) << Message(st, err);
    return v;
  };
  const double center[2] = {0.2, 0.4}, scale[2] = {1.1, 0.5};
  const double p[4] = {0.7, 3.5, 0.9, 2.2}, coef[2] = {0.3, -0.4};
  double g[6];
  const double ll = eval(p, coef, center, scale, g);
  for (int j = 0; j < 6; ++j) {
    auto at = [&](double d) {
      double q[4] = {p[0], p[1], p[2], p[3]}, k[2] = {coef[0], coef[1]};
      (j < 4 ? q[j] : k[j - 4]) += d;
      return eval(q, k, center, scale, nullptr);
    };
    const double h = 1e-5, want = (at(h) - at(-h)) / (2 * h);
    EXPECT_NEAR(g[j], want, 1e-6 * std::max(1.0, std::fabs(want))) << j;
  }
  const double e1 = std::exp(coef[0] * center[0] / scale[0]);
  const double e2 = std::exp(-coef[1] * center[1] / scale[1]);
  const double raw_p[4] = {p[0], p[1] * e1, p[2] * e2, p[3] * e2};
  const double raw_coef[2] = {coef[0] / scale[0], coef[1] / scale[1]};
  EXPECT_NEAR(eval(raw_p, raw_coef, nullptr, nullptr, nullptr), ll, 1e-11 * std::fabs(ll));

  double params[4], fitted[2], se[6];
  mitra_value_covariate_test test;
  ASSERT_EQ(mitra_value_fit_covariates(MITRA_VALUE_COVARIATE_BG_NBD, s.x.data(), s.tx.data(),
                                       s.T.data(), n, s.z.data(), n, 1, s.flag.data(), n, 1, 0.0,
                                       params, fitted, se, &test, nullptr),
            MITRA_OK);
  EXPECT_NEAR(eval(params, fitted, nullptr, nullptr, g), test.log_likelihood,
              1e-12 * std::fabs(test.log_likelihood));
  // d LL / d ln theta and d LL / d coefficient, per customer.
  for (int j = 0; j < 6; ++j)
    EXPECT_LT(std::fabs(g[j] * (j < 4 ? params[j] : 1.0)) / static_cast<double>(n), 1e-7) << j;
  // An empty block adds nothing.
  double empty = NAN, eg[6];
  ASSERT_EQ(mitra_value_covariate_log_likelihood(MITRA_VALUE_COVARIATE_PARETO_NBD, p, coef, center,
                                                 scale, nullptr, nullptr, nullptr, nullptr, 0,
                                                 nullptr, 0, 1, nullptr, 0, 1, &empty, eg, nullptr),
            MITRA_OK);
  EXPECT_EQ(empty, 0.0);
  for (double v : eg) EXPECT_EQ(v, 0.0);
}

// A host that fails stops the fit: ABORTED naming its return value and the
// evaluation, no further calls, nothing written.
TEST(ValueCovariatesCApi, CallbackFailureStopsTheFitAndWritesNothing) {
  const Simulated s = Simulate(400, 31);
  for (int fail_at : {1, 5}) {
    Host host{&s, {0, 200, 400}, MITRA_VALUE_COVARIATE_BG_NBD, fail_at};
    const CallbackResult r =
        FitThroughCallback(CallbackRequest(v1::VALUE_MODEL_BG_NBD, s.x, s.tx, s.T, {}), host);
    EXPECT_EQ(r.status, MITRA_ABORTED);
    EXPECT_THAT(r.message, HasSubstr("log_likelihood: the host's callback returned 7 at "
                                     "evaluation " + std::to_string(fail_at)));
    EXPECT_TRUE(r.out_null);
    EXPECT_EQ(host.calls, fail_at);
  }
}

TEST(ValueCovariatesCApi, CallbackFitRefusesBadInputNamingIt) {
  const Simulated s = Simulate(300, 37);
  Host host{&s, {0, 300}};
  const std::string good = CallbackRequest(v1::VALUE_MODEL_BG_NBD, s.x, s.tx, s.T, {});
  const double sum = 1, cross = 2;
  auto run = [&](const std::string& req, double count, const double* zsum,
                 mitra_value_covariate_likelihood fn, const double* fcross = nullptr) {
    uint8_t* out = nullptr;
    size_t len = 0;
    mitra_error* err = nullptr;
    const mitra_status st = mitra_value_fit_covariates_callback(
        reinterpret_cast<const uint8_t*>(req.data()), req.size(), count, zsum, &cross, &sum,
        fcross ? fcross : &cross, fn, &host, &out, &len, &err);
    EXPECT_NE(st, MITRA_OK);
    EXPECT_EQ(out, nullptr);
    return Message(st, err);
  };
  EXPECT_THAT(run(good, 300, &sum, nullptr), HasSubstr("log_likelihood is NULL"));
  EXPECT_THAT(run(good, 300, nullptr, SumOverBlocks), HasSubstr("purchase_sum is NULL"));
  EXPECT_THAT(run(good, 0, &sum, SumOverBlocks), HasSubstr("count: must be a whole number"));
  const double zero = 0;
  EXPECT_THAT(run(good, 300, &sum, SumOverBlocks, &zero),
              HasSubstr("FitRequest.dropout_covariates: column \"flag\" is constant"));
  v1::FitRequest with_values;
  ASSERT_TRUE(with_values.ParseFromString(good));
  with_values.add_purchase_covariates(1.0);
  EXPECT_THAT(run(with_values.SerializeAsString(), 300, &sum, SumOverBlocks),
              HasSubstr("FitRequest.purchase_covariates: the covariate values stay"));
  v1::FitRequest gg = with_values;
  gg.clear_purchase_covariates();
  gg.set_model(v1::VALUE_MODEL_GAMMA_GAMMA);
  EXPECT_THAT(run(gg.SerializeAsString(), 300, &sum, SumOverBlocks),
              HasSubstr("FitRequest.model: covariates apply to BG/NBD"));
  EXPECT_EQ(host.calls, 0);

  // The block functions.
  const double bad[3] = {1, NAN, 2};
  double out[9] = {-1};
  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_value_covariate_moments(bad, 3, 1, nullptr, 0, out, &err), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(MITRA_INVALID_ARGUMENT, err), HasSubstr("values[1]: must be finite"));
  EXPECT_EQ(out[0], -1);
  const double p[4] = {1, 1, 1, 1}, coef[2] = {0, 0}, c[2] = {0, 0};
  double ll = -1;
  EXPECT_EQ(mitra_value_covariate_log_likelihood(MITRA_VALUE_COVARIATE_BG_NBD, p, coef, c, nullptr,
                                                 s.x.data(), s.tx.data(), s.T.data(), nullptr, 3,
                                                 s.z.data(), 3, 1, s.flag.data(), 3, 1, &ll,
                                                 nullptr, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(MITRA_INVALID_ARGUMENT, err), HasSubstr("scale is NULL but center is not"));
  const double zero_scale[2] = {1, 0};
  EXPECT_EQ(mitra_value_covariate_log_likelihood(MITRA_VALUE_COVARIATE_BG_NBD, p, coef, c,
                                                 zero_scale, s.x.data(), s.tx.data(), s.T.data(),
                                                 nullptr, 3, s.z.data(), 3, 1, s.flag.data(), 3, 1,
                                                 &ll, nullptr, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(MITRA_INVALID_ARGUMENT, err), HasSubstr("scale[1]: must be finite and > 0"));
  EXPECT_EQ(ll, -1);
}

}  // namespace
