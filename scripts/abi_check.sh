#!/usr/bin/env bash
# The ABI gate: libmitra.so (the dev build's: debug info, and the build the
# test command has already made) against the committed baseline
# abi/libmitra.so.<major>.abi. Added functions pass (--no-added-syms); any
# change or removal fails. What the opaque handles hold is private
# (abi/opaque_handles.suppr).
#   bash scripts/abi_check.sh            # check
#   bash scripts/abi_check.sh --update   # rewrite the baseline (an intended,
#                                        # versioned change: see docs/RELIABILITY.md)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset dev > /dev/null
cmake --build --preset dev --target mitra_shared > /dev/null
major=$(sed -n 's/^#define MITRA_VERSION_MAJOR \([0-9]*\)$/\1/p' include/mitra/version.h)
lib=build/dev/src/libmitra.so.$major
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
