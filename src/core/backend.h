/* The backend contract: a const table of function pointers with designated initialisers, plus an
 * opaque context. Slots marked (optional) may be NULL; the core checks them. A backend never
 * includes another backend; `#ifdef HAVE_X` appears only in the registry and in the backend's own
 * folder. */
#ifndef PB_BACKEND_H
#define PB_BACKEND_H

#include <stdint.h>

#include "../workloads/workload.h"
#include "status.h"

/* What a measured configuration stands for; `compare` matches machines on it (DESIGN.md §7). */
typedef enum pb_role {
    PB_ROLE_CPU_1,        /* own CPU kernels on one core */
    PB_ROLE_CPU_ALL,      /* own CPU kernels on all cores */
    PB_ROLE_CPU_P,        /* own CPU kernels on the performance cores only (hybrid CPUs) */
    PB_ROLE_CPU_E,        /* own CPU kernels on the efficiency cores only (hybrid CPUs) */
    PB_ROLE_CPU_N,        /* own CPU kernels on another thread count (a scaling point) */
    PB_ROLE_GPU,          /* own kernels on a GPU */
    PB_ROLE_LIB_CPU,      /* vendor library on the CPU (BLAS) */
    PB_ROLE_LIB_GPU,      /* vendor library on the GPU (cuBLAS, MPS) */
    PB_ROLE_DEVICE_CPU,   /* own GPU-dialect kernels on a CPU device (e.g. OpenCL on PoCL): never "gpu" */
    PB_ROLE_COUNT
} pb_role;

/* "cpu-1", "cpu-all", "cpu-p", "cpu-e", "cpu-n", "gpu", "lib-cpu", "lib-gpu", "opencl-cpu" */
const char *pb_role_name(pb_role role);
int pb_role_parse(const char *name, pb_role *out); /* 1 when known */

typedef enum pb_device_type {
    PB_DEVICE_CPU,
    PB_DEVICE_GPU,
    PB_DEVICE_ACCELERATOR,
    PB_DEVICE_OTHER
} pb_device_type;

const char *pb_device_type_name(pb_device_type type); /* "cpu", "gpu", "accelerator", "other" */

typedef struct pb_device_info {
    char name[128];
    char vendor[64];
    pb_device_type type;
    char api_version[64];      /* e.g. "OpenCL 3.0 PoCL", "CUDA 12.4", "Metal 3" */
    char driver_version[64];
    int compute_units;         /* cores, SMs, GPU cores, ... (0 when unknown) */
    double clock_mhz;          /* 0 when unknown */
    uint64_t memory_bytes;     /* global memory (0 when unknown) */
    uint64_t max_alloc_bytes;  /* largest single buffer (0 when unknown) */
    int unified_memory;        /* 1 when host and device share memory (transfers are zero-copy) */
    char extra[256];           /* backend-specific one-liner, e.g. "sm_90", "SIMD width 32" */
} pb_device_info;

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
} pb_variant_request;

#define PB_MAX_VARIANTS 16

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
     * case does not fit this device and is reported as skipped. `problem` outlives the case. */
    pb_status (*case_create)(void *ctx, const pb_variant *variant, pb_problem *problem, void **kase,
                             pb_msg *msg);
    /* Runs `launches` back-to-back launches and reports their total time in seconds: device timers
     * where the backend has them (then *device_timer = 1), else the host clock around the work
     * including the final synchronisation. */
    pb_status (*case_run)(void *kase, int launches, double *seconds, int *device_timer, pb_msg *msg);
    /* (optional) One end-to-end launch on the host clock: upload inputs, launch, download
     * outputs, synchronise. NULL for backends that work in host memory. */
    pb_status (*case_e2e)(void *kase, double *seconds, pb_msg *msg);
    /* (optional) Copies outputs into the problem's host buffers. NULL when outputs are written
     * to host memory directly. */
    pb_status (*case_read)(void *kase, pb_msg *msg);
    void (*case_destroy)(void *kase); /* accepts NULL */
    /* (optional) Extra facts for the result file, e.g. the BLAS provider and version. */
    const char *(*describe)(void *ctx);
} pb_backend;

/* A backend this build knows about but did not compile, or one that failed to initialise. */
typedef struct pb_backend_entry {
    const char *name;
    const pb_backend *backend;  /* NULL when not compiled in */
    const char *missing_why;    /* when not compiled in: what is missing and how to add it */
} pb_backend_entry;

/* The registry (src/backends/registry.c): every backend parbench knows, in display order. */
const pb_backend_entry *pb_backend_registry(int *count);

#endif
