#!/bin/sh
# The metal backend checked as far as Linux allows (DESIGN.md §9): the Objective-C file and the macOS
# fingerprint against stub Apple headers, the kernels' Metal expansion compiled as C++ against an
# MSL shim and run on the CPU with the backend's launch plans, the Darwin build line, and broken
# copies that each check must reject. Needs clang and clang++; skips with the reason otherwise.
# The *_FLAGS strings below are lists of words, split on purpose where they are used.
# shellcheck disable=SC2086
. tests/cli_lib.sh
BUILD=${PB_BUILD:-$(dirname "$PB_BIN")}
CLANG=${PB_CLANG:-clang}
CLANGXX=${PB_CLANGXX:-clang++}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbmetal-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! command -v "$CLANG" >/dev/null 2>&1 || ! command -v "$CLANGXX" >/dev/null 2>&1; then
    skip "metal checks" "clang and clang++ are needed (Debian/Ubuntu: apt-get install clang)"
    finish
    exit
fi

# Objective-C against the stubs, for the oldest macOS each architecture runs this backend on and for
# the newest SDK: unknown selectors, unguarded newer APIs and deprecated calls are all errors.
OBJC_FLAGS="-fsyntax-only -fobjc-arc -std=c11 -nostdlibinc -isystem tests/apple_stubs -iquote src/backends/metal
            -Wall -Wextra -Werror -Werror=objc-method-access -Wundeclared-selector -Wunguarded-availability"
objc_check() { # FILE
    "$CLANG" $OBJC_FLAGS -target arm64-apple-macos11 "$1" &&
        "$CLANG" $OBJC_FLAGS -target arm64-apple-macos15 "$1" &&
        "$CLANG" $OBJC_FLAGS -target x86_64-apple-macos10.15 -DPB_STUB_OLD_SDK "$1"
}
C_FLAGS="-fsyntax-only -std=c11 -nostdlibinc -isystem tests/apple_stubs -iquote src/core -Wall -Wextra -Werror"
fingerprint_check() { # FILE
    "$CLANG" $C_FLAGS -target arm64-apple-macos11 "$1" && "$CLANG" $C_FLAGS -target x86_64-apple-macos10.15 "$1"
}
# C++17 against the shim: unknown attributes, float-to-double promotion and any `double` are errors,
# as they are (or would fail) in Metal. Unused thread-id parameters and Metal's pragmas are fine.
MSL_FLAGS="-fsyntax-only -x c++ -std=c++17 -nostdlibinc -isystem tests/msl_shim -Wall -Wextra -Werror
           -Wno-unused-parameter -Wno-unknown-pragmas -Werror=unknown-attributes -Werror=double-promotion
           -Ddouble=pb_msl_has_no_double"

# expect_pass NAME LOG -- CMD...: CMD must succeed. expect_fail NAME LOG PATTERN -- CMD...: CMD must fail
# with PATTERN in its output (the planted fault, not some other error). Output goes to LOG.
expect_pass() {
    name=$1; log=$2; shift 3
    if "$@" >"$log" 2>&1; then ok "$name"; else fail "$name" "$(head -5 "$log")"; fi
}
expect_fail() {
    name=$1; log=$2; pattern=$3; shift 4
    if "$@" >"$log" 2>&1; then fail "$name" "the broken copy was accepted"
    elif grep -Eq -- "$pattern" "$log"; then ok "$name"
    else fail "$name" "rejected, but not for the planted fault: $(head -3 "$log")"; fi
}

# 1. The Objective-C backend and the macOS fingerprint against the stub SDK.
expect_pass "metal_backend.m compiles against the Apple stubs" "$tmp/objc.log" -- \
    objc_check src/backends/metal/metal_backend.m
expect_pass "fingerprint_macos.c compiles against the Apple stubs" "$tmp/fp.log" -- \
    fingerprint_check src/core/fingerprint_macos.c
expect_pass "pool.c (worker QoS class) compiles against the Apple stubs" "$tmp/pool.log" -- \
    fingerprint_check src/core/pool.c
sed 's/QOS_CLASS_USER_INTERACTIVE/QOS_CLASS_USER_INTERACTIV/' src/core/pool.c >"$tmp/pool.c"
expect_fail "a misspelt QoS class fails the pool check" "$tmp/pool_bad.log" "QOS_CLASS_USER_INTERACTIV" -- \
    fingerprint_check "$tmp/pool.c"
expect_pass "placement.c (cpu-p/cpu-e QoS classes) compiles against the Apple stubs" "$tmp/placement.log" -- \
    fingerprint_check src/core/placement.c
sed 's/waitUntilCompleted/waitUntilComplete/' src/backends/metal/metal_backend.m >"$tmp/metal_backend.m"
expect_fail "a misspelt selector fails the Objective-C check" "$tmp/objc_bad.log" "waitUntilComplete" -- \
    objc_check "$tmp/metal_backend.m"
sed 's/if (@available(macOS 15.0, \*)) {/{/' src/backends/metal/metal_backend.m >"$tmp/metal_backend.m"
expect_fail "a macOS 15 API without @available fails the check" "$tmp/objc_avail.log" "only available on macOS 15" -- \
    objc_check "$tmp/metal_backend.m"
sed 's/if (@available(macOS 14.0, \*))//' src/backends/metal/metal_backend.m >"$tmp/metal_backend.m"
expect_fail "an MSL version newer than the target without @available fails the check" "$tmp/objc_msl.log" \
    "MTLLanguageVersion3_1.* only available on macOS 14" -- objc_check "$tmp/metal_backend.m"
sed 's/MTLLanguageVersion3_1/MTLLanguageVersion3_1_0/' src/backends/metal/metal_backend.m >"$tmp/metal_backend.m"
expect_fail "a misspelt MSL version fails the Objective-C check" "$tmp/objc_msl2.log" "MTLLanguageVersion3_1_0" -- \
    objc_check "$tmp/metal_backend.m"
sed 's/IOPSGetProvidingPowerSourceType/IOPSGetProvidingPowerSource/' src/core/fingerprint_macos.c >"$tmp/fingerprint_macos.c"
expect_fail "a misspelt IOKit call fails the fingerprint check" "$tmp/fp_bad.log" "IOPSGetProvidingPowerSource" -- \
    fingerprint_check "$tmp/fingerprint_macos.c"

# 2. The kernel text exactly as the backend hands it to Metal, compiled as C++ against the shim, once
# with each sgemm tile shape the backend may compile (print_source exits 2 past the last one).
msl_check_tiles() {
    t=0
    while :; do
        "$tmp/print_source" "$t" >"$tmp/tile.metal"; rc=$?
        if [ "$rc" -eq 2 ] && [ "$t" -gt 0 ]; then return 0; fi
        [ "$rc" -eq 0 ] && "$CLANGXX" $MSL_FLAGS "$tmp/tile.metal" || return 1
        t=$((t + 1))
    done
}
if [ -f "$BUILD/gen/pb_kernel_sources.c" ] &&
    "$CLANG" -std=c11 -o "$tmp/print_source" tests/msl_shim/print_source.c src/backends/metal/metal_source.c \
        kernels/pb_launch.c src/core/status.c "$BUILD/gen/pb_kernel_sources.c" >"$tmp/print.log" 2>&1 &&
    "$tmp/print_source" >"$tmp/kernels.metal"; then
    expect_pass "every kernel's Metal expansion compiles against the MSL shim, with each sgemm tile" \
        "$tmp/msl.log" -- msl_check_tiles
    sed 's/mem_flags::mem_threadgroup/mem_flags::mem_threadgrup/' "$tmp/kernels.metal" >"$tmp/bad1.metal"
    expect_fail "a broken Metal barrier fails the kernel check" "$tmp/msl_bad1.log" "mem_threadgrup" -- \
        "$CLANGXX" $MSL_FLAGS "$tmp/bad1.metal"
    sed 's/\[\[thread_position_in_grid\]\]/[[thread_position_in_grd]]/' "$tmp/kernels.metal" >"$tmp/bad2.metal"
    expect_fail "a misspelt Metal attribute fails the kernel check" "$tmp/msl_bad2.log" "thread_position_in_grd" -- \
        "$CLANGXX" $MSL_FLAGS "$tmp/bad2.metal"
else
    fail "kernel source for Metal" "could not build it from $BUILD/gen/pb_kernel_sources.c: $(head -3 "$tmp/print.log")"
fi

# 3. Every kernel run on the CPU through the shim with the backend's launch plans, and verified by
# the workloads (the ceiling probes by their own checks, kernels/pb_ceiling.c); under
# ThreadSanitizer where clang has it, so a missing barrier shows as a data race even when the
# output happens to come out right. The C sources are compiled here into a private
# archive, so the build's compiler and sanitizer settings do not matter; the kernels come in through
# the build's list of kernel files ($BUILD/gen/pb_kernels.h, made by `make`). A plan with a planted
# fault must then fail verification.
TSAN=
echo 'int main() { return 0; }' | "$CLANGXX" -fsanitize=thread -x c++ - -o "$tmp/tsan_probe" >/dev/null 2>&1 &&
    TSAN=-fsanitize=thread
build_parts() {
    root=$PWD
    mkdir -p "$tmp/obj" &&
        (cd "$tmp/obj" && "$CLANG" -std=c11 -O0 -ffp-contract=off -D_GNU_SOURCE -c "$root"/src/core/*.c "$root"/src/workloads/*.c \
            "$root"/kernels/pb_ceiling.c) &&
        ar rcs "$tmp/lib.a" "$tmp/obj"/*.o &&
        "$CLANGXX" -std=c++17 -O1 -ffp-contract=off $TSAN -pthread -Wall -Wextra -Werror -Wno-unused-parameter -Wno-unknown-pragmas \
            -Werror=unknown-attributes -isystem tests/msl_shim -iquote "$BUILD/gen" -iquote . \
            -c tests/msl_shim/run_kernels.cpp -o "$tmp/run_kernels.o"
}
link_harness() { # PLAN_SOURCE OUT (the plan's source, kernels/pb_launch.c or a copy of it)
    "$CLANG" -std=c11 -O0 -iquote kernels -c "$1" -o "$tmp/plan.o" &&
        "$CLANGXX" $TSAN -pthread -o "$2" "$tmp/run_kernels.o" "$tmp/plan.o" "$tmp/lib.a" -lm
}
sed 's/(p->steps - 1 - step) % 2 == 0 ? 1 : 2/(p->steps - 1 - step) % 2 == 0 ? 2 : 1/' \
    kernels/pb_launch.c >"$tmp/pb_launch.c"
if build_parts >"$tmp/harness.log" 2>&1 && link_harness kernels/pb_launch.c "$tmp/run" >>"$tmp/harness.log" 2>&1 &&
    link_harness "$tmp/pb_launch.c" "$tmp/run_bad" >>"$tmp/harness.log" 2>&1; then
    # Races are read from the log; the exit code reports verification alone.
    if TSAN_OPTIONS=exitcode=0 "$tmp/run" >"$tmp/run.log" 2>&1; then
        ok "every Metal kernel runs on the CPU through the shim and verifies"
    else
        fail "every Metal kernel runs on the CPU through the shim and verifies" "$(grep -v '^ok' "$tmp/run.log" | head -5)"
    fi
    if [ -z "$TSAN" ]; then
        skip "no data race in any kernel" "clang++ here has no ThreadSanitizer (-fsanitize=thread)"
    elif grep -q "ThreadSanitizer" "$tmp/run.log"; then
        fail "no data race in any kernel (ThreadSanitizer)" "$(grep -A4 -m1 'WARNING: ThreadSanitizer' "$tmp/run.log")"
    else
        ok "no data race in any kernel (ThreadSanitizer)"
    fi
    expect_fail "a broken launch plan fails verification on the CPU" "$tmp/run_bad.log" "not ok +stencil" -- \
        env TSAN_OPTIONS=exitcode=0 "$tmp/run_bad"
else
    fail "Metal kernels on the CPU" "the harness did not build: $(head -5 "$tmp/harness.log")"
fi

# 4. The macOS build line: `make -n` with the Darwin branch forced shows the .m compiled by clang
# under ARC and the frameworks linked, and that printed compile line itself compiles (against the
# stubs); METAL=0 leaves the backend out but keeps the fingerprint's frameworks. The goal named is
# the scratch build directory's binary, since ./parbench may already be up to date.
darwin() { make -n UNAME_S=Darwin CUDA=0 NATIVE= BUILD="$tmp/darwin" "$@" "$tmp/darwin/parbench" 2>&1; }
out=$(darwin METAL=1)
line=$(echo "$out" | grep -E '^clang .*-fobjc-arc.*metal_backend\.m')
link=$(echo "$out" | grep -E ' -o [^ ]*/parbench ')
if [ -z "$line" ]; then
    fail "make -n (Darwin) compiles the .m with clang -fobjc-arc" "no such line: $(echo "$out" | tail -3)"
elif ! echo "$line" | grep -q -- "-DHAVE_METAL"; then
    fail "make -n (Darwin) compiles the .m with clang -fobjc-arc" "no -DHAVE_METAL: $line"
else
    ok "make -n (Darwin) compiles the .m with clang -fobjc-arc"
    mkdir -p "$tmp/darwin/src/backends/metal"
    expect_pass "the printed Darwin compile line compiles against the stubs" "$tmp/darwin.log" -- \
        sh -c "$line -target arm64-apple-macos11 -nostdlibinc -isystem tests/apple_stubs -fsyntax-only"
fi
want="-framework IOKit -framework CoreFoundation -framework Metal -framework MetalPerformanceShaders -framework Foundation -framework CoreGraphics"
case "$link" in
    *"$want"*) ok "make -n (Darwin) links Metal, MPS, Foundation, CoreGraphics, IOKit, CoreFoundation" ;;
    *) fail "make -n (Darwin) links the frameworks" "link line: $link" ;;
esac
out=$(darwin METAL=0)
if echo "$out" | grep -Eq "metal_backend|HAVE_METAL"; then
    fail "make -n (Darwin) METAL=0 leaves the backend out" "$(echo "$out" | grep -E 'metal_backend|HAVE_METAL' | head -n 1)"
elif ! echo "$out" | grep -q -- "-framework IOKit -framework CoreFoundation"; then
    fail "make -n (Darwin) METAL=0 leaves the backend out" "the fingerprint's IOKit/CoreFoundation are missing"
else
    ok "make -n (Darwin) METAL=0 leaves the backend out"
fi
out=$(make -n UNAME_S=Linux CUDA=0 BUILD="$tmp/linux" "$tmp/linux/parbench" 2>&1)
if ! echo "$out" | grep -q -- "-o $tmp/linux/parbench "; then
    fail "make -n (Linux) builds nothing of Metal" "no link line: $(echo "$out" | tail -3)"
elif echo "$out" | grep -Eq "framework|metal_backend|HAVE_METAL"; then
    fail "make -n (Linux) builds nothing of Metal" "$(echo "$out" | grep -E 'framework|metal_backend|HAVE_METAL' | head -n 1)"
else
    ok "make -n (Linux) builds nothing of Metal"
fi

finish
