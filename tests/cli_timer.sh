#!/bin/sh
# The host timer (src/core/timer.c), which every time parbench reports and every device-timer
# cross-check rests on: nanosecond steps here; on macOS clock_gettime_nsec_np(CLOCK_UPTIME_RAW)
# (CLOCK_MONOTONIC ticks in microseconds there), read as nanoseconds, checked against stub headers
# and, with a stand-in clock, run here. Needs a C compiler (CC, else cc); the macOS part needs clang.
. tests/cli_lib.sh
CC=${CC:-cc}
CLANG=${PB_CLANG:-clang}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbtimer-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The smallest step between two different readings, over many tries: far below a microsecond
# with a nanosecond clock, exactly a microsecond or more with a microsecond one.
cat >"$tmp/resolution.c" <<'EOF'
#include <stdio.h>
#include "timer.h"
int main(void)
{
    double best = 1.0;
    for (int i = 0; i < 200000; i++) {
        double a = pb_time_now(), b;
        while ((b = pb_time_now()) == a) {}
        if (b < a) { printf("went back by %g s\n", a - b); return 1; }
        if (b - a < best) best = b - a;
    }
    printf("%.0f\n", best * 1e9);
    return 0;
}
EOF
if ! command -v "$CC" >/dev/null 2>&1; then
    skip "the host timer steps in nanoseconds" "no C compiler ($CC) to build the probe"
elif ! "$CC" -std=c11 -O1 -D_GNU_SOURCE -iquote src/core -o "$tmp/resolution" "$tmp/resolution.c" src/core/timer.c \
        >"$tmp/cc.log" 2>&1; then
    fail "the host timer steps in nanoseconds" "the probe did not build: $(head -3 "$tmp/cc.log")"
else
    step=$("$tmp/resolution")
    case $step in
        *[!0-9]* | "") fail "the host timer steps in nanoseconds" "$step" ;;
        *) if [ "$step" -lt 1000 ]; then ok "the host timer steps in nanoseconds (smallest step ${step} ns)"
           else fail "the host timer steps in nanoseconds" "smallest step $step ns: a microsecond clock"; fi ;;
    esac
fi

# macOS: the nanosecond clock is what the Apple branch reads, and its count is taken as
# nanoseconds. A stand-in clock_gettime_nsec_np answers a fixed count and records the clock asked for.
cat >"$tmp/apple_clock.h" <<'EOF'
#include <stdint.h>
#define CLOCK_UPTIME_RAW 8
uint64_t clock_gettime_nsec_np(int clock_id);
EOF
cat >"$tmp/apple_units.c" <<'EOF'
#include <stdio.h>
#include "apple_clock.h"
#include "timer.h"
static int asked = -1;
uint64_t clock_gettime_nsec_np(int clock_id) { asked = clock_id; return 1234567890123ull; }
int main(void)
{
    double t = pb_time_now();
    printf("clock %d, %.9f s\n", asked, t);
    return !(asked == CLOCK_UPTIME_RAW && t > 1234.567890 && t < 1234.567891);
}
EOF
if [ "$(uname -s)" = Darwin ]; then
    skip "on macOS the timer reads CLOCK_UPTIME_RAW in nanoseconds" "on macOS the real clock is the one measured above"
elif command -v "$CC" >/dev/null 2>&1 &&
    "$CC" -std=c11 -D__APPLE__ -iquote src/core -iquote "$tmp" -include "$tmp/apple_clock.h" \
        -o "$tmp/apple_units" "$tmp/apple_units.c" src/core/timer.c >"$tmp/units.log" 2>&1; then
    if "$tmp/apple_units" >"$tmp/units.out" 2>&1; then
        ok "on macOS the timer reads CLOCK_UPTIME_RAW in nanoseconds"
    else
        fail "on macOS the timer reads CLOCK_UPTIME_RAW in nanoseconds" "$(cat "$tmp/units.out")"
    fi
else
    fail "on macOS the timer reads CLOCK_UPTIME_RAW in nanoseconds" "did not build: $(head -3 "$tmp/units.log")"
fi

# The same file as Apple's compiler sees it, against the stub SDK: the call exists on the oldest
# macOS parbench builds for (10.15 on Intel, 11 on Apple silicon), with no unguarded newer API.
if command -v "$CLANG" >/dev/null 2>&1; then
    apple_timer() {
        for target in arm64-apple-macos11 x86_64-apple-macos10.15; do
            "$CLANG" -fsyntax-only -std=c11 -nostdlibinc -isystem tests/apple_stubs -iquote src/core \
                -Wall -Wextra -Werror -Wunguarded-availability -target "$target" src/core/timer.c || return 1
        done
    }
    if apple_timer >"$tmp/apple.log" 2>&1; then
        ok "timer.c compiles for macOS against the stub SDK"
    else
        fail "timer.c compiles for macOS against the stub SDK" "$(head -3 "$tmp/apple.log")"
    fi
else
    skip "timer.c compiles for macOS against the stub SDK" "clang is needed (Debian/Ubuntu: apt-get install clang)"
fi
finish
