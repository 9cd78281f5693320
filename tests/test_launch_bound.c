/* Launch-bound cases (issue 13): the decision on fixed numbers, the runner summing the device's
 * view of its timed batches, the OpenCL backend measuring it behind its gate on PoCL at the tiny
 * preset, and the result file and the run table carrying it. Whether PoCL is launch-bound at tiny
 * is the machine's business: the tests check the mechanism, not the verdict. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/cli/cli.h"
#include "../src/cli/measure.h"
#include "../src/core/runner.h"
#include "../src/results/json_read.h"
#include "../src/results/json_write.h"
#include "pbcase.h"
#include "pbtest.h"

static void test_decision_on_fixed_numbers(void)
{
    CHECK(pb_runner_idle_share(1.0, 4.0) == 0.75);
    CHECK(pb_runner_launch_bound(1.0, 4.0));
    CHECK(!pb_runner_launch_bound(0.8, 1.0));     /* idle 20% */
    CHECK(!pb_runner_launch_bound(0.75, 1.0));    /* idle exactly the threshold: not beyond it */
    CHECK(pb_runner_launch_bound(0.74, 1.0));
    CHECK(!pb_runner_launch_bound(1.0, 1.0));     /* back to back */
    /* Numbers no batch can give decide nothing. */
    CHECK(pb_runner_idle_share(1.0, 0.0) == 0 && !pb_runner_launch_bound(1.0, 0.0));
    CHECK(pb_runner_idle_share(2.0, 1.0) == 0 && !pb_runner_launch_bound(2.0, 1.0));
    CHECK(!pb_runner_launch_bound(-1.0, 1.0));
}

/* ---- the runner with a fake case whose batches the device sees idle 60% of the time --------- */

static pb_status fake_open(void *impl, pb_msg *msg)
{
    (void)impl;
    (void)msg;
    return PB_OK;
}

/* 1 us per launch, on the host clock. */
static pb_status fake_run(void *impl, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    (void)impl;
    (void)msg;
    *seconds = launches * 1e-6;
    *device_timer = 0;
    return PB_OK;
}

static int fake_batch_calls;

/* The last batch: 2 busy out of 5 per launch, whatever the count. */
static int fake_batch(void *impl, double *busy_s, double *span_s)
{
    const int launches = *(const int *)impl;
    fake_batch_calls++;
    *busy_s = 2e-6 * launches;
    *span_s = 5e-6 * launches;
    return 1;
}

static int fake_verify(void *impl, pb_pool *pool, int threads, pb_msg *why)
{
    (void)impl;
    (void)pool;
    (void)threads;
    (void)why;
    return 1;
}

static void fake_close(void *impl) { (void)impl; }

static const pb_runner_ops fake_ops = {
    .open = fake_open, .run = fake_run, .batch = fake_batch, .verify = fake_verify, .close = fake_close
};
static const pb_runner_ops fake_ops_no_batch = {
    .open = fake_open, .run = fake_run, .verify = fake_verify, .close = fake_close
};

/* Measures the fake case; `launches` receives the calibrated count (the fake's batch reads it). */
static int measure_fake(const pb_runner_ops *ops, pb_runner_case *c, int *launches, pb_measurement *m)
{
    pb_runner_opts ro = { .min_time_s = 0.01, .min_sample_s = 0.001, .min_rounds = 2, .max_rounds = 2 };
    pb_runner_opts_defaults(&ro);
    if (pb_runner_setup(c, ops, launches, &ro) != PB_OK || !c->live)
        return 0;
    *launches = c->launches;
    const char *stop;
    if (pb_runner_rounds(c, &ro, &stop) != PB_OK)
        return 0;
    return pb_runner_finish(c, stop, m);
}

static void test_runner_sums_the_timed_batches(void)
{
    pb_runner_case c;
    pb_measurement m;
    int launches = 1;
    fake_batch_calls = 0;
    CHECK(measure_fake(&fake_ops, &c, &launches, &m));
    CHECK(m.has_batch);
    /* Per launch, over the timed samples only: the fake's 2 and 5 us. */
    CHECK_MSG(m.batch_busy_s > 1.99e-6 && m.batch_busy_s < 2.01e-6, "busy %g", m.batch_busy_s);
    CHECK_MSG(m.batch_span_s > 4.99e-6 && m.batch_span_s < 5.01e-6, "span %g", m.batch_span_s);
    CHECK(m.launch_bound);
    CHECK(fake_batch_calls == m.nsamples);
    pb_runner_discard(&c);

    CHECK(measure_fake(&fake_ops_no_batch, &c, &launches, &m));
    CHECK(!m.has_batch && !m.launch_bound && m.batch_busy_s == 0 && m.batch_span_s == 0);
    pb_runner_discard(&c);
}

/* ---- OpenCL on PoCL at the tiny preset ------------------------------------------------------ */

/* The backend reports a batch only after one ran, with busy <= span. */
static void test_opencl_reports_each_batch(void)
{
    const pb_backend *backend;
    pb_msg why = { "" };
    void *ctx = pbcase_start("opencl", &backend, &why);
    if (!ctx)
        SKIP("%s", why.text);
    CHECK(backend->case_batch_info != NULL);
    const pb_workload *wl = pb_workload_get(PB_WL_STENCIL);
    pb_problem problem;
    memset(&problem, 0, sizeof problem);
    CHECK(wl->create(&wl->sizes[PB_PRESET_TINY], PBCASE_SEED, &problem, &why) == PB_OK);
    pb_variant v[PB_MAX_VARIANTS];
    CHECK(pbcase_variants(backend, ctx, PB_WL_STENCIL, v) >= 1);
    void *kase = NULL;
    CHECK_MSG(backend->case_create(ctx, &v[0], &problem, &kase, &why) == PB_OK, "%s", why.text);
    double busy = -1, span = -1, seconds = 0;
    int timer = 0;
    if (kase) {
        CHECK(backend->case_batch_info(kase, &busy, &span) == PB_ERR_UNSUPPORTED && busy == -1);
        for (int launches = 1; launches <= 64; launches *= 8) {
            CHECK_MSG(backend->case_run(kase, launches, &seconds, &timer, &why) == PB_OK, "%s", why.text);
            CHECK(backend->case_batch_info(kase, &busy, &span) == PB_OK);
            CHECK_MSG(busy > 0 && span > 0 && busy <= span, "busy %g s, span %g s", busy, span);
            /* The device time is the busy time: the kernels, not the gaps between them. */
            CHECK(timer == 1 && seconds == busy);
        }
        CHECK(backend->case_read(kase, &why) == PB_OK);
        pb_check check;
        memset(&check, 0, sizeof check);
        CHECK(wl->verify(&problem, NULL, 1, PB_FP32_UNIT_ROUNDOFF, &check, &why) == PB_OK && check.ok);
    }
    backend->case_destroy(kase);
    pb_problem_destroy(&problem);
    backend->shutdown(ctx);
}

/* Measured as `parbench run` measures it: the result carries the batch, busy <= span, and the flag
 * follows the threshold. One workload with one kernel, two with several. */
static void test_opencl_tiny_cases_record_the_batch(void)
{
    const pb_backend *backend;
    pb_msg why = { "" };
    void *ctx = pbcase_start("opencl", &backend, &why);
    if (!ctx)
        SKIP("%s", why.text);
    static const pb_workload_id ids[] = { PB_WL_TRIAD, PB_WL_REDUCE, PB_WL_STENCIL };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const pb_workload *wl = pb_workload_get(ids[i]);
        pb_problem problem;
        memset(&problem, 0, sizeof problem);
        CHECK(wl->create(&wl->sizes[PB_PRESET_TINY], PBCASE_SEED, &problem, &why) == PB_OK);
        pb_variant v[PB_MAX_VARIANTS];
        CHECK(pbcase_variants(backend, ctx, ids[i], v) >= 1);
        pb_runner_opts ro = { .min_time_s = 0.04, .min_rounds = 2, .max_rounds = 2 };
        pb_runner_opts_defaults(&ro);
        pb_result r;
        memset(&r, 0, sizeof r);
        CHECK(pb_measure_case(backend, ctx, &v[0], &problem, &ro, &r) == PB_OK);
        CHECK_MSG(r.status == PB_CASE_OK, "%s: %s", wl->name, r.reason);
        CHECK_MSG(r.has_batch, "%s: no batch recorded", wl->name);
        CHECK_MSG(r.batch_busy_s > 0 && r.batch_span_s > 0 && r.batch_busy_s <= r.batch_span_s,
                  "%s: busy %g s, span %g s per launch", wl->name, r.batch_busy_s, r.batch_span_s);
        CHECK(r.launch_bound == pb_runner_launch_bound(r.batch_busy_s, r.batch_span_s));
        fprintf(stderr, "  %s tiny on %s: kernels %.3g us of %.3g us per launch (idle %.0f%%)%s\n", wl->name,
                r.device_name, r.batch_busy_s * 1e6, r.batch_span_s * 1e6,
                100 * pb_runner_idle_share(r.batch_busy_s, r.batch_span_s), r.launch_bound ? ": launch-bound" : "");
        pb_result_free_owned(&r);
        pb_problem_destroy(&problem);
    }
    backend->shutdown(ctx);
}

/* ---- the result file and the table ------------------------------------------------------------ */

static pb_result *add_triad(pb_resultset *set, const char *backend, int has_batch, double busy, double span)
{
    pb_result *r = pb_resultset_add_result(set);
    strcpy(r->workload, "triad");
    strcpy(r->backend, backend);
    strcpy(r->role, "gpu");
    strcpy(r->precision, "fp32");
    strcpy(r->rate_unit, "GB/s");
    strcpy(r->timer, "device");
    r->ndims = 1;
    strcpy(r->dim_names[0], "n");
    r->dims[0] = 1003;
    r->status = PB_CASE_OK;
    r->work = 12e-9 * 1003;
    const double s[2] = { 2e-6, 2.1e-6 };
    pb_result_set_samples(r, s, NULL, 2, NULL);
    r->median_s = r->min_s = 2e-6;
    r->rate_value = r->work / r->median_s;
    r->has_batch = has_batch;
    r->batch_busy_s = busy;
    r->batch_span_s = span;
    r->launch_bound = has_batch && pb_runner_launch_bound(busy, span);
    return r;
}

static void test_result_file_carries_the_batch(void)
{
    char dir[] = "/tmp/pb-launch-XXXXXX", path[64];
    if (!mkdtemp(dir))
        SKIP("cannot create a temporary directory");
    snprintf(path, sizeof path, "%s/r.json", dir);
    pb_resultset a, b;
    pb_resultset_init(&a);
    add_triad(&a, "opencl", 1, 2e-6, 5e-6);
    add_triad(&a, "cuda", 0, 0, 0);
    pb_msg msg = { "" };
    CHECK_MSG(pb_json_write_resultset(&a, path, &msg) == PB_OK, "%s", msg.text);
    CHECK_MSG(pb_json_read_resultset(path, &b, &msg) == PB_OK, "%s", msg.text);
    FILE *f = fopen(path, "r");
    char text[16384] = "";
    if (f) {
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
    }
    remove(path);
    rmdir(dir);
    CHECK(strstr(text, "\"device_batch\": {\"busy_s\": 2e-06, \"span_s\": 5e-06, \"launch_bound\": true}") != NULL);
    /* Written only where measured: once, for the first case. */
    const char *first = strstr(text, "\"device_batch\"");
    CHECK(first && !strstr(first + 1, "\"device_batch\""));
    CHECK(b.nresults == 2);
    if (b.nresults == 2) {
        CHECK(b.results[0].has_batch && b.results[0].launch_bound);
        CHECK(b.results[0].batch_busy_s == 2e-6 && b.results[0].batch_span_s == 5e-6);
        CHECK(!b.results[1].has_batch && !b.results[1].launch_bound);
    }
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

static void test_table_says_launch_bound(void)
{
    pb_resultset set;
    pb_resultset_init(&set);
    add_triad(&set, "opencl", 1, 2e-6, 5e-6);
    add_triad(&set, "cuda", 1, 0.9e-6, 1e-6);
    FILE *f = tmpfile();
    if (!f)
        SKIP("no temporary file");
    pb_cli_print_table(&set, 200, f);
    char text[8192];
    rewind(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    CHECK_MSG(strstr(text, "* triad on opencl gpu: launch-bound: the device sat idle 60% of its timed batches "
                           "(kernels 2.00 us, batch 5.00 us per launch)") != NULL,
              "%s", text);
    CHECK(!strstr(text, "triad on cuda gpu: launch-bound"));
    pb_resultset_free(&set);
}

static const pbtest_case tests[] = {
    { "decision_on_fixed_numbers", test_decision_on_fixed_numbers },
    { "runner_sums_the_timed_batches", test_runner_sums_the_timed_batches },
    { "opencl_reports_each_batch", test_opencl_reports_each_batch },
    { "opencl_tiny_cases_record_the_batch", test_opencl_tiny_cases_record_the_batch },
    { "result_file_carries_the_batch", test_result_file_carries_the_batch },
    { "table_says_launch_bound", test_table_says_launch_bound },
};

PBTEST_MAIN(tests)
