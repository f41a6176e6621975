// A BG/NBD fit with covariates (src/value/covariates.cc) on 1,000,000
// simulated customers with 5 covariates, 3 on the purchase and 2 on the
// dropout process: the joint fit of 4 parameters and 5 coefficients, with
// the fit without covariates it starts from, the standard errors and the
// likelihood-ratio test.
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/random.h"
#include "mitra/value/covariates.h"

namespace mitra::value {
namespace {

struct Data {
  std::vector<double> x, t_x, T;
  Covariates cov;
};

// CDNOW-like cohort (T = 28..39 weeks), covariates: two N(0, 1), one 0/1
// on purchase; one N(0, 1) and one 0/1 on dropout.
const Data& Customers() {
  static const Data* data = [] {
    auto* d = new Data;
    const CovariateParams truth{{0.5, 4.0, 0.8, 2.4}, {0.3, -0.2, 0.4}, {0.3, -0.5}};
    const size_t n = 1000000;
    Rng rng(42);
    d->cov.purchase.names = {"z1", "z2", "flag"};
    d->cov.dropout.names = {"z3", "member"};
    for (size_t i = 0; i < n; ++i) {
      d->cov.purchase.values.insert(d->cov.purchase.values.end(),
                                    {NormalDraw(rng), NormalDraw(rng), rng.Uniform() < 0.3 ? 1.0 : 0.0});
      d->cov.dropout.values.insert(d->cov.dropout.values.end(),
                                   {NormalDraw(rng), rng.Uniform() < 0.5 ? 1.0 : 0.0});
    }
    for (size_t i = 0; i < n; ++i) {
      const std::array<double, 4> q = CustomerParams(CovariateModel::kBgNbd, truth, d->cov, i);
      const double T = 39.0 - static_cast<double>(rng.Below(12));
      const double lambda = GammaDraw(rng, q[0]) / q[1], drop = BetaDraw(rng, q[2], q[3]);
      double t = 0, last = 0;
      int x = 0;
      while (true) {
        t += -std::log(1.0 - rng.Uniform()) / lambda;
        if (t > T) break;
        ++x, last = t;
        if (rng.Uniform() < drop) break;
      }
      d->x.push_back(x);
      d->t_x.push_back(last);
      d->T.push_back(T);
    }
    return d;
  }();
  return *data;
}

std::string Digits(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

void BM_BgNbdCovariateFit1M(benchmark::State& state) {
  const Data& d = Customers();
  const CustomerData data{d.x, d.t_x, d.T, {}};
  for (auto _ : state) {
    FitOptions o;
    o.threads = static_cast<int>(state.range(0));
    absl::StatusOr<CovariateFit> fit = FitWithCovariates(CovariateModel::kBgNbd, data, d.cov, o);
    if (!fit.ok()) {
      state.SkipWithError(std::string(fit.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(fit);
    state.counters["gamma1_1"] = fit->params.purchase[0];
    state.counters["gamma2_2"] = fit->params.dropout[1];
    state.counters["evals"] = fit->report.evaluations;
    state.counters["iterations"] = fit->report.iterations;
    // All the estimates in full, to compare revisions of the likelihood code.
    std::string all = "estimates:";
    for (double v : fit->params.base) all += " " + Digits(v);
    for (double v : fit->params.purchase) all += " " + Digits(v);
    for (double v : fit->params.dropout) all += " " + Digits(v);
    for (double v : fit->report.standard_errors) all += " " + Digits(v);
    std::fprintf(stderr, "%s\n", all.c_str());
  }
  state.SetItemsProcessed(state.iterations() * 1000000);
}
BENCHMARK(BM_BgNbdCovariateFit1M)
    ->ArgName("threads")
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace mitra::value
