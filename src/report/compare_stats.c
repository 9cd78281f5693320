/* Statistics behind `parbench compare` (see compare_stats.h); medians are the core's
 * (pb_stats_median_inplace), the same as the runner's. */
#include "compare_stats.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../core/rng.h"
#include "../core/stats.h"

double pb_compare_quantile_sorted(const double *sorted, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos;
    if (i + 1 >= n)
        return sorted[n - 1];
    double frac = pos - (double)i;
    return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

/* Uniform index below n (n < 2^32): the multiply-shift map, whose bias is far below 2^-32. */
static size_t pb_draw(pb_rng *rng, size_t n)
{
    return (size_t)(((uint64_t)pb_rng_u32(rng) * (uint64_t)n) >> 32);
}

static double pb_resampled_median(pb_rng *rng, const double *v, size_t n, double *scratch)
{
    for (size_t i = 0; i < n; i++)
        scratch[i] = v[pb_draw(rng, n)];
    return pb_stats_median_inplace(scratch, n);
}

pb_status pb_compare_bootstrap_log_ratio(const double *a, size_t na, const double *b, size_t nb, int resamples,
                                         uint64_t seed, double *out, pb_msg *msg)
{
    if (na == 0 || nb == 0 || na > UINT32_MAX || nb > UINT32_MAX || resamples < 1)
        return pb_msg_set(msg, PB_ERR_USAGE, "bootstrap needs samples on both sides");
    double *scratch = malloc((na > nb ? na : nb) * sizeof *scratch);
    if (!scratch)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory in the bootstrap");
    pb_rng rng = pb_rng_make(seed);
    for (int r = 0; r < resamples; r++) {
        double ma = pb_resampled_median(&rng, a, na, scratch);
        double mb = pb_resampled_median(&rng, b, nb, scratch);
        out[r] = log(ma) - log(mb);
    }
    free(scratch);
    return PB_OK;
}

typedef struct pb_ranked {
    double value;
    int from_a;
} pb_ranked;

static int pb_cmp_ranked(const void *x, const void *y)
{
    double a = ((const pb_ranked *)x)->value, b = ((const pb_ranked *)y)->value;
    return (a > b) - (a < b);
}

pb_status pb_compare_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb, double *p,
                                    pb_msg *msg)
{
    size_t n = na + nb;
    if (na == 0 || nb == 0)
        return pb_msg_set(msg, PB_ERR_USAGE, "the Mann-Whitney test needs samples on both sides");
    pb_ranked *all = malloc(n * sizeof *all);
    if (!all)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory in the Mann-Whitney test");
    for (size_t i = 0; i < na; i++)
        all[i] = (pb_ranked){ a[i], 1 };
    for (size_t i = 0; i < nb; i++)
        all[na + i] = (pb_ranked){ b[i], 0 };
    qsort(all, n, sizeof *all, pb_cmp_ranked);
    /* Tied values share the average of their ranks; the tie term shrinks the variance. */
    double rank_sum_a = 0, tie_term = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && all[j].value == all[i].value)
            j++;
        double t = (double)(j - i), avg_rank = 0.5 * (double)(i + 1 + j);
        for (size_t k = i; k < j; k++)
            if (all[k].from_a)
                rank_sum_a += avg_rank;
        tie_term += t * t * t - t;
        i = j;
    }
    free(all);
    double n1 = (double)na, n2 = (double)nb, nn = (double)n;
    double u = rank_sum_a - n1 * (n1 + 1) / 2;
    double mean = n1 * n2 / 2;
    double var = n1 * n2 / 12 * ((nn + 1) - tie_term / (nn * (nn - 1)));
    if (var <= 0) {
        *p = 1;
        return PB_OK;
    }
    double z = (fabs(u - mean) - 0.5) / sqrt(var);
    *p = z <= 0 ? 1 : erfc(z / sqrt(2.0));
    return PB_OK;
}

static int pb_cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

pb_status pb_compare_geomean_interval(const double *const *logs, int k, int resamples, double level,
                                      double *lo, double *hi, pb_msg *msg)
{
    if (k < 1 || resamples < 1)
        return pb_msg_set(msg, PB_ERR_USAGE, "a geometric mean needs at least one case");
    double *g = malloc((size_t)resamples * sizeof *g);
    if (!g)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for the geometric mean");
    for (int r = 0; r < resamples; r++) {
        double sum = 0;
        for (int i = 0; i < k; i++)
            sum += logs[i][r];
        g[r] = sum / k;
    }
    qsort(g, (size_t)resamples, sizeof *g, pb_cmp_double);
    double tail = (1 - level) / 2;
    *lo = exp(pb_compare_quantile_sorted(g, (size_t)resamples, tail));
    *hi = exp(pb_compare_quantile_sorted(g, (size_t)resamples, 1 - tail));
    free(g);
    return PB_OK;
}
