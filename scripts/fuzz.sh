#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and fuzzes each for
# SECONDS (default 10), starting from its checked-in corpus. New inputs go to
# a scratch folder; a crash fails the run and leaves crash-* files in
# build/fuzz/findings/<target>/ (add them to fuzz/corpus/<target>/ once fixed).
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
shift || true
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz > /dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ls fuzz/corpus)
fi
for t in "${targets[@]}"; do
  work=build/fuzz/findings/$t
  rm -rf "$work" && mkdir -p "$work/new"
  log=$work/log.txt
  if ! (cd "$work" && ASAN_OPTIONS=detect_leaks=1 "../../fuzz/fuzz_$t" -max_total_time="$seconds" \
          -print_final_stats=1 new "../../../../fuzz/corpus/$t" > log.txt 2>&1); then
    echo "fuzz $t: FAILED (see $log)"; tail -40 "$log"; exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz $t: $runs executions in ${seconds}s, no crash"
done
