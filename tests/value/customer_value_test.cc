#include "mitra/value/customer_value.h"

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "mitra/core/csv_import.h"
#include "mitra/value/prediction_intervals.h"

namespace mitra::value {
namespace {

namespace fs = std::filesystem;

// The sample's transactions (customers first: transactions refer to them).
const Workspace& Sample() {
  static const Workspace* ws = [] {
    auto* w = new Workspace();
    const fs::path dir = fs::path(MITRA_SOURCE_DIR) / "data" / "sample";
    for (const std::string kind : {"customers", "products", "channels", "transactions"})
      EXPECT_TRUE(IngestCsvFile(*w, kind, (dir / (kind + ".csv")).string()).ok()) << kind;
    return w;
  }();
  return *ws;
}

CustomerValueOptions Options() {
  CustomerValueOptions o;
  o.summary.set_calibration_end_unix_seconds(1751241600);  // 2025-06-30
  o.summary.set_period_seconds(86400);
  o.summary.set_unit_seconds(7 * 86400);
  o.horizon = 52;
  o.clv = ClvOptions{12, 2629800.0 / (7 * 86400), 0.01};
  return o;
}

// Asked for, the table's CLV intervals and basis are those of the one
// request the C ABI serves, on the table's own models and summaries; not
// asked for, there are none.
TEST(CustomerValueTest, ClvIntervalsWhenAsked) {
  CustomerValueOptions o = Options();
  auto plain = ScoreCustomers(Sample(), o);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->clv_low.empty());
  EXPECT_FALSE(plain->clv_basis.has_value());

  o.intervals = DrawOptions{};
  o.intervals->draws = 20;
  o.intervals->level = 0.8;
  o.intervals->seed = 7;
  auto t = ScoreCustomers(Sample(), o);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_TRUE(t->spend_model.has_value());
  EXPECT_EQ(t->clv, plain->clv);
  const v1::CustomerSummaries& S = t->summaries;
  v1::PredictIntervalsRequest r;
  *r.mutable_purchase_model() = t->purchase_model;
  *r.mutable_spend_model() = *t->spend_model;
  *r.mutable_frequency() = S.frequency();
  *r.mutable_recency() = S.recency();
  *r.mutable_t() = S.t();
  *r.mutable_monetary_value() = S.monetary_value();
  r.add_predictions(v1::VALUE_PREDICTION_CLV);
  r.set_clv_periods(12);
  r.set_clv_period_length(o.clv.period_length);
  r.set_clv_discount_rate(0.01);
  r.set_draws(20);
  r.set_level(0.8);
  r.set_seed(7);
  v1::PredictIntervalsResponse want;
  ASSERT_TRUE(PredictIntervals(r, &want).ok());
  ASSERT_EQ(t->clv_low.size(), t->clv.size());
  for (size_t i = 0; i < t->clv.size(); ++i) {
    EXPECT_EQ(t->clv_low[i], want.intervals(0).low(static_cast<int>(i)));
    EXPECT_EQ(t->clv_high[i], want.intervals(0).high(static_cast<int>(i)));
  }
  ASSERT_TRUE(t->clv_basis.has_value());
  EXPECT_EQ(t->clv_basis->kind(), v1::MONEY_BASIS_KIND_ESTIMATED);
  EXPECT_EQ(t->clv_basis->confidence(), 0.8);
  EXPECT_EQ(t->clv_basis->low(), want.intervals(0).total_low());
  EXPECT_EQ(t->clv_basis->high(), want.intervals(0).total_high());

  // Bad draws are the request's error, named as such.
  o.intervals->draws = 1;
  auto bad = ScoreCustomers(Sample(), o);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("PredictIntervalsRequest.draws"), std::string::npos)
      << bad.status();
}

}  // namespace
}  // namespace mitra::value
