#!/usr/bin/env bash
# The ABI gate: libmitra.so of a Debug build (debug info; the dev preset's,
# or with --preset NAME another's, e.g. the test command's check build)
# against the committed baseline abi/libmitra.so.<major>.abi. Added
# functions pass (--no-added-syms); any change or removal fails. What the
# opaque handles hold is private (abi/opaque_handles.suppr).
#   bash scripts/abi_check.sh [--preset NAME]            # check
#   bash scripts/abi_check.sh [--preset NAME] --update   # rewrite the baseline (an
#                                        # intended, versioned change: see docs/RELIABILITY.md)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=dev
if [ "${1:-}" = "--preset" ]; then
  preset=$2
  shift 2
fi
cmake --preset "$preset" > /dev/null
cmake --build --preset "$preset" --target mitra_shared > /dev/null
major=$(sed -n 's/^#define MITRA_VERSION_MAJOR \([0-9]*\)$/\1/p' include/mitra/version.h)
lib=build/$preset/src/libmitra.so.$major
baseline=abi/libmitra.so.$major.abi
if [ "${1:-}" = "--update" ]; then
  mkdir -p abi
  abidw --exported-interfaces-only --out-file "$baseline" "$lib"
  echo "wrote $baseline"
  exit 0
fi
if abidiff --no-added-syms --suppressions abi/opaque_handles.suppr "$baseline" "$lib"; then
  echo "abi: libmitra.so.$major matches $baseline"
else
  rc=$?
  echo "abi: libmitra.so.$major breaks $baseline (abidiff exit $rc)"
  exit 1
fi
