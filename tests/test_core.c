/* Tests of the core: statistics, the thread pool, option parsing and the runner: on its own
 * through pb_runner_ops, and as `parbench` drives it (src/cli/measure.c) with a small fake backend
 * whose correctness and speed the test controls; the plan walk that run and selftest share. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/cli/cli.h"
#include "../src/cli/measure.h"
#include "../src/cli/opts.h"
#include "../src/cli/plan_walk.h"
#include "../src/core/atomic_file.h"
#include "../src/core/buildinfo.h"
#include "../src/core/pool.h"
#include "../src/core/runner.h"
#include "../src/core/stats.h"
#include "../src/core/timer.h"
#include "pbtest.h"

static void test_stats_summary(void)
{
    double s[] = { 5, 1, 4, 2, 3 };
    pb_summary sum;
    pb_stats_summarise(s, 5, &sum);
    CHECK(sum.median == 3);
    CHECK(sum.min == 1 && sum.max == 5);
    CHECK(sum.mad == 1);
    CHECK(fabs(sum.mean - 3) < 1e-12);
    CHECK(fabs(sum.cv - sqrt(2.5) / 3) < 1e-12);
    CHECK(s[0] == 5); /* input untouched */
    double even[] = { 4, 1, 3, 2 };
    pb_stats_summarise(even, 4, &sum);
    CHECK(sum.median == 2.5);
    double one[] = { 7 };
    pb_stats_summarise(one, 1, &sum);
    CHECK(sum.median == 7 && sum.cv == 0 && sum.mad == 0);
}

typedef struct pool_probe {
    int seen[64];
    int64_t sums[64];
} pool_probe;

static void pool_task(void *arg, int index, int count)
{
    pool_probe *p = arg;
    int64_t b, e, s = 0;
    pb_split(1000003, index, count, &b, &e);
    for (int64_t i = b; i < e; i++)
        s += i;
    p->seen[index] += 1;
    p->sums[index] = s;
}

static void test_pool_runs_every_index_once(void)
{
    pb_pool *pool = NULL;
    pb_msg msg;
    CHECK(pb_pool_create(4, &pool, &msg) == PB_OK);
    for (int threads = 1; threads <= 4; threads++) {
        for (int rep = 0; rep < 50; rep++) {
            pool_probe p;
            memset(&p, 0, sizeof p);
            pb_pool_run(pool, threads, pool_task, &p);
            int64_t total = 0;
            for (int i = 0; i < threads; i++) {
                CHECK(p.seen[i] == 1);
                total += p.sums[i];
            }
            CHECK(p.seen[threads] == 0);
            CHECK(total == (int64_t)1000003 * 1000002 / 2);
        }
    }
    pb_pool_free(pool);
    pb_pool_free(NULL);
    CHECK(pb_pool_create(0, &pool, &msg) == PB_ERR_USAGE);
}

static void test_split_aligned_never_shares_lines(void)
{
    for (int count = 1; count <= 5; count++) {
        int64_t prev_end = 0;
        for (int i = 0; i < count; i++) {
            int64_t b, e;
            pb_split_aligned(1003, 16, i, count, &b, &e);
            CHECK(b == prev_end);
            CHECK(b % 16 == 0 || b == 1003);
            prev_end = e;
        }
        CHECK(prev_end == 1003);
    }
}

static void test_opts_numbers(void)
{
    pb_msg msg;
    double d;
    long l;
    CHECK(pb_opts_double("--min-time", "0.5", 0, 10, &d, &msg) == PB_OK && d == 0.5);
    CHECK(pb_opts_double("--min-time", "1.5x", 0, 10, &d, &msg) == PB_ERR_USAGE);
    CHECK(strstr(msg.text, "'1.5x' is not a number") != NULL);
    CHECK(pb_opts_double("--min-time", "", 0, 10, &d, &msg) == PB_ERR_USAGE);
    CHECK(pb_opts_double("--min-time", "nan", 0, 10, &d, &msg) == PB_ERR_USAGE);
    CHECK(pb_opts_double("--min-time", "1e999", 0, 10, &d, &msg) == PB_ERR_USAGE);
    CHECK(pb_opts_int("--seed", "12", 0, 100, &l, &msg) == PB_OK && l == 12);
    CHECK(pb_opts_int("--seed", "101", 0, 100, &l, &msg) == PB_ERR_USAGE);
    CHECK(strstr(msg.text, "out of range") != NULL);
}

static void test_run_options(void)
{
    pb_run_config cfg;
    pb_msg msg;
    int help;
    char a1[] = "--threads", a2[] = "1,all,1", a3[] = "-w", a4[] = "sgemm,triad", a5[] = "--preset=quick";
    char *ok[] = { a1, a2, a3, a4, a5 };
    CHECK(pb_run_parse(5, ok, &cfg, &help, &msg) == PB_OK);
    CHECK(cfg.preset == PB_PRESET_QUICK);
    CHECK(cfg.threads[0] == 1 && cfg.threads[1] == cfg.all_threads);
    CHECK(cfg.workloads[PB_WL_SGEMM] && cfg.workloads[PB_WL_TRIAD] && !cfg.workloads[PB_WL_NBODY]);

    char z1[] = "--threads", z2[] = "0";
    char *zero[] = { z1, z2 };
    CHECK(pb_run_parse(2, zero, &cfg, &help, &msg) == PB_ERR_USAGE);
    CHECK(strstr(msg.text, "0 is not a thread count") != NULL);

    char u1[] = "--bogus";
    char *unknown[] = { u1 };
    CHECK(pb_run_parse(1, unknown, &cfg, &help, &msg) == PB_ERR_USAGE);
    CHECK(strstr(msg.text, "unknown option '--bogus'") != NULL);

    char w1[] = "-w", w2[] = "sgemm,fft";
    char *wl[] = { w1, w2 };
    CHECK(pb_run_parse(2, wl, &cfg, &help, &msg) == PB_ERR_USAGE);
    CHECK(strstr(msg.text, "unknown workload 'fft'") != NULL);

    char m1[] = "--min-time", m2[] = "abc";
    char *mt[] = { m1, m2 };
    CHECK(pb_run_parse(2, mt, &cfg, &help, &msg) == PB_ERR_USAGE);

    char e1[] = "-w", e2[] = "sgemm,,triad";
    char *empty[] = { e1, e2 };
    CHECK(pb_run_parse(2, empty, &cfg, &help, &msg) == PB_ERR_USAGE);

    char p1[] = "--preset", p2[] = "huge";
    char *pr[] = { p1, p2 };
    CHECK(pb_run_parse(2, pr, &cfg, &help, &msg) == PB_ERR_USAGE);

    char s1[] = "--seed", s2[] = "7", s3[] = "--seed", s4[] = "x";
    char *seed[] = { s1, s2, s3, s4 };
    CHECK(pb_run_parse(2, seed, &cfg, &help, &msg) == PB_OK && cfg.seed == 7);
    CHECK(pb_run_parse(4, seed, &cfg, &help, &msg) == PB_ERR_USAGE);
    CHECK(strstr(msg.text, "--seed: 'x' is not a whole number") != NULL);

    char v1[] = "--threads";
    char *novalue[] = { v1 };
    CHECK(pb_run_parse(1, novalue, &cfg, &help, &msg) == PB_ERR_USAGE);
    CHECK(strstr(msg.text, "needs a value") != NULL);
}

/* A fake backend running the triad on the host: `mode` selects correct, wrong or slow output. */
typedef struct fake_case {
    pb_problem *problem;
    int mode; /* 0 correct, 1 corrupt one element, 2 fail launches after the warm-up, 3 a device
               * timer in the wrong unit (40x short), 4 a device timer longer than the host's window,
               * 5 a device timer that agrees with the host */
    int launches;
} fake_case;

static int fake_mode;
static volatile sig_atomic_t fake_interrupt;
static int fake_interrupt_after;

static pb_status fake_init(void **ctx, pb_msg *why)
{
    (void)why;
    *ctx = &fake_mode;
    return PB_OK;
}
static void fake_shutdown(void *ctx) { (void)ctx; }
static int fake_device_count(void *ctx) { (void)ctx; return 1; }
static pb_status fake_device_info(void *ctx, int device, pb_device_info *out)
{
    (void)ctx;
    (void)device;
    memset(out, 0, sizeof *out);
    pb_strlcpy(out->name, "fake device", sizeof out->name);
    return PB_OK;
}
static int fake_variants(void *ctx, pb_workload_id id, const pb_variant_request *req, pb_variant *out, int max)
{
    (void)ctx;
    (void)req;
    if (id != PB_WL_TRIAD || max < 1)
        return 0;
    memset(out, 0, sizeof *out);
    out->role = PB_ROLE_CPU_1;
    out->threads = 1;
    pb_strlcpy(out->precision, "fp32", sizeof out->precision);
    pb_strlcpy(out->impl, "fake", sizeof out->impl);
    out->unit_roundoff = PB_FP32_UNIT_ROUNDOFF;
    return 1;
}
static pb_status fake_case_create(void *ctx, const pb_variant *v, pb_problem *problem, void **kase, pb_msg *msg)
{
    (void)ctx;
    (void)v;
    (void)msg;
    fake_case *c = calloc(1, sizeof *c);
    c->problem = problem;
    c->mode = fake_mode;
    *kase = c;
    return PB_OK;
}
static pb_status fake_case_run(void *kase, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    fake_case *c = kase;
    if (c->mode == 2 && c->launches > 0)
        return pb_msg_set(msg, PB_ERR_BACKEND, "fake launch error");
    double t0 = pb_time_now();
    float *a = c->problem->buf[0].host, *b = c->problem->buf[1].host, *cc = c->problem->buf[2].host;
    int n = c->problem->params.triad.n;
    for (int l = 0; l < launches; l++)
        for (int i = 0; i < n; i++)
            a[i] = b[i] + c->problem->params.triad.scalar * cc[i];
    if (c->mode == 1)
        a[n / 2] += 1.0f;
    c->launches += launches;
    if (fake_interrupt_after && c->launches >= fake_interrupt_after)
        fake_interrupt = 1;
    double host = pb_time_now() - t0;
    static const double device_scale[] = { 0, 0, 0, 1.0 / 40, 2.0, 0.95 };
    *seconds = c->mode >= 3 ? host * device_scale[c->mode] : host;
    *device_timer = c->mode >= 3;
    return PB_OK;
}
static void fake_case_destroy(void *kase) { free(kase); }

static const pb_backend fake_backend = {
    .name = "fake",
    .summary = "test backend",
    .init = fake_init,
    .shutdown = fake_shutdown,
    .device_count = fake_device_count,
    .device_info = fake_device_info,
    .variants = fake_variants,
    .case_create = fake_case_create,
    .case_run = fake_case_run,
    .case_destroy = fake_case_destroy,
};

static pb_status run_fake(int mode, pb_result *r, int interrupt_after)
{
    const pb_workload *wl = pb_workload_get(PB_WL_TRIAD);
    pb_problem problem;
    memset(&problem, 0, sizeof problem);
    pb_msg msg;
    if (wl->create(&wl->sizes[PB_PRESET_TINY], 1, &problem, &msg) != PB_OK)
        return PB_ERR_NOMEM;
    pb_variant v;
    fake_variants(NULL, PB_WL_TRIAD, NULL, &v, 1);
    fake_mode = mode;
    fake_interrupt = 0;
    fake_interrupt_after = interrupt_after;
    pb_runner_opts ro = { .min_time_s = 0.05, .interrupted = &fake_interrupt };
    pb_runner_opts_defaults(&ro);
    memset(r, 0, sizeof *r);
    pb_status st = pb_measure_case(&fake_backend, &fake_mode, &v, &problem, &ro, r);
    pb_problem_destroy(&problem);
    return st;
}

static void test_runner_measures_a_correct_case(void)
{
    pb_result r;
    CHECK(run_fake(0, &r, 0) == PB_OK);
    CHECK_MSG(r.status == PB_CASE_OK, "status %d: %s", r.status, r.reason);
    CHECK(r.nsamples >= r.rounds && r.rounds >= 5);
    CHECK(r.has_check && r.check.ok);
    CHECK(r.iterations_per_sample >= 1);
    /* Calibration: a typical sample (launches x time per launch) lasts at least ~10 ms; single
     * samples may run faster than calibration predicted on a noisy machine. */
    CHECK_MSG(r.median_s * r.iterations_per_sample >= 0.002, "median sample lasted %g s",
              r.median_s * r.iterations_per_sample);
    CHECK(r.median_s > 0 && r.min_s <= r.median_s);
    CHECK(r.rate_value > 0);
    CHECK_STR(r.workload, "triad");
    CHECK_STR(r.role, "cpu-1");
    CHECK_STR(r.timer, "host");
    /* Rounds: at least the minimum, every sample tagged with one, one machine state per round. */
    CHECK_MSG(r.rounds >= 5 && r.rounds <= 20, "%d rounds", r.rounds);
    CHECK(r.sample_rounds != NULL && r.nround_states == r.rounds);
    int seen[64] = { 0 };
    for (int i = 0; r.sample_rounds && i < r.nsamples; i++) {
        CHECK(r.sample_rounds[i] >= 0 && r.sample_rounds[i] < r.rounds);
        if (r.sample_rounds[i] >= 0 && r.sample_rounds[i] < 64)
            seen[r.sample_rounds[i]] = 1;
    }
    for (int k = 0; k < r.rounds && k < 64; k++)
        CHECK_MSG(seen[k], "round %d has no sample", k);
    CHECK(strcmp(r.rounds_stop, "settled") == 0 || strcmp(r.rounds_stop, "round-cap") == 0);
    CHECK(r.round_states && r.round_states[0].seconds > 0);
    pb_result_free_owned(&r);
}

/* Device timers are cross-checked with the host clock around every batch (issue 11): one in the
 * wrong unit, or longer than the host's window, is not trusted, and the case falls back to the
 * host clock with both clocks' samples and the reason kept. */
static void test_runner_checks_device_timers(void)
{
    pb_result r;
    CHECK(run_fake(3, &r, 0) == PB_OK);
    CHECK_MSG(r.status == PB_CASE_OK, "%s", r.reason);
    CHECK_STR(r.timer, "host");
    CHECK_MSG(strstr(r.timer_note, "less than the host clock") != NULL, "%s", r.timer_note);
    CHECK(r.nother_clock == r.nsamples && r.other_clock_s && r.other_clock_s[0] < r.samples_s[0] / 20);
    pb_result_free_owned(&r);
    CHECK(run_fake(4, &r, 0) == PB_OK);
    CHECK_STR(r.timer, "host");
    CHECK_MSG(strstr(r.timer_note, "the host clock saw take") != NULL, "%s", r.timer_note);
    pb_result_free_owned(&r);
    CHECK(run_fake(5, &r, 0) == PB_OK);
    CHECK_STR(r.timer, "device");
    CHECK(r.timer_note[0] == '\0');
    CHECK(r.nother_clock == r.nsamples && r.other_clock_s && r.other_clock_s[0] >= r.samples_s[0]);
    pb_result_free_owned(&r);
}

/* The stopping rule: rounds that agree stop at the minimum; rounds that disagree go on to the cap. */
static void test_runner_stopping_rule(void)
{
    pb_runner_opts ro = { .min_rounds = 4, .max_rounds = 10 };
    pb_runner_opts_defaults(&ro);
    pb_runner_case c;
    memset(&c, 0, sizeof c);
    double samples[40];
    int rounds[40];
    c.samples = samples;
    c.sample_rounds = rounds;
    double half;
    for (int k = 0; k < 4; k++) {
        samples[2 * k] = samples[2 * k + 1] = 0.010 * (1 + 0.001 * k); /* within 0.3% */
        rounds[2 * k] = rounds[2 * k + 1] = k;
    }
    c.nsamples = 8;
    c.rounds = 3;
    CHECK(pb_runner_needs_round(&c, &ro, &half)); /* below the minimum */
    c.rounds = 4;
    CHECK(!pb_runner_needs_round(&c, &ro, &half) && half < ro.spread_target);
    for (int k = 0; k < 4; k++)
        samples[2 * k] = samples[2 * k + 1] = 0.010 * (k % 2 ? 1.3 : 1.0); /* rounds 30% apart */
    CHECK(pb_runner_needs_round(&c, &ro, &half) && half > ro.spread_target);
    c.rounds = 10;
    for (int k = 0; k < 10; k++) {
        samples[k] = 0.010 * (k % 2 ? 1.3 : 1.0);
        rounds[k] = k;
    }
    c.nsamples = 10;
    CHECK(!pb_runner_needs_round(&c, &ro, &half)); /* the cap */
}

static void test_runner_reports_a_wrong_result_as_failed(void)
{
    pb_result r;
    CHECK(run_fake(1, &r, 0) == PB_OK);
    CHECK(r.status == PB_CASE_FAILED);
    CHECK(r.has_check && !r.check.ok && r.check.bad >= 1);
    CHECK(strstr(r.reason, "wrong result") != NULL);
    CHECK(r.nsamples == 0); /* a wrong answer is never timed as a win */
    pb_result_free_owned(&r);
}

static void test_runner_reports_a_launch_error(void)
{
    pb_result r;
    CHECK(run_fake(2, &r, 0) == PB_OK);
    CHECK(r.status == PB_CASE_FAILED);
    CHECK(strstr(r.reason, "fake launch error") != NULL);
    pb_result_free_owned(&r);
}

static void test_runner_stops_when_interrupted(void)
{
    pb_result r;
    CHECK(run_fake(0, &r, 3) == PB_ERR_INTERRUPTED);
    CHECK(r.status == PB_CASE_SKIPPED);
    CHECK(strstr(r.reason, "interrupted") != NULL);
    pb_result_free_owned(&r);
}

/* The runner on its own, as the core sees a case: a fake behind pb_runner_ops whose launches
 * each spin 20 us on the host clock. `open_status` and `verifies` select the outcome; the counts
 * show the runner opens, verifies and closes a case exactly once. */
typedef struct ops_fake {
    pb_status open_status;
    int verifies;
    int opened, closed, verified;
} ops_fake;

static pb_status ops_open(void *impl, pb_msg *msg)
{
    ops_fake *f = impl;
    f->opened++;
    return f->open_status == PB_OK ? PB_OK : pb_msg_set(msg, f->open_status, "needs 9 GiB, the device has 4");
}
static pb_status ops_run(void *impl, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    (void)impl;
    (void)msg;
    double t0 = pb_time_now();
    while (pb_time_now() - t0 < 20e-6 * launches)
        ;
    *seconds = pb_time_now() - t0;
    *device_timer = 0;
    return PB_OK;
}
static int ops_verify(void *impl, pb_pool *pool, int threads, pb_msg *why)
{
    (void)pool;
    (void)threads;
    ops_fake *f = impl;
    f->verified++;
    if (!f->verifies)
        pb_msg_set(why, PB_ERR_VERIFY, "wrong result: the fake says so");
    return f->verifies;
}
static void ops_close(void *impl) { ((ops_fake *)impl)->closed++; }
static const pb_runner_ops fake_ops = { .open = ops_open, .run = ops_run, .verify = ops_verify, .close = ops_close };

static void test_runner_on_its_own(void)
{
    pb_runner_opts ro = { .min_time_s = 0.02, .min_sample_s = 0.001, .min_rounds = 3, .max_rounds = 3 };
    pb_runner_opts_defaults(&ro);
    pb_runner_case c;
    pb_measurement m;
    const char *stop = NULL;
    ops_fake ok = { PB_OK, 1, 0, 0, 0 };
    CHECK(pb_runner_setup(&c, &fake_ops, &ok, &ro) == PB_OK);
    CHECK_MSG(c.live && c.outcome == PB_RUNNER_OK && c.launches >= 1, "%s", c.reason);
    CHECK(pb_runner_rounds(&c, &ro, &stop) == PB_OK && stop != NULL);
    CHECK(pb_runner_finish(&c, stop, &m) == 1);
    CHECK_MSG(m.rounds == 3 && m.nsamples >= 3 && m.summary.median > 0 && !m.device_timer && !m.has_other_clock,
              "%d rounds, %d samples", m.rounds, m.nsamples);
    CHECK(m.states != NULL && m.sample_rounds[m.nsamples - 1] == 2);
    pb_runner_discard(&c);
    CHECK(ok.opened == 1 && ok.closed == 1 && ok.verified == 1);

    ops_fake wrong = { PB_OK, 0, 0, 0, 0 };
    CHECK(pb_runner_setup(&c, &fake_ops, &wrong, &ro) == PB_OK);
    CHECK(!c.live && c.outcome == PB_RUNNER_FAILED && !c.open && wrong.closed == 1);
    CHECK_STR(c.reason, "wrong result: the fake says so");
    CHECK(c.nsamples == 0);
    pb_runner_discard(&c);

    ops_fake unfit = { PB_ERR_UNSUPPORTED, 1, 0, 0, 0 };
    CHECK(pb_runner_setup(&c, &fake_ops, &unfit, &ro) == PB_OK);
    CHECK(!c.live && c.outcome == PB_RUNNER_SKIPPED && unfit.closed == 0 && unfit.verified == 0);
    CHECK_STR(c.reason, "not supported here: needs 9 GiB, the device has 4");
    pb_runner_discard(&c);
}

/* What a plan walk showed its callbacks. */
typedef struct walk_log {
    int n, items[8];
    const pb_problem *problems[8];
} walk_log;

static int walk_keep(void *user, pb_workload_id id, const pb_problem *problem)
{
    (void)user;
    return id == PB_WL_TRIAD && problem->nbuf > 0;
}

static void walk_visit(void *user, int item, pb_problem *problem, pb_result *res)
{
    walk_log *log = user;
    CHECK(res != NULL && res->status == PB_CASE_OK && !res->reason[0]);
    if (log->n < 8) {
        log->items[log->n] = item;
        log->problems[log->n++] = problem;
    }
}

/* The walk makes each workload's inputs once for its cases, in plan order, one result per case,
 * and keeps only the inputs its caller asks to keep. */
static void test_plan_walk(void)
{
    pb_backend_entry entry = { "fake", &fake_backend, NULL };
    pb_session session;
    memset(&session, 0, sizeof session);
    session.slots[0].entry = &entry;
    session.slots[0].ctx = &fake_mode;
    session.nslots = 1;
    pb_plan_item items[3];
    memset(items, 0, sizeof items);
    pb_planned_list planned = { items, 0, 3 }, *plan = &planned;
    static const pb_workload_id ids[] = { PB_WL_TRIAD, PB_WL_TRIAD, PB_WL_REDUCE };
    for (int i = 0; i < 3; i++) {
        plan->items[i].id = ids[i];
        fake_variants(NULL, PB_WL_TRIAD, NULL, &plan->items[i].variant, 1);
    }
    plan->n = 3;
    pb_resultset set;
    pb_resultset_init(&set);
    pb_plan_walk walk;
    CHECK(pb_plan_walk_init(&walk, &session, plan, PB_PRESET_TINY, 1, &set) == PB_OK);
    CHECK(set.nresults == 3);
    walk_log log = { 0, { 0 }, { NULL } };
    static const pb_plan_walk_ops ops = { .keep = walk_keep, .visit = walk_visit };
    pb_plan_walk_run(&walk, &ops, &log);
    CHECK(log.n == 3 && log.items[0] == 0 && log.items[1] == 1 && log.items[2] == 2);
    CHECK(log.problems[0] == &walk.inputs[PB_WL_TRIAD] && log.problems[1] == log.problems[0]);
    CHECK(log.problems[2] == &walk.inputs[PB_WL_REDUCE]);
    CHECK(walk.kept[PB_WL_TRIAD] && walk.inputs[PB_WL_TRIAD].nbuf == 3);
    CHECK(!walk.kept[PB_WL_REDUCE] && walk.inputs[PB_WL_REDUCE].nbuf == 0);
    pb_problem again;
    pb_msg msg = { "" };
    CHECK(pb_plan_walk_inputs(&walk, PB_WL_TRIAD, &again, &msg) == PB_OK);
    CHECK(again.buf[1].bytes == walk.inputs[PB_WL_TRIAD].buf[1].bytes &&
          memcmp(again.buf[1].host, walk.inputs[PB_WL_TRIAD].buf[1].host, again.buf[1].bytes) == 0);
    pb_problem_destroy(&again);
    pb_plan_walk_free(&walk);
    CHECK(!walk.kept[PB_WL_TRIAD] && walk.inputs[PB_WL_TRIAD].nbuf == 0);
    pb_plan_walk_free(NULL);
    pb_resultset_free(&set);
}

/* A build whose times are not representative is named; optimised builds are not. */
static void test_build_timing_caveat(void)
{
    CHECK(pb_build_timing_caveat("-O3 -march=native -ffp-contract=off") == NULL);
    CHECK(pb_build_timing_caveat("-O2") == NULL);
    CHECK(pb_build_timing_caveat("-O1 -O3") == NULL);
    CHECK(pb_build_timing_caveat("") == NULL);
    CHECK(pb_build_timing_caveat(NULL) == NULL);
    CHECK(pb_build_timing_caveat("-O3 -Ofast-math-is-not-a-flag") == NULL);
    const char *san = pb_build_timing_caveat("-O1 -g -fsanitize=address,undefined");
    CHECK(san != NULL && strstr(san, "sanitizers") != NULL);
    const char *dbg = pb_build_timing_caveat("-O3 -march=native -O0");
    CHECK(dbg != NULL && strstr(dbg, "optimisation") != NULL);
    CHECK(pb_build_timing_caveat("-Og") != NULL);
    CHECK(pb_build_timing_caveat("-O3 -O1") != NULL);
}

/* The text of `path` (at most size - 1 bytes), "" when it cannot be read. */
static const char *slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    return buf;
}

/* A file is replaced whole or not at all: a commit replaces it, a failed commit or a discard leaves
 * the old text and no temporary file, a directory is refused. */
static void test_atomic_file(void)
{
    char dir[] = "/tmp/pbtest-atomic-XXXXXX", path[64], buf[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    pb_atomic_file f;
    CHECK(pb_atomic_open(&f, path) == 0);
    fputs("first", f.out);
    CHECK(pb_atomic_commit(&f, 0) == 0);
    CHECK_STR(slurp(path, buf, sizeof buf), "first");
    CHECK(pb_atomic_open(&f, path) == 0);
    fputs("half of the seco", f.out);
    CHECK(pb_atomic_commit(&f, EIO) == EIO); /* the caller's write failed */
    CHECK_STR(slurp(path, buf, sizeof buf), "first");
    CHECK(access(f.tmp, F_OK) != 0);
    CHECK(pb_atomic_open(&f, path) == 0);
    fputs("interrupted", f.out);
    pb_atomic_discard(&f);
    pb_atomic_discard(&f); /* twice is harmless */
    CHECK_STR(slurp(path, buf, sizeof buf), "first");
    CHECK(access(f.tmp, F_OK) != 0);
    CHECK(pb_atomic_open(&f, dir) == EISDIR);
    snprintf(path, sizeof path, "%s/none/out.txt", dir);
    CHECK(pb_atomic_open(&f, path) == ENOENT);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    remove(path);
    rmdir(dir);
}

static const pbtest_case tests[] = {
    { "atomic file", test_atomic_file },
    { "build_timing_caveat", test_build_timing_caveat },
    { "stats_summary", test_stats_summary },
    { "pool_runs_every_index_once", test_pool_runs_every_index_once },
    { "split_aligned_never_shares_lines", test_split_aligned_never_shares_lines },
    { "opts_numbers", test_opts_numbers },
    { "run_options", test_run_options },
    { "runner_measures_a_correct_case", test_runner_measures_a_correct_case },
    { "runner_reports_a_wrong_result_as_failed", test_runner_reports_a_wrong_result_as_failed },
    { "runner_reports_a_launch_error", test_runner_reports_a_launch_error },
    { "runner_stops_when_interrupted", test_runner_stops_when_interrupted },
    { "runner_stopping_rule", test_runner_stopping_rule },
    { "runner_checks_device_timers", test_runner_checks_device_timers },
    { "runner_on_its_own", test_runner_on_its_own },
    { "plan_walk", test_plan_walk },
};

PBTEST_MAIN(tests)
