/* The workload contract: sizes per preset, FLOP and byte counts, seeded inputs, a reference and a
 * verification with a tolerance derived from size and precision. A backend sees a pb_problem
 * (host buffers + scalar params) and fills its output buffers; it never sees the reference. */
#ifndef PB_WORKLOAD_H
#define PB_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "../../kernels/pb_params.h"
#include "../core/check.h"
#include "../core/pool.h"
#include "../core/status.h"

typedef enum pb_preset {
    PB_PRESET_TINY,
    PB_PRESET_QUICK,
    PB_PRESET_STANDARD,
    PB_PRESET_LARGE,
    PB_PRESET_COUNT
} pb_preset;

const char *pb_preset_name(pb_preset preset);
/* Returns PB_ERR_USAGE (with a message listing the presets) for an unknown name. */
pb_status pb_preset_parse(const char *name, pb_preset *out, pb_msg *msg);

/* The one list of workloads; every table that names them is generated from it (docs/ADDING.md).
 * Each entry is X(ID, name, OUTPUT):
 *   ID      gives the enumerator PB_WL_<ID>; the order is the enum's values and the display order.
 *   name    the workload's name on the command line and in result files, and the stem of the
 *           pieces each layer gives it: pb_workload_<name> (src/workloads/<name>.c),
 *           pb_<name>_params (kernels/pb_params.h), pb_cpu_<name> (src/backends/cpu/cpu_<name>.c).
 *   OUTPUT  FLOAT or INT: the element type of its outputs, which decides the poison pattern
 *           (pb_problem_poison_outputs).
 * A backend's table generated from this list fails to link when a piece is missing; a backend
 * whose table leaves a workload out reports it as unsupported (PB_WL_TABLE_GET). */
#define PB_WORKLOAD_LIST(X)                                                                                 \
    X(SGEMM, sgemm, FLOAT)                                                                                  \
    X(TRIAD, triad, FLOAT)                                                                                  \
    X(REDUCE, reduce, FLOAT)                                                                                \
    X(STENCIL, stencil, FLOAT)                                                                              \
    X(NBODY, nbody, FLOAT)                                                                                  \
    X(MANDELBROT, mandelbrot, INT)                                                                          \
    X(HISTOGRAM, histogram, INT)

typedef enum pb_workload_id {
#define PB_WL_ENUM_ENTRY(ID, name, OUTPUT) PB_WL_##ID,
    PB_WORKLOAD_LIST(PB_WL_ENUM_ENTRY)
#undef PB_WL_ENUM_ENTRY
    PB_WL_COUNT
} pb_workload_id;

/* Entry `id` of a per-workload table (an array indexed by pb_workload_id, possibly shorter than
 * PB_WL_COUNT), or 0 (NULL) when the table has no entry for it: the one way a backend looks a
 * workload up, so an id past its table or an empty slot reads as "unsupported", never as a crash
 * or another workload's entry. `table` must be an array, not a pointer. */
#define PB_WL_TABLE_GET(table, id)                                                                          \
    ((unsigned)(id) < sizeof(table) / sizeof((table)[0]) ? (table)[(unsigned)(id)] : 0)

/* Problem size. Which entries are used, and their names, is per workload (pb_workload.dim_names). */
typedef struct pb_dims {
    int64_t v[PB_MAX_DIMS];
} pb_dims;

typedef enum pb_buffer_kind {
    PB_BUFFER_IN,      /* uploaded, read by the kernel */
    PB_BUFFER_OUT,     /* written by the kernel, downloaded, verified */
    PB_BUFFER_SCRATCH  /* working space (e.g. the stencil's second grid): neither uploaded nor read back */
} pb_buffer_kind;

typedef struct pb_buffer {
    const char *name;
    pb_buffer_kind kind;
    void *host;        /* 64-byte aligned, `bytes` long; owned by the problem */
    size_t bytes;
} pb_buffer;

#define PB_MAX_BUFFERS 4

/* One instance of a workload: inputs made, outputs allocated. Buffer order is fixed per workload:
 *   sgemm:      A (in, n*n f32), B (in, n*n f32), C (out, n*n f32)
 *   triad:      a (out, n f32), b (in, n f32), c (in, n f32)
 *   reduce:     x (in, n f32), sum (out, 1 f32)
 *   stencil:    grid (in, nx*ny f32), out (out, nx*ny f32), tmp (scratch, nx*ny f32)
 *   nbody:      bodies (in, n*4 f32), acc (out, n*4 f32)
 *   mandelbrot: counts (out, width*height i32)
 *   histogram:  data (in, n u32), bins (out, 256 u32)
 * The stencil runs `steps` steps per launch from `grid`, ping-ponging between out and tmp so that
 * the last step writes `out` (step s writes out when (steps - 1 - s) is even, else tmp). */

/* The reduce rule for every backend: no input may pass through more than PB_REDUCE_MAX_CHAIN
 * sequential fp32 additions before joining a tree, and the trees that combine those partial sums
 * may add at most 2 log2(n) more levels. For example: serial (or per-SIMD-lane) sums of slices of at
 * most 4096 elements, then pairwise or work-group trees; two serial levels must share the 4096.
 * The verification tolerance, (min(n, 4096) + 2 log2 n) u sum|x|, is the worst-case error of such a sum; a
 * plain serial loop over all n would let the running sum grow so large that small inputs round
 * away. */
#define PB_REDUCE_MAX_CHAIN 4096

typedef struct pb_problem {
    pb_workload_id id;
    pb_dims dims;
    union {
#define PB_WL_PARAMS_MEMBER(ID, name, OUTPUT) pb_##name##_params name;
        PB_WORKLOAD_LIST(PB_WL_PARAMS_MEMBER)
#undef PB_WL_PARAMS_MEMBER
    } params;                /* params.<name>: the workload's pb_<name>_params */
    pb_buffer buf[PB_MAX_BUFFERS];
    int nbuf;
    double work;            /* units of the workload's rate done by one launch (see pb_workload) */
    void *ref;              /* workload-private verification data (lazily computed, cached) */
    void (*ref_free)(void *ref);
} pb_problem;


typedef struct pb_workload {
    pb_workload_id id;
    const char *name;
    const char *summary;               /* one line for `parbench list` */
    int ndims;
    const char *dim_names[PB_MAX_DIMS];
    pb_dims sizes[PB_PRESET_COUNT];
    const char *precision;             /* "fp32" or "u32" */
    const char *rate_unit;             /* "GFLOP/s", "GB/s", "Giter/s", "Gelem/s" */
    /* FLOPs and bytes moved (compulsory traffic) of one launch, for the roofline. */
    double (*flops)(const pb_dims *dims);
    double (*bytes)(const pb_dims *dims);
    /* Allocates buffers, fills inputs from `seed` and sets params and `work` (rate units x 1e9 per
     * launch: the rate is work / 1e9 / seconds). */
    pb_status (*create)(const pb_dims *dims, uint64_t seed, pb_problem *out, pb_msg *msg);
    /* Checks the output buffers. May compute and cache the reference in problem->ref, using the
     * pool (up to `threads` threads) for expensive references. `unit_roundoff` is the precision
     * the backend computed in (2^-24 for fp32, 2^-11 for tf32); the tolerance scales with it.
     * Returns PB_OK whenever the check ran, passed or not (out->ok says which); an error status
     * only when it could not run (out of memory). */
    pb_status (*verify)(pb_problem *problem, pb_pool *pool, int threads, double unit_roundoff,
                        pb_check *out, pb_msg *msg);
} pb_workload;

const pb_workload *pb_workload_get(pb_workload_id id);
/* NULL when no workload has that name. */
const pb_workload *pb_workload_find(const char *name);

/* Fills every output buffer with a poison pattern (NaN / 0xFF bytes), so a backend that writes
 * nothing can never pass verification with stale data. */
void pb_problem_poison_outputs(pb_problem *problem);

/* The bytes of all the problem's buffers (inputs, outputs and scratch): its working set, what a
 * launch touches. A device holds a copy of each while it runs the case. */
uint64_t pb_problem_bytes(const pb_problem *problem);

/* Frees buffers and reference; leaves the struct zeroed. Accepts NULL. */
void pb_problem_destroy(pb_problem *problem);

/* Helper for create(): allocates buffer `i` and records its name and kind. */
pb_status pb_problem_add_buffer(pb_problem *problem, const char *name, pb_buffer_kind kind, size_t bytes,
                                pb_msg *msg);

#define PB_FP32_UNIT_ROUNDOFF (1.0 / 16777216.0)  /* 2^-24 */
#define PB_TF32_UNIT_ROUNDOFF (1.0 / 2048.0)      /* 2^-11 */

#endif
