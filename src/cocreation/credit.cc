#include "mitra/cocreation/credit.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace mitra::cocreation {

absl::Status ValidateChanges(absl::Span<const ChangeCredit> changes, size_t num_customers,
                             const ChangeFieldNames& names) {
  std::vector<uint32_t> seen(num_customers, UINT32_MAX);
  for (size_t k = 0; k < changes.size(); ++k) {
    const ChangeCredit& ch = changes[k];
    const std::string at = absl::StrCat(names.list, "[", k, "]");
    if (!(std::isfinite(ch.value) && ch.value >= 0))
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".value: must be finite and >= 0, got ", ch.value));
    if (ch.contributors.empty())
      return absl::InvalidArgumentError(absl::StrCat(at, ".", names.contributors, ": empty"));
    for (size_t j = 0; j < ch.contributors.size(); ++j) {
      const Index c = ch.contributors[j];
      if (c >= num_customers)
        return absl::InvalidArgumentError(
            absl::StrCat(at, ".", names.contributors, "[", j, "]: customer index out of range"));
      if (seen[c] == k)
        return absl::InvalidArgumentError(
            absl::StrCat(at, ".", names.contributors, "[", j, "]: listed twice"));
      seen[c] = static_cast<uint32_t>(k);
    }
    if (ch.shares.empty()) continue;
    if (ch.shares.size() != ch.contributors.size())
      return absl::InvalidArgumentError(absl::StrCat(
          at, ".shares: ", ch.shares.size(), " shares for ", ch.contributors.size(),
          " contributors (empty: equal shares)"));
    double sum = 0;
    for (size_t j = 0; j < ch.shares.size(); ++j) {
      if (!(std::isfinite(ch.shares[j]) && ch.shares[j] >= 0))
        return absl::InvalidArgumentError(
            absl::StrCat(at, ".shares[", j, "]: must be finite and >= 0, got ", ch.shares[j]));
      sum += ch.shares[j];
    }
    if (!(sum > 0))
      return absl::InvalidArgumentError(absl::StrCat(at, ".shares: must have a positive sum"));
  }
  return absl::OkStatus();
}

std::vector<ChangeCredit> AdoptedChanges(absl::Span<const Decision> decisions) {
  std::vector<ChangeCredit> out;
  for (const Decision& d : decisions) {
    if (!d.adopted || std::isnan(d.value) || d.contributors.empty()) continue;
    double weight = 0;
    for (double w : d.weights) weight += w;
    if (!d.weights.empty() && !(weight > 0)) continue;  // credits no one
    ChangeCredit ch;
    ch.value = d.value;
    ch.time = d.effective != kNoTime ? d.effective : d.decided;
    ch.contributors = d.contributors;
    ch.shares = d.weights;
    out.push_back(std::move(ch));
  }
  return out;
}

absl::StatusOr<std::vector<double>> CoCreationCredit(size_t num_customers,
                                                     absl::Span<const ChangeCredit> changes,
                                                     int64_t as_of) {
  if (absl::Status s = ValidateChanges(changes, num_customers); !s.ok()) return s;
  std::vector<double> credit(num_customers, 0.0);
  for (const ChangeCredit& ch : changes) {
    if (as_of != kNoTime && ch.time != kNoTime && ch.time >= as_of) continue;
    double sum = 0;
    for (double w : ch.shares) sum += w;
    for (size_t k = 0; k < ch.contributors.size(); ++k) {
      const double share = ch.shares.empty() ? 1.0 / ch.contributors.size() : ch.shares[k] / sum;
      credit[ch.contributors[k]] += ch.value * share;
    }
  }
  return credit;
}

}  // namespace mitra::cocreation
