/* Workload contracts: presets, lookup, FLOP and byte counts, deterministic inputs, and for each
 * workload a plain reference kernel that must verify, while a poisoned or corrupted output must not. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/pool.h"
#include "../src/workloads/workload.h"
#include "pbtest.h"

/* ---- plain kernels, straight from the semantics in kernels/pb_params.h ------------------------ */

static void naive_sgemm(pb_problem *p)
{
    const int64_t n = p->params.sgemm.n;
    const float *a = p->buf[0].host, *b = p->buf[1].host;
    float *c = p->buf[2].host;
    for (int64_t i = 0; i < n; i++) {
        for (int64_t j = 0; j < n; j++)
            c[i * n + j] = 0;
        for (int64_t k = 0; k < n; k++) {
            for (int64_t j = 0; j < n; j++)
                c[i * n + j] += a[i * n + k] * b[k * n + j];
        }
    }
}

static void naive_triad(pb_problem *p)
{
    float *a = p->buf[0].host;
    const float *b = p->buf[1].host, *c = p->buf[2].host;
    for (int i = 0; i < p->params.triad.n; i++)
        a[i] = b[i] + p->params.triad.scalar * c[i];
}

/* Serial sums of PB_REDUCE_MAX_CHAIN elements, then a pairwise tree over the block sums: the
 * shape the reduce rule in workload.h allows. */
static void naive_reduce(pb_problem *p)
{
    const int64_t n = p->params.reduce.n;
    const float *x = p->buf[0].host;
    int64_t blocks = (n + PB_REDUCE_MAX_CHAIN - 1) / PB_REDUCE_MAX_CHAIN;
    float *part = malloc((size_t)blocks * sizeof *part);
    for (int64_t b = 0; b < blocks; b++) {
        float s = 0;
        for (int64_t i = b * PB_REDUCE_MAX_CHAIN; i < n && i < (b + 1) * PB_REDUCE_MAX_CHAIN; i++)
            s += x[i];
        part[b] = s;
    }
    for (; blocks > 1; blocks = (blocks + 1) / 2) {
        for (int64_t b = 0; b < blocks / 2; b++)
            part[b] = part[2 * b] + part[2 * b + 1];
        if (blocks % 2)
            part[blocks / 2] = part[blocks - 1];
    }
    *(float *)p->buf[1].host = part[0];
    free(part);
}

static void naive_stencil(pb_problem *p)
{
    const pb_stencil_params *sp = &p->params.stencil;
    const int nx = sp->nx, ny = sp->ny;
    const float *src = p->buf[0].host;
    for (int s = 0; s < sp->steps; s++) {
        float *dst = (sp->steps - 1 - s) % 2 == 0 ? p->buf[1].host : p->buf[2].host;
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                const int i = y * nx + x;
                if (x == 0 || y == 0 || x == nx - 1 || y == ny - 1)
                    dst[i] = src[i];
                else
                    dst[i] = sp->c_center * src[i] +
                             sp->c_neighbor * (src[i - nx] + src[i + nx] + src[i - 1] + src[i + 1]);
            }
        }
        src = dst;
    }
}

static void naive_nbody(pb_problem *p)
{
    const int n = p->params.nbody.n;
    const float *b = p->buf[0].host;
    float *acc = p->buf[1].host;
    for (int i = 0; i < n; i++) {
        float ax = 0, ay = 0, az = 0;
        for (int j = 0; j < n; j++) {
            const float dx = b[4 * j] - b[4 * i], dy = b[4 * j + 1] - b[4 * i + 1], dz = b[4 * j + 2] - b[4 * i + 2];
            const float inv = 1.0f / sqrtf(dx * dx + dy * dy + dz * dz + p->params.nbody.softening2);
            const float s = b[4 * j + 3] * inv * inv * inv;
            ax += s * dx;
            ay += s * dy;
            az += s * dz;
        }
        acc[4 * i] = ax;
        acc[4 * i + 1] = ay;
        acc[4 * i + 2] = az;
        acc[4 * i + 3] = 0;
    }
}

static void naive_mandelbrot(pb_problem *p)
{
    const pb_mandelbrot_params *mp = &p->params.mandelbrot;
    int32_t *counts = p->buf[0].host;
    for (int py = 0; py < mp->height; py++) {
        for (int px = 0; px < mp->width; px++) {
            const float cx = mp->x0 + (float)px * mp->dx, cy = mp->y0 + (float)py * mp->dy;
            float x = 0, y = 0;
            int count = 0;
            while (count < mp->max_iter) {
                const float x2 = x * x, y2 = y * y;
                if (x2 + y2 > 4.0f)
                    break;
                y = 2.0f * x * y + cy;
                x = x2 - y2 + cx;
                count++;
            }
            counts[py * mp->width + px] = count;
        }
    }
}

/* Other legitimate evaluations of the same source: `fused` as a compiler that fuses every
 * multiply-add (c included) makes it; otherwise as clang does (c and y' fused, within one
 * expression) with x^2 - y^2 rewritten as (x + y)(x - y), which the check never tries itself. */
static void variant_mandelbrot(pb_problem *p, int fused)
{
    const pb_mandelbrot_params *mp = &p->params.mandelbrot;
    int32_t *counts = p->buf[0].host;
    for (int py = 0; py < mp->height; py++) {
        for (int px = 0; px < mp->width; px++) {
            const float cx = fmaf((float)px, mp->dx, mp->x0), cy = fmaf((float)py, mp->dy, mp->y0);
            float x = 0, y = 0;
            int count = 0;
            while (count < mp->max_iter) {
                const float y2 = y * y;
                if ((fused ? fmaf(x, x, y2) : x * x + y2) > 4.0f)
                    break;
                const float nx = (fused ? fmaf(x, x, -y2) : (x + y) * (x - y)) + cx;
                y = fmaf(2.0f * x, y, cy);
                x = nx;
                count++;
            }
            counts[py * mp->width + px] = count;
        }
    }
}

static void naive_histogram(pb_problem *p)
{
    const uint32_t *data = p->buf[0].host;
    uint32_t *bins = p->buf[1].host;
    for (int b = 0; b < PB_HISTOGRAM_BINS; b++)
        bins[b] = 0;
    for (int i = 0; i < p->params.histogram.n; i++)
        bins[data[i] >> 24]++;
}

/* ---- shared machinery ------------------------------------------------------------------------- */

static int sanitizing(void)
{
    const char *s = getenv("PB_SANITIZE");
    return s && strcmp(s, "1") == 0;
}

static pb_pool *make_pool(void)
{
    pb_pool *pool = NULL;
    pb_msg msg;
    CHECK(pb_pool_create(2, &pool, &msg) == PB_OK);
    return pool;
}

/* The (first) output buffer: the one verification reads and a corruption test changes. */
static pb_buffer *first_output(pb_problem *p)
{
    for (int i = 0; i < p->nbuf; i++) {
        if (p->buf[i].kind == PB_BUFFER_OUT)
            return &p->buf[i];
    }
    return NULL;
}

/* Whether a workload's outputs are integers, from the list's OUTPUT column. */
enum { OUTPUT_IS_FLOAT = 0, OUTPUT_IS_INT = 1 };
static int integer_output(pb_workload_id id)
{
    static const int is_int[PB_WL_COUNT] = {
#define OUTPUT_ENTRY(ID, name, OUTPUT) [PB_WL_##ID] = OUTPUT_IS_##OUTPUT,
        PB_WORKLOAD_LIST(OUTPUT_ENTRY)
#undef OUTPUT_ENTRY
    };
    return is_int[id];
}

/* Wrong by a clear margin but still finite: x -> 2x + 1 for floats, +7 for integers. */
static void corrupt(pb_problem *p, size_t index)
{
    pb_buffer *b = first_output(p);
    if (integer_output(p->id))
        ((int32_t *)b->host)[index] += 7;
    else
        ((float *)b->host)[index] = 2 * ((float *)b->host)[index] + 1;
}

static int verify(pb_problem *p, pb_pool *pool, double u, pb_check *check)
{
    pb_msg msg = { "" };
    memset(check, 0, sizeof *check);
    pb_status st = pb_workload_get(p->id)->verify(p, pool, 2, u, check, &msg);
    CHECK_MSG(st == PB_OK, "verify of %s failed to run: %s", pb_workload_get(p->id)->name, msg.text);
    return st == PB_OK && check->ok;
}

/* Create, then: a poisoned output fails; the kernel's output verifies; one corrupted element
 * (`index`) fails. Verifies with and without the pool. */
static void exercise(pb_workload_id id, const pb_dims *dims, void (*kernel)(pb_problem *), size_t index)
{
    const pb_workload *wl = pb_workload_get(id);
    pb_problem p;
    pb_msg msg = { "" };
    pb_check check;
    pb_status st = wl->create(dims, 42, &p, &msg);
    CHECK_MSG(st == PB_OK, "%s create: %s", wl->name, msg.text);
    if (st != PB_OK)
        return;
    pb_pool *pool = make_pool();

    pb_problem_poison_outputs(&p);
    CHECK_MSG(!verify(&p, pool, PB_FP32_UNIT_ROUNDOFF, &check), "%s: poisoned output verified", wl->name);
    CHECK(check.bad >= 1 && check.first_bad == 0);

    kernel(&p);
    CHECK_MSG(verify(&p, pool, PB_FP32_UNIT_ROUNDOFF, &check),
              "%s %lld: max_err %.3g > tolerance %.3g, %lld bad, first %lld (%s)", wl->name,
              (long long)dims->v[0], check.max_err, check.tolerance, (long long)check.bad,
              (long long)check.first_bad, check.method);
    CHECK(check.bad == 0 && check.first_bad == -1 && check.tolerance >= 0 && check.method[0]);
    CHECK(verify(&p, NULL, PB_FP32_UNIT_ROUNDOFF, &check));

    corrupt(&p, index);
    CHECK_MSG(!verify(&p, pool, PB_FP32_UNIT_ROUNDOFF, &check), "%s: corrupted element %zu verified", wl->name,
              index);
    CHECK(check.bad >= 1 && check.first_bad >= 0);
    CHECK(!verify(&p, NULL, PB_FP32_UNIT_ROUNDOFF, &check));

    pb_pool_free(pool);
    pb_problem_destroy(&p);
}

/* At tiny and quick size, corrupting the element a quarter into the output (for mandelbrot a
 * pixel well outside the set, whose count is stable: sensitive pixels may take any count). */
static void exercise_presets(pb_workload_id id, void (*kernel)(pb_problem *))
{
    const pb_workload *wl = pb_workload_get(id);
    for (int preset = PB_PRESET_TINY; preset <= PB_PRESET_QUICK; preset++) {
        pb_problem p;
        pb_msg msg;
        if (wl->create(&wl->sizes[preset], 1, &p, &msg) != PB_OK)
            continue;
        const size_t elements = first_output(&p)->bytes / 4;
        pb_problem_destroy(&p);
        exercise(id, &wl->sizes[preset], kernel, elements / 4);
    }
}

/* ---- tests -------------------------------------------------------------------------------------- */

static void test_presets(void)
{
    static const char *const names[] = { "tiny", "quick", "standard", "large" };
    for (int i = 0; i < PB_PRESET_COUNT; i++) {
        pb_preset p = PB_PRESET_COUNT;
        pb_msg msg = { "" };
        CHECK(pb_preset_parse(names[i], &p, &msg) == PB_OK);
        CHECK(p == (pb_preset)i);
        CHECK_STR(pb_preset_name((pb_preset)i), names[i]);
    }
    pb_preset p = PB_PRESET_LARGE;
    pb_msg msg = { "" };
    CHECK(pb_preset_parse("huge", &p, &msg) == PB_ERR_USAGE);
    CHECK(p == PB_PRESET_LARGE);
    CHECK_MSG(strstr(msg.text, "'huge'") && strstr(msg.text, "tiny, quick, standard, large"), "%s", msg.text);
    CHECK(pb_preset_parse("Quick", &p, &msg) == PB_ERR_USAGE);
}

static void test_lookup(void)
{
    static const char *const names[PB_WL_COUNT] = {
#define NAME_ENTRY(ID, name, OUTPUT) #name,
        PB_WORKLOAD_LIST(NAME_ENTRY)
#undef NAME_ENTRY
    };
    for (int i = 0; i < PB_WL_COUNT; i++) {
        const pb_workload *wl = pb_workload_get((pb_workload_id)i);
        CHECK(wl && wl->id == (pb_workload_id)i);
        CHECK_STR(wl->name, names[i]);
        CHECK(pb_workload_find(names[i]) == wl);
        CHECK(wl->ndims >= 1 && wl->ndims <= PB_MAX_DIMS && wl->summary && wl->precision && wl->rate_unit);
        for (int d = 0; d < wl->ndims; d++)
            CHECK(wl->dim_names[d] && wl->sizes[PB_PRESET_TINY].v[d] > 0);
        /* Each preset is at least as big as the one before it. */
        for (int s = 1; s < PB_PRESET_COUNT; s++)
            CHECK(wl->bytes(&wl->sizes[s]) >= wl->bytes(&wl->sizes[s - 1]));
    }
    CHECK(pb_workload_find("dgemm") == NULL);
    CHECK(pb_workload_find("") == NULL);
    CHECK(pb_workload_get(PB_WL_COUNT) == NULL);
}

static void test_counts(void)
{
    const pb_workload *w;
    w = pb_workload_find("sgemm");
    CHECK(w->flops(&w->sizes[PB_PRESET_TINY]) == 2.0 * 67 * 67 * 67);
    CHECK(w->bytes(&w->sizes[PB_PRESET_STANDARD]) == 12.0 * 2048 * 2048);
    w = pb_workload_find("triad");
    CHECK(w->flops(&w->sizes[PB_PRESET_TINY]) == 2.0 * 1003 && w->bytes(&w->sizes[PB_PRESET_TINY]) == 12.0 * 1003);
    w = pb_workload_find("reduce");
    CHECK(w->flops(&w->sizes[PB_PRESET_QUICK]) == 4194304.0 && w->bytes(&w->sizes[PB_PRESET_QUICK]) == 4.0 * 4194304);
    w = pb_workload_find("stencil");
    CHECK(w->flops(&w->sizes[PB_PRESET_TINY]) == 6.0 * 65 * 43 * 3);
    CHECK(w->bytes(&w->sizes[PB_PRESET_TINY]) == 8.0 * 67 * 45 * 3);
    w = pb_workload_find("nbody");
    CHECK(w->flops(&w->sizes[PB_PRESET_TINY]) == 20.0 * 100 * 100 && w->bytes(&w->sizes[PB_PRESET_TINY]) == 3200);
    w = pb_workload_find("histogram");
    CHECK(w->flops(&w->sizes[PB_PRESET_TINY]) == 0 && w->bytes(&w->sizes[PB_PRESET_TINY]) == 4.0 * 1001);
    w = pb_workload_find("mandelbrot");
    CHECK(w->bytes(&w->sizes[PB_PRESET_TINY]) == 4.0 * 61 * 47);

    /* The rate's work per launch: FLOPs, bytes, elements or iterations as the unit says. */
    for (int i = 0; i < PB_WL_COUNT; i++) {
        w = pb_workload_get((pb_workload_id)i);
        pb_problem p;
        pb_msg msg;
        if (w->create(&w->sizes[PB_PRESET_TINY], 7, &p, &msg) != PB_OK) {
            CHECK_MSG(0, "%s: %s", w->name, msg.text);
            continue;
        }
        const pb_dims *d = &p.dims;
        double expect = !strcmp(w->rate_unit, "GFLOP/s") ? w->flops(d)
                        : !strcmp(w->rate_unit, "GB/s")  ? w->bytes(d)
                        : !strcmp(w->rate_unit, "Giter/s") ? w->flops(d) / 7
                                                           : (double)d->v[0];
        CHECK_MSG(p.work == expect && p.work > 0, "%s: work %g, expected %g", w->name, p.work, expect);
        pb_problem_destroy(&p);
    }
}

/* FLOPs of the presets come from a table of iteration totals; each must match the reference
 * that create() computes. Other sizes are computed on the spot. */
static void test_mandelbrot_iterations(void)
{
    const pb_workload *w = pb_workload_find("mandelbrot");
    const int last = sanitizing() ? PB_PRESET_QUICK : PB_PRESET_STANDARD;
    for (int preset = PB_PRESET_TINY; preset <= last; preset++) {
        pb_problem p;
        pb_msg msg;
        CHECK(w->create(&w->sizes[preset], 1, &p, &msg) == PB_OK);
        CHECK_MSG(w->flops(&p.dims) == 7 * p.work, "preset %d: flops %.0f, 7 x work %.0f", preset,
                  w->flops(&p.dims), 7 * p.work);
        pb_problem_destroy(&p);
    }
    const pb_dims odd = { { 33, 21, 50 } };
    pb_problem p;
    pb_msg msg;
    CHECK(w->create(&odd, 1, &p, &msg) == PB_OK);
    CHECK(w->flops(&odd) == 7 * p.work && p.work > 33 * 21);
    pb_problem_destroy(&p);
}

static void test_determinism(void)
{
    for (int i = 0; i < PB_WL_COUNT; i++) {
        const pb_workload *w = pb_workload_get((pb_workload_id)i);
        pb_problem a, b, c;
        pb_msg msg;
        CHECK(w->create(&w->sizes[PB_PRESET_TINY], 99, &a, &msg) == PB_OK);
        CHECK(w->create(&w->sizes[PB_PRESET_TINY], 99, &b, &msg) == PB_OK);
        CHECK(w->create(&w->sizes[PB_PRESET_TINY], 100, &c, &msg) == PB_OK);
        CHECK(a.nbuf == b.nbuf && a.nbuf == c.nbuf);
        CHECK(memcmp(&a.params, &b.params, sizeof a.params) == 0);
        for (int k = 0; k < a.nbuf; k++) {
            CHECK(((uintptr_t)a.buf[k].host & 63) == 0);
            if (a.buf[k].kind != PB_BUFFER_IN)
                continue;
            CHECK_MSG(memcmp(a.buf[k].host, b.buf[k].host, a.buf[k].bytes) == 0, "%s: %s differs for one seed",
                      w->name, a.buf[k].name);
            CHECK_MSG(memcmp(a.buf[k].host, c.buf[k].host, a.buf[k].bytes) != 0, "%s: %s same for two seeds",
                      w->name, a.buf[k].name);
        }
        pb_problem_destroy(&a);
        pb_problem_destroy(&b);
        pb_problem_destroy(&c);
    }
    /* Pinned values: the inputs of a seed must never change between versions or machines, or
     * `compare` would be comparing different problems. */
    pb_problem p;
    pb_msg msg;
    const pb_workload *w = pb_workload_find("triad");
    CHECK(w->create(&w->sizes[PB_PRESET_TINY], 1, &p, &msg) == PB_OK);
    CHECK(((float *)p.buf[1].host)[0] == 0x1.a67fep-1f && ((float *)p.buf[1].host)[1] == -0x1.1f402p-1f);
    CHECK(((float *)p.buf[2].host)[0] == -0x1.c8a59p-1f);
    pb_problem_destroy(&p);
    w = pb_workload_find("histogram");
    CHECK(w->create(&w->sizes[PB_PRESET_TINY], 1, &p, &msg) == PB_OK);
    CHECK(((uint32_t *)p.buf[0].host)[0] == 0xe99ff867u && ((uint32_t *)p.buf[0].host)[1000] == 0x2d8a68a5u);
    pb_problem_destroy(&p);
}

static void test_bad_sizes(void)
{
    const pb_workload *w = pb_workload_find("sgemm");
    pb_problem p;
    memset(&p, 0, sizeof p);
    pb_msg msg = { "" };
    const pb_dims zero = { { 0 } }, huge = { { 50000 } };
    CHECK(w->create(&zero, 1, &p, &msg) == PB_ERR_INPUT);
    CHECK_MSG(strstr(msg.text, "sgemm") && strstr(msg.text, "n = 0"), "%s", msg.text);
    CHECK(w->create(&huge, 1, &p, &msg) == PB_ERR_INPUT);
    CHECK(p.nbuf == 0 && p.ref == NULL);
    w = pb_workload_find("stencil");
    const pb_dims no_steps = { { 10, 10, 0 } };
    CHECK(w->create(&no_steps, 1, &p, &msg) == PB_ERR_INPUT);
    CHECK_MSG(strstr(msg.text, "steps"), "%s", msg.text);
    pb_problem_destroy(NULL);
}

static void test_poison(void)
{
    const pb_workload *w = pb_workload_find("stencil");
    pb_problem p;
    pb_msg msg;
    CHECK(w->create(&w->sizes[PB_PRESET_TINY], 1, &p, &msg) == PB_OK);
    pb_problem_poison_outputs(&p);
    uint32_t bits;
    memcpy(&bits, p.buf[1].host, 4);
    CHECK(bits == 0x7fc00000u);
    CHECK(!isnan(((float *)p.buf[0].host)[0]) && !isnan(((float *)p.buf[2].host)[0]));
    pb_problem_destroy(&p);
    CHECK(p.nbuf == 0 && p.buf[0].host == NULL);
    w = pb_workload_find("histogram");
    CHECK(w->create(&w->sizes[PB_PRESET_TINY], 1, &p, &msg) == PB_OK);
    pb_problem_poison_outputs(&p);
    CHECK(((uint32_t *)p.buf[1].host)[255] == 0xFFFFFFFFu);
    pb_problem_destroy(&p);
}

static void test_sgemm(void) { exercise_presets(PB_WL_SGEMM, naive_sgemm); }
static void test_triad(void) { exercise_presets(PB_WL_TRIAD, naive_triad); }
static void test_reduce(void) { exercise_presets(PB_WL_REDUCE, naive_reduce); }
/* A sum of fewer than PB_REDUCE_MAX_CHAIN elements cannot chain more additions than it has elements,
 * so its tolerance must follow n: at tiny size a sum that dropped one element of about 0.08 fails. */
static void test_reduce_drop_one(void)
{
    const pb_workload *wl = pb_workload_find("reduce");
    pb_problem p;
    pb_msg msg;
    pb_check check;
    CHECK(wl->create(&wl->sizes[PB_PRESET_TINY], 1, &p, &msg) == PB_OK);
    const float *x = p.buf[0].host;
    const int n = p.params.reduce.n;
    double sum = 0;
    int drop = -1;
    for (int i = 0; i < n; i++) {
        sum += x[i];
        if (drop < 0 && x[i] > 0.06f && x[i] < 0.1f)
            drop = i;
    }
    CHECK(drop >= 0);
    *(float *)p.buf[1].host = (float)sum;
    CHECK(verify(&p, NULL, PB_FP32_UNIT_ROUNDOFF, &check));
    CHECK_MSG(check.tolerance < (n + 2 * 10 + 1) * PB_FP32_UNIT_ROUNDOFF, "tolerance %.3g", check.tolerance);
    *(float *)p.buf[1].host = (float)(sum - x[drop]);
    CHECK_MSG(!verify(&p, NULL, PB_FP32_UNIT_ROUNDOFF, &check), "dropping x[%d] = %g verified (error %.3g)", drop,
              x[drop], check.max_err);
    pb_problem_destroy(&p);
}

static void test_stencil(void) { exercise_presets(PB_WL_STENCIL, naive_stencil); }
static void test_nbody(void) { exercise_presets(PB_WL_NBODY, naive_nbody); }
static void test_mandelbrot(void) { exercise_presets(PB_WL_MANDELBROT, naive_mandelbrot); }
static void test_histogram(void) { exercise_presets(PB_WL_HISTOGRAM, naive_histogram); }

/* Just above the full-reference limit, so Freivalds' test runs; one corrupted element must fail. */
static void test_sgemm_freivalds(void)
{
    const pb_dims dims = { { 520 } };
    exercise(PB_WL_SGEMM, &dims, naive_sgemm, 520 * 300 + 7);
    pb_problem p;
    pb_msg msg;
    pb_check check;
    CHECK(pb_workload_find("sgemm")->create(&dims, 3, &p, &msg) == PB_OK);
    naive_sgemm(&p);
    pb_pool *pool = make_pool();
    CHECK(verify(&p, pool, PB_FP32_UNIT_ROUNDOFF, &check));
    CHECK_STR(check.method, "Freivalds x2 (fp64)");
    /* A far smaller error than the usual corruption still shows: +5% on one element. */
    ((float *)p.buf[2].host)[5 * 520 + 9] *= 1.05f;
    CHECK(!verify(&p, pool, PB_FP32_UNIT_ROUNDOFF, &check));
    CHECK(check.bad == 1 && check.first_bad == 5 * 520);
    pb_pool_free(pool);
    pb_problem_destroy(&p);
}

/* Rounds to tf32 (10 explicit mantissa bits, to nearest even). */
static float to_tf32(float x)
{
    uint32_t bits;
    memcpy(&bits, &x, 4);
    bits = (bits + 0xFFFu + ((bits >> 13) & 1u)) & ~0x1FFFu;
    memcpy(&x, &bits, 4);
    return x;
}

/* A tf32 product (inputs rounded to 2^-11, fp32 accumulation) verifies with the tf32 unit roundoff. */
static void test_sgemm_tf32(void)
{
    const pb_workload *w = pb_workload_find("sgemm");
    pb_problem p;
    pb_msg msg;
    pb_check check;
    CHECK(w->create(&w->sizes[PB_PRESET_QUICK], 5, &p, &msg) == PB_OK);
    const int64_t n = p.params.sgemm.n;
    float *a = p.buf[0].host, *b = p.buf[1].host;
    float *ta = malloc((size_t)(n * n) * sizeof *ta), *tb = malloc((size_t)(n * n) * sizeof *tb);
    memcpy(ta, a, (size_t)(n * n) * sizeof *ta);
    memcpy(tb, b, (size_t)(n * n) * sizeof *tb);
    for (int64_t i = 0; i < n * n; i++) {
        a[i] = to_tf32(a[i]);
        b[i] = to_tf32(b[i]);
    }
    naive_sgemm(&p);
    memcpy(a, ta, (size_t)(n * n) * sizeof *ta);
    memcpy(b, tb, (size_t)(n * n) * sizeof *tb);
    CHECK(verify(&p, NULL, PB_TF32_UNIT_ROUNDOFF, &check));
    ((float *)p.buf[2].host)[n * 3 + 2] *= 2;
    CHECK(!verify(&p, NULL, PB_TF32_UNIT_ROUNDOFF, &check));
    free(ta);
    free(tb);
    pb_problem_destroy(&p);
}

/* Kernels compiled another way differ from the reference on rounding-sensitive pixels only, and
 * those are accepted; a changed stable pixel is not. */
static void test_mandelbrot_variants(void)
{
    const pb_workload *w = pb_workload_find("mandelbrot");
    pb_pool *pool = make_pool();
    for (int fused = 0; fused <= 1; fused++) {
        pb_problem p;
        pb_msg msg;
        pb_check check;
        CHECK(w->create(&w->sizes[PB_PRESET_QUICK], 1, &p, &msg) == PB_OK);
        variant_mandelbrot(&p, fused);
        CHECK_MSG(verify(&p, pool, PB_FP32_UNIT_ROUNDOFF, &check), "fused %d: %lld bad of %.4f%% differing", fused,
                  (long long)check.bad, 100 * check.max_err);
        CHECK(check.max_err > 0 && check.max_err <= check.tolerance);
        int32_t *counts = p.buf[0].host;
        counts[0] += 1; /* the corner (-2, -1.2) escapes at once: stable */
        CHECK(!verify(&p, pool, PB_FP32_UNIT_ROUNDOFF, &check));
        CHECK(check.bad == 1 && check.first_bad == 0);
        pb_problem_destroy(&p);
    }
    pb_pool_free(pool);
}

/* Above 65536 bodies (beyond every preset) only a sample is checked, and it says so: every 65th
 * body (ceil(65537 / 1024)) and 64 random ones. */
static void test_nbody_sampled(void)
{
    if (sanitizing())
        SKIP("larger than quick");
    const pb_dims dims = { { 65537 } };
    const pb_workload *w = pb_workload_find("nbody");
    pb_problem p;
    pb_msg msg;
    pb_check check;
    CHECK(w->create(&dims, 2, &p, &msg) == PB_OK);
    pb_pool *pool = make_pool();
    pb_problem_poison_outputs(&p);
    CHECK(!verify(&p, pool, PB_FP32_UNIT_ROUNDOFF, &check));
    CHECK(check.bad >= 1009 && check.bad <= 1009 + 64 && check.first_bad == 0); /* ceil(65537 / 65) strided */
    CHECK_MSG(strstr(check.method, "sampled") && strstr(check.method, "every 65-th"), "%s", check.method);
    pb_pool_free(pool);
    pb_problem_destroy(&p);
}

static const pbtest_case tests[] = {
    { "presets", test_presets },
    { "lookup", test_lookup },
    { "counts", test_counts },
    { "mandelbrot_iterations", test_mandelbrot_iterations },
    { "determinism", test_determinism },
    { "bad_sizes", test_bad_sizes },
    { "poison", test_poison },
    { "sgemm", test_sgemm },
    { "sgemm_freivalds", test_sgemm_freivalds },
    { "sgemm_tf32", test_sgemm_tf32 },
    { "triad", test_triad },
    { "reduce", test_reduce },
    { "reduce_drop_one", test_reduce_drop_one },
    { "stencil", test_stencil },
    { "nbody", test_nbody },
    { "nbody_sampled", test_nbody_sampled },
    { "mandelbrot", test_mandelbrot },
    { "mandelbrot_variants", test_mandelbrot_variants },
    { "histogram", test_histogram },
};

PBTEST_MAIN(tests)
