#!/usr/bin/env bash
# README command 1: set up, build, and run the demo on the bundled sample
# brand (data/sample).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release > /dev/null
cmake --build --preset release --target mitra_cli > /dev/null
mitra=build/release/mitra
"$mitra" import -o build/release/sample.mitra data/sample
echo
"$mitra" report build/release/sample.mitra --decisions data/sample/decisions.csv
