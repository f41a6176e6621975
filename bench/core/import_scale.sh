#!/usr/bin/env bash
# Import and export at scale: runs `mitra import` and `mitra export` on a
# synthetic CSV set under /usr/bin/time -v and prints rows/s, peak RSS and
# snapshot size against the targets (bench/core/RESULTS.md).
#
#   bash bench/core/import_scale.sh [MITRA] [DATA_DIR] [RUNS]
#
# MITRA defaults to build/release/mitra; DATA_DIR (default /tmp/mitra-scale)
# is written by bench/core/generate_csv.py when it has no transactions.csv.
# Each figure is the median of RUNS runs (default 3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mitra=${1:-$here/../../build/release/mitra}
data=${2:-/tmp/mitra-scale}
runs=${3:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[[ -f $data/transactions.csv ]] || /usr/bin/python3 "$here/generate_csv.py" "$data"

rows=0
for f in "$data"/*.csv; do rows=$((rows + $(wc -l <"$f") - 1)); done
input_bytes=$(cat "$data"/*.csv | wc -c)

# Prints "seconds peak_kib cpu_seconds" for one command run under /usr/bin/time -v.
measure() {
  /usr/bin/time -v "$@" >"$work/out" 2>"$work/time" || { cat "$work/time" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
                                          for (i = 1; i <= n; ++i) s = s * 60 + p[i]; t = s }
              /Maximum resident set size/ { m = $2 }
              /User time|System time/ { c += $2 }
              END { print t, m, c }' "$work/time"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: >"$work/import" ; : >"$work/export"
for ((i = 0; i < runs; ++i)); do
  measure "$mitra" import -o "$work/snap" "$data" >>"$work/import"
  measure "$mitra" export "$work/snap" -o "$work/export.json" >>"$work/export"
done
snap_bytes=$(stat -c %s "$work/snap")
json_bytes=$(stat -c %s "$work/export.json")
imp_s=$(cut -d' ' -f1 "$work/import" | median)
imp_kib=$(cut -d' ' -f2 "$work/import" | median)
exp_s=$(cut -d' ' -f1 "$work/export" | median)
exp_kib=$(cut -d' ' -f2 "$work/export" | median)
imp_cpu=$(cut -d' ' -f3 "$work/import" | median)

awk -v rows="$rows" -v inb="$input_bytes" -v snap="$snap_bytes" -v json="$json_bytes" \
    -v is="$imp_s" -v ic="$imp_cpu" -v ik="$imp_kib" -v es="$exp_s" -v ek="$exp_kib" -v runs="$runs" \
    -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
  mb = 1048576
  printf "input            %d rows, %.1f MB CSV\n", rows, inb / mb
  printf "snapshot         %.1f MB (%.1f bytes per row)\n", snap / mb, snap / rows
  printf "import           %.2f s wall, %.2f M rows/s end to end   [median of %d]\n", is, rows / is / 1e6, runs
  printf "import CPU       %.2f s user+sys, %.2f M rows per CPU second (target >= 2)\n", ic, rows / ic / 1e6
  printf "import peak RSS  %.0f MB = %.2f x snapshot (target <= 2), %.2f x input\n", ik * 1024 / mb, ik * 1024 / snap, ik * 1024 / inb
  printf "export           %.2f s, %.1f MB JSON, peak RSS %.0f MB\n", es, json / mb, ek * 1024 / mb
  printf "load average     %s\n", load
}'
