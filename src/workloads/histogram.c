/* 256-bin histogram of the top byte of n uint32 values: sizes, counts, inputs, and an exact check
 * against a recount. */
#include <stdlib.h>

#include "workload_util.h"

static double pb_histogram_flops(const pb_dims *d)
{
    (void)d;
    return 0;
}

/* Read every value once; the 1 KiB of bins is not compulsory traffic. */
static double pb_histogram_bytes(const pb_dims *d) { return 4 * (double)d->v[0]; }

/* Uniform random values: every bin gets about n/256, so all bins contend equally. */
static pb_status pb_histogram_create(const pb_dims *dims, uint64_t seed, pb_problem *out, pb_msg *msg)
{
    static const int64_t min[] = { 1 };
    pb_status st = pb_wl_check_dims(&pb_workload_histogram, dims, min, msg);
    if (st != PB_OK)
        return st;
    const int64_t n = dims->v[0];
    const pb_buffer_spec specs[] = {
        { "data", PB_BUFFER_IN, (size_t)n * sizeof(uint32_t) },
        { "bins", PB_BUFFER_OUT, PB_HISTOGRAM_BINS * sizeof(uint32_t) },
    };
    pb_problem p;
    if ((st = pb_wl_begin(&p, PB_WL_HISTOGRAM, dims, specs, 2, msg)) != PB_OK)
        return st;
    pb_rng rng = pb_rng_make(seed);
    uint32_t *data = p.buf[0].host;
    for (int64_t i = 0; i < n; i++)
        data[i] = pb_rng_u32(&rng);
    p.params.histogram.n = (int)n;
    p.params.histogram.bins = PB_HISTOGRAM_BINS;
    p.work = (double)n;
    *out = p;
    return PB_OK;
}

typedef struct pb_histogram_job {
    const uint32_t *data;
    uint64_t counts[PB_WL_MAX_THREADS][PB_HISTOGRAM_BINS];
} pb_histogram_job;

static void pb_histogram_range(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    pb_histogram_job *job = arg;
    (void)tally;
    for (int64_t i = begin; i < end; i++)
        job->counts[share][job->data[i] >> 24]++;
}

static pb_status pb_histogram_verify(pb_problem *problem, pb_pool *pool, int threads, double unit_roundoff,
                                     pb_check *out, pb_msg *msg)
{
    (void)unit_roundoff;
    if (!problem->ref) {
        /* Per-thread counts (128 KiB) live on the heap, zeroed for shares that get no elements. */
        pb_histogram_job *job = calloc(1, sizeof *job);
        uint64_t *ref = calloc(PB_HISTOGRAM_BINS, sizeof *ref);
        if (!job || !ref) {
            free(job);
            free(ref);
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for the histogram recount");
        }
        job->data = problem->buf[0].host;
        pb_wl_parallel_for(pool, threads, problem->params.histogram.n, pb_histogram_range, job, NULL);
        for (int s = 0; s < PB_WL_MAX_THREADS; s++) {
            for (int b = 0; b < PB_HISTOGRAM_BINS; b++)
                ref[b] += job->counts[s][b];
        }
        free(job);
        problem->ref = ref;
        problem->ref_free = free;
    }
    const uint64_t *ref = problem->ref;
    const uint32_t *bins = problem->buf[1].host;
    pb_tally t;
    pb_tally_init(&t);
    for (int b = 0; b < PB_HISTOGRAM_BINS; b++) {
        const double diff = bins[b] > ref[b] ? (double)(bins[b] - ref[b]) : (double)(ref[b] - bins[b]);
        pb_tally_add(&t, b, diff, 0);
    }
    pb_check_set(out, "exact counts", &t, 0);
    return PB_OK;
}

const pb_workload pb_workload_histogram = {
    .id = PB_WL_HISTOGRAM,
    .name = "histogram",
    .summary = "256-bin histogram of n uint32 values (atomics, contention)",
    .ndims = 1,
    .dim_names = { "n" },
    .sizes = {
        [PB_PRESET_TINY] = { { 1001 } },
        [PB_PRESET_QUICK] = { { 1 << 22 } },
        [PB_PRESET_STANDARD] = { { 1 << 26 } },
        [PB_PRESET_LARGE] = { { 1 << 28 } },
    },
    .precision = "u32",
    .rate_unit = "Gelem/s",
    .flops = pb_histogram_flops,
    .bytes = pb_histogram_bytes,
    .create = pb_histogram_create,
    .verify = pb_histogram_verify,
};
