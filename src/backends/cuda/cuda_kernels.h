/* The C face of the dialect kernels compiled by nvcc (cuda_kernels.cu): one launch function per
 * workload, each running one whole launch of it (every kernel it needs) on a stream. */
#ifndef PB_CUDA_KERNELS_H
#define PB_CUDA_KERNELS_H

#include <stddef.h>

#include <cuda_runtime_api.h>

#include "../../../kernels/pb_params.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Device buffers in the problem's buffer order (src/workloads/workload.h), the workspace a launch
 * needs beyond them, the stream to launch on, and the device's SM count, which sizes the
 * grid-stride launches so that every SM has work. */
typedef struct pb_cuda_args {
    void *buf[4];
    void *work;
    cudaStream_t stream;
    int multiprocessors;
} pb_cuda_args;

/* Each returns the launch error (cudaGetLastError), cudaSuccess when the work was queued. */
cudaError_t pb_cuda_sgemm(const pb_sgemm_params *p, const pb_cuda_args *a);
cudaError_t pb_cuda_triad(const pb_triad_params *p, const pb_cuda_args *a);
cudaError_t pb_cuda_reduce(const pb_reduce_params *p, const pb_cuda_args *a);
cudaError_t pb_cuda_stencil(const pb_stencil_params *p, const pb_cuda_args *a);
cudaError_t pb_cuda_nbody(const pb_nbody_params *p, const pb_cuda_args *a);
cudaError_t pb_cuda_mandelbrot(const pb_mandelbrot_params *p, const pb_cuda_args *a);
cudaError_t pb_cuda_histogram(const pb_histogram_params *p, const pb_cuda_args *a);

/* Device workspace the reduce launch needs (its per-block partial sums). */
size_t pb_cuda_reduce_work_bytes(const pb_reduce_params *p);

#ifdef __cplusplus
}
#endif

#endif
