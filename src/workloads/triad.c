/* STREAM triad, a = b + s*c over fp32 vectors: sizes, counts, inputs and an elementwise check
 * against fp64. */
#include <math.h>

#include "workload_util.h"

#define PB_TRIAD_SCALAR 3.0f

static double pb_triad_flops(const pb_dims *d) { return 2 * (double)d->v[0]; }

/* Read b and c, write a: 12 bytes an element (write-allocate traffic is not compulsory). */
static double pb_triad_bytes(const pb_dims *d) { return 12 * (double)d->v[0]; }

static pb_status pb_triad_create(const pb_dims *dims, uint64_t seed, pb_problem *out, pb_msg *msg)
{
    static const int64_t min[] = { 1 };
    pb_status st = pb_wl_check_dims(&pb_workload_triad, dims, min, msg);
    if (st != PB_OK)
        return st;
    const int64_t n = dims->v[0];
    const size_t bytes = (size_t)n * sizeof(float);
    const pb_buffer_spec specs[] = {
        { "a", PB_BUFFER_OUT, bytes },
        { "b", PB_BUFFER_IN, bytes },
        { "c", PB_BUFFER_IN, bytes },
    };
    pb_problem p;
    if ((st = pb_wl_begin(&p, PB_WL_TRIAD, dims, specs, 3, msg)) != PB_OK)
        return st;
    pb_rng rng = pb_rng_make(seed);
    pb_fill_uniform(p.buf[1].host, n, -1.0f, 1.0f, &rng);
    pb_fill_uniform(p.buf[2].host, n, -1.0f, 1.0f, &rng);
    p.params.triad.n = (int)n;
    p.params.triad.scalar = PB_TRIAD_SCALAR;
    p.work = pb_triad_bytes(dims);
    *out = p;
    return PB_OK;
}

typedef struct pb_triad_job {
    const pb_problem *problem;
    double tol;
} pb_triad_job;

/* fl(b + fl(s c)) errs by at most u|b| + (2u + u^2)|s c| <= (2u + u^2)(|b| + |s c|), and by less
 * with a fused multiply-add, so the error is measured relative to |b| + |s c|. The fp64 reference
 * is exact for these inputs (multiples of 2^-23 below 4 in magnitude); the tolerance 2u(1 + u)
 * leaves u^2 for the rounding of the ratio itself, since real kernels do reach 2u. */
static void pb_triad_check_range(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    const pb_triad_job *job = arg;
    const float *a = job->problem->buf[0].host, *b = job->problem->buf[1].host, *c = job->problem->buf[2].host;
    const double s = job->problem->params.triad.scalar;
    (void)share;
    for (int64_t i = begin; i < end; i++) {
        const double sc = s * c[i];
        const double err = pb_ratio(fabs(a[i] - (b[i] + sc)), fabs((double)b[i]) + fabs(sc));
        pb_tally_add(tally, i, err, job->tol);
    }
}

static pb_status pb_triad_verify(pb_problem *problem, pb_pool *pool, int threads, double unit_roundoff,
                                 pb_check *out, pb_msg *msg)
{
    (void)msg;
    pb_triad_job job = { .problem = problem, .tol = 2 * unit_roundoff * (1 + unit_roundoff) };
    pb_tally t;
    pb_tally_init(&t);
    pb_wl_parallel_for(pool, threads, problem->params.triad.n, pb_triad_check_range, &job, &t);
    pb_check_set(out, "full fp64 reference", &t, job.tol);
    return PB_OK;
}

const pb_workload pb_workload_triad = {
    .id = PB_WL_TRIAD,
    .name = "triad",
    .summary = "a = b + s*c over fp32 vectors, STREAM triad (memory bandwidth)",
    .ndims = 1,
    .dim_names = { "n" },
    .sizes = {
        [PB_PRESET_TINY] = { { 1003 } },
        [PB_PRESET_QUICK] = { { 1 << 22 } },
        [PB_PRESET_STANDARD] = { { 1 << 25 } },
        [PB_PRESET_LARGE] = { { 1 << 27 } },
    },
    .precision = "fp32",
    .rate_unit = "GB/s",
    .flops = pb_triad_flops,
    .bytes = pb_triad_bytes,
    .create = pb_triad_create,
    .verify = pb_triad_verify,
};
