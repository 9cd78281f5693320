/* Summary statistics of timing samples (median, MAD, min, coefficient of variation), and the
 * round-level statistics that treat a round, not a sample, as the independent unit (DESIGN.md §4). */
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

/* The round-level view of a case: the log of each round's median sample. Rounds are numbered
 * 0..nrounds-1 in `rounds` (one entry per sample); out[k] receives round k's log median, and a
 * round without samples is left out (the return value counts the rounds written, compacted). */
int pb_stats_round_log_medians(const double *samples, const int *rounds, size_t n, int nrounds, double *out);

/* The log of round `round`'s median sample, or NaN when the round has none; `scratch` holds n
 * values. */
double pb_stats_round_log_median(const double *samples, const int *rounds, size_t n, int round, double *scratch);

/* The rate of a case: `work` (rate units x 1e9 per launch) done in `seconds` per launch, in its
 * unit (GFLOP/s, GB/s, ...). 0 when either is not positive. The one formula for the runner, the
 * result checks, the run table and compare. */
double pb_stats_rate(double work, double seconds);

/* Mean and sample standard deviation (0 for n < 2) of n >= 1 values. */
void pb_stats_mean_sd(const double *v, int n, double *mean, double *sd);

/* Student's t distribution with df > 0 degrees of freedom (df need not be an integer, as in
 * Welch's test): the p-quantile (0 < p < 1), and the two-sided tail probability P(|T| >= t). */
double pb_stats_t_quantile(double p, double df);
double pb_stats_t_two_sided(double t, double df);

/* Welch-Satterthwaite degrees of freedom of a sum of independent variance estimates: add each part
 * with its own degrees of freedom (a part with df <= 0 or infinite counts as exact), then read the
 * sum's. Infinity when no part is estimated. Zero-initialise the accumulator. */
typedef struct pb_satterthwaite {
    double var;   /* the sum of the parts */
    double den;   /* sum of var_i^2 / df_i */
} pb_satterthwaite;
void pb_stats_satterthwaite_add(pb_satterthwaite *acc, double var, double df);
double pb_stats_satterthwaite_df(const pb_satterthwaite *acc);

/* Welch's degrees of freedom for a difference of two means with squared standard errors v1, v2
 * estimated from n1, n2 units. */
double pb_stats_welch_df(double v1, int n1, double v2, int n2);

/* The stopping rule's yardstick: half-width of the 95% interval of a log-ratio when a case whose
 * log round medians have standard deviation `sd` over `nrounds` rounds is compared with a run just
 * like it (two equal sides, Welch). Infinity below 2 rounds. */
double pb_stats_rounds_halfwidth(double sd, int nrounds);

#endif
