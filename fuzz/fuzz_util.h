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

// The error contract of every call: an error exactly when the status is not
// OK, with that status and a message, and no output on failure. Frees `err`.
inline void CheckCall(mitra_status s, mitra_error* err, const uint8_t* out) {
  if ((s == MITRA_OK) != (err == nullptr)) std::abort();
  if (s != MITRA_OK && (mitra_error_code(err) != s || mitra_error_message(err)[0] == '\0'))
    std::abort();
  if (s != MITRA_OK && out != nullptr) std::abort();
  mitra_error_free(err);
}

}  // namespace mitra::fuzz

#endif  // MITRA_FUZZ_FUZZ_UTIL_H_
