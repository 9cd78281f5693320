/* The dialect kernels (the kernels/ .pbk files) compiled as CUDA, and how each workload launches them:
 * block shapes, grid sizes, and the kernel sequences (stencil steps, reduce passes, histogram clear). */
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

/* Threads per block of the 1D kernels: a multiple of the 32-thread warp that every architecture
 * from sm_75 on runs at full occupancy. */
#define PB_CUDA_BLOCK 256

/* Longest serial slice a reduce work-item adds before its block's tree. Both passes together stay
 * far inside the summation-depth rule of src/workloads/workload.h (PB_REDUCE_MAX_CHAIN), and 64
 * loads per thread are enough to hide memory latency. */
#define PB_CUDA_REDUCE_CHAIN 64

/* Blocks covering `items`; at least one, since an empty grid is a launch error. */
static unsigned pb_cuda_blocks(long long items, int per_block)
{
    return items > 0 ? (unsigned)((items + per_block - 1) / per_block) : 1u;
}

/* The kernel's default tile shape (128 x 128 blocks, 8 x 8 per thread, 256 threads) suits every
 * architecture built here: 8.3 KB of shared memory and fewer than 128 registers a thread (ptxas
 * reports 98 to 116, no spills) let two blocks share an SM from sm_75 on. */
cudaError_t pb_cuda_sgemm(const pb_sgemm_params *p, const pb_cuda_args *a)
{
    const dim3 block(PB_SGEMM_LX, PB_SGEMM_LY);
    const dim3 grid(pb_cuda_blocks(p->n, PB_SGEMM_BN), pb_cuda_blocks(p->n, PB_SGEMM_BM));
    pb_sgemm<<<grid, block, 0, a->stream>>>((const float *)a->buf[0], (const float *)a->buf[1], (float *)a->buf[2],
                                            *p);
    return cudaGetLastError();
}

cudaError_t pb_cuda_triad(const pb_triad_params *p, const pb_cuda_args *a)
{
    pb_triad<<<pb_cuda_blocks(p->n, PB_CUDA_BLOCK), PB_CUDA_BLOCK, 0, a->stream>>>(
        (float *)a->buf[0], (const float *)a->buf[1], (const float *)a->buf[2], *p);
    return cudaGetLastError();
}

/* Pass 1 gives each thread a slice of at most PB_CUDA_REDUCE_CHAIN elements, and the single block
 * of pass 2 adds the partials with the same bound. Past 2^28 elements the block count stops
 * growing and the pass-1 slices lengthen instead, to at most 512 at the largest int n. */
static unsigned pb_cuda_reduce_blocks(int n)
{
    const long long per_block = (long long)PB_CUDA_BLOCK * PB_CUDA_REDUCE_CHAIN;
    unsigned blocks = pb_cuda_blocks(n, (int)per_block);
    return blocks < per_block ? blocks : (unsigned)per_block;
}

size_t pb_cuda_reduce_work_bytes(const pb_reduce_params *p)
{
    return pb_cuda_reduce_blocks(p->n) * sizeof(float);
}

cudaError_t pb_cuda_reduce(const pb_reduce_params *p, const pb_cuda_args *a)
{
    const unsigned blocks = pb_cuda_reduce_blocks(p->n);
    float *partial = (float *)a->work;
    pb_reduce<<<blocks, PB_CUDA_BLOCK, 0, a->stream>>>((const float *)a->buf[0], partial, *p);
    cudaError_t err = cudaGetLastError();
    if (err != cudaSuccess)
        return err;
    pb_reduce_params second = *p;
    second.n = (int)blocks;
    pb_reduce<<<1, PB_CUDA_BLOCK, 0, a->stream>>>(partial, (float *)a->buf[1], second);
    return cudaGetLastError();
}

/* p->steps launches from grid, ping-ponging between out and tmp so that the last one writes out. */
cudaError_t pb_cuda_stencil(const pb_stencil_params *p, const pb_cuda_args *a)
{
    const dim3 block(32, 8);
    const dim3 grid(pb_cuda_blocks(p->nx, 32), pb_cuda_blocks(p->ny, 8));
    const float *src = (const float *)a->buf[0];
    for (int s = 0; s < p->steps; s++) {
        float *dst = (float *)((p->steps - 1 - s) % 2 == 0 ? a->buf[1] : a->buf[2]);
        pb_stencil<<<grid, block, 0, a->stream>>>(src, dst, *p);
        cudaError_t err = cudaGetLastError();
        if (err != cudaSuccess)
            return err;
        src = dst;
    }
    return cudaSuccess;
}

/* The tile is the block: 256 bodies where there are enough blocks for every SM, smaller tiles
 * (more blocks) for small n. */
cudaError_t pb_cuda_nbody(const pb_nbody_params *p, const pb_cuda_args *a)
{
    int block = PB_NBODY_TILE_MAX;
    while (block > 64 && pb_cuda_blocks(p->n, block) < 2u * (unsigned)a->multiprocessors)
        block /= 2;
    pb_nbody<<<pb_cuda_blocks(p->n, block), block, 0, a->stream>>>((const float4 *)a->buf[0], (float4 *)a->buf[1],
                                                                   *p);
    return cudaGetLastError();
}

cudaError_t pb_cuda_mandelbrot(const pb_mandelbrot_params *p, const pb_cuda_args *a)
{
    const dim3 block(16, 16);
    const dim3 grid(pb_cuda_blocks(p->width, 16), pb_cuda_blocks(p->height, 16));
    pb_mandelbrot<<<grid, block, 0, a->stream>>>((int *)a->buf[0], *p);
    return cudaGetLastError();
}

/* Clear, then count with a grid-stride loop over enough blocks to fill every SM a few times over:
 * more blocks would only add global atomics at the end. */
cudaError_t pb_cuda_histogram(const pb_histogram_params *p, const pb_cuda_args *a)
{
    unsigned *bins = (unsigned *)a->buf[1];
    pb_histogram_clear<<<pb_cuda_blocks(p->bins, PB_CUDA_BLOCK), PB_CUDA_BLOCK, 0, a->stream>>>(bins, *p);
    cudaError_t err = cudaGetLastError();
    if (err != cudaSuccess)
        return err;
    unsigned blocks = pb_cuda_blocks(p->n, PB_CUDA_BLOCK);
    const unsigned enough = 8u * (unsigned)a->multiprocessors;
    if (enough && blocks > enough)
        blocks = enough;
    pb_histogram<<<blocks, PB_CUDA_BLOCK, 0, a->stream>>>((const unsigned *)a->buf[0], bins, *p);
    return cudaGetLastError();
}
