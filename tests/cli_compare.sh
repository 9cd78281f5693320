#!/bin/sh
# `parbench compare` from the command line: good files compare, and every kind of bad input
# gives one "parbench compare: ..." line and exit code 2.
. tests/cli_lib.sh
GOOD=fuzz/corpus/valid_full.json
T=$(mktemp -d "${TMPDIR:-/tmp}/pbcli-compare-XXXXXX")
trap 'rm -rf "$T"' EXIT

: >"$T/empty.json"
printf '{"schema": "parbench-result", "schema_version": 1, "results": [' >"$T/truncated.json"
printf '{"name": "something else", "results": []}' >"$T/other.json"
printf '{"schema": "parbench-result", "schema_version": 1, "results": [{"workload": 3}]}' >"$T/types.json"
printf '{"schema": "parbench-result", "schema_version": 1, "results": [1e400]}' >"$T/huge.json"
printf '{"schema": "parbench-result", "schema_version": 1, "results": ["\\uD800"]}' >"$T/escape.json"
printf '{"schema": "parbench-result", "schema_version": 1, "results": ["\377"]}' >"$T/utf8.json"
printf '{"schema": "parbench-result", "schema_version": 1}' >"$T/missing.json"
awk 'BEGIN { for (i = 0; i < 100; i++) printf "["; for (i = 0; i < 100; i++) printf "]" }' >"$T/deep.json"

expect self_text 0 'no noticeable difference' -- "$PB_BIN" compare "$GOOD" "$GOOD"
expect self_ratio 0 '1\.00x' -- "$PB_BIN" compare "$GOOD" "$GOOD"
expect self_md 0 '^\| workload \| size' -- "$PB_BIN" compare "$GOOD" "$GOOD" --format md
expect self_csv 0 '^kind,a_file,b_file' -- "$PB_BIN" compare "$GOOD" "$GOOD" --format csv
expect self_json 0 '"schema": "parbench-compare"' -- "$PB_BIN" compare "$GOOD" "$GOOD" --format json
expect three_files 0 '^B = lab box \(fuzz/corpus/valid_full.json\) against A = lab box' -- "$PB_BIN" compare "$GOOD" "$GOOD" "$GOOD" --threshold 2.5
ESC=$(printf '\033')
if "$PB_BIN" compare "$GOOD" "$GOOD" | grep -q "$ESC"; then fail no_color_in_pipe "colour codes in piped output"
else ok no_color_in_pipe; fi
expect output_file 0 '^$' -- "$PB_BIN" compare "$GOOD" "$GOOD" -o "$T/out.txt"
if [ -s "$T/out.txt" ]; then ok output_file_written; else fail output_file_written "no $T/out.txt"; fi

# A file from a sanitizer build is named: its times say little about the machine.
sed 's/"cflags": *"[^"]*"/"cflags": "-O1 -g -fsanitize=address,undefined"/' "$GOOD" >"$T/sanitized.json"
expect sanitized_build 0 "B's parbench was built with sanitizers" -- "$PB_BIN" compare "$GOOD" "$T/sanitized.json"

expect wide_option 0 '^workload +size +precision +role' -- "$PB_BIN" compare "$GOOD" "$GOOD" --wide
expect help_wide 0 '--wide' -- "$PB_BIN" compare --help
expect one_file 2 '^parbench compare: needs at least two result files' -- "$PB_BIN" compare "$GOOD"
expect bad_format 2 'unknown format' -- "$PB_BIN" compare "$GOOD" "$GOOD" --format xml
expect bad_threshold 2 'threshold expects a percentage' -- "$PB_BIN" compare "$GOOD" "$GOOD" --threshold -3
expect bad_option 2 'unknown option' -- "$PB_BIN" compare "$GOOD" "$GOOD" --fast
expect empty_file 2 'is empty' -- "$PB_BIN" compare "$GOOD" "$T/empty.json"
expect truncated 2 'truncated.json:1:64: unexpected end of input' -- "$PB_BIN" compare "$GOOD" "$T/truncated.json"
expect not_parbench 2 'not a parbench result file' -- "$PB_BIN" compare "$GOOD" "$T/other.json"
expect wrong_type 2 'results\[0\]\.workload: expected a string' -- "$PB_BIN" compare "$GOOD" "$T/types.json"
expect huge_number 2 'number out of range' -- "$PB_BIN" compare "$GOOD" "$T/huge.json"
expect bad_escape 2 'high surrogate' -- "$PB_BIN" compare "$GOOD" "$T/escape.json"
expect bad_utf8 2 'invalid UTF-8' -- "$PB_BIN" compare "$GOOD" "$T/utf8.json"
expect missing_field 2 'missing field "results"' -- "$PB_BIN" compare "$GOOD" "$T/missing.json"
expect deep_nesting 2 'nesting deeper than 64' -- "$PB_BIN" compare "$GOOD" "$T/deep.json"
expect newer_schema 2 'schema version 3 is newer than this parbench understands \(2\): upgrade parbench' -- \
    "$PB_BIN" compare "$GOOD" fuzz/corpus/newer_version.json
expect directory 2 'is a directory' -- "$PB_BIN" compare "$GOOD" "$T"
expect missing_file 2 'cannot open' -- "$PB_BIN" compare "$GOOD" "$T/nothing.json"
finish
