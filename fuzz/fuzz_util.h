// What the fuzz targets share.
#ifndef MITRA_FUZZ_FUZZ_UTIL_H_
#define MITRA_FUZZ_FUZZ_UTIL_H_

#include <cstdlib>
#include <string>

#include "mitra/mitra.h"

namespace mitra::fuzz {

// The workspace's serialized counts. Ingestion only appends, so equal counts
// before and after a failed call mean nothing changed (and are far cheaper
// than an export).
inline std::string Counts(const mitra_workspace* ws) {
  uint8_t* out = nullptr;
  size_t n = 0;
  if (mitra_workspace_counts(ws, &out, &n, nullptr) != MITRA_OK) std::abort();
  std::string s(reinterpret_cast<char*>(out), n);
  mitra_free(out);
  return s;
}

}  // namespace mitra::fuzz

#endif  // MITRA_FUZZ_FUZZ_UTIL_H_
