#include "mitra/value/customer_data.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/request_errors.h"
#include "value_index.h"

namespace mitra::value {

namespace {

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// Index of each row's value among the distinct values of `v`; false when
// there are more than `limit` of them.
bool IndexValues(absl::Span<const double> v, size_t limit, std::vector<uint32_t>& index,
                 size_t& count) {
  ValueIndex map;
  index.resize(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    index[i] = map.Insert(v[i]);
    if (map.size() > limit) return false;
  }
  count = map.size();
  return true;
}

}  // namespace

GroupedCustomers GroupIdentical(const CustomerData& data) {
  GroupedCustomers out;
  GroupIdenticalWithin(data, SIZE_MAX, &out);
  return out;
}

bool GroupIdenticalWithin(const CustomerData& data, size_t max_groups, GroupedCustomers* grouped) {
  GroupedCustomers& out = *grouped;
  out = GroupedCustomers();
  const size_t n = data.x.size();
  out.group.resize(n);
  auto emit = [&](size_t i, uint32_t& slot) {
    const double w = data.weight.empty() ? 1.0 : data.weight[i];
    if (slot == UINT32_MAX) {
      slot = static_cast<uint32_t>(out.x.size());
      out.x.push_back(data.x[i]);
      out.t_x.push_back(data.t_x[i]);
      out.T.push_back(data.T[i]);
      out.weight.push_back(w);
    } else {
      out.weight[slot] += w;
    }
    out.group[i] = slot;
  };
  // Summaries in whole periods: few distinct x, t_x and T, so a dense
  // (x, t_x, T) table replaces hashing the triples.
  std::vector<uint32_t> ix, itx, iT;
  size_t nx = 0, ntx = 0, nT = 0;
  const size_t limit = 1 << 16;
  // Whole x below 2^16 index themselves.
  bool small_x = true;
  ix.resize(n);
  for (size_t i = 0; i < n && small_x; ++i) {
    const double x = data.x[i];
    small_x = x >= 0 && x < 65536 && x == static_cast<double>(static_cast<uint32_t>(x));
    if (small_x) {
      ix[i] = static_cast<uint32_t>(x);
      nx = std::max<size_t>(nx, ix[i] + 1);
    }
  }
  if ((small_x || IndexValues(data.x, limit, ix, nx)) && IndexValues(data.t_x, limit, itx, ntx) &&
      IndexValues(data.T, limit, iT, nT) && nx * ntx * nT <= std::max<size_t>(4 * n, 1 << 20)) {
    std::vector<uint32_t> cell(nx * ntx * nT, UINT32_MAX);
    std::vector<uint32_t>& c = ix;  // reused: the cell of each row
    for (size_t i = 0; i < n; ++i) c[i] = (ix[i] * ntx + itx[i]) * nT + iT[i];
    // The table is megabytes and visited at random: prefetch rows ahead so
    // that the cache misses overlap.
    std::vector<uint32_t> first_row;
    std::vector<double>& weight = out.weight;
    for (size_t i = 0; i < n; ++i) {
      if (i + 16 < n) __builtin_prefetch(&cell[c[i + 16]]);
      if (i + 8 < n && cell[c[i + 8]] != UINT32_MAX) __builtin_prefetch(&weight[cell[c[i + 8]]], 1);
      uint32_t& slot = cell[c[i]];
      const double w = data.weight.empty() ? 1.0 : data.weight[i];
      if (slot == UINT32_MAX) {
        if (first_row.size() == max_groups) return false;
        slot = static_cast<uint32_t>(first_row.size());
        first_row.push_back(static_cast<uint32_t>(i));
        weight.push_back(w);
      } else {
        weight[slot] += w;
      }
      out.group[i] = slot;
    }
    out.x.resize(first_row.size());
    out.t_x.resize(first_row.size());
    out.T.resize(first_row.size());
    for (size_t g = 0; g < first_row.size(); ++g) {
      out.x[g] = data.x[first_row[g]];
      out.t_x[g] = data.t_x[first_row[g]];
      out.T[g] = data.T[first_row[g]];
    }
    return true;
  }
  absl::flat_hash_map<std::tuple<uint64_t, uint64_t, uint64_t>, uint32_t> index;
  index.reserve(n / 4 + 16);
  for (size_t i = 0; i < n; ++i) {
    auto [it, inserted] = index.try_emplace(
        std::make_tuple(Bits(data.x[i]), Bits(data.t_x[i]), Bits(data.T[i])), UINT32_MAX);
    if (inserted && out.x.size() == max_groups) return false;
    emit(i, it->second);
  }
  return true;
}

absl::Status ValidateCustomerData(const CustomerData& data, int* max_x) {
  const size_t n = data.x.size();
  if (data.t_x.size() != n || data.T.size() != n ||
      (!data.weight.empty() && data.weight.size() != n)) {
    return Invalid(data.name, absl::StrCat("x, t_x, T (and weight) must have one length (", n, ", ",
                                           data.t_x.size(), ", ", data.T.size(), ", ",
                                           data.weight.size(), ")"));
  }
  int m = 0;
  for (size_t i = 0; i < n; ++i) {
    const double x = data.x[i], tx = data.t_x[i], T = data.T[i];
    const auto row = [&] { return absl::StrCat(data.name, " row ", i); };
    // The cast is exact in range, and inlines where floor() is a libm call.
    if (!(x >= 0 && x <= 1e7 && x == static_cast<double>(static_cast<int32_t>(x))))
      return Invalid(row(), absl::StrCat("x = ", x, " is not a whole number in [0, 1e7]"));
    if (!(tx >= 0 && tx <= T && std::isfinite(T)))
      return Invalid(row(), absl::StrCat("needs 0 <= t_x <= T (t_x = ", tx, ", T = ", T, ")"));
    if (x == 0 && tx != 0)
      return Invalid(row(), absl::StrCat("t_x must be 0 when x = 0 (t_x = ", tx, ")"));
    if (!data.weight.empty() && !(data.weight[i] >= 0 && std::isfinite(data.weight[i])))
      return Invalid(row(), "weight must be finite and >= 0");
    if (x > m) m = static_cast<int>(x);
  }
  if (max_x != nullptr) *max_x = m;
  return absl::OkStatus();
}

CountWeights WeighCounts(const CustomerData& data, int max_x) {
  CountWeights c;
  const size_t n = data.x.size();
  std::vector<int> xs(n);
  for (size_t i = 0; i < n; ++i) xs[i] = static_cast<int>(data.x[i]);
  std::vector<int> distinct = xs;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  c.slot.resize(n);
  const size_t range = static_cast<size_t>(max_x) + 1;
  // Running sums cost a logarithm or two per count, LogRising a few dozen
  // operations: the distinct counts pay once the range is 16 times as many.
  const bool sparse = range > 4096 && range > 16 * distinct.size();
  if (sparse) {
    c.sparse.reserve(distinct.size());
    for (int x : distinct) c.sparse.push_back({x, 0.0});
  } else {
    c.dense.assign(range, 0.0);
  }
  for (size_t i = 0; i < n; ++i) {
    const double w = data.weight.empty() ? 1.0 : data.weight[i];
    if (sparse) {
      c.slot[i] = static_cast<uint32_t>(
          std::lower_bound(distinct.begin(), distinct.end(), xs[i]) - distinct.begin());
      c.sparse[c.slot[i]].weight += w;
    } else {
      c.slot[i] = static_cast<uint32_t>(xs[i]);
      c.dense[c.slot[i]] += w;
    }
    c.total += w;
  }
  return c;
}

}  // namespace mitra::value
