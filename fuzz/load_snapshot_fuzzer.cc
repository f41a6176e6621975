// The snapshot decoder on arbitrary bytes. For inputs of even length the
// checksum is recomputed first, so the fuzzer gets past it into the frame and
// record parsers; odd lengths test the checksum itself.
#include <cstdlib>
#include <string>

#include "fuzz_util.h"
#include "mitra/core/crc32c.h"
#include "mitra/core/snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (size >= 5 && size % 2 == 0) {
    const size_t body = size - 4;
    const uint32_t crc = mitra::Crc32c(0, bytes.data(), body);
    for (int i = 0; i < 4; ++i) bytes[body + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
  }
  auto ws = mitra::DecodeSnapshot(bytes, "fuzz.mitra");
  if (ws.ok()) {
    // Whatever loads must save and load again to the same records.
    auto again = mitra::EncodeSnapshot(**ws);
    if (!again.ok()) std::abort();
    auto reloaded = mitra::DecodeSnapshot(*again, "again");
    if (!reloaded.ok() || (*reloaded)->RecordCount() != (*ws)->RecordCount()) std::abort();
  } else if (ws.status().message().empty()) {
    std::abort();
  }
  return 0;
}
