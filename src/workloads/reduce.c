/* Reduce, the sum of n fp32 values: sizes, counts, inputs, and a check against the exact sum with a
 * tolerance that follows the summation-depth rule in workload.h (PB_REDUCE_MAX_CHAIN). */
#include <math.h>
#include <stdlib.h>

#include "workload_util.h"

static double pb_reduce_flops(const pb_dims *d) { return (double)d->v[0]; }

static double pb_reduce_bytes(const pb_dims *d) { return 4 * (double)d->v[0]; }

/* Inputs are multiples of 2^-12 in [0, 1) (12 random bits): no cancellation, so the relative error
 * of the sum is well defined, and any sum of at most PB_REDUCE_MAX_CHAIN = 4096 of them is below
 * 4096 * 4095 * 2^-12 < 2^24 * 2^-12, so it is exact in fp32 in any order. Under the reduce rule
 * only the tree levels above the serial chains can round, which keeps the tolerance at
 * O(log n) u sum|x|: lost or doubled work stays visible at every size (see pb_reduce_verify). */
static void pb_reduce_fill(float *x, int64_t n, pb_rng *rng)
{
    for (int64_t i = 0; i < n; i++)
        x[i] = (float)(pb_rng_next(rng) >> 52) * (1.0f / 4096.0f);
}

static pb_status pb_reduce_create(const pb_dims *dims, uint64_t seed, pb_problem *out, pb_msg *msg)
{
    static const int64_t min[] = { 1 };
    pb_status st = pb_wl_check_dims(&pb_workload_reduce, dims, min, msg);
    if (st != PB_OK)
        return st;
    const int64_t n = dims->v[0];
    const pb_buffer_spec specs[] = {
        { "x", PB_BUFFER_IN, (size_t)n * sizeof(float) },
        { "sum", PB_BUFFER_OUT, sizeof(float) },
    };
    pb_problem p;
    if ((st = pb_wl_begin(&p, PB_WL_REDUCE, dims, specs, 2, msg)) != PB_OK)
        return st;
    pb_rng rng = pb_rng_make(seed);
    pb_reduce_fill(p.buf[0].host, n, &rng);
    p.params.reduce.n = (int)n;
    p.work = pb_reduce_bytes(dims);
    *out = p;
    return PB_OK;
}

typedef struct pb_reduce_ref {
    double sum;
    double abs_sum;
} pb_reduce_ref;

typedef struct pb_reduce_job {
    const float *x;
    double sum[PB_WL_MAX_THREADS];
    double abs_sum[PB_WL_MAX_THREADS];
} pb_reduce_job;

static void pb_reduce_range(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    pb_reduce_job *job = arg;
    double sum = 0, abs_sum = 0;
    (void)tally;
    for (int64_t i = begin; i < end; i++) {
        sum += job->x[i];
        abs_sum += fabsf(job->x[i]);
    }
    job->sum[share] = sum;
    job->abs_sum[share] = abs_sum;
}

static pb_status pb_reduce_verify(pb_problem *problem, pb_pool *pool, int threads, double unit_roundoff,
                                  pb_check *out, pb_msg *msg)
{
    const int64_t n = problem->params.reduce.n;
    if (!problem->ref) {
        pb_reduce_ref *ref = malloc(sizeof *ref);
        if (!ref)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for the reduce reference");
        /* Zeroed: shares with no elements are skipped and leave their partials untouched. */
        pb_reduce_job job = { .x = problem->buf[0].host };
        pb_wl_parallel_for(pool, threads, n, pb_reduce_range, &job, NULL);
        *ref = (pb_reduce_ref){ 0, 0 };
        for (int s = 0; s < PB_WL_MAX_THREADS; s++) {
            ref->sum += job.sum[s];
            ref->abs_sum += job.abs_sum[s];
        }
        problem->ref = ref;
        problem->ref_free = free;
    }
    const pb_reduce_ref *ref = problem->ref;
    const float got = *(const float *)problem->buf[1].host;
    /* Errors relative to sum|x|. The fp64 reference is exact (every partial sum is a multiple of
     * 2^-12 below 2^39). A sum of the backend's that rounds at all covers more than 4096 inputs,
     * so it lies in one of the at most 2 log2(n) tree levels the rule allows above the chains;
     * each level rounds by at most u times the sum of the magnitudes of its inputs, so the error
     * is at most levels * u * sum|x| (to first order; the factor 1 / (1 - levels u) covers the
     * rest). Up to 4096 inputs there is no such level: the sum must be exact. Power: lost or
     * repeated work of w inputs moves the sum by about w / n of it, which is above the tolerance
     * 2 log2(n) u for a block of 2,048 inputs up to n = 2^28 (twice the large preset). */
    const double levels = n <= PB_REDUCE_MAX_CHAIN ? 0 : 2 * ceil(log2((double)n));
    const double tol = levels * unit_roundoff / (1 - levels * unit_roundoff);
    pb_tally t;
    pb_tally_init(&t);
    pb_tally_add(&t, 0, pb_ratio(fabs(got - ref->sum), ref->abs_sum), tol);
    pb_check_set(out, "exact sum (inputs with 12-bit fractions)", &t, tol);
    return PB_OK;
}

const pb_workload pb_workload_reduce = {
    .id = PB_WL_REDUCE,
    .name = "reduce",
    .summary = "sum of n fp32 values (bandwidth + synchronisation)",
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
    .flops = pb_reduce_flops,
    .bytes = pb_reduce_bytes,
    .create = pb_reduce_create,
    .verify = pb_reduce_verify,
};
