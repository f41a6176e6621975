// mitra_value_predict_intervals on the request bytes as they come: the
// fitted models, the customers' columns and the draw options all from the
// input. Never a crash; the error contract holds; a successful response's
// figures are finite, every interval is ordered (low <= high, totals too),
// P(alive) intervals are probabilities and the draw count and level are the
// ones used.
//
// A request that parses and asks for more draws than kMostDraws (or for
// the default 200) is run with kMostDraws, kMostRefits for the bootstrap:
// the draws' memory is checked against the budget (unit tests show it), but
// their time, draws x customers model evaluations or one fit a draw, would
// spend the fuzzing on repeating one evaluation rather than on new inputs.
#include <cmath>
#include <cstdlib>
#include <string>

#include "fuzz_util.h"
#include "mitra/mitra.h"
#include "mitra/v1/value.pb.h"

namespace {

constexpr int kMostDraws = 16, kMostRefits = 2;

bool Finite(double v) { return std::isfinite(v); }

void CheckInterval(const mitra::v1::PredictionInterval& in) {
  const bool probability = in.prediction() == mitra::v1::VALUE_PREDICTION_PROBABILITY_ALIVE;
  if (in.low_size() != in.estimate_size() || in.high_size() != in.estimate_size()) std::abort();
  for (int i = 0; i < in.estimate_size(); ++i) {
    if (!Finite(in.estimate(i)) || !Finite(in.low(i)) || !Finite(in.high(i))) std::abort();
    if (in.low(i) > in.high(i)) std::abort();
    if (probability && (in.low(i) < 0 || in.high(i) > 1 + 1e-12)) std::abort();
  }
  if (!Finite(in.total()) || !Finite(in.total_low()) || !Finite(in.total_high()) ||
      in.total_low() > in.total_high())
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mitra::v1::PredictIntervalsRequest request;
  std::string fewer;
  const bool parsed = request.ParseFromArray(data, static_cast<int>(size));
  const int most =
      request.method() == mitra::v1::INTERVAL_METHOD_BOOTSTRAP ? kMostRefits : kMostDraws;
  if (parsed && (!request.has_draws() || request.draws() > most)) {
    request.set_draws(most);
    fewer = request.SerializeAsString();
    data = reinterpret_cast<const uint8_t*>(fewer.data());
    size = fewer.size();
  }
  mitra::v1::PredictIntervalsResponse response;
  if (!mitra::fuzz::Call(mitra_value_predict_intervals, data, size, response)) return 0;
  if (response.draws() < 2 || !(response.level() > 0 && response.level() < 1)) std::abort();
  for (const auto& in : response.intervals()) CheckInterval(in);
  for (const auto& r : response.realised()) {
    if (r.low_size() != r.estimate_size() || r.high_size() != r.estimate_size()) std::abort();
    for (int i = 0; i < r.estimate_size(); ++i)
      if (!Finite(r.estimate(i)) || !(r.low(i) <= r.high(i)) || r.low(i) < 0) std::abort();
  }
  return 0;
}
