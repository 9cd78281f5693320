/* Mandelbrot escape counts on the CPU: each vector iterates PB_VF_LANES pixels at once, and
 * threads take chunks of pixels from the case's work queue, because the work per pixel varies by
 * orders of magnitude across the image. */
#include <stdint.h>
#include <string.h>

#include "cpu_kernels.h"
#include "cpu_simd.h"

/* 1024 pixels: small enough to balance the load, large enough that taking a chunk costs nothing.
 * A multiple of 16, so no two threads write one cache line of the counts. */
#define PB_MANDEL_CHUNK 1024

/* Vectors iterated side by side: one z update is a chain of three dependent operations, so a
 * single vector would leave the core waiting on latency. 32-register targets hold four vectors'
 * state, 16-register AVX2 two. */
#if PB_VF_LANES == 8
#define PB_MANDEL_V 2
#else
#define PB_MANDEL_V 4
#endif
/* Iterations between checks for finished vectors. */
#define PB_MANDEL_STEPS 4

/* One vector of pixels in flight: its z, c, counts, and which lanes are still iterating. */
typedef struct pb_mandel_slot {
    pb_vf x, y, cx, cy;
    pb_vi n, active;
    int64_t first;          /* index of its first pixel; -1 when the slot is empty */
    int count;              /* pixels in it (the last vector of a span may be short) */
    int it;                 /* iterations run */
} pb_mandel_slot;

/* Starts the pixels [i, i + count) of the flattened image in slot s. Lanes past count repeat the
 * first pixel and are never written. */
static void pb_mandel_start(const pb_mandelbrot_params *mp, pb_mandel_slot *s, int64_t i, int count)
{
    float re[PB_VF_LANES], im[PB_VF_LANES];
    for (int l = 0; l < PB_VF_LANES; l++) {
        int64_t k = i + (l < count ? l : 0);
        re[l] = mp->x0 + (float)(k % mp->width) * mp->dx;
        im[l] = mp->y0 + (float)(k / mp->width) * mp->dy;
    }
    s->cx = pb_vf_load(re);
    s->cy = pb_vf_load(im);
    s->x = s->y = pb_vf_splat(0.0f);
    s->n = pb_vi_splat(0);
    s->active = pb_vi_splat(-1);
    s->first = i;
    s->count = count;
    s->it = 0;
}

/* Counts of the pixels [i0, i1). Each slot runs PB_MANDEL_STEPS iterations between checks; a slot
 * whose lanes have all escaped, or that has run max_iter iterations, writes its counts and takes
 * the next vector, so no slot idles while another finishes. The update is written exactly as the
 * reference's (mandelbrot.c): the fused form would run about 15% faster, but its counts differ at
 * chaotic boundary pixels, which on a small image can exceed the 1% the check allows. A lane,
 * once escaped, stays inactive: its z keeps iterating (to inf or NaN) but no longer counts. A lane
 * may run up to PB_MANDEL_STEPS - 1 iterations past max_iter; its count is clamped to max_iter,
 * which is what it would have been. */
static void pb_mandel_span(const pb_mandelbrot_params *mp, int64_t i0, int64_t i1, int32_t *out)
{
    /* An empty slot still steps with the others, on zeros and with no lane active. */
    pb_mandel_slot slot[PB_MANDEL_V];
    memset(slot, 0, sizeof slot);
    const pb_vf four = pb_vf_splat(4.0f);
    int64_t next = i0;
    int live = 0;
    for (int v = 0; v < PB_MANDEL_V; v++) {
        slot[v].first = -1;
        if (next < i1) {
            pb_mandel_start(mp, &slot[v], next, i1 - next < PB_VF_LANES ? (int)(i1 - next) : PB_VF_LANES);
            next += PB_VF_LANES;
            live++;
        }
    }
    while (live > 0) {
        for (int step = 0; step < PB_MANDEL_STEPS; step++) {
#pragma GCC unroll 4
            for (int v = 0; v < PB_MANDEL_V; v++) {
                pb_mandel_slot *s = &slot[v];
                pb_vf x2 = s->x * s->x, y2 = s->y * s->y;
                s->active &= x2 + y2 <= four;
                s->n -= s->active;
                pb_vf xn = x2 - y2 + s->cx;
                s->y = (s->x + s->x) * s->y + s->cy;
                s->x = xn;
            }
        }
        for (int v = 0; v < PB_MANDEL_V; v++) {
            pb_mandel_slot *s = &slot[v];
            s->it += PB_MANDEL_STEPS;
            if (s->first < 0 || (s->it < mp->max_iter && !pb_vi_none(s->active)))
                continue;
            for (int l = 0; l < s->count; l++)
                out[s->first + l] = s->n[l] < mp->max_iter ? s->n[l] : mp->max_iter;
            s->first = -1;
            s->active = pb_vi_splat(0);
            live--;
            if (next < i1) {
                pb_mandel_start(mp, s, next, i1 - next < PB_VF_LANES ? (int)(i1 - next) : PB_VF_LANES);
                next += PB_VF_LANES;
                live++;
            }
        }
    }
}

static void pb_mandel_task(void *arg, int t, int threads)
{
    const pb_cpu_case *c = arg;
    const pb_mandelbrot_params *mp = &c->problem->params.mandelbrot;
    int32_t *out = c->problem->buf[0].host;
    const int64_t total = (int64_t)mp->width * mp->height;
    (void)threads;
    for (int64_t k; (k = pb_cpu_queue_next(c, t)) >= 0;) {
        int64_t i0 = k * PB_MANDEL_CHUNK;
        int64_t i1 = total - i0 < PB_MANDEL_CHUNK ? total : i0 + PB_MANDEL_CHUNK;
        pb_mandel_span(mp, i0, i1, out);
    }
}

static void pb_mandel_launch(pb_cpu_case *c)
{
    const pb_mandelbrot_params *mp = &c->problem->params.mandelbrot;
    const int64_t total = (int64_t)mp->width * mp->height;
    pb_cpu_queue_run(c, (total + PB_MANDEL_CHUNK - 1) / PB_MANDEL_CHUNK, pb_mandel_task, c);
}

const pb_cpu_kernel pb_cpu_mandelbrot = {
    .launch = pb_mandel_launch,
};
