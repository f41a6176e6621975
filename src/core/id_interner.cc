#include "mitra/core/id_interner.h"

namespace mitra {

std::optional<Index> IdInterner::Find(std::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

Index IdInterner::Add(std::string_view id) {
  const Index i = static_cast<Index>(ids_.size());
  ids_.emplace_back(id);
  try {
    index_.emplace(ids_.back(), i);
  } catch (...) {
    ids_.pop_back();  // keep the two sides in step if the map cannot grow
    throw;
  }
  return i;
}

void IdInterner::Truncate(size_t n) noexcept {
  while (ids_.size() > n) {
    index_.erase(std::string_view(ids_.back()));
    ids_.pop_back();
  }
}

}  // namespace mitra
