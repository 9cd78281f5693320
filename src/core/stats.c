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
