/* Sum of n fp32 on the CPU: threads take chunks from the case's work queue and read each as several
 * concurrent streams, summing in fp32 vector lanes over short blocks combined in double, so no fp32
 * addition chain is longer than the verification allows (PB_REDUCE_MAX_CHAIN, workload.h). */
#include <stdint.h>

#include "../../core/mem.h"
#include "cpu_kernels.h"
#include "cpu_simd.h"

/* A core reading one sequential stream keeps too few cache misses in flight to reach its share of
 * the memory bandwidth; eight streams (eight parts of a chunk, read side by side) do
 * (measured: +20% on one core here). Each stream has its own vector accumulator, which also hides
 * the add latency. */
#define PB_REDUCE_STREAMS 8
/* Elements per stream per block: a lane adds at most 2048 / 4 = 512 values, then 3 tree levels
 * join the streams, well under PB_REDUCE_MAX_CHAIN; block sums are added in double. */
#define PB_REDUCE_BLOCK 2048

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

/* Elements per chunk of the work queue: four grains (1 MiB), so each of the eight streams is 128 KiB
 * long (chunks of one grain, streams of 32 KiB, ran about 13% slower here). A thread's own share
 * then differs from the part it touched first (pb_cpu_place) by less than a chunk at each end. A
 * chunk's sum depends only on its elements, never on the thread that took it, and the launch adds
 * the chunk sums in chunk order: the result is the same bits on any number of threads. */
#define PB_REDUCE_CHUNK ((int64_t)(4 * PB_CPU_CHUNK_BYTES / sizeof(float)))

/* The sum of each chunk, in double, written by the thread that took it. */
typedef struct pb_reduce_state {
    double *chunk_sum;
    int64_t chunks;
} pb_reduce_state;

/* Sum of x[i0, i1): eight streams of a multiple of 16 elements, so each starts on a cache line;
 * the few elements left over are added one by one in double. */
static double pb_reduce_chunk(const float *x, int64_t i0, int64_t i1)
{
    const int64_t len = (i1 - i0) / PB_REDUCE_STREAMS / 16 * 16;
    double s = pb_reduce_streams(x + i0, len, len);
    for (int64_t i = i0 + PB_REDUCE_STREAMS * len; i < i1; i++)
        s += (double)x[i];
    return s;
}

static void pb_reduce_task(void *arg, int t, int threads)
{
    const pb_cpu_case *c = arg;
    const pb_reduce_state *st = c->state;
    const int64_t n = c->problem->params.reduce.n;
    (void)threads;
    for (int64_t k; (k = pb_cpu_queue_next(c, t)) >= 0;) {
        const int64_t i0 = k * PB_REDUCE_CHUNK, i1 = n - i0 < PB_REDUCE_CHUNK ? n : i0 + PB_REDUCE_CHUNK;
        st->chunk_sum[k] = pb_reduce_chunk(c->problem->buf[0].host, i0, i1);
    }
}

static void pb_reduce_launch(pb_cpu_case *c)
{
    const pb_reduce_state *st = c->state;
    pb_cpu_queue_run(c, st->chunks, pb_reduce_task, c);
    double s = 0.0;
    for (int64_t k = 0; k < st->chunks; k++)
        s += st->chunk_sum[k];
    *(float *)c->problem->buf[1].host = (float)s;
}

static void pb_reduce_teardown(pb_cpu_case *c)
{
    pb_reduce_state *st = c->state;
    if (st)
        pb_free(st->chunk_sum);
    pb_free(st);
}

static pb_status pb_reduce_setup(pb_cpu_case *c, pb_msg *msg)
{
    const int64_t n = c->problem->params.reduce.n;
    pb_reduce_state *st = pb_alloc(sizeof *st);
    c->state = st;
    if (!st)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory preparing reduce");
    st->chunks = (n + PB_REDUCE_CHUNK - 1) / PB_REDUCE_CHUNK;
    st->chunk_sum = pb_alloc((size_t)(st->chunks > 0 ? st->chunks : 1) * sizeof *st->chunk_sum);
    return st->chunk_sum ? PB_OK : pb_msg_set(msg, PB_ERR_NOMEM, "out of memory preparing reduce");
}

const pb_cpu_kernel pb_cpu_reduce = {
    .setup = pb_reduce_setup,
    .launch = pb_reduce_launch,
    .teardown = pb_reduce_teardown,
};
