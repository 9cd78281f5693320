#!/bin/sh
# CLI tests of the friendly surface: help and version spelled as people spell them, "did you mean"
# for commands, options, workloads and backends, -b gpu, a quiet run, and a table and summary that
# fit 80 columns.
. tests/cli_lib.sh

for v in --version -V -v version; do
    expect "version $v" 0 '^parbench [0-9]+\.[0-9]+' -- "$PB_BIN" $v
done
for h in help -h --help; do
    expect "help $h" 0 'Commands:' -- "$PB_BIN" $h
done
expect "help run" 0 'usage: parbench run' -- "$PB_BIN" help run
expect "help unknown" 2 "unknown command 'rnu'; did you mean 'run'" -- "$PB_BIN" help rnu
expect "command typo" 2 "unknown command 'rnu'; did you mean 'run'\?" -- "$PB_BIN" rnu
expect "command typo 2" 2 "did you mean 'compare'" -- "$PB_BIN" comapre
expect "option typo" 2 "unknown option '--presetx' for 'parbench run'; did you mean '--preset'\?" -- "$PB_BIN" run --presetx tiny
expect "option far" 2 "unknown option '--fast' for 'parbench run'; see 'parbench run --help'" -- "$PB_BIN" run --fast
expect "workload typo" 2 "unknown workload 'sgem'; did you mean 'sgemm'\?" -- "$PB_BIN" run -w sgem --no-save
expect "backend typo" 2 "unknown backend 'opencll'; did you mean 'opencl'\?" -- "$PB_BIN" run -b opencll --no-save
expect "run quick" 2 "did you mean '--preset quick'\?" -- "$PB_BIN" run quick
expect "run workload word" 2 "did you mean '-w nbody'\?" -- "$PB_BIN" run nbody

# -b gpu: every GPU backend built; without a GPU it says so (PoCL counts as a CPU device).
if "$PB_BIN" list 2>/dev/null | grep -Eq 'device [0-9]+: .*\[gpu\]'; then
    expect "-b gpu" 0 ' gpu' -- "$PB_BIN" run -b gpu -w triad --preset tiny --no-save
else
    expect "-b gpu without a GPU" 2 'nothing to run: -b gpu found no GPU here' -- "$PB_BIN" run -b gpu --no-save
fi

# A run mentions unusable backends in one short line at most; list keeps the whole reason.
out=$("$PB_BIN" run --preset tiny -w triad --no-save 2>&1)
long=$(printf '%s\n' "$out" | grep -E 'unavailable|not used here' | awk 'length > 120')
count=$(printf '%s\n' "$out" | grep -cE 'unavailable|not used here')
if [ -z "$long" ] && [ "$count" -le 1 ]; then ok "run: backend hints short"
else fail "run: backend hints short" "$count lines: $long"; fi

# The table and the summary fit 80 columns by default; --wide and a wide COLUMNS show every column.
out=$("$PB_BIN" run --preset tiny -w sgemm,triad -b cpu --no-save 2>/dev/null)
wide=$(printf '%s\n' "$out" | sed -n '/^workload/,/^$/p' | awk 'length > 80')
if [ -z "$wide" ]; then ok "table fits 80 columns"; else fail "table fits 80 columns" "$wide"; fi
if printf '%s\n' "$out" | grep -q 'The tiny preset only checks that things run'; then ok "tiny run says so"
else fail "tiny run says so" "$(printf '%s\n' "$out" | tail -3)"; fi
if printf '%s\n' "$out" | grep -Eq '^Took [0-9.]+ s\.$'; then ok "run says how long it took"
else fail "run says how long it took" "$(printf '%s\n' "$out" | tail -2)"; fi
expect "--wide" 0 'end-to-end' -- "$PB_BIN" run --preset tiny -w triad -b cpu --no-save --wide
expect "COLUMNS wide" 0 'end-to-end' -- env COLUMNS=250 "$PB_BIN" run --preset tiny -w triad -b cpu --no-save
finish
