#include <cstdint>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "mitra/core/columns.h"
#include "mitra/core/text_checks.h"

namespace mitra {
namespace {

template <typename T> constexpr bool kIsVector = false;
template <typename T> constexpr bool kIsVector<std::vector<T>> = true;

template <typename T>
constexpr Dtype DtypeOf() {
  if constexpr (std::is_same_v<T, uint8_t>) return Dtype::kUint8;
  else if constexpr (std::is_same_v<T, uint32_t>) return Dtype::kUint32;
  else if constexpr (std::is_same_v<T, int64_t>) return Dtype::kInt64;
  else return Dtype::kDouble;
}

// Calls f(full_name, view) for every fixed-width column.
template <typename F>
void ForEachNumericColumn(const Tables& tables, F&& f) {
  tables.ForEach([&](const char* kind, const auto& table) {
    const_cast<std::remove_cvref_t<decltype(table)>&>(table).Visit(
        [&](const char* column, const auto& c) {
          using C = std::remove_cvref_t<decltype(c)>;
          if constexpr (kIsVector<C>) {
            using T = typename C::value_type;
            if constexpr (std::is_arithmetic_v<T>)
              f(absl::StrCat(kind, ".", column), ColumnView{DtypeOf<T>(), c.data(), c.size()});
          }
        });
  });
}

}  // namespace

size_t DtypeSize(Dtype d) {
  switch (d) {
    case Dtype::kUint8: return 1;
    case Dtype::kUint32: return 4;
    case Dtype::kInt64: return 8;
    case Dtype::kDouble: return 8;
  }
  return 0;
}

std::vector<std::string> ColumnNames(const Tables& tables) {
  std::vector<std::string> names;
  ForEachNumericColumn(tables, [&](std::string name, ColumnView) { names.push_back(std::move(name)); });
  return names;
}

absl::StatusOr<ColumnView> FindColumn(const Tables& tables, std::string_view name) {
  std::optional<ColumnView> found;
  ForEachNumericColumn(tables, [&](const std::string& n, ColumnView v) {
    if (n == name) found = v;
  });
  if (found) return *found;
  return absl::NotFoundError(absl::StrCat("no numeric column ", Quote(name),
                                          " (mitra_workspace_column_names lists them)"));
}

}  // namespace mitra
