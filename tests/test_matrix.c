/* The matrix test (after ggml's test-backend-ops): every backend in the registry x workload x
 * variant at the tiny and quick sizes, run and verified against the workload's reference; a
 * backend that is not built or finds no device here is skipped with its reason, never passed.
 * Every verified output is then mutated the way lost or repeated work would change it (a dropped
 * block, row or body; a doubled element), and each mutation must fail verification. The same
 * mutations are applied at the standard and large sizes to the cpu backend's output, so that no
 * tolerance grows with n until it hides lost work. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/fingerprint.h"
#include "../src/core/timer.h"
#include "pbcase.h"
#include "pbtest.h"

/* ---- mutations ----------------------------------------------------------------------------------
 * Each changes the verified output in place exactly as a kernel with that bug would have left it.
 * Blocks are 2,048 inputs (fewer in problems too small for that), the size of a work-group's or a
 * thread's share; rows and bodies sit in the middle of the problem. */

typedef void (*mutate_fn)(pb_problem *p);

typedef struct mutation {
    const char *what;
    mutate_fn apply;
} mutation;

#define MAX_MUTATIONS 2

/* The dropped or doubled block of an n-element input: [*begin, *begin + *len). */
static void block_of(int64_t n, int64_t *begin, int64_t *len)
{
    *len = n / 8 < 2048 ? (n / 8 > 0 ? n / 8 : 1) : 2048;
    *begin = (n / 2) / *len * *len;
}

static double block_sum(const pb_problem *p)
{
    int64_t b, len;
    block_of(p->params.reduce.n, &b, &len);
    const float *x = p->buf[0].host;
    double s = 0;
    for (int64_t i = b; i < b + len; i++)
        s += x[i];
    return s;
}

/* A work-group's block of inputs never added (its partial lost), or added twice (its partial
 * combined twice). A single repeated input of about 0.5 is below one fp32 ulp of the sum once n
 * passes 2^24, so no check of the output can see it; the doubled unit of reduce is the block. */
static void reduce_drop_block(pb_problem *p)
{
    float *sum = p->buf[1].host;
    *sum = (float)((double)*sum - block_sum(p));
}

static void reduce_double_block(pb_problem *p)
{
    float *sum = p->buf[1].host;
    *sum = (float)((double)*sum + block_sum(p));
}

/* A block of outputs never written: zero, as in freshly allocated device memory. */
static void triad_drop_block(pb_problem *p)
{
    int64_t b, len;
    block_of(p->params.triad.n, &b, &len);
    memset((float *)p->buf[0].host + b, 0, (size_t)len * sizeof(float));
}

static void triad_double_element(pb_problem *p)
{
    ((float *)p->buf[0].host)[p->params.triad.n / 2] *= 2;
}

static void histogram_drop_block(pb_problem *p)
{
    int64_t b, len;
    block_of(p->params.histogram.n, &b, &len);
    const uint32_t *data = p->buf[0].host;
    uint32_t *bins = p->buf[1].host;
    for (int64_t i = b; i < b + len; i++)
        bins[data[i] >> 24]--;
}

/* One input counted twice. */
static void histogram_double_element(pb_problem *p)
{
    const uint32_t *data = p->buf[0].host;
    ((uint32_t *)p->buf[1].host)[data[p->params.histogram.n / 2] >> 24]++;
}

/* A row of C never written: zero. */
static void sgemm_drop_row(pb_problem *p)
{
    const int64_t n = p->params.sgemm.n;
    memset((float *)p->buf[2].host + n / 2 * n, 0, (size_t)n * sizeof(float));
}

/* An element accumulated twice. */
static void sgemm_double_element(pb_problem *p)
{
    const int64_t n = p->params.sgemm.n;
    ((float *)p->buf[2].host)[n / 2 * n + n / 2] *= 2;
}

/* Row r of the grid after k steps, from the input band of rows r - k .. r + k (fp64, rounded). */
static void stencil_row_after(const pb_problem *p, int64_t r, int k, float *row)
{
    const pb_stencil_params *sp = &p->params.stencil;
    const int64_t nx = sp->nx, ny = sp->ny, lo = r - k < 0 ? 0 : r - k, hi = r + k >= ny ? ny - 1 : r + k;
    const int64_t rows = hi - lo + 1;
    double *cur = malloc((size_t)(rows * nx) * sizeof *cur), *next = malloc((size_t)(rows * nx) * sizeof *next);
    const float *grid = p->buf[0].host;
    for (int64_t i = 0; i < rows * nx; i++)
        cur[i] = next[i] = grid[lo * nx + i];
    for (int s = 0; s < k; s++) {
        /* Rows at the band's edge go stale, one more each step, never reaching row r. */
        for (int64_t y = lo + 1; y < hi; y++) {
            const double *c = cur + (y - lo) * nx;
            double *d = next + (y - lo) * nx;
            for (int64_t x = 1; y < ny - 1 && x < nx - 1; x++)
                d[x] = sp->c_center * c[x] + sp->c_neighbor * (c[x - nx] + c[x + nx] + c[x - 1] + c[x + 1]);
        }
        double *t = cur;
        cur = next, next = t;
        memcpy(next, cur, (size_t)(rows * nx) * sizeof *cur);
    }
    for (int64_t x = 0; x < nx; x++)
        row[x] = (float)cur[(r - lo) * nx + x];
    free(cur);
    free(next);
}

/* The last step skipped a row: with ping-pong buffers it keeps its value of two steps before. */
static void stencil_drop_row(pb_problem *p)
{
    const pb_stencil_params *sp = &p->params.stencil;
    stencil_row_after(p, sp->ny / 2, sp->steps - 2, (float *)p->buf[1].host + sp->ny / 2 * sp->nx);
}

static void stencil_double_element(pb_problem *p)
{
    const pb_stencil_params *sp = &p->params.stencil;
    ((float *)p->buf[1].host)[(int64_t)sp->nx * sp->ny / 2] *= 2;
}

/* Body j left out of every force sum (a tile loop one body short): each acceleration loses the
 * term of j, computed here in fp64. */
static void nbody_drop_body(pb_problem *p)
{
    const int64_t n = p->params.nbody.n, j = n / 2;
    const double eps2 = p->params.nbody.softening2;
    const float *b = p->buf[0].host;
    float *acc = p->buf[1].host;
    for (int64_t i = 0; i < n; i++) {
        double d[3], d2 = eps2;
        for (int k = 0; k < 3; k++) {
            d[k] = (double)b[4 * j + k] - b[4 * i + k];
            d2 += d[k] * d[k];
        }
        const double f = b[4 * j + 3] / (d2 * sqrt(d2));
        for (int k = 0; k < 3; k++)
            acc[4 * i + k] = (float)(acc[4 * i + k] - f * d[k]);
    }
}

static void nbody_double_element(pb_problem *p)
{
    float *acc = (float *)p->buf[1].host + 4 * (p->params.nbody.n / 2);
    for (int k = 0; k < 3; k++)
        acc[k] *= 2;
}

/* A row of the image never written: zero counts. */
static void mandelbrot_drop_row(pb_problem *p)
{
    const pb_mandelbrot_params *mp = &p->params.mandelbrot;
    memset((int32_t *)p->buf[0].host + (int64_t)mp->height / 2 * mp->width, 0, (size_t)mp->width * sizeof(int32_t));
}

/* A pixel iterated twice. */
static void mandelbrot_double_element(pb_problem *p)
{
    const pb_mandelbrot_params *mp = &p->params.mandelbrot;
    ((int32_t *)p->buf[0].host)[(int64_t)mp->width * mp->height / 2] *= 2;
}

/* ---- the default mutations, from the list's OUTPUT column -------------------------------------
 * Every workload gets these besides its own row, and a workload without a row gets only these: a
 * block of output elements never written (zero, as in fresh device memory) and one element
 * computed twice (doubled). Every output element is 4 bytes, a float or a 32-bit integer. */

enum { OUTPUT_IS_FLOAT = 0, OUTPUT_IS_INT = 1 };
static const int output_is_int[PB_WL_COUNT] = {
#define OUTPUT_ENTRY(ID, name, OUTPUT) [PB_WL_##ID] = OUTPUT_IS_##OUTPUT,
    PB_WORKLOAD_LIST(OUTPUT_ENTRY)
#undef OUTPUT_ENTRY
};

static pb_buffer *output_of(pb_problem *p);

static void default_drop_block(pb_problem *p)
{
    pb_buffer *out = output_of(p);
    int64_t b, len;
    block_of((int64_t)(out->bytes / 4), &b, &len);
    memset((char *)out->host + b * 4, 0, (size_t)len * 4);
}

/* The element from the middle on whose doubling changes it (a zero stays zero). */
static void default_double_element(pb_problem *p)
{
    pb_buffer *out = output_of(p);
    const int64_t n = (int64_t)(out->bytes / 4);
    for (int64_t k = 0; k < n; k++) {
        const int64_t i = (n / 2 + k) % n;
        uint32_t *u = (uint32_t *)out->host + i;
        float *f = (float *)out->host + i;
        if (output_is_int[p->id] ? *u != 0 : *f != 0.0f) {
            if (output_is_int[p->id])
                *u *= 2;
            else
                *f *= 2;
            return;
        }
    }
}

static const mutation default_mutations[MAX_MUTATIONS] = {
    { "zeroed block", default_drop_block }, { "doubled value", default_double_element },
};

/* Each workload's own mutations, stronger than the defaults where its structure says what lost work
 * looks like (a row of C, a body's force terms, a block's counts); a workload may have no row. */
static const mutation mutations[PB_WL_COUNT][MAX_MUTATIONS] = {
    [PB_WL_SGEMM] = { { "dropped row", sgemm_drop_row }, { "doubled element", sgemm_double_element } },
    [PB_WL_TRIAD] = { { "dropped block", triad_drop_block }, { "doubled element", triad_double_element } },
    [PB_WL_REDUCE] = { { "dropped block", reduce_drop_block }, { "doubled block", reduce_double_block } },
    [PB_WL_STENCIL] = { { "dropped row", stencil_drop_row }, { "doubled element", stencil_double_element } },
    [PB_WL_NBODY] = { { "dropped body", nbody_drop_body }, { "doubled element", nbody_double_element } },
    [PB_WL_MANDELBROT] = { { "dropped row", mandelbrot_drop_row },
                           { "doubled element", mandelbrot_double_element } },
    [PB_WL_HISTOGRAM] = { { "dropped block", histogram_drop_block },
                          { "doubled element", histogram_double_element } },
};

/* The output buffer every workload verifies (each has exactly one). */
static pb_buffer *output_of(pb_problem *p)
{
    for (int i = 0; i < p->nbuf; i++) {
        if (p->buf[i].kind == PB_BUFFER_OUT)
            return &p->buf[i];
    }
    return NULL;
}

/* How run_cell works a case. */
enum {
    CELL_VERBOSE = 1,  /* print each check's error against its tolerance (the margin is its power) */
    CELL_FULL = 2      /* two launches, an end-to-end launch, and a poisoned output that must fail */
};

/* Applies each of the `count` mutations `list` to the verified output in `p` (restored from `saved`
 * after each) and checks that verification fails. */
static void expect_each_fails(pb_problem *p, pb_pool *pool, double u, const char *what, int flags,
                              const mutation *list, const void *saved)
{
    const pb_workload *wl = pb_workload_get(p->id);
    pb_buffer *out = output_of(p);
    for (int m = 0; m < MAX_MUTATIONS && list[m].apply; m++) {
        pb_check check;
        list[m].apply(p);
        const int passed = pbcase_verify(p, pool, u, &check);
        CHECK_MSG(!passed, "%s %s: the %s verified (error %g, tolerance %g)", wl->name, what, list[m].what,
                  check.max_err, check.tolerance);
        if (flags & CELL_VERBOSE)
            fprintf(stderr, "  %-10s %-24s %-15s fails: error %.3g, tolerance %.3g, %lld bad\n", wl->name, what,
                    list[m].what, check.max_err, check.tolerance, (long long)check.bad);
        memcpy(out->host, saved, out->bytes);
    }
}

/* Applies the workload's own mutations, if it has a row, and the defaults to a copy of the verified
 * output in `p`, each of which must fail verification; with CELL_FULL then poisons the output,
 * which must fail too. `what` names the case. */
static void expect_mutations_fail(pb_problem *p, pb_pool *pool, double u, const char *what, int flags)
{
    const pb_workload *wl = pb_workload_get(p->id);
    pb_buffer *out = output_of(p);
    void *saved = out ? malloc(out->bytes) : NULL;
    CHECK(saved != NULL);
    if (!saved)
        return;
    memcpy(saved, out->host, out->bytes);
    const mutation *own = PB_WL_TABLE_GET(mutations, p->id);
    if (own && own[0].apply)
        expect_each_fails(p, pool, u, what, flags, own, saved);
    expect_each_fails(p, pool, u, what, flags, default_mutations, saved);
    pb_check check;
    if (flags & CELL_FULL) {
        pb_problem_poison_outputs(p);
        CHECK_MSG(!pbcase_verify(p, pool, u, &check), "%s %s: the poisoned output verified", wl->name, what);
        memcpy(out->host, saved, out->bytes);
    }
    free(saved);
}

/* ---- the matrix ---------------------------------------------------------------------------- */

/* Runs one backend x workload x variant at one size, verifies it, and mutates its output (CELL_*
 * flags). Returns 1 when the case ran, 0 when the backend declined it (unsupported, with its
 * reason). */
static int run_cell(const pb_backend *backend, void *ctx, const pb_variant *v, pb_workload_id id, pb_preset preset,
                    pb_pool *pool, int flags)
{
    const pb_workload *wl = pb_workload_get(id);
    char what[96];
    snprintf(what, sizeof what, "%s %s %s/%d", pb_preset_name(preset), backend->name, pb_role_name(v->role),
             v->threads);
    pb_problem p;
    pb_msg msg = { "" };
    pb_status st = wl->create(&wl->sizes[preset], PBCASE_SEED, &p, &msg);
    CHECK_MSG(st == PB_OK, "%s %s: create: %s", wl->name, what, msg.text);
    if (st != PB_OK)
        return 1;
    const int full = (flags & CELL_FULL) != 0;
    const pbcase_opts opts = { .launches = 1 + full, .e2e = full };
    pbcase_result r;
    st = pbcase_run(backend, ctx, v, &p, pool, &opts, &r);
    if (st == PB_ERR_UNSUPPORTED)
        fprintf(stderr, "  %-10s %s: unsupported: %s\n", wl->name, what, r.msg.text);
    CHECK_MSG(st == PB_OK || st == PB_ERR_UNSUPPORTED, "%s %s: %s: %s: %s", wl->name, what, r.step,
              pb_status_name(st), r.msg.text);
    CHECK_MSG(st != PB_OK || r.check.ok, "%s %s: %s: max error %g > %g, %lld bad, first %lld", wl->name, what,
              r.check.method, r.check.max_err, r.check.tolerance, (long long)r.check.bad,
              (long long)r.check.first_bad);
    CHECK_MSG(st != PB_OK || r.seconds > 0, "%s %s: %g s for %d launches", wl->name, what, r.seconds,
              opts.launches);
    if (st == PB_OK && (flags & CELL_VERBOSE))
        fprintf(stderr, "  %-10s %-24s verified:       error %.3g, tolerance %.3g (%s)\n", wl->name, what,
                r.check.max_err, r.check.tolerance, r.check.method);
    if (st == PB_OK && r.check.ok)
        expect_mutations_fail(&p, pool, v->unit_roundoff, what, flags);
    pb_problem_destroy(&p);
    return st != PB_ERR_UNSUPPORTED;
}

/* Every workload and variant of one backend at tiny and quick size. */
static void run_backend(const pb_backend_entry *e)
{
    if (!e->backend)
        SKIP("%s is not built here: %s", e->name, e->missing_why);
    const pb_backend *backend;
    pb_msg why = { "" };
    void *ctx = pbcase_start(e->name, &backend, &why);
    if (!ctx)
        SKIP("%s is not available here: %s", e->name, why.text);
    pb_pool *pool = pbcase_pool();
    int ran = 0;
    for (int id = 0; id < PB_WL_COUNT && pool; id++) {
        pb_variant v[PB_MAX_VARIANTS];
        const int n = pbcase_variants(backend, ctx, (pb_workload_id)id, v);
        if (n == 0)
            fprintf(stderr, "  %-10s %s: no variant (not supported by this backend)\n",
                    pb_workload_get((pb_workload_id)id)->name, e->name);
        for (int i = 0; i < n; i++) {
            for (int preset = PB_PRESET_TINY; preset <= PB_PRESET_QUICK; preset++)
                ran += run_cell(backend, ctx, &v[i], (pb_workload_id)id, (pb_preset)preset, pool,
                                CELL_FULL | (strcmp(e->name, "cpu") == 0 && v[i].role == PB_ROLE_CPU_ALL ? CELL_VERBOSE : 0));
        }
    }
    CHECK_MSG(ran > 0, "%s is available but ran no case", e->name);
    pb_pool_free(pool);
    backend->shutdown(ctx);
}

/* The cpu backend has every workload: the reference path the larger sizes use. */
static void test_cpu_has_every_workload(void)
{
    const pb_backend *backend;
    pb_msg why = { "" };
    void *ctx = pbcase_start("cpu", &backend, &why);
    CHECK_MSG(ctx != NULL, "cpu: %s", why.text);
    for (int id = 0; id < PB_WL_COUNT && ctx; id++) {
        pb_variant v[PB_MAX_VARIANTS];
        CHECK_MSG(pbcase_variants(backend, ctx, (pb_workload_id)id, v) >= 1, "cpu has no %s",
                  pb_workload_get((pb_workload_id)id)->name);
    }
    if (backend)
        backend->shutdown(ctx);
}

/* ---- mutations at every size ----------------------------------------------------------------- */

/* Workload `id` at `preset` on all cores of the cpu backend, verified and mutated. */
static void mutate_at(pb_workload_id id, pb_preset preset)
{
    const pb_backend *backend;
    pb_msg why = { "" };
    void *ctx = pbcase_start("cpu", &backend, &why);
    CHECK_MSG(ctx != NULL, "cpu: %s", why.text);
    if (!ctx)
        return;
    pb_pool *pool = pbcase_pool();
    const int all = pb_fingerprint_online_cpus();
    pb_variant_request req = { &all, 1, all, 0 };
    pb_variant v;
    CHECK(backend->variants(ctx, id, &req, &v, 1) == 1);
    const double start = pb_time_now();
    if (pool)
        run_cell(backend, ctx, &v, id, preset, pool, CELL_VERBOSE);
    fprintf(stderr, "  %-10s %-8s %.1f s\n", pb_workload_get(id)->name, pb_preset_name(preset), pb_time_now() - start);
    pb_pool_free(pool);
    backend->shutdown(ctx);
}

/* The standard size (tiny and quick run in the matrix above, on every backend). */
static void mutate_standard(pb_workload_id id)
{
    if (pbcase_sanitized())
        SKIP("standard sizes are too slow under the sanitizers; tiny and quick run the same checks");
    mutate_at(id, PB_PRESET_STANDARD);
}

static void mutate_large(pb_workload_id id)
{
    if (pbcase_sanitized())
        SKIP("large sizes are too slow under the sanitizers; tiny and quick run the same checks");
    mutate_at(id, PB_PRESET_LARGE);
}

/* ---- the test table, built from the registry and the workload list ------------------------------ */

#define MAX_BACKENDS 8

#define BACKEND_TEST(k)                                                                             \
    static void test_backend_##k(void)                                                              \
    {                                                                                               \
        int count = 0;                                                                              \
        const pb_backend_entry *registry = pb_backend_registry(&count);                             \
        run_backend(&registry[k]);                                                                  \
    }
BACKEND_TEST(0)
BACKEND_TEST(1)
BACKEND_TEST(2)
BACKEND_TEST(3)
BACKEND_TEST(4)
BACKEND_TEST(5)
BACKEND_TEST(6)
BACKEND_TEST(7)

static void (*const backend_tests[MAX_BACKENDS])(void) = {
    test_backend_0, test_backend_1, test_backend_2, test_backend_3,
    test_backend_4, test_backend_5, test_backend_6, test_backend_7,
};

#define MUTATION_TESTS(ID, name, OUTPUT)                                                            \
    static void test_mutate_##name##_standard(void) { mutate_standard(PB_WL_##ID); }               \
    static void test_mutate_##name##_large(void) { mutate_large(PB_WL_##ID); }
PB_WORKLOAD_LIST(MUTATION_TESTS)

#define MUTATION_CASES(ID, name, OUTPUT)                                                            \
    { "mutations_" #name "_standard", test_mutate_##name##_standard },                              \
        { "mutations_" #name "_large", test_mutate_##name##_large },
static const pbtest_case mutation_cases[] = { PB_WORKLOAD_LIST(MUTATION_CASES) };

int main(int argc, char **argv)
{
    static char names[MAX_BACKENDS][32];
    static pbtest_case cases[1 + MAX_BACKENDS + 2 * PB_WL_COUNT];
    int count = 0, n = 0;
    const pb_backend_entry *registry = pb_backend_registry(&count);
    if (count > MAX_BACKENDS) {
        fprintf(stderr, "test_matrix: %d backends in the registry; raise MAX_BACKENDS\n", count);
        return 1;
    }
    cases[n++] = (pbtest_case){ "cpu_has_every_workload", test_cpu_has_every_workload };
    for (int k = 0; k < count; k++) {
        snprintf(names[k], sizeof names[k], "matrix_%s", registry[k].name);
        cases[n++] = (pbtest_case){ names[k], backend_tests[k] };
    }
    for (size_t k = 0; k < sizeof mutation_cases / sizeof mutation_cases[0]; k++)
        cases[n++] = mutation_cases[k];
    return pbtest_main(cases, n, argc, argv);
}
