#!/bin/sh
# A run measures the CPU's ceilings and records them on the cpu device; the wide table places each
# CPU result on its roofline ("% roof"), and every result above 105% of its roof has its note under
# the table (a cache-resident working set, or a wrong count): never silently.
. tests/cli_lib.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbceil-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$PB_BIN" run --preset tiny -b cpu --wide --rounds 2 --max-rounds 2 --min-time 0.01 -o "$tmp/r.json" \
    >"$tmp/out.txt" 2>&1
if grep -q '^CPU ceilings on [0-9]* threads\{0,1\}: [0-9.]* GFLOP/s fp32 FMA, [0-9.]* GB/s memory' "$tmp/out.txt"; then
    ok "run prints the CPU's ceilings"
else
    fail "run prints the CPU's ceilings" "$(head -n 3 "$tmp/out.txt")"
fi
if grep -q '"ceilings": {' "$tmp/r.json" && grep -q '"fp32_gflops": [1-9]' "$tmp/r.json" &&
   grep -q '"bandwidth_gbs": [1-9]' "$tmp/r.json"; then
    ok "the result file records the ceilings"
else
    fail "the result file records the ceilings" "$(grep -A3 '"ceilings"' "$tmp/r.json")"
fi
# Each table row: workload, size..., backend, role, thr, ..., "% roof" (the column before check).
bad=$(awk '
    /^workload / { head = 1; col = index($0, "% roof"); next }
    head && NF == 0 { head = 0 }
    head && col > 0 {
        roof = substr($0, col, 6); gsub(/[ %]/, "", roof)
        if (roof != "-" && roof + 0 > 105) { rows[NR] = $1 " on cpu " $0; want[NR] = $1 }
    }
    { text = text "\n" $0 }
    END {
        for (k in want) {
            nf = split(rows[k], f, " ")
            role = ""
            for (i = 1; i <= nf; i++) if (f[i] ~ /^cpu-/) { role = f[i]; break }
            if (index(text, "* " want[k] " on cpu " role ": ") == 0 || index(text, "% of its roofline") == 0)
                print want[k] " " role
        }
    }' "$tmp/out.txt")
if [ -z "$bad" ]; then
    ok "every result above 105% of its roofline has its note"
else
    fail "every result above 105% of its roofline has its note" "$bad"
fi
n=$(grep -Ec '%  ok|%  failed|  -  ok' "$tmp/out.txt")
if [ "$n" -ge 1 ]; then ok "the wide table has a % roof column"
else fail "the wide table has a % roof column" "$(grep -A3 '^workload' "$tmp/out.txt")"; fi
finish
