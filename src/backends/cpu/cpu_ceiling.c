/* The CPU ceiling probes (cpu_ceiling.h): FMA chains in the vector width the kernels use, and a
 * read and a triad over arrays larger than the last-level cache, each checked after it ran. */
#include "cpu_ceiling.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "../../core/mem.h"
#include "../../core/timer.h"
#include "cpu_simd.h"

#define PB_LANE_VALUES (PB_CEILING_CHAINS * PB_VF_LANES)
#define PB_READ_CHUNK 16384     /* floats summed in fp32 before the sum moves to double: exact */
#define PB_BW_CHUNK 65536       /* floats a thread takes at a time: 256 KiB per array */

/* x <- x * m + a converges to a / (1 - m) = 1 and stays bounded however long it runs. */
static const float pb_chain_m = 0.999f, pb_chain_a = 0.001f;

static float pb_chain_start(int k) { return 1.0f + (float)k / 1024.0f; }

typedef struct pb_fma_job {
    float m, a;
    int64_t iters;
    float *out;                 /* PB_LANE_VALUES per thread */
} pb_fma_job;

static void pb_fma_task(void *arg, int t, int threads)
{
    const pb_fma_job *j = arg;
    (void)threads;
    pb_vf acc[PB_CEILING_CHAINS];
    for (int k = 0; k < PB_CEILING_CHAINS; k++)
        for (int l = 0; l < PB_VF_LANES; l++)
            acc[k][l] = pb_chain_start(k * PB_VF_LANES + l);
    const pb_vf m = pb_vf_splat(j->m), a = pb_vf_splat(j->a);
    for (int64_t i = 0; i < j->iters; i++)
        for (int k = 0; k < PB_CEILING_CHAINS; k++)
            acc[k] = pb_vf_fma(acc[k], m, a);
    for (int k = 0; k < PB_CEILING_CHAINS; k++)
        pb_vf_store(j->out + (size_t)t * PB_LANE_VALUES + (size_t)k * PB_VF_LANES, acc[k]);
}

float pb_cpu_ceiling_chain_value(float x0, float m, float a, int64_t iters)
{
    float x = x0;
    for (int64_t i = 0; i < iters; i++)
#if defined(__AVX512F__) || (defined(__AVX__) && defined(__FMA__)) || (defined(__ARM_NEON) && defined(__aarch64__))
        x = fmaf(x, m, a);
#else
        x = x * m + a;  /* pb_vf_fma is two operations on this target */
#endif
    return x;
}

int pb_cpu_ceiling_chains_ok(const float *got, const float *x0, int n, float m, float a, int64_t iters)
{
    for (int i = 0; i < n; i++) {
        float want = pb_cpu_ceiling_chain_value(x0[i], m, a, iters);
        if (!(fabsf(got[i] - want) <= 1e-5f * fabsf(want)))
            return 0;
    }
    return 1;
}

double pb_cpu_ceiling_read_sum(int64_t n)
{
    /* Each whole run of 8 holds 0 + 1 + ... + 7 = 28; the rest 0 + 1 + ... + (r - 1). */
    int64_t r = n % 8;
    return 28.0 * (double)(n / 8) + (double)(r * (r - 1) / 2);
}

/* Up to this many iterations the chains are recomputed in scalar code; beyond, the recomputation
 * would cost as much as the probe, so the values are held against the recurrence's closed form,
 * x_n = 1 + m^n (x_0 - 1), within the rounding it accumulates (about 1 / (1 - m) ulps). */
#define PB_CHAIN_SCALAR_ITERS 65536

static int pb_chains_near_closed_form(const float *got, const float *x0, int n, int64_t iters)
{
    const double mn = pow((double)pb_chain_m, (double)iters);
    for (int i = 0; i < n; i++) {
        double want = 1.0 + mn * ((double)x0[i] - 1.0);
        if (!(fabs((double)got[i] - want) <= 2e-4))
            return 0;
    }
    return 1;
}

/* Runs `iters` iterations on every thread; returns the seconds taken, 0 when a chain is wrong:
 * every thread must hold the same values, and those the recomputation's. */
static double pb_fma_run(pb_pool *pool, int threads, int64_t iters, float *out)
{
    pb_fma_job job = { pb_chain_m, pb_chain_a, iters, out };
    double t0 = pb_time_now();
    pb_pool_run(pool, threads, pb_fma_task, &job);
    double s = pb_time_now() - t0;
    float x0[PB_LANE_VALUES];
    for (int k = 0; k < PB_LANE_VALUES; k++)
        x0[k] = pb_chain_start(k);
    for (int t = 1; t < threads; t++)
        if (memcmp(out, out + (size_t)t * PB_LANE_VALUES, PB_LANE_VALUES * sizeof(float)) != 0)
            return 0;
    int ok = iters <= PB_CHAIN_SCALAR_ITERS
                 ? pb_cpu_ceiling_chains_ok(out, x0, PB_LANE_VALUES, pb_chain_m, pb_chain_a, iters)
                 : pb_chains_near_closed_form(out, x0, PB_LANE_VALUES, iters);
    return ok ? s : 0;
}

/* The best of `reps` timed runs of a quarter of the FMA budget each, into *gflops when higher. */
static pb_status pb_fma_probe(pb_pool *pool, const pb_cpu_ceiling_opts *o, int reps, double *gflops, pb_msg *msg)
{
    float *out = pb_alloc((size_t)o->threads * PB_LANE_VALUES * sizeof(float));
    if (!out)
        return pb_msg_set(msg, PB_ERR_NOMEM, "no memory for the FMA probe");
    int64_t iters = 1024;
    double s = 0, best = 0;
    /* Grow the run until it lasts a tenth of the budget, then time runs of a quarter of it. */
    while ((s = pb_fma_run(pool, o->threads, iters, out)) > 0 && s < o->fma_time_s / 10 && iters < ((int64_t)1 << 40))
        iters *= 2;
    if (s > 0)
        iters = (int64_t)((double)iters * o->fma_time_s / 4 / s) + 1;
    for (int rep = 0; rep < reps && s > 0; rep++) {
        s = pb_fma_run(pool, o->threads, iters, out);
        double rate = s > 0 ? 2.0 * PB_LANE_VALUES * (double)o->threads * (double)iters / s / 1e9 : 0;
        best = rate > best ? rate : best;
    }
    pb_free(out);
    if (s <= 0)
        return pb_msg_set(msg, PB_ERR_VERIFY, "the FMA probe's chains disagree with their scalar recomputation");
    *gflops = best > *gflops ? best : *gflops;
    return PB_OK;
}

/* ---- bandwidth ---------------------------------------------------------------------------------- */

typedef enum pb_bw_op { PB_BW_FILL, PB_BW_READ, PB_BW_TRIAD, PB_BW_TRIAD_NT } pb_bw_op;

typedef struct pb_bw_job {
    pb_bw_op op;
    float *a, *b, *c;
    int64_t n;
    atomic_llong next;          /* the next chunk to take: threads that start late take fewer */
    double sums[1024];          /* the read's sum per thread */
} pb_bw_job;

static double pb_read_span(const float *p, int64_t i0, int64_t i1)
{
    double total = 0;
    for (int64_t c0 = i0; c0 < i1; c0 += PB_READ_CHUNK) {
        const int64_t c1 = i1 - c0 < PB_READ_CHUNK ? i1 : c0 + PB_READ_CHUNK;
        pb_vf s0 = { 0 }, s1 = { 0 }, s2 = { 0 }, s3 = { 0 };
        int64_t i = c0;
        for (; i + 4 * PB_VF_LANES <= c1; i += 4 * PB_VF_LANES) {
            s0 += pb_vf_load(p + i);
            s1 += pb_vf_load(p + i + PB_VF_LANES);
            s2 += pb_vf_load(p + i + 2 * PB_VF_LANES);
            s3 += pb_vf_load(p + i + 3 * PB_VF_LANES);
        }
        double part = pb_vf_sum_double((s0 + s1) + (s2 + s3));
        for (; i < c1; i++)
            part += p[i];
        total += part;
    }
    return total;
}

static void pb_triad_span(float *restrict a, const float *restrict b, const float *restrict c, int64_t i0,
                          int64_t i1, int stream)
{
    const pb_vf s = pb_vf_splat(0.5f);
    int64_t i = i0;
    if (stream) {
        for (; i + PB_VF_LANES <= i1; i += PB_VF_LANES)
            pb_vf_stream(a + i, pb_vf_fma(s, pb_vf_load(c + i), pb_vf_load(b + i)));
        pb_stream_fence();
    } else {
        for (; i + PB_VF_LANES <= i1; i += PB_VF_LANES)
            pb_vf_store(a + i, pb_vf_fma(s, pb_vf_load(c + i), pb_vf_load(b + i)));
    }
    for (; i < i1; i++)
        a[i] = b[i] + 0.5f * c[i];
}

static void pb_bw_span(pb_bw_job *j, int t, int64_t i0, int64_t i1)
{
    switch (j->op) {
    case PB_BW_FILL:
        for (int64_t i = i0; i < i1; i++) {
            j->a[i] = -1.0f;
            j->b[i] = (float)(i % 8);
            j->c[i] = (float)((i / 8) % 4);
        }
        break;
    case PB_BW_READ: j->sums[t] += pb_read_span(j->b, i0, i1); break;
    case PB_BW_TRIAD: pb_triad_span(j->a, j->b, j->c, i0, i1, 0); break;
    case PB_BW_TRIAD_NT: pb_triad_span(j->a, j->b, j->c, i0, i1, 1); break;
    }
}

static void pb_bw_task(void *arg, int t, int threads)
{
    pb_bw_job *j = arg;
    (void)threads;
    j->sums[t] = 0;
    for (int64_t k; (k = atomic_fetch_add(&j->next, 1)) * PB_BW_CHUNK < j->n;) {
        const int64_t i0 = k * PB_BW_CHUNK, i1 = j->n - i0 < PB_BW_CHUNK ? j->n : i0 + PB_BW_CHUNK;
        pb_bw_span(j, t, i0, i1);
    }
}

/* One pass of `op` on every thread. */
static void pb_bw_pass(pb_pool *pool, int threads, pb_bw_job *j, pb_bw_op op)
{
    j->op = op;
    atomic_store(&j->next, 0);
    pb_pool_run(pool, threads, pb_bw_task, j);
}

/* The best of `repeats` passes of `op`, in GB/s of `bytes` per pass; 0 when a check failed. */
static double pb_bw_best(pb_pool *pool, int threads, pb_bw_job *j, pb_bw_op op, double bytes, int repeats)
{
    double best = 0;
    for (int rep = 0; rep < repeats; rep++) {
        double t0 = pb_time_now();
        pb_bw_pass(pool, threads, j, op);
        double s = pb_time_now() - t0;
        if (op == PB_BW_READ) {
            double sum = 0;
            for (int t = 0; t < threads; t++)
                sum += j->sums[t];
            if (sum != pb_cpu_ceiling_read_sum(j->n))
                return 0;
        }
        best = s > 0 && bytes / s / 1e9 > best ? bytes / s / 1e9 : best;
    }
    if (op == PB_BW_TRIAD || op == PB_BW_TRIAD_NT) {
        /* Every element is exact (small integers and halves): check a spread of 4099 of them. */
        for (int64_t k = 0; k <= 4098; k++) {
            int64_t i = k * (j->n - 1) / 4098;
            if (j->a[i] != (float)(i % 8) + 0.5f * (float)((i / 8) % 4))
                return 0;
        }
        for (int64_t i = 0; i < j->n; i += 4096)
            j->a[i] = -1.0f;    /* the next triad must write them again */
    }
    return best;
}

static pb_status pb_bw_probe(pb_pool *pool, const pb_cpu_ceiling_opts *o, pb_cpu_ceiling_result *out, pb_msg *msg)
{
    pb_bw_job *j = pb_alloc(sizeof *j);
    const int64_t n = (int64_t)(o->array_bytes / sizeof(float)) / PB_VF_LANES * PB_VF_LANES;
    if (j) {
        memset(j, 0, sizeof *j);
        j->n = n;
        j->a = pb_alloc((size_t)n * sizeof(float));
        j->b = pb_alloc((size_t)n * sizeof(float));
        j->c = pb_alloc((size_t)n * sizeof(float));
    }
    if (!j || !j->a || !j->b || !j->c) {
        if (j) {
            pb_free(j->a);
            pb_free(j->b);
            pb_free(j->c);
        }
        pb_free(j);
        return pb_msg_set(msg, PB_ERR_NOMEM, "no memory for the bandwidth probe (3 x %zu bytes)", o->array_bytes);
    }
    /* Filled by the threads that stream them: on a NUMA machine most chunks lie near their thread. */
    pb_bw_pass(pool, o->threads, j, PB_BW_FILL);
    const double nbytes = (double)n * sizeof(float);
    out->read_gbs = pb_bw_best(pool, o->threads, j, PB_BW_READ, nbytes, o->repeats);
    out->triad_gbs = pb_bw_best(pool, o->threads, j, PB_BW_TRIAD, 3 * nbytes, o->repeats);
    out->triad_nt_gbs = pb_bw_best(pool, o->threads, j, PB_BW_TRIAD_NT, 3 * nbytes, o->repeats);
    pb_free(j->a);
    pb_free(j->b);
    pb_free(j->c);
    pb_free(j);
    if (out->read_gbs <= 0)
        return pb_msg_set(msg, PB_ERR_VERIFY, "the bandwidth probe's read summed to the wrong value");
    if (out->triad_gbs <= 0 || out->triad_nt_gbs <= 0)
        return pb_msg_set(msg, PB_ERR_VERIFY, "the bandwidth probe's triad wrote wrong values");
    out->bandwidth_gbs = fmax(out->read_gbs, fmax(out->triad_gbs, out->triad_nt_gbs));
    return PB_OK;
}

pb_status pb_cpu_ceiling_measure(pb_pool *pool, const pb_cpu_ceiling_opts *opts, pb_cpu_ceiling_result *out,
                                 pb_msg *msg)
{
    pb_cpu_ceiling_opts o = *opts;
    int max = pb_pool_max_threads(pool);
    o.threads = o.threads < 1 ? 1 : o.threads > max ? max : o.threads > 1024 ? 1024 : o.threads;
    o.repeats = o.repeats < 1 ? 1 : o.repeats;
    o.array_bytes = o.array_bytes < 1u << 20 ? 1u << 20 : o.array_bytes;
    pb_cpu_ceiling_result r;
    memset(&r, 0, sizeof r);
    double t0 = pb_time_now();
    /* The FMA runs before and after the bandwidth probe, the best counting: on a shared machine a
     * neighbour, the hypervisor (two virtual CPUs on one physical core halve the FMA rate) or the
     * kernel can hold a core for a fraction of a second, and the chains have no dynamic share-out. */
    pb_status st = pb_fma_probe(pool, &o, 2, &r.fp32_gflops, msg);
    if (st == PB_OK)
        st = pb_bw_probe(pool, &o, &r, msg);
    if (st == PB_OK)
        st = pb_fma_probe(pool, &o, 2, &r.fp32_gflops, msg);
    if (st != PB_OK)
        return st;
    r.seconds = pb_time_now() - t0;
    r.lanes = PB_VF_LANES;
    *out = r;
    return PB_OK;
}
