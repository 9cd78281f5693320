/* Summary statistics. n is small (tens to a few thousand samples), so sorting copies is fine. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int pb_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double pb_stats_median_inplace(double *values, size_t n)
{
    qsort(values, n, sizeof *values, pb_cmp_double);
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double pb_stats_rate(double work, double seconds)
{
    return work > 0 && seconds > 0 ? work / 1e9 / seconds : 0;
}

void pb_stats_summarise(const double *samples, size_t n, pb_summary *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    double *tmp = malloc(n * sizeof *tmp);
    if (!tmp) {
        out->median = out->min = out->max = out->mean = samples[0];
        return;
    }
    memcpy(tmp, samples, n * sizeof *tmp);
    out->median = pb_stats_median_inplace(tmp, n);
    out->min = tmp[0];
    out->max = tmp[n - 1];
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += samples[i];
    out->mean = sum / (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++) {
        ss += (samples[i] - out->mean) * (samples[i] - out->mean);
        tmp[i] = fabs(samples[i] - out->median);
    }
    out->mad = pb_stats_median_inplace(tmp, n);
    out->cv = n > 1 && out->mean > 0 ? sqrt(ss / (double)(n - 1)) / out->mean : 0;
    free(tmp);
}

double pb_stats_round_log_median(const double *samples, const int *rounds, size_t n, int round, double *scratch)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (rounds[i] == round && samples[i] > 0)
            scratch[m++] = samples[i];
    return m > 0 ? log(pb_stats_median_inplace(scratch, m)) : NAN;
}

int pb_stats_round_log_medians(const double *samples, const int *rounds, size_t n, int nrounds, double *out)
{
    double *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return 0;
    int written = 0;
    for (int k = 0; k < nrounds; k++) {
        double v = pb_stats_round_log_median(samples, rounds, n, k, tmp);
        if (!isnan(v))
            out[written++] = v;
    }
    free(tmp);
    return written;
}

void pb_stats_mean_sd(const double *v, int n, double *mean, double *sd)
{
    double sum = 0, ss = 0;
    for (int i = 0; i < n; i++)
        sum += v[i];
    *mean = n > 0 ? sum / n : 0;
    for (int i = 0; i < n; i++)
        ss += (v[i] - *mean) * (v[i] - *mean);
    *sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
}

/* The continued fraction of the regularised incomplete beta function (modified Lentz). */
static double pb_beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (fabs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 300; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        for (int half = 0; half < 2; half++) {
            d = 1 + num * d;
            d = 1 / (fabs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = fabs(c) < tiny ? tiny : c;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        }
        if (fabs(d * c - 1) < 1e-14)
            break;
    }
    return h;
}

/* I_x(a, b), the regularised incomplete beta function. */
static double pb_beta_inc(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2))
        return front * pb_beta_cf(a, b, x) / a;
    return 1 - front * pb_beta_cf(b, a, 1 - x) / b;
}

double pb_stats_t_two_sided(double t, double df)
{
    if (!(df > 0) || isnan(t))
        return NAN;
    if (isinf(t))
        return 0;
    return pb_beta_inc(df / 2, 0.5, df / (df + t * t));
}

double pb_stats_t_quantile(double p, double df)
{
    if (!(p > 0 && p < 1) || !(df > 0))
        return NAN;
    if (p == 0.5)
        return 0;
    /* Bisection on the tail probability: 200 halvings of a bracket that holds every quantile
     * parbench asks for (p within 1e-9 of 0 or 1, df >= 0.5). */
    double tail = p > 0.5 ? 2 * (1 - p) : 2 * p, lo = 0, hi = 1e6;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (pb_stats_t_two_sided(mid, df) > tail)
            lo = mid;
        else
            hi = mid;
    }
    double q = 0.5 * (lo + hi);
    return p > 0.5 ? q : -q;
}

void pb_stats_satterthwaite_add(pb_satterthwaite *acc, double var, double df)
{
    acc->var += var;
    acc->den += df > 0 && isfinite(df) ? var * var / df : 0;
}

double pb_stats_satterthwaite_df(const pb_satterthwaite *acc)
{
    return acc->den > 0 ? acc->var * acc->var / acc->den : INFINITY;
}

double pb_stats_welch_df(double v1, int n1, double v2, int n2)
{
    pb_satterthwaite acc = { 0, 0 };
    pb_stats_satterthwaite_add(&acc, v1, n1 - 1.0);
    pb_stats_satterthwaite_add(&acc, v2, n2 - 1.0);
    double d = pb_stats_satterthwaite_df(&acc);
    return isfinite(d) ? d : (double)(n1 + n2 - 2);
}

double pb_stats_rounds_halfwidth(double sd, int nrounds)
{
    if (nrounds < 2)
        return INFINITY;
    return pb_stats_t_quantile(0.975, 2.0 * (nrounds - 1)) * sd * sqrt(2.0 / nrounds);
}
