/* Mandelbrot escape-time counts: sizes, counts, the fp32 host reference (made in create, since the
 * work of a launch is its total iteration count) and a check that lets only pixels whose count is
 * sensitive to rounding differ from it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "workload_util.h"

/* The reference must round every operation as written, whatever the compiler's default for fusing
 * a*b + c into one multiply-add (clang's default, and GCC's outside strict ISO mode), so that its
 * counts are the same on every machine. The fused variant is spelt out with fmaf where wanted. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#define PB_MANDELBROT_X0 (-2.0)
#define PB_MANDELBROT_Y0 (-1.2)
#define PB_MANDELBROT_SPAN_X 2.6
#define PB_MANDELBROT_SPAN_Y 2.4
/* Pixels the reference iterates side by side; the compiler turns the lane loop into SIMD. */
#define PB_MANDELBROT_LANES 16
/* At most this fraction of pixels may differ from the reference, each of them sensitive to rounding. */
#define PB_MANDELBROT_MAX_DIFF 0.01

/* FLOPs per iteration: x*x, y*y, x*y, its doubling, x^2 - y^2, + cx, + cy. The escape test's
 * x^2 + y^2 is loop control, not counted, like the comparison. */
#define PB_MANDELBROT_FLOPS_PER_ITER 7

static pb_mandelbrot_params pb_mandelbrot_params_of(const pb_dims *d)
{
    return (pb_mandelbrot_params){
        .width = (int)d->v[0],
        .height = (int)d->v[1],
        .max_iter = (int)d->v[2],
        .x0 = (float)PB_MANDELBROT_X0,
        .y0 = (float)PB_MANDELBROT_Y0,
        .dx = (float)(PB_MANDELBROT_SPAN_X / (double)d->v[0]),
        .dy = (float)(PB_MANDELBROT_SPAN_Y / (double)d->v[1]),
    };
}

/* Counts of row py into out (when not NULL); returns the row's total iterations. Semantics as in
 * pb_params.h: iterate while |z|^2 <= 4 and count < max_iter. A lane stops for good once its count
 * falls behind the iteration number. */
static int64_t pb_mandelbrot_row(const pb_mandelbrot_params *p, int py, int32_t *out)
{
    const float cy = p->y0 + (float)py * p->dy;
    int64_t total = 0;
    for (int px0 = 0; px0 < p->width; px0 += PB_MANDELBROT_LANES) {
        float cx[PB_MANDELBROT_LANES], x[PB_MANDELBROT_LANES] = { 0 }, y[PB_MANDELBROT_LANES] = { 0 };
        int32_t count[PB_MANDELBROT_LANES] = { 0 };
        for (int l = 0; l < PB_MANDELBROT_LANES; l++)
            cx[l] = p->x0 + (float)(px0 + l) * p->dx;
        for (int32_t it = 0; it < p->max_iter; it++) {
            int32_t any = 0;
            for (int l = 0; l < PB_MANDELBROT_LANES; l++) {
                const float x2 = x[l] * x[l], y2 = y[l] * y[l];
                const int32_t alive = (count[l] == it) & (x2 + y2 <= 4.0f);
                const float nx = x2 - y2 + cx[l], ny = 2.0f * x[l] * y[l] + cy;
                x[l] = alive ? nx : x[l];
                y[l] = alive ? ny : y[l];
                count[l] += alive;
                any |= alive;
            }
            if (!any)
                break;
        }
        const int lanes = p->width - px0 < PB_MANDELBROT_LANES ? p->width - px0 : PB_MANDELBROT_LANES;
        for (int l = 0; l < lanes; l++) {
            total += count[l];
            if (out)
                out[px0 + l] = count[l];
        }
    }
    return total;
}

/* The reference's total iteration count at each preset size. It depends on the size alone and
 * FLOPs are asked for per measured case, so these are kept rather than recomputed (about 0.3 s at
 * standard); the tests check them against the reference. Other sizes are computed. */
static const struct {
    int64_t v[PB_MAX_DIMS];
    int64_t iterations;
} pb_mandelbrot_known[] = {
    { { 61, 47, 64 }, 58096 },
    { { 1024, 768, 256 }, 53184221 },
    { { 2048, 2048, 512 }, 544695752 },
    { { 4096, 4096, 1024 }, 4259609230 },
};

static double pb_mandelbrot_iterations(const pb_dims *d)
{
    for (size_t k = 0; k < sizeof pb_mandelbrot_known / sizeof pb_mandelbrot_known[0]; k++) {
        if (memcmp(pb_mandelbrot_known[k].v, d->v, sizeof d->v) == 0)
            return (double)pb_mandelbrot_known[k].iterations;
    }
    const pb_mandelbrot_params p = pb_mandelbrot_params_of(d);
    int64_t total = 0;
    for (int py = 0; py < p.height; py++)
        total += pb_mandelbrot_row(&p, py, NULL);
    return (double)total;
}

static double pb_mandelbrot_flops(const pb_dims *d)
{
    return PB_MANDELBROT_FLOPS_PER_ITER * pb_mandelbrot_iterations(d);
}

static double pb_mandelbrot_bytes(const pb_dims *d) { return 4 * (double)d->v[0] * (double)d->v[1]; }

/* No inputs: the image is fixed by the size. The reference counts become problem->ref, and their
 * total the work of a launch (the rate is in iterations per second). */
static pb_status pb_mandelbrot_create(const pb_dims *dims, uint64_t seed, pb_problem *out, pb_msg *msg)
{
    static const int64_t min[] = { 1, 1, 1 };
    const int64_t w = dims->v[0], h = dims->v[1];
    (void)seed;
    pb_status st = pb_wl_check_dims(&pb_workload_mandelbrot, dims, min, msg);
    if (st == PB_OK)
        st = pb_wl_check_elements(&pb_workload_mandelbrot, w * h, msg);
    if (st != PB_OK)
        return st;
    const pb_buffer_spec specs[] = { { "counts", PB_BUFFER_OUT, (size_t)(w * h) * sizeof(int32_t) } };
    pb_problem p;
    if ((st = pb_wl_begin(&p, PB_WL_MANDELBROT, dims, specs, 1, msg)) != PB_OK)
        return st;
    int32_t *ref = malloc((size_t)(w * h) * sizeof *ref);
    if (!ref) {
        pb_problem_destroy(&p);
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for the mandelbrot reference");
    }
    p.params.mandelbrot = pb_mandelbrot_params_of(dims);
    int64_t total = 0;
    for (int py = 0; py < h; py++)
        total += pb_mandelbrot_row(&p.params.mandelbrot, py, ref + py * w);
    p.ref = ref;
    p.ref_free = free;
    p.work = (double)total;
    *out = p;
    return PB_OK;
}

/* ---- verification -------------------------------------------------------------------------- */

/* Which operations an evaluation fuses into one multiply-add: compilers differ (none in strict C,
 * within one expression for clang, across statements for GCC in GNU mode and for nvcc), and may
 * fuse either product of x^2 - y^2. */
enum {
    PB_FUSE_NONE = 0,
    PB_FUSE_TEST = 1,  /* fmaf(x, x, y^2) > 4 */
    PB_FUSE_X = 2,     /* x' = fmaf(x, x, -y^2) + cx */
    PB_FUSE_Y = 4,     /* y' = fmaf(2x, y, cy) */
    PB_FUSE_X2 = 8,    /* x' = fmaf(-y, y, x^2) + cx (instead of PB_FUSE_X) */
    PB_FUSE_ALL = PB_FUSE_TEST | PB_FUSE_X | PB_FUSE_Y
};

static int32_t pb_mandelbrot_f32(float cx, float cy, int32_t max_iter, int fuse)
{
    float x = 0, y = 0;
    int32_t count = 0;
    for (; count < max_iter; count++) {
        const float x2 = x * x, y2 = y * y;
        if ((fuse & PB_FUSE_TEST ? fmaf(x, x, y2) : x2 + y2) > 4.0f)
            break;
        const float nx = fuse & PB_FUSE_X2 ? fmaf(-y, y, x2) + cx : fuse & PB_FUSE_X ? fmaf(x, x, -y2) + cx
                                                                                   : x2 - y2 + cx;
        y = fuse & PB_FUSE_Y ? fmaf(2.0f * x, y, cy) : 2.0f * x * y + cy;
        x = nx;
    }
    return count;
}

static int32_t pb_mandelbrot_f64(double cx, double cy, int32_t max_iter)
{
    double x = 0, y = 0;
    int32_t count = 0;
    for (; count < max_iter; count++) {
        const double x2 = x * x, y2 = y * y;
        if (x2 + y2 > 4.0)
            break;
        y = 2.0 * x * y + cy;
        x = x2 - y2 + cx;
    }
    return count;
}

/* The rounding scale of origin + p * step in fp32: the ulp of the larger term, which is many ulps
 * of the result where the two cancel (near x = 0 and y = 0). */
static float pb_mandelbrot_c_ulp(float origin, float offset)
{
    const float big = fmaxf(fabsf(origin), fabsf(offset));
    return nextafterf(big, INFINITY) - big;
}

/* Whether pixel (px, py) is sensitive: some legitimate evaluation gives a count other than the
 * reference's. The samples: fp32 at c computed with a fused multiply-add (several ulps away where
 * x0 + px dx cancels) and at c, each with several ways of fusing the iteration; fp64 at c; and fp32
 * with and without fused iterations at the 24 points within two rounding steps
 * (pb_mandelbrot_c_ulp) of c. Returns at the first sample that differs, usually the first.
 * Measured with 23 evaluation orders (including (x + y)(x - y) for x^2 - y^2, which is not among
 * the samples) at every preset size: every pixel on which one of them differed was found sensitive. */
static int pb_mandelbrot_sensitive(const pb_mandelbrot_params *p, int px, int py, int32_t ref)
{
    static const int at_fused_c[] = { PB_FUSE_ALL, PB_FUSE_NONE, PB_FUSE_Y, PB_FUSE_X2 | PB_FUSE_Y };
    static const int at_c[] = { PB_FUSE_ALL, PB_FUSE_X, PB_FUSE_Y, PB_FUSE_X2 };
    const int32_t m = p->max_iter;
    const float cx = p->x0 + (float)px * p->dx, cy = p->y0 + (float)py * p->dy;
    const float fx = fmaf((float)px, p->dx, p->x0), fy = fmaf((float)py, p->dy, p->y0);
    for (int k = 0; k < 4; k++) {
        if (pb_mandelbrot_f32(fx, fy, m, at_fused_c[k]) != ref || pb_mandelbrot_f32(cx, cy, m, at_c[k]) != ref)
            return 1;
    }
    if (pb_mandelbrot_f64(cx, cy, m) != ref)
        return 1;
    const float ux = pb_mandelbrot_c_ulp(p->x0, (float)px * p->dx);
    const float uy = pb_mandelbrot_c_ulp(p->y0, (float)py * p->dy);
    for (int i = -2; i <= 2; i++) {
        for (int j = -2; j <= 2; j++) {
            const float x = cx + (float)i * ux, y = cy + (float)j * uy;
            if ((i || j) && (pb_mandelbrot_f32(x, y, m, PB_FUSE_NONE) != ref ||
                             pb_mandelbrot_f32(x, y, m, PB_FUSE_ALL) != ref))
                return 1;
        }
    }
    return 0;
}

typedef struct pb_mandelbrot_job {
    const pb_problem *problem;
    int examine;  /* 0: only count differing pixels; 1: test each for sensitivity */
} pb_mandelbrot_job;

static void pb_mandelbrot_check_rows(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    const pb_mandelbrot_job *job = arg;
    const pb_mandelbrot_params *p = &job->problem->params.mandelbrot;
    const int32_t *got = job->problem->buf[0].host, *ref = job->problem->ref;
    (void)share;
    for (int64_t py = begin; py < end; py++) {
        for (int px = 0; px < p->width; px++) {
            const int64_t i = py * p->width + px;
            if (got[i] == ref[i])
                continue;
            const int ok = job->examine && got[i] >= 0 && got[i] <= p->max_iter &&
                           pb_mandelbrot_sensitive(p, px, (int)py, ref[i]);
            pb_tally_add(tally, i, ok ? 0 : 1, 0);
        }
    }
}

/* A pixel may differ from the reference only where its count is sensitive to rounding (near the
 * boundary of the set, and where |z|^2 ends up close to 4), and at most 1% of pixels may differ.
 * There the count of another legitimate evaluation order is unpredictable (measured: up to 98
 * iterations outside the range of 30 perturbed evaluations), so a differing count is only required
 * to lie in [0, max_iter]; a changed count at a stable pixel always fails. Reports the fraction of differing pixels as max_err (tolerance 1%)
 * and as bad the differing pixels that are not sensitive. When more than 1% differ, pixels are
 * not examined one by one and every differing pixel counts as bad. */
static pb_status pb_mandelbrot_verify(pb_problem *problem, pb_pool *pool, int threads, double unit_roundoff,
                                      pb_check *out, pb_msg *msg)
{
    const pb_mandelbrot_params *p = &problem->params.mandelbrot;
    const double pixels = (double)p->width * p->height;
    (void)unit_roundoff;
    (void)msg;
    pb_mandelbrot_job job = { .problem = problem, .examine = 0 };
    pb_tally differ;
    pb_tally_init(&differ);
    pb_wl_parallel_for(pool, threads, p->height, pb_mandelbrot_check_rows, &job, &differ);
    const double fraction = (double)differ.bad / pixels;
    pb_tally t = differ;
    if (differ.bad && fraction <= PB_MANDELBROT_MAX_DIFF) {
        job.examine = 1;
        pb_tally_init(&t);
        pb_wl_parallel_for(pool, threads, p->height, pb_mandelbrot_check_rows, &job, &t);
    }
    pb_check_set(out, "fp32 reference; boundary pixels checked by perturbation", &t, PB_MANDELBROT_MAX_DIFF);
    out->max_err = fraction;
    return PB_OK;
}

const pb_workload pb_workload_mandelbrot = {
    .id = PB_WL_MANDELBROT,
    .name = "mandelbrot",
    .summary = "escape-time image, fp32 (compute, divergence)",
    .ndims = 3,
    .dim_names = { "width", "height", "max_iter" },
    .sizes = {
        [PB_PRESET_TINY] = { { 61, 47, 64 } },
        [PB_PRESET_QUICK] = { { 1024, 768, 256 } },
        [PB_PRESET_STANDARD] = { { 2048, 2048, 512 } },
        [PB_PRESET_LARGE] = { { 4096, 4096, 1024 } },
    },
    .precision = "fp32",
    .rate_unit = "Giter/s",
    .flops = pb_mandelbrot_flops,
    .bytes = pb_mandelbrot_bytes,
    .create = pb_mandelbrot_create,
    .verify = pb_mandelbrot_verify,
};
