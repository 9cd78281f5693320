/* The pieces of the cpu backend that tests drive with a faked machine: which core-type rows
 * (cpu-p, cpu-e) a CPU's performance levels give, and where the backend takes the levels from. */
#ifndef PB_CPU_BACKEND_H
#define PB_CPU_BACKEND_H

#include "../../core/backend.h"
#include "../../core/fingerprint.h"

/* Appends to out[count..max) a cpu-p variant (one thread per logical CPU of the fastest level)
 * and a cpu-e variant (the same for the slowest) when the CPU has exactly two performance levels;
 * a level with no usable CPU or more than `max_threads` is left out. Returns the new count. */
int pb_cpu_core_type_variants(const pb_perf_level *levels, int nlevels, int max_threads, const char *precision,
                              pb_variant *out, int count, int max);

/* Makes the backend context `ctx` (from pb_backend_cpu.init) use the performance levels of `m`,
 * each cut down to the CPUs this process may use (under `taskset` or a cpuset, fewer than all; a
 * level's logical_cores then counts those). init does this with the running machine; tests call it
 * with a faked one. */
void pb_cpu_use_levels(void *ctx, const pb_machine *m);

#endif
