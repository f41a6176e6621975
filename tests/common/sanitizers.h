// Whether this build runs under AddressSanitizer or ThreadSanitizer. gcc
// says so with __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__, clang (before 16)
// only through __has_feature; tests that replace malloc or lower
// RLIMIT_AS ask here, once, rather than each spell both.
#ifndef MITRA_TESTS_COMMON_SANITIZERS_H_
#define MITRA_TESTS_COMMON_SANITIZERS_H_

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MITRA_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define MITRA_TEST_SANITIZED 1
#endif
#endif
#ifndef MITRA_TEST_SANITIZED
#define MITRA_TEST_SANITIZED 0
#endif

#endif  // MITRA_TESTS_COMMON_SANITIZERS_H_
