#!/usr/bin/env bash
# README command 2 (and CI): set up, build, and run every test: the C++ and C
# suites through CTest, then the Python suite through pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --workflow --preset dev
PYTHONPATH=build/dev/python /usr/bin/python3 -m pytest -q bindings/python/tests
