/* 2D 5-point Jacobi on the CPU: each step splits the rows between threads; steps ping-pong
 * between the out and tmp grids so that the last step writes out (see workload.h). */
#include <stdint.h>

#include "cpu_kernels.h"
#include "cpu_simd.h"

/* How far ahead (in floats, 4 KiB) the streaming loop prefetches the row it reads for the first
 * time: with the writes bypassing the cache, the hardware prefetcher alone keeps too few reads in
 * flight (measured: +16% on one core at 4096 x 4096). */
#define PB_STENCIL_PREFETCH 1024

typedef struct pb_stencil_step {
    const pb_cpu_case *c;
    const float *src;
    float *dst;
    int stream;             /* write with streaming stores (the grid is too large to stay cached) */
} pb_stencil_step;

/* Interior cells [x0, x1) of row y: c_center * x + c_neighbor * (north + south + east + west). */
static void pb_stencil_span(const float *restrict s, float *restrict d, int64_t nx, int64_t x0, int64_t x1,
                            float cc, float cn, int stream)
{
    const pb_vf vcc = pb_vf_splat(cc), vcn = pb_vf_splat(cn);
    int64_t x = x0;
    if (stream) {
        /* Streaming stores must be aligned: peel cells up to the next vector boundary. */
        for (; x < x1 && ((uintptr_t)(d + x) % sizeof(pb_vf)) != 0; x++)
            d[x] = cc * s[x] + cn * (s[x - nx] + s[x + nx] + s[x + 1] + s[x - 1]);
        for (; x + PB_VF_LANES <= x1; x += PB_VF_LANES) {
            __builtin_prefetch(s + x + nx + PB_STENCIL_PREFETCH);
            pb_vf_stream(d + x, vcc * pb_vf_load(s + x) +
                                    vcn * (pb_vf_load(s + x - nx) + pb_vf_load(s + x + nx) +
                                           pb_vf_load(s + x + 1) + pb_vf_load(s + x - 1)));
        }
    } else {
        for (; x + PB_VF_LANES <= x1; x += PB_VF_LANES)
            pb_vf_store(d + x, vcc * pb_vf_load(s + x) +
                                   vcn * (pb_vf_load(s + x - nx) + pb_vf_load(s + x + nx) +
                                          pb_vf_load(s + x + 1) + pb_vf_load(s + x - 1)));
    }
    for (; x < x1; x++)
        d[x] = cc * s[x] + cn * (s[x - nx] + s[x + nx] + s[x + 1] + s[x - 1]);
}

static void pb_stencil_task(void *arg, int t, int threads)
{
    const pb_stencil_step *step = arg;
    const pb_stencil_params *sp = &step->c->problem->params.stencil;
    const int64_t nx = sp->nx, ny = sp->ny;
    int64_t align = 1, y0, y1;
    /* Shares start on rows whose offset is a multiple of 16 floats: no cache line is written by
     * two threads. */
    while ((align * nx) % 16 != 0)
        align++;
    pb_split_aligned(ny, align, t, threads, &y0, &y1);
    for (int64_t y = y0; y < y1; y++) {
        const float *s = step->src + y * nx;
        float *d = step->dst + y * nx;
        if (y == 0 || y == ny - 1 || nx < 3) {
            for (int64_t x = 0; x < nx; x++)
                d[x] = s[x];
            continue;
        }
        d[0] = s[0];
        pb_stencil_span(s, d, nx, 1, nx - 1, sp->c_center, sp->c_neighbor, step->stream);
        d[nx - 1] = s[nx - 1];
    }
    if (step->stream)
        pb_stream_fence();
}

static void pb_stencil_launch(pb_cpu_case *c)
{
    pb_problem *p = c->problem;
    const int steps = p->params.stencil.steps;
    pb_stencil_step step = { c, p->buf[0].host, NULL, p->buf[1].bytes >= PB_CPU_STREAM_MIN_BYTES };
    /* One pool launch per step: its return is the barrier the next step needs. */
    for (int s = 0; s < steps; s++) {
        step.dst = (steps - 1 - s) % 2 == 0 ? p->buf[1].host : p->buf[2].host;
        pb_pool_run(c->pool, c->threads, pb_stencil_task, &step);
        step.src = step.dst;
    }
}

const pb_cpu_kernel pb_cpu_stencil = {
    .launch = pb_stencil_launch,
};
