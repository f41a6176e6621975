// The discrete-time value entries that take bytes, selected by the first
// byte: 0 mitra_value_sbg_fit (a request), 1 mitra_value_sbg_predict (a
// model; the four quantities at a few t), 2 mitra_value_bgbb_fit (fit
// options, on a small table), 3 mitra_value_bgbb_predict and
// mitra_value_bgbb_distribution (a model), 4 mitra_workspace_value_sbg and
// 5 mitra_workspace_value_bgbb (requests, on a small workspace). Never a
// crash, an error always has its message, a success returns finite
// numbers (probabilities within [0, 1]) and parameters > 0.
#include <cmath>
#include <cstdlib>

#include "fuzz_util.h"
#include "mitra/mitra.h"
#include "mitra/v1/value.pb.h"

namespace {

constexpr size_t kN = 4;
const double kX[kN] = {0, 1, 3, 6}, kTx[kN] = {0, 2, 5, 6}, kOpp[kN] = {6, 6, 6, 6};
const double kWeight[kN] = {10, 5, 3, 2};
const int32_t kT[kN] = {1, 2, 7, 30};

void CheckNumbers(mitra_status s, const double* out, size_t n, bool probability) {
  if (s != MITRA_OK) return;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(out[i]) || out[i] < 0) std::abort();
    if (probability && out[i] > 1 + 1e-12) std::abort();
  }
}

void CheckSbg(const mitra::v1::SbgFitResult& r) {
  for (const auto& c : r.cohorts())
    if (!(c.model().alpha() > 0 && c.model().beta() > 0 && std::isfinite(c.model().alpha()) &&
          std::isfinite(c.model().beta())))
      std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 6;
  ++data;
  --size;
  uint8_t* bytes = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  mitra_status s = MITRA_OK;
  double out[31];
  if (which == 0) {
    s = mitra_value_sbg_fit(data, size, &bytes, &n, &err);
    if (s == MITRA_OK) {
      mitra::v1::SbgFitResult r;
      if (!r.ParseFromArray(bytes, static_cast<int>(n))) std::abort();
      CheckSbg(r);
    }
  } else if (which == 1) {
    for (int q = MITRA_VALUE_SBG_SURVIVAL; q <= MITRA_VALUE_SBG_ELASTICITY && s == MITRA_OK; ++q) {
      s = mitra_value_sbg_predict(data, size, static_cast<mitra_value_sbg_quantity>(q), 0.1, kT,
                                  kN, out, &err);
      CheckNumbers(s, out, kN, q <= MITRA_VALUE_SBG_RETENTION);
    }
  } else if (which == 2) {
    s = mitra_value_bgbb_fit(kX, kTx, kOpp, kWeight, kN, data, size, &bytes, &n, &err);
    if (s == MITRA_OK) {
      mitra::v1::BgBbModel m;
      if (!m.ParseFromArray(bytes, static_cast<int>(n))) std::abort();
      for (double v : {m.alpha(), m.beta(), m.gamma(), m.delta()})
        if (!(v > 0 && std::isfinite(v))) std::abort();
    }
  } else if (which == 3) {
    s = mitra_value_bgbb_predict(data, size, MITRA_VALUE_BGBB_PROBABILITY_ALIVE, 1, kX, kTx, kOpp,
                                 kN, out, &err);
    CheckNumbers(s, out, kN, true);
    if (s == MITRA_OK) {
      s = mitra_value_bgbb_predict(data, size, MITRA_VALUE_BGBB_EXPECTED_TRANSACTIONS, 5, kX, kTx,
                                   kOpp, kN, out, &err);
      CheckNumbers(s, out, kN, false);
    }
    if (s == MITRA_OK) {
      s = mitra_value_bgbb_distribution(data, size, 30, out, &err);
      CheckNumbers(s, out, 31, true);
    }
  } else {
    static const mitra_workspace* ws = mitra::fuzz::WorkspaceFromCsv({
        {"customers", "id\nc1\nc2\nc3\nc4\n"},
        {"transactions",
         "customer_id,time,amount\nc1,2024-01-05,10\nc1,2024-02-05,10\nc1,2024-03-05,10\n"
         "c2,2024-01-09,7\nc2,2024-02-09,7\nc3,2024-01-20,5\nc4,2024-02-02,9\nc4,2024-04-02,9\n"},
    });
    if (which == 4) {
      s = mitra_workspace_value_sbg(ws, data, size, &bytes, &n, &err);
      if (s == MITRA_OK) {
        mitra::v1::SbgFitResult r;
        if (!r.ParseFromArray(bytes, static_cast<int>(n))) std::abort();
        CheckSbg(r);
      }
    } else {
      s = mitra_workspace_value_bgbb(ws, data, size, &bytes, &n, &err);
      if (s == MITRA_OK) {
        mitra::v1::WorkspaceBgBbResult r;
        if (!r.ParseFromArray(bytes, static_cast<int>(n))) std::abort();
        for (double p : r.probability_alive())
          if (!(p >= 0 && p <= 1 + 1e-12)) std::abort();
      }
    }
  }
  mitra::fuzz::CheckCall(s, err, bytes);
  mitra_free(bytes);
  return 0;
}
