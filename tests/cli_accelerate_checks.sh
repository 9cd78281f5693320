#!/bin/sh
# The blas backend's Accelerate path checked as far as Linux allows (DESIGN.md §9): compiled against
# stub Apple headers for the macOS releases before and after BLASSetThreading (macOS 15) and with an
# SDK that lacks it, broken copies that must be rejected, the Darwin build line, and the Accelerate
# code run here against a fake Accelerate (tests/accelerate_fake) to see its rows, the threading
# model each row hands to Accelerate, and what describe() records. Needs clang; skips otherwise.
# The *_FLAGS strings below are lists of words, split on purpose where they are used.
# shellcheck disable=SC2086
. tests/cli_lib.sh
CLANG=${PB_CLANG:-clang}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbaccel-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! command -v "$CLANG" >/dev/null 2>&1; then
    skip "accelerate checks" "clang is needed (Debian/Ubuntu: apt-get install clang)"
    finish
    exit
fi

expect_pass() { # NAME LOG -- CMD...
    name=$1; log=$2; shift 3
    if "$@" >"$log" 2>&1; then ok "$name"; else fail "$name" "$(head -5 "$log")"; fi
}
expect_fail() { # NAME LOG PATTERN -- CMD...: CMD must fail with PATTERN in its output
    name=$1; log=$2; pattern=$3; shift 4
    if "$@" >"$log" 2>&1; then fail "$name" "the broken copy was accepted"
    elif grep -Eq -- "$pattern" "$log"; then ok "$name"
    else fail "$name" "rejected, but not for the planted fault: $(head -3 "$log")"; fi
}

# 1. Against the stub SDK: macOS 14 (BLASSetThreading declared, guarded at run time), macOS 15, and
# the macOS 14 SDK (no thread_api.h). Unguarded newer APIs are errors.
C_FLAGS="-fsyntax-only -std=c11 -nostdlibinc -isystem tests/apple_stubs -iquote src/backends/blas -Wall -Wextra
         -Werror -Wunguarded-availability -DPB_BLAS_ACCELERATE"
accel_check() { # FILE
    "$CLANG" $C_FLAGS -target arm64-apple-macos14 "$1" &&
        "$CLANG" $C_FLAGS -target arm64-apple-macos15 "$1" &&
        "$CLANG" $C_FLAGS -target x86_64-apple-macos13.3 -DPB_STUB_OLD_SDK "$1"
}
src=src/backends/blas/blas_backend.c
expect_pass "blas_backend.c (Accelerate) compiles against the Apple stubs" "$tmp/ok.log" -- accel_check "$src"
sed 's/if (__builtin_available(macOS 15.0, \*)) {/{/' "$src" >"$tmp/b.c"
expect_fail "BLASSetThreading without an availability check fails" "$tmp/avail.log" \
    "BLASSetThreading.* only available on macOS 15" -- accel_check "$tmp/b.c"
sed 's/BLAS_THREADING_SINGLE_THREADED/BLAS_THREADING_SINGLE/' "$src" >"$tmp/b.c"
expect_fail "a misspelt threading model fails the check" "$tmp/enum.log" "BLAS_THREADING_SINGLE\\b" -- accel_check "$tmp/b.c"

# 2. The Darwin build line: Accelerate chosen and linked, and the printed compile line compiles.
out=$(make -n UNAME_S=Darwin CC="$CLANG" METAL=0 CUDA=0 NATIVE= BUILD="$tmp/darwin" "$tmp/darwin/parbench" 2>&1)
line=$(echo "$out" | grep -E ' -c src/backends/blas/blas_backend\.c ')
case "$line" in
    *-DPB_BLAS_ACCELERATE*) ok "make -n (Darwin) builds the blas backend on Accelerate"
        mkdir -p "$tmp/darwin/src/backends/blas"
        expect_pass "the printed Darwin compile line compiles against the stubs" "$tmp/darwin.log" -- \
            sh -c "$line -target arm64-apple-macos15 -nostdlibinc -isystem tests/apple_stubs -fsyntax-only" ;;
    *) fail "make -n (Darwin) builds the blas backend on Accelerate" "no such line: $(echo "$out" | tail -3)" ;;
esac
if echo "$out" | grep -q -- "-framework Accelerate"; then ok "make -n (Darwin) links Accelerate"
else fail "make -n (Darwin) links Accelerate" "$(echo "$out" | tail -1)"; fi

# 3. The Accelerate code run here against the fake: only the Apple headers it names come from the
# stubs (the C library is this system's); the core and workloads are compiled into a private archive.
inc="$tmp/inc"
mkdir -p "$inc" && (cd tests/apple_stubs && cp -R Accelerate vecLib mach-o sys Availability.h "$inc")
RUN_FLAGS="-std=c11 -O0 -D_GNU_SOURCE -ffp-contract=off -Wall -Wextra -Werror -isystem $inc"
build_fake() {
    root=$PWD
    mkdir -p "$tmp/obj" &&
        (cd "$tmp/obj" && "$CLANG" -std=c11 -O0 -D_GNU_SOURCE -ffp-contract=off -c "$root"/src/core/*.c "$root"/src/workloads/*.c \
            "$root"/src/backends/backend.c) &&
        ar rcs "$tmp/lib.a" "$tmp/obj"/*.o &&
        "$CLANG" $RUN_FLAGS -DPB_BLAS_ACCELERATE -DPB_BLAS_PROVIDER='"Accelerate"' -c "$src" -o "$tmp/blas.o" &&
        "$CLANG" $RUN_FLAGS -c tests/accelerate_fake/fake_accelerate.c -o "$tmp/fake.o" &&
        "$CLANG" $RUN_FLAGS -o "$tmp/run_blas" tests/accelerate_fake/run_blas.c "$tmp/blas.o" "$tmp/fake.o" \
            "$tmp/lib.a" -lm -lpthread
}
if build_fake >"$tmp/build.log" 2>&1; then
    for mode in threads refused; do
        if [ "$mode" = refused ]; then PB_FAKE_REFUSE=1 "$tmp/run_blas" >"$tmp/run.log" 2>&1; rc=$?
        else "$tmp/run_blas" >"$tmp/run.log" 2>&1; rc=$?; fi
        while IFS= read -r l; do
            case "$l" in
                "ok "*) ok "accelerate ($mode): ${l#ok }" ;;
                "not ok "*) fail "accelerate ($mode)" "${l#not ok }" ;;
            esac
        done <"$tmp/run.log"
        [ "$rc" -eq 0 ] || grep -q "^not ok" "$tmp/run.log" || fail "accelerate ($mode)" "exit $rc: $(head -3 "$tmp/run.log")"
    done
else
    fail "the blas backend on a fake Accelerate" "did not build: $(head -5 "$tmp/build.log")"
fi

finish
