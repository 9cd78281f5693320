/* Device-to-device copy bandwidth of the first visible GPU, counting bytes read plus bytes written:
 * the ceiling scripts/gpu-check.sh holds parbench's triad against.
 * Usage: cuda_copy_bw [MiB per buffer]
 * Copies are timed in batches (one pair of events around several back-to-back copies), so the time
 * of launching one copy does not count; the copy is checked against the fill pattern before any
 * number is printed, so a failed fill or copy never reads as bandwidth. */
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

static int fail(const char *what, cudaError_t err)
{
    std::fprintf(stderr, "cuda_copy_bw: %s failed: %s (%d): %s\n", what, cudaGetErrorName(err), (int)err,
                 cudaGetErrorString(err));
    return 1;
}

/* Pseudo-random contents: constant data could be compressed by the memory system and inflate the
 * bandwidth. The same formula on the host checks the copy. */
__host__ __device__ static unsigned pattern(size_t i, unsigned seed)
{
    unsigned x = (unsigned)i * 2654435761u + seed;
    x ^= x >> 13;
    return x * 2246822519u;
}

__global__ void fill(unsigned *p, size_t n, unsigned seed)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        p[i] = pattern(i, seed);
}

/* Checks 4096 words spread over the buffer, the first and the last one included. */
static int check_copy(const unsigned *dst, size_t n, unsigned seed)
{
    const size_t probes = 4096;
    for (size_t k = 0; k < probes; k++) {
        size_t i = k == probes - 1 ? n - 1 : k * (n / probes);
        unsigned got = 0;
        cudaError_t err = cudaMemcpy(&got, dst + i, sizeof got, cudaMemcpyDeviceToHost);
        if (err != cudaSuccess)
            return fail("reading back the copy", err);
        if (got != pattern(i, seed)) {
            std::fprintf(stderr, "cuda_copy_bw: word %zu of the copy is %08x, expected %08x\n", i, got,
                         pattern(i, seed));
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    const size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1024;
    if (mib == 0 || mib > (1u << 20)) {
        std::fprintf(stderr, "cuda_copy_bw: the buffer size must be 1 to 1048576 MiB\n");
        return 2;
    }
    const size_t bytes = mib << 20, words = bytes / sizeof(unsigned);
    const int batches = 9, per_batch = 10, warmup = 1;
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
        std::fprintf(stderr, "cuda_copy_bw: no CUDA device (%s)\n", cudaGetErrorName(err));
        return 2;
    }
    cudaDeviceProp prop;
    if ((err = cudaGetDeviceProperties(&prop, 0)) != cudaSuccess)
        return fail("cudaGetDeviceProperties", err);
    unsigned *src = nullptr, *dst = nullptr;
    if ((err = cudaMalloc(&src, bytes)) != cudaSuccess || (err = cudaMalloc(&dst, bytes)) != cudaSuccess)
        return fail("cudaMalloc", err);
    fill<<<1024, 256>>>(src, words, 12345u);
    fill<<<1024, 256>>>(dst, words, 999u);
    if ((err = cudaGetLastError()) != cudaSuccess || (err = cudaDeviceSynchronize()) != cudaSuccess)
        return fail("the fill kernel", err);
    cudaEvent_t start, stop;
    if ((err = cudaEventCreate(&start)) != cudaSuccess || (err = cudaEventCreate(&stop)) != cudaSuccess)
        return fail("cudaEventCreate", err);
    std::vector<double> gbps;
    for (int b = 0; b < warmup + batches; b++) {
        cudaEventRecord(start);
        for (int i = 0; i < per_batch; i++)
            cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice);
        cudaEventRecord(stop);
        if ((err = cudaEventSynchronize(stop)) != cudaSuccess)
            return fail("cudaMemcpy device to device", err);
        float ms = 0.0f;
        if ((err = cudaEventElapsedTime(&ms, start, stop)) != cudaSuccess)
            return fail("cudaEventElapsedTime", err);
        if (b >= warmup && ms > 0) /* the first batch warms up clocks and page mappings */
            gbps.push_back(2.0 * (double)bytes * per_batch / (ms * 1e-3) / 1e9);
    }
    if (check_copy(dst, words, 12345u) != 0 || gbps.empty())
        return 1;
    std::sort(gbps.begin(), gbps.end());
    std::printf("device %s\n", prop.name);
    std::printf("buffer_mib %zu\n", mib);
    std::printf("copies_per_batch %d\n", per_batch);
    std::printf("d2d_copy_GBps %.1f\n", gbps[gbps.size() / 2]);
    std::printf("d2d_copy_best_GBps %.1f\n", gbps.back());
    cudaFree(src);
    cudaFree(dst);
    return 0;
}
