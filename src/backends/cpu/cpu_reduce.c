/* Sum of n fp32 on the CPU: each thread reads its share as several concurrent streams, summing in
 * fp32 vector lanes over short blocks combined in double, so no fp32 addition chain is longer
 * than the verification allows (PB_REDUCE_MAX_CHAIN, workload.h). */
#include <stdint.h>

#include "../../core/mem.h"
#include "cpu_kernels.h"
#include "cpu_simd.h"

/* A core reading one sequential stream keeps too few cache misses in flight to reach its share of
 * the memory bandwidth; eight streams (eight parts of the thread's share, read side by side) do
 * (measured: +20% on one core here). Each stream has its own vector accumulator, which also hides
 * the add latency. */
#define PB_REDUCE_STREAMS 8
/* Elements per stream per block: a lane adds at most 2048 / 4 = 512 values, then 3 tree levels
 * join the streams, well under PB_REDUCE_MAX_CHAIN; block sums are added in double. */
#define PB_REDUCE_BLOCK 2048

/* One partial per thread, each on its own cache line. */
typedef struct pb_reduce_partial {
    double sum;
    char pad[64 - sizeof(double)];
} pb_reduce_partial;

/* Sum of PB_REDUCE_STREAMS streams of `len` elements (a multiple of the vector width) starting
 * `stride` elements apart at x. */
static double pb_reduce_streams(const float *x, int64_t len, int64_t stride)
{
    double s = 0.0;
    for (int64_t off = 0; off < len; off += PB_REDUCE_BLOCK) {
        const int64_t end = len - off < PB_REDUCE_BLOCK ? len : off + PB_REDUCE_BLOCK;
        pb_vf acc[PB_REDUCE_STREAMS];
        for (int k = 0; k < PB_REDUCE_STREAMS; k++)
            acc[k] = pb_vf_splat(0.0f);
        for (int64_t i = off; i < end; i += PB_VF_LANES)
            for (int k = 0; k < PB_REDUCE_STREAMS; k++)
                acc[k] += pb_vf_load(x + k * stride + i);
        for (int w = PB_REDUCE_STREAMS / 2; w > 0; w /= 2)
            for (int k = 0; k < w; k++)
                acc[k] += acc[k + w];
        s += pb_vf_sum_double(acc[0]);
    }
    return s;
}

static void pb_reduce_task(void *arg, int t, int threads)
{
    const pb_cpu_case *c = arg;
    const pb_problem *p = c->problem;
    const float *x = p->buf[0].host;
    pb_reduce_partial *partial = c->state;
    int64_t i0, i1;
    pb_split_aligned(p->params.reduce.n, 16, t, threads, &i0, &i1);
    /* Streams of a multiple of 16 elements, so each starts on a cache line; the few elements left
     * over are added one by one in double. */
    const int64_t len = (i1 - i0) / PB_REDUCE_STREAMS / 16 * 16;
    double s = pb_reduce_streams(x + i0, len, len);
    for (int64_t i = i0 + PB_REDUCE_STREAMS * len; i < i1; i++)
        s += (double)x[i];
    partial[t].sum = s;
}

static void pb_reduce_launch(pb_cpu_case *c)
{
    const pb_reduce_partial *partial = c->state;
    pb_pool_run(c->pool, c->threads, pb_reduce_task, c);
    double s = 0.0;
    for (int t = 0; t < c->threads; t++)
        s += partial[t].sum;
    *(float *)c->problem->buf[1].host = (float)s;
}

static pb_status pb_reduce_setup(pb_cpu_case *c, pb_msg *msg)
{
    c->state = pb_alloc((size_t)c->threads * sizeof(pb_reduce_partial));
    return c->state ? PB_OK : pb_msg_set(msg, PB_ERR_NOMEM, "out of memory preparing reduce");
}

static void pb_reduce_teardown(pb_cpu_case *c) { pb_free(c->state); }

const pb_cpu_kernel pb_cpu_reduce = {
    .setup = pb_reduce_setup,
    .launch = pb_reduce_launch,
    .teardown = pb_reduce_teardown,
};
