#!/bin/sh
# A run measures the CPU's ceilings and records them on the cpu device, and with an OpenCL device
# (PoCL here) that device's own, from the probes of kernels/ceiling.pbk; the wide table places each
# result on its device's roofline ("% roof"), and every result above 105% of its roof has its note
# under the table (a cache-resident working set, or a wrong count): never silently.
. tests/cli_lib.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbceil-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

backends=cpu
if "$PB_BIN" list 2>&1 | grep -q 'opencl  *ready'; then
    backends=cpu,opencl
fi
"$PB_BIN" run --preset tiny -b "$backends" --wide --rounds 2 --max-rounds 2 --min-time 0.01 -o "$tmp/r.json" \
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
if [ "$backends" = cpu ]; then
    skip "run prints and records the OpenCL device's ceilings" "no OpenCL device here (Debian: pocl-opencl-icd)"
else
    if grep -q '^opencl device 0 ceilings: [0-9.]* GFLOP/s fp32 FMA, [0-9.]* GB/s memory' "$tmp/out.txt"; then
        ok "run prints the OpenCL device's ceilings"
    else
        fail "run prints the OpenCL device's ceilings" "$(grep -i ceilings "$tmp/out.txt")"
    fi
    # The opencl device record, from its "backend" line to the next device or the results.
    if awk '/"backend": "opencl"/ { d = 1 } d && /"results"|"backend": "(cpu|blas|cuda|metal)"/ { d = 0 }
            d && /"threads": 0,/ { t = 1 } d && /"method": ".*FMA chains/ { m = 1 }
            END { exit !(t && m) }' "$tmp/r.json"; then
        ok "the result file records the OpenCL device's ceilings (threads 0: the whole device)"
    else
        fail "the result file records the OpenCL device's ceilings" "$(grep -A12 '"backend": "opencl"' "$tmp/r.json" | head -n 24)"
    fi
fi
# Each table row: workload, size..., backend, role, thr, ..., "% roof" (the column before check).
# Prints "BACKEND ROOF" per row, and "missing: NOTE" for a row above 105% whose note is not there.
awk '
    /^workload / { head = 1; col = index($0, "% roof"); next }
    head && NF == 0 { head = 0 }
    head && col > 0 {
        roof = substr($0, col, 6); gsub(/[ %]/, "", roof)
        for (i = 2; i < NF; i++) if ($i ~ /^(cpu|blas|opencl|cuda|metal)$/) break
        print $i, roof
        if (roof != "-" && roof + 0 > 105) want[NR] = "* " $1 " on " $i " " $(i + 1) ": "
    }
    { line[NR] = $0 }
    END {
        for (k in want) {
            found = 0
            for (j = 1; j <= NR; j++)
                if (index(line[j], want[k]) == 1 && index(line[j], "% of its roofline") > 0) found = 1
            if (!found) print "missing: " want[k]
        }
    }' "$tmp/out.txt" >"$tmp/rows.txt"
bad=$(grep '^missing: ' "$tmp/rows.txt")
if [ -z "$bad" ]; then
    ok "every result above 105% of its roofline has its note"
else
    fail "every result above 105% of its roofline has its note" "$bad"
fi
if [ "$backends" = cpu ]; then
    skip "opencl results are placed on their device's roofline" "no OpenCL device here"
elif grep -Eq '^opencl [0-9]' "$tmp/rows.txt"; then
    ok "opencl results are placed on their device's roofline"
else
    fail "opencl results are placed on their device's roofline" "$(grep -E ' opencl ' "$tmp/out.txt" | head -n 3)"
fi
n=$(grep -Ec '%  ok|%  failed|  -  ok' "$tmp/out.txt")
if [ "$n" -ge 1 ]; then ok "the wide table has a % roof column"
else fail "the wide table has a % roof column" "$(grep -A3 '^workload' "$tmp/out.txt")"; fi
finish
