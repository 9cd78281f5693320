# shellcheck shell=sh
# Shared helpers for tests/cli_*.sh (sourced, not run): ok/fail bookkeeping in the pbtest format.
PB_BIN=${PB_BIN:-build/parbench}
pb_passed=0; pb_failed=0; pb_skipped=0
ok()   { echo "ok       $1"; pb_passed=$((pb_passed + 1)); }
fail() { echo "not ok   $1: $2"; pb_failed=$((pb_failed + 1)); }
skip() { echo "skip     $1: $2"; pb_skipped=$((pb_skipped + 1)); }
# expect NAME WANT_RC PATTERN -- CMD...: runs CMD, checks exit code and that output matches PATTERN.
expect() {
    name=$1; want=$2; pattern=$3; shift 4
    got=$("$@" 2>&1); rc=$?
    if [ "$rc" -ne "$want" ]; then fail "$name" "exit $rc, wanted $want; output: $(printf '%s\n' "$got" | head -3)"; return; fi
    if ! printf '%s\n' "$got" | grep -Eq -- "$pattern"; then fail "$name" "output lacks /$pattern/: $(printf '%s\n' "$got" | head -3)"; return; fi
    ok "$name"
}
finish() { echo "pbtest: $pb_passed passed, $pb_failed failed, $pb_skipped skipped"; [ "$pb_failed" -eq 0 ]; }
