/* Thread scaling (`parbench scale`): which thread counts to measure, the series a result file holds
 * for one workload, and the Amdahl fit of their speed-ups. Pure functions, tested in test_scale.c. */
#ifndef PB_SCALING_H
#define PB_SCALING_H

#include "result.h"

#define PB_SCALE_MAX_POINTS 32

/* The thread counts to measure with `all` CPUs and `pcores` performance cores (0 when the CPU is not
 * hybrid): the powers of two below `all`, the P-core count and `all`, ascending, without repeats.
 * Writes at most `max` counts and returns how many. */
int pb_scale_thread_counts(int all, int pcores, int *out, int max);

/* Amdahl's law, 1/speedup = s + (1-s)/p, fitted by least squares in 1/speedup over n points
 * (threads[i], speedup[i]): s = sum(x z) / sum(x x) with x = 1 - 1/p and z = 1/speedup - 1/p.
 * Returns 1 with the serial fraction in *serial (below 0 when the speed-up is superlinear); 0 when
 * it cannot be fitted: fewer than 2 points, or none above one thread, or a speed-up that is not a
 * positive number. */
int pb_scale_amdahl_fit(const int *threads, const double *speedup, int n, double *serial);

/* The speed-up Amdahl's law predicts on p threads for serial fraction s. */
double pb_scale_amdahl_speedup(double s, int p);

typedef enum pb_scale_kind {
    PB_SCALE_ALL,   /* any cores: roles cpu-1, cpu-n, cpu-all */
    PB_SCALE_P,     /* performance cores only: cpu-p */
    PB_SCALE_E,     /* efficiency cores only: cpu-e */
    PB_SCALE_KIND_COUNT
} pb_scale_kind;

/* One series of one workload: its verified points in ascending thread count. */
typedef struct pb_scale_series {
    pb_scale_kind kind;
    int n;
    int threads[PB_SCALE_MAX_POINTS];
    double rate[PB_SCALE_MAX_POINTS];
    char unit[16];
} pb_scale_series;

/* Collects the ok cpu-backend results of `workload` in `set` whose role belongs to `kind`, one per
 * thread count (the first one), ascending. Returns the number of points. */
int pb_scale_series_collect(const pb_resultset *set, const char *workload, pb_scale_kind kind,
                            pb_scale_series *out);

#endif
