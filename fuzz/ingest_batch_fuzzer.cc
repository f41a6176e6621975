// mitra_workspace_ingest on arbitrary bytes: never a crash, and a failed
// ingestion changes nothing.
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_util.h"
#include "mitra/mitra.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mitra_workspace* ws = nullptr;
  if (mitra_workspace_create(&ws, nullptr) != MITRA_OK) std::abort();
  // Twice: the second time every id the first defined already exists.
  for (int pass = 0; pass < 2; ++pass) {
    const std::string before = mitra::fuzz::Counts(ws);
    mitra_error* err = nullptr;
    const mitra_status s = mitra_workspace_ingest(ws, data, size, &err);
    if ((s == MITRA_OK) != (err == nullptr)) std::abort();
    if (s != MITRA_OK) {
      if (mitra_error_code(err) != s || std::strlen(mitra_error_message(err)) == 0) std::abort();
      if (mitra::fuzz::Counts(ws) != before) std::abort();  // whole or nothing
    }
    mitra_error_free(err);
  }
  mitra_workspace_free(ws);
  return 0;
}
