/* The GPU ceiling probes (kernels/ceiling.pbk) as every GPU backend runs them, written once: their
 * sizes from the device and the preset, their inputs, how long each is timed, the checks of their
 * outputs and the numbers recorded. A backend gives only what is its own (pb_ceiling_device):
 * buffers, a launch plan bound and run on its device timer, and reads back. */
#ifndef PB_CEILING_H
#define PB_CEILING_H

#include <stddef.h>
#include <stdint.h>

#include "../src/core/ceilings.h"
#include "../src/core/device.h"
#include "../src/core/status.h"
#include "../src/workloads/workload.h"
#include "pb_launch.h"

/* The FMA chains x <- x a + b converge to b / (1 - a) = 1.5 from their starts in [1, 2), and so
 * slowly that no step within a probe leaves a chain unchanged: a device that skipped steps would
 * not reach the same values. All three constants are exact in fp32. */
#define PB_CEILING_FMA_A (1.0f - 1.0f / 4096.0f)
#define PB_CEILING_FMA_B (1.5f / 4096.0f)
#define PB_CEILING_TRIAD_SCALAR 3.0f
/* c holds the input shifted by this many floats against b, so a triad that read b for c fails. */
#define PB_CEILING_C_SHIFT 3

typedef struct pb_ceiling_sizes {
    int64_t floats;        /* floats in each of the three bandwidth arrays, a multiple of 4 */
    int fma_items;         /* FMA work-items */
    int fma_iterations;    /* loop passes of the FMA kernel, 4 steps of every chain each */
    int repeats;           /* timed samples per probe after the first; the fastest counts */
    double sample_s;       /* a sample runs enough launches back to back to last about this long */
} pb_ceiling_sizes;

/* The sizes for `preset` on a device: arrays of four times its last-level cache, 64 MiB to 1 GiB,
 * the three together at most a quarter of its memory (4 MiB at the tiny preset, where they may sit
 * in a cache); a few thousand FMA work-items per compute unit. */
void pb_ceiling_sizes_for(pb_preset preset, const pb_device_info *info, const pb_launch_limits *limits,
                          pb_ceiling_sizes *out);

/* The probes' launches at these sizes, in pb_launch_probe_id order. */
void pb_ceiling_probes(const pb_ceiling_sizes *sizes, pb_launch_probe out[PB_LAUNCH_PROBE_COUNT]);

/* Float i of the bandwidth probes' input, (i mod 8) + 1: b[i] holds input i, c[i] input
 * i + PB_CEILING_C_SHIFT. Small integers, so that every sum the read forms is exact in fp32, and
 * every triad output too. */
float pb_ceiling_input(int64_t i);

/* The checks, on outputs copied to the host: PB_OK, or PB_ERR_VERIFY naming the first value that
 * disagrees. Work-items [first, first + count) of the FMA output must each equal, bit for bit, the
 * recomputation with fmaf in the kernel's order (fp32 fma rounds once, on every device); the read's
 * `groups` partial sums must add up exactly to the known sum of its input; floats
 * [first, first + count) of the triad's a must each be exactly b + scalar c. */
pb_status pb_ceiling_check_fma(const pb_ceiling_fma_params *p, int first, int count, const float *got, pb_msg *msg);
pb_status pb_ceiling_check_read(const pb_ceiling_read_params *p, const float *partials, int groups, pb_msg *msg);
pb_status pb_ceiling_check_triad(const pb_ceiling_triad_params *p, int64_t first, int count, const float *got,
                                 pb_msg *msg);

/* What a backend gives the probes on one of its devices; `self` is passed to each. */
typedef struct pb_ceiling_device {
    void *self;
    /* Allocates the PB_LAUNCH_PROBE_BUFFERS buffers, bytes[i] each. PB_ERR_UNSUPPORTED when they
     * do not fit the device. */
    pb_status (*alloc)(void *self, const size_t bytes[PB_LAUNCH_PROBE_BUFFERS], pb_msg *msg);
    /* Sets every byte of buffer `buf` to 0xFF, a NaN in every float: the outputs are filled so,
     * and an output that a kernel did not write fails its check. */
    pb_status (*poison)(void *self, int buf, pb_msg *msg);
    /* Copies `count` floats from `host` to the start of buffer `buf`. */
    pb_status (*upload)(void *self, int buf, const float *host, size_t count, pb_msg *msg);
    /* Makes `plan` the launch that run() repeats, and takes it over (*plan is left empty). */
    pb_status (*bind)(void *self, pb_launch_plan *plan, pb_msg *msg);
    /* Runs `launches` launches back to back; *seconds is their time on the device's timer. */
    pb_status (*run)(void *self, int launches, double *seconds, pb_msg *msg);
    /* Copies floats [first, first + count) of buffer `buf` into `out`. */
    pb_status (*read)(void *self, int buf, size_t first, size_t count, float *out, pb_msg *msg);
} pb_ceiling_device;

/* Measures a device's ceilings with the three probes at the sizes for `preset`: each is planned
 * from `limits`, run once untimed, then timed in samples of enough launches to last
 * sizes.sample_s, the fastest counting; then its output is checked. Fills *out (threads 0: the
 * whole device; no non-temporal triad) only when every probe ran and passed its check; a failed
 * check is PB_ERR_VERIFY with the reason. The caller frees its buffers and bound plan after. */
pb_status pb_ceiling_measure(const pb_ceiling_device *dev, const pb_launch_limits *limits,
                             const pb_device_info *info, pb_preset preset, pb_ceilings *out, pb_msg *msg);

#endif
