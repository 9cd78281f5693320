#!/bin/sh
# Runs the CPU backend's arm64 code (the NEON path an Apple M-series Mac or an Arm server takes) on
# this x86 machine: cross-builds the cpu backend alone with clang (-mcpu=apple-m1) and with gcc
# (aarch64-linux-gnu-gcc), and runs test_cpu, test_workloads and `parbench selftest` under
# qemu-user. Correctness only: times under emulation mean nothing.
#   scripts/arm64-check.sh        (CI calls it; about 3 minutes on 2 cores)
# Needs qemu-user-static, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and clang; as root with
# apt-get it installs the missing ones, elsewhere (macOS, no root) it says what is missing and
# exits 0. Builds go to build-arm64-clang/ and build-arm64-gcc/; exit 1 when a build or test fails.
set -u
cd "$(dirname "$0")/.." || exit 2

TRIPLE=aarch64-linux-gnu
SYSROOT=/usr/$TRIPLE
GCC=${ARM64_GCC:-$TRIPLE-gcc}
CLANG=${CLANG:-clang}
LIMIT=${ARM64_TEST_LIMIT:-600}

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
failed=""
# A case that hangs under emulation must fail the step, not stall CI.
limited() {
    if command -v timeout >/dev/null 2>&1; then timeout "$LIMIT" "$@"; else "$@"; fi
}

# check NAME CC NATIVE: builds the cpu backend into build-arm64-NAME and runs its tests under qemu.
# NATIVE is passed as given: the build must not probe the host's -march=native for a cross compiler.
# The kernel embedder runs here, so it is built with the host's compiler (HOST_CC).
check() {
    name=$1 cc=$2 native=$3
    build=build-arm64-$name
    echo "== arm64 $name: $cc $native"
    if ! make -j"$jobs" BUILD="$build" CC="$cc" HOST_CC="${HOST_CC:-cc}" NATIVE="$native" \
        BLAS=0 OPENCL=0 CUDA=0 METAL=0 \
        "$build/parbench" "$build/tests/test_cpu" "$build/tests/test_workloads" >"$build/build.log" 2>&1; then
        tail -n 20 "$build/build.log"
        echo "arm64-check: the $name build failed (log: $build/build.log)"
        failed="$failed $name-build"
        return
    fi
    for t in "$build/tests/test_cpu" "$build/tests/test_workloads" "$build/parbench selftest"; do
        echo "-- qemu-aarch64 $t"
        # $t is a program and its arguments, split on purpose.
        # shellcheck disable=SC2086
        if limited "$QEMU" -L "$SYSROOT" $t >"$build/run.log" 2>&1; then
            grep -E '^pbtest: |passed, [0-9]+ failed' "$build/run.log" | tail -n 1
        else
            grep -v '^ok ' "$build/run.log" | tail -n 20
            failed="$failed $name:$(basename "${t% *}")"
        fi
    done
}

mkdir -p build-arm64-clang build-arm64-gcc
check clang "$CLANG --target=$TRIPLE" -mcpu=apple-m1
check gcc "$GCC" ""

if [ -n "$failed" ]; then
    echo "arm64-check: FAILED:$failed"
    exit 1
fi
echo "arm64-check: the cpu backend built with clang and gcc for $TRIPLE passes its tests under qemu"
