#!/bin/sh
# A run records each case's working set and its device's last-level cache, and says under the
# table when a bandwidth-bound case fits in it: tiny triad fits any CPU's cache (cpu backend and,
# where there is an OpenCL device, opencl).
. tests/cli_lib.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbllc-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

llc=$("$PB_BIN" info 2>/dev/null | grep -E '^  l[23] cache' | tail -n 1)
if [ -z "$llc" ]; then
    skip "tiny triad is marked as fitting the last-level cache" "this machine reports no L2 or L3 size"
else
    backends=cpu
    "$PB_BIN" list 2>/dev/null | grep -q '^  opencl  ready' && backends=cpu,opencl
    # Wide enough that no note is wrapped, so each is matched whole.
    out=$(COLUMNS=400 "$PB_BIN" run --preset tiny -w triad -b "$backends" --rounds 2 --max-rounds 2 --min-time 0.01 \
          -o "$tmp/r.json" 2>&1)
    if ! grep -q '"working_set_bytes": 12036' "$tmp/r.json"; then
        fail "the result file records the working set" "$(grep -c working_set_bytes "$tmp/r.json") fields"
    else
        ok "the result file records the working set"
    fi
    for b in $(echo "$backends" | tr , ' '); do
        if printf '%s\n' "$out" | grep -Eq "^\* triad on $b \(.*\): its working set \(11.8 KiB\) fits in the device's last-level cache"; then
            ok "tiny triad on $b is said to fit the last-level cache"
        else
            fail "tiny triad on $b is said to fit the last-level cache" "$(printf '%s\n' "$out" | grep '^\*')"
        fi
    done
    n=$(grep -c '"llc_bytes": [1-9]' "$tmp/r.json")
    if [ "$n" -ge 2 ]; then ok "devices and results record the last-level cache"
    else fail "devices and results record the last-level cache" "$n nonzero llc_bytes fields"; fi
fi
finish
