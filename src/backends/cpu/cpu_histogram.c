/* 256-bin histogram on the CPU: each thread counts the chunks it takes from the case's work queue
 * into private bins (its own cache lines, so no sharing and no atomics), then the bins are merged. */
#include <stdint.h>
#include <string.h>

#include "cpu_kernels.h"

/* Four sub-histograms per thread, filled round-robin: consecutive equal values would otherwise
 * chain each increment on the store of the one before. */
#define PB_HIST_SUB 4

/* Values per chunk of the work queue: PB_CPU_CHUNK_BYTES of input. */
#define PB_HIST_CHUNK ((int64_t)(PB_CPU_CHUNK_BYTES / sizeof(uint32_t)))

static void pb_histogram_count(const uint32_t *restrict d, int64_t i0, int64_t i1,
                               uint32_t (*restrict h)[PB_HISTOGRAM_BINS])
{
    int64_t i;
    for (i = i0; i + PB_HIST_SUB <= i1; i += PB_HIST_SUB)
        for (int k = 0; k < PB_HIST_SUB; k++)
            h[k][d[i + k] >> 24]++;
    for (; i < i1; i++)
        h[0][d[i] >> 24]++;
}

static void pb_histogram_task(void *arg, int t, int threads)
{
    const pb_cpu_case *c = arg;
    const pb_problem *p = c->problem;
    const int64_t n = p->params.histogram.n;
    const pb_cpu_scratch *scratch = c->state;
    uint32_t (*h)[PB_HISTOGRAM_BINS] = scratch->block[t];
    (void)threads;
    memset(h, 0, PB_HIST_SUB * sizeof h[0]);
    for (int64_t k; (k = pb_cpu_queue_next(c, t)) >= 0;) {
        const int64_t i0 = k * PB_HIST_CHUNK;
        pb_histogram_count(p->buf[0].host, i0, n - i0 < PB_HIST_CHUNK ? n : i0 + PB_HIST_CHUNK, h);
    }
    for (int k = 1; k < PB_HIST_SUB; k++)
        for (int b = 0; b < PB_HISTOGRAM_BINS; b++)
            h[0][b] += h[k][b];
}

static void pb_histogram_launch(pb_cpu_case *c)
{
    const pb_cpu_scratch *scratch = c->state;
    uint32_t *bins = c->problem->buf[1].host;
    const int64_t n = c->problem->params.histogram.n;
    pb_cpu_queue_run(c, (n + PB_HIST_CHUNK - 1) / PB_HIST_CHUNK, pb_histogram_task, c);
    memcpy(bins, scratch->block[0], PB_HISTOGRAM_BINS * sizeof *bins);
    for (int t = 1; t < c->threads; t++) {
        const uint32_t *h = scratch->block[t];
        for (int b = 0; b < PB_HISTOGRAM_BINS; b++)
            bins[b] += h[b];
    }
}

static pb_status pb_histogram_setup(pb_cpu_case *c, pb_msg *msg)
{
    pb_cpu_scratch *scratch = NULL;
    pb_status st = pb_cpu_scratch_create(c->pool, c->threads, PB_HIST_SUB * PB_HISTOGRAM_BINS * sizeof(uint32_t),
                                         &scratch, msg);
    c->state = scratch;
    return st;
}

static void pb_histogram_teardown(pb_cpu_case *c) { pb_cpu_scratch_free(c->state); }

const pb_cpu_kernel pb_cpu_histogram = {
    .setup = pb_histogram_setup,
    .launch = pb_histogram_launch,
    .teardown = pb_histogram_teardown,
};
