/* mitra's version, in one place (as zstd keeps it): the build, the ABI check
 * and the packaging read these lines. Plain C99 macros only, so that the C++
 * core can state its version without the C ABI's header. */
#ifndef MITRA_VERSION_H_
#define MITRA_VERSION_H_

/* The major version is the ABI: libmitra.so.<major>. A minor version only
 * adds functions and message fields. */
#define MITRA_VERSION_MAJOR 1
#define MITRA_VERSION_MINOR 2
#define MITRA_VERSION_PATCH 0
#define MITRA_VERSION_NUMBER \
  (MITRA_VERSION_MAJOR * 10000 + MITRA_VERSION_MINOR * 100 + MITRA_VERSION_PATCH)
#define MITRA_STRINGIFY_(x) #x
#define MITRA_STRINGIFY(x) MITRA_STRINGIFY_(x)
#define MITRA_VERSION_STRING                                    \
  MITRA_STRINGIFY(MITRA_VERSION_MAJOR) "." MITRA_STRINGIFY(MITRA_VERSION_MINOR) \
  "." MITRA_STRINGIFY(MITRA_VERSION_PATCH)

#endif /* MITRA_VERSION_H_ */
