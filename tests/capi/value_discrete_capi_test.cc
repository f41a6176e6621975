// The discrete-time value models through the C ABI, as a host calls them:
// sBG and BG/BB on the papers' data (Fader & Hardie 2007; Fader, Hardie &
// Shang 2010; data/reference/README.md) from arrays and requests, and the
// workspace path on workspaces made to hold exactly those data, so that
// the published estimates come back from transactions.
#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/mitra.h"
#include "mitra/v1/value.pb.h"
#include "value/discrete_reference.h"

namespace {

using mitra::value::testing::LoadDonations;
using mitra::value::testing::LoadRetention;
using ::testing::HasSubstr;
namespace v1 = mitra::v1;

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::string Message(mitra_error* err) {
  std::string m = err ? mitra_error_message(err) : "";
  mitra_error_free(err);
  return m;
}

// Periods of 1000 s from 10^9; a transaction in period k is at 10^9 + 1000 k + 5.
constexpr int64_t kOrigin = 1000000000, kPeriod = 1000;

struct Csv {
  std::string customers = "id\n", transactions = "customer_id,time,amount\n";
  int next = 0;
  // A new customer with transactions in `periods`.
  void Add(const std::vector<int>& periods) {
    const std::string id = "c" + std::to_string(next++);
    customers += id + "\n";
    for (int p : periods)
      transactions += id + "," + std::to_string(kOrigin + kPeriod * p + 5) + ",10\n";
  }
};

mitra_workspace* Workspace(const Csv& csv) {
  mitra_workspace* ws = nullptr;
  EXPECT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);
  for (const auto& [kind, text] : {std::pair{"customers", &csv.customers},
                                   {"transactions", &csv.transactions}}) {
    mitra_error* err = nullptr;
    EXPECT_EQ(mitra_workspace_ingest_csv_bytes(ws, kind, kind, U8(*text), text->size(), &err),
              MITRA_OK)
        << Message(err);
  }
  return ws;
}

template <typename M>
mitra_status Call(mitra_status (*f)(const mitra_workspace*, const uint8_t*, size_t, uint8_t**,
                                    size_t*, mitra_error**),
                  const mitra_workspace* ws, const google::protobuf::Message& request, M* result,
                  std::string* error = nullptr) {
  const std::string bytes = request.SerializeAsString();
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  const mitra_status s = f(ws, U8(bytes), bytes.size(), &out, &n, &err);
  if (s == MITRA_OK) {
    EXPECT_TRUE(result->ParseFromArray(out, static_cast<int>(n)));
  }
  const std::string m = Message(err);
  if (error) {
    *error = m;
  } else {
    EXPECT_EQ(s, MITRA_OK) << m;
  }
  mitra_free(out);
  return s;
}

v1::SbgFitResult SbgFit(const v1::SbgFitRequest& r, mitra_status expect = MITRA_OK,
                        std::string* error = nullptr) {
  const std::string bytes = r.SerializeAsString();
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  EXPECT_EQ(mitra_value_sbg_fit(U8(bytes), bytes.size(), &out, &n, &err), expect);
  const std::string m = Message(err);
  if (error) *error = m;
  v1::SbgFitResult result;
  if (out) {
    EXPECT_TRUE(result.ParseFromArray(out, static_cast<int>(n)));
  }
  mitra_free(out);
  return result;
}

TEST(ValueDiscreteCApi, SbgFitsAndPredictsThePapersCohort) {
  const auto data = LoadRetention();
  v1::SbgFitRequest r;
  v1::SbgCohort* c = r.add_cohorts();
  c->set_name("high end");
  c->mutable_survivors()->Add(data.high_end.begin(), data.high_end.begin() + 8);
  r.set_discount_rate(0.1);
  const v1::SbgFitResult result = SbgFit(r);
  ASSERT_EQ(result.cohorts_size(), 1);
  const v1::SbgModel& m = result.cohorts(0).model();
  EXPECT_NEAR(m.alpha(), 0.668, 5e-4);  // Fader & Hardie 2007, table 1
  EXPECT_NEAR(m.beta(), 3.806, 5e-4);
  const std::string model = m.SerializeAsString();
  const std::vector<int32_t> t = {0, 1, 8, 12};
  double out[4];
  ASSERT_EQ(mitra_value_sbg_predict(U8(model), model.size(), MITRA_VALUE_SBG_SURVIVAL, 0, t.data(),
                                    4, out, nullptr),
            MITRA_OK);
  EXPECT_EQ(out[0], 1.0);
  EXPECT_NEAR(out[1], m.beta() / (m.alpha() + m.beta()), 1e-15);  // S(1) = b / (a + b)
  for (int i = 2; i < 4; ++i) EXPECT_NEAR(1000 * out[i] / data.high_end[t[i]], 1.0, 0.05);
  ASSERT_EQ(mitra_value_sbg_predict(U8(model), model.size(), MITRA_VALUE_SBG_DERL, 0.1, t.data() + 3,
                                    1, out, nullptr),
            MITRA_OK);
  // DERL after 12 renewals by direct summation: sum_{k >= 13} S(k) / S(12) 1.1^-(k - 13),
  // with S(k) / S(12) the product of r(13) .. r(k), r(k) = (b + k - 1) / (a + b + k - 1).
  double direct = 0, ratio = 1;
  for (int k = 13; k < 5000; ++k) {
    ratio *= (m.beta() + k - 1) / (m.alpha() + m.beta() + k - 1);
    direct += ratio * std::pow(1.1, -(k - 13));
  }
  EXPECT_NEAR(out[0], direct, 1e-8 * out[0]);

  mitra_error* err = nullptr;
  const int32_t bad_t[] = {3, -1};
  EXPECT_EQ(mitra_value_sbg_predict(U8(model), model.size(), MITRA_VALUE_SBG_SURVIVAL, 0, bad_t, 2,
                                    out, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(err), HasSubstr("t[1]: must be 0..1000000, got -1"));
  EXPECT_EQ(mitra_value_sbg_predict(U8(model), model.size(), MITRA_VALUE_SBG_RETENTION, 0, t.data(), 1,
                                    out, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(err), HasSubstr("t[0]: must be 1.."));
  err = nullptr;
  EXPECT_EQ(mitra_value_sbg_predict(U8(model), model.size(), MITRA_VALUE_SBG_DERL, -0.5, t.data(), 1,
                                    out, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(err), HasSubstr("discount_rate: must be finite and > 0"));
  err = nullptr;
  EXPECT_EQ(mitra_value_sbg_predict(U8(model), model.size(), static_cast<mitra_value_sbg_quantity>(9),
                                    0, t.data(), 1, out, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(err), HasSubstr("quantity"));
  std::string error;
  r.mutable_cohorts(0)->set_survivors(5, 2000);
  SbgFit(r, MITRA_INVALID_ARGUMENT, &error);
  EXPECT_THAT(error, HasSubstr("request.cohorts[0].survivors[5]"));
}

TEST(ValueDiscreteCApi, BgBbFitsAndPredictsFromArrays) {
  const auto d = LoadDonations();
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  ASSERT_EQ(mitra_value_bgbb_fit(d.x.data(), d.t_x.data(), d.n.data(), d.weight.data(), d.x.size(),
                                 nullptr, 0, &out, &n, &err),
            MITRA_OK)
      << Message(err);
  v1::BgBbModel m;
  ASSERT_TRUE(m.ParseFromArray(out, static_cast<int>(n)));
  mitra_free(out);
  // Fader, Hardie & Shang 2010: 1.204, 0.750, 0.657, 2.783; LL -33,225.6.
  EXPECT_NEAR(m.alpha(), 1.204, 5e-4);
  EXPECT_NEAR(m.beta(), 0.750, 5e-4);
  EXPECT_NEAR(m.gamma(), 0.657, 5e-4);
  EXPECT_NEAR(m.delta(), 2.783, 5e-4);
  EXPECT_NEAR(m.report().log_likelihood(), -33225.6, 0.05);
  const std::string model = m.SerializeAsString();
  // Table 6: P(alive in 2002) 0.11, 0.59, 0.93.
  const double x[] = {0, 2, 6}, t_x[] = {0, 4, 6}, opp[] = {6, 6, 6};
  double p[3];
  ASSERT_EQ(mitra_value_bgbb_predict(U8(model), model.size(), MITRA_VALUE_BGBB_PROBABILITY_ALIVE, 1,
                                     x, t_x, opp, 3, p, nullptr),
            MITRA_OK);
  EXPECT_NEAR(p[0], 0.11, 0.005);
  EXPECT_NEAR(p[1], 0.59, 0.005);
  EXPECT_NEAR(p[2], 0.93, 0.005);
  // Hardie's spreadsheet: 12,884.2 expected donations 2002-2006 in all.
  std::vector<double> e(d.x.size());
  ASSERT_EQ(mitra_value_bgbb_predict(U8(model), model.size(),
                                     MITRA_VALUE_BGBB_EXPECTED_TRANSACTIONS, 5, d.x.data(),
                                     d.t_x.data(), d.n.data(), d.x.size(), e.data(), nullptr),
            MITRA_OK);
  double total = 0;
  for (size_t i = 0; i < e.size(); ++i) total += e[i] * d.weight[i];
  EXPECT_NEAR(total, 12884.2, 1.0);
  double pmf[7];
  ASSERT_EQ(mitra_value_bgbb_distribution(U8(model), model.size(), 6, pmf, nullptr), MITRA_OK);
  EXPECT_NEAR(11104 * pmf[0], 3454.9, 0.5);  // the spreadsheet's in-sample fit

  // Options by name; a bad one is named in the caller's terms.
  v1::FitOptions o;
  (*o.mutable_initial())["gamma"] = -2;
  const std::string ob = o.SerializeAsString();
  EXPECT_EQ(mitra_value_bgbb_fit(d.x.data(), d.t_x.data(), d.n.data(), nullptr, d.x.size(), U8(ob),
                                 ob.size(), &out, &n, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(err), HasSubstr("options.initial.gamma"));
  EXPECT_EQ(out, nullptr);
  err = nullptr;
  EXPECT_EQ(mitra_value_bgbb_fit(d.x.data(), nullptr, d.n.data(), nullptr, d.x.size(), nullptr, 0,
                                 &out, &n, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(err), HasSubstr("t_x"));
  err = nullptr;
  p[0] = -7;
  EXPECT_EQ(mitra_value_bgbb_predict(U8(model), model.size(), MITRA_VALUE_BGBB_EXPECTED_TRANSACTIONS,
                                     -1, x, t_x, opp, 3, p, &err),
            MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(Message(err), HasSubstr("m: must be in 0..1000000, got -1"));
  EXPECT_EQ(p[0], -7);  // a failing call writes nothing
}

TEST(ValueDiscreteCApi, WorkspaceSbgRecoversThePapersCohorts) {
  // Both 1,000-customer cohorts of Fader & Hardie as transactions: the
  // regular cohort acquired in period 0, the high-end one in period 1, each
  // customer paying in every period up to the last she was active in, the
  // observation ending 7 periods after the high-end cohort's start. A
  // customer with survivors[t] > her rank pays in periods a..a + t.
  const auto data = LoadRetention();
  Csv csv;
  for (const auto& [a, alive, years] :
       {std::tuple{0, &data.regular, 8}, std::tuple{1, &data.high_end, 7}}) {
    for (int i = 0; i < 1000; ++i) {
      std::vector<int> periods;
      for (int t = 0; t < years && (*alive)[t] > i; ++t) periods.push_back(a + t);
      csv.Add(periods);
    }
  }
  mitra_workspace* ws = Workspace(csv);
  v1::WorkspaceSbgRequest r;
  r.mutable_periods()->set_period_seconds(kPeriod);
  r.mutable_periods()->set_origin_unix_seconds(kOrigin);
  r.mutable_periods()->set_end_unix_seconds(kOrigin + 7 * kPeriod + 999);
  r.mutable_fit()->set_horizon(12);
  v1::SbgFitResult result;
  ASSERT_EQ(Call(mitra_workspace_value_sbg, ws, r, &result), MITRA_OK);
  ASSERT_EQ(result.cohorts_size(), 2);
  // Regular: years 0..7 observed, the paper's 0.704, 1.182.
  EXPECT_EQ(result.cohorts(0).name(), "2001-09-09T01:46:40Z");
  EXPECT_EQ(result.cohorts(0).observed_periods(), 7);
  EXPECT_NEAR(result.cohorts(0).model().alpha(), 0.704, 5e-4);
  EXPECT_NEAR(result.cohorts(0).model().beta(), 1.182, 5e-4);
  // High end: years 0..6 observed, the same as fitting the counts directly.
  v1::SbgFitRequest direct;
  direct.add_cohorts()->mutable_survivors()->Add(data.high_end.begin(), data.high_end.begin() + 7);
  const v1::SbgFitResult d = SbgFit(direct);
  EXPECT_EQ(result.cohorts(1).observed_periods(), 6);
  EXPECT_EQ(result.cohorts(1).active(), data.high_end[6]);
  EXPECT_DOUBLE_EQ(result.cohorts(1).model().alpha(), d.cohorts(0).model().alpha());
  EXPECT_DOUBLE_EQ(result.cohorts(1).model().beta(), d.cohorts(0).model().beta());

  std::string error;
  r.mutable_fit()->add_cohorts();
  EXPECT_EQ(Call(mitra_workspace_value_sbg, ws, r, &result, &error), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(error, HasSubstr("request.fit.cohorts: must be empty"));
  r.mutable_fit()->clear_cohorts();
  r.mutable_periods()->set_period_seconds(0);
  EXPECT_EQ(Call(mitra_workspace_value_sbg, ws, r, &result, &error), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(error, HasSubstr("request.periods.period_seconds: required"));
  // One-second periods over the renewals would size every cohort's
  // survivors by the seconds (a fuzzer's input took over 2 GB): refused
  // past 10,001 of them.
  r.mutable_periods()->set_period_seconds(1);
  r.mutable_periods()->set_end_unix_seconds(kOrigin + 20 * kPeriod);
  EXPECT_EQ(Call(mitra_workspace_value_sbg, ws, r, &result, &error), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(error, HasSubstr("request.periods.period_seconds: "));
  // The first transaction is at kOrigin + 5 (Csv::Add): 19,996 seconds.
  EXPECT_THAT(error, HasSubstr("19996 periods of 1 seconds from the first transaction to the "
                               "end; at most 10001"));
  mitra_workspace_free(ws);
}

TEST(ValueDiscreteCApi, WorkspaceBgBbRecoversThePapersDonors) {
  // The 11,104 donors as transactions: a first donation in period 0, then x
  // repeat donations ending at opportunity t_x (periods t_x - x + 1 .. t_x),
  // observed to period 6.
  const auto d = LoadDonations();
  Csv csv;
  for (size_t row = 0; row < d.x.size(); ++row) {
    std::vector<int> periods = {0};
    const int x = static_cast<int>(d.x[row]), t_x = static_cast<int>(d.t_x[row]);
    for (int k = t_x - x + 1; k <= t_x && x > 0; ++k) periods.push_back(k);
    for (int i = 0; i < d.weight[row]; ++i) csv.Add(periods);
  }
  mitra_workspace* ws = Workspace(csv);
  v1::WorkspaceBgBbRequest r;
  r.mutable_periods()->set_period_seconds(kPeriod);
  r.mutable_periods()->set_origin_unix_seconds(kOrigin);
  r.mutable_periods()->set_end_unix_seconds(kOrigin + 6 * kPeriod);
  r.set_horizon(5);
  v1::WorkspaceBgBbResult result;
  ASSERT_EQ(Call(mitra_workspace_value_bgbb, ws, r, &result), MITRA_OK);
  const v1::BgBbModel& m = result.model();
  EXPECT_NEAR(m.alpha(), 1.204, 5e-4);
  EXPECT_NEAR(m.beta(), 0.750, 5e-4);
  EXPECT_NEAR(m.gamma(), 0.657, 5e-4);
  EXPECT_NEAR(m.delta(), 2.783, 5e-4);
  EXPECT_NEAR(m.report().log_likelihood(), -33225.6, 0.05);
  EXPECT_EQ(m.report().rows(), 22);  // the customers merge into the paper's table
  ASSERT_EQ(result.customer_id_size(), 11104);
  EXPECT_EQ(result.customer_id(0), "c0");
  EXPECT_EQ(result.n(0), 6);
  double total = 0;
  for (double e : result.expected_transactions()) total += e;
  EXPECT_NEAR(total, 12884.2, 1.0);  // Hardie's spreadsheet, 2002-2006
  // The first rows are the table's first: no repeat, P(alive in 2002) 0.11.
  EXPECT_EQ(result.x(0), 0);
  EXPECT_NEAR(result.probability_alive(0), 0.11, 0.005);
  mitra_workspace_free(ws);
}

}  // namespace
