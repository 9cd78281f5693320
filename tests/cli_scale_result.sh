#!/bin/sh
# tools/scale_result, the helper of `make bench-verdicts`: a result file made FACTOR times faster
# changes exactly the times and the rate of its ok results, and bad arguments exit 2 with a message.
. tests/cli_lib.sh
SCALE=${SCALE_RESULT:-$(dirname "$PB_BIN")/tools/scale_result}
GOOD=fuzz/corpus/valid_full.json
if [ ! -x "$SCALE" ]; then
    skip scale_result "no $SCALE (make $SCALE)"
    finish
    exit
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/pbcli-scale-XXXXXX")
trap 'rm -rf "$T"' EXIT

expect no_args 2 '^usage: scale_result IN.json FACTOR OUT.json' -- "$SCALE"
expect zero_factor 2 'FACTOR must be a number above 0' -- "$SCALE" "$GOOD" 0 "$T/x.json"
expect negative_factor 2 'FACTOR must be a number above 0' -- "$SCALE" "$GOOD" -1.5 "$T/x.json"
expect text_factor 2 "got '1.2x'" -- "$SCALE" "$GOOD" 1.2x "$T/x.json"
expect inf_factor 2 'FACTOR must be a number above 0' -- "$SCALE" "$GOOD" inf "$T/x.json"
expect missing_input 2 "cannot open '$T/none.json'" -- "$SCALE" "$T/none.json" 2 "$T/x.json"
printf '{"name": "something else", "results": []}' >"$T/other.json"
expect not_a_result 2 'not a parbench result file' -- "$SCALE" "$T/other.json" 2 "$T/x.json"
expect unwritable 1 'cannot write' -- "$SCALE" "$GOOD" 2 "$T/no/dir/x.json"

# The fixture (schema 1): the ok result's samples, median, MAD, min, end-to-end samples and median
# and rate change (7 lines); the failed and skipped results stay as they are.
expect scale_1 0 '^$' -- "$SCALE" "$GOOD" 1 "$T/x1.json"
expect scale_2 0 '^$' -- "$SCALE" "$GOOD" 2 "$T/x2.json"
changed=$(diff "$T/x1.json" "$T/x2.json" | grep -c '^>')
if [ "$changed" -eq 7 ]; then ok seven_fields; else fail seven_fields "$changed lines changed, wanted 7"; fi
expect halved_samples 0 '"samples_s": \[0\.00505, 0\.0051, 0\.00495, 0\.005025, 0\.16666666666666666\]' -- cat "$T/x2.json"
expect doubled_rate 0 '"value": 3401\.9542938613863' -- cat "$T/x2.json"

# A file of this build (the current schema) reads back after scaling: halving is exact in binary,
# so scaling by 2 then by 0.5 gives back the file scaled by 1, and compare sees exactly 2x.
expect tiny_run 0 'Saved' -- "$PB_BIN" run --preset tiny -w triad -t 1 -b cpu -o "$T/run.json"
expect run_1 0 '^$' -- "$SCALE" "$T/run.json" 1 "$T/run1.json"
expect run_2 0 '^$' -- "$SCALE" "$T/run.json" 2 "$T/run2.json"
expect run_back 0 '^$' -- "$SCALE" "$T/run2.json" 0.5 "$T/run2back.json"
if cmp -s "$T/run1.json" "$T/run2back.json"; then ok round_trip; else fail round_trip "x2 then x0.5 differs from x1"; fi
expect compares_2x 0 'triad .* 2\.00x faster' -- "$PB_BIN" compare "$T/run.json" "$T/run2.json"
finish
