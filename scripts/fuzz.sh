#!/usr/bin/env bash
# Builds the libFuzzer targets and fuzzes each from its checked-in corpus.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]          ASan+UBSan, SECONDS each (default 10)
#   bash scripts/fuzz.sh --runs N [--fast] [TARGET...]  N executions each
# --fast uses the fuzz-fast preset (no sanitizers, ~10x the executions per
# second) for long coverage runs; replay what it found under the sanitizers
# with `bash scripts/fuzz.sh --replay build/fuzz-fast/findings`.
# --preset P fuzzes with another build that has MITRA_FUZZ=ON: the test
# command uses the asan build it has just tested rather than build a third.
# New inputs go to build/<preset>/findings/<target>/new; a crash fails the run
# and leaves crash-* files there (add them to fuzz/corpus/<target>/ once fixed).
set -euo pipefail
cd "$(dirname "$0")/.."
preset=fuzz limit=(-max_total_time=10) label="10s" replay=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) limit=(-runs="$2"); label="$2 runs"; shift 2 ;;
    --fast) preset=fuzz-fast; shift ;;
    --preset) preset="$2"; shift 2 ;;
    --replay) replay=$(cd "$2" && pwd); limit=(-runs=0); label="replay"; shift 2 ;;
    [0-9]*) limit=(-max_total_time="$1"); label="${1}s"; shift ;;
    *) targets+=("$1"); shift ;;
  esac
done
cmake --preset "$preset" > /dev/null
cmake --build --preset "$preset" > /dev/null
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ls fuzz/corpus)
fi
root=$(pwd)
for t in "${targets[@]}"; do
  work=build/$preset/findings/$t
  mkdir -p "$work/new"
  dirs=("new" "$root/fuzz/corpus/$t")
  [ -n "$replay" ] && dirs=("$replay/$t/new" "$root/fuzz/corpus/$t")
  if ! (cd "$work" && ASAN_OPTIONS=detect_leaks=1 "$root/build/$preset/fuzz/fuzz_$t" "${limit[@]}" \
          -print_final_stats=1 "${dirs[@]}" > log.txt 2>&1); then
    echo "fuzz $t: FAILED (see $work/log.txt)"; tail -40 "$work/log.txt"; exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log.txt")
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$work/log.txt")
  echo "fuzz $t ($preset, $label): $runs executions${secs:+ in ${secs}s}, no crash"
done
