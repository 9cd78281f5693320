#!/bin/sh
# `make bench-learn`'s program (bench/learn_steps.c), which `make test` builds beside parbench:
# at the tiny sizes every step of docs/LEARN.md runs and verifies, and a bad argument is refused
# with exit code 2. Builds nothing itself: without the program the checks are skipped.
. tests/cli_lib.sh
LEARN=$(dirname "$PB_BIN")/bench/learn_steps

if [ ! -x "$LEARN" ]; then
    skip "learn_steps --tiny runs and verifies every step" "$LEARN is not built (make $LEARN)"
    skip "learn_steps refuses a bad argument" "$LEARN is not built"
    finish
    exit
fi
out=$("$LEARN" --tiny 2>&1); rc=$?
# A table row: step number, what, size, threads, rate and unit, speed-up over step 1, "ok".
first=$(printf '%s\n' "$out" | grep -cE '^ 1  plain loop, one element at a time +1003 +1 +[0-9.]+ GB/s +1\.00x  ok$')
rows=$(printf '%s\n' "$out" | grep -cE '^ *[0-9]+  .*  ok$')
bad=$(printf '%s\n' "$out" | grep -E 'FAILED' | head -n 3)
if [ "$rc" -eq 0 ] && [ "$first" -eq 1 ] && [ "$rows" -ge 10 ] && [ -z "$bad" ]; then
    ok "learn_steps --tiny runs and verifies every step ($rows rows)"
else
    fail "learn_steps --tiny runs and verifies every step" \
        "exit $rc, $rows rows ok, triad's step 1 row ${first}x; ${bad:-$(printf '%s\n' "$out" | head -n 3)}"
fi
expect "learn_steps refuses a bad argument" 2 "unknown argument '--fast'.*--tiny" -- "$LEARN" --fast
finish
