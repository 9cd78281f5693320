/* All-pairs gravity, one step (accelerations only): sizes, counts, inputs, and a check against
 * fp64 accelerations of every body (n <= 65536, every preset) or of a sample of bodies. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "workload_util.h"

#define PB_NBODY_SOFTENING2 0.01f
/* Up to this many bodies every row is recomputed in fp64 (n^2 pairs: 4.3 G at 65536, the large
 * preset, about a second on 8 cores): a lost or doubled body anywhere must show. */
#define PB_NBODY_FULL_MAX 65536
/* Standard deviations of the accumulation's rounding noise a correct sum may reach (see
 * pb_nbody_verify). */
#define PB_NBODY_LAMBDA 10.0
/* Bodies the fp64 reference takes side by side. */
#define PB_NBODY_LANES 8
/* Above it: every body whose index is a multiple of the stride (about this many) plus random ones. */
#define PB_NBODY_SAMPLE_STRIDED 1024
#define PB_NBODY_SAMPLE_RANDOM 64

/* Per pair about 19 operations (3 subtractions for d, 6 for |d|^2 + eps, an rsqrt, 2 multiplies
 * for its cube, 1 for the mass, 6 to accumulate); 20 is the usual convention (GPU Gems 3, ch. 31),
 * kept so rates compare with published ones. */
static double pb_nbody_flops(const pb_dims *d)
{
    const double n = (double)d->v[0];
    return 20 * n * n;
}

/* Read every body once (16 bytes), write every acceleration (16 bytes). */
static double pb_nbody_bytes(const pb_dims *d) { return 32 * (double)d->v[0]; }

/* Positions uniform in [-1, 1]^3, masses uniform in [0.5, 1.5]. */
static pb_status pb_nbody_create(const pb_dims *dims, uint64_t seed, pb_problem *out, pb_msg *msg)
{
    static const int64_t min[] = { 1 };
    const int64_t n = dims->v[0];
    pb_status st = pb_wl_check_dims(&pb_workload_nbody, dims, min, msg);
    if (st == PB_OK)
        st = pb_wl_check_elements(&pb_workload_nbody, 4 * n, msg);
    if (st != PB_OK)
        return st;
    const size_t bytes = (size_t)n * 4 * sizeof(float);
    const pb_buffer_spec specs[] = {
        { "bodies", PB_BUFFER_IN, bytes },
        { "acc", PB_BUFFER_OUT, bytes },
    };
    pb_problem p;
    if ((st = pb_wl_begin(&p, PB_WL_NBODY, dims, specs, 2, msg)) != PB_OK)
        return st;
    pb_rng rng = pb_rng_make(seed);
    float *bodies = p.buf[0].host;
    for (int64_t i = 0; i < n; i++) {
        for (int k = 0; k < 3; k++)
            bodies[4 * i + k] = pb_rng_range(&rng, -1.0f, 1.0f);
        bodies[4 * i + 3] = pb_rng_range(&rng, 0.5f, 1.5f);
    }
    p.params.nbody.n = (int)n;
    p.params.nbody.softening2 = PB_NBODY_SOFTENING2;
    p.work = pb_nbody_flops(dims);
    *out = p;
    return PB_OK;
}

/* The fp64 accelerations of the checked bodies, and for each its error scale
 * S_i = sum_j m_j / (|d_ij|^2 + eps2), a bound on the sum of the magnitudes of its terms
 * m_j |d_ij| / (|d_ij|^2 + eps2)^(3/2) that costs no second square root. */
typedef struct pb_nbody_ref {
    int64_t count;
    int64_t *rows;  /* the checked bodies, ascending */
    double *acc;    /* 3 per checked body */
    double *scale;  /* S_i per checked body */
    char method[96];
} pb_nbody_ref;

typedef struct pb_nbody_job {
    const pb_problem *problem;
    pb_nbody_ref *ref;
    const double *pos[4];  /* x, y, z, m of every body, in fp64 (contiguous loads vectorise) */
    double tol;
} pb_nbody_job;

static void pb_nbody_ref_rows(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    pb_nbody_job *job = arg;
    const int64_t n = job->problem->params.nbody.n;
    const double eps2 = job->problem->params.nbody.softening2;
    const double *x = job->pos[0], *y = job->pos[1], *z = job->pos[2], *m = job->pos[3];
    (void)share;
    (void)tally;
    for (int64_t r = begin; r < end; r++) {
        const int64_t i = job->ref->rows[r];
        /* PB_NBODY_LANES independent sums, so that neither the additions' latency nor the order
         * fp64 must keep stops the compiler from vectorising; the square roots stay scalar where
         * errno is kept (-fmath-errno, the default). */
        double ax[PB_NBODY_LANES] = { 0 }, ay[PB_NBODY_LANES] = { 0 }, az[PB_NBODY_LANES] = { 0 };
        double s[PB_NBODY_LANES] = { 0 }, inv[PB_NBODY_LANES];
        for (int64_t j0 = 0; j0 < n; j0 += PB_NBODY_LANES) {
            const int lanes = n - j0 < PB_NBODY_LANES ? (int)(n - j0) : PB_NBODY_LANES;
            for (int l = 0; l < lanes; l++) {
                const double dx = x[j0 + l] - x[i], dy = y[j0 + l] - y[i], dz = z[j0 + l] - z[i];
                inv[l] = 1 / sqrt(dx * dx + dy * dy + dz * dz + eps2);
            }
            for (int l = 0; l < lanes; l++) {
                const double g = m[j0 + l] * inv[l] * inv[l], f = g * inv[l];
                ax[l] += f * (x[j0 + l] - x[i]);
                ay[l] += f * (y[j0 + l] - y[i]);
                az[l] += f * (z[j0 + l] - z[i]);
                s[l] += g;
            }
        }
        double sum[4] = { 0 };
        for (int l = 0; l < PB_NBODY_LANES; l++) {
            sum[0] += ax[l], sum[1] += ay[l], sum[2] += az[l], sum[3] += s[l];
        }
        for (int k = 0; k < 3; k++)
            job->ref->acc[3 * r + k] = sum[k];
        job->ref->scale[r] = sum[3];
    }
}

static int pb_cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Every body, or the strided bodies plus random ones (sorted, duplicates removed). Returns the
 * count; `rows` has room for n or for the sample, whichever is smaller. */
static int64_t pb_nbody_pick_rows(int64_t n, int64_t *rows, char *method, size_t method_size)
{
    if (n <= PB_NBODY_FULL_MAX) {
        for (int64_t i = 0; i < n; i++)
            rows[i] = i;
        pb_strlcpy(method, "full fp64 reference", method_size);
        return n;
    }
    const int64_t stride = (n + PB_NBODY_SAMPLE_STRIDED - 1) / PB_NBODY_SAMPLE_STRIDED;
    int64_t count = 0;
    for (int64_t i = 0; i < n; i += stride)
        rows[count++] = i;
    pb_rng rng = pb_rng_make(0xb0d1e5ull ^ (uint64_t)n);
    for (int k = 0; k < PB_NBODY_SAMPLE_RANDOM; k++)
        rows[count++] = (int64_t)(pb_rng_next(&rng) % (uint64_t)n);
    qsort(rows, (size_t)count, sizeof *rows, pb_cmp_i64);
    int64_t unique = 0;
    for (int64_t k = 0; k < count; k++) {
        if (unique == 0 || rows[k] != rows[unique - 1])
            rows[unique++] = rows[k];
    }
    snprintf(method, method_size, "fp64 reference, %lld sampled bodies (every %lld-th + %d random)",
             (long long)unique, (long long)stride, PB_NBODY_SAMPLE_RANDOM);
    return unique;
}

static pb_status pb_nbody_reference(pb_problem *problem, pb_pool *pool, int threads, pb_msg *msg)
{
    const int64_t n = problem->params.nbody.n;
    const int64_t cap = n <= PB_NBODY_FULL_MAX ? n : PB_NBODY_SAMPLE_STRIDED + PB_NBODY_SAMPLE_RANDOM;
    pb_nbody_ref *ref = malloc(sizeof *ref + (size_t)cap * (sizeof(int64_t) + 4 * sizeof(double)));
    double *pos = malloc(4 * (size_t)n * sizeof *pos);
    if (!ref || !pos) {
        free(ref);
        free(pos);
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for the nbody reference (n = %lld)", (long long)n);
    }
    ref->rows = (int64_t *)(ref + 1);
    ref->acc = (double *)(ref->rows + cap);
    ref->scale = ref->acc + 3 * cap;
    ref->count = pb_nbody_pick_rows(n, ref->rows, ref->method, sizeof ref->method);
    pb_nbody_job job = { .problem = problem, .ref = ref };
    const float *b = problem->buf[0].host;
    for (int k = 0; k < 4; k++) {
        double *col = pos + k * n;
        for (int64_t j = 0; j < n; j++)
            col[j] = b[4 * j + k];
        job.pos[k] = col;
    }
    pb_wl_parallel_for(pool, threads, ref->count, pb_nbody_ref_rows, &job, NULL);
    free(pos);
    problem->ref = ref;
    problem->ref_free = free;
    return PB_OK;
}

/* Tallies each checked body once, at the index of its first float, with its worst component
 * (the fourth must be 0). */
static void pb_nbody_check_rows(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    const pb_nbody_job *job = arg;
    const float *acc = job->problem->buf[1].host;
    (void)share;
    for (int64_t r = begin; r < end; r++) {
        const int64_t i = job->ref->rows[r];
        const double s = job->ref->scale[r];
        double err = pb_ratio(fabsf(acc[4 * i + 3]), s);
        for (int k = 0; k < 3; k++)
            err = pb_worse(err, pb_ratio(fabs(acc[4 * i + k] - job->ref->acc[3 * r + k]), s));
        pb_tally_add(tally, 4 * i, err, job->tol);
    }
}

/* Each term m_j d_ij / (|d_ij|^2 + eps2)^(3/2) is computed with a relative error of about 16u even
 * with an rsqrt a few ulp off (systematic errors included), so the terms add at most 16 u S_i to a
 * component. Summing n terms in fp32 adds at most (n - 1) u S_i in the worst case, but that bound
 * grows with n until it hides a lost body (whose terms are about S_i / n each). Rounding errors of
 * a sum behave as independent, mean-zero variables, and then the accumulated error stays below
 * lambda sqrt(n) u S_i except with probability 2n exp(-lambda^2 / 2) (Higham and Mary, SIAM J. Sci.
 * Comput. 41(5), 2019): 5e-12 for all 3n components of a 65536-body check at lambda = 10. So each
 * component must lie within (16 + min(n, lambda sqrt n)) u S_i. Both bounds count the roundings a
 * term goes through on its way into the sum, at most n - 1 in a sequential loop, and hold for any
 * order that keeps that count: so for the GPU kernel's split sums too (kernels/nbody.pbk), where a
 * term meets the other terms of its run (m - 1 roundings) and then the other r - 1 non-empty
 * partial sums (adding an empty one's zero is exact), m - 1 + r - 1 <= n - 1 as the other runs hold
 * a term each. Power, with every body checked: a
 * body left out of the sums moves the accelerations of its near neighbours by up to about
 * 25 S_i / n, which stays above the tolerance up to n of about 100,000 (the matrix test drops one
 * at every preset); a doubled acceleration moves by |a_i|, far more. Errors are reported relative
 * to S_i. */
static pb_status pb_nbody_verify(pb_problem *problem, pb_pool *pool, int threads, double unit_roundoff,
                                 pb_check *out, pb_msg *msg)
{
    const double n = problem->params.nbody.n;
    if (!problem->ref) {
        pb_status st = pb_nbody_reference(problem, pool, threads, msg);
        if (st != PB_OK)
            return st;
    }
    pb_nbody_job job = {
        .problem = problem,
        .ref = problem->ref,
        .tol = (16 + fmin(n, PB_NBODY_LAMBDA * sqrt(n))) * unit_roundoff,
    };
    pb_tally t;
    pb_tally_init(&t);
    pb_wl_parallel_for(pool, threads, job.ref->count, pb_nbody_check_rows, &job, &t);
    pb_check_set(out, job.ref->method, &t, job.tol);
    return PB_OK;
}

const pb_workload pb_workload_nbody = {
    .id = PB_WL_NBODY,
    .name = "nbody",
    .summary = "all-pairs gravity, one step (compute, rsqrt)",
    .ndims = 1,
    .dim_names = { "n" },
    .sizes = {
        [PB_PRESET_TINY] = { { 100 } },
        [PB_PRESET_QUICK] = { { 4096 } },
        [PB_PRESET_STANDARD] = { { 16384 } },
        [PB_PRESET_LARGE] = { { 65536 } },
    },
    .precision = "fp32",
    .rate_unit = "GFLOP/s",
    .flops = pb_nbody_flops,
    .bytes = pb_nbody_bytes,
    .create = pb_nbody_create,
    .verify = pb_nbody_verify,
};
