/* `parbench sweep`'s pure parts (src/cli/sweep.c): the crossover and the sizes it walks. */
#include <stdio.h>
#include <string.h>

#include "../src/cli/sweep.h"
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

static const pbtest_case cases[] = {
    { "crossing", test_crossing },
    { "never", test_never },
    { "crossing then falling back", test_crossing_then_falling_back },
    { "single point", test_single_point },
    { "missing points", test_missing_points },
    { "sizes", test_sizes },
};
PBTEST_MAIN(cases)
