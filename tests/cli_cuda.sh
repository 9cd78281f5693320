#!/bin/sh
# CLI tests of the cuda backend. Without a GPU or driver, `list` says so and a run that names cuda
# goes on with the other backends; with a GPU, the device is listed and tiny cases run on it.
. tests/cli_lib.sh

# For SANITIZE=1 builds on a machine with a GPU: the CUDA driver maps memory inside the range
# AddressSanitizer protects as its shadow gap, and keeps a few allocations from its initialisation
# to the end (google/sanitizers#629). Both settings are inert without a GPU or sanitizer.
supp=$(mktemp "${TMPDIR:-/tmp}/pbcuda-XXXXXX")
trap 'rm -f "$supp"' EXIT
printf 'leak:libcuda\nleak:libcublas\n' >"$supp"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}protect_shadow_gap=0"
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$supp"
export ASAN_OPTIONS LSAN_OPTIONS

# A hang in the CUDA runtime must fail the test, not stall the suite.
limited() {
    if command -v timeout >/dev/null 2>&1; then timeout 300 "$@"; else "$@"; fi
}

listing=$(limited "$PB_BIN" list 2>&1)
rc=$?
if [ "$rc" -ne 0 ]; then
    fail "cuda list" "exit $rc: $(echo "$listing" | head -3)"
elif echo "$listing" | grep -Eq 'cuda +not built:'; then
    skip "cuda list" "the cuda backend is not built"
    skip "cuda run" "the cuda backend is not built"
elif echo "$listing" | grep -q 'CUDA: no device'; then
    expect "list without a CUDA device" 0 'CUDA: no device \(driver missing or no GPU\)' -- limited "$PB_BIN" list
    expect "list gives the fix" 0 'nvidia-smi' -- limited "$PB_BIN" list
    expect "run goes on without the GPU" 0 'cuda: unavailable: CUDA: no device' -- \
        limited "$PB_BIN" run --preset tiny -w triad,histogram -b cuda,cpu --no-save
    expect "run measured the cpu" 0 'cpu-all' -- \
        limited "$PB_BIN" run --preset tiny -w triad,histogram -b cuda,cpu --no-save
elif echo "$listing" | grep -q 'CUDA: driver too old for this build'; then
    expect "list names the driver and the build" 0 'the driver supports CUDA [0-9.]+, this build needs [0-9.]+' -- \
        limited "$PB_BIN" list
    expect "run goes on without the GPU" 0 'cpu-all' -- \
        limited "$PB_BIN" run --preset tiny -w triad -b cuda,cpu --no-save
else
    expect "list shows the CUDA device" 0 'sm_[0-9]+' -- limited "$PB_BIN" list
    expect "run on the GPU" 0 'lib-gpu' -- limited "$PB_BIN" run --preset tiny -w sgemm,triad -b cuda --no-save
fi
finish
