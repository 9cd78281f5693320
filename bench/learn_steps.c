/* `make bench-learn`: the CPU steps of docs/LEARN.md for triad and sgemm on this machine (plain loop,
 * thread pool, SIMD, parbench's kernels, BLAS), each verified by the workload's own check and timed. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../src/backends/backend.h"
#include "../src/backends/cpu/cpu_simd.h"
#include "../src/core/buildinfo.h"
#include "../src/core/fingerprint.h"
#include "../src/core/timer.h"
#include "learn_loops.h"

extern const pb_backend pb_backend_cpu;

#define LEARN_SEED 20261201u
#define LEARN_SAMPLES 5         /* timed samples per step after the warm-up; the best one counts */
/* The plain and SIMD sgemm loops run at this n at most. At the standard n = 2048 the plain loop
 * needs 10 s or more a launch: 64 times the work of n = 512, and slower per FLOP, since the column
 * of B it walks for every element of C is then spread over a 16 MiB matrix. */
#define LEARN_LOOP_SGEMM_N 512

typedef struct learn_env {
    pb_pool *pool;              /* runs the split loops and the workloads' checks */
    int all;                    /* logical cores: the thread count of the "all threads" steps */
    pb_preset preset;           /* standard, or tiny with --tiny */
    double min_sample_s;        /* a sample lasts at least this long */
    const pb_backend *backends[2]; /* cpu, and blas when the build has it */
    void *ctx[2];
    int nbackends;
    pb_msg no_blas;             /* why there is no BLAS step, when there is none */
    int failures;
} learn_env;

/* Something to measure: `run` does `launches` launches and reports their total seconds; `read`
 * (optional) copies the last launch's outputs into the problem's host buffers, for the check. */
typedef struct learn_work {
    pb_status (*run)(void *arg, int launches, double *seconds, pb_msg *msg);
    pb_status (*read)(void *arg, pb_msg *msg);
    void *arg;
} learn_work;

/* ---- the loops: plain ones from learn_loops.c, SIMD ones written with cpu_simd.h's vectors ---- */

/* The triad loop with parbench's portable vectors: PB_VF_LANES elements per instruction. */
static void learn_triad_simd(float *a, const float *b, const float *c, float s, int64_t i, int64_t end)
{
    const pb_vf vs = pb_vf_splat(s);
    for (; i + PB_VF_LANES <= end; i += PB_VF_LANES)
        pb_vf_store(a + i, pb_vf_load(b + i) + vs * pb_vf_load(c + i));
    for (; i < end; i++)
        a[i] = b[i] + s * c[i];
}

/* sgemm with its loops in i, k, j order: the innermost loop walks a row of B and a row of C side by
 * side, c[i][j..] += a[i][k] * b[k][j..], PB_VF_LANES columns per fused multiply-add. */
static void learn_sgemm_simd(const float *a, const float *b, float *c, int n, int64_t row_begin, int64_t row_end)
{
    for (int64_t i = row_begin; i < row_end; i++) {
        float *ci = c + i * n;
        memset(ci, 0, (size_t)n * sizeof *ci);
        for (int64_t k = 0; k < n; k++) {
            const float aik = a[i * n + k];
            const float *bk = b + k * n;
            const pb_vf va = pb_vf_splat(aik);
            int64_t j = 0;
            for (; j + PB_VF_LANES <= n; j += PB_VF_LANES)
                pb_vf_store(ci + j, pb_vf_fma(va, pb_vf_load(bk + j), pb_vf_load(ci + j)));
            for (; j < n; j++)
                ci[j] += aik * bk[j];
        }
    }
}

/* Pool tasks (pb_task_fn) over a pb_problem: thread t of `threads` takes its contiguous share, of
 * elements (starting on a 64-byte line, so no two threads write one line) or of rows of C. */
static void triad_plain_task(void *arg, int t, int threads)
{
    pb_problem *p = arg;
    int64_t i0, i1;
    pb_split_aligned(p->params.triad.n, 16, t, threads, &i0, &i1);
    learn_triad_loop(p->buf[0].host, p->buf[1].host, p->buf[2].host, p->params.triad.scalar, i0, i1);
}

static void triad_simd_task(void *arg, int t, int threads)
{
    pb_problem *p = arg;
    int64_t i0, i1;
    pb_split_aligned(p->params.triad.n, 16, t, threads, &i0, &i1);
    learn_triad_simd(p->buf[0].host, p->buf[1].host, p->buf[2].host, p->params.triad.scalar, i0, i1);
}

static void sgemm_plain_task(void *arg, int t, int threads)
{
    pb_problem *p = arg;
    int64_t r0, r1;
    pb_split(p->params.sgemm.n, t, threads, &r0, &r1);
    learn_sgemm_loop(p->buf[0].host, p->buf[1].host, p->buf[2].host, p->params.sgemm.n, (int)r0, (int)r1);
}

static void sgemm_simd_task(void *arg, int t, int threads)
{
    pb_problem *p = arg;
    int64_t r0, r1;
    pb_split(p->params.sgemm.n, t, threads, &r0, &r1);
    learn_sgemm_simd(p->buf[0].host, p->buf[1].host, p->buf[2].host, p->params.sgemm.n, r0, r1);
}

/* A loop step: the task on the calling thread alone (pool NULL) or split over `threads` of the pool. */
typedef struct learn_loop {
    pb_problem *problem;
    pb_pool *pool;
    int threads;
    pb_task_fn task;
} learn_loop;

static pb_status learn_loop_run(void *arg, int launches, double *seconds, pb_msg *msg)
{
    const learn_loop *l = arg;
    (void)msg;
    const double t0 = pb_time_now();
    for (int i = 0; i < launches; i++) {
        if (l->pool)
            pb_pool_run(l->pool, l->threads, l->task, l->problem);
        else
            l->task(l->problem, 0, 1);
    }
    *seconds = pb_time_now() - t0;
    return PB_OK;
}

/* A library step: one case of a backend, timed by the backend as `parbench run` times it. */
typedef struct learn_case {
    const pb_backend *backend;
    void *kase;
} learn_case;

static pb_status learn_case_run(void *arg, int launches, double *seconds, pb_msg *msg)
{
    const learn_case *c = arg;
    int device_timer;
    return c->backend->case_run(c->kase, launches, seconds, &device_timer, msg);
}

static pb_status learn_case_read(void *arg, pb_msg *msg)
{
    const learn_case *c = arg;
    return c->backend->case_read ? c->backend->case_read(c->kase, msg) : PB_OK;
}

/* ---- measuring and the table ----------------------------------------------------------------- */

/* One launch on freshly poisoned outputs, checked by the workload (it is the warm-up too); then
 * the launches per sample are doubled until a sample lasts env->min_sample_s, and the best of
 * LEARN_SAMPLES samples is the time per launch. PB_ERR_VERIFY when the output is wrong. */
static pb_status learn_measure(const learn_env *e, const learn_work *w, pb_problem *p, double unit_roundoff,
                               double *seconds, pb_msg *msg)
{
    const pb_workload *wl = pb_workload_get(p->id);
    pb_check check;
    double t = 0;
    int launches = 1;
    pb_status st;
    memset(&check, 0, sizeof check);
    pb_problem_poison_outputs(p);
    if ((st = w->run(w->arg, 1, &t, msg)) != PB_OK || (w->read && (st = w->read(w->arg, msg)) != PB_OK) ||
        (st = wl->verify(p, e->pool, e->all, unit_roundoff, &check, msg)) != PB_OK)
        return st;
    if (!check.ok)
        return pb_msg_set(msg, PB_ERR_VERIFY, "wrong result: %s, error %.3g > tolerance %.3g", check.method,
                          check.max_err, check.tolerance);
    while ((st = w->run(w->arg, launches, &t, msg)) == PB_OK && t < e->min_sample_s && launches < (1 << 20))
        launches *= 2;
    double best = t / launches;
    for (int i = 0; i < LEARN_SAMPLES && st == PB_OK; i++) {
        if ((st = w->run(w->arg, launches, &t, msg)) == PB_OK && t / launches < best)
            best = t / launches;
    }
    if (st == PB_OK)
        *seconds = best;
    return st;
}

/* One workload's table: its steps are numbered, and each rate is set against step 1's. */
typedef struct learn_table {
    const pb_workload *wl;
    int step;
    double base;                /* step 1's rate; 0 when it failed */
} learn_table;

/* A size as the run table writes it: 32M for 2^25, else the number. */
static void learn_size(char *out, size_t size, int64_t n)
{
    if (n >= (1 << 20) && n % (1 << 20) == 0)
        snprintf(out, size, "%lldM", (long long)(n >> 20));
    else
        snprintf(out, size, "%lld", (long long)n);
}

/* Three significant digits, without exponents: 0.452, 12.3, 185, 1432. */
static void learn_rate(char *out, size_t size, double v)
{
    snprintf(out, size, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : v >= 1 ? "%.2f" : "%.3f", v);
}

/* Measures one step and prints its row. */
static void learn_step(learn_env *e, learn_table *tab, const char *what, int threads, const learn_work *w,
                       pb_problem *p, double unit_roundoff)
{
    char size[24], rate[24], speedup[24] = "-";
    double s = 0;
    pb_msg msg = { "" };
    const pb_status st = learn_measure(e, w, p, unit_roundoff, &s, &msg);
    learn_size(size, sizeof size, p->dims.v[0]);
    tab->step++;
    if (st != PB_OK) {
        printf("%2d  %-37s %5s %3d  FAILED: %s\n", tab->step, what, size, threads, msg.text);
        e->failures++;
        return;
    }
    const double r = p->work / 1e9 / s;
    if (tab->step == 1)
        tab->base = r;
    learn_rate(rate, sizeof rate, r);
    if (tab->base > 0)
        snprintf(speedup, sizeof speedup, r / tab->base >= 100 ? "%.0fx" : r / tab->base >= 10 ? "%.1fx" : "%.2fx",
                 r / tab->base);
    printf("%2d  %-37s %5s %3d %6s %-7s %7s  ok\n", tab->step, what, size, threads, rate, tab->wl->rate_unit,
           speedup);
    fflush(stdout);
}

/* What a backend's variant is, in a row: the kernel (on which core type, for cpu-p and cpu-e), or
 * the library. */
static void learn_variant_what(char *out, size_t size, const pb_variant *v, const char *kernel)
{
    switch (v->role) {
    case PB_ROLE_CPU_P:
        snprintf(out, size, "%s, P-cores", kernel);
        break;
    case PB_ROLE_CPU_E:
        snprintf(out, size, "%s, E-cores", kernel);
        break;
    case PB_ROLE_LIB_CPU:
        snprintf(out, size, "BLAS library: %s", v->impl);
        break;
    default:
        snprintf(out, size, "%s", kernel);
        break;
    }
}

/* Every variant a backend lists for the problem on one thread and on all: one row each. */
static void learn_backend_steps(learn_env *e, learn_table *tab, const pb_backend *b, void *ctx, pb_problem *p,
                                const char *kernel)
{
    int counts[2] = { 1, e->all };
    const pb_variant_request req = { .threads = counts, .nthreads = e->all > 1 ? 2 : 1, .all_threads = e->all };
    pb_variant v[PB_MAX_VARIANTS];
    const int n = b->variants(ctx, p->id, &req, v, PB_MAX_VARIANTS);
    for (int i = 0; i < n; i++) {
        char what[64];
        pb_msg msg = { "" };
        learn_case c = { b, NULL };
        const learn_work w = { learn_case_run, learn_case_read, &c };
        learn_variant_what(what, sizeof what, &v[i], kernel);
        if (b->case_create(ctx, &v[i], p, &c.kase, &msg) != PB_OK) {
            printf("%2d  %-37s  FAILED: %s\n", ++tab->step, what, msg.text);
            e->failures++;
            continue;
        }
        learn_step(e, tab, what, v[i].threads, &w, p, v[i].unit_roundoff);
        b->case_destroy(c.kase);
    }
}

/* ---- the two workloads ----------------------------------------------------------------------- */

typedef struct learn_workload {
    pb_workload_id id;
    int64_t loop_n_max;         /* the plain and SIMD loops' largest size; 0: the preset's */
    pb_task_fn plain, simd;
    const char *simd_what;      /* the SIMD loop, in a row */
    const char *kernel_what;    /* parbench's own CPU kernel, in a row */
} learn_workload;

static const learn_workload learn_workloads[] = {
    { PB_WL_TRIAD, 0, triad_plain_task, triad_simd_task, "SIMD loop", "parbench: SIMD, streaming stores" },
    { PB_WL_SGEMM, LEARN_LOOP_SGEMM_N, sgemm_plain_task, sgemm_simd_task, "SIMD loop, i-k-j order",
      "parbench: blocked, SIMD FMA" },
};

static pb_status learn_problem(const learn_env *e, pb_workload_id id, int64_t n_max, pb_problem *out, pb_msg *msg)
{
    const pb_workload *wl = pb_workload_get(id);
    pb_dims dims = wl->sizes[e->preset];
    if (n_max > 0 && dims.v[0] > n_max)
        dims.v[0] = n_max;
    return wl->create(&dims, LEARN_SEED, out, msg);
}

static void learn_workload_steps(learn_env *e, const learn_workload *lw)
{
    learn_table tab = { pb_workload_get(lw->id), 0, 0 };
    pb_problem loops = { 0 }, kernels = { 0 };
    pb_msg msg = { "" };
    if (learn_problem(e, lw->id, lw->loop_n_max, &loops, &msg) != PB_OK ||
        learn_problem(e, lw->id, 0, &kernels, &msg) != PB_OK) {
        printf("%s: %s\n", tab.wl->name, msg.text);
        pb_problem_destroy(&loops);
        e->failures++;
        return;
    }
    printf("\n%s: %s\n", tab.wl->name, tab.wl->summary);
    if (loops.dims.v[0] != kernels.dims.v[0])
        printf("The loops run at n = %lld: at n = %lld the plain loop would take 10 s or more a launch.\n",
               (long long)loops.dims.v[0], (long long)kernels.dims.v[0]);
    printf(" #  %-37s %5s %3s %-14s %7s  check\n", "step", "n", "thr", "  rate", "vs 1");

    learn_loop serial = { &loops, NULL, 1, lw->plain }, pooled = { &loops, e->pool, e->all, lw->plain },
               simd = { &loops, NULL, 1, lw->simd };
    const learn_work w_serial = { learn_loop_run, NULL, &serial }, w_pooled = { learn_loop_run, NULL, &pooled },
                     w_simd = { learn_loop_run, NULL, &simd };
    char simd_what[64];
    snprintf(simd_what, sizeof simd_what, "%s, %d lanes", lw->simd_what, PB_VF_LANES);
    learn_step(e, &tab, "plain loop, one element at a time", 1, &w_serial, &loops, PB_FP32_UNIT_ROUNDOFF);
    learn_step(e, &tab, "plain loop split over the thread pool", e->all, &w_pooled, &loops, PB_FP32_UNIT_ROUNDOFF);
    learn_step(e, &tab, simd_what, 1, &w_simd, &loops, PB_FP32_UNIT_ROUNDOFF);
    for (int i = 0; i < e->nbackends; i++)
        learn_backend_steps(e, &tab, e->backends[i], e->ctx[i], &kernels, lw->kernel_what);
    pb_problem_destroy(&loops);
    pb_problem_destroy(&kernels);
}

/* ---- main ------------------------------------------------------------------------------------ */

static const char learn_usage[] =
    "usage: learn_steps [--tiny]\n"
    "\n"
    "The CPU steps of docs/LEARN.md on this machine, for triad and sgemm: the plain loop, the same\n"
    "loop on all cores, a SIMD loop, parbench's own kernels on one and all cores, and the BLAS\n"
    "library, each verified. `make bench-learn` builds and runs it.\n"
    "\n"
    "  --tiny      the smallest sizes: checks that every step runs and verifies (times mean nothing)\n"
    "  -h, --help  show this help\n";

static pb_status learn_parse(int argc, char **argv, pb_preset *preset, int *help, pb_msg *msg)
{
    pb_preset p = PB_PRESET_STANDARD;
    int h = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--tiny") == 0)
            p = PB_PRESET_TINY;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            h = 1;
        else
            return pb_msg_set(msg, PB_ERR_USAGE,
                              "unknown argument '%s': the only options are --tiny and --help (learn_steps --help)",
                              argv[i]);
    }
    *preset = p;
    *help = h;
    return PB_OK;
}

/* The cpu backend, and the blas backend when this build has one that starts (else e->no_blas says
 * why not). */
static pb_status learn_backends(learn_env *e, pb_msg *msg)
{
    pb_status st = pb_backend_cpu.init(&e->ctx[0], msg);
    if (st != PB_OK)
        return st;
    e->backends[e->nbackends++] = &pb_backend_cpu;
    int count;
    const pb_backend_entry *reg = pb_backend_registry(&count);
    for (int i = 0; i < count; i++) {
        if (strcmp(reg[i].name, "blas") != 0)
            continue;
        if (!reg[i].backend)
            pb_strlcpy(e->no_blas.text, reg[i].missing_why, sizeof e->no_blas.text);
        else if (reg[i].backend->init(&e->ctx[e->nbackends], &e->no_blas) == PB_OK)
            e->backends[e->nbackends++] = reg[i].backend;
    }
    return PB_OK;
}

static void learn_header(const learn_env *e)
{
    pb_machine m;
    char date[32];
    const time_t now = time(NULL);
    const char *caveat = pb_build_timing_caveat(pb_build_cflags());
    pb_fingerprint_read(&m);
    strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
    printf("parbench %s learn_steps, %s: %s, %d logical cores; %s\n", pb_build_version(), date, m.cpu_model,
           e->all, pb_build_compiler());
    printf("cpu: %s\n", pb_backend_cpu.describe(e->ctx[0]));
    if (e->nbackends > 1)
        printf("blas: %s\n", e->backends[1]->describe(e->ctx[1]));
    else
        printf("blas: none, so no vendor library step: %s\n", e->no_blas.text);
    printf("Each step: its output verified, then the best of %d samples of at least %.0f ms; vs 1 is the rate\n"
           "over step 1's, the plain loop on one thread.\n",
           LEARN_SAMPLES, e->min_sample_s * 1e3);
    if (e->preset == PB_PRESET_TINY)
        printf("--tiny: the smallest sizes, to check that every step runs and verifies; the times mean nothing.\n");
    if (caveat)
        printf("This build %s: its times are not representative.\n", caveat);
}

int main(int argc, char **argv)
{
    learn_env e = { 0 };
    pb_msg msg = { "" };
    int help = 0;
    pb_status st = learn_parse(argc, argv, &e.preset, &help, &msg);
    if (st != PB_OK) {
        fprintf(stderr, "learn_steps: %s\n", msg.text);
        return 2;
    }
    if (help) {
        fputs(learn_usage, stdout);
        return 0;
    }
    e.all = pb_fingerprint_online_cpus();
    e.min_sample_s = e.preset == PB_PRESET_TINY ? 0.001 : 0.05;
    if ((st = pb_pool_create(e.all, &e.pool, &msg)) == PB_OK && (st = learn_backends(&e, &msg)) == PB_OK) {
        learn_header(&e);
        for (size_t i = 0; i < sizeof learn_workloads / sizeof learn_workloads[0]; i++)
            learn_workload_steps(&e, &learn_workloads[i]);
        printf("\nThe GPU kernels and the GPU libraries: ./parbench run -w triad,sgemm (docs/LEARN.md);\n"
               "where the GPU overtakes the CPU once copies count: ./parbench sweep; 1..all threads: "
               "./parbench scale.\n");
    } else {
        fprintf(stderr, "learn_steps: %s\n", msg.text);
        e.failures++;
    }
    for (int i = 0; i < e.nbackends; i++)
        e.backends[i]->shutdown(e.ctx[i]);
    pb_pool_free(e.pool);
    return e.failures ? 1 : 0;
}
