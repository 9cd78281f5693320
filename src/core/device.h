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
    char extra[256];           /* backend-specific one-liner, e.g. "sm_90", "SIMD width 32" */
} pb_device_info;

#endif
