/* The dialect kernels (the kernels/ .pbk files) compiled as CUDA, and the one function that launches
 * a step of a launch plan (kernels/pb_launch.h) with them: the geometry is the plan's, not ours.
 * Every kernel file comes in through pb_kernels.h, which mk/kernels.mk generates, and every launch
 * goes through the table generated from PB_LAUNCH_KERNELS, so a new kernel needs nothing here. */
#define PB_TARGET_CUDA 1
#include "../../../kernels/pb_params.h"
#include "../../../kernels/dialect.h"

#include "pb_kernels.h"

#include <tuple>

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

/* The number of arguments of a kernel function (its buffers and its params struct), and the size of
 * the last one, the params. */
template <typename... Args> constexpr int pb_cuda_arity(void (*)(Args...))
{
    return (int)sizeof...(Args);
}

template <typename... Args> constexpr size_t pb_cuda_params_size(void (*)(Args...))
{
    return sizeof(typename std::tuple_element<sizeof...(Args) - 1, std::tuple<Args...>>::type);
}

/* Each plan kernel's function (for cudaFuncGetAttributes and cudaLaunchKernel), its number of
 * arguments and the size of its params, which a step's bindings and params must match. */
static const struct {
    const void *function;
    int nargs;
    size_t params_size;
} pb_cuda_kernels[PB_LK_COUNT] = {
#define PB_CUDA_KERNEL_ENTRY(ID, function)                                                         \
    {(const void *)function, pb_cuda_arity(function), pb_cuda_params_size(function)},
    PB_LAUNCH_KERNELS(PB_CUDA_KERNEL_ENTRY)
#undef PB_CUDA_KERNEL_ENTRY
};

cudaError_t pb_cuda_kernel_limits(unsigned max_threads[PB_LK_COUNT])
{
    for (int k = 0; k < PB_LK_COUNT; k++) {
        cudaFuncAttributes attr;
        cudaError_t err = cudaFuncGetAttributes(&attr, pb_cuda_kernels[k].function);
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

/* The kernel's arguments as cudaLaunchKernel takes them, a pointer to each value: the bound buffers
 * in slot order, then the params struct, which the launch copies from the step (every params
 * struct is 4-byte fields, so the step's words hold it as the kernel lays it out). */
cudaError_t pb_cuda_enqueue(const pb_launch_step *s, const pb_cuda_args *a)
{
    if ((unsigned)s->kernel >= PB_LK_COUNT || s->nbind < 0 || s->nbind > PB_LAUNCH_MAX_BINDS ||
        s->nbind + 1 != pb_cuda_kernels[s->kernel].nargs || s->params_size != pb_cuda_kernels[s->kernel].params_size)
        return cudaErrorInvalidValue;
    void *buffers[PB_LAUNCH_MAX_BINDS];
    void *args[PB_LAUNCH_MAX_BINDS + 1];
    for (int i = 0; i < s->nbind; i++) {
        buffers[i] = pb_cuda_bound(s, a, i);
        args[i] = &buffers[i];
    }
    args[s->nbind] = (void *)s->params;
    const dim3 grid(s->groups[0], s->groups[1], s->groups[2]);
    const dim3 block(s->local[0], s->local[1], s->local[2]);
    /* The check after the launch reads the last error: clear one an earlier call left unread. */
    cudaGetLastError();
    cudaError_t err = cudaLaunchKernel(pb_cuda_kernels[s->kernel].function, grid, block, args, 0, a->stream);
    return err != cudaSuccess ? err : cudaGetLastError();
}
