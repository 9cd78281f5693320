#!/bin/sh
# Runs every test program in $PB_BUILD/tests and every tests/cli_*.sh script, adds up their
# "pbtest: N passed, N failed, N skipped" lines and ends with the total on a line of its own.
BUILD=${PB_BUILD:-build}
passed=0; failed=0; skipped=0; broken=""
tally() { # $1: name, $2: output file, $3: exit code
    line=$(grep '^pbtest: ' "$2" | tail -n 1)
    if [ -z "$line" ]; then
        echo "!! $1 exited $3 without a result line"; cat "$2"; failed=$((failed + 1)); broken="$broken $1"; return
    fi
    # $line is split into its words on purpose.
    # shellcheck disable=SC2086
    set -- $line "$1" "$3"
    p=$2; f=$4; s=$6
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    [ "$f" -eq 0 ] || broken="$broken $8"
}
out=$(mktemp "${TMPDIR:-/tmp}/pbtest-XXXXXX")
for t in "$BUILD"/tests/test_*; do
    case "$t" in *.d|*.o|*.dSYM) continue ;; esac
    [ -x "$t" ] || continue
    name=$(basename "$t")
    echo "== $name"
    "$t" >"$out" 2>&1; rc=$?
    grep -v '^ok ' "$out" | sed 's/^/   /'
    tally "$name" "$out" "$rc"
done
for s in tests/cli_*.sh; do
    [ -f "$s" ] || continue
    [ "$s" = tests/cli_lib.sh ] && continue
    name=$(basename "$s")
    echo "== $name"
    PB_BIN="$BUILD/parbench" sh "$s" >"$out" 2>&1; rc=$?
    grep -v '^ok ' "$out" | sed 's/^/   /'
    tally "$name" "$out" "$rc"
done
rm -f "$out"
[ -z "$broken" ] || echo "failing:$broken"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
