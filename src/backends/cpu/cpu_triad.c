/* STREAM triad on the CPU, a = b + s * c: each thread streams its own cache-line-aligned share. */
#include <stdint.h>

#include "cpu_kernels.h"
#include "cpu_simd.h"

static void pb_triad_task(void *arg, int t, int threads)
{
    const pb_cpu_case *c = arg;
    const pb_problem *p = c->problem;
    const int64_t n = p->params.triad.n;
    const float s = p->params.triad.scalar;
    float *restrict a = p->buf[0].host;
    const float *restrict b = p->buf[1].host, *restrict cc = p->buf[2].host;
    int64_t i0, i1, i;
    /* Shares start on 16-float (64-byte) boundaries of 64-byte aligned buffers: no two threads
     * write one cache line, and every vector store below is aligned. */
    pb_split_aligned(n, 16, t, threads, &i0, &i1);
    const pb_vf vs = pb_vf_splat(s);
    if ((size_t)n * sizeof(float) >= PB_CPU_STREAM_MIN_BYTES) {
        for (i = i0; i + PB_VF_LANES <= i1; i += PB_VF_LANES)
            pb_vf_stream(a + i, pb_vf_fma(vs, pb_vf_load(cc + i), pb_vf_load(b + i)));
        pb_stream_fence();
    } else {
        for (i = i0; i + PB_VF_LANES <= i1; i += PB_VF_LANES)
            pb_vf_store(a + i, pb_vf_fma(vs, pb_vf_load(cc + i), pb_vf_load(b + i)));
    }
    for (; i < i1; i++)
        a[i] = b[i] + s * cc[i];
}

static void pb_triad_launch(pb_cpu_case *c) { pb_pool_run(c->pool, c->threads, pb_triad_task, c); }

const pb_cpu_kernel pb_cpu_triad = {
    .launch = pb_triad_launch,
};
