/* The backend contract: a const table of function pointers with designated initialisers, plus an
 * opaque context. Slots marked (optional) may be NULL; the caller checks them. A backend never
 * includes another backend; `#ifdef HAVE_X` appears only in the registry and in the backend's own
 * folder. It lives with the backends (DESIGN.md §3): the core, results and reports never include
 * it; what they need of a backend (roles, device facts) is in src/core/role.h and device.h. */
#ifndef PB_BACKEND_H
#define PB_BACKEND_H

#include <stdint.h>

#include "../core/ceilings.h"
#include "../core/device.h"
#include "../core/role.h"
#include "../core/status.h"
#include "../workloads/workload.h"

/* One measured configuration of a workload on a backend. A backend lists its variants for a
 * workload; the runner measures each. */
typedef struct pb_variant {
    int device;                /* index into the backend's devices */
    int threads;               /* CPU threads (0 for device backends) */
    pb_role role;
    char precision[8];         /* "fp32", "tf32", "u32" */
    char impl[32];             /* "own", "openblas", "cublas", "mps", ... */
    double unit_roundoff;      /* of the arithmetic used, for the verification tolerance */
} pb_variant;

/* Appends a variant to out[n] when n < max; returns the new count. `threads` is 0 for device
 * backends. The one way the backends' variants() slots build a variant. */
int pb_variant_add(pb_variant *out, int n, int max, int device, int threads, const char *impl, pb_role role,
                   const char *precision, double unit_roundoff);

/* Run-wide choices a backend may need when listing variants. */
typedef struct pb_variant_request {
    const int *threads;        /* CPU thread counts asked for (resolved, >= 1) */
    int nthreads;
    int all_threads;           /* the machine's logical core count: the count that means "all" */
    int each_core_type;        /* hybrid CPUs: P-cores only (cpu-p) and E-cores only (cpu-e) at every
                                * count asked for that fits the core type; 0: each type at its full
                                * count, when all cores are asked for */
} pb_variant_request;

/* A first guess at how many variants a backend lists for one workload, for buffers on the stack.
 * A backend may list more (three per device for cuda sgemm: 24 on an 8-GPU server); whoever must
 * not lose any uses pb_variant_list_init, which grows its buffer until everything fits. */
#define PB_MAX_VARIANTS 16
/* The most variants pb_variant_list_init takes from one backend for one workload: far beyond any
 * real machine (4096 = 8 GPUs x 512), so reaching it means a backend bug, and it is said. */
#define PB_VARIANTS_BOUND 4096

typedef struct pb_backend {
    const char *name;          /* "cpu", "blas", "opencl", "cuda", "metal" */
    const char *summary;
    /* Finds devices. On PB_ERR_UNAVAILABLE `why` says what is missing and how to fix it. */
    pb_status (*init)(void **ctx, pb_msg *why);
    void (*shutdown)(void *ctx); /* accepts NULL */
    int (*device_count)(void *ctx);
    pb_status (*device_info)(void *ctx, int device, pb_device_info *out);
    /* Writes up to `max` variants of workload `id`; returns how many (0: not supported here). */
    int (*variants)(void *ctx, pb_workload_id id, const pb_variant_request *req, pb_variant *out, int max);
    /* Prepares one case: allocates device buffers, uploads every buffer (outputs too: they hold
     * the poison pattern, so stale device memory can never pass verification), compiles kernels.
     * On failure the message says why (compile log, out of memory); PB_ERR_UNSUPPORTED means the
     * backend cannot run the case here (no kernel for the workload, or it does not fit this device)
     * and it is reported as skipped, with the message as its reason. `problem` outlives the case. */
    pb_status (*case_create)(void *ctx, const pb_variant *variant, pb_problem *problem, void **kase,
                             pb_msg *msg);
    /* Runs `launches` back-to-back launches and reports their total time in seconds: device timers
     * where the backend has them (then *device_timer = 1), else the host clock around the work
     * including the final synchronisation. */
    pb_status (*case_run)(void *kase, int launches, double *seconds, int *device_timer, pb_msg *msg);
    /* (optional) The device's view of the last case_run batch, to tell a launch-bound case: in
     * *busy_s the time the device spent running the batch's kernels (the union of their spans), in
     * *span_s the time from the first kernel's start to the last one's end. PB_OK when the last
     * batch was measured so; else PB_ERR_UNSUPPORTED and nothing written. NULL for backends whose
     * timers see only the whole batch (cpu, blas, and Metal and CUDA, see README.md). */
    pb_status (*case_batch_info)(void *kase, double *busy_s, double *span_s);
    /* (optional) One end-to-end launch on the host clock: upload inputs, launch, download
     * outputs, synchronise. NULL for backends that work in host memory. */
    pb_status (*case_e2e)(void *kase, double *seconds, pb_msg *msg);
    /* (optional) Copies outputs into the problem's host buffers. NULL when outputs are written
     * to host memory directly. */
    pb_status (*case_read)(void *kase, pb_msg *msg);
    void (*case_destroy)(void *kase); /* accepts NULL */
    /* (optional) Extra facts for the result file, e.g. the BLAS provider and version. */
    const char *(*describe)(void *ctx);
    /* (optional) Measures device `device`'s own ceilings with the probes of kernels/ceiling.pbk,
     * sized for `preset` (kernels/pb_ceiling.h), for the roofline: `run` calls it before the cases.
     * A probe whose check fails is PB_ERR_VERIFY with the reason, and *out is left unchanged. NULL
     * for the backends on the host CPU, whose ceilings the cpu backend's probes measure. */
    pb_status (*ceilings)(void *ctx, int device, pb_preset preset, pb_ceilings *out, pb_msg *msg);
} pb_backend;

/* Every variant a backend lists for one workload, in a buffer sized to fit. */
typedef struct pb_variant_list {
    pb_variant *items;
    int n;
    int truncated;             /* 1: the backend filled PB_VARIANTS_BOUND entries; more may exist */
} pb_variant_list;

/* Asks `b` for its variants of workload `id` with a buffer of PB_MAX_VARIANTS entries, and while
 * the backend fills the buffer (its list may go on) asks again with twice the room, up to
 * PB_VARIANTS_BOUND. PB_ERR_NOMEM when memory runs out; free the list with pb_variant_list_free
 * either way. */
pb_status pb_variant_list_init(pb_variant_list *list, const pb_backend *b, void *ctx, pb_workload_id id,
                               const pb_variant_request *req, pb_msg *msg);
void pb_variant_list_free(pb_variant_list *list); /* accepts NULL */

/* A backend this build knows about but did not compile, or one that failed to initialise. */
typedef struct pb_backend_entry {
    const char *name;
    const pb_backend *backend;  /* NULL when not compiled in */
    const char *missing_why;    /* when not compiled in: what is missing and how to add it */
} pb_backend_entry;

/* The registry (src/backends/registry.c): every backend parbench knows, in display order. */
const pb_backend_entry *pb_backend_registry(int *count);

#endif
