/* Statistics for comparing two sets of timing samples (medians are the core's,
 * pb_stats_median_inplace): a bootstrap of the ratio of medians, the Mann-Whitney U test, and
 * the interval of a geometric mean of ratios. */
#ifndef PB_COMPARE_STATS_H
#define PB_COMPARE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/status.h"

#define PB_COMPARE_RESAMPLES 2000
#define PB_COMPARE_SEED 0x70617262656e6368ull /* "parbench": fixed, so output is reproducible */

/* The q-quantile (0 <= q <= 1) of n >= 1 sorted values, interpolating linearly between ranks. */
double pb_compare_quantile_sorted(const double *sorted, size_t n, double q);

/* Writes `resamples` bootstrap replicates of log(median(a) / median(b)) to `out`, resampling each
 * side independently with replacement from a generator seeded with `seed`. Samples must be > 0. */
pb_status pb_compare_bootstrap_log_ratio(const double *a, size_t na, const double *b, size_t nb, int resamples,
                                         uint64_t seed, double *out, pb_msg *msg);

/* Two-sided p-value of the Mann-Whitney U test that a and b come from the same distribution:
 * normal approximation with tie and continuity corrections. 1 when every value is tied. */
pb_status pb_compare_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb, double *p,
                                    pb_msg *msg);

/* For k cases with `resamples` replicates of a log ratio each (logs[i][r]), the percentile
 * interval of the geometric mean of the ratios: replicate r combines every case's r-th
 * replicate, so the interval carries each case's measurement noise (cases independent). */
pb_status pb_compare_geomean_interval(const double *const *logs, int k, int resamples, double level,
                                      double *lo, double *hi, pb_msg *msg);

#endif
