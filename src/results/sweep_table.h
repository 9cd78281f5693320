/* A sweep read back from its result file (preset "sweep", written by `parbench sweep`): per
 * workload the sizes, each configuration's kernel and end-to-end times, the best CPU role at each
 * size and each device's crossover. Shared by `sweep`'s own output and the report. */
#ifndef PB_SWEEP_TABLE_H
#define PB_SWEEP_TABLE_H

#include <stdint.h>

#include "result.h"

#define PB_SWEEP_PRESET "sweep"     /* the result file's preset */
#define PB_SWEEP_MAX_POINTS 48      /* the most sizes one workload's sweep takes */
#define PB_SWEEP_MAX_LINES 16       /* the most configurations per workload */

/* One configuration over the sizes: a CPU role (cpu-all, lib-cpu) or a device. */
typedef struct pb_sweep_line {
    char name[160];                         /* "cpu cpu-all (2 threads)", "opencl device 0 (NAME)" */
    char backend[24], role[16];
    int device;
    int cpu;                                /* 1: a CPU role on the host */
    double kernel_s[PB_SWEEP_MAX_POINTS];   /* seconds per launch; 0 when not measured */
    double e2e_s[PB_SWEEP_MAX_POINTS];      /* devices: end to end with the copies; 0 when not measured */
    char why[200];                          /* the last reason a size was not measured, or "" */
    int crossover;                          /* devices: index of the size from which it beats the best
                                             * CPU role end to end at every larger size; -1: never */
    int crossover_kernel;                   /* the same on kernel time alone */
} pb_sweep_line;

typedef struct pb_sweep_table {
    char workload[24], dim_name[16], rate_unit[16];
    int npoints;
    int64_t sizes[PB_SWEEP_MAX_POINTS];     /* the first dimension, ascending */
    double work[PB_SWEEP_MAX_POINTS];       /* rate units x 1e9 per launch; 0 when unknown */
    double best_cpu_s[PB_SWEEP_MAX_POINTS]; /* the fastest CPU role's kernel time; 0: none measured */
    int best_cpu[PB_SWEEP_MAX_POINTS];      /* its line, or -1 */
    int nlines;
    pb_sweep_line lines[PB_SWEEP_MAX_LINES];
} pb_sweep_table;

/* The crossover: the first index i from which the device is faster at every point up to the end
 * (dev_s[j] < cpu_s[j] for all j >= i). A point where either time is missing (<= 0, e.g. a failed
 * case) counts as the device not being faster. Returns -1 when the device is not faster at the last
 * point ("never in this range"), and -1 when n <= 0. */
int pb_sweep_crossover(const double *cpu_s, const double *dev_s, int n);

/* Builds the table of `workload` from the results in `set` (any preset; a sweep file is the useful
 * one). Sizes beyond PB_SWEEP_MAX_POINTS and configurations beyond PB_SWEEP_MAX_LINES are left out.
 * Returns the number of sizes (0: the workload has no result in `set`). */
int pb_sweep_table_build(const pb_resultset *set, const char *workload, pb_sweep_table *out);

#endif
