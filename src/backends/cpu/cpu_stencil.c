/* 2D 5-point Jacobi on the CPU: in each step threads take chunks of rows from the case's work
 * queue; steps ping-pong between the out and tmp grids so that the last step writes out (see
 * workload.h). */
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
    int64_t rows;           /* rows per chunk of the work queue */
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

/* Rows [y0, y1) of one step; the edge rows and columns are copied. */
static void pb_stencil_rows(const pb_stencil_step *step, int64_t y0, int64_t y1)
{
    const pb_stencil_params *sp = &step->c->problem->params.stencil;
    const int64_t nx = sp->nx, ny = sp->ny;
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
}

static void pb_stencil_task(void *arg, int t, int threads)
{
    const pb_stencil_step *step = arg;
    const int64_t ny = step->c->problem->params.stencil.ny;
    (void)threads;
    for (int64_t k; (k = pb_cpu_queue_next(step->c, t)) >= 0;) {
        const int64_t y0 = k * step->rows;
        pb_stencil_rows(step, y0, ny - y0 < step->rows ? ny : y0 + step->rows);
    }
    if (step->stream)
        pb_stream_fence();
}

/* Rows per chunk: about PB_CPU_CHUNK_BYTES of the grid (so, on wide grids, a chunk is a share of
 * the first touch), and a whole number of groups of rows whose offset is a multiple of 16 floats,
 * so no cache line is written by two threads. */
static int64_t pb_stencil_chunk_rows(int64_t nx)
{
    int64_t align = 1;
    while ((align * nx) % 16 != 0)
        align++;
    int64_t rows = (int64_t)(PB_CPU_CHUNK_BYTES / sizeof(float)) / (nx > 0 ? nx : 1);
    return rows <= align ? align : rows / align * align;
}

static void pb_stencil_launch(pb_cpu_case *c)
{
    pb_problem *p = c->problem;
    const int steps = p->params.stencil.steps;
    const int64_t ny = p->params.stencil.ny;
    pb_stencil_step step = { c, p->buf[0].host, NULL, pb_stencil_chunk_rows(p->params.stencil.nx),
                             p->buf[1].bytes >= PB_CPU_STREAM_MIN_BYTES };
    /* One queue run per step: its return is the barrier the next step needs. */
    for (int s = 0; s < steps; s++) {
        step.dst = (steps - 1 - s) % 2 == 0 ? p->buf[1].host : p->buf[2].host;
        pb_cpu_queue_run(c, (ny + step.rows - 1) / step.rows, pb_stencil_task, &step);
        step.src = step.dst;
    }
}

const pb_cpu_kernel pb_cpu_stencil = {
    .launch = pb_stencil_launch,
};
