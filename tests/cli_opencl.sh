#!/bin/sh
# CLI tests of the opencl backend: with no driver installed `list` says how to get one and a run
# goes on without it; with a device (PoCL here), a tiny run saves opencl results that carry kernel
# (device-timer) and end-to-end times, labelled opencl-cpu when the device is a CPU.
. tests/cli_lib.sh

listing=$("$PB_BIN" list 2>&1)
if echo "$listing" | grep -q 'opencl  *not built'; then
    skip "opencl list" "the opencl backend is not built"
    finish
    exit $?
fi

# ocl-icd and the Khronos loader read their driver list from OCL_ICD_VENDORS; an empty one is a
# machine without drivers. macOS has no loader to redirect.
if [ "$(uname -s)" = Darwin ]; then
    skip "list without a driver" "macOS always has its OpenCL driver"
else
    expect "list without a driver says how to install one" 0 'no OpenCL platform found: install a driver' -- \
        env OCL_ICD_VENDORS=/nonexistent "$PB_BIN" list
    expect "run without a driver goes on with the cpu" 0 'cpu-all' -- \
        env OCL_ICD_VENDORS=/nonexistent "$PB_BIN" run --preset tiny -w triad -b opencl,cpu --no-save
fi

if echo "$listing" | grep -q 'opencl  *ready'; then
    out=$(mktemp "${TMPDIR:-/tmp}/pbopencl-XXXXXX")
    expect "tiny run on every OpenCL device" 0 'Saved' -- \
        "$PB_BIN" run --preset tiny -w sgemm,reduce,histogram -b opencl -o "$out"
    expect "results carry device kernel times" 0 '"timer": *"device"' -- cat "$out"
    expect "results carry end-to-end times" 0 '"e2e_median_s": *[0-9]' -- cat "$out"
    if echo "$listing" | grep -A1 '^  opencl' | grep -q '\[cpu\]'; then
        expect "a CPU device is labelled opencl-cpu" 0 '"role": *"opencl-cpu"' -- cat "$out"
    fi
    rm -f "$out"
else
    skip "tiny run on every OpenCL device" "no OpenCL device here"
fi
finish
