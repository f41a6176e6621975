// A fit without covariates whose log-likelihood the host sums over blocks
// (mitra_value_log_likelihood, mitra_value_fit_callback), on the CDNOW
// sample: against the published estimates (Fader, Hardie & Lee 2005;
// Fader & Hardie 2013), against mitra_value_fit on the same rows, and in
// continuous time (each transaction moved by a seeded number of seconds
// within its day), where the rows no longer merge.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "mitra/mitra.h"
#include "mitra/v1/value.pb.h"
#include "value/cdnow.h"

namespace {

using mitra::value::testing::LoadCdnowSample;
using mitra::value::testing::UnixDay;
using ::testing::HasSubstr;
namespace v1 = mitra::v1;

std::string Message(mitra_status s, mitra_error* err) {
  std::string m = err ? mitra_error_message(err) : mitra_status_name(s);
  mitra_error_free(err);
  return m;
}

// The CDNOW summaries with days as periods (the published fits) or with
// seconds as periods and each transaction moved by a seeded offset within
// its day (continuous time), weeks as the unit.
v1::CustomerSummaries Summaries(bool continuous) {
  auto tx = LoadCdnowSample(MITRA_REFERENCE_DATA_DIR);
  if (continuous) {
    std::mt19937_64 rng(17);
    for (auto& t : tx.time) t += static_cast<int64_t>(rng() % 86400);
  }
  v1::SummaryRequest r;
  r.set_calibration_end_unix_seconds(UnixDay(1997, 9, 30) + (continuous ? 86399 : 0));
  r.set_period_seconds(continuous ? 1 : 86400);
  r.set_unit_seconds(7 * 86400);
  const std::string req = r.SerializeAsString();
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  const mitra_status s = mitra_value_summarize(
      tx.customer.data(), tx.time.data(), tx.amount.data(), tx.customer.size(),
      reinterpret_cast<const uint8_t*>(req.data()), req.size(), &out, &n, &err);
  EXPECT_EQ(s, MITRA_OK) << Message(s, err);
  v1::CustomerSummaries m;
  EXPECT_TRUE(m.ParseFromArray(out, static_cast<int>(n)));
  mitra_free(out);
  return m;
}

const v1::CustomerSummaries& Days() {
  static const v1::CustomerSummaries* s = new v1::CustomerSummaries(Summaries(false));
  return *s;
}
const v1::CustomerSummaries& Seconds() {
  static const v1::CustomerSummaries* s = new v1::CustomerSummaries(Summaries(true));
  return *s;
}

size_t Parameters(v1::ValueModel model) { return model == v1::VALUE_MODEL_GAMMA_GAMMA ? 3 : 4; }

// The host: the summaries in blocks [bounds[b], bounds[b + 1]), each
// evaluated by mitra_value_log_likelihood.
struct Host {
  const v1::CustomerSummaries* s = nullptr;
  std::vector<size_t> bounds;
  v1::ValueModel model = v1::VALUE_MODEL_BG_NBD;
  int fail_at = 0;  // the callback returns 7 at this evaluation (0: never)
  int calls = 0;
};

int SumOverBlocks(const double* params, double* ll, double* grad, void* user) {
  Host* h = static_cast<Host*>(user);
  if (++h->calls == h->fail_at) return 7;
  const size_t k = Parameters(h->model);
  *ll = 0;
  std::fill(grad, grad + k, 0.0);
  for (size_t b = 0; b + 1 < h->bounds.size(); ++b) {
    const size_t lo = h->bounds[b], m = h->bounds[b + 1] - lo;
    const v1::CustomerSummaries& s = *h->s;
    double v = 0, g[4];
    mitra_error* err = nullptr;
    const mitra_status st = mitra_value_log_likelihood(
        h->model, params, k, s.frequency().data() + lo, s.recency().data() + lo,
        s.t().data() + lo, s.monetary_value().data() + lo, nullptr, m, &v, g, &err);
    if (st != MITRA_OK) {
      ADD_FAILURE() << Message(st, err);
      return 1;
    }
    *ll += v;
    for (size_t j = 0; j < k; ++j) grad[j] += g[j];
  }
  return 0;
}

struct Result {
  mitra_status status;
  v1::FittedModel model;
  std::string bytes, message;
  bool out_null = true;
};

Result FitThroughCallback(const v1::FitRequest& request, double count, Host& host) {
  const std::string req = request.SerializeAsString();
  uint8_t* out = nullptr;
  size_t len = 0;
  mitra_error* err = nullptr;
  Result r;
  r.status = mitra_value_fit_callback(reinterpret_cast<const uint8_t*>(req.data()), req.size(),
                                      count, SumOverBlocks, &host, &out, &len, &err);
  r.out_null = out == nullptr && len == 0;
  if (out != nullptr) r.bytes.assign(reinterpret_cast<const char*>(out), len);
  mitra_free(out);
  r.message = Message(r.status, err);
  if (r.status == MITRA_OK) {
    EXPECT_TRUE(r.model.ParseFromString(r.bytes));
  }
  return r;
}

v1::FitRequest Request(v1::ValueModel model) {
  v1::FitRequest r;
  r.set_model(model);
  r.set_unit_seconds(7 * 86400);
  return r;
}

// mitra_value_fit on the summaries' rows (grouped or as given).
v1::FittedModel MessageFit(v1::ValueModel model, const v1::CustomerSummaries& s, bool group) {
  v1::FitRequest r = Request(model);
  *r.mutable_frequency() = s.frequency();
  if (model == v1::VALUE_MODEL_GAMMA_GAMMA) {
    *r.mutable_monetary_value() = s.monetary_value();
  } else {
    *r.mutable_recency() = s.recency();
    *r.mutable_t() = s.t();
  }
  r.mutable_options()->set_no_grouping(!group);
  const std::string req = r.SerializeAsString();
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  const mitra_status st = mitra_value_fit(reinterpret_cast<const uint8_t*>(req.data()), req.size(),
                                          &out, &n, &err);
  EXPECT_EQ(st, MITRA_OK) << Message(st, err);
  v1::FittedModel m;
  EXPECT_TRUE(m.ParseFromArray(out, static_cast<int>(n)));
  mitra_free(out);
  return m;
}

double Count(v1::ValueModel model, const v1::CustomerSummaries& s) {
  if (model != v1::VALUE_MODEL_GAMMA_GAMMA) return s.frequency_size();
  return static_cast<double>(std::count_if(s.frequency().begin(), s.frequency().end(),
                                           [](double x) { return x > 0; }));
}

constexpr v1::ValueModel kModels[] = {v1::VALUE_MODEL_BG_NBD, v1::VALUE_MODEL_MBG_NBD,
                                      v1::VALUE_MODEL_PARETO_NBD, v1::VALUE_MODEL_GAMMA_GAMMA};

// Summed over uneven blocks, the fit is the published one: BG/NBD r =
// 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4 (FHL 2005);
// Gamma-Gamma p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat buyers
// (Fader & Hardie 2013).
TEST(ValueLikelihoodCApi, CallbackFitOverBlocksIsThePublishedFit) {
  const v1::CustomerSummaries& s = Days();
  ASSERT_EQ(s.frequency_size(), 2357);
  Host bg{&s, {0, 1, 700, 1500, 2357}, v1::VALUE_MODEL_BG_NBD};
  const Result r = FitThroughCallback(Request(v1::VALUE_MODEL_BG_NBD), 2357, bg);
  ASSERT_EQ(r.status, MITRA_OK) << r.message;
  const auto& p = r.model.params();
  EXPECT_NEAR(p.at("r"), 0.243, 0.0005);
  EXPECT_NEAR(p.at("alpha"), 4.414, 0.005);
  EXPECT_NEAR(p.at("a"), 0.793, 0.0005);
  EXPECT_NEAR(p.at("b"), 2.426, 0.005);
  EXPECT_NEAR(r.model.report().log_likelihood(), -9582.4, 0.5);
  EXPECT_EQ(r.model.report().total_weight(), 2357);
  EXPECT_EQ(r.model.report().rows(), 2357);
  EXPECT_EQ(r.model.report().standard_errors_size(), 4);
  EXPECT_EQ(r.model.unit_seconds(), 7 * 86400);
  EXPECT_GT(bg.calls, 10);

  Host gg{&s, {0, 999, 1000, 2357}, v1::VALUE_MODEL_GAMMA_GAMMA};
  const Result g = FitThroughCallback(Request(v1::VALUE_MODEL_GAMMA_GAMMA), 946, gg);
  ASSERT_EQ(g.status, MITRA_OK) << g.message;
  EXPECT_NEAR(g.model.params().at("p"), 6.25, 0.005);
  EXPECT_NEAR(g.model.params().at("q"), 3.74, 0.005);
  EXPECT_NEAR(g.model.params().at("gamma"), 15.44, 0.05);
  EXPECT_EQ(g.model.report().total_weight(), 946);
  EXPECT_EQ(g.model.report().rows(), 946);
  EXPECT_FALSE(g.model.report().has_spend_independence());  // it needs the rows
}

// Over one block holding every customer in order, the callback's sums are
// mitra_value_fit's on the rows as given, term for term: the same
// FittedModel, byte for byte, for all four models (Gamma-Gamma's but for
// the spend check, which needs the rows, and its rows count).
TEST(ValueLikelihoodCApi, CallbackFitOverOneBlockIsTheMessageFitBitForBit) {
  const v1::CustomerSummaries& s = Seconds();
  const size_t n = static_cast<size_t>(s.frequency_size());
  for (v1::ValueModel model : kModels) {
    Host host{&s, {0, n}, model};
    const Result r = FitThroughCallback(Request(model), Count(model, s), host);
    ASSERT_EQ(r.status, MITRA_OK) << r.message;
    v1::FittedModel want = MessageFit(model, s, false);
    want.mutable_report()->clear_spend_independence();
    want.mutable_report()->set_rows(static_cast<int64_t>(Count(model, s)));
    // Every field equal, doubles to the bit (maps serialize in any order).
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(r.model, want))
        << model << "\n" << r.model.DebugString() << want.DebugString();
  }
}

// Continuous time: nearly every row distinct. Over blocks of uneven sizes
// (one empty) the sums differ from the single fit's in their order only:
// parameters and log-likelihood agree to 1e-9, the standard errors (forward
// differences of the gradient, which magnify that rounding) to 1e-5.
TEST(ValueLikelihoodCApi, CallbackFitOverBlocksEqualsTheMessageFitInContinuousTime) {
  const v1::CustomerSummaries& s = Seconds();
  const size_t n = static_cast<size_t>(s.frequency_size());
  for (v1::ValueModel model : kModels) {
    const v1::FittedModel want = MessageFit(model, s, true);
    if (model != v1::VALUE_MODEL_GAMMA_GAMMA) {
      EXPECT_GT(want.report().rows(), 2200) << model;
    }
    Host host{&s, {0, 0, 13, 1200, 1201, n}, model};
    const Result r = FitThroughCallback(Request(model), Count(model, s), host);
    ASSERT_EQ(r.status, MITRA_OK) << r.message;
    auto close = [](double a, double b) { return std::fabs(a - b) <= 1e-9 * std::fabs(b); };
    auto se_close = [](double a, double b) { return std::fabs(a - b) <= 1e-5 * std::fabs(b); };
    ASSERT_EQ(r.model.params_size(), static_cast<int>(Parameters(model)));
    for (const auto& [name, v] : want.params())
      EXPECT_PRED2(close, r.model.params().at(name), v) << model << " " << name;
    ASSERT_EQ(r.model.report().standard_errors_size(), static_cast<int>(Parameters(model)));
    for (const auto& [name, v] : want.report().standard_errors())
      EXPECT_PRED2(se_close, r.model.report().standard_errors().at(name), v) << name;
    EXPECT_PRED2(close, r.model.report().log_likelihood(), want.report().log_likelihood());
    EXPECT_EQ(r.model.report().total_weight(), want.report().total_weight());
    EXPECT_EQ(r.model.report().covariance_parameters_size(), want.report().covariance_parameters_size());
  }
}

// The block sum's gradient against central differences, for every model;
// blocks add up to the whole; an empty block (and Gamma-Gamma's block
// without a repeat buyer) adds 0; weights count rows.
TEST(ValueLikelihoodCApi, BlockLikelihoodMatchesFiniteDifferencesAndAddsUp) {
  const v1::CustomerSummaries& s = Seconds();
  const size_t n = 300;
  const double at[4][4] = {{0.7, 3.5, 0.9, 2.2}, {0.6, 4.0, 1.1, 3.0}, {0.5, 9.0, 0.8, 12.0},
                           {5.0, 3.5, 14.0, 0}};
  for (size_t m = 0; m < 4; ++m) {
    const v1::ValueModel model = kModels[m];
    const size_t k = Parameters(model);
    auto eval = [&](const double* p, size_t lo, size_t count, const double* w, double* g) {
      double v = NAN;
      mitra_error* err = nullptr;
      const mitra_status st = mitra_value_log_likelihood(
          model, p, k, s.frequency().data() + lo, s.recency().data() + lo, s.t().data() + lo,
          s.monetary_value().data() + lo, w, count, &v, g, &err);
      EXPECT_EQ(st, MITRA_OK) << Message(st, err);
      return v;
    };
    double g[4];
    const double ll = eval(at[m], 0, n, nullptr, g);
    for (size_t j = 0; j < k; ++j) {
      auto moved = [&](double d) {
        double q[4] = {at[m][0], at[m][1], at[m][2], at[m][3]};
        q[j] += d;
        return eval(q, 0, n, nullptr, nullptr);
      };
      const double h = 1e-5 * at[m][j], want = (moved(h) - moved(-h)) / (2 * h);
      EXPECT_NEAR(g[j], want, 1e-5 * std::max(1.0, std::fabs(want))) << model << " " << j;
    }
    const double parts = eval(at[m], 0, 120, nullptr, nullptr) + eval(at[m], 120, 0, nullptr, nullptr) +
                         eval(at[m], 120, 180, nullptr, nullptr);
    EXPECT_NEAR(parts, ll, 1e-12 * std::fabs(ll)) << model;
    // Row 0 twice by weight 2 = row 0 in two blocks.
    const double two = 2;
    EXPECT_NEAR(eval(at[m], 0, 1, &two, nullptr), 2 * eval(at[m], 0, 1, nullptr, nullptr), 1e-12)
        << model;
    double empty = NAN, eg[4] = {1, 1, 1, 1};
    ASSERT_EQ(mitra_value_log_likelihood(model, at[m], k, nullptr, nullptr, nullptr, nullptr,
                                         nullptr, 0, &empty, eg, nullptr),
              MITRA_OK);
    EXPECT_EQ(empty, 0.0);
    for (size_t j = 0; j < k; ++j) EXPECT_EQ(eg[j], 0.0);
  }
  const double one_time[2] = {0, 0}, spend[2] = {0, 0}, p[3] = {6, 4, 15};
  double v = NAN, grad[3] = {1, 1, 1};
  ASSERT_EQ(mitra_value_log_likelihood(v1::VALUE_MODEL_GAMMA_GAMMA, p, 3, one_time, nullptr,
                                       nullptr, spend, nullptr, 2, &v, grad, nullptr),
            MITRA_OK);
  EXPECT_EQ(v, 0.0);
  EXPECT_EQ(grad[0], 0.0);
}

// A host that fails stops the fit: ABORTED naming its return value and the
// evaluation, no further calls, nothing written.
TEST(ValueLikelihoodCApi, CallbackFailureStopsTheFitAndWritesNothing) {
  for (int fail_at : {1, 6}) {
    Host host{&Days(), {0, 1000, 2357}, v1::VALUE_MODEL_PARETO_NBD, fail_at};
    const Result r = FitThroughCallback(Request(v1::VALUE_MODEL_PARETO_NBD), 2357, host);
    EXPECT_EQ(r.status, MITRA_ABORTED);
    EXPECT_THAT(r.message, HasSubstr("log_likelihood: the host's callback returned 7 at "
                                     "evaluation " + std::to_string(fail_at)));
    EXPECT_TRUE(r.out_null);
    EXPECT_EQ(host.calls, fail_at);
  }
}

TEST(ValueLikelihoodCApi, RefusesBadInputNamingIt) {
  Host host{&Days(), {0, 2357}};
  auto run = [&](const v1::FitRequest& req, double count, mitra_value_likelihood fn) {
    const std::string bytes = req.SerializeAsString();
    uint8_t* out = nullptr;
    size_t len = 0;
    mitra_error* err = nullptr;
    const mitra_status st =
        mitra_value_fit_callback(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                 count, fn, &host, &out, &len, &err);
    EXPECT_EQ(st, MITRA_INVALID_ARGUMENT);
    EXPECT_EQ(out, nullptr);
    return Message(st, err);
  };
  const v1::FitRequest good = Request(v1::VALUE_MODEL_BG_NBD);
  EXPECT_THAT(run(good, 2357, nullptr), HasSubstr("log_likelihood is NULL"));
  EXPECT_THAT(run(good, 0, SumOverBlocks), HasSubstr("count: must be a whole number"));
  EXPECT_THAT(run(good, 2.5, SumOverBlocks), HasSubstr("count: must be a whole number"));
  EXPECT_THAT(run(good, NAN, SumOverBlocks), HasSubstr("count: must be a whole number"));
  EXPECT_THAT(run(Request(v1::VALUE_MODEL_UNSPECIFIED), 2357, SumOverBlocks),
              HasSubstr("FitRequest.model"));
  v1::FitRequest rows = good;
  rows.add_frequency(1);
  EXPECT_THAT(run(rows, 2357, SumOverBlocks),
              HasSubstr("FitRequest.frequency: the rows stay with the log-likelihood's blocks"));
  v1::FitRequest cov = good;
  cov.add_purchase_covariate_names("z");
  EXPECT_THAT(run(cov, 2357, SumOverBlocks), HasSubstr("FitRequest.purchase_covariate_names"));
  v1::FitRequest init = good;
  (*init.mutable_options()->mutable_initial())["alpha"] = -1;
  EXPECT_THAT(run(init, 2357, SumOverBlocks), HasSubstr("FitRequest.options.initial.alpha"));
  (*init.mutable_options()->mutable_initial()).clear();
  (*init.mutable_options()->mutable_initial())["s"] = 1;
  EXPECT_THAT(run(init, 2357, SumOverBlocks), HasSubstr("FitRequest.options.initial.s: not a parameter"));
  EXPECT_EQ(host.calls, 0);

  // The block function names its argument or row, and writes nothing.
  const v1::CustomerSummaries& s = Days();
  auto block = [&](int32_t model, const double* p, size_t k, const double* x, size_t n) {
    double ll = -1, g[4] = {-1, -1, -1, -1};
    mitra_error* err = nullptr;
    const mitra_status st = mitra_value_log_likelihood(model, p, k, x, s.recency().data(),
                                                       s.t().data(), s.monetary_value().data(),
                                                       nullptr, n, &ll, g, &err);
    EXPECT_EQ(st, MITRA_INVALID_ARGUMENT);
    EXPECT_EQ(ll, -1);
    EXPECT_EQ(g[0], -1);
    return Message(st, err);
  };
  const double p[4] = {1, 1, 1, 1}, nan_alpha[4] = {1, NAN, 1, 1};
  const double* x = s.frequency().data();
  EXPECT_THAT(block(1, nan_alpha, 4, x, 3), HasSubstr("params[1]: must be finite and > 0, got nan"));
  EXPECT_THAT(block(1, p, 3, x, 3), HasSubstr("params: needs 4 values for BG/NBD (r, alpha, a, b), got 3"));
  EXPECT_THAT(block(4, p, 4, x, 3), HasSubstr("params: needs 3 values for Gamma-Gamma"));
  EXPECT_THAT(block(9, p, 4, x, 3), HasSubstr("model: must be BG/NBD (1)"));
  EXPECT_THAT(block(1, p, 4, nullptr, 3), HasSubstr("frequency is NULL"));
  const double fractional[3] = {0, 1.5, 2}, recency[3] = {0, 1, 2}, age[3] = {3, 3, 3};
  double ll = -1;
  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_value_log_likelihood(2, p, 4, fractional, recency, age, nullptr, nullptr, 3,
                                       &ll, nullptr, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(MITRA_INVALID_ARGUMENT, err),
              HasSubstr("block row 1: x = 1.5 is not a whole number"));
  EXPECT_THAT(block(4, p, 3, fractional, 3), HasSubstr("block row 1: x = 1.5 is not a whole number"));
  EXPECT_EQ(mitra_value_log_likelihood(1, p, 4, x, s.recency().data(), s.t().data(), nullptr,
                                       nullptr, 3, nullptr, nullptr, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(MITRA_INVALID_ARGUMENT, err), HasSubstr("log_likelihood is NULL"));
  EXPECT_EQ(ll, -1);
}

}  // namespace
