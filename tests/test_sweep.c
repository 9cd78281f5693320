/* `parbench sweep`'s pure parts: the sizes it walks (src/cli/sweep.c) and the crossover (src/results/sweep_table.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/cli/sweep.h"
#include "../src/results/sweep_table.h"
#include "pbtest.h"

static void test_crossing(void)
{
    double cpu[] = { 1, 2, 4, 8, 16 };
    double dev[] = { 5, 5, 3, 4, 5 };
    CHECK(pb_sweep_crossover(cpu, dev, 5) == 2);
}

static void test_never(void)
{
    double cpu[] = { 1, 2, 4 };
    double dev[] = { 5, 5, 5 };
    CHECK(pb_sweep_crossover(cpu, dev, 3) == -1);
    double equal[] = { 1, 2, 4 };
    CHECK(pb_sweep_crossover(cpu, equal, 3) == -1); /* a tie is no win */
    CHECK(pb_sweep_crossover(cpu, dev, 0) == -1);
}

static void test_crossing_then_falling_back(void)
{
    /* faster in the middle, slower at the end: no crossover in this range */
    double cpu[] = { 1, 4, 8, 16 };
    double dev[] = { 2, 3, 7, 20 };
    CHECK(pb_sweep_crossover(cpu, dev, 4) == -1);
    /* faster, slower, then faster to the end: the crossover is the last change */
    double cpu2[] = { 4, 4, 4, 4 };
    double dev2[] = { 1, 5, 3, 2 };
    CHECK(pb_sweep_crossover(cpu2, dev2, 4) == 2);
}

static void test_single_point(void)
{
    double cpu[] = { 2 }, fast[] = { 1 }, slow[] = { 3 };
    CHECK(pb_sweep_crossover(cpu, fast, 1) == 0);
    CHECK(pb_sweep_crossover(cpu, slow, 1) == -1);
}

static void test_missing_points(void)
{
    double cpu[] = { 1, 2, 4 };
    double dev[] = { 0.5, 0, 1 }; /* a failed middle case breaks the run */
    CHECK(pb_sweep_crossover(cpu, dev, 3) == 2);
}

static void test_sizes(void)
{
    int64_t s[PB_SWEEP_MAX_POINTS];
    for (int w = 0; w < PB_WL_COUNT; w++) {
        const pb_workload *wl = pb_workload_get((pb_workload_id)w);
        for (int p = 0; p < PB_PRESET_COUNT; p++) {
            int n = pb_sweep_sizes(wl, (pb_preset)p, s, PB_SWEEP_MAX_POINTS);
            CHECK(n >= 1);
            CHECK(s[0] == wl->sizes[PB_PRESET_TINY].v[0]);
            CHECK(s[n - 1] == wl->sizes[p].v[0]);
            for (int i = 1; i < n; i++)
                CHECK_MSG(s[i] > s[i - 1] && s[i] <= 4 * s[i - 1] + 1, "%s %lld -> %lld", wl->name,
                          (long long)s[i - 1], (long long)s[i]);
            for (int q = 0; q <= p; q++) { /* every preset size is a point */
                int found = 0;
                for (int i = 0; i < n; i++)
                    found |= s[i] == wl->sizes[q].v[0];
                CHECK(found);
            }
        }
    }
    CHECK(pb_sweep_sizes(pb_workload_get(PB_WL_SGEMM), PB_PRESET_TINY, s, 0) == 0);
}


/* Adds a result of `workload` at size n: role, kernel and end-to-end seconds (0: failed). */
static void add_point(pb_resultset *set, const char *workload, const char *backend, const char *role, int64_t n,
                      double kernel_s, double e2e_s)
{
    pb_result *r = pb_resultset_add_result(set);
    snprintf(r->workload, sizeof r->workload, "%s", workload);
    snprintf(r->backend, sizeof r->backend, "%s", backend);
    snprintf(r->role, sizeof r->role, "%s", role);
    snprintf(r->device_name, sizeof r->device_name, "dev");
    snprintf(r->rate_unit, sizeof r->rate_unit, "GB/s");
    snprintf(r->dim_names[0], sizeof r->dim_names[0], "n");
    r->ndims = 1;
    r->dims[0] = n;
    r->threads = strcmp(role, "cpu-all") == 0 ? 2 : 0;
    r->work = 12.0 * (double)n;
    r->status = kernel_s > 0 ? PB_CASE_OK : PB_CASE_FAILED;
    if (kernel_s <= 0)
        snprintf(r->reason, sizeof r->reason, "did not verify");
    r->median_s = kernel_s;
    if (e2e_s > 0) {
        r->ne2e = 1;
        r->e2e_median_s = e2e_s;
    }
}

static void test_table_from_results(void)
{
    pb_resultset set;
    pb_resultset_init(&set);
    /* sizes out of order, a device that wins end to end from n=4000 on, one failed CPU point, a
     * second CPU role faster at one size, and another workload that must be left out */
    add_point(&set, "triad", "cpu", "cpu-all", 4000, 4e-6, 0);
    add_point(&set, "triad", "opencl", "gpu", 4000, 1e-6, 2e-6);
    add_point(&set, "triad", "cpu", "cpu-all", 1000, 1e-6, 0);
    add_point(&set, "triad", "opencl", "gpu", 1000, 1e-6, 5e-6);
    add_point(&set, "triad", "cpu", "cpu-all", 16000, 0, 0);
    add_point(&set, "triad", "blas", "lib-cpu", 16000, 8e-6, 0);
    add_point(&set, "triad", "opencl", "gpu", 16000, 2e-6, 3e-6);
    add_point(&set, "triad", "cpu", "cpu-1", 16000, 1e-9, 0);
    add_point(&set, "reduce", "cpu", "cpu-all", 1000, 1e-6, 0);
    pb_sweep_table *t = malloc(sizeof *t);
    CHECK(pb_sweep_table_build(&set, "triad", t) == 3);
    CHECK(t->sizes[0] == 1000 && t->sizes[1] == 4000 && t->sizes[2] == 16000);
    CHECK(t->nlines == 3); /* cpu-all, gpu, lib-cpu; cpu-1 is no sweep role */
    CHECK(strcmp(t->dim_name, "n") == 0 && strcmp(t->rate_unit, "GB/s") == 0);
    CHECK(t->work[0] == 12000 && t->work[2] == 192000);
    int cpu = -1, gpu = -1, lib = -1;
    for (int k = 0; k < t->nlines; k++) {
        if (strcmp(t->lines[k].role, "cpu-all") == 0)
            cpu = k;
        if (strcmp(t->lines[k].role, "gpu") == 0)
            gpu = k;
        if (strcmp(t->lines[k].role, "lib-cpu") == 0)
            lib = k;
    }
    CHECK(cpu >= 0 && gpu >= 0 && lib >= 0);
    CHECK(t->lines[cpu].cpu && t->lines[lib].cpu && !t->lines[gpu].cpu);
    CHECK(t->lines[cpu].kernel_s[0] == 1e-6 && t->lines[cpu].kernel_s[1] == 4e-6 && t->lines[cpu].kernel_s[2] == 0);
    CHECK(strstr(t->lines[cpu].why, "n=16000: did not verify") != NULL);
    CHECK(t->lines[gpu].e2e_s[0] == 5e-6 && t->lines[gpu].e2e_s[1] == 2e-6 && t->lines[gpu].e2e_s[2] == 3e-6);
    CHECK(t->lines[lib].kernel_s[0] == 0 && t->lines[lib].kernel_s[2] == 8e-6);
    CHECK(t->best_cpu[0] == cpu && t->best_cpu[2] == lib && t->best_cpu_s[2] == 8e-6);
    CHECK(t->lines[gpu].crossover == 1);        /* end to end: 2e-6 < 4e-6, 3e-6 < 8e-6 */
    CHECK(t->lines[gpu].crossover_kernel == 1); /* 1e-6 vs 1e-6 at the first size is a tie */
    CHECK(t->lines[cpu].crossover == -1);
    CHECK(pb_sweep_table_build(&set, "sgemm", t) == 0);
    free(t);
    pb_resultset_free(&set);
}

static const pbtest_case cases[] = {
    { "table from results", test_table_from_results },
    { "crossing", test_crossing },
    { "never", test_never },
    { "crossing then falling back", test_crossing_then_falling_back },
    { "single point", test_single_point },
    { "missing points", test_missing_points },
    { "sizes", test_sizes },
};
PBTEST_MAIN(cases)
