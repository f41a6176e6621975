// One validation per options struct and data set: a C++ caller reads the
// options' own names, a FitRequest (converted by src/value/messages.cc)
// reads its paths, from the same check in the fit.
#include "mitra/value/messages.h"

#include <cmath>
#include <string>
#include <vector>

#include "common/invalid_message.h"
#include "gtest/gtest.h"
#include "google/protobuf/text_format.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/gamma_gamma.h"

namespace mitra::value {
namespace {

using ::mitra::testing::InvalidMessage;

std::string Request(const std::string& text) {
  v1::FitRequest r;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &r)) << text;
  v1::FittedModel out;
  return InvalidMessage(Fit(r, &out));
}

const std::vector<double> kX = {1, 0}, kTx = {1, 0}, kT = {2, 2};

TEST(ValueValidateOnce, FitOptions) {
  const CustomerData data{kX, kTx, kT, {}};
  FitOptions o;
  o.penalizer = -1;
  EXPECT_EQ(InvalidMessage(FitBgNbd(data, o)), "penalizer: must be finite and >= 0, got -1");
  EXPECT_EQ(Request("model: VALUE_MODEL_BG_NBD frequency: [1, 0] recency: [1, 0] T: [2, 2] "
                    "options { penalizer: -1 }"),
            "FitRequest.options.penalizer: must be finite and >= 0, got -1");
  o = {};
  o.threads = 0;
  EXPECT_EQ(InvalidMessage(FitBgNbd(data, o)), "threads: must be 1..256, got 0");
  EXPECT_EQ(Request("model: VALUE_MODEL_BG_NBD frequency: [1, 0] recency: [1, 0] T: [2, 2] "
                    "options { threads: 257 }"),
            "FitRequest.options.threads: must be 1..256, got 257");
  o = {};
  o.gradient_tolerance = NAN;
  EXPECT_EQ(InvalidMessage(FitBgNbd(data, o)), "gradient_tolerance: must be finite and >= 0, got nan");
  o = {};
  o.initial = {1, 0, 1, 1};
  EXPECT_EQ(InvalidMessage(FitBgNbd(data, o)), "initial[1]: must be finite and > 0, got 0");
  EXPECT_EQ(Request("model: VALUE_MODEL_BG_NBD frequency: [1, 0] recency: [1, 0] T: [2, 2] "
                    "options { initial { key: \"alpha\" value: 0 } }"),
            "FitRequest.options.initial.alpha: must be finite and > 0, got 0");
  o.initial = {1, 1};
  EXPECT_EQ(InvalidMessage(FitBgNbd(data, o)), "initial: needs 4 values for BG/NBD, got 2");
}

TEST(ValueValidateOnce, CustomerAndSpendData) {
  const std::vector<double> x = {1, 2.5};
  EXPECT_EQ(InvalidMessage(FitBgNbd(CustomerData{x, kTx, kT, {}})),
            "customer data row 1: x = 2.5 is not a whole number in [0, 1e7]");
  EXPECT_EQ(Request("model: VALUE_MODEL_BG_NBD frequency: [1, 2.5] recency: [1, 0] T: [2, 2]"),
            "FitRequest: customer data row 1: x = 2.5 is not a whole number in [0, 1e7]");
  const std::vector<double> zeros = {0, 0}, zbar = {3, -1};
  EXPECT_EQ(InvalidMessage(FitGammaGamma(SpendData{zeros, zeros, {}})),
            "spend data: no customer with x > 0 and weight > 0");
  const std::vector<double> two = {1, 2};
  EXPECT_EQ(InvalidMessage(FitGammaGamma(SpendData{two, zbar, {}})),
            "spend data row 1: mean spend must be finite and > 0 when x > 0 (-1)");
  EXPECT_EQ(Request("model: VALUE_MODEL_GAMMA_GAMMA frequency: [1, 2] monetary_value: [3, -1]"),
            "FitRequest: spend data row 1: mean spend must be finite and > 0 when x > 0 (-1)");
}

}  // namespace
}  // namespace mitra::value
