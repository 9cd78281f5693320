/* `make bench`: parbench's own CPU kernels against their references at the standard sizes, in one
 * process, each held against a goal ratio (PASS/MISS). A benchmark, not a test: the machine may be
 * busy with other work, so each pair of things compared is sampled alternately (both see the same
 * conditions) and compared by medians. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/backends/backend.h"
#include "../src/backends/cpu/cpu_simd.h"
#include "../src/core/buildinfo.h"
#include "../src/core/fingerprint.h"
#include "../src/core/timer.h"

extern const pb_backend pb_backend_cpu;

#define BENCH_SEED 20261127u
#define BENCH_SAMPLES 11
#define BENCH_SAMPLE_S 0.05     /* a sample lasts at least this long */
/* Apple-silicon Accelerate runs SGEMM on the AMX matrix coprocessor, which NEON code cannot reach. */
#if defined(__aarch64__) || defined(__arm64__)
#define BENCH_ACCELERATE_AMX 1
#else
#define BENCH_ACCELERATE_AMX 0
#endif

/* Something to time: runs `launches` launches and returns their total seconds (< 0 on failure). */
typedef double (*bench_fn)(void *arg, int launches);

typedef struct bench_item {
    bench_fn fn;
    void *arg;
    int launches;               /* per sample, calibrated */
    double median;              /* seconds per launch; < 0 when it failed */
} bench_item;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Launches per sample so that a sample lasts at least BENCH_SAMPLE_S (after one warm-up). */
static int bench_calibrate(bench_item *it)
{
    double t = it->fn(it->arg, 1);
    it->launches = 1;
    while (t >= 0 && t < BENCH_SAMPLE_S && it->launches < (1 << 20)) {
        it->launches *= 2;
        t = it->fn(it->arg, it->launches);
    }
    return t >= 0;
}

/* Median seconds per launch of each item, sampling them in turn: a burst of other work on the
 * machine then hits all of them, not just one. */
static void bench_measure(bench_item *items, int count)
{
    double s[4][BENCH_SAMPLES];
    int ok = 1;
    for (int k = 0; k < count; k++)
        ok &= bench_calibrate(&items[k]);
    for (int i = 0; i < BENCH_SAMPLES && ok; i++) {
        for (int k = 0; k < count && ok; k++) {
            double t = items[k].fn(items[k].arg, items[k].launches);
            ok = t >= 0;
            s[k][i] = t / items[k].launches;
        }
    }
    for (int k = 0; k < count; k++) {
        items[k].median = -1;
        if (ok) {
            qsort(s[k], BENCH_SAMPLES, sizeof s[k][0], cmp_double);
            items[k].median = s[k][BENCH_SAMPLES / 2];
        }
    }
}

/* ---- backend cases ------------------------------------------------------------------------- */

typedef struct bench_case {
    const pb_backend *backend;
    void *ctx;
    pb_problem *problem;
    pb_variant variant;
    void *kase;
} bench_case;

static double bench_case_run(void *arg, int launches)
{
    bench_case *c = arg;
    double s;
    int device_timer;
    pb_msg msg;
    if (c->backend->case_run(c->kase, launches, &s, &device_timer, &msg) != PB_OK) {
        fprintf(stderr, "cpu_bench: %s: %s\n", c->backend->name, msg.text);
        return -1;
    }
    return s;
}

/* One launch and the outputs read back into the problem, for verification. */
static double bench_case_run_read(void *arg, int launches)
{
    bench_case *c = arg;
    double s = bench_case_run(arg, launches);
    pb_msg msg;
    if (s >= 0 && c->backend->case_read && c->backend->case_read(c->kase, &msg) != PB_OK) {
        fprintf(stderr, "cpu_bench: %s: %s\n", c->backend->name, msg.text);
        return -1;
    }
    return s;
}

/* The variant of the backend for the problem on `threads` threads, else its only one (a library
 * whose thread count cannot be set lists one); 0 when it has none. */
static int bench_variant(bench_case *c, int threads, int all)
{
    pb_variant v[PB_MAX_VARIANTS];
    pb_variant_request req = { &threads, 1, all, 0 };
    int n = c->backend->variants(c->ctx, c->problem->id, &req, v, PB_MAX_VARIANTS);
    for (int i = 0; i < n; i++) {
        if (v[i].threads == threads) {
            c->variant = v[i];
            return 1;
        }
    }
    if (n == 1)
        c->variant = v[0];
    return n == 1;
}

/* Verifies one launch of `fn` on freshly poisoned outputs. */
static int bench_verified(const char *who, bench_fn fn, void *arg, pb_problem *problem, double unit_roundoff,
                          pb_pool *pool, int threads)
{
    const pb_workload *wl = pb_workload_get(problem->id);
    pb_check check;
    pb_msg msg = { "" };
    memset(&check, 0, sizeof check);
    pb_problem_poison_outputs(problem);
    if (fn(arg, 1) < 0)
        return 0;
    if (wl->verify(problem, pool, threads, unit_roundoff, &check, &msg) != PB_OK || !check.ok) {
        fprintf(stderr, "cpu_bench: %s %s did not verify: %s (error %g > %g) %s\n", who, wl->name, check.method,
                check.max_err, check.tolerance, msg.text);
        return 0;
    }
    return 1;
}

/* Prepares a verified case ready to time; 0 (with the reason printed) when that failed. */
static int bench_case_open(bench_case *c, const pb_backend *backend, void *ctx, pb_problem *problem, int threads,
                           int all, pb_pool *pool)
{
    pb_msg msg = { "" };
    memset(c, 0, sizeof *c);
    c->backend = backend;
    c->ctx = ctx;
    c->problem = problem;
    if (!bench_variant(c, threads, all)) {
        fprintf(stderr, "cpu_bench: %s has no %d-thread variant of %s\n", backend->name, threads,
                pb_workload_get(problem->id)->name);
        return 0;
    }
    if (backend->case_create(ctx, &c->variant, problem, &c->kase, &msg) != PB_OK) {
        fprintf(stderr, "cpu_bench: %s: %s\n", backend->name, msg.text);
        return 0;
    }
    if (!bench_verified(backend->name, bench_case_run_read, c, problem, c->variant.unit_roundoff, pool, all)) {
        backend->case_destroy(c->kase);
        c->kase = NULL;
        return 0;
    }
    return 1;
}

static void bench_case_close(bench_case *c)
{
    if (c->kase)
        c->backend->case_destroy(c->kase);
    c->kase = NULL;
}

/* ---- references compiled here, with the same flags as the kernels ------------------------- */

typedef struct bench_pool_job {
    pb_pool *pool;
    int threads;
    pb_task_fn task;
    void *arg;
} bench_pool_job;

static double bench_pool_run(void *arg, int launches)
{
    bench_pool_job *job = arg;
    double t0 = pb_time_now();
    for (int i = 0; i < launches; i++)
        pb_pool_run(job->pool, job->threads, job->task, job->arg);
    return pb_time_now() - t0;
}

/* STREAM's triad as STREAM writes it: a plain loop over each thread's contiguous share. */
static void plain_triad_task(void *arg, int t, int threads)
{
    const pb_problem *p = arg;
    float *a = p->buf[0].host;
    const float *b = p->buf[1].host, *c = p->buf[2].host;
    const float s = p->params.triad.scalar;
    int64_t i0, i1;
    pb_split(p->params.triad.n, t, threads, &i0, &i1);
    for (int64_t i = i0; i < i1; i++)
        a[i] = b[i] + s * c[i];
}

/* The FMA peak: 12 independent chains of vector FMAs per thread, enough to cover the FMA latency on
 * every port of any current core (2 ports x 4-5 cycles), and few enough that the chains and the two
 * constants stay in AVX2's 16 vector registers (16 chains spilled there and measured ~45% low). The
 * result is stored so the loop cannot be deleted. */
#define PEAK_CHAINS 12
#define PEAK_ITERS 1000000

typedef struct peak_job {
    float sink[256][PB_VF_LANES];
} peak_job;

static void peak_task(void *arg, int t, int threads)
{
    peak_job *job = arg;
    (void)threads;
    pb_vf acc[PEAK_CHAINS];
    const pb_vf m = pb_vf_splat(0.999999f), a = pb_vf_splat(1e-6f);
    for (int k = 0; k < PEAK_CHAINS; k++)
        acc[k] = pb_vf_splat((float)(k + t));
    for (long i = 0; i < PEAK_ITERS; i++)
        for (int k = 0; k < PEAK_CHAINS; k++)
            acc[k] = pb_vf_fma(acc[k], m, a);
    for (int k = 1; k < PEAK_CHAINS; k++)
        acc[0] += acc[k];
    pb_vf_store(job->sink[t % 256], acc[0]);
}

static double peak_flops_per_launch(int threads)
{
    return 2.0 * PB_VF_LANES * PEAK_CHAINS * (double)PEAK_ITERS * threads;
}

/* ---- the table ------------------------------------------------------------------------------ */

static int misses, failures;

/* One row: own / reference against `goal` (goal <= 0: reported only). */
static void row(const char *what, double own, const char *unit, const char *ref_name, double ref, double goal)
{
    if (own <= 0 || ref <= 0) {
        printf("%-34s FAILED (see above)\n", what);
        failures++;
        return;
    }
    double ratio = own / ref;
    char refs[64], goals[32];
    snprintf(refs, sizeof refs, "%.1f %s", ref, ref_name);
    if (goal > 0)
        snprintf(goals, sizeof goals, ">= %.2f  %s", goal, ratio >= goal ? "PASS" : "MISS");
    else
        snprintf(goals, sizeof goals, "(reported)");
    printf("%-34s %8.1f %-8s %-26s %6.3f  %s\n", what, own, unit, refs, ratio, goals);
    misses += goal > 0 && ratio < goal;
}

static pb_status make_problem(pb_workload_id id, pb_problem *p)
{
    pb_msg msg;
    const pb_workload *wl = pb_workload_get(id);
    pb_status st = wl->create(&wl->sizes[PB_PRESET_STANDARD], BENCH_SEED, p, &msg);
    if (st != PB_OK)
        fprintf(stderr, "cpu_bench: %s: %s\n", wl->name, msg.text);
    return st;
}

/* Rates from a median time per launch (negative when the measurement failed). */
static double per_s(double amount, double seconds) { return seconds > 0 ? amount / seconds : -1; }
static double gbs(const pb_problem *p, double s) { return per_s(pb_workload_get(p->id)->bytes(&p->dims) / 1e9, s); }
static double gflops(const pb_problem *p, double s) { return per_s(pb_workload_get(p->id)->flops(&p->dims) / 1e9, s); }

typedef struct bench_env {
    void *cpu;
    const pb_backend *blas;
    void *blas_ctx;
    pb_pool *pool;
    int all;
} bench_env;

static void bench_sgemm(const bench_env *e)
{
    pb_problem p;
    char what[64];
    if (make_problem(PB_WL_SGEMM, &p) != PB_OK)
        return;
    int counts[2] = { 1, e->all };
    for (int k = 0; k < (e->all > 1 ? 2 : 1); k++) {
        bench_case own, ref;
        int ok = bench_case_open(&own, &pb_backend_cpu, e->cpu, &p, counts[k], e->all, e->pool);
        snprintf(what, sizeof what, "sgemm n=%d, %d thread%s", p.params.sgemm.n, counts[k], counts[k] > 1 ? "s" : "");
        int have_ref = e->blas && bench_case_open(&ref, e->blas, e->blas_ctx, &p, counts[k], e->all, e->pool);
        /* A library whose thread count cannot be set (Accelerate before macOS 15) offers only its own
         * choice: that is no k-thread reference, so the row is skipped with the reason. */
        const char *no_ref = !e->blas ? "no BLAS in this build: nothing to compare with"
                           : have_ref && ref.variant.threads != counts[k]
                               ? "skipped: this BLAS cannot be held to that thread count (see BLAS: above)"
                               : NULL;
        if (have_ref && !no_ref) {
            bench_item items[2] = { { bench_case_run, &own, 0, -1 }, { bench_case_run, &ref, 0, -1 } };
            if (ok)
                bench_measure(items, 2);
            /* Accelerate runs SGEMM on Apple's matrix coprocessor (AMX), which NEON code cannot use:
             * that row is the comparison of two different units, reported, not a missed target. */
            const int amx = BENCH_ACCELERATE_AMX && strcmp(ref.variant.impl, "accelerate") == 0;
            row(what, gflops(&p, items[0].median), "GFLOP/s", amx ? "GFLOP/s Accelerate/AMX" : "GFLOP/s BLAS",
                gflops(&p, items[1].median), amx ? 0 : 0.85);
            if (amx)
                printf("%-34s own NEON vs Accelerate on the AMX matrix coprocessor: not a target\n", "");
        } else if (no_ref && ok) {
            bench_item item = { bench_case_run, &own, 0, -1 };
            bench_measure(&item, 1);
            printf("%-34s %8.1f GFLOP/s  (%s)\n", what, gflops(&p, item.median), no_ref);
        } else {
            row(what, -1, "", "", -1, 0.85);
        }
        if (have_ref)
            bench_case_close(&ref);
        bench_case_close(&own);
    }
    pb_problem_destroy(&p);
}

/* Own triad against the plain loop, and own reduce against own triad, all on every thread. */
static void bench_bandwidth(const bench_env *e, double *triad_gbs)
{
    pb_problem tp, rp;
    char what[64];
    *triad_gbs = -1;
    if (make_problem(PB_WL_TRIAD, &tp) != PB_OK)
        return;
    if (make_problem(PB_WL_REDUCE, &rp) != PB_OK) {
        pb_problem_destroy(&tp);
        return;
    }
    bench_pool_job plain = { e->pool, e->all, plain_triad_task, &tp };
    bench_case triad, reduce;
    int ok = bench_case_open(&triad, &pb_backend_cpu, e->cpu, &tp, e->all, e->all, e->pool);
    ok &= bench_case_open(&reduce, &pb_backend_cpu, e->cpu, &rp, e->all, e->all, e->pool);
    ok &= bench_verified("plain loop", bench_pool_run, &plain, &tp, PB_FP32_UNIT_ROUNDOFF, e->pool, e->all);
    bench_item items[3] = { { bench_case_run, &triad, 0, -1 }, { bench_pool_run, &plain, 0, -1 },
                            { bench_case_run, &reduce, 0, -1 } };
    if (ok)
        bench_measure(items, 3);
    *triad_gbs = gbs(&tp, items[0].median);
    snprintf(what, sizeof what, "triad n=%d, %d threads", tp.params.triad.n, e->all);
    row(what, *triad_gbs, "GB/s", "GB/s plain loop", gbs(&tp, items[1].median), 0.95);
    snprintf(what, sizeof what, "reduce n=%d, %d threads", rp.params.reduce.n, e->all);
    row(what, gbs(&rp, items[2].median), "GB/s", "GB/s own triad", *triad_gbs, 0.90);
    bench_case_close(&triad);
    bench_case_close(&reduce);
    pb_problem_destroy(&tp);
    pb_problem_destroy(&rp);
}

/* A kernel reported against a reference rate measured alongside it (goal <= 0: reported only). */
static void bench_against(const bench_env *e, pb_workload_id id, bench_item *ref, double ref_amount,
                          const char *ref_name, const char *unit, double (*rate)(const pb_problem *, double))
{
    pb_problem p;
    char what[64];
    if (make_problem(id, &p) != PB_OK)
        return;
    bench_case own;
    bench_item items[2] = { { bench_case_run, &own, 0, -1 }, *ref };
    if (bench_case_open(&own, &pb_backend_cpu, e->cpu, &p, e->all, e->all, e->pool))
        bench_measure(items, 2);
    const pb_dims *d = &p.dims;
    if (pb_workload_get(id)->ndims == 1)
        snprintf(what, sizeof what, "%s n=%lld, %d threads", pb_workload_get(id)->name, (long long)d->v[0], e->all);
    else
        snprintf(what, sizeof what, "%s %lldx%lld, %d threads", pb_workload_get(id)->name, (long long)d->v[0],
                 (long long)d->v[1], e->all);
    row(what, rate(&p, items[0].median), unit, ref_name, per_s(ref_amount, items[1].median), 0);
    bench_case_close(&own);
    pb_problem_destroy(&p);
}

static double bandwidth_gbs(const pb_problem *p, double s) { return gbs(p, s); }
static double kernel_gflops(const pb_problem *p, double s) { return gflops(p, s); }

int main(void)
{
    pb_machine m;
    pb_msg msg;
    bench_env e = { 0 };
    e.all = pb_fingerprint_online_cpus();
    pb_fingerprint_read(&m);
    if (pb_backend_cpu.init(&e.cpu, &msg) != PB_OK || pb_pool_create(e.all, &e.pool, &msg) != PB_OK) {
        fprintf(stderr, "cpu_bench: %s\n", msg.text);
        return 1;
    }
    int nreg;
    const pb_backend_entry *reg = pb_backend_registry(&nreg);
    for (int i = 0; i < nreg; i++) {
        if (strcmp(reg[i].name, "blas") != 0)
            continue;
        if (!reg[i].backend)
            printf("blas: %s\n", reg[i].missing_why);
        else if (reg[i].backend->init(&e.blas_ctx, &msg) != PB_OK)
            printf("blas: %s\n", msg.text);
        else
            e.blas = reg[i].backend;
    }
    char date[32];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
    printf("parbench %s cpu_bench, %s: %s, %d cores (%s), %s\n", pb_build_version(), date, m.cpu_model, e.all,
           pb_backend_cpu.describe(e.cpu), pb_build_compiler());
    printf("flags: %s%s%s\n\n", pb_build_cflags(), e.blas ? "; BLAS: " : "", e.blas ? e.blas->describe(e.blas_ctx) : "");
    printf("%-34s %17s %-26s %6s  %s\n", "target (standard sizes)", "own", "reference", "ratio", "goal");

    double triad_gbs;
    bench_sgemm(&e);
    bench_bandwidth(&e, &triad_gbs);

    /* The stencil and the histogram against the triad's bandwidth, and the compute kernels against
     * the FMA peak, each sampled alongside its reference. */
    pb_problem tp;
    if (make_problem(PB_WL_TRIAD, &tp) == PB_OK) {
        bench_case triad;
        if (bench_case_open(&triad, &pb_backend_cpu, e.cpu, &tp, e.all, e.all, e.pool)) {
            bench_item ref = { bench_case_run, &triad, 0, -1 };
            bench_against(&e, PB_WL_STENCIL, &ref, pb_workload_get(PB_WL_TRIAD)->bytes(&tp.dims) / 1e9,
                          "GB/s own triad", "GB/s", bandwidth_gbs);
            bench_against(&e, PB_WL_HISTOGRAM, &ref, pb_workload_get(PB_WL_TRIAD)->bytes(&tp.dims) / 1e9,
                          "GB/s own triad", "GB/s", bandwidth_gbs);
            bench_case_close(&triad);
        }
        pb_problem_destroy(&tp);
    }
    peak_job peak;
    bench_pool_job peak_all = { e.pool, e.all, peak_task, &peak }, peak_one = { e.pool, 1, peak_task, &peak };
    bench_item ref = { bench_pool_run, &peak_all, 0, -1 };
    bench_against(&e, PB_WL_NBODY, &ref, peak_flops_per_launch(e.all) / 1e9, "GFLOP/s FMA peak", "GFLOP/s",
                  kernel_gflops);
    bench_against(&e, PB_WL_MANDELBROT, &ref, peak_flops_per_launch(e.all) / 1e9, "GFLOP/s FMA peak", "GFLOP/s",
                  kernel_gflops);

    bench_item peaks[2] = { { bench_pool_run, &peak_one, 0, -1 }, { bench_pool_run, &peak_all, 0, -1 } };
    bench_measure(peaks, 2);
    printf("\nFMA peak (%d chains of %d-lane FMAs): %.1f GFLOP/s on 1 thread, %.1f on %d\n", PEAK_CHAINS,
           PB_VF_LANES, per_s(peak_flops_per_launch(1) / 1e9, peaks[0].median),
           per_s(peak_flops_per_launch(e.all) / 1e9, peaks[1].median), e.all);
    printf("%d target%s missed%s\n", misses, misses == 1 ? "" : "s", failures ? "; some cases FAILED" : "");

    if (e.blas)
        e.blas->shutdown(e.blas_ctx);
    pb_backend_cpu.shutdown(e.cpu);
    pb_pool_free(e.pool);
    return failures ? 1 : 0;
}
