/* Stand-in for the macOS SDK's <time.h> (syntax checks on Linux only): the clocks and the
 * nanosecond reader the host timer uses. Source: clock_gettime(3) and clock_gettime_nsec_np(3)
 * man pages of macOS (10.12+); the enum values are those of the SDK's <time.h>. */
#ifndef PB_STUB_TIME_H
#define PB_STUB_TIME_H

#include <stdint.h>
#include "Availability.h"

typedef long time_t;
struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

typedef enum {
    _CLOCK_REALTIME = 0,
    _CLOCK_MONOTONIC_RAW = 4,
    _CLOCK_MONOTONIC_RAW_APPROX = 5,
    _CLOCK_MONOTONIC = 6,
    _CLOCK_UPTIME_RAW = 8,
    _CLOCK_UPTIME_RAW_APPROX = 9,
    _CLOCK_PROCESS_CPUTIME_ID = 12,
    _CLOCK_THREAD_CPUTIME_ID = 16
} clockid_t;
#define CLOCK_REALTIME _CLOCK_REALTIME
#define CLOCK_MONOTONIC _CLOCK_MONOTONIC
#define CLOCK_MONOTONIC_RAW _CLOCK_MONOTONIC_RAW
#define CLOCK_UPTIME_RAW _CLOCK_UPTIME_RAW

/* Microsecond resolution on macOS, whatever tv_nsec suggests. */
int clock_gettime(clockid_t clock_id, struct timespec *tp) PB_STUB_MACOS(10.12);
/* The clock's value in nanoseconds; 0 on an invalid clock_id. */
uint64_t clock_gettime_nsec_np(clockid_t clock_id) PB_STUB_MACOS(10.12);

#endif
