#!/bin/sh
# `parbench selftest --report FILE`: the report has every section a first run on unknown hardware
# needs, one row per case the table printed, and is written whole (a temporary file renamed into
# place, none left behind). Bad paths exit 2 with what was wrong, before anything runs, and leave
# nothing behind.
. tests/cli_lib.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbreport-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

report="$tmp/report.md"
echo "an older report" >"$report"
"$PB_BIN" selftest --report "$report" >"$tmp/out.txt" 2>&1; rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    fail "selftest --report runs" "exit $rc: $(head -3 "$tmp/out.txt")"
else
    ok "selftest --report runs (exit $rc)"
fi
if grep -q "an older report" "$report"; then fail "the report replaces an older file" "the old text is still there"
else ok "the report replaces an older file"; fi
for section in "# parbench selftest report" "## Build" "## Machine" "## Backends" "## Cases"; do
    if grep -q "^$section\$" "$report"; then ok "the report has '$section'"
    else fail "the report has '$section'" "$(head -5 "$report")"; fi
done
flags=$(grep -E '^- flags: ' "$report")
case "$flags" in
    *-ffp-contract=off*) ok "the report records the build flags" ;;
    *) fail "the report records the build flags" "'$flags'" ;;
esac
if grep -Eq '^- performance level|^- performance levels: none reported' "$report"; then
    ok "the report gives the cores per performance level"
else
    fail "the report gives the cores per performance level" "no such line"
fi
if grep -Eq '^### cpu: ' "$report" && grep -Eq '^- device 0: \*\*' "$report"; then
    ok "the report lists every backend's devices"
else
    fail "the report lists every backend's devices" "$(grep -E '^###' "$report" | head -3)"
fi
# One table row per case the terminal table showed, with the same totals.
total=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$tmp/out.txt")
# $total is split into its two numbers on purpose.
# shellcheck disable=SC2086
set -- $total
rows=$(grep '^| [a-z]* | ' "$report" | grep -vc '^| workload | case |')
if [ -n "$total" ] && [ "$rows" -eq $(($1 + $2)) ] && grep -q "^$1 passed, $2 failed\." "$report"; then
    ok "the report has one row per case ($rows)"
else
    fail "the report has one row per case" "$rows rows; terminal said '$total'"
fi
if grep -q '| opencl ' "$report"; then
    if grep -E '^[|] [a-z]* [|] opencl .*[|] device [0-9.e+-]+ s, host [0-9.e+-]+ s per launch' "$report" >/dev/null; then
        ok "a device backend's case shows its device time against the host time"
    else
        fail "a device backend's case shows its device time against the host time" "$(grep '| opencl ' "$report" | head -1)"
    fi
else
    skip "device time against host time" "no OpenCL device here"
fi
leftover=$(find "$tmp" -name 'report.md.tmp*')
if [ -z "$leftover" ]; then ok "no temporary file is left behind"; else fail "no temporary file is left behind" "$leftover"; fi

# Bad paths: exit 2, the reason, nothing written, and nothing run.
echo "a file" >"$tmp/file"
expect "a path under a file is refused" 2 "cannot write the report to '$tmp/file/r.md'" -- \
    "$PB_BIN" selftest --report "$tmp/file/r.md"
mkdir "$tmp/dir"
expect "a directory is refused" 2 "it is a directory" -- "$PB_BIN" selftest --report "$tmp/dir"
expect "--report without a file is refused" 2 "option '--report' needs a value \\(FILE\\)" -- "$PB_BIN" selftest --report
expect "an unknown argument is refused" 2 "unknown option '--reprot'" -- "$PB_BIN" selftest --reprot x
if [ -z "$(ls -A "$tmp/dir")" ] && [ "$(cat "$tmp/file")" = "a file" ]; then
    ok "a refused path leaves nothing written"
else
    fail "a refused path leaves nothing written" "$(ls -A "$tmp/dir")"
fi
"$PB_BIN" selftest --report "$tmp/file/r.md" >"$tmp/bad.txt" 2>&1
if grep -Eq '^(PASS|FAIL)' "$tmp/bad.txt"; then fail "a refused path runs nothing" "$(head -2 "$tmp/bad.txt")"
else ok "a refused path runs nothing"; fi
finish
