/* How every workload is launched on a GPU, planned once in plain C for the OpenCL, CUDA and Metal
 * backends: the kernels of one launch in order, each with its grid and work-group sizes (from the
 * device's limits), its buffer bindings and its params. A backend builds its kernels, fills a
 * pb_launch_limits, asks for the plan, and only binds and enqueues its steps. tests/test_launch_plan.c
 * checks the plans over a table of devices; tests/cli_metal_checks.sh runs them on the CPU. */
#ifndef PB_LAUNCH_H
#define PB_LAUNCH_H

#include <stddef.h>
#include <stdint.h>

#include "../src/core/status.h"
#include "pb_params.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The one list of GPU kernels (the functions of kernels/ *.pbk), in the order of their enum: each
 * entry is X(ID, function), giving the enumerator PB_LK_<ID> and the kernel's name in every target.
 * The names table, CUDA's launch table (src/backends/cuda/cuda_kernels.cu) and the MSL shim's
 * dispatch table (tests/msl_shim/run_kernels.cpp) are generated from it, so a new kernel is named
 * here and nowhere else. Its arguments follow the dialect's rule (docs/KERNELS.md): the buffers a
 * plan step binds, in slot order, then the params struct by value. */
#define PB_LAUNCH_KERNELS(X)                                                                      \
    X(SGEMM, pb_sgemm)                                                                            \
    X(TRIAD, pb_triad)                                                                            \
    X(REDUCE, pb_reduce)                                                                          \
    X(STENCIL, pb_stencil)                                                                        \
    X(NBODY, pb_nbody)                                                                            \
    X(MANDELBROT, pb_mandelbrot)                                                                  \
    X(HISTOGRAM_CLEAR, pb_histogram_clear)                                                        \
    X(HISTOGRAM, pb_histogram)                                                                    \
    X(CEILING_FMA, pb_ceiling_fma)                                                                \
    X(CEILING_READ, pb_ceiling_read)                                                              \
    X(CEILING_TRIAD, pb_ceiling_triad)

typedef enum pb_launch_kernel {
#define PB_LK_ENUM_ENTRY(ID, function) PB_LK_##ID,
    PB_LAUNCH_KERNELS(PB_LK_ENUM_ENTRY)
#undef PB_LK_ENUM_ENTRY
    PB_LK_COUNT
} pb_launch_kernel;

/* The kernel's function name ("pb_sgemm", ...); "unknown" out of range. */
const char *pb_launch_kernel_name(pb_launch_kernel kernel);

/* No work-group exceeds this many work-items: it is Apple's OpenCL limit, and the size of the local
 * arrays of the reduce and nbody kernels (PB_REDUCE_LOCAL_MAX, PB_NBODY_TILE_MAX). */
#define PB_LAUNCH_MAX_LOCAL 256

/* What the device and its built kernels allow. Zero means unknown: no limit beyond
 * PB_LAUNCH_MAX_LOCAL for the sizes, 32 for the SIMD width, 8 compute units. */
typedef struct pb_launch_limits {
    unsigned max_group;                 /* work-items per work-group (OpenCL device, CUDA block) */
    unsigned max_items[3];              /* work-items per group along each dimension */
    unsigned max_groups[3];             /* work-groups along each dimension (CUDA's grid) */
    unsigned kernel_max[PB_LK_COUNT];   /* work-items per group each built kernel allows */
    unsigned simd_width;                /* SIMD group / warp / wavefront width */
    unsigned compute_units;             /* SMs, GPU cores, OpenCL compute units */
    uint64_t local_mem;                 /* bytes of local (threadgroup, shared) memory per group */
    int cpu;                            /* a CPU device (PoCL): sgemm starts at a smaller tile */
    int sgemm_tile;                     /* the tile shape the sgemm kernel was built with */
} pb_launch_limits;

/* An sgemm tile shape, the defines of kernels/sgemm.pbk (PB_SGEMM_BM, _BN, _BK, _TM, _TN): a
 * work-group computes a bm x bn block of C from panels bk deep, each work-item a tm x tn part of
 * it; the work-group is (bn / tn, bm / tm). */
typedef struct pb_launch_sgemm_tile {
    int bm, bn, bk;
    int tm, tn;
} pb_launch_sgemm_tile;

/* The shapes, largest first; a backend builds sgemm with one of them (pb_launch_sgemm_tile_for)
 * and moves down the list while the built kernel allows fewer work-items than the shape needs. */
#define PB_LAUNCH_SGEMM_TILES 5
extern const pb_launch_sgemm_tile pb_launch_sgemm_tiles[PB_LAUNCH_SGEMM_TILES];

/* Work-items of a work-group of shape `tile`. */
unsigned pb_launch_sgemm_threads(int tile);

/* Whether a kernel of shape `tile` that allows `max_threads` work-items per group can run. */
int pb_launch_sgemm_tile_fits(int tile, unsigned max_threads);

/* The first shape the device's limits allow (the built kernel's own limit is checked in the plan);
 * the last shape, one work-item, when none does. */
int pb_launch_sgemm_tile_for(const pb_launch_limits *limits);

/* The index of `shape` in pb_launch_sgemm_tiles, or -1 (for a kernel compiled ahead of time). */
int pb_launch_sgemm_tile_index(const pb_launch_sgemm_tile *shape);

/* A binding of the reduce's workspace (its per-group partial sums) instead of a problem buffer. */
#define PB_LAUNCH_BIND_WORK (-1)
#define PB_LAUNCH_MAX_BINDS 3
/* Room for the largest params struct of kernels/pb_params.h, in its 4-byte fields. */
#define PB_LAUNCH_PARAMS_WORDS 8

/* One kernel launch: `groups` work-groups of `local` work-items along each of `dims` dimensions
 * (the unused ones are 1), buffers at slots 0..nbind-1 (problem buffer indices in the order of
 * src/workloads/workload.h, or PB_LAUNCH_BIND_WORK), then the params struct at slot nbind. */
typedef struct pb_launch_step {
    pb_launch_kernel kernel;
    unsigned dims;
    unsigned groups[3];
    unsigned local[3];
    int nbind;
    int bind[PB_LAUNCH_MAX_BINDS];
    uint32_t params[PB_LAUNCH_PARAMS_WORDS];
    size_t params_size;
} pb_launch_step;

/* The steps of one launch of a workload, run in order, each after the previous one has finished;
 * and the workspace they need (0: none). */
typedef struct pb_launch_plan {
    pb_launch_step *steps;
    int nsteps;
    size_t work_bytes;
} pb_launch_plan;

/* The kernels a launch of workload `workload` (a pb_workload_id) uses, the ones whose limits the
 * plan reads; returns how many (0: the workload has no GPU plan). */
int pb_launch_workload_kernels(int workload, pb_launch_kernel out[2]);

/* Plans one launch of `problem` (a pb_problem, src/workloads/workload.h). PB_ERR_UNSUPPORTED with
 * the reason when the workload has no plan or the limits rule it out; *out is set on success only. */
struct pb_problem;
pb_status pb_launch_plan_make(const struct pb_problem *problem, const pb_launch_limits *limits,
                              pb_launch_plan *out, pb_msg *msg);
void pb_launch_plan_free(pb_launch_plan *plan); /* accepts NULL; leaves the plan empty */

/* ---- the ceiling probes (kernels/ceiling.pbk, run by kernels/pb_ceiling.h) ----------------------- */

typedef enum pb_launch_probe_id {
    PB_LAUNCH_PROBE_FMA,
    PB_LAUNCH_PROBE_READ,
    PB_LAUNCH_PROBE_TRIAD,
    PB_LAUNCH_PROBE_COUNT
} pb_launch_probe_id;

/* The probes' buffers, which their steps bind by these indices: the triad's a, b and c (the read
 * sums b), and one for the FMA's values and the read's partial sums (never needed at once). */
enum {
    PB_LAUNCH_PROBE_A,
    PB_LAUNCH_PROBE_B,
    PB_LAUNCH_PROBE_C,
    PB_LAUNCH_PROBE_OUT,
    PB_LAUNCH_PROBE_BUFFERS
};

/* One probe launch: which probe, and its params (the member its id names). */
typedef struct pb_launch_probe {
    pb_launch_probe_id id;
    union {
        pb_ceiling_fma_params fma;
        pb_ceiling_read_params read;
        pb_ceiling_triad_params triad;
    } params;
} pb_launch_probe;

/* The compute units the plans assume: the device's, or 8 where it does not say. */
unsigned pb_launch_compute_units(const pb_launch_limits *limits);

/* The probe's kernel (PB_LK_CEILING_*), whose limits its plan reads. */
pb_launch_kernel pb_launch_probe_kernel(pb_launch_probe_id id);

/* Plans one launch of a probe, as pb_launch_plan_make plans a workload's: one step, binding the
 * buffers above, no workspace. The read's groups each sum a chunk of at most
 * PB_LAUNCH_PROBE_READ_CHUNK float4 (pb_ceiling.h keeps its sums exact with that); the number of
 * groups, whose partial sums the host reads, is the step's groups[0]. */
#define PB_LAUNCH_PROBE_READ_CHUNK (1 << 18)
pb_status pb_launch_probe_plan(const pb_launch_probe *probe, const pb_launch_limits *limits, pb_launch_plan *out,
                               pb_msg *msg);

#ifdef __cplusplus
}
#endif

#endif
