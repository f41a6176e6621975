#include "mitra/value/attribute_covariates.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/tables.h"

namespace mitra::value {
namespace {

// One process's columns: key k of customer i at values[i * K + k].
absl::Status ReadColumns(const CustomerTable& t, absl::Span<const uint32_t> customers,
                         const std::vector<std::string>& keys, const std::string& field,
                         CovariateColumns* out) {
  const size_t k = keys.size();
  if (absl::Status s = CheckDistinctNames(keys, field, "entry"); !s.ok()) return s;
  out->names = keys;
  out->values.assign(customers.size() * k, NAN);
  std::vector<bool> found(k);
  for (size_t i = 0; i < customers.size(); ++i) {
    const uint32_t c = customers[i];
    std::fill(found.begin(), found.end(), false);
    absl::Status bad;
    if (c < t.attributes.size()) {
      t.attributes.ForEach(c, [&](std::string_view key, const std::string& text) {
        // A few keys: found by a scan.
        const size_t j = static_cast<size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
        if (j == k || !bad.ok()) return;
        double v;
        if (!absl::SimpleAtod(Av(text), &v) || !std::isfinite(v)) {
          bad = Invalid(absl::StrCat(field, "[", j, "]"),
                        absl::StrCat("customer \"", Av(t.ids.Id(c)), "\" has attribute \"", keys[j],
                                     "\" = \"", text, "\", not a finite number"));
          return;
        }
        out->values[i * k + j] = v;
        found[j] = true;
      });
    }
    if (!bad.ok()) return bad;
    for (size_t j = 0; j < k; ++j) {
      if (!found[j])
        return Invalid(absl::StrCat(field, "[", j, "]"),
                       absl::StrCat("customer \"", Av(t.ids.Id(c)), "\" has no attribute \"", keys[j],
                                    "\" (missing covariates are not imputed: give every "
                                    "customer a value)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Covariates> CovariatesFromAttributes(const Workspace& ws,
                                                    absl::Span<const uint32_t> customers,
                                                    const AttributeCovariateKeys& keys) {
  const CustomerTable& t = ws.tables().customers;
  Covariates out;
  if (absl::Status s = ReadColumns(t, customers, keys.purchase,
                                   keys.names("purchase_covariate_attributes"), &out.purchase);
      !s.ok())
    return s;
  if (absl::Status s = ReadColumns(t, customers, keys.dropout,
                                   keys.names("dropout_covariate_attributes"), &out.dropout);
      !s.ok())
    return s;
  return out;
}

}  // namespace mitra::value
