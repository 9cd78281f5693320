#!/bin/sh
# CLI tests of `parbench sweep`: bad input exits 2 with a message; a short CPU-only sweep says there
# is nothing to cross over; with an OpenCL device (PoCL here) a quick triad sweep prints a crossover
# or "never" line and exits 0.
. tests/cli_lib.sh

expect "help" 0 'sweep, not a benchmark' -- "$PB_BIN" sweep --help
expect "unknown workload exits 2" 2 'sweeps triad, sgemm and reduce' -- "$PB_BIN" sweep -w nbody
expect "unknown preset exits 2" 2 'max-size|preset' -- "$PB_BIN" sweep --max-size huge
expect "unknown backend exits 2" 2 'unknown|backend' -- "$PB_BIN" sweep -b cpux
expect "-o says sweep prints only" 2 'prints only' -- "$PB_BIN" sweep -o /tmp/x.json
expect "stray argument exits 2" 2 'unexpected' -- "$PB_BIN" sweep triad
expect "cpu alone: nothing to cross over" 0 'no GPU-style device' -- \
    "$PB_BIN" sweep -b cpu -w reduce --max-size tiny

listing=$("$PB_BIN" list 2>&1)
if echo "$listing" | grep -q 'opencl  *ready'; then
    expect "triad sweep on opencl prints a crossover or never" 0 'crossover \(end to end\): (the device wins|never in this range)' -- \
        "$PB_BIN" sweep -b cpu,opencl -w triad --max-size quick
else
    skip "triad sweep on opencl" "no OpenCL device here (PoCL or a GPU driver): 'parbench list' says how to add one"
fi
finish
