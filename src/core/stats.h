/* Summary statistics of timing samples: median, MAD, min, coefficient of variation. */
#ifndef PB_STATS_H
#define PB_STATS_H

#include <stddef.h>

typedef struct pb_summary {
    double median;
    double mad;    /* median absolute deviation from the median (unscaled) */
    double min;
    double max;
    double mean;
    double cv;     /* standard deviation / mean; 0 for fewer than 2 samples */
} pb_summary;

/* CV above this marks a case unstable (DESIGN.md §4). */
#define PB_UNSTABLE_CV 0.05

/* Summarises n >= 1 samples; the input is left untouched. */
void pb_stats_summarise(const double *samples, size_t n, pb_summary *out);

/* Median of n >= 1 values; sorts `values` in place. */
double pb_stats_median_inplace(double *values, size_t n);

#endif
