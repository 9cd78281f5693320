/* Host timer: CLOCK_MONOTONIC on Linux and macOS (10.12+), nanosecond resolution. */
#include "timer.h"

#include <time.h>

double pb_time_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
