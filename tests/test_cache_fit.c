/* Cases whose working set fits in the device's last-level cache: the decision with fixed numbers,
 * which workloads count as bandwidth-bound, the working set of a problem, what the cpu and opencl
 * backends record on this machine, the fields' round trip through a result file (and their absence
 * in an older one), the lines under the run table, and compare's warning when only one side fit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/backends/backend.h"
#include "../src/cli/cli.h"
#include "../src/cli/measure.h"
#include "../src/core/device.h"
#include "../src/core/fingerprint.h"
#include "../src/report/compare.h"
#include "../src/results/json_read.h"
#include "../src/results/json_write.h"
#include "pbtest.h"

#define MIB (1024.0 * 1024.0)

static void test_fit_decision(void)
{
    /* Quick-preset triad (3 x 2^22 fp32) in an H200's 50 MiB of L2; the standard size does not fit. */
    CHECK(pb_device_llc_fit(48 * MIB, 50 * MIB) == PB_LLC_FIT_YES);
    CHECK(pb_device_llc_fit(384 * MIB, 50 * MIB) == PB_LLC_FIT_NO);
    CHECK(pb_device_llc_fit(32 * MIB, 32 * MIB) == PB_LLC_FIT_YES);
    CHECK(pb_device_llc_fit(32 * MIB + 1, 32 * MIB) == PB_LLC_FIT_NO);
    /* Unknown sizes (Metal reports no cache; an older file has neither field) decide nothing. */
    CHECK(pb_device_llc_fit(48 * MIB, 0) == PB_LLC_FIT_UNKNOWN);
    CHECK(pb_device_llc_fit(0, 50 * MIB) == PB_LLC_FIT_UNKNOWN);
}

/* The README's workload table, from each workload's own FLOP and byte counts at every preset. */
static void test_bandwidth_bound_workloads(void)
{
    static const int bound[PB_WL_COUNT] = {
        [PB_WL_TRIAD] = 1, [PB_WL_REDUCE] = 1, [PB_WL_STENCIL] = 1, [PB_WL_HISTOGRAM] = 1,
    };
    for (int id = 0; id < PB_WL_COUNT; id++) {
        const pb_workload *w = pb_workload_get((pb_workload_id)id);
        for (int p = 0; p < PB_PRESET_COUNT; p++) {
            const pb_dims *d = &w->sizes[p];
            CHECK_MSG(pb_device_bandwidth_bound(w->flops(d), w->bytes(d)) == bound[id], "%s at %s", w->name,
                      pb_preset_name((pb_preset)p));
        }
    }
    CHECK(!pb_device_bandwidth_bound(100, 0));
}

static void test_problem_bytes(void)
{
    const pb_workload *triad = pb_workload_get(PB_WL_TRIAD);
    pb_problem p;
    memset(&p, 0, sizeof p);
    pb_msg msg = { "" };
    CHECK(triad->create(&triad->sizes[PB_PRESET_TINY], 1, &p, &msg) == PB_OK);
    CHECK(pb_problem_bytes(&p) == 3 * 4 * (uint64_t)triad->sizes[PB_PRESET_TINY].v[0]);
    pb_problem_destroy(&p);
    /* Scratch counts too: the stencil's second grid. */
    const pb_workload *stencil = pb_workload_get(PB_WL_STENCIL);
    const pb_dims *d = &stencil->sizes[PB_PRESET_TINY];
    CHECK(stencil->create(d, 1, &p, &msg) == PB_OK);
    CHECK(pb_problem_bytes(&p) == 3 * 4 * (uint64_t)(d->v[0] * d->v[1]));
    pb_problem_destroy(&p);
}

/* The backend `name` started, or NULL (with *ctx NULL) when it is not built or has no device. */
static const pb_backend *start_backend(const char *name, void **ctx)
{
    int n;
    const pb_backend_entry *e = pb_backend_registry(&n);
    *ctx = NULL;
    for (int i = 0; i < n; i++) {
        pb_msg why = { "" };
        if (strcmp(e[i].name, name) != 0 || !e[i].backend || e[i].backend->init(ctx, &why) != PB_OK)
            continue;
        if (e[i].backend->device_count(*ctx) > 0)
            return e[i].backend;
        e[i].backend->shutdown(*ctx);
        *ctx = NULL;
    }
    return NULL;
}

/* What `run` records for tiny triad on device 0 of a backend: the working set and the cache. */
static void check_recorded(const pb_backend *b, void *ctx, uint64_t want_llc)
{
    const pb_workload *triad = pb_workload_get(PB_WL_TRIAD);
    pb_variant v[8];
    const int one = 1;
    const pb_variant_request req = { &one, 1, 1, 0 };
    int nv = b->variants(ctx, PB_WL_TRIAD, &req, v, 8);
    CHECK(nv > 0);
    if (nv <= 0)
        return;
    pb_problem p;
    memset(&p, 0, sizeof p);
    pb_msg msg = { "" };
    CHECK(triad->create(&triad->sizes[PB_PRESET_TINY], 1, &p, &msg) == PB_OK);
    pb_result r;
    memset(&r, 0, sizeof r);
    pb_measure_describe(b, ctx, &v[0], &p, &r);
    CHECK(r.working_set_bytes == 12036);
    CHECK_MSG(r.llc_bytes == want_llc, "%llu != %llu", (unsigned long long)r.llc_bytes,
              (unsigned long long)want_llc);
    pb_device_info info;
    memset(&info, 0, sizeof info);
    CHECK(b->device_info(ctx, v[0].device, &info) == PB_OK && info.llc_bytes == r.llc_bytes);
    /* Tiny triad (12 KiB) fits any last-level cache. */
    CHECK(pb_device_llc_fit((double)r.working_set_bytes, (double)r.llc_bytes) == PB_LLC_FIT_YES);
    pb_problem_destroy(&p);
}

static void test_cpu_records_llc(void)
{
    pb_machine m;
    pb_fingerprint_read(&m);
    uint64_t llc = (uint64_t)pb_fingerprint_llc_bytes(&m);
    if (llc == 0)
        SKIP("this machine reports no L2 or L3 size");
    CHECK(llc == (uint64_t)(m.l3_bytes > 0 ? m.l3_bytes : m.l2_bytes));
    void *ctx;
    const pb_backend *b = start_backend("cpu", &ctx);
    CHECK(b != NULL);
    if (!b)
        return;
    check_recorded(b, ctx, llc);
    b->shutdown(ctx);
    /* The standard triad (384 MiB) runs from memory unless the cache is larger still. */
    double standard = 12.0 * (double)pb_workload_get(PB_WL_TRIAD)->sizes[PB_PRESET_STANDARD].v[0];
    CHECK(pb_device_llc_fit(standard, (double)llc) == (standard <= (double)llc ? PB_LLC_FIT_YES : PB_LLC_FIT_NO));
    if (llc < 384 * MIB)
        CHECK(pb_device_llc_fit(standard, (double)llc) == PB_LLC_FIT_NO);
}

static void test_opencl_records_llc(void)
{
    void *ctx;
    const pb_backend *b = start_backend("opencl", &ctx);
    if (!b)
        SKIP("no OpenCL backend or device here");
    pb_device_info info;
    memset(&info, 0, sizeof info);
    CHECK(b->device_info(ctx, 0, &info) == PB_OK);
    if (info.llc_bytes == 0) {
        b->shutdown(ctx);
        SKIP("the OpenCL driver reports no global memory cache");
    }
    check_recorded(b, ctx, info.llc_bytes);
    b->shutdown(ctx);
}

/* A result set of three measured cases: triad fitting a 50 MiB cache, sgemm fitting it too, and
 * stencil too big for it. */
static void fill_set(pb_resultset *set)
{
    static const struct {
        const char *workload, *role;
        double flops, bytes, ws;
    } cases[] = {
        { "triad", "gpu", 2 * 4194304.0, 12 * 4194304.0, 48 * MIB },
        { "triad", "lib-gpu", 2 * 4194304.0, 12 * 4194304.0, 48 * MIB },
        { "sgemm", "gpu", 2 * 512.0 * 512 * 512, 12 * 512.0 * 512, 3 * MIB },
        { "stencil", "gpu", 6e9, 8e9, 96 * MIB },
    };
    pb_resultset_init(set);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_result *r = pb_resultset_add_result(set);
        snprintf(r->workload, sizeof r->workload, "%s", cases[i].workload);
        snprintf(r->backend, sizeof r->backend, "cuda");
        snprintf(r->role, sizeof r->role, "%s", cases[i].role);
        snprintf(r->precision, sizeof r->precision, "fp32");
        r->ndims = 1;
        snprintf(r->dim_names[0], sizeof r->dim_names[0], "n");
        r->dims[0] = (int64_t)i + 1;
        r->flops = cases[i].flops;
        r->bytes = cases[i].bytes;
        r->working_set_bytes = (uint64_t)cases[i].ws;
        r->llc_bytes = (uint64_t)(50 * MIB);
    }
}

static void test_table_notes(void)
{
    pb_resultset set;
    fill_set(&set);
    char text[8192] = "";
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f) {
        pb_resultset_free(&set);
        return;
    }
    pb_cli_print_table(&set, 200, f);
    rewind(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    CHECK_MSG(strstr(text, "* triad on cuda (gpu, lib-gpu): its working set (48 MiB) fits in the device's last-level "
                           "cache (50 MiB): the rate is the cache's, not memory's\n") != NULL,
              "%s", text);
    CHECK_MSG(strstr(text, "* sgemm: its working set fits in the last-level cache too, but compute bounds its rate")
                  != NULL, "%s", text);
    CHECK_MSG(strstr(text, "stencil on") == NULL, "%s", text);
    /* A failed case is never said to have run from the cache. */
    for (int i = 0; i < set.nresults; i++)
        set.results[i].status = PB_CASE_FAILED;
    f = tmpfile();
    if (f) {
        pb_cli_print_table(&set, 200, f);
        rewind(f);
        n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
        CHECK_MSG(strstr(text, "last-level") == NULL, "%s", text);
    }
    pb_resultset_free(&set);
}

/* The fields survive the file; an older file without them reads as unknown. */
static void test_round_trip(void)
{
    pb_resultset set;
    fill_set(&set);
    pb_device_record *d = pb_resultset_add_device(&set);
    snprintf(d->backend, sizeof d->backend, "cuda");
    d->info.llc_bytes = 52428800;
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    pb_msg msg = { "" };
    CHECK(f && pb_json_write_resultset_stream(&set, f, &msg) == PB_OK);
    if (f)
        fclose(f);
    pb_resultset back;
    CHECK_MSG(buf && pb_json_parse_resultset(buf, size, "mem", &back, &msg) == PB_OK, "%s", msg.text);
    if (buf && back.nresults == set.nresults) {
        CHECK(back.results[0].working_set_bytes == (uint64_t)(48 * MIB));
        CHECK(back.results[0].llc_bytes == (uint64_t)(50 * MIB));
        CHECK(back.ndevices == 1 && back.devices[0].info.llc_bytes == 52428800);
    }
    pb_resultset_free(&back);
    /* Without the fields (a file written before them): both read as 0, "unknown". */
    char *old = buf ? strstr(buf, "\"working_set_bytes\"") : NULL;
    if (old) {
        char *end = strchr(old, '\n');
        memmove(old, end + 1, strlen(end + 1) + 1);
        CHECK(pb_json_parse_resultset(buf, strlen(buf), "old", &back, &msg) == PB_OK);
        CHECK(back.nresults > 0 && back.results[0].working_set_bytes == 0);
        CHECK(back.nresults > 0 && pb_device_llc_fit((double)back.results[0].working_set_bytes,
                                                     (double)back.results[0].llc_bytes) == PB_LLC_FIT_UNKNOWN);
        pb_resultset_free(&back);
    }
    free(buf);
    pb_resultset_free(&set);
}

/* The warnings of B against A that mention the last-level cache. */
static int llc_warnings(const pb_resultset *a, const pb_resultset *b, char *first, size_t size)
{
    pb_comparison cmp;
    pb_msg msg = { "" };
    int n = 0;
    CHECK_MSG(pb_compare_build(a, "a.json", b, "b.json", 0.05, &cmp, &msg) == PB_OK, "%s", msg.text);
    for (int i = 0; i < cmp.nwarnings; i++)
        if (strstr(cmp.warnings[i], "last-level cache") && n++ == 0)
            snprintf(first, size, "%s", cmp.warnings[i]);
    pb_comparison_free(&cmp);
    return n;
}

static void test_compare_warns(void)
{
    pb_resultset a, b;
    fill_set(&a);
    fill_set(&b);
    char text[320] = "";
    CHECK(llc_warnings(&a, &b, text, sizeof text) == 0);
    /* B's device has a 40 MiB cache: its triad (48 MiB) ran from memory, A's from the cache. */
    for (int i = 0; i < b.nresults; i++)
        b.results[i].llc_bytes = (uint64_t)(40 * MIB);
    CHECK(llc_warnings(&a, &b, text, sizeof text) == 1);
    CHECK_MSG(strstr(text, "2 bandwidth-bound cases fit in the last-level cache on one side only") &&
                  strstr(text, "triad gpu (fits on A: 48 MiB, caches A 50 MiB, B 40 MiB)"),
              "%s", text);
    /* An unknown cache on one side (Metal, an older file) warns of nothing. */
    for (int i = 0; i < b.nresults; i++)
        b.results[i].llc_bytes = 0;
    CHECK(llc_warnings(&a, &b, text, sizeof text) == 0);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

static const pbtest_case tests[] = {
    { "fit_decision", test_fit_decision },
    { "bandwidth_bound_workloads", test_bandwidth_bound_workloads },
    { "problem_bytes", test_problem_bytes },
    { "cpu_records_llc", test_cpu_records_llc },
    { "opencl_records_llc", test_opencl_records_llc },
    { "table_notes", test_table_notes },
    { "round_trip", test_round_trip },
    { "compare_warns", test_compare_warns },
};
PBTEST_MAIN(tests)
