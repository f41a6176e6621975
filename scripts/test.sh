#!/usr/bin/env bash
# README command 2, and CI: set up, build, and run every test.
#  1. the plain build (the check preset: Debug, gcc): the library, the CLI,
#     the Python package, the examples and benchmarks, and the suites only
#     an uninstrumented build can run: the out-of-memory sweep (it replaces
#     malloc), the address-space limits, what a host sees of the shipped
#     library and CLI (exported symbols, the install tree, the C99 and
#     README programs, the Python example, the CLI on the whole sample);
#  2. every C++ and C suite under AddressSanitizer + UndefinedBehaviorSanitizer
#     (clang): unit tests, the C99 ABI test, the CLI's errors, the bad-input
#     table, the crash-safe snapshot test, a replay of every fuzz corpus
#     (this build also holds the libFuzzer targets of step 4);
#  3. the concurrency suites under ThreadSanitizer;
#  4. every fuzz target for MITRA_FUZZ_SECONDS (default 10) from its corpus;
#  5. the ABI gate against abi/ (the plain build's libmitra.so);
#  6. the Python suite (pytest, on the plain build's package).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Each step prints the time the previous one took (the CI budget is 60 min).
t0=$SECONDS tprev=$SECONDS
step() {
  printf '\n== %s   (previous step %ds, total %ds)\n' "$*" $((SECONDS - tprev)) $((SECONDS - t0))
  tprev=$SECONDS
}
step "Plain build and the suites only it can run (check)"
cmake --workflow --preset check
step "Every C++ and C suite under ASan + UBSan"
cmake --workflow --preset asan
step "ThreadSanitizer (concurrency suites)"
cmake --preset tsan > /dev/null
cmake --build --preset tsan --target capi_test concurrent_read_test
ctest --preset tsan
step "Fuzzing (${MITRA_FUZZ_SECONDS:-10}s per target)"
bash scripts/fuzz.sh --preset asan "${MITRA_FUZZ_SECONDS:-10}"
step "ABI gate"
bash scripts/abi_check.sh --preset check
step "Python"
PYTHONPATH=build/check/python /usr/bin/python3 -m pytest -q bindings/python/tests
step "done"
