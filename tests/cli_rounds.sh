#!/bin/sh
# CLI tests of measuring in rounds: the options, what the result file records per round, and what
# the run prints under its table.
# ok and fail always succeed, so `A && ok ... || fail ...` is an if/else here.
# shellcheck disable=SC2015
. tests/cli_lib.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbrounds-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

expect "rounds zero" 2 "--rounds" -- "$PB_BIN" run --rounds 0 --no-save
expect "max below min" 2 "--max-rounds 2 is below --rounds 3" -- "$PB_BIN" run --rounds 3 --max-rounds 2 --no-save
expect "order seed malformed" 2 "--order-seed" -- "$PB_BIN" run --order-seed x --no-save

out=$("$PB_BIN" run --preset tiny -w triad,reduce -b cpu --rounds 3 --max-rounds 3 --order-seed 42 \
    -o "$tmp/r.json" 2>"$tmp/err")
rc=$?
[ "$rc" -eq 0 ] && ok "tiny run in rounds" || fail "tiny run in rounds" "exit $rc: $(tail -2 "$tmp/err")"
echo "$out" | grep -q "Measured in 3 rounds" && ok "says how many rounds" || fail "says how many rounds" "$(echo "$out" | tail -3)"
echo "$out" | grep -q "order seed 42" && ok "says the order seed" || fail "says the order seed" "$(echo "$out" | tail -3)"
grep -q '"schema_version": 2' "$tmp/r.json" && ok "schema 2" || fail "schema 2" "$(head -3 "$tmp/r.json")"
grep -q '"shuffle_seed": 42' "$tmp/r.json" && ok "order seed recorded" || fail "order seed recorded" "not in the file"
n=$(grep -c '"rounds": 3' "$tmp/r.json")
[ "$n" -eq 4 ] && ok "every case has 3 rounds" || fail "every case has 3 rounds" "$n of 4 cases"
grep -q '"sample_rounds": \[0, ' "$tmp/r.json" && ok "samples carry their round" || fail "samples carry their round" "no sample_rounds"
grep -q '"round_states": \[' "$tmp/r.json" && ok "machine state per round" || fail "machine state per round" "no round_states"
grep -q '"other_cpu": ' "$tmp/r.json" && ok "other work recorded" || fail "other work recorded" "no other_cpu"
# Progress names the round on a pipe.
grep -q '^round 3 ' "$tmp/err" && ok "progress names rounds" || fail "progress names rounds" "$(head -3 "$tmp/err")"

# A file from schema 1 still compares, with the warning that its intervals ignore run-to-run noise.
expect "schema 1 warns" 0 "schema version 1: each case was measured in one window" -- \
    "$PB_BIN" compare fuzz/corpus/valid_full.json fuzz/corpus/valid_full.json
# The new file compared with itself: identical measurements, no noticeable difference.
expect "self compare" 0 "no noticeable difference" -- "$PB_BIN" compare "$tmp/r.json" "$tmp/r.json"
finish
