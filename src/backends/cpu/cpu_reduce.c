/* Sum of n fp32 on the CPU: per-thread partial sums in fp32 vector lanes over short blocks,
 * combined in double, so no fp32 addition chain is longer than a block allows. */
#include <stdint.h>

#include "../../core/mem.h"
#include "cpu_kernels.h"
#include "cpu_simd.h"

/* Four vector accumulators hide the add latency. A block of 16384 elements puts at most
 * 16384 / (4 * 4 lanes) + 3 = 1027 additions on one fp32 chain (fewer with wider vectors), well
 * under the 4096 the verification's tolerance assumes; block sums are added in double. */
#define PB_REDUCE_ACC 4
#define PB_REDUCE_BLOCK 16384

/* One partial per thread, each on its own cache line. */
typedef struct pb_reduce_partial {
    double sum;
    char pad[64 - sizeof(double)];
} pb_reduce_partial;

static double pb_reduce_block(const float *x, int64_t n)
{
    pb_vf acc[PB_REDUCE_ACC];
    for (int k = 0; k < PB_REDUCE_ACC; k++)
        acc[k] = pb_vf_splat(0.0f);
    int64_t i = 0;
    for (; i + PB_REDUCE_ACC * PB_VF_LANES <= n; i += PB_REDUCE_ACC * PB_VF_LANES)
        for (int k = 0; k < PB_REDUCE_ACC; k++)
            acc[k] += pb_vf_load(x + i + k * PB_VF_LANES);
    pb_vf v = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    double s = pb_vf_sum_double(v);
    for (; i < n; i++)
        s += (double)x[i];
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
    double s = 0.0;
    for (int64_t i = i0; i < i1; i += PB_REDUCE_BLOCK)
        s += pb_reduce_block(x + i, i1 - i < PB_REDUCE_BLOCK ? i1 - i : PB_REDUCE_BLOCK);
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
