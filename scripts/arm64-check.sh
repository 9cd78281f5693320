#!/bin/sh
# Runs the CPU backend's arm64 code (the NEON path an Apple M-series Mac or an Arm server takes) on
# this x86 machine: cross-builds the cpu backend alone with clang (-mcpu=apple-m1) and with gcc
# (aarch64-linux-gnu-gcc), and runs test_cpu, test_workloads and `parbench selftest` under
# qemu-user. Correctness only: times under emulation mean nothing.
#   scripts/arm64-check.sh        (CI calls it; about 3 minutes on 2 cores, plus any install)
# Needs qemu-user-static, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and clang; as root with
# apt-get it installs the missing ones, elsewhere (macOS, no root) it says what is missing and
# exits 0. Builds go to build-arm64-clang/ and build-arm64-gcc/; exit 1 when a build or test fails.
set -u
cd "$(dirname "$0")/.." || exit 2

TRIPLE=aarch64-linux-gnu
SYSROOT=/usr/$TRIPLE
GCC=${ARM64_GCC:-$TRIPLE-gcc}
CLANG=${CLANG:-clang}
LIMIT=${ARM64_TEST_LIMIT:-300}

# qemu-user-static names its binary qemu-aarch64-static (Debian 12) or qemu-aarch64 (later).
find_qemu() { command -v qemu-aarch64-static || command -v qemu-aarch64; }
missing() {
    m=""
    find_qemu >/dev/null || m="$m qemu-user-static"
    command -v "$GCC" >/dev/null || m="$m gcc-$TRIPLE"
    [ -f "$SYSROOT/include/stdio.h" ] || m="$m libc6-dev-arm64-cross"
    command -v "$CLANG" >/dev/null || m="$m clang"
    echo "$m"
}

need=$(missing)
if [ -n "$need" ]; then
    if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
        echo "arm64-check: skipped: missing$need (Debian/Ubuntu, as root: apt-get install$need)"
        exit 0
    fi
    echo "arm64-check: installing$need"
    # $need is a list of package names, split on purpose.
    # shellcheck disable=SC2086
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need; } || {
        echo "arm64-check: apt-get could not install$need"
        exit 1
    }
    need=$(missing)
    [ -z "$need" ] || { echo "arm64-check: still missing after installing:$need"; exit 1; }
fi
QEMU=$(find_qemu)

jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
# A case that hangs under emulation must fail the step, not stall CI.
limited() {
    if command -v timeout >/dev/null 2>&1; then timeout "$LIMIT" "$@"; else "$@"; fi
}

# build NAME CC NATIVE: the cpu backend alone, into build-arm64-NAME. NATIVE is passed as given, so
# the build never probes the host's -march=native; the kernel embedder runs here, so it is built
# with the host's compiler (HOST_CC).
build() {
    echo "== arm64 $1: building with $2 $3"
    make -j"$jobs" BUILD="build-arm64-$1" CC="$2" HOST_CC="${HOST_CC:-cc}" NATIVE="$3" \
        BLAS=0 OPENCL=0 CUDA=0 METAL=0 \
        "build-arm64-$1/parbench" "build-arm64-$1/tests/test_cpu" "build-arm64-$1/tests/test_workloads" \
        >"build-arm64-$1/build.log" 2>&1 && return 0
    tail -n 20 "build-arm64-$1/build.log"
    echo "arm64-check: the $1 build failed (log: build-arm64-$1/build.log)"
    return 1
}

# run_tests NAME: the build's tests under qemu, one after another; prints a summary line per
# program, the failing checks, and ends with "FAILED" when any failed. PB_SANITIZE=1 skips the
# standard sizes, as under the sanitizers: emulation is as slow, and the smaller sizes run the same
# code paths.
run_tests() {
    bad=0
    for t in test_cpu test_workloads "parbench selftest"; do
        case $t in parbench*) prog=build-arm64-$1/$t ;; *) prog=build-arm64-$1/tests/$t ;; esac
        log=build-arm64-$1/${t%% *}.log
        # $prog is a program and its arguments, split on purpose.
        # shellcheck disable=SC2086
        if PB_SANITIZE=1 limited "$QEMU" -L "$SYSROOT" $prog >"$log" 2>&1; then
            echo "-- $1: $t: $(grep -E 'passed, [0-9]+ failed' "$log" | tail -n 1)"
        else
            echo "-- $1: $t FAILED (log: $log)"
            grep -E 'not ok|FAIL' "$log" | head -n 20
            tail -n 1 "$log"
            bad=1
        fi
    done
    [ "$bad" -eq 0 ] || echo FAILED
}

failed=""
built=""
mkdir -p build-arm64-clang build-arm64-gcc
if build clang "$CLANG --target=$TRIPLE" -mcpu=apple-m1; then built="$built clang"; else failed="$failed clang-build"; fi
if build gcc "$GCC" ""; then built="$built gcc"; else failed="$failed gcc-build"; fi

# The test programs are mostly single-threaded under qemu, so the two builds run side by side.
for name in $built; do
    run_tests "$name" >"build-arm64-$name/tests.log" 2>&1 &
done
wait
for name in $built; do
    cat "build-arm64-$name/tests.log"
    grep -q '^FAILED$' "build-arm64-$name/tests.log" && failed="$failed $name-tests"
done

if [ -n "$failed" ]; then
    echo "arm64-check: FAILED:$failed"
    exit 1
fi
echo "arm64-check: the cpu backend built for $TRIPLE with clang and gcc passes its tests under qemu"
