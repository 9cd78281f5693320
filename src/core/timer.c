/* Host timer: nanosecond resolution on Linux and macOS. CLOCK_MONOTONIC elsewhere; on macOS it
 * ticks in microseconds, so there the clock is clock_gettime_nsec_np(CLOCK_UPTIME_RAW) (10.12+):
 * nanoseconds, never adjusted, and stopped while the machine sleeps, as a benchmark clock should. */
#include "timer.h"

#include <time.h>

double pb_time_now(void)
{
#ifdef __APPLE__
    return (double)clock_gettime_nsec_np(CLOCK_UPTIME_RAW) * 1e-9;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
#endif
}
