/* The pieces of the cpu backend that tests drive with a faked machine: which core-type rows
 * (cpu-p, cpu-e) a CPU's performance levels give, and where the backend takes the levels from. */
#ifndef PB_CPU_BACKEND_H
#define PB_CPU_BACKEND_H

#include "../../core/fingerprint.h"
#include "../backend.h"
#include "cpu_kernels.h"

/* Appends to out[count..max) cpu-p variants (threads on the fastest level's CPUs) and cpu-e
 * variants (the slowest level's) when the CPU has exactly two performance levels: with `counts`
 * NULL one of each at its level's full count (one thread per logical CPU); else one per distinct
 * count in counts[0..ncounts) that fits the level (a scaling series per core type). Counts above
 * the level's usable CPUs or `max_threads` are left out. Returns the new count. */
int pb_cpu_core_type_variants(const pb_perf_level *levels, int nlevels, int max_threads, const int *counts,
                              int ncounts, const char *precision, pb_variant *out, int count, int max);

/* Makes the backend context `ctx` (from pb_backend_cpu.init) use the performance levels of `m`,
 * each cut down to the CPUs this process may use (under `taskset` or a cpuset, fewer than all; a
 * level's logical_cores then counts those). init does this with the running machine; tests call it
 * with a faked one. */
void pb_cpu_use_levels(void *ctx, const pb_machine *m);

/* Makes the backend context `ctx` run workload id with kernels[id], for ids below `count`; a NULL
 * slot or an id past the table is a workload the backend does not have: it lists no variant for it
 * and case_create returns PB_ERR_UNSUPPORTED with the reason. init gives it the table generated
 * from the workload list; tests give it one with gaps. */
void pb_cpu_use_kernels(void *ctx, const pb_cpu_kernel *const *kernels, int count);

#endif
