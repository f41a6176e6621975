#include "mitra/value/bootstrap_draws.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "mitra/core/memory_budget.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/gamma_gamma.h"
#include "mitra/value/mbgnbd.h"
#include "mitra/value/messages.h"
#include "mitra/value/pareto_nbd.h"

namespace mitra::value {
namespace {

// The resamples' own stream, apart from the normal draws' (stream 0).
constexpr uint64_t kBootstrapStream = 2;

struct Refit {
  absl::Status status;
  bool boundary = false;
};

// One refit of the purchase model on weighted rows into out[0..3].
template <typename FitFn>
Refit PurchaseRefit(FitFn fit_fn, const CustomerData& rows, const FitOptions& fo,
                    absl::Span<double> out) {
  auto fit = fit_fn(rows, fo);
  if (!fit.ok()) return {fit.status()};
  const auto& p = fit->params;
  if constexpr (requires { p.s; }) {
    out[0] = p.r, out[1] = p.alpha, out[2] = p.s, out[3] = p.beta;
  } else {
    out[0] = p.r, out[1] = p.alpha, out[2] = p.a, out[3] = p.b;
  }
  return {absl::OkStatus(), fit->report.AtBoundary()};
}

// One refit with covariates on the customers weighted by `weight` into
// out[0..4+K): base parameters, then coefficients.
Refit CovariateRefit(CovariateModel model, const CustomerData& data, absl::Span<const double> weight,
                     const Covariates& covariates, const FitOptions& fo, absl::Span<double> out) {
  CustomerData rows{data.x, data.t_x, data.T, weight, data.name};
  absl::StatusOr<CovariateFit> fit = FitWithCovariates(model, rows, covariates, fo);
  if (!fit.ok()) return {fit.status()};
  const CovariateParams& p = fit->params;
  std::copy(p.base.begin(), p.base.end(), out.begin());
  std::copy(p.purchase.begin(), p.purchase.end(), out.begin() + 4);
  std::copy(p.dropout.begin(), p.dropout.end(), out.begin() + 4 + p.purchase.size());
  return {absl::OkStatus(), fit->report.AtBoundary()};
}

}  // namespace

absl::StatusOr<std::vector<double>> BootstrapParameters(
    v1::ValueModel model, const CustomerData& data, absl::Span<const double> monetary,
    absl::Span<const double> estimate, const DrawOptions& o,
    absl::FunctionRef<bool(absl::Span<const double>)> accept, int* redrawn,
    const Covariates* covariates) {
  if (absl::Status s = CheckDrawOptions(o); !s.ok()) return s;
  std::optional<CovariateModel> with_covariates;
  size_t kp = 4;  // the purchase model's parameters
  if (covariates != nullptr) {
    absl::StatusOr<CovariateModel> m = CovariateModelOf(model, "model");
    if (!m.ok()) return m.status();
    with_covariates = *m;
    kp += covariates->purchase.columns() + covariates->dropout.columns();
  }
  const size_t n = data.x.size(), k = kp + (monetary.empty() ? 0 : 3),
               nd = static_cast<size_t>(o.draws);
  if (estimate.size() != k || n == 0)
    return absl::InvalidArgumentError(
        absl::StrCat("bootstrap: ", estimate.size(), " parameters for ", n, " customers"));
  const double work = static_cast<double>(nd) * static_cast<double>(n);
  if (work > kMaxBootstrapWork)
    return absl::ResourceExhaustedError(
        absl::StrCat(o.names("draws"), ": ", nd, " bootstrap refits of ", n, " customers are ",
                     work, " customer-fits, more than the ", kMaxBootstrapWork,
                     " one request may run"));
  // Held: the draws, the grouped rows (4 columns) and their map, the
  // per-customer spend weights, and a fit's working copies of its rows
  // (with covariates also its scaled columns and the customer weights).
  MemoryReservation memory(o.memory);
  const double covariate_values =
      covariates == nullptr
          ? 0.0
          : 2.0 * static_cast<double>(covariates->purchase.values.size() +
                                      covariates->dropout.values.size()) + 6.0 * n;
  if (absl::Status s = memory.Reserve(8.0 * (static_cast<double>(nd * k) + 12.0 * n +
                                             covariate_values),
                                      o.names("draws"), "the bootstrap refits");
      !s.ok())
    return s;
  // Identical rows are fitted once with their resampled count as weight.
  GroupedCustomers grouped = GroupIdentical(CustomerData{data.x, data.t_x, data.T, {}});
  CustomerData rows = grouped.view();
  rows.name = data.name;
  std::vector<double> spend_weight(monetary.empty() ? 0 : n);
  // With covariates every customer is her own row: her weight is her count.
  std::vector<double> customer_weight(with_covariates ? n : 0);
  FitOptions purchase_fo, spend_fo;
  purchase_fo.standard_errors = spend_fo.standard_errors = false;
  purchase_fo.initial.assign(estimate.begin(), estimate.begin() + 4);
  const bool spend = k > kp;
  if (spend) spend_fo.initial.assign(estimate.begin() + kp, estimate.end());

  std::vector<double> draws(nd * k);
  Rng rng(o.seed, kBootstrapStream);
  *redrawn = 0;
  for (size_t d = 0; d < nd;) {
    std::fill(grouped.weight.begin(), grouped.weight.end(), 0.0);
    std::fill(spend_weight.begin(), spend_weight.end(), 0.0);
    std::fill(customer_weight.begin(), customer_weight.end(), 0.0);
    for (size_t j = 0; j < n; ++j) {
      const size_t i = static_cast<size_t>(rng.Below(n));
      grouped.weight[grouped.group[i]] += 1;
      if (!spend_weight.empty()) spend_weight[i] += 1;
      if (!customer_weight.empty()) customer_weight[i] += 1;
    }
    const absl::Span<double> row(&draws[d * k], k);
    Refit refit;
    if (with_covariates) {
      refit = CovariateRefit(*with_covariates, data, customer_weight, *covariates, purchase_fo,
                             row.subspan(0, kp));
    } else {
      switch (model) {
        case v1::VALUE_MODEL_BG_NBD: refit = PurchaseRefit(FitBgNbd, rows, purchase_fo, row); break;
        case v1::VALUE_MODEL_MBG_NBD: refit = PurchaseRefit(FitMbgNbd, rows, purchase_fo, row); break;
        default: refit = PurchaseRefit(FitParetoNbd, rows, purchase_fo, row); break;
      }
    }
    if (refit.status.ok() && !refit.boundary && spend) {
      SpendData spend_data{data.x, monetary, spend_weight};
      spend_data.name = data.name;
      absl::StatusOr<GammaGammaFit> fit = FitGammaGamma(spend_data, spend_fo);
      if (fit.ok()) {
        row[kp] = fit->params.p, row[kp + 1] = fit->params.q, row[kp + 2] = fit->params.gamma;
        refit.boundary = fit->report.AtBoundary();
      } else {
        refit.status = fit.status();
      }
    }
    // A bad row is the caller's, not the resample's: report it at once.
    if (refit.status.code() == absl::StatusCode::kInvalidArgument) return refit.status;
    if (refit.status.code() == absl::StatusCode::kResourceExhausted) return refit.status;
    if (refit.status.ok() && !refit.boundary && accept(row)) {
      ++d;
    } else if (++*redrawn > o.draws) {
      return absl::FailedPreconditionError(absl::StrCat(
          "prediction intervals: more than ", o.draws,
          " bootstrap refits failed, ran to a boundary or fell where the prediction does not "
          "exist (last: ",
          refit.status.ok() ? "a boundary or q <= 1" : refit.status.message(),
          "); the data are too thin for a bootstrap"));
    }
  }
  return draws;
}

}  // namespace mitra::value
