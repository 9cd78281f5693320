/* `parbench sweep`'s pure part: the sizes it walks (its crossover is in results/sweep_table.h).
 * No I/O, no backends, so the unit tests (tests/test_sweep.c) can check it alone. */
#ifndef PB_SWEEP_H
#define PB_SWEEP_H

#include <stdint.h>

#include "../results/sweep_table.h"
#include "../workloads/workload.h"

/* The sizes (the workload's first dimension, n) from its tiny preset up to `max` included: every
 * preset size, with geometric points between neighbours so no step exceeds 4x. Increasing, no
 * repeats. Returns the count (at most `room`). */
int pb_sweep_sizes(const pb_workload *wl, pb_preset max, int64_t *out, int room);

#endif
