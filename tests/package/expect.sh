# The checks the command-line test scripts share (sourced): ok, bad and
# `expect CODE PATTERN -- command...` (the exit code, and the output,
# standard output and error together, matching the extended regex).
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAILED: $*"; }
expect() {  # expect CODE PATTERN -- command...
  local code=$1 pattern=$2; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne "$code" ]; then bad "$* exited $rc, expected $code: $out"; return; fi
  if ! grep -qE -- "$pattern" <<< "$out"; then bad "$*: output lacks /$pattern/: $out"; return; fi
  ok
}
