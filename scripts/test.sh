#!/usr/bin/env bash
# README command 2, and CI: set up, build, and run every test.
#  1. the C++ and C suites (CTest, Debug): unit tests, the C99 ABI test, the
#     package tests, the out-of-memory sweep, the bad-input table, the
#     crash-safe snapshot test, and a replay of every fuzz corpus;
#  2. the same suites under AddressSanitizer + UndefinedBehaviorSanitizer
#     (clang; this build also holds the libFuzzer targets of step 4);
#  3. the concurrency suites under ThreadSanitizer;
#  4. every fuzz target for MITRA_FUZZ_SECONDS (default 10) from its corpus;
#  5. the ABI gate against abi/;
#  6. the Python suite (pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Each step prints the time the previous one took (the CI budget is 60 min).
t0=$SECONDS tprev=$SECONDS
step() {
  printf '\n== %s   (previous step %ds, total %ds)\n' "$*" $((SECONDS - tprev)) $((SECONDS - t0))
  tprev=$SECONDS
}
step "C++ and C suites (dev)"
cmake --workflow --preset dev
step "ASan + UBSan"
cmake --workflow --preset asan
step "ThreadSanitizer (concurrency suites)"
cmake --preset tsan > /dev/null
cmake --build --preset tsan --target capi_test concurrent_read_test
ctest --preset tsan
step "Fuzzing (${MITRA_FUZZ_SECONDS:-10}s per target)"
bash scripts/fuzz.sh --preset asan "${MITRA_FUZZ_SECONDS:-10}"
step "ABI gate"
bash scripts/abi_check.sh
step "Python"
PYTHONPATH=build/dev/python /usr/bin/python3 -m pytest -q bindings/python/tests
step "done"
