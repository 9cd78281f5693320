/* The CPU's ceilings and the roofline: the placement arithmetic with fixed numbers, the probes'
 * own checks (a wrong chain or sum is caught), a real measurement on this machine, the fields'
 * round trip through a result file (and their absence in an older one), and the note under the
 * run table for every result above its roof. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/backends/cpu/cpu_ceiling.h"
#include "../src/cli/ceilings.h"
#include "../src/cli/cli.h"
#include "../src/results/json_read.h"
#include "../src/results/json_write.h"
#include "pbtest.h"

static pb_ceilings ceilings_100_10(void)
{
    pb_ceilings c;
    memset(&c, 0, sizeof c);
    c.fp32_gflops = 100;    /* a ridge point at 10 FLOPs per byte */
    c.bandwidth_gbs = 10;
    c.threads = 4;
    return c;
}

static pb_result measured(double flops, double bytes, double median_s, int threads)
{
    pb_result r;
    memset(&r, 0, sizeof r);
    r.status = PB_CASE_OK;
    r.flops = flops;
    r.bytes = bytes;
    r.median_s = median_s;
    r.threads = threads;
    return r;
}

static void test_roofline_arithmetic(void)
{
    const pb_ceilings c = ceilings_100_10();
    pb_roofline p;
    /* Compute-bound: 1e9 FLOPs over 1e6 bytes (1000 per byte) in 20 ms: 50 of 100 GFLOP/s. */
    pb_result r = measured(1e9, 1e6, 0.02, 4);
    CHECK(pb_roofline_place(&r, &c, &p));
    CHECK(fabs(p.intensity - 1000) < 1e-9);
    CHECK(fabs(p.attainable_gflops - 100) < 1e-9);
    CHECK(fabs(p.fraction - 0.5) < 1e-12);
    /* Memory-bound: a triad, 2 FLOPs per 12 bytes: attainable 10 x 1/6 GFLOP/s; 1.2e9 bytes take 0.12 s
     * at 10 GB/s, measured 0.1 s: 120% of the roof. */
    r = measured(2e8, 1.2e9, 0.1, 4);
    CHECK(pb_roofline_place(&r, &c, &p));
    CHECK(fabs(p.attainable_gflops - 10.0 / 6) < 1e-9);
    CHECK(fabs(p.fraction - 1.2) < 1e-12);
    /* No FLOPs counted (a histogram): bandwidth alone bounds it. */
    r = measured(0, 1e9, 0.2, 4);
    CHECK(pb_roofline_place(&r, &c, &p));
    CHECK(fabs(p.fraction - 0.5) < 1e-12);
    /* One thread of four: a quarter of the FMA peak, all of the bandwidth. */
    r = measured(1e9, 1e6, 0.04, 1);
    CHECK(pb_roofline_place(&r, &c, &p));
    CHECK(fabs(p.peak_gflops - 25) < 1e-9);
    CHECK(fabs(p.fraction - 1.0) < 1e-12);
    /* Nothing to place: failed, unmeasured, no counts, no ceilings. */
    r = measured(1e9, 1e6, 0.02, 4);
    r.status = PB_CASE_FAILED;
    CHECK(!pb_roofline_place(&r, &c, &p));
    r = measured(1e9, 1e6, 0, 4);
    CHECK(!pb_roofline_place(&r, &c, &p));
    r = measured(0, 0, 0.02, 4);
    CHECK(!pb_roofline_place(&r, &c, &p));
    r = measured(1e9, 1e6, 0.02, 4);
    CHECK(!pb_roofline_place(&r, NULL, &p));
}

static void test_probe_checks(void)
{
    /* The scalar recomputation follows the recurrence; a value off by one part in 1e4 is caught. */
    float x0[3] = { 1.0f, 1.5f, 0.25f }, got[3];
    for (int i = 0; i < 3; i++)
        got[i] = pb_cpu_ceiling_chain_value(x0[i], 0.999f, 0.001f, 5000);
    CHECK(pb_cpu_ceiling_chains_ok(got, x0, 3, 0.999f, 0.001f, 5000));
    CHECK(!pb_cpu_ceiling_chains_ok(got, x0, 3, 0.999f, 0.001f, 4000));  /* fewer iterations than claimed */
    got[1] *= 1.0001f;
    CHECK(!pb_cpu_ceiling_chains_ok(got, x0, 3, 0.999f, 0.001f, 5000));
    /* Skipped chains still hold their start. */
    CHECK(!pb_cpu_ceiling_chains_ok(x0 + 1, x0 + 1, 1, 0.999f, 0.001f, 5000));
    /* The read's known sum against a direct one. */
    for (int64_t n = 0; n < 40; n++) {
        double s = 0;
        for (int64_t i = 0; i < n; i++)
            s += (double)(i % 8);
        CHECK_MSG(pb_cpu_ceiling_read_sum(n) == s, "n=%lld", (long long)n);
    }
}

static void test_probe_measures(void)
{
    pb_pool *pool = NULL;
    pb_msg msg = { "" };
    CHECK(pb_pool_create(2, &pool, &msg) == PB_OK);
    if (!pool)
        return;
    pb_cpu_ceiling_opts o = { 2, 0.01, 4u << 20, 2 };
    pb_cpu_ceiling_result r;
    CHECK_MSG(pb_cpu_ceiling_measure(pool, &o, &r, &msg) == PB_OK, "%s", msg.text);
    CHECK(r.fp32_gflops > 0.1 && r.fp32_gflops < 1e6);
    CHECK(r.read_gbs > 0 && r.triad_gbs > 0 && r.triad_nt_gbs > 0);
    CHECK(r.bandwidth_gbs == fmax(r.read_gbs, fmax(r.triad_gbs, r.triad_nt_gbs)));
    /* The cli's measure at the tiny preset fills every field and says how. */
    pb_machine m;
    pb_fingerprint_read(&m);
    pb_ceilings c;
    memset(&c, 0, sizeof c);
    CHECK_MSG(pb_cli_ceilings_measure(pool, 2, PB_PRESET_TINY, &m, &c, &msg) == PB_OK, "%s", msg.text);
    CHECK(c.fp32_gflops > 0 && c.bandwidth_gbs > 0 && c.threads == 2 && c.seconds > 0);
    CHECK(strstr(c.method, "FMA chains") != NULL);
    pb_pool_free(pool);
}

/* A set with a cpu device and a GPU device, the cpu one with ceilings attached, and two results
 * on it: one at 50% of its roof, one at 120%; and one on the GPU, which has no ceilings. */
static void fill_set(pb_resultset *set)
{
    pb_resultset_init(set);
    pb_device_record *d = pb_resultset_add_device(set);
    strcpy(d->backend, "cpu");
    d = pb_resultset_add_device(set);
    strcpy(d->backend, "opencl");
    const pb_ceilings c = ceilings_100_10();
    pb_cli_ceilings_attach(set, &c);
    static const struct { const char *workload, *backend, *role; double flops, bytes, median_s; } rows[] = {
        { "sgemm", "cpu", "cpu-all", 1e9, 1e6, 0.02 },
        { "triad", "cpu", "cpu-all", 2e8, 1.2e9, 0.1 },
        { "triad", "opencl", "gpu", 2e8, 1.2e9, 0.01 },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        pb_result *r = pb_resultset_add_result(set);
        *r = measured(rows[i].flops, rows[i].bytes, rows[i].median_s, strcmp(rows[i].backend, "cpu") == 0 ? 4 : 0);
        strcpy(r->workload, rows[i].workload);
        strcpy(r->backend, rows[i].backend);
        strcpy(r->role, rows[i].role);
        strcpy(r->precision, "fp32");
        strcpy(r->rate_unit, "GFLOP/s");
        r->work = rows[i].flops;
        r->rate_value = rows[i].flops / 1e9 / rows[i].median_s;
        double s = rows[i].median_s;
        pb_result_set_samples(r, &s, NULL, 1, NULL);
    }
}

static void table_text(const pb_resultset *set, int width, char *text, size_t size)
{
    text[0] = '\0';
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    pb_cli_print_table(set, width, f);
    rewind(f);
    size_t n = fread(text, 1, size - 1, f);
    text[n] = '\0';
    fclose(f);
}

static void test_attach_and_lookup(void)
{
    pb_resultset set;
    fill_set(&set);
    CHECK(set.devices[0].has_ceilings && !set.devices[1].has_ceilings);
    CHECK(pb_resultset_ceilings(&set, &set.results[0]) == &set.devices[0].ceilings);
    CHECK(pb_resultset_ceilings(&set, &set.results[2]) == NULL);
    pb_resultset_free(&set);
}

/* A result above its roof gets its note in the 80-column table, and "% roof" in the wide one. */
static void test_table_roof(void)
{
    pb_resultset set;
    fill_set(&set);
    static char text[16384];
    table_text(&set, 80, text, sizeof text);
    CHECK_MSG(strstr(text, "* triad on cpu cpu-all: 120% of its roofline") != NULL, "%s", text);
    CHECK_MSG(strstr(text, "a cache-resident working set, or a wrong FLOP or byte count") != NULL, "%s", text);
    CHECK_MSG(strstr(text, "sgemm on cpu cpu-all: ") == NULL, "%s", text);
    CHECK_MSG(strstr(text, "triad on opencl gpu: ") == NULL, "%s", text);
    table_text(&set, 1000, text, sizeof text);
    CHECK_MSG(strstr(text, "% roof") != NULL, "%s", text);
    CHECK_MSG(strstr(text, "  50%  ok") != NULL && strstr(text, " 120%  ok *") != NULL, "%s", text);
    pb_resultset_free(&set);
}

static void test_round_trip(void)
{
    pb_resultset set, back;
    fill_set(&set);
    strcpy(set.devices[0].ceilings.method, "test");
    set.devices[0].ceilings.triad_nt_gbs = 9.5;
    char path[] = "/tmp/pbceilXXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) {
        pb_resultset_free(&set);
        return;
    }
    close(fd);
    pb_msg msg = { "" };
    CHECK_MSG(pb_json_write_resultset(&set, path, &msg) == PB_OK, "%s", msg.text);
    pb_resultset_init(&back);
    CHECK_MSG(pb_json_read_resultset(path, &back, &msg) == PB_OK, "%s", msg.text);
    if (back.ndevices == 2) {
        CHECK(back.devices[0].has_ceilings && !back.devices[1].has_ceilings);
        CHECK(back.devices[0].ceilings.fp32_gflops == 100 && back.devices[0].ceilings.bandwidth_gbs == 10);
        CHECK(back.devices[0].ceilings.triad_nt_gbs == 9.5 && back.devices[0].ceilings.threads == 4);
        CHECK_STR(back.devices[0].ceilings.method, "test");
    } else {
        CHECK(back.ndevices == 2);
    }
    pb_resultset_free(&back);
    /* A file from before the ceilings (none recorded) reads as having none. */
    set.devices[0].has_ceilings = 0;
    CHECK(pb_json_write_resultset(&set, path, &msg) == PB_OK);
    pb_resultset_init(&back);
    CHECK(pb_json_read_resultset(path, &back, &msg) == PB_OK);
    CHECK(back.ndevices == 2 && !back.devices[0].has_ceilings);
    pb_resultset_free(&back);
    remove(path);
    pb_resultset_free(&set);
}

static const pbtest_case tests[] = {
    { "roofline_arithmetic", test_roofline_arithmetic },
    { "probe_checks", test_probe_checks },
    { "probe_measures", test_probe_measures },
    { "attach_and_lookup", test_attach_and_lookup },
    { "table_roof", test_table_roof },
    { "round_trip", test_round_trip },
};
PBTEST_MAIN(tests)
