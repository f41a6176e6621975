# The checks the command-line test scripts share (sourced): ok, bad and
# `expect CODE PATTERN -- command...` (the exit code, and the output,
# standard output and error together, matching the extended regex).
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAILED: $*"; }
# `expect_again` is `expect` for a slow, deterministic command checked for
# several patterns: the first call with the same arguments runs it, later
# ones check its saved output and exit code.
declare -A saved_out=() saved_rc=()
expect_again() {  # expect_again CODE PATTERN -- command...
  local key="${*:4}"
  if [ -z "${saved_rc[$key]+set}" ]; then
    saved_out[$key]=$("${@:4}" 2>&1)
    saved_rc[$key]=$?
  fi
  check_output "$1" "$2" "${saved_rc[$key]}" "${saved_out[$key]}" "${@:4}"
}
expect() {  # expect CODE PATTERN -- command...
  local out rc
  out=$("${@:4}" 2>&1); rc=$?
  check_output "$1" "$2" "$rc" "$out" "${@:4}"
}
check_output() {  # check_output CODE PATTERN RC OUTPUT command...
  local code=$1 pattern=$2 rc=$3 out=$4; shift 4
  if [ "$rc" -ne "$code" ]; then bad "$* exited $rc, expected $code: $out"; return; fi
  if ! grep -qE -- "$pattern" <<< "$out"; then bad "$*: output lacks /$pattern/: $out"; return; fi
  ok
}
