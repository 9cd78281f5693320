/* The dialect kernels (the kernels/ .pbk files) compiled as CUDA, and the one function that launches
 * a step of a launch plan (kernels/pb_launch.h) with them: the geometry is the plan's, not ours. */
#define PB_TARGET_CUDA 1
#include "../../../kernels/pb_params.h"
#include "../../../kernels/dialect.h"

#include "../../../kernels/histogram.pbk"
#include "../../../kernels/mandelbrot.pbk"
#include "../../../kernels/nbody.pbk"
#include "../../../kernels/reduce.pbk"
#include "../../../kernels/sgemm.pbk"
#include "../../../kernels/stencil.pbk"
#include "../../../kernels/triad.pbk"

#include "cuda_kernels.h"

/* sgemm keeps the kernel's default shape (128 x 128 blocks, 8 x 8 per thread, 256 threads), the
 * plan's first: 8.3 KB of shared memory and fewer than 128 registers a thread (ptxas reports 98 to
 * 116, no spills) let two blocks share an SM on every architecture built here. */
void pb_cuda_sgemm_shape(pb_launch_sgemm_tile *out)
{
    out->bm = PB_SGEMM_BM;
    out->bn = PB_SGEMM_BN;
    out->bk = PB_SGEMM_BK;
    out->tm = PB_SGEMM_TM;
    out->tn = PB_SGEMM_TN;
}

/* The kernel function of each plan kernel, for cudaFuncGetAttributes. */
static const void *pb_cuda_function(int kernel)
{
    switch (kernel) {
    case PB_LK_SGEMM: return (const void *)pb_sgemm;
    case PB_LK_TRIAD: return (const void *)pb_triad;
    case PB_LK_REDUCE: return (const void *)pb_reduce;
    case PB_LK_STENCIL: return (const void *)pb_stencil;
    case PB_LK_NBODY: return (const void *)pb_nbody;
    case PB_LK_MANDELBROT: return (const void *)pb_mandelbrot;
    case PB_LK_HISTOGRAM_CLEAR: return (const void *)pb_histogram_clear;
    case PB_LK_HISTOGRAM: return (const void *)pb_histogram;
    default: return NULL;
    }
}

cudaError_t pb_cuda_kernel_limits(unsigned max_threads[PB_LK_COUNT])
{
    for (int k = 0; k < PB_LK_COUNT; k++) {
        cudaFuncAttributes attr;
        const void *function = pb_cuda_function(k);
        cudaError_t err = function ? cudaFuncGetAttributes(&attr, function) : cudaErrorInvalidDeviceFunction;
        if (err != cudaSuccess)
            return err;
        max_threads[k] = (unsigned)attr.maxThreadsPerBlock;
    }
    return cudaSuccess;
}

/* Buffer i of the step's bindings: a problem buffer, or the workspace. */
static void *pb_cuda_bound(const pb_launch_step *s, const pb_cuda_args *a, int i)
{
    return s->bind[i] == PB_LAUNCH_BIND_WORK ? a->work : a->buf[s->bind[i]];
}

cudaError_t pb_cuda_enqueue(const pb_launch_step *s, const pb_cuda_args *a)
{
    const dim3 grid(s->groups[0], s->groups[1], s->groups[2]);
    const dim3 block(s->local[0], s->local[1], s->local[2]);
    void *b0 = pb_cuda_bound(s, a, 0);
    void *b1 = s->nbind > 1 ? pb_cuda_bound(s, a, 1) : NULL;
    void *b2 = s->nbind > 2 ? pb_cuda_bound(s, a, 2) : NULL;
    const void *p = s->params;
    cudaStream_t st = a->stream;
    switch (s->kernel) {
    case PB_LK_SGEMM:
        pb_sgemm<<<grid, block, 0, st>>>((const float *)b0, (const float *)b1, (float *)b2,
                                         *(const pb_sgemm_params *)p);
        break;
    case PB_LK_TRIAD:
        pb_triad<<<grid, block, 0, st>>>((float *)b0, (const float *)b1, (const float *)b2,
                                         *(const pb_triad_params *)p);
        break;
    case PB_LK_REDUCE:
        pb_reduce<<<grid, block, 0, st>>>((const float *)b0, (float *)b1, *(const pb_reduce_params *)p);
        break;
    case PB_LK_STENCIL:
        pb_stencil<<<grid, block, 0, st>>>((const float *)b0, (float *)b1, *(const pb_stencil_params *)p);
        break;
    case PB_LK_NBODY:
        pb_nbody<<<grid, block, 0, st>>>((const float4 *)b0, (float4 *)b1, *(const pb_nbody_params *)p);
        break;
    case PB_LK_MANDELBROT:
        pb_mandelbrot<<<grid, block, 0, st>>>((int *)b0, *(const pb_mandelbrot_params *)p);
        break;
    case PB_LK_HISTOGRAM_CLEAR:
        pb_histogram_clear<<<grid, block, 0, st>>>((unsigned *)b0, *(const pb_histogram_params *)p);
        break;
    case PB_LK_HISTOGRAM:
        pb_histogram<<<grid, block, 0, st>>>((const unsigned *)b0, (unsigned *)b1, *(const pb_histogram_params *)p);
        break;
    default:
        return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
}
