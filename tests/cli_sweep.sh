#!/bin/sh
# CLI tests of `parbench sweep`: bad input exits 2 with a message; a short CPU-only sweep says there
# is nothing to cross over and saves its points (preset "sweep"); with an OpenCL device (PoCL here) a
# quick triad sweep prints a crossover or "never" line, exits 0, and its file reads back the same.
. tests/cli_lib.sh
T=$(mktemp -d "${TMPDIR:-/tmp}/pbcli-sweep-XXXXXX")
trap 'rm -rf "$T"' EXIT

expect "help" 0 'sweep, not a benchmark' -- "$PB_BIN" sweep --help
expect "unknown workload exits 2" 2 'sweeps triad, sgemm and reduce' -- "$PB_BIN" sweep -w nbody
expect "unknown preset exits 2" 2 'max-size|preset' -- "$PB_BIN" sweep --max-size huge
expect "unknown backend exits 2" 2 'unknown|backend' -- "$PB_BIN" sweep -b cpux
expect "unwritable -o exits 2 before measuring" 2 "directory '$T/none' does not exist" -- \
    "$PB_BIN" sweep -b cpu -o "$T/none/x.json"
expect "stray argument exits 2" 2 'unexpected' -- "$PB_BIN" sweep triad
expect "cpu alone: nothing to cross over" 0 'no GPU-style device' -- \
    "$PB_BIN" sweep -b cpu -w reduce --max-size tiny -o "$T/cpu.json"
if grep -q '"preset": "sweep"' "$T/cpu.json" 2>/dev/null && grep -q '"workload": "reduce"' "$T/cpu.json"; then
    ok "the sweep's file holds its points, preset sweep"
else
    fail "the sweep's file holds its points, preset sweep" "no preset sweep / reduce result in $T/cpu.json"
fi
# compare reads it as any result file (a sweep's 2-3 samples per point are often too few to judge).
expect "compare reads a sweep file" 0 'sweep preset' -- "$PB_BIN" compare "$T/cpu.json" "$T/cpu.json"

listing=$("$PB_BIN" list 2>&1)
if echo "$listing" | grep -q 'opencl  *ready'; then
    expect "triad sweep on opencl prints a crossover or never" 0 'crossover \(end to end\): (the device wins|never in this range)' -- \
        "$PB_BIN" sweep -b cpu,opencl -w triad --max-size quick -o "$T/cl.json"
    expect "opencl: the file has the device's points" 0 '"role": "opencl-cpu"' -- cat "$T/cl.json"
else
    skip "triad sweep on opencl" "no OpenCL device here (PoCL or a GPU driver): 'parbench list' says how to add one"
fi
finish
