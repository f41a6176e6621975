// The customer-value entries that take request bytes: mitra_value_fit,
// mitra_value_rfm, mitra_value_summarize and mitra_workspace_value_summary
// (selected by the first byte), on arbitrary bytes; and the columnar
// covariate entries, mitra_value_fit_covariates,
// mitra_value_predict_covariates and the blocks of a fit across machines
// (mitra_value_covariate_moments, mitra_value_covariate_log_likelihood), on
// arrays cut from the bytes. Never a
// crash, an error always has its message, and nothing returns NaN
// parameters.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fuzz_util.h"
#include "mitra/mitra.h"
#include "mitra/v1/value.pb.h"


extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 6;
  ++data;
  --size;
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  mitra_status s;
  if (which == 0) {
    s = mitra_value_fit(data, size, &out, &n, &err);
    if (s == MITRA_OK) {
      mitra::v1::FittedModel m;
      if (!m.ParseFromArray(out, static_cast<int>(n))) std::abort();
      for (const auto& [k, v] : m.params())
        if (!std::isfinite(v) || v <= 0) std::abort();  // a fit never returns bad parameters
    }
  } else if (which == 1) {
    s = mitra_value_rfm(data, size, &out, &n, &err);
  } else if (which == 2) {
    // A few transactions, summarised with the request under test.
    static const uint32_t customer[] = {0, 0, 1, 2, 2, 2};
    static const int64_t time[] = {852076800, 855000000, 852163200, 852076800, 860000000, 870000000};
    static const double amount[] = {10, 20, 5, 1, 2, 3};
    s = mitra_value_summarize(customer, time, amount, 6, data, size, &out, &n, &err);
  } else if (which >= 4) {
    // Then: the customers n (1..8), the purchase and dropout columns (0..2
    // each), and doubles for x, t_x, T, the two matrices, the four
    // parameters and the coefficients (a short input leaves the rest 1).
    if (size < 2) return 0;
    const size_t cust = 1 + data[0] % 8, pc = data[1] % 3, dc = (data[1] / 3) % 3;
    data += 2;
    size -= 2;
    std::vector<double> v(cust * (3 + pc + dc) + 4 + pc + dc, 1.0);
    std::memcpy(v.data(), data, std::min(size, v.size() * sizeof(double)));
    const double* x = v.data();
    const double *tx = x + cust, *T = tx + cust, *purchase = T + cust;
    const double* dropout = purchase + cust * pc;
    const double* params = dropout + cust * dc;
    const double* coef = params + 4;
    if (which == 4) {
      // The blocks of a fit across machines on the same arrays: the
      // moments of the purchase columns, the log-likelihood as given and
      // centred on the coefficients with the parameters as scales.
      double sums[2], cross[4], ll, grad[8];
      s = mitra_value_covariate_moments(purchase, cust, pc, nullptr, 0, sums, &err);
      mitra::fuzz::CheckCall(s, err, nullptr);
      err = nullptr;
      if (s == MITRA_OK) {
        s = mitra_value_covariate_moments(purchase, cust, pc, sums, static_cast<double>(cust),
                                          cross, &err);
        mitra::fuzz::CheckCall(s, err, nullptr);
        err = nullptr;
      }
      for (const double* scale : {static_cast<const double*>(nullptr), params}) {
        s = mitra_value_covariate_log_likelihood(
            MITRA_VALUE_COVARIATE_MBG_NBD, params, coef, scale ? coef : nullptr, scale, x, tx, T,
            nullptr, cust, purchase, cust * pc, pc, dropout, cust * dc, dc, &ll, grad, &err);
        mitra::fuzz::CheckCall(s, err, nullptr);
        err = nullptr;
      }
      double out[8];
      s = mitra_value_predict_covariates(MITRA_VALUE_COVARIATE_PARETO_NBD, params, coef,
                                         MITRA_VALUE_EXPECTED_PURCHASES, 10, x, tx, T, cust,
                                         purchase, cust * pc, pc, dropout, cust * dc, dc, out, &err);
    } else {
      double p[4], c[4], se[8];
      mitra_value_covariate_test test;
      s = mitra_value_fit_covariates(MITRA_VALUE_COVARIATE_BG_NBD, x, tx, T, cust, purchase,
                                     cust * pc, pc, dropout, cust * dc, dc, 0.01, p, c, se, &test,
                                     &err);
      if (s == MITRA_OK)
        for (double q : p)
          if (!std::isfinite(q) || q <= 0) std::abort();  // a fit never returns bad parameters
    }
  } else {
    static const mitra_workspace* ws = mitra::fuzz::WorkspaceFromCsv({
        {"customers", "id,attributes.income,attributes.city\nc1,1.5,Bandung\nc2,-2,\n"},
        {"transactions",
         "customer_id,time,amount\nc1,1997-01-01,10\nc1,1997-02-01,5\nc2,1997-01-03,7\n"},
    });
    s = mitra_workspace_value_summary(ws, data, size, &out, &n, &err);
  }
  mitra::fuzz::CheckCall(s, err, out);
  mitra_free(out);
  return 0;
}
