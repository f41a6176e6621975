#!/usr/bin/env bash
# The checked-in sample data is exactly what its seeded generator writes.
set -euo pipefail
src=$1 work=$2
rm -rf "$work"
/usr/bin/python3 "$src/scripts/generate_sample_data.py" --seed 20261122 --out "$work" > /dev/null
diff -r "$src/data/sample" "$work"
echo "sample data reproduced byte for byte"
