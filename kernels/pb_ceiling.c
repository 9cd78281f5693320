/* The GPU ceiling probes (pb_ceiling.h): sizes, inputs, timing and checks, for every GPU backend. */
#include "pb_ceiling.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../src/core/mem.h"
#include "../src/core/timer.h"

#define PB_MIB ((int64_t)1 << 20)
#define PB_CEILING_TINY_BYTES (4 * PB_MIB)
#define PB_CEILING_MIN_BYTES (64 * PB_MIB)
#define PB_CEILING_MAX_BYTES (1024 * PB_MIB)
/* A sample never runs more launches than this, however short one is. */
#define PB_CEILING_MAX_LAUNCHES 4096
/* Where the outputs are checked: this many runs spread from the first value to the last. */
#define PB_CEILING_FMA_BLOCKS 3
#define PB_CEILING_FMA_BLOCK 8
#define PB_CEILING_TRIAD_BLOCKS 8
#define PB_CEILING_TRIAD_BLOCK 256

/* Per preset (tiny, quick, standard, large): how long a sample lasts, how many follow the first,
 * and the FMA kernel's loop passes and work-items per compute unit. At the standard preset the
 * samples add up to about 0.2 s (3 probes x 6 samples of 10 ms), besides making and uploading the
 * input; tiny only checks that the probes run. 16,384 FMA work-items per unit are many waves of
 * what a GPU unit holds at once (an sm_90 SM some 800 of them: 72 registers each), so the last,
 * partial wave idles it only briefly. */
static const struct {
    double sample_s;
    int repeats;
    int fma_iterations;
    int fma_items_per_unit;
} pb_ceiling_presets[PB_PRESET_COUNT] = {
    [PB_PRESET_TINY] = {0.0005, 2, 4, 256},
    [PB_PRESET_QUICK] = {0.005, 3, 256, 4096},
    [PB_PRESET_STANDARD] = {0.01, 5, 256, 16384},
    [PB_PRESET_LARGE] = {0.01, 5, 256, 16384},
};

static int64_t pb_ceiling_array_bytes(pb_preset preset, const pb_device_info *info)
{
    int64_t bytes = PB_CEILING_TINY_BYTES;
    if (preset != PB_PRESET_TINY) {
        bytes = info->llc_bytes > 0 ? 4 * (int64_t)info->llc_bytes : PB_CEILING_MIN_BYTES;
        bytes = bytes < PB_CEILING_MIN_BYTES ? PB_CEILING_MIN_BYTES : bytes;
        bytes = bytes > PB_CEILING_MAX_BYTES ? PB_CEILING_MAX_BYTES : bytes;
    }
    if (info->memory_bytes > 0 && (uint64_t)bytes > info->memory_bytes / 12)
        bytes = (int64_t)(info->memory_bytes / 12);
    if (info->max_alloc_bytes > 0 && (uint64_t)bytes > info->max_alloc_bytes)
        bytes = (int64_t)info->max_alloc_bytes;
    bytes -= bytes % 16;
    return bytes > 16 ? bytes : 16;
}

void pb_ceiling_sizes_for(pb_preset preset, const pb_device_info *info, const pb_launch_limits *limits,
                          pb_ceiling_sizes *out)
{
    const int p = (unsigned)preset < PB_PRESET_COUNT ? (int)preset : PB_PRESET_STANDARD;
    out->floats = pb_ceiling_array_bytes((pb_preset)p, info) / (int64_t)sizeof(float);
    out->fma_items = (int)pb_launch_compute_units(limits) * pb_ceiling_presets[p].fma_items_per_unit;
    out->fma_iterations = pb_ceiling_presets[p].fma_iterations;
    out->repeats = pb_ceiling_presets[p].repeats;
    out->sample_s = pb_ceiling_presets[p].sample_s;
}

void pb_ceiling_probes(const pb_ceiling_sizes *sizes, pb_launch_probe out[PB_LAUNCH_PROBE_COUNT])
{
    memset(out, 0, PB_LAUNCH_PROBE_COUNT * sizeof out[0]);
    out[PB_LAUNCH_PROBE_FMA].id = PB_LAUNCH_PROBE_FMA;
    out[PB_LAUNCH_PROBE_FMA].params.fma =
        (pb_ceiling_fma_params){sizes->fma_items, sizes->fma_iterations, PB_CEILING_FMA_A, PB_CEILING_FMA_B};
    out[PB_LAUNCH_PROBE_READ].id = PB_LAUNCH_PROBE_READ;
    out[PB_LAUNCH_PROBE_READ].params.read = (pb_ceiling_read_params){(int)(sizes->floats / 4)};
    out[PB_LAUNCH_PROBE_TRIAD].id = PB_LAUNCH_PROBE_TRIAD;
    out[PB_LAUNCH_PROBE_TRIAD].params.triad =
        (pb_ceiling_triad_params){(int)(sizes->floats / 4), PB_CEILING_TRIAD_SCALAR};
}

float pb_ceiling_input(int64_t i)
{
    return (float)((i & 7) + 1);
}

/* ---- the checks ------------------------------------------------------------------------------- */

/* The sum of x[0 .. n - 1] in pairs, n a power of two: the order of the kernel's sum. */
static float pb_ceiling_pairwise(const float *x, int n)
{
    return n == 1 ? x[0] : pb_ceiling_pairwise(x, n / 2) + pb_ceiling_pairwise(x + n / 2, n / 2);
}

/* Work-item `item`'s output, computed as pb_ceiling_fma computes it: the starts, 4 * iterations
 * fused steps of each chain, then the sum in the kernel's order. */
static float pb_ceiling_fma_value(const pb_ceiling_fma_params *p, int item)
{
    float x[PB_CEILING_FMA_CHAINS];
    const int first = (item * PB_CEILING_FMA_CHAINS) & 1023;
    for (int j = 0; j < PB_CEILING_FMA_CHAINS; j++)
        x[j] = 1.0f + (float)(first + j) * (1.0f / 1024.0f);
    for (int k = 0; k < 4 * p->iterations; k++)
        for (int j = 0; j < PB_CEILING_FMA_CHAINS; j++)
            x[j] = fmaf(x[j], p->a, p->b);
    return pb_ceiling_pairwise(x, PB_CEILING_FMA_CHAINS);
}

pb_status pb_ceiling_check_fma(const pb_ceiling_fma_params *p, int first, int count, const float *got, pb_msg *msg)
{
    for (int k = 0; k < count; k++) {
        const float want = pb_ceiling_fma_value(p, first + k);
        if (!(got[k] == want))
            return pb_msg_set(msg, PB_ERR_VERIFY,
                              "the FMA ceiling probe is wrong: work-item %d holds %.9g, its recomputation %.9g",
                              first + k, (double)got[k], (double)want);
    }
    return PB_OK;
}

/* The sum of inputs 0 .. m - 1: each whole run of 8 holds 1 + 2 + ... + 8 = 36. */
static double pb_ceiling_input_sum(int64_t m)
{
    const int64_t r = m % 8;
    return 36.0 * (double)(m / 8) + (double)(r * (r + 1) / 2);
}

pb_status pb_ceiling_check_read(const pb_ceiling_read_params *p, const float *partials, int groups, pb_msg *msg)
{
    double total = 0;
    for (int g = 0; g < groups; g++)
        total += partials[g];
    const double want = pb_ceiling_input_sum(4 * (int64_t)p->n);
    if (!(total == want))
        return pb_msg_set(msg, PB_ERR_VERIFY,
                          "the read ceiling probe is wrong: its %d partial sums add up to %.17g, not %.17g", groups,
                          total, want);
    return PB_OK;
}

pb_status pb_ceiling_check_triad(const pb_ceiling_triad_params *p, int64_t first, int count, const float *got,
                                 pb_msg *msg)
{
    for (int k = 0; k < count; k++) {
        const int64_t i = first + k;
        const float want = pb_ceiling_input(i) + p->scalar * pb_ceiling_input(i + PB_CEILING_C_SHIFT);
        if (!(got[k] == want))
            return pb_msg_set(msg, PB_ERR_VERIFY, "the triad ceiling probe is wrong: a[%lld] = %.9g, not %.9g",
                              (long long)i, (double)got[k], (double)want);
    }
    return PB_OK;
}

/* ---- running the probes ----------------------------------------------------------------------- */

/* The first value of checked run k of `blocks`, each `count` long, spread over `total` values. */
static int64_t pb_ceiling_block_first(int k, int blocks, int64_t total, int64_t count)
{
    return blocks > 1 ? (total - count) * k / (blocks - 1) : 0;
}

/* Reads the runs of the FMA output or the triad's a that are checked, and checks them. */
static pb_status pb_ceiling_check_blocks(const pb_ceiling_device *dev, const pb_launch_probe *probe, pb_msg *msg)
{
    const int fma = probe->id == PB_LAUNCH_PROBE_FMA;
    const int blocks = fma ? PB_CEILING_FMA_BLOCKS : PB_CEILING_TRIAD_BLOCKS;
    const int64_t total = fma ? probe->params.fma.n : 4 * (int64_t)probe->params.triad.n;
    const int64_t count = fma ? PB_CEILING_FMA_BLOCK : PB_CEILING_TRIAD_BLOCK;
    const int len = (int)(total < count ? total : count);
    float got[PB_CEILING_TRIAD_BLOCK];
    pb_status st = PB_OK;
    for (int k = 0; k < blocks && st == PB_OK; k++) {
        const int64_t first = pb_ceiling_block_first(k, blocks, total, len);
        st = dev->read(dev->self, fma ? PB_LAUNCH_PROBE_OUT : PB_LAUNCH_PROBE_A, (size_t)first, (size_t)len, got, msg);
        if (st == PB_OK)
            st = fma ? pb_ceiling_check_fma(&probe->params.fma, (int)first, len, got, msg)
                     : pb_ceiling_check_triad(&probe->params.triad, first, len, got, msg);
    }
    return st;
}

static pb_status pb_ceiling_check_partials(const pb_ceiling_device *dev, const pb_launch_probe *probe, int groups,
                                           pb_msg *msg)
{
    float *partials = pb_alloc((size_t)groups * sizeof(float));
    if (!partials)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for the read ceiling probe's %d partial sums", groups);
    pb_status st = dev->read(dev->self, PB_LAUNCH_PROBE_OUT, 0, (size_t)groups, partials, msg);
    if (st == PB_OK)
        st = pb_ceiling_check_read(&probe->params.read, partials, groups, msg);
    pb_free(partials);
    return st;
}

/* The bound probe's time per launch: one untimed launch (first touch of its memory, and on some
 * drivers the kernel's compilation), one timed to size the samples, then `repeats` samples of as
 * many launches as last sample_s; the fastest per launch counts. */
static pb_status pb_ceiling_time(const pb_ceiling_device *dev, const pb_ceiling_sizes *sizes, double *best,
                                 pb_msg *msg)
{
    double s = 0;
    pb_status st = dev->run(dev->self, 1, &s, msg);
    if (st == PB_OK)
        st = dev->run(dev->self, 1, &s, msg);
    if (st != PB_OK)
        return st;
    double fastest = s > 0 ? s : INFINITY;
    int launches = 1;
    if (s > 0 && s < sizes->sample_s)
        launches = s * PB_CEILING_MAX_LAUNCHES < sizes->sample_s ? PB_CEILING_MAX_LAUNCHES
                                                                 : (int)ceil(sizes->sample_s / s);
    for (int r = 0; r < sizes->repeats && st == PB_OK; r++) {
        st = dev->run(dev->self, launches, &s, msg);
        if (st == PB_OK && s > 0 && s / launches < fastest)
            fastest = s / launches;
    }
    if (st == PB_OK && isinf(fastest))
        st = pb_msg_set(msg, PB_ERR_BACKEND, "the device's timer measured no time for a ceiling probe");
    if (st == PB_OK)
        *best = fastest;
    return st;
}

/* b and c in one host array: c starts PB_CEILING_C_SHIFT floats into it. */
static pb_status pb_ceiling_upload_inputs(const pb_ceiling_device *dev, int64_t floats, pb_msg *msg)
{
    float *input = pb_alloc((size_t)(floats + PB_CEILING_C_SHIFT) * sizeof(float));
    if (!input)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for the ceiling probes' input (%lld MiB)",
                          (long long)(floats * (int64_t)sizeof(float) / PB_MIB));
    for (int64_t i = 0; i < floats + PB_CEILING_C_SHIFT; i++)
        input[i] = pb_ceiling_input(i);
    pb_status st = dev->upload(dev->self, PB_LAUNCH_PROBE_B, input, (size_t)floats, msg);
    if (st == PB_OK)
        st = dev->upload(dev->self, PB_LAUNCH_PROBE_C, input + PB_CEILING_C_SHIFT, (size_t)floats, msg);
    pb_free(input);
    return st;
}

/* Times and checks each planned probe in turn; seconds[i] is probe i's time per launch. */
static pb_status pb_ceiling_run_all(const pb_ceiling_device *dev, const pb_ceiling_sizes *sizes,
                                    const pb_launch_probe *probes, pb_launch_plan *plans, double *seconds,
                                    pb_msg *msg)
{
    const int groups = (int)plans[PB_LAUNCH_PROBE_READ].steps[0].groups[0];
    size_t bytes[PB_LAUNCH_PROBE_BUFFERS];
    const size_t out_floats = (size_t)(sizes->fma_items > groups ? sizes->fma_items : groups);
    bytes[PB_LAUNCH_PROBE_A] = bytes[PB_LAUNCH_PROBE_B] = bytes[PB_LAUNCH_PROBE_C] =
        (size_t)sizes->floats * sizeof(float);
    bytes[PB_LAUNCH_PROBE_OUT] = out_floats * sizeof(float);
    pb_status st = dev->alloc(dev->self, bytes, msg);
    if (st == PB_OK)
        st = dev->poison(dev->self, PB_LAUNCH_PROBE_A, msg);
    if (st == PB_OK)
        st = dev->poison(dev->self, PB_LAUNCH_PROBE_OUT, msg);
    if (st == PB_OK)
        st = pb_ceiling_upload_inputs(dev, sizes->floats, msg);
    for (int i = 0; i < PB_LAUNCH_PROBE_COUNT && st == PB_OK; i++) {
        st = dev->bind(dev->self, &plans[i], msg);
        if (st == PB_OK)
            st = pb_ceiling_time(dev, sizes, &seconds[i], msg);
        if (st == PB_OK)
            st = i == PB_LAUNCH_PROBE_READ ? pb_ceiling_check_partials(dev, &probes[i], groups, msg)
                                           : pb_ceiling_check_blocks(dev, &probes[i], msg);
    }
    return st;
}

pb_status pb_ceiling_measure(const pb_ceiling_device *dev, const pb_launch_limits *limits,
                             const pb_device_info *info, pb_preset preset, pb_ceilings *out, pb_msg *msg)
{
    const double began = pb_time_now();
    pb_ceiling_sizes sizes;
    pb_ceiling_sizes_for(preset, info, limits, &sizes);
    pb_launch_probe probes[PB_LAUNCH_PROBE_COUNT];
    pb_ceiling_probes(&sizes, probes);
    pb_launch_plan plans[PB_LAUNCH_PROBE_COUNT];
    memset(plans, 0, sizeof plans);
    pb_status st = PB_OK;
    for (int i = 0; i < PB_LAUNCH_PROBE_COUNT && st == PB_OK; i++)
        st = pb_launch_probe_plan(&probes[i], limits, &plans[i], msg);
    double seconds[PB_LAUNCH_PROBE_COUNT];
    if (st == PB_OK)
        st = pb_ceiling_run_all(dev, &sizes, probes, plans, seconds, msg);
    for (int i = 0; i < PB_LAUNCH_PROBE_COUNT; i++)
        pb_launch_plan_free(&plans[i]);
    if (st != PB_OK)
        return st;

    const double bytes = (double)sizes.floats * sizeof(float);
    const double flops = 2.0 * PB_CEILING_FMA_CHAINS * 4.0 * sizes.fma_iterations * sizes.fma_items;
    pb_ceilings c;
    memset(&c, 0, sizeof c);
    c.fp32_gflops = flops / seconds[PB_LAUNCH_PROBE_FMA] * 1e-9;
    c.read_gbs = bytes / seconds[PB_LAUNCH_PROBE_READ] * 1e-9;
    c.triad_gbs = 3 * bytes / seconds[PB_LAUNCH_PROBE_TRIAD] * 1e-9;
    c.bandwidth_gbs = c.read_gbs > c.triad_gbs ? c.read_gbs : c.triad_gbs;
    c.threads = 0; /* the whole device */
    c.seconds = pb_time_now() - began;
    snprintf(c.method, sizeof c.method,
             "%d fp32 FMA chains x %d steps on %d work-items; best of a read and a triad over 3 x %lld MiB, one "
             "float4 per work-item; each the fastest of %d device-timed batches%s",
             PB_CEILING_FMA_CHAINS, 4 * sizes.fma_iterations, sizes.fma_items,
             (long long)(sizes.floats * (int64_t)sizeof(float) / PB_MIB), sizes.repeats + 1,
             preset == PB_PRESET_TINY ? " (tiny preset: the arrays may sit in a cache)" : "");
    *out = c;
    return PB_OK;
}
