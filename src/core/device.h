/* What is known about one compute device (a GPU, an OpenCL CPU device, ...): a backend fills it,
 * the result file records it, and `list`, `info` and reports print it. It lives in the core so
 * that results and reports can read it without the backend contract. */
#ifndef PB_DEVICE_H
#define PB_DEVICE_H

#include <stdint.h>

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
    uint64_t llc_bytes;        /* last-level cache, 0 when unknown: a GPU's L2 (CUDA), the OpenCL
                                  global memory cache, the CPU's L3 (else L2) for cpu and blas */
    char extra[256];           /* backend-specific one-liner, e.g. "sm_90", "SIMD width 32" */
} pb_device_info;

/* ---- does a case run from the last-level cache? ------------------------------------------------
 * A case whose buffers all fit in the device's last-level cache stays there from one launch to
 * the next, so a bandwidth-bound workload then measures the cache's bandwidth, not memory's:
 * quick-preset triad (48 MiB) on an H200 (50 MiB of L2) would read several times faster than its
 * HBM. The result file records both numbers; these two functions are the one place that judges
 * them, for the run table and for compare. */

typedef enum pb_llc_fit {
    PB_LLC_FIT_UNKNOWN,  /* a size is unknown (0), e.g. Metal, which reports no cache size */
    PB_LLC_FIT_NO,       /* the working set is larger than the cache */
    PB_LLC_FIT_YES       /* the working set is at most the cache's size */
} pb_llc_fit;

/* Whether `working_set_bytes` fits in a last-level cache of `llc_bytes`. */
pb_llc_fit pb_device_llc_fit(double working_set_bytes, double llc_bytes);

/* Below this many FLOPs per byte of compulsory traffic, memory bounds a workload's rate on every
 * machine parbench targets (their CPUs and GPUs compute several FLOPs in the time they move a
 * byte): triad, reduce, stencil and histogram. Above it (sgemm, nbody, mandelbrot) the rate is
 * bound by compute, and fitting in the cache changes it little. */
#define PB_BANDWIDTH_BOUND_INTENSITY 2.0

/* 1 when a workload doing `flops` per `bytes` of compulsory traffic is bound by memory bandwidth
 * (see PB_BANDWIDTH_BOUND_INTENSITY); 0 when compute-bound or `bytes` is unknown (0). */
int pb_device_bandwidth_bound(double flops, double bytes);

#endif
