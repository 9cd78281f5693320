/* `make bench`: parbench's own CPU kernels against their references at the standard sizes, in one
 * process, with a PASS/MISS per target of issue 7. A benchmark, not a test: the numbers move with
 * whatever else the machine is doing, so each is the median of several samples. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/backends/cpu/cpu_simd.h"
#include "../src/core/backend.h"
#include "../src/core/buildinfo.h"
#include "../src/core/fingerprint.h"
#include "../src/core/timer.h"

extern const pb_backend pb_backend_cpu;

#define BENCH_SEED 20261127u
#define BENCH_SAMPLES 9
#define BENCH_SAMPLE_S 0.05     /* a sample lasts at least this long */

/* Something to time: runs `launches` launches and returns their total seconds (< 0 on failure). */
typedef double (*bench_fn)(void *arg, int launches);

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median seconds per launch: one warm-up launch, launches per sample calibrated to last at least
 * BENCH_SAMPLE_S, then BENCH_SAMPLES samples. */
static double bench_time(bench_fn fn, void *arg)
{
    double t = fn(arg, 1);
    if (t < 0)
        return -1;
    int launches = 1;
    while ((t = fn(arg, launches)) >= 0 && t < BENCH_SAMPLE_S && launches < (1 << 20))
        launches *= 2;
    double s[BENCH_SAMPLES];
    for (int i = 0; i < BENCH_SAMPLES; i++) {
        if ((s[i] = fn(arg, launches)) < 0)
            return -1;
        s[i] /= launches;
    }
    qsort(s, BENCH_SAMPLES, sizeof s[0], cmp_double);
    return s[BENCH_SAMPLES / 2];
}

/* ---- backend cases ------------------------------------------------------------------------- */

typedef struct bench_case {
    const pb_backend *backend;
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

/* The variant of `backend` for workload `id` on `threads` threads, else its only one (a library
 * whose thread count cannot be set lists one); 0 when it has none. */
static int bench_variant(const pb_backend *backend, void *ctx, pb_workload_id id, int threads, int all,
                         pb_variant *out)
{
    pb_variant v[PB_MAX_VARIANTS];
    pb_variant_request req = { &threads, 1, all };
    int n = backend->variants(ctx, id, &req, v, PB_MAX_VARIANTS);
    for (int i = 0; i < n; i++) {
        if (v[i].threads == threads) {
            *out = v[i];
            return 1;
        }
    }
    if (n == 1)
        *out = v[0];
    return n == 1;
}

/* Times one backend case on `problem` and verifies its output once; returns the median seconds per
 * launch, or -1 (with the reason printed) when it failed to run or verify. */
static double bench_backend(const pb_backend *backend, void *ctx, pb_problem *problem, int threads, int all,
                            pb_pool *pool)
{
    const pb_workload *wl = pb_workload_get(problem->id);
    pb_variant v;
    pb_msg msg = { "" };
    bench_case c = { backend, NULL };
    if (!bench_variant(backend, ctx, problem->id, threads, all, &v)) {
        fprintf(stderr, "cpu_bench: %s has no %d-thread variant of %s\n", backend->name, threads, wl->name);
        return -1;
    }
    pb_problem_poison_outputs(problem);
    if (backend->case_create(ctx, &v, problem, &c.kase, &msg) != PB_OK) {
        fprintf(stderr, "cpu_bench: %s %s: %s\n", backend->name, wl->name, msg.text);
        return -1;
    }
    double t = bench_time(bench_case_run, &c);
    backend->case_destroy(c.kase);
    pb_check check;
    if (t >= 0 && (wl->verify(problem, pool, all, v.unit_roundoff, &check, &msg) != PB_OK || !check.ok)) {
        fprintf(stderr, "cpu_bench: %s %s on %d threads did not verify: %s (error %g > %g)\n", backend->name,
                wl->name, threads, msg.text, check.max_err, check.tolerance);
        return -1;
    }
    return t;
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

/* The FMA peak: 16 independent chains of vector FMAs per thread, enough to fill every FMA port
 * of any current core; the result is stored so the loop cannot be deleted. */
#define PEAK_CHAINS 16
#define PEAK_ITERS 2000000

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

static double peak_gflops(pb_pool *pool, int threads)
{
    static peak_job job;
    bench_pool_job run = { pool, threads, peak_task, &job };
    double t = bench_time(bench_pool_run, &run);
    return 2.0 * PB_VF_LANES * PEAK_CHAINS * (double)PEAK_ITERS * threads / t / 1e9;
}

/* ---- the table ------------------------------------------------------------------------------ */

static int misses, failures;

/* One row: own / reference against `goal` (goal <= 0: reported only). */
static void row(const char *what, double own, const char *own_unit, const char *ref_name, double ref,
                double goal)
{
    if (own <= 0 || ref <= 0) {
        printf("%-34s %s\n", what, "FAILED (see above)");
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
    printf("%-34s %8.1f %-8s %-26s %6.3f  %s\n", what, own, own_unit, refs, ratio, goals);
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

/* Rate in the workload's unit (work is rate units x 1e9 per launch). */
static double rate(const pb_problem *p, double seconds) { return seconds > 0 ? p->work / 1e9 / seconds : -1; }

static double gbs(const pb_problem *p, double seconds)
{
    return seconds > 0 ? pb_workload_get(p->id)->bytes(&p->dims) / seconds / 1e9 : -1;
}

static double gflops(const pb_problem *p, double seconds)
{
    return seconds > 0 ? pb_workload_get(p->id)->flops(&p->dims) / seconds / 1e9 : -1;
}

int main(void)
{
    pb_machine m;
    pb_msg msg;
    void *cpu = NULL, *blas_ctx = NULL;
    const pb_backend *blas = NULL;
    pb_pool *pool = NULL;
    const int all = pb_fingerprint_online_cpus();
    pb_fingerprint_read(&m);
    if (pb_backend_cpu.init(&cpu, &msg) != PB_OK || pb_pool_create(all, &pool, &msg) != PB_OK) {
        fprintf(stderr, "cpu_bench: %s\n", msg.text);
        return 1;
    }
    int nreg;
    const pb_backend_entry *reg = pb_backend_registry(&nreg);
    for (int i = 0; i < nreg; i++) {
        if (!strcmp(reg[i].name, "blas")) {
            if (!reg[i].backend)
                printf("blas: %s\n", reg[i].missing_why);
            else if (reg[i].backend->init(&blas_ctx, &msg) != PB_OK)
                printf("blas: %s\n", msg.text);
            else
                blas = reg[i].backend;
        }
    }
    char date[32];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
    printf("parbench %s cpu_bench, %s: %s, %d cores (%s), %s\n", pb_build_version(), date, m.cpu_model, all,
           pb_backend_cpu.describe(cpu), pb_build_compiler());
    printf("flags: %s%s%s\n\n", pb_build_cflags(), blas ? "; BLAS: " : "", blas ? blas->describe(blas_ctx) : "");
    printf("%-34s %17s %-26s %6s  %s\n", "target (standard sizes)", "own", "reference", "ratio", "goal");

    pb_problem p;
    char what[64];
    if (make_problem(PB_WL_SGEMM, &p) == PB_OK) {
        int counts[2] = { 1, all };
        for (int k = 0; k < (all > 1 ? 2 : 1); k++) {
            double own = rate(&p, bench_backend(&pb_backend_cpu, cpu, &p, counts[k], all, pool));
            snprintf(what, sizeof what, "sgemm n=%d, %d thread%s", p.params.sgemm.n, counts[k],
                     counts[k] > 1 ? "s" : "");
            if (blas)
                row(what, own, "GFLOP/s", "GFLOP/s BLAS",
                    rate(&p, bench_backend(blas, blas_ctx, &p, counts[k], all, pool)), 0.85);
            else
                printf("%-34s %8.1f GFLOP/s  (no BLAS built: no reference)\n", what, own);
        }
        pb_problem_destroy(&p);
    }

    double triad_gbs = -1;
    if (make_problem(PB_WL_TRIAD, &p) == PB_OK) {
        triad_gbs = gbs(&p, bench_backend(&pb_backend_cpu, cpu, &p, all, all, pool));
        bench_pool_job plain = { pool, all, plain_triad_task, &p };
        snprintf(what, sizeof what, "triad n=%d, %d threads", p.params.triad.n, all);
        row(what, triad_gbs, "GB/s", "GB/s plain loop", gbs(&p, bench_time(bench_pool_run, &plain)), 0.95);
        pb_problem_destroy(&p);
    }
    if (make_problem(PB_WL_REDUCE, &p) == PB_OK) {
        snprintf(what, sizeof what, "reduce n=%d, %d threads", p.params.reduce.n, all);
        row(what, gbs(&p, bench_backend(&pb_backend_cpu, cpu, &p, all, all, pool)), "GB/s", "GB/s own triad",
            triad_gbs, 0.90);
        pb_problem_destroy(&p);
    }

    if (make_problem(PB_WL_STENCIL, &p) == PB_OK) {
        snprintf(what, sizeof what, "stencil %dx%d x%d, %d threads", p.params.stencil.nx, p.params.stencil.ny,
                 p.params.stencil.steps, all);
        row(what, gbs(&p, bench_backend(&pb_backend_cpu, cpu, &p, all, all, pool)), "GB/s", "GB/s own triad",
            triad_gbs, 0);
        pb_problem_destroy(&p);
    }

    double peak = peak_gflops(pool, all);
    if (make_problem(PB_WL_NBODY, &p) == PB_OK) {
        snprintf(what, sizeof what, "nbody n=%d, %d threads", p.params.nbody.n, all);
        row(what, gflops(&p, bench_backend(&pb_backend_cpu, cpu, &p, all, all, pool)), "GFLOP/s",
            "GFLOP/s FMA peak", peak, 0);
        pb_problem_destroy(&p);
    }
    if (make_problem(PB_WL_MANDELBROT, &p) == PB_OK) {
        snprintf(what, sizeof what, "mandelbrot %dx%d, %d threads", p.params.mandelbrot.width,
                 p.params.mandelbrot.height, all);
        row(what, gflops(&p, bench_backend(&pb_backend_cpu, cpu, &p, all, all, pool)), "GFLOP/s",
            "GFLOP/s FMA peak", peak, 0);
        pb_problem_destroy(&p);
    }
    printf("\nFMA peak (%d chains of %d-lane FMAs): %.1f GFLOP/s on 1 thread, %.1f on %d\n", PEAK_CHAINS,
           PB_VF_LANES, peak_gflops(pool, 1), peak, all);
    printf("%d target%s missed%s\n", misses, misses == 1 ? "" : "s", failures ? "; some cases FAILED" : "");

    if (blas)
        blas->shutdown(blas_ctx);
    pb_backend_cpu.shutdown(cpu);
    pb_pool_free(pool);
    return failures ? 1 : 0;
}
