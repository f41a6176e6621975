// CRC-32C (Castagnoli), the checksum of snapshot files.
#ifndef MITRA_CORE_CRC32C_H_
#define MITRA_CORE_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace mitra {

// Extends `crc` (0 to start) over n bytes: with the CPU's CRC32 instruction
// where it has one (x86-64 with SSE4.2, checked once at run time), else
// table-driven. Both give the same values.
uint32_t Crc32c(uint32_t crc, const void* data, size_t n);

// The two ways, for tests and benchmarks. Crc32cHardware may only be called
// when Crc32cHardwareAvailable().
uint32_t Crc32cPortable(uint32_t crc, const void* data, size_t n);
uint32_t Crc32cHardware(uint32_t crc, const void* data, size_t n);
bool Crc32cHardwareAvailable();

}  // namespace mitra

#endif  // MITRA_CORE_CRC32C_H_
