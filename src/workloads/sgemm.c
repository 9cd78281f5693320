/* SGEMM, C = A * B for square row-major fp32 matrices: sizes, counts, inputs, and the check (a full
 * fp64 reference up to n = 512, Freivalds' test with fp64 accumulation above). */
#include <math.h>
#include <stdlib.h>

#include "workload_util.h"

/* Largest n checked against a full fp64 product (2n^3 fp64 operations: 0.27 G at 512). */
#define PB_SGEMM_FULL_MAX 512
/* Freivalds' test: random sign vectors, and how many standard deviations of the legitimate rounding
 * noise a row residual may reach (Hoeffding: a correct row fails with probability <= 2e^(-K^2/2),
 * 2.5e-14 for K = 8). */
#define PB_FREIVALDS_VECTORS 2
#define PB_FREIVALDS_K 8.0
#define PB_FP64_UNIT_ROUNDOFF (1.0 / 9007199254740992.0) /* 2^-53 */

static double pb_sgemm_flops(const pb_dims *d)
{
    double n = (double)d->v[0];
    return 2 * n * n * n;
}

static double pb_sgemm_bytes(const pb_dims *d)
{
    double n = (double)d->v[0];
    return 3 * 4 * n * n;
}

/* Inputs are uniform in [0, 1): with no cancellation every c_ij is about n/4, the same size as
 * sum_k |a_ik||b_kj|. That makes one wrong element visible to Freivalds' test, whose row residual
 * sums n elements' rounding noise (see pb_sgemm_verify_freivalds). */
static pb_status pb_sgemm_create(const pb_dims *dims, uint64_t seed, pb_problem *out, pb_msg *msg)
{
    static const int64_t min[] = { 1 };
    const int64_t n = dims->v[0];
    pb_status st = pb_wl_check_dims(&pb_workload_sgemm, dims, min, msg);
    if (st == PB_OK)
        st = pb_wl_check_elements(&pb_workload_sgemm, n * n, msg);
    if (st != PB_OK)
        return st;
    const size_t bytes = (size_t)(n * n) * sizeof(float);
    const pb_buffer_spec specs[] = {
        { "A", PB_BUFFER_IN, bytes },
        { "B", PB_BUFFER_IN, bytes },
        { "C", PB_BUFFER_OUT, bytes },
    };
    pb_problem p;
    if ((st = pb_wl_begin(&p, PB_WL_SGEMM, dims, specs, 3, msg)) != PB_OK)
        return st;
    pb_rng rng = pb_rng_make(seed);
    pb_fill_uniform(p.buf[0].host, n * n, 0.0f, 1.0f, &rng);
    pb_fill_uniform(p.buf[1].host, n * n, 0.0f, 1.0f, &rng);
    p.params.sgemm.n = (int)n;
    p.work = pb_sgemm_flops(dims);
    *out = p;
    return PB_OK;
}

/* Bound on |c_ij - (AB)_ij| / sum_k |a_ik||b_kj| for any summation order: the two inputs rounded to
 * the working precision u (2u), n additions in the accumulator (n u_acc, Higham's gamma_n) and the
 * store to fp32 (u32), with a factor 2 for second-order terms. The accumulator is fp32 even when the
 * inputs are tf32, hence u_acc = min(u, u32). For fp32 this is 2(n + 3)u. */
static double pb_sgemm_tolerance(int64_t n, double u)
{
    const double u32 = PB_FP32_UNIT_ROUNDOFF;
    const double u_acc = u < u32 ? u : u32;
    return 2 * (2 * u + (double)n * u_acc + u32);
}

/* ---- full fp64 reference (n <= PB_SGEMM_FULL_MAX) -------------------------------------------- */

typedef struct pb_sgemm_full {
    double *ref;  /* (AB)_ij */
    double *abs;  /* sum_k |a_ik||b_kj|, the scale of each element's rounding error */
} pb_sgemm_full;

typedef struct pb_sgemm_job {
    const pb_problem *problem;
    const pb_sgemm_full *full;
    double tol;
} pb_sgemm_job;

static void pb_sgemm_full_rows(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    const pb_sgemm_job *job = arg;
    const int64_t n = job->problem->params.sgemm.n;
    const float *a = job->problem->buf[0].host, *b = job->problem->buf[1].host;
    (void)share;
    (void)tally;
    for (int64_t i = begin; i < end; i++) {
        double *ref = job->full->ref + i * n, *abs = job->full->abs + i * n;
        for (int64_t j = 0; j < n; j++)
            ref[j] = abs[j] = 0;
        for (int64_t k = 0; k < n; k++) {
            const double aik = a[i * n + k], aik_abs = fabs(aik);
            const float *bk = b + k * n;
            for (int64_t j = 0; j < n; j++) {
                ref[j] += aik * bk[j];
                abs[j] += aik_abs * fabsf(bk[j]);
            }
        }
    }
}

static void pb_sgemm_full_check_rows(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    const pb_sgemm_job *job = arg;
    const int64_t n = job->problem->params.sgemm.n;
    const float *c = job->problem->buf[2].host;
    (void)share;
    for (int64_t idx = begin * n; idx < end * n; idx++)
        pb_tally_add(tally, idx, pb_ratio(fabs(c[idx] - job->full->ref[idx]), job->full->abs[idx]), job->tol);
}

static pb_status pb_sgemm_verify_full(pb_problem *problem, pb_pool *pool, int threads, double u, pb_check *out,
                                      pb_msg *msg)
{
    const int64_t n = problem->params.sgemm.n;
    pb_sgemm_job job = { .problem = problem, .full = problem->ref };
    if (!problem->ref) {
        pb_sgemm_full *full = malloc(sizeof *full + 2 * (size_t)(n * n) * sizeof(double));
        if (!full)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for the sgemm reference (n = %lld)", (long long)n);
        full->ref = (double *)(full + 1);
        full->abs = full->ref + n * n;
        job.full = full;
        pb_wl_parallel_for(pool, threads, n, pb_sgemm_full_rows, &job, NULL);
        problem->ref = full;
        problem->ref_free = free;
    }
    /* The fp64 reference itself is within n 2^-53 of the exact product, relative to `abs`. */
    job.tol = pb_sgemm_tolerance(n, u) + (double)n * PB_FP64_UNIT_ROUNDOFF;
    pb_tally t;
    pb_tally_init(&t);
    pb_wl_parallel_for(pool, threads, n, pb_sgemm_full_check_rows, &job, &t);
    pb_check_set(out, "full fp64 reference", &t, job.tol);
    return PB_OK;
}

/* ---- Freivalds' test (n > PB_SGEMM_FULL_MAX) ---------------------------------------------------
 * For random sign vectors x, a correct C has C x = A (B x) up to rounding. The residual of row i is
 * r_i = sum_j e_ij x_j with |e_ij| <= tol s_ij (s_ij = sum_k |a_ik||b_kj|). The errors were fixed
 * before x was drawn, so by Hoeffding |r_i| <= K tol ||s_i||_2 except with probability
 * 2e^(-K^2/2), and ||s_i||_2 <= t_i = sum_k |a_ik| ||b_k||_2 (triangle inequality over the rows
 * b_k of B), which costs O(n^2). A row fails when |r_i| > K tol t_i: the reported error of a row is
 * |r_i| / (K t_i), in the same units as the full check's.
 * Power: one wrong element c_ij + d moves r_i by |d| (x_j = +-1). With inputs in [0, 1), doubling
 * an element gives |d| ~ n/4 while the threshold is K tol t_i ~ 0.58 K u n^2.5 for fp32, so the
 * row fails up to n ~ 5900 even if every other element's error were at its worst case; a real
 * kernel's errors are far below that bound. */

typedef struct pb_sgemm_freivalds {
    double *x[PB_FREIVALDS_VECTORS];   /* the random sign vectors */
    double *abx[PB_FREIVALDS_VECTORS]; /* A (B x), the expected C x */
    double *t;                         /* the noise scale t_i of each row */
    double *bx[PB_FREIVALDS_VECTORS];  /* B x, an intermediate */
    double *brow;                      /* ||b_k||_2, an intermediate */
} pb_sgemm_freivalds;

typedef struct pb_freivalds_job {
    const pb_problem *problem;
    const pb_sgemm_freivalds *f;
    double tol;
} pb_freivalds_job;

static void pb_freivalds_b_rows(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    const pb_freivalds_job *job = arg;
    const int64_t n = job->problem->params.sgemm.n;
    const float *b = job->problem->buf[1].host;
    (void)share;
    (void)tally;
    for (int64_t k = begin; k < end; k++) {
        const float *bk = b + k * n;
        double sq = 0, s0 = 0, s1 = 0;
        for (int64_t j = 0; j < n; j++) {
            sq += (double)bk[j] * bk[j];
            s0 += bk[j] * job->f->x[0][j];
            s1 += bk[j] * job->f->x[1][j];
        }
        job->f->brow[k] = sqrt(sq);
        job->f->bx[0][k] = s0;
        job->f->bx[1][k] = s1;
    }
}

static void pb_freivalds_a_rows(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    const pb_freivalds_job *job = arg;
    const int64_t n = job->problem->params.sgemm.n;
    const float *a = job->problem->buf[0].host;
    (void)share;
    (void)tally;
    for (int64_t i = begin; i < end; i++) {
        const float *ai = a + i * n;
        double t = 0, s0 = 0, s1 = 0;
        for (int64_t k = 0; k < n; k++) {
            t += fabsf(ai[k]) * job->f->brow[k];
            s0 += ai[k] * job->f->bx[0][k];
            s1 += ai[k] * job->f->bx[1][k];
        }
        job->f->t[i] = t;
        job->f->abx[0][i] = s0;
        job->f->abx[1][i] = s1;
    }
}

/* Tallies each row once, at the index of its first element, with the worse of its two residuals. */
static void pb_freivalds_check_rows(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    const pb_freivalds_job *job = arg;
    const int64_t n = job->problem->params.sgemm.n;
    const float *c = job->problem->buf[2].host;
    (void)share;
    for (int64_t i = begin; i < end; i++) {
        const float *ci = c + i * n;
        double s0 = 0, s1 = 0;
        for (int64_t j = 0; j < n; j++) {
            s0 += ci[j] * job->f->x[0][j];
            s1 += ci[j] * job->f->x[1][j];
        }
        const double scale = PB_FREIVALDS_K * job->f->t[i];
        const double e0 = pb_ratio(fabs(s0 - job->f->abx[0][i]), scale);
        const double e1 = pb_ratio(fabs(s1 - job->f->abx[1][i]), scale);
        pb_tally_add(tally, i * n, pb_worse(e0, e1), job->tol);
    }
}

static pb_status pb_sgemm_verify_freivalds(pb_problem *problem, pb_pool *pool, int threads, double u, pb_check *out,
                                           pb_msg *msg)
{
    const int64_t n = problem->params.sgemm.n;
    pb_freivalds_job job = { .problem = problem, .f = problem->ref };
    if (!problem->ref) {
        const int arrays = 3 * PB_FREIVALDS_VECTORS + 2;
        pb_sgemm_freivalds *f = malloc(sizeof *f + (size_t)arrays * (size_t)n * sizeof(double));
        if (!f)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for the sgemm check (n = %lld)", (long long)n);
        double *next = (double *)(f + 1);
        for (int v = 0; v < PB_FREIVALDS_VECTORS; v++) {
            f->x[v] = next, next += n;
            f->abx[v] = next, next += n;
            f->bx[v] = next, next += n;
        }
        f->t = next, next += n;
        f->brow = next;
        /* Fixed seed: the vectors only need to be independent of the kernel's rounding errors. */
        pb_rng rng = pb_rng_make(0x5eed5eedull ^ (uint64_t)n);
        for (int v = 0; v < PB_FREIVALDS_VECTORS; v++) {
            for (int64_t j = 0; j < n; j++)
                f->x[v][j] = (pb_rng_next(&rng) >> 63) ? 1.0 : -1.0;
        }
        job.f = f;
        pb_wl_parallel_for(pool, threads, n, pb_freivalds_b_rows, &job, NULL);
        pb_wl_parallel_for(pool, threads, n, pb_freivalds_a_rows, &job, NULL);
        problem->ref = f;
        problem->ref_free = free;
    }
    /* The fp64 sums of the check itself err by at most about 3n 2^-53 sum_j s_ij <= 3 n^1.5 2^-53 t_i
     * (Cauchy-Schwarz); 4 n^1.5 2^-53 / K in the reported units. */
    const double nd = (double)n;
    job.tol = pb_sgemm_tolerance(n, u) + 4 * nd * sqrt(nd) * PB_FP64_UNIT_ROUNDOFF / PB_FREIVALDS_K;
    pb_tally t;
    pb_tally_init(&t);
    pb_wl_parallel_for(pool, threads, n, pb_freivalds_check_rows, &job, &t);
    pb_check_set(out, "Freivalds x2 (fp64)", &t, job.tol);
    return PB_OK;
}

static pb_status pb_sgemm_verify(pb_problem *problem, pb_pool *pool, int threads, double unit_roundoff,
                                 pb_check *out, pb_msg *msg)
{
    if (problem->params.sgemm.n <= PB_SGEMM_FULL_MAX)
        return pb_sgemm_verify_full(problem, pool, threads, unit_roundoff, out, msg);
    return pb_sgemm_verify_freivalds(problem, pool, threads, unit_roundoff, out, msg);
}

const pb_workload pb_workload_sgemm = {
    .id = PB_WL_SGEMM,
    .name = "sgemm",
    .summary = "C = A*B, square fp32 matrices (compute bound)",
    .ndims = 1,
    .dim_names = { "n" },
    .sizes = {
        [PB_PRESET_TINY] = { { 67 } },
        [PB_PRESET_QUICK] = { { 512 } },
        [PB_PRESET_STANDARD] = { { 2048 } },
        [PB_PRESET_LARGE] = { { 4096 } },
    },
    .precision = "fp32",
    .rate_unit = "GFLOP/s",
    .flops = pb_sgemm_flops,
    .bytes = pb_sgemm_bytes,
    .create = pb_sgemm_create,
    .verify = pb_sgemm_verify,
};
