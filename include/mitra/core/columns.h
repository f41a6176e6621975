// Named numeric columns of a workspace ("transactions.amount"), the bulk
// path to hosts and bindings that skips protobuf.
#ifndef MITRA_CORE_COLUMNS_H_
#define MITRA_CORE_COLUMNS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "mitra/core/tables.h"

namespace mitra {

// Values match mitra_dtype in mitra.h.
enum class Dtype { kUint8 = 1, kUint32 = 2, kInt64 = 3, kDouble = 4 };
size_t DtypeSize(Dtype d);

struct ColumnView {
  Dtype dtype;
  const void* data;
  size_t length;
};

// "customers.created", "transactions.customer", ...: every fixed-width
// column of every table, in table order.
std::vector<std::string> ColumnNames(const Tables& tables);
// NOT_FOUND naming the column when there is no such column.
absl::StatusOr<ColumnView> FindColumn(const Tables& tables, std::string_view name);

}  // namespace mitra

#endif  // MITRA_CORE_COLUMNS_H_
