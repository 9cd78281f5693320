#!/bin/sh
# Fuzzes the JSON reader, the result-file loader and compare with libFuzzer for a bounded time.
#   scripts/fuzz.sh [SECONDS]     (default 60; FUZZ_JOBS=N runs N workers)
# Needs clang with libFuzzer; without it, says so and exits 0 so CI can call it unconditionally.
# New inputs go to build/fuzz/corpus (the seed corpus in fuzz/corpus stays as committed); a crash
# leaves its input in build/fuzz/ and makes the script exit 1.
set -u
cd "$(dirname "$0")/.." || exit 2
SECONDS_TO_RUN=${1:-60}
CLANG=${CLANG:-clang}
OUT=build/fuzz
if ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "fuzz: skipped: $CLANG not found (install clang to fuzz the JSON reader)"
    exit 0
fi
mkdir -p "$OUT/corpus"
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; return (int)n * 0; }' |
    "$CLANG" -x c -fsanitize=fuzzer -o "$OUT/probe" - >/dev/null 2>&1; then
    echo "fuzz: skipped: $CLANG has no libFuzzer (-fsanitize=fuzzer); install the clang runtime (e.g. libclang-rt-dev)"
    exit 0
fi
PLATFORM_DEFS=-D_GNU_SOURCE
[ "$(uname -s)" = Darwin ] && PLATFORM_DEFS=-D_DARWIN_C_SOURCE
"$CLANG" -std=c11 -g -O1 -ffp-contract=off $PLATFORM_DEFS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -o "$OUT/fuzz_json_read" fuzz/fuzz_json_read.c src/results/*.c src/report/*.c \
    src/core/status.c src/core/role.c src/core/buildinfo.c src/core/text.c src/core/atomic_file.c \
    src/core/device.c src/core/stats.c src/core/machstate.c src/core/machstate_macos.c src/core/timer.c -lm || exit 2
cp fuzz/corpus/* "$OUT/corpus/"
echo "fuzz: running fuzz_json_read for ${SECONDS_TO_RUN}s"
"$OUT/fuzz_json_read" -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -dict=fuzz/json.dict -artifact_prefix="$OUT/" -print_final_stats=1 \
    ${FUZZ_JOBS:+-jobs=$FUZZ_JOBS -workers=$FUZZ_JOBS} "$OUT/corpus"
