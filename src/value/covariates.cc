// Fits with time-invariant covariates (covariates.h). Each customer's
// likelihood is the model's closed form at her own alpha_i and a_i, b_i
// (or beta_i), so the fit sums rows (customer_rows.h, Problem::BgRows), and
// the gradient in the four parameters and the coefficients follows by the
// chain rule: d alpha_i / d gamma1 = -alpha_i z1_i, d a_i / d gamma2 =
// a_i z2_i, d beta_i / d gamma2 = -beta_i z2_i.
#include "mitra/value/covariates.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cholesky.h"
#include "common/parallel.h"
#include "common/request_errors.h"
#include "common/special.h"
#include "customer_rows.h"
#include "vec_math.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/mbgnbd.h"
#include "mitra/value/pareto_nbd.h"

namespace mitra::value {
namespace {

constexpr size_t kBase = 4;

bool IsPareto(CovariateModel m) { return m == CovariateModel::kParetoNbd; }

// ln (b)_n, ln (c)_n and their derivatives (special.h's LogRising). For
// the small counts of most customers, both at once in two lanes and as one
// logarithm of the product (b)_n = b (b+1)...(b+n-1), whose derivative
// comes with it by the product rule: d ln (b)_n / db = (b)_n' / (b)_n. One
// logarithm and one division per customer instead of one each per purchase;
// the bounds keep the product of at most 16 factors far from overflow and
// underflow.
inline void TwoLogRisings(double b, double c, double n, double* lb, double* db, double* lc,
                          double* dc) {
  if (n == 0) {
    *lb = *db = *lc = *dc = 0;
    return;
  }
  if (n > 16 || !(std::min(b, c) > 1e-100) || !(std::max(b, c) < 1e15)) {
    *lb = LogRising(b, n, db);
    *lc = LogRising(c, n, dc);
    return;
  }
  vec::V2 p = vec::Splat(1), dp = vec::Splat(0);
  for (double k = 0; k < n; ++k) {
    const vec::V2 v = {b + k, c + k};
    dp = dp * v + p;
    p = p * v;
  }
  const vec::V2 l = vec::Log(p), d = dp / p;
  *lb = l[0], *db = d[0], *lc = l[1], *dc = d[1];
}

// One set of columns centred and scaled (or as given): z~ = (z - m) / s.
struct Scaled {
  size_t k = 0;
  std::vector<double> mean, scale, values;  // values row-major, n x k
};

// `c` centred and scaled by `by` (null: as given).
Scaled Scale(const CovariateColumns& c, size_t n, const CovariateScaling* by) {
  Scaled s;
  s.k = c.columns();
  s.mean = by != nullptr ? by->mean : std::vector<double>(s.k, 0.0);
  s.scale = by != nullptr ? by->scale : std::vector<double>(s.k, 1.0);
  s.values.resize(n * s.k);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < s.k; ++j)
      s.values[i * s.k + j] = (c.values[i * s.k + j] - s.mean[j]) / s.scale[j];
  return s;
}

// The sum over customers and its gradient, at u = (r, alpha, a|s, b|beta,
// gamma1..., gamma2...) in the (possibly scaled) covariates' coordinates.
class Problem {
 public:
  // The columns centred and scaled by `scaling` (null: as given).
  absl::Status Init(CovariateModel model, const CustomerData& data, const Covariates& cov,
                    const CovariateStandardisation* scaling) {
    int max_x = 0;
    if (absl::Status s = ValidateCustomerData(data, &max_x); !s.ok()) return s;
    if (absl::Status s = CheckCovariateValues(cov, data.x.size(), false); !s.ok()) return s;
    model_ = model;
    data_ = data;
    counts_ = WeighCounts(data, max_x);
    purchase_ = Scale(cov.purchase, data.x.size(), scaling ? &scaling->purchase : nullptr);
    dropout_ = Scale(cov.dropout, data.x.size(), scaling ? &scaling->dropout : nullptr);
    return absl::OkStatus();
  }

  size_t size() const { return kBase + purchase_.k + dropout_.k; }
  void set_threads(int threads) { threads_ = UsefulThreads(threads, data_.x.size()); }

  double Eval(const double* u, double* grad) const {
    const size_t n = size();
    // ln (r)_x and its derivative per count.
    lr_.resize(counts_.table_size());
    dlr_.resize(counts_.table_size());
    for (size_t k = 0; k < lr_.size(); ++k) lr_[k] = LogRising(u[0], counts_.x_of(k), &dlr_[k]);
    std::vector<std::vector<double>> part(threads_, std::vector<double>(n + 1, 0.0));
    ParallelChunks(threads_, data_.x.size(),
                   [&](size_t begin, size_t end, int c) { Rows(u, begin, end, part[c]); });
    std::vector<double> total(n + 1, 0.0);
    for (const std::vector<double>& one : part)  // fixed order: same sums for any schedule
      for (size_t j = 0; j <= n; ++j) total[j] += one[j];
    if (grad != nullptr) std::copy(total.begin() + 1, total.end(), grad);
    return total[0];
  }

 private:
  // acc = (ll, d/d base[4], d/d gamma1, d/d gamma2), summed in blocks so
  // that the rounding of a million terms stays near that of a thousand.
  // Per block: the linear predictors, their exponentials (and for the BG
  // models the logarithms and the log-sum-exp) two lanes at a time, then
  // the rows.
  void Rows(const double* u, size_t begin, size_t end, std::vector<double>& acc) const {
    const size_t k1 = purchase_.k, k2 = dropout_.k, n = size();
    const double* g1 = u + kBase;
    const double* g2 = u + kBase + k1;
    const bool pareto = IsPareto(model_);
    const double sign2 = pareto ? -1.0 : 1.0;
    constexpr size_t kBlock = 256;
    double eta1[kBlock], eta2[kBlock], e1[kBlock], e2[kBlock], work[5][kBlock];
    std::vector<double> block(n + 1);
    for (size_t b0 = begin; b0 < end; b0 += kBlock) {
      const size_t m = std::min(kBlock, end - b0);
      for (size_t j = 0; j < m; ++j) {
        const double* z1 = purchase_.values.data() + (b0 + j) * k1;
        const double* z2 = dropout_.values.data() + (b0 + j) * k2;
        double s1 = 0, s2 = 0;
        for (size_t c = 0; c < k1; ++c) s1 += g1[c] * z1[c];
        for (size_t c = 0; c < k2; ++c) s2 += g2[c] * z2[c];
        eta1[j] = s1, eta2[j] = s2;
        e1[j] = -s1, e2[j] = sign2 * s2;
      }
      vec::ExpArray(e1, e1, m);
      vec::ExpArray(e2, e2, m);
      std::fill(block.begin(), block.end(), 0.0);
      if (pareto)
        ParetoRows(u, b0, m, e1, e2, block);
      else
        BgRows(u, b0, m, eta1, eta2, e1, e2, work, block);
      for (size_t j = 0; j <= n; ++j) acc[j] += block[j];
    }
  }

  // Adds one row's weighted ln L and gradient g at its own parameters p to
  // `block` by the chain rule (p[1] = alpha e1, p[3] = (b or beta) e2).
  void AddRow(double w, double ll, const double g[4], const double p[4], double e1, double e2,
              size_t i, std::vector<double>& block) const {
    const size_t k1 = purchase_.k, k2 = dropout_.k;
    const bool pareto = IsPareto(model_);
    block[0] += w * ll;
    block[1] += w * g[0];
    block[2] += w * g[1] * e1;
    block[3] += w * g[2] * (pareto ? 1.0 : e2);
    block[4] += w * g[3] * e2;
    const double d1 = -w * g[1] * p[1];
    const double d2 = pareto ? -w * g[3] * p[3] : w * (g[2] * p[2] + g[3] * p[3]);
    const double* z1 = purchase_.values.data() + i * k1;
    const double* z2 = dropout_.values.data() + i * k2;
    for (size_t c = 0; c < k1; ++c) block[1 + kBase + c] += d1 * z1[c];
    for (size_t c = 0; c < k2; ++c) block[1 + kBase + k1 + c] += d2 * z2[c];
  }

  double Weight(size_t i) const { return data_.weight.empty() ? 1.0 : data_.weight[i]; }

  void ParetoRows(const double* u, size_t b0, size_t m, const double* e1, const double* e2,
                  std::vector<double>& block) const {
    for (size_t j = 0; j < m; ++j) {
      const size_t i = b0 + j;
      const double w = Weight(i);
      if (w == 0) continue;
      const double p[4] = {u[0], u[1] * e1[j], u[2], u[3] * e2[j]};
      const uint32_t slot = counts_.slot[i];
      double g[4];
      const double ll = ParetoNbdRowLogLikelihood(p, data_.x[i], data_.t_x[i], data_.T[i],
                                                  lr_[slot], dlr_[slot], g);
      AddRow(w, ll, g, p, e1[j], e2[j], i, block);
    }
  }

  // BG/NBD (e = 0) and MBG/NBD (e = 1) at alpha_i, a_i, b_i, in the
  // notation of bg_likelihood.cc: ln L = A1 + A2 + ln(e^A3 + [x+e > 0] e^A4),
  // A1 = ln (r)_x + r ln alpha_i, A2 = ln (b_i)_(x+e) - ln (a_i+b_i)_(x+e),
  // A3 = -(r+x) ln(alpha_i+T), A4 = ln a_i - ln(b_i+x+e-1) - (r+x) ln(alpha_i+t_x).
  void BgRows(const double* u, size_t b0, size_t m, const double* eta1, const double* eta2,
              const double* e1, const double* e2, double (*work)[256],
              std::vector<double>& block) const {
    const int extra = model_ == CovariateModel::kMbgNbd ? 1 : 0;
    const double r = u[0], log_alpha = std::log(u[1]), log_a = std::log(u[2]);
    // ln(alpha_i + T) for every row; the terms of A4 only for the rows that
    // have it (x + e > 0), packed at `slot[j]`, so that the customers
    // without a repeat purchase (a third in a CDNOW-like cohort) skip three
    // logarithms and an exponential. The functions act per lane: the
    // values are those of the unpacked arrays.
    double* lT = work[0];
    double* ltx = work[1];
    double* lbn = work[2];
    double* e = work[3];
    double* l1e = work[4];
    uint16_t slot[256];
    size_t q = 0;
    for (size_t j = 0; j < m; ++j) {
      const size_t i = b0 + j;
      const double alpha = u[1] * e1[j], n = data_.x[i] + extra;
      lT[j] = alpha + data_.T[i];
      if (n > 0) {
        slot[j] = static_cast<uint16_t>(q);
        ltx[q] = alpha + data_.t_x[i];
        lbn[q] = u[3] * e2[j] + (n - 1);
        ++q;
      }
    }
    vec::LogArray(lT, lT, m);
    vec::LogArray(ltx, ltx, q);
    vec::LogArray(lbn, lbn, q);
    for (size_t j = 0; j < m; ++j) {  // e^-|A4 - A3|
      const size_t i = b0 + j;
      const double x = data_.x[i];
      if (x + extra == 0) continue;
      const size_t k = slot[j];
      const double a3 = -(r + x) * lT[j], a4 = log_a + eta2[j] - lbn[k] - (r + x) * ltx[k];
      e[k] = -std::fabs(a4 - a3);
    }
    vec::ExpArray(e, e, q);
    for (size_t k = 0; k < q; ++k) l1e[k] = 1 + e[k];
    vec::LogArray(l1e, l1e, q);
    for (size_t j = 0; j < m; ++j) {
      const size_t i = b0 + j;
      const double w = Weight(i);
      if (w == 0) continue;
      const double x = data_.x[i], n = x + extra;
      const double p[4] = {r, u[1] * e1[j], u[2] * e2[j], u[3] * e2[j]};
      const uint32_t count = counts_.slot[i];
      double l_b, d_b, l_ab, d_ab;
      TwoLogRisings(p[3], p[2] + p[3], n, &l_b, &d_b, &l_ab, &d_ab);
      const double la = log_alpha - eta1[j];
      double ll = lr_[count] + r * la + l_b - l_ab;
      double g[4] = {dlr_[count] + la, r / p[1], -d_ab, d_b - d_ab};
      const double a3 = -(r + x) * lT[j];
      if (n == 0) {
        ll += a3;
        g[0] -= lT[j];
        g[1] -= (r + x) / (p[1] + data_.T[i]);
      } else {
        // ln(e^A3 + e^A4) = max + ln(1 + e^-|A4 - A3|); w4 = e^A4 / (e^A3 + e^A4).
        const size_t k = slot[j];
        const double a4 = log_a + eta2[j] - lbn[k] - (r + x) * ltx[k];
        const double w4 = a4 > a3 ? 1 / (1 + e[k]) : e[k] / (1 + e[k]), w3 = 1 - w4;
        ll += std::max(a3, a4) + l1e[k];
        g[0] -= w3 * lT[j] + w4 * ltx[k];
        g[1] -= (r + x) * (w3 / (p[1] + data_.T[i]) + w4 / (p[1] + data_.t_x[i]));
        g[2] += w4 / p[2];
        g[3] -= w4 / (p[3] + (n - 1));
      }
      AddRow(w, ll, g, p, e1[j], e2[j], i, block);
    }
  }

  CovariateModel model_ = CovariateModel::kBgNbd;
  CustomerData data_;
  CountWeights counts_;
  Scaled purchase_, dropout_;
  int threads_ = 1;
  mutable std::vector<double> lr_, dlr_;
};

// The scaling of n rows of `c` as one block (CovariateScalingOf its moments).
absl::StatusOr<CovariateScaling> ScalingOfAll(const CovariateColumns& c, size_t n,
                                              const std::string& field) {
  const std::vector<double> sum = CovariateColumnSums(c, n);
  const double count = static_cast<double>(n);
  return CovariateScalingOf(c.names, count, sum, CovariateCrossProducts(c, n, sum, count), field);
}

// Names, length and finite values; with `identified`, also no constant or
// collinear column.
absl::Status CheckColumns(const CovariateColumns& c, size_t n, const FieldPath& names,
                          const std::string& process, bool identified) {
  const std::string values_field = names(absl::StrCat(process, "_covariates"));
  const std::string names_field = names(absl::StrCat(process, "_covariate_names"));
  const size_t k = c.columns();
  if (absl::Status s = CheckDistinctNames(c.names, names_field, "column"); !s.ok()) return s;
  if (c.values.size() != n * k)
    return Invalid(values_field, absl::StrCat("has ", c.values.size(), " values, expected ", n,
                                              " customers x ", k, " columns = ", n * k,
                                              " (row-major, one row per customer)"));
  for (size_t i = 0; i < c.values.size(); ++i) {
    if (!std::isfinite(c.values[i]))
      return Invalid(absl::StrCat(values_field, "[", i, "]"),
                     absl::StrCat("must be finite, got ", c.values[i], " (customer ", i / k,
                                  ", column \"", c.names[i % k], "\")"));
  }
  if (k == 0 || !identified) return absl::OkStatus();
  return ScalingOfAll(c, n, values_field).status();
}

// The standardisation of the single-process fit: the moments of all rows.
absl::StatusOr<CovariateStandardisation> Standardise(const Covariates& cov, size_t n) {
  CovariateStandardisation out;
  for (auto [c, scaling, process] :
       {std::tuple{&cov.purchase, &out.purchase, "purchase"},
        std::tuple{&cov.dropout, &out.dropout, "dropout"}}) {
    absl::StatusOr<CovariateScaling> s =
        ScalingOfAll(*c, n, cov.names(absl::StrCat(process, "_covariates")));
    if (!s.ok()) return s.status();
    *scaling = *std::move(s);
  }
  return out;
}

absl::StatusOr<std::array<double, 4>> FitWithout(CovariateModel model, const CustomerData& data,
                                                 const FitOptions& options, double* ll) {
  FitOptions o = options;
  o.standard_errors = false;
  switch (model) {
    case CovariateModel::kBgNbd: {
      absl::StatusOr<BgNbdFit> f = FitBgNbd(data, o);
      if (!f.ok()) return f.status();
      *ll = f->report.log_likelihood;
      return std::array<double, 4>{f->params.r, f->params.alpha, f->params.a, f->params.b};
    }
    case CovariateModel::kMbgNbd: {
      absl::StatusOr<MbgNbdFit> f = FitMbgNbd(data, o);
      if (!f.ok()) return f.status();
      *ll = f->report.log_likelihood;
      return std::array<double, 4>{f->params.r, f->params.alpha, f->params.a, f->params.b};
    }
    case CovariateModel::kParetoNbd: {
      absl::StatusOr<ParetoNbdFit> f = FitParetoNbd(data, o);
      if (!f.ok()) return f.status();
      *ll = f->report.log_likelihood;
      return std::array<double, 4>{f->params.r, f->params.alpha, f->params.s, f->params.beta};
    }
  }
  return absl::InvalidArgumentError("unknown model");
}

absl::Status CheckParams(const CovariateParams& p, const Covariates& cov) {
  for (double v : p.base)
    if (!(v > 0) || !std::isfinite(v))
      return absl::InvalidArgumentError("the model parameters must be finite and > 0");
  if (p.purchase.size() != cov.purchase.columns() || p.dropout.size() != cov.dropout.columns())
    return absl::InvalidArgumentError(absl::StrCat(
        "the coefficients (", p.purchase.size(), " purchase, ", p.dropout.size(),
        " dropout) do not match the covariate columns (", cov.purchase.columns(), ", ",
        cov.dropout.columns(), ")"));
  for (double v : p.purchase)
    if (!std::isfinite(v)) return absl::InvalidArgumentError("the coefficients must be finite");
  for (double v : p.dropout)
    if (!std::isfinite(v)) return absl::InvalidArgumentError("the coefficients must be finite");
  return absl::OkStatus();
}

}  // namespace

const char* CovariateModelName(CovariateModel model) {
  switch (model) {
    case CovariateModel::kBgNbd:
      return "BG/NBD";
    case CovariateModel::kMbgNbd:
      return "MBG/NBD";
    case CovariateModel::kParetoNbd:
      return "Pareto/NBD";
  }
  return "unknown model";
}

absl::Status CheckDistinctNames(const std::vector<std::string>& names, const std::string& field,
                                const char* noun) {
  // A scan, not a hash set: few names, and Debian's absl hash containers
  // abort when an allocation fails inside them.
  for (size_t j = 0; j < names.size(); ++j) {
    if (names[j].empty()) return Invalid(absl::StrCat(field, "[", j, "]"), "must not be empty");
    const auto first = std::find(names.begin(), names.end(), names[j]) - names.begin();
    if (static_cast<size_t>(first) < j)
      return Invalid(absl::StrCat(field, "[", j, "]"),
                     absl::StrCat("\"", names[j], "\" is also ", noun, " ", first));
  }
  return absl::OkStatus();
}

absl::Status CheckCovariates(const Covariates& cov, size_t n) {
  return CheckCovariateValues(cov, n, true);
}

absl::Status CheckCovariateValues(const Covariates& cov, size_t n, bool identified) {
  if (absl::Status s = CheckColumns(cov.purchase, n, cov.names, "purchase", identified); !s.ok())
    return s;
  if (absl::Status s = CheckColumns(cov.dropout, n, cov.names, "dropout", identified); !s.ok())
    return s;
  return CheckRange(cov.penalty, cov.names("covariate_penalty"), cov.penalty >= 0,
                    "finite and >= 0");
}

std::array<double, 4> CustomerParams(CovariateModel model, const CovariateParams& params,
                                     const Covariates& cov, size_t i) {
  const size_t k1 = cov.purchase.columns(), k2 = cov.dropout.columns();
  double eta1 = 0, eta2 = 0;
  for (size_t j = 0; j < k1; ++j) eta1 += params.purchase[j] * cov.purchase.values[i * k1 + j];
  for (size_t j = 0; j < k2; ++j) eta2 += params.dropout[j] * cov.dropout.values[i * k2 + j];
  std::array<double, 4> p = params.base;
  p[1] *= std::exp(-eta1);
  if (IsPareto(model)) {
    p[3] *= std::exp(-eta2);
  } else {
    p[2] *= std::exp(eta2);
    p[3] *= std::exp(eta2);
  }
  return p;
}

std::vector<double> CovariateColumnSums(const CovariateColumns& c, size_t n) {
  const size_t k = c.columns();
  std::vector<double> sum(k, 0.0);
  for (size_t j = 0; j < k; ++j)
    for (size_t i = 0; i < n; ++i) sum[j] += c.values[i * k + j];
  return sum;
}

std::vector<double> CovariateCrossProducts(const CovariateColumns& c, size_t n,
                                           absl::Span<const double> sum, double count) {
  const size_t k = c.columns();
  std::vector<double> mean(k), cross(k * k, 0.0);
  for (size_t j = 0; j < k; ++j) mean[j] = sum[j] / count;
  // Column by column, the diagonal as the single-process fit sums it.
  for (size_t a = 0; a < k; ++a)
    for (size_t b = 0; b <= a; ++b) {
      double v = 0;
      for (size_t i = 0; i < n; ++i) v += (c.values[i * k + a] - mean[a]) * (c.values[i * k + b] - mean[b]);
      cross[a * k + b] = cross[b * k + a] = v;
    }
  return cross;
}

absl::StatusOr<CovariateScaling> CovariateScalingOf(const std::vector<std::string>& names,
                                                    double count, absl::Span<const double> sum,
                                                    absl::Span<const double> cross,
                                                    const std::string& field) {
  const size_t k = names.size();
  CovariateScaling s;
  s.mean.assign(k, 0.0);
  s.scale.assign(k, 1.0);
  if (!(count > 0)) return s;
  for (size_t j = 0; j < k; ++j) {
    s.mean[j] = sum[j] / count;
    s.scale[j] = std::sqrt(cross[j * k + j] / count);
    if (!(s.scale[j] > 1e-12 * std::max(1.0, std::fabs(s.mean[j]))))
      return Invalid(field, absl::StrCat("column \"", names[j], "\" is constant (", s.mean[j],
                                         " for every customer): its coefficient cannot be told "
                                         "apart from the model's own parameters; drop the column"));
  }
  // The correlation matrix of the columns: one that is a combination of the
  // others and the constant makes it singular, and the fit's Hessian with
  // it. Its leading minors name the first such column: the last pivot is
  // the share of column m-1's variance the earlier columns leave unexplained.
  std::vector<double> l;
  for (size_t m = 2; m <= k; ++m) {
    std::vector<double> lead(m * m);
    for (size_t a = 0; a < m; ++a)
      for (size_t b = 0; b < m; ++b)
        lead[a * m + b] = cross[a * k + b] / (count * s.scale[a] * s.scale[b]);
    if (!Cholesky(lead, m, l) || l[m * m - 1] * l[m * m - 1] < 1e-9)
      return Invalid(field,
                     absl::StrCat("column \"", names[m - 1],
                                  "\" is a linear combination of the earlier columns and a "
                                  "constant: the coefficients would not be identified (singular)"));
  }
  return s;
}

namespace {

absl::StatusOr<double> Evaluate(CovariateModel model, const CovariateParams& params,
                                const CustomerData& data, const Covariates& cov,
                                const CovariateStandardisation* scaling, double* grad) {
  Problem problem;
  if (absl::Status s = problem.Init(model, data, cov, scaling); !s.ok()) return s;
  if (absl::Status s = CheckParams(params, cov); !s.ok()) return s;
  std::vector<double> u(params.base.begin(), params.base.end());
  u.insert(u.end(), params.purchase.begin(), params.purchase.end());
  u.insert(u.end(), params.dropout.begin(), params.dropout.end());
  return problem.Eval(u.data(), grad);
}

absl::Status CheckScaling(const CovariateScaling& s, size_t k, const char* process) {
  if (s.mean.size() != k || s.scale.size() != k)
    return absl::InvalidArgumentError(absl::StrCat("the ", process, " scaling has ", s.mean.size(),
                                                   " centres and ", s.scale.size(),
                                                   " scales for ", k, " columns"));
  for (size_t j = 0; j < k; ++j)
    if (!std::isfinite(s.mean[j]) || !(s.scale[j] > 0) || !std::isfinite(s.scale[j]))
      return absl::InvalidArgumentError(absl::StrCat(
          "the ", process, " scaling of column ", j, " must have a finite centre and a finite "
          "scale > 0, got ", s.mean[j], " and ", s.scale[j]));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<double> CovariateLogLikelihood(CovariateModel model, const CovariateParams& params,
                                              const CustomerData& data, const Covariates& cov,
                                              double* grad) {
  return Evaluate(model, params, data, cov, nullptr, grad);
}

absl::StatusOr<double> CovariateLogLikelihood(CovariateModel model, const CovariateParams& params,
                                              const CustomerData& data, const Covariates& cov,
                                              const CovariateStandardisation& scaling,
                                              double* grad) {
  if (absl::Status s = CheckScaling(scaling.purchase, cov.purchase.columns(), "purchase"); !s.ok())
    return s;
  if (absl::Status s = CheckScaling(scaling.dropout, cov.dropout.columns(), "dropout"); !s.ok())
    return s;
  return Evaluate(model, params, data, cov, &scaling, grad);
}

absl::StatusOr<CovariateFit> FitWithCovariates(CovariateModel model, const CustomerData& data,
                                               const Covariates& cov, const FitOptions& options) {
  if (absl::Status s = CheckFitOptions(options); !s.ok()) return s;
  if (absl::Status s = ValidateCustomerData(data, nullptr); !s.ok()) return s;
  if (absl::Status s = CheckCovariateValues(cov, data.x.size(), false); !s.ok()) return s;
  absl::StatusOr<CovariateStandardisation> scaling = Standardise(cov, data.x.size());
  if (!scaling.ok()) return scaling.status();
  Problem problem;
  if (absl::Status s = problem.Init(model, data, cov, &*scaling); !s.ok()) return s;
  problem.set_threads(options.threads);
  std::vector<double> u;
  auto sum = [&](const CovariateParams& p, double* ll, double* grad) {
    u.assign(p.base.begin(), p.base.end());
    u.insert(u.end(), p.purchase.begin(), p.purchase.end());
    u.insert(u.end(), p.dropout.begin(), p.dropout.end());
    *ll = problem.Eval(u.data(), grad);
    return true;
  };
  return FitWithCovariateLikelihood(model, data, *scaling, cov.penalty, cov.names, sum, options);
}

absl::StatusOr<CovariateFit> FitWithCovariateLikelihood(CovariateModel model,
                                                        const CustomerData& rows,
                                                        const CovariateStandardisation& scaling,
                                                        double penalty, const FieldPath& names,
                                                        CovariateLikelihoodFn log_likelihood,
                                                        const FitOptions& options) {
  if (absl::Status s = CheckFitOptions(options); !s.ok()) return s;
  if (absl::Status s = CheckRange(penalty, names("covariate_penalty"), penalty >= 0,
                                  "finite and >= 0");
      !s.ok())
    return s;
  const CovariateScaling& z1 = scaling.purchase;
  const CovariateScaling& z2 = scaling.dropout;
  const size_t k1 = z1.mean.size(), k2 = z2.mean.size(), n = kBase + k1 + k2;
  if (absl::Status s = CheckScaling(z1, k1, "purchase"); !s.ok()) return s;
  if (absl::Status s = CheckScaling(z2, k2, "dropout"); !s.ok()) return s;
  CovariateFit fit;
  fit.model = model;
  LikelihoodRatioTest& lr = fit.likelihood_ratio;
  absl::StatusOr<std::array<double, 4>> restricted =
      FitWithout(model, rows, options, &lr.restricted_log_likelihood);
  if (!restricted.ok()) return restricted.status();
  lr.restricted = *restricted;
  double w = 0;  // the total weight, summed as the likelihood's row weights are
  for (size_t i = 0; i < rows.x.size(); ++i) w += rows.weight.empty() ? 1.0 : rows.weight[i];

  // The caller's sum at u = (base, gamma1..., gamma2...).
  FallibleLikelihood host;
  CovariateParams at;
  auto sum = [&](const double* u, double* g) {
    return host.Evaluate([&](double* v) {
      std::copy(u, u + kBase, at.base.begin());
      at.purchase.assign(u + kBase, u + kBase + k1);
      at.dropout.assign(u + kBase + k1, u + n);
      return log_likelihood(at, v, g);
    });
  };

  // Scaled coordinates: gamma~_j = gamma_j s_j on (z_j - m_j) / s_j, with
  // alpha (and a, b or beta) those of a customer at the means. The penalty
  // is on the caller's gamma_j = gamma~_j / s_j.
  std::vector<double> inv_s2(n, 0.0);  // 1 / s_j^2 per coefficient
  for (size_t j = 0; j < k1; ++j) inv_s2[kBase + j] = 1 / (z1.scale[j] * z1.scale[j]);
  for (size_t j = 0; j < k2; ++j) inv_s2[kBase + k1 + j] = 1 / (z2.scale[j] * z2.scale[j]);
  auto ll = [&](const double* u, double* g) {
    double v = sum(u, g);
    for (size_t j = kBase; j < n; ++j) {
      v -= w * penalty * u[j] * u[j] * inv_s2[j];
      g[j] -= 2 * w * penalty * u[j] * inv_s2[j];
    }
    return v;
  };
  std::vector<double> start(n, 0.0);
  std::copy(restricted->begin(), restricted->end(), start.begin());
  absl::StatusOr<MleResult> mle = MaximizeLikelihood(CovariateModelName(model), start, w, ll,
                                                     options, RealParameters{kBase, 0});
  if (host.failed()) return host.Aborted();
  if (!mle.ok()) return mle.status();
  const std::vector<double>& u = mle->params;
  fit.report = std::move(mle->report);
  std::vector<double> scratch(n);
  fit.report.log_likelihood = sum(u.data(), scratch.data());
  if (host.failed()) return host.Aborted();

  // Back to the caller's coordinates v = (ln theta, gamma), linear in
  // (ln theta~, gamma~): ln alpha = ln alpha~ + sum gamma~_j m_j / s_j, and
  // ln a, ln b (BG) minus, ln beta (Pareto/NBD) plus the same over gamma2.
  std::vector<double> jac(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) jac[i * n + i] = i < kBase ? 1.0 : std::sqrt(inv_s2[i]);
  for (size_t j = 0; j < k1; ++j) jac[1 * n + kBase + j] = z1.mean[j] / z1.scale[j];
  for (size_t j = 0; j < k2; ++j) {
    const double d = z2.mean[j] / z2.scale[j];
    if (IsPareto(model)) {
      jac[3 * n + kBase + k1 + j] = d;
    } else {
      jac[2 * n + kBase + k1 + j] = -d;
      jac[3 * n + kBase + k1 + j] = -d;
    }
  }
  std::vector<double> v(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    const double ui = i < kBase ? std::log(u[i]) : u[i];
    for (size_t j = 0; j < n; ++j) v[j] += jac[j * n + i] * ui;
  }
  for (size_t i = 0; i < kBase; ++i) fit.params.base[i] = std::exp(v[i]);
  // The fit is made on centred, scaled covariates; in the caller's units a
  // base parameter absorbs exp(coefficient x mean / scale), which for
  // covariates far from 0 against their spread (a fuzzer's 3.6e59 +- 30)
  // leaves double's range: alpha came out 0. Refused rather than returned.
  static constexpr const char* kBgNames[kBase] = {"r", "alpha", "a", "b"};
  static constexpr const char* kParetoNames[kBase] = {"r", "alpha", "s", "beta"};
  for (size_t i = 0; i < n; ++i) {
    const double value = i < kBase ? fit.params.base[i] : v[i];
    if (!std::isfinite(value) || (i < kBase && !(value > 0)))
      return absl::InvalidArgumentError(absl::StrCat(
          "the fitted ",
          i < kBase ? (IsPareto(model) ? kParetoNames : kBgNames)[i]
                    : (i < kBase + k1 ? "purchase coefficient" : "dropout coefficient"),
          " in the covariates' own units is ", value,
          ", outside double's range: centre the covariates (their means are far from 0 "
          "against their spread)"));
  }
  fit.params.purchase.assign(v.begin() + kBase, v.begin() + kBase + k1);
  fit.params.dropout.assign(v.begin() + kBase + k1, v.end());
  if (!fit.report.log_covariance.empty()) {
    const std::vector<double>& cu = fit.report.log_covariance;
    std::vector<double> tmp(n * n, 0.0), cv(n * n, 0.0);  // J C J'
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        for (size_t k = 0; k < n; ++k) tmp[i * n + j] += jac[i * n + k] * cu[k * n + j];
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        for (size_t k = 0; k < n; ++k) cv[i * n + j] += tmp[i * n + k] * jac[j * n + k];
    fit.report.log_covariance = cv;
    for (size_t i = 0; i < n; ++i) {
      const double sd = std::sqrt(cv[i * n + i]);
      fit.report.standard_errors[i] = i < kBase ? fit.params.base[i] * sd : sd;
    }
  }
  lr.degrees_of_freedom = static_cast<int>(k1 + k2);
  lr.statistic = std::max(0.0, 2 * (fit.report.log_likelihood - lr.restricted_log_likelihood));
  lr.p_value = lr.degrees_of_freedom > 0 ? ChiSquareSurvival(lr.statistic, lr.degrees_of_freedom)
                                         : 1.0;
  return fit;
}

PurchaseModel CustomerModel(CovariateModel model, const CovariateParams& params,
                            const Covariates& cov, size_t i) {
  const std::array<double, 4> p = CustomerParams(model, params, cov, i);
  switch (model) {
    case CovariateModel::kBgNbd:
      return BgNbdParams{p[0], p[1], p[2], p[3]};
    case CovariateModel::kMbgNbd:
      return MbgNbdParams{p[0], p[1], p[2], p[3]};
    case CovariateModel::kParetoNbd:
      break;
  }
  return ParetoNbdParams{p[0], p[1], p[2], p[3]};
}

absl::Status PredictWithCovariates(CovariateModel model, const CovariateParams& params,
                                   const Covariates& cov, const CustomerData& data,
                                   CovariatePrediction what, double t, absl::Span<double> out) {
  // Checked whole first, so that errors name the caller's row.
  if (absl::Status s = ValidateCustomerData(data, nullptr); !s.ok()) return s;
  const size_t n = data.x.size();
  if (absl::Status s = CheckCovariateValues(cov, n, false); !s.ok()) return s;
  if (absl::Status s = CheckParams(params, cov); !s.ok()) return s;
  if (out.size() != n)
    return absl::InvalidArgumentError(
        absl::StrCat("output has ", out.size(), " values for ", n, " customers"));
  if (what != CovariatePrediction::kProbabilityAlive && !(t >= 0 && std::isfinite(t)))
    return absl::InvalidArgumentError("t must be finite and >= 0");
  for (size_t i = 0; i < n; ++i) {
    const PurchaseModel m = CustomerModel(model, params, cov, i);
    const CustomerData row{data.x.subspan(i, 1), data.t_x.subspan(i, 1), data.T.subspan(i, 1),
                           {}, data.name};
    const absl::Span<double> one = out.subspan(i, 1);
    absl::Status s;
    switch (what) {
      case CovariatePrediction::kExpectedPurchases:
        s = ExpectedPurchases(m, row, t, one);
        break;
      case CovariatePrediction::kProbabilityAlive:
        s = ProbabilityAlive(m, row, one);
        break;
      case CovariatePrediction::kProbabilityAliveAt:
        s = ProbabilityAliveAt(m, row, t, one);
        break;
    }
    if (!s.ok())
      return absl::Status(s.code(), absl::StrCat(data.name, " row ", i, ": ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status ExpectedCumulativeTransactionsWithCovariates(
    CovariateModel model, const CovariateParams& params, const Covariates& cov,
    absl::Span<const double> birth, const TrackingGrid& grid, absl::Span<double> out) {
  const size_t n = birth.size();
  if (absl::Status s = CheckCovariateValues(cov, n, false); !s.ok()) return s;
  if (absl::Status s = CheckParams(params, cov); !s.ok()) return s;
  // The grid, the output and the base model checked (and out zeroed) first.
  const CovariateParams base{params.base, {}, {}};
  if (absl::Status s =
          ExpectedCumulativeTransactions(CustomerModel(model, base, Covariates{}, 0), {}, grid, out);
      !s.ok())
    return s;
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(birth[i]))
      return absl::InvalidArgumentError(absl::StrCat("birth[", i, "]: must be finite, got ", birth[i]));
  std::vector<std::array<double, 4>> own(n);
  for (size_t i = 0; i < n; ++i) own[i] = CustomerParams(model, params, cov, i);
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return own[a] < own[b]; });
  std::vector<double> births, part(out.size());
  for (size_t g = 0; g < n;) {
    const size_t first = order[g];
    births.clear();
    for (; g < n && own[order[g]] == own[first]; ++g) births.push_back(birth[order[g]]);
    if (absl::Status s = ExpectedCumulativeTransactions(CustomerModel(model, params, cov, first),
                                                        births, grid, absl::MakeSpan(part));
        !s.ok())
      return absl::Status(s.code(), absl::StrCat("customer ", first, " at her own parameters: ",
                                                 s.message()));
    for (size_t k = 0; k < out.size(); ++k) out[k] += part[k];
  }
  return absl::OkStatus();
}

}  // namespace mitra::value
