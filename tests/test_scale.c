/* `parbench scale`'s pure parts (src/cli/scale.c): the thread counts it measures, the Amdahl fit on
 * exact synthetic speed-ups (s = 0, s = 0.1, s = 0.5, noisy) and the series it reads from a result set. */
#include <math.h>
#include <stdio.h>

#include "../src/results/scaling.h"
#include "pbtest.h"

static int counts_are(int all, int pcores, const int *want, int nwant)
{
    int got[32];
    int n = pb_scale_thread_counts(all, pcores, got, 32);
    if (n != nwant)
        return 0;
    for (int i = 0; i < n; i++)
        if (got[i] != want[i])
            return 0;
    return 1;
}

static void test_thread_counts(void)
{
    CHECK(counts_are(1, 0, (const int[]){ 1 }, 1));
    CHECK(counts_are(2, 0, (const int[]){ 1, 2 }, 2));
    CHECK(counts_are(8, 0, (const int[]){ 1, 2, 4, 8 }, 4));
    CHECK(counts_are(12, 6, (const int[]){ 1, 2, 4, 6, 8, 12 }, 6)); /* M3 Pro: 6 P + 6 E */
    CHECK(counts_are(10, 8, (const int[]){ 1, 2, 4, 8, 10 }, 5));     /* P count already a power of two */
    CHECK(counts_are(24, 30, (const int[]){ 1, 2, 4, 8, 16, 24 }, 6)); /* more P cores than allowed: ignored */
    int few[3];
    CHECK(pb_scale_thread_counts(64, 0, few, 3) == 3 && few[2] == 4); /* never more than room */
}

/* Speed-ups Amdahl's law gives for serial fraction s on `threads`, times (1 + noise[i]). */
static void amdahl_points(double s, const int *threads, const double *noise, int n, double *speedup)
{
    for (int i = 0; i < n; i++)
        speedup[i] = pb_scale_amdahl_speedup(s, threads[i]) * (1.0 + (noise ? noise[i] : 0.0));
}

static void test_fit_exact(void)
{
    static const int threads[] = { 1, 2, 4, 8, 16 };
    static const double fractions[] = { 0.0, 0.1, 0.5, 1.0 };
    double speedup[5], s = -1;
    for (int k = 0; k < 4; k++) {
        amdahl_points(fractions[k], threads, NULL, 5, speedup);
        CHECK(pb_scale_amdahl_fit(threads, speedup, 5, &s));
        CHECK_MSG(fabs(s - fractions[k]) < 1e-12, "s = %.15g, wanted %g", s, fractions[k]);
    }
    /* Perfect scaling: speed-up p on p threads, efficiency 1. */
    CHECK(fabs(pb_scale_amdahl_speedup(0.0, 8) - 8.0) < 1e-12);
    /* s = 0.1 on 2 threads: 1 / (0.1 + 0.45) = 1.8181... */
    CHECK(fabs(pb_scale_amdahl_speedup(0.1, 2) - 1.0 / 0.55) < 1e-12);
    /* Two points are enough, and then the fit goes through both: 1.8x on 2 threads is s = 1/9. */
    const double two[] = { 1.0, 1.8 };
    CHECK(pb_scale_amdahl_fit(threads, two, 2, &s) && fabs(s - 1.0 / 9.0) < 1e-12);
}

static void test_fit_noisy(void)
{
    static const int threads[] = { 1, 2, 4, 6, 8, 12 };
    static const double noise[] = { 0.0, 0.03, -0.02, 0.025, -0.03, 0.01 };
    double speedup[6], s = -1;
    amdahl_points(0.1, threads, noise, 6, speedup);
    CHECK(pb_scale_amdahl_fit(threads, speedup, 6, &s));
    CHECK_MSG(fabs(s - 0.1) < 0.02, "s = %g from 3%% noise around s = 0.1", s);
    /* Superlinear speed-up (cache effects) fits a negative serial fraction, not a clamped 0. */
    const double super[] = { 1.0, 2.2, 4.6 };
    CHECK(pb_scale_amdahl_fit(threads, super, 3, &s) && s < 0);
}

static void test_fit_not_possible(void)
{
    const int threads[] = { 1, 1, 2 };
    const double speedup[] = { 1.0, 1.0, 0.0 };
    double s = 42;
    CHECK(!pb_scale_amdahl_fit(threads, speedup, 1, &s));        /* fewer than 2 points */
    CHECK(!pb_scale_amdahl_fit(threads, speedup, 2, &s));        /* no point above one thread */
    CHECK(!pb_scale_amdahl_fit(threads + 1, speedup + 1, 2, &s)); /* a speed-up of 0 */
    const double nan_speedup[] = { 1.0, NAN };
    CHECK(!pb_scale_amdahl_fit(threads + 1, nan_speedup, 2, &s));
    CHECK(s == 42);
}

static void add(pb_resultset *set, const char *workload, const char *backend, const char *role, int threads,
                double rate, pb_case_status status)
{
    pb_result *r = pb_resultset_add_result(set);
    snprintf(r->workload, sizeof r->workload, "%s", workload);
    snprintf(r->backend, sizeof r->backend, "%s", backend);
    snprintf(r->role, sizeof r->role, "%s", role);
    snprintf(r->rate_unit, sizeof r->rate_unit, "GB/s");
    r->threads = threads;
    r->rate_value = rate;
    r->status = status;
}

static void test_series(void)
{
    pb_resultset set;
    pb_resultset_init(&set);
    add(&set, "triad", "cpu", "cpu-all", 12, 90, PB_CASE_OK);
    add(&set, "triad", "cpu", "cpu-n", 4, 50, PB_CASE_OK);
    add(&set, "triad", "cpu", "cpu-1", 1, 20, PB_CASE_OK);
    add(&set, "triad", "cpu", "cpu-n", 8, 70, PB_CASE_FAILED); /* not verified: left out */
    add(&set, "triad", "cpu", "cpu-p", 6, 80, PB_CASE_OK);
    add(&set, "triad", "cpu", "cpu-e", 6, 40, PB_CASE_OK);
    add(&set, "triad", "blas", "lib-cpu", 12, 99, PB_CASE_OK);   /* another backend */
    add(&set, "sgemm", "cpu", "cpu-n", 2, 10, PB_CASE_OK);       /* another workload */
    pb_scale_series s;
    CHECK(pb_scale_series_collect(&set, "triad", PB_SCALE_ALL, &s) == 3);
    CHECK(s.threads[0] == 1 && s.threads[1] == 4 && s.threads[2] == 12);
    CHECK(s.rate[0] == 20 && s.rate[1] == 50 && s.rate[2] == 90);
    CHECK_STR(s.unit, "GB/s");
    CHECK(pb_scale_series_collect(&set, "triad", PB_SCALE_P, &s) == 1 && s.threads[0] == 6 && s.rate[0] == 80);
    CHECK(pb_scale_series_collect(&set, "triad", PB_SCALE_E, &s) == 1 && s.rate[0] == 40);
    CHECK(pb_scale_series_collect(&set, "nbody", PB_SCALE_ALL, &s) == 0);
    /* A one-core machine lists its one case as cpu-1 and cpu-all: one point. */
    pb_resultset one;
    pb_resultset_init(&one);
    add(&one, "triad", "cpu", "cpu-1", 1, 20, PB_CASE_OK);
    add(&one, "triad", "cpu", "cpu-all", 1, 21, PB_CASE_OK);
    CHECK(pb_scale_series_collect(&one, "triad", PB_SCALE_ALL, &s) == 1 && s.rate[0] == 20);
    pb_resultset_free(&one);
    pb_resultset_free(&set);
}

static const pbtest_case cases[] = {
    { "thread counts", test_thread_counts },
    { "fit exact", test_fit_exact },
    { "fit noisy", test_fit_noisy },
    { "fit not possible", test_fit_not_possible },
    { "series", test_series },
};
PBTEST_MAIN(cases)
