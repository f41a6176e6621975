// CRC-32C (Castagnoli), the checksum of snapshot files.
#ifndef MITRA_CORE_CRC32C_H_
#define MITRA_CORE_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace mitra {

// Extends `crc` (0 to start) over n bytes.
uint32_t Crc32c(uint32_t crc, const void* data, size_t n);

}  // namespace mitra

#endif  // MITRA_CORE_CRC32C_H_
