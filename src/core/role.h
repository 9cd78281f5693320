/* Roles: what a measured configuration stands for. `compare` matches machines on them (DESIGN.md
 * §7), so they live in the core, below the backends that assign them and the result files and
 * reports that name them. */
#ifndef PB_ROLE_H
#define PB_ROLE_H

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

/* The roles measured on a device through a GPU API (gpu, lib-gpu, opencl-cpu): they have end-to-end
 * times and stand against all cores. */
int pb_role_on_device(pb_role role);
/* The GPU roles proper (gpu, lib-gpu): an OpenCL CPU device is none. */
int pb_role_is_gpu(pb_role role);
/* The same for a role's name as a result file gives it (0 for an unknown name). */
int pb_role_name_on_device(const char *name);
int pb_role_name_is_gpu(const char *name);

#endif
