// Debian's Abseil keeps its own absl::string_view (ABSL_OPTION_USE_STD_
// STRING_VIEW is 0), which does not convert from std::string_view. mitra's
// headers speak std::string_view; this is the one bridge to absl calls.
#ifndef MITRA_CORE_ABSL_VIEW_H_
#define MITRA_CORE_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace mitra {

inline absl::string_view Av(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace mitra

#endif  // MITRA_CORE_ABSL_VIEW_H_
