#!/bin/sh
# `parbench report` from the command line: good files give a whole page and a line saying where it
# went; every bad input gives one "parbench report: ..." line, exit code 2 and no page, and a page
# that was there before is left as it was (the page is written to a temporary file and renamed).
. tests/cli_lib.sh
A=tests/golden/laptop-nogpu.json
B=tests/golden/box-gpu.json
C=tests/golden/report/scale-4t.json
T=$(mktemp -d "${TMPDIR:-/tmp}/pbcli-report-XXXXXX")
trap 'rm -rf "$T"' EXIT

expect help 0 '^usage: parbench report A.json' -- "$PB_BIN" report --help
expect help_command 0 'self-contained HTML page' -- "$PB_BIN" help report
expect listed 0 'report +one self-contained HTML page' -- "$PB_BIN" help
expect three_files 0 "^wrote $T/r.html \([0-9]+ KiB\): open it in a browser" -- \
    "$PB_BIN" report "$A" "$B" "$C" -o "$T/r.html"
if [ -f "$T/r.html" ] && head -n 1 "$T/r.html" | grep -q '^<!DOCTYPE html>$' && tail -n 1 "$T/r.html" | grep -q '^</html>$'
then ok page_whole; else fail page_whole "no page, or not from <!DOCTYPE html> to </html>"; fi
n=$(grep -c '<figure class="chart workload"' "$T/r.html")
if [ "$n" -eq 3 ]; then ok one_chart_per_workload; else fail one_chart_per_workload "$n charts, wanted 3"; fi
size=$(wc -c <"$T/r.html")
if [ "$size" -lt 1048576 ]; then ok under_1mb; else fail under_1mb "$size bytes"; fi
expect one_file 0 '^wrote' -- "$PB_BIN" report "$C" -o "$T/one.html"
here=$(pwd)
case "$PB_BIN" in /*) bin=$PB_BIN ;; *) bin=$here/$PB_BIN ;; esac
(cd "$T" && "$bin" report "$here/$A" >/dev/null 2>&1)
if [ -f "$T/report.html" ]; then ok default_output; else fail default_output "no report.html in the current directory"; fi

# The hostile host name of a result file shows as text.
sed 's/"hostname": "[^"]*"/"hostname": "<script>alert(1)<\/script>"/' "$A" >"$T/hostile.json"
expect hostile_file 0 '^wrote' -- "$PB_BIN" report "$T/hostile.json" "$B" -o "$T/hostile.html"
if grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/hostile.html" && ! grep -q '<script' "$T/hostile.html"
then ok hostile_escaped; else fail hostile_escaped "the host name is not escaped"; fi

# Bad input: exit 2, the message names it, and an earlier page stays untouched.
printf 'an earlier page\n' >"$T/keep.html"
: >"$T/empty.json"
printf '{"schema": "parbench-result", "schema_version": 1, "results": [' >"$T/truncated.json"
sed 's/"work": [0-9.e+]*/"work": 1e300/' "$A" >"$T/absurd.json"
expect no_files 2 '^parbench report: needs at least one result file' -- "$PB_BIN" report -o "$T/keep.html"
expect missing_file 2 "^parbench report: .*$T/nothing.json" -- "$PB_BIN" report "$A" "$T/nothing.json" -o "$T/keep.html"
expect empty_file 2 'empty.json.* is empty' -- "$PB_BIN" report "$A" "$T/empty.json" -o "$T/keep.html"
expect truncated 2 'truncated.json:1:64: unexpected end of input' -- "$PB_BIN" report "$T/truncated.json" -o "$T/keep.html"
expect absurd_number 2 'absurd.json: results\[0\] .*work per launch of 1e\+300 is not believable' -- \
    "$PB_BIN" report "$T/absurd.json" -o "$T/keep.html"
expect bad_threshold 2 'threshold expects a percentage' -- "$PB_BIN" report "$A" --threshold 0 -o "$T/keep.html"
expect bad_option 2 'unknown option' -- "$PB_BIN" report "$A" --fast -o "$T/keep.html"
expect too_many 2 'at most 8 result files, got 9' -- "$PB_BIN" report "$A" "$A" "$A" "$A" "$A" "$A" "$A" "$A" "$A" -o "$T/keep.html"
expect overwrite_input 2 "would overwrite its input '$T/hostile.json'" -- "$PB_BIN" report "$T/hostile.json" -o "$T/hostile.json"
expect unwritable 2 "cannot write '$T/no/such/dir/r.html'" -- "$PB_BIN" report "$A" -o "$T/no/such/dir/r.html"
if [ "$(cat "$T/keep.html")" = "an earlier page" ]; then ok earlier_page_kept; else fail earlier_page_kept "it changed"; fi
leftover=$(find "$T" -name '*.tmp.*' | head -n 1)
if [ -z "$leftover" ]; then ok no_temporary_left; else fail no_temporary_left "$leftover"; fi
finish
