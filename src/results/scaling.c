/* Thread scaling: the thread counts `parbench scale` measures, the series it reads back from the
 * result file, and the Amdahl fit of their speed-ups. */
#include "scaling.h"

#include <math.h>
#include <string.h>

static int pb_scale_add_count(int *out, int n, int max, int t)
{
    for (int i = 0; i < n; i++)
        if (out[i] == t)
            return n;
    if (n >= max)
        return n;
    int i = n;
    for (; i > 0 && out[i - 1] > t; i--)
        out[i] = out[i - 1];
    out[i] = t;
    return n + 1;
}

int pb_scale_thread_counts(int all, int pcores, int *out, int max)
{
    int n = 0;
    if (all < 1)
        all = 1;
    for (int t = 1; t < all; t *= 2)
        n = pb_scale_add_count(out, n, max, t);
    if (pcores >= 1 && pcores < all)
        n = pb_scale_add_count(out, n, max, pcores);
    return pb_scale_add_count(out, n, max, all);
}

int pb_scale_amdahl_fit(const int *threads, const double *speedup, int n, double *serial)
{
    double sxx = 0, sxz = 0;
    if (n < 2)
        return 0;
    for (int i = 0; i < n; i++) {
        if (threads[i] < 1 || !(speedup[i] > 0) || !isfinite(speedup[i]))
            return 0;
        double inv_p = 1.0 / threads[i];
        double x = 1.0 - inv_p, z = 1.0 / speedup[i] - inv_p;
        sxx += x * x;
        sxz += x * z;
    }
    if (sxx <= 0)
        return 0;
    *serial = sxz / sxx;
    return 1;
}

double pb_scale_amdahl_speedup(double s, int p)
{
    return 1.0 / (s + (1.0 - s) / p);
}

static int pb_scale_role_in(const char *role, pb_scale_kind kind)
{
    static const char *const roles[PB_SCALE_KIND_COUNT][3] = {
        [PB_SCALE_ALL] = { "cpu-1", "cpu-n", "cpu-all" },
        [PB_SCALE_P] = { "cpu-p" },
        [PB_SCALE_E] = { "cpu-e" },
    };
    for (int i = 0; i < 3; i++)
        if (roles[kind][i] && strcmp(role, roles[kind][i]) == 0)
            return 1;
    return 0;
}

int pb_scale_series_collect(const pb_resultset *set, const char *workload, pb_scale_kind kind,
                            pb_scale_series *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    for (int r = 0; r < set->nresults; r++) {
        const pb_result *res = &set->results[r];
        if (res->status != PB_CASE_OK || strcmp(res->workload, workload) != 0 || strcmp(res->backend, "cpu") != 0 ||
            !pb_scale_role_in(res->role, kind) || res->threads < 1 || !(res->rate_value > 0))
            continue;
        int i = 0, seen = 0;
        for (; i < out->n; i++)
            seen |= out->threads[i] == res->threads;
        if (seen || out->n >= PB_SCALE_MAX_POINTS)
            continue;
        for (i = out->n; i > 0 && out->threads[i - 1] > res->threads; i--) {
            out->threads[i] = out->threads[i - 1];
            out->rate[i] = out->rate[i - 1];
        }
        out->threads[i] = res->threads;
        out->rate[i] = res->rate_value;
        out->n++;
        pb_strlcpy(out->unit, res->rate_unit, sizeof out->unit);
    }
    return out->n;
}
