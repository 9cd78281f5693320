/* `parbench sweep`'s pure parts: the sizes it walks and the crossover it reports. No I/O, no
 * backends, so the unit tests (tests/test_sweep.c) can check them alone. */
#ifndef PB_SWEEP_H
#define PB_SWEEP_H

#include <stdint.h>

#include "../workloads/workload.h"

/* The most sizes one sweep takes for a workload. */
#define PB_SWEEP_MAX_POINTS 48

/* The sizes (the workload's first dimension, n) from its tiny preset up to `max` included: every
 * preset size, with geometric points between neighbours so no step exceeds 4x. Increasing, no
 * repeats. Returns the count (at most `room`). */
int pb_sweep_sizes(const pb_workload *wl, pb_preset max, int64_t *out, int room);

/* The crossover: the first index i from which the device is faster at every point up to the end
 * (dev_s[j] < cpu_s[j] for all j >= i). A point where either time is missing (<= 0, e.g. a failed
 * case) counts as the device not being faster. Returns -1 when the device is not faster at the last
 * point ("never in this range"), and -1 when n <= 0. */
int pb_sweep_crossover(const double *cpu_s, const double *dev_s, int n);

#endif
