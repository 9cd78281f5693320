/* The C face of the dialect kernels compiled by nvcc (cuda_kernels.cu): the limits the built kernels
 * allow, and the launch of one step of a plan (kernels/pb_launch.h) on a stream. */
#ifndef PB_CUDA_KERNELS_H
#define PB_CUDA_KERNELS_H

#include <stddef.h>

#include <cuda_runtime_api.h>

#include "../../../kernels/pb_launch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Device buffers in the problem's buffer order (src/workloads/workload.h), the plan's workspace,
 * and the stream to launch on. */
typedef struct pb_cuda_args {
    void *buf[4];
    void *work;
    cudaStream_t stream;
} pb_cuda_args;

/* The tile shape sgemm was compiled with (to find it in pb_launch_sgemm_tiles). */
void pb_cuda_sgemm_shape(pb_launch_sgemm_tile *out);

/* Each kernel's maxThreadsPerBlock on the current device (cudaFuncGetAttributes). */
cudaError_t pb_cuda_kernel_limits(unsigned max_threads[PB_LK_COUNT]);

/* Queues step `s` with its bindings resolved against `a`; returns the launch error
 * (cudaGetLastError, cleared before the launch), cudaErrorInvalidValue when the step's bindings and params do not match its
 * kernel's arguments, cudaSuccess when the work was queued. */
cudaError_t pb_cuda_enqueue(const pb_launch_step *s, const pb_cuda_args *a);

#ifdef __cplusplus
}
#endif

#endif
