/* STREAM triad on the CPU, a = b + s * c: threads stream chunks of PB_CPU_CHUNK_BYTES of each
 * array (768 KiB of traffic per chunk) taken from the case's work queue. */
#include <stdint.h>

#include "cpu_kernels.h"
#include "cpu_simd.h"

#define PB_TRIAD_CHUNK ((int64_t)(PB_CPU_CHUNK_BYTES / sizeof(float)))

/* a[i0, i1) = b + s * c, i0 a multiple of 16 floats of 64-byte aligned buffers: no two chunks
 * share a cache line, and every vector store is aligned. */
static void pb_triad_span(float *restrict a, const float *restrict b, const float *restrict c, float s,
                          int64_t i0, int64_t i1, int stream)
{
    const pb_vf vs = pb_vf_splat(s);
    int64_t i = i0;
    if (stream) {
        for (; i + PB_VF_LANES <= i1; i += PB_VF_LANES)
            pb_vf_stream(a + i, pb_vf_fma(vs, pb_vf_load(c + i), pb_vf_load(b + i)));
    } else {
        for (; i + PB_VF_LANES <= i1; i += PB_VF_LANES)
            pb_vf_store(a + i, pb_vf_fma(vs, pb_vf_load(c + i), pb_vf_load(b + i)));
    }
    for (; i < i1; i++)
        a[i] = b[i] + s * c[i];
}

static void pb_triad_task(void *arg, int t, int threads)
{
    const pb_cpu_case *c = arg;
    const pb_problem *p = c->problem;
    const int64_t n = p->params.triad.n;
    const int stream = (size_t)n * sizeof(float) >= PB_CPU_STREAM_MIN_BYTES;
    (void)threads;
    for (int64_t k; (k = pb_cpu_queue_next(c, t)) >= 0;) {
        const int64_t i0 = k * PB_TRIAD_CHUNK, i1 = n - i0 < PB_TRIAD_CHUNK ? n : i0 + PB_TRIAD_CHUNK;
        pb_triad_span(p->buf[0].host, p->buf[1].host, p->buf[2].host, p->params.triad.scalar, i0, i1, stream);
    }
    if (stream)
        pb_stream_fence();
}

static void pb_triad_launch(pb_cpu_case *c)
{
    const int64_t n = c->problem->params.triad.n;
    pb_cpu_queue_run(c, (n + PB_TRIAD_CHUNK - 1) / PB_TRIAD_CHUNK, pb_triad_task, c);
}

const pb_cpu_kernel pb_cpu_triad = {
    .launch = pb_triad_launch,
};
