/* How the metal backend launches each workload, in plain C: which kernels, the threadgroup shapes
 * and counts, which buffer goes to which [[buffer(i)]] slot, and the params of every dispatch. The
 * Objective-C file only encodes these steps, so the launch logic also runs on Linux, through the
 * MSL shim in tests/msl_shim, and is verified there. */
#ifndef PB_METAL_PLAN_H
#define PB_METAL_PLAN_H

#include <stddef.h>

#include "../../core/status.h"
#include "../../workloads/workload.h"

/* An sgemm tile shape, the defines of kernels/sgemm.pbk: a threadgroup computes a bm x bn block of
 * C from panels bk deep, each thread a tm x tn part of it; threadgroup (bn / tn, bm / tm). */
typedef struct pb_mtl_sgemm_tile {
    int bm, bn, bk;
    int tm, tn;
} pb_mtl_sgemm_tile;

/* The shapes, largest first. The library is compiled with the first; when the sgemm pipeline made
 * from it allows fewer threads than its shape needs, the backend compiles the next one for sgemm. */
#define PB_MTL_SGEMM_TILES 3
extern const pb_mtl_sgemm_tile pb_mtl_sgemm_tiles[PB_MTL_SGEMM_TILES];

/* Whether a pipeline of shape `tile` that allows `max_threads` threads per threadgroup can run. */
int pb_mtl_sgemm_tile_fits(int tile, unsigned max_threads);

/* The largest threadgroup of the kernels whose local arrays have a fixed size (nbody, reduce). */
#define PB_MTL_TILE_MAX 256

typedef enum pb_mtl_kernel {
    PB_MTL_K_SGEMM,
    PB_MTL_K_TRIAD,
    PB_MTL_K_REDUCE,
    PB_MTL_K_STENCIL,
    PB_MTL_K_NBODY,
    PB_MTL_K_MANDELBROT,
    PB_MTL_K_HISTOGRAM_CLEAR,
    PB_MTL_K_HISTOGRAM,
    PB_MTL_K_COUNT
} pb_mtl_kernel;

/* The kernel's function name in the library ("pb_sgemm", ...). */
const char *pb_mtl_kernel_name(pb_mtl_kernel kernel);

/* The kernels a workload's launch uses; returns how many (0: not a known workload). */
int pb_mtl_workload_kernels(pb_workload_id id, pb_mtl_kernel out[2]);

/* Writes the text prepended to the embedded kernel source before compiling it as Metal: the target
 * and sgemm tile shape `tile`. Returns the length snprintf would write. */
int pb_mtl_source_prefix(int tile, char *out, size_t size);

/* What the compiled pipelines allow, per kernel (MTLComputePipelineState's
 * maxTotalThreadsPerThreadgroup and threadExecutionWidth), the sgemm pipeline's tile shape, and
 * the GPU's core count (0: unknown). */
typedef struct pb_mtl_limits {
    unsigned max_threads[PB_MTL_K_COUNT];
    unsigned simd_width[PB_MTL_K_COUNT];
    int sgemm_tile;
    int gpu_cores;
} pb_mtl_limits;

/* A buffer slot bound to the workspace (the reduce's partial sums) rather than a problem buffer. */
#define PB_MTL_BIND_WORK (-1)
#define PB_MTL_MAX_BINDS 3

/* One dispatchThreadgroups: buffers at slots 0..nbind-1, then the params (setBytes) at slot nbind. */
typedef struct pb_mtl_step {
    pb_mtl_kernel kernel;
    unsigned groups[3];
    unsigned local[3];
    int nbind;
    int bind[PB_MTL_MAX_BINDS];     /* problem buffer index, or PB_MTL_BIND_WORK */
    unsigned char params[32];
    size_t params_size;
} pb_mtl_step;

/* The dispatches of one launch of a workload, in order; a serial compute encoder runs each after
 * the previous one has finished. */
typedef struct pb_mtl_plan {
    pb_mtl_step *steps;
    int nsteps;
    size_t work_bytes;              /* workspace size; 0 when none */
} pb_mtl_plan;

/* Plans one launch of `problem`. PB_ERR_UNSUPPORTED (with the reason) when the pipelines' limits
 * rule the workload out on this GPU. */
pb_status pb_mtl_plan_make(const pb_problem *problem, const pb_mtl_limits *limits, pb_mtl_plan *out,
                           pb_msg *msg);
void pb_mtl_plan_free(pb_mtl_plan *plan); /* accepts NULL */

#endif
