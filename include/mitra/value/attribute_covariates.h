// Covariates read from a workspace's customer attributes: the host names
// attribute keys, and each customer's value of each key (a decimal number
// stored as the attribute's text) becomes her row of a covariate column
// (covariates.h). A customer without the attribute, or with a value that
// is not a finite number, is an error: a guessed value would bias the
// coefficients, so filling gaps is the host's decision, made before the
// attributes are loaded.
#ifndef MITRA_VALUE_ATTRIBUTE_COVARIATES_H_
#define MITRA_VALUE_ATTRIBUTE_COVARIATES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "mitra/core/field_path.h"
#include "mitra/core/workspace.h"
#include "mitra/value/covariates.h"

namespace mitra::value {

struct AttributeCovariateKeys {
  std::vector<std::string> purchase, dropout;  // attribute keys, distinct within a list
  // How the caller names the lists in errors: "purchase_covariate_attributes"
  // and "dropout_covariate_attributes" under this path.
  FieldPath names;
  bool empty() const { return purchase.empty() && dropout.empty(); }
};

// The covariates of the workspace customers with dense indices
// `customers`, in that order, one column per key named by the key.
// INVALID_ARGUMENT names the list entry, the customer id and the key when
// a value is missing or not a finite number; keys must be non-empty and
// distinct within a list. The columns are not checked for identifiability
// (FitWithCovariates does that).
absl::StatusOr<Covariates> CovariatesFromAttributes(const Workspace& ws,
                                                    absl::Span<const uint32_t> customers,
                                                    const AttributeCovariateKeys& keys);

}  // namespace mitra::value

#endif  // MITRA_VALUE_ATTRIBUTE_COVARIATES_H_
