// FieldPath: where an option sits in its caller's terms.
//
// Why: one validation per options struct serves every caller. A C++ caller
// reads errors in the options' own names ("epsilon: must be in (0, 1), got
// 2"); a request reaches the same check through its message layer, which
// sets the path once, where it converts the request, and reads the same
// error in the request's names ("request.plan.epsilon: must be in (0, 1),
// got 2"). Nothing is renamed after the fact.
#ifndef MITRA_CORE_FIELD_PATH_H_
#define MITRA_CORE_FIELD_PATH_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace mitra {

class FieldPath {
 public:
  // The options' own names: operator()("epsilon") is "epsilon".
  FieldPath() = default;
  // Options that sit under `prefix` ("request", "request.plan").
  explicit FieldPath(absl::string_view prefix) : prefix_(prefix) {}

  // The caller's name of option `field`: "<prefix>.<field>", or the full
  // path it was renamed to.
  std::string operator()(absl::string_view field) const {
    for (const auto& [option, path] : renames_)
      if (option == field) return path;
    if (prefix_.empty()) return std::string(field);
    return absl::StrCat(prefix_, ".", field);
  }

  // The path of a struct of options nested under `field` (renames are the
  // parent's own and do not carry over).
  FieldPath Sub(absl::string_view field) const { return FieldPath((*this)(field)); }

  // Where the caller names an option differently (a workspace plan's
  // `must_include` is the request's `request.must_include_ids`): `option`
  // is then called `path` in full.
  FieldPath& Rename(absl::string_view option, absl::string_view path) {
    renames_.emplace_back(std::string(option), std::string(path));
    return *this;
  }

  // The path itself ("" for the options' own names).
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
  std::vector<std::pair<std::string, std::string>> renames_;
};

}  // namespace mitra

#endif  // MITRA_CORE_FIELD_PATH_H_
