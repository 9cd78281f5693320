/* Device-to-device copy bandwidth of GPU 0, counting bytes read plus bytes written: the ceiling
 * scripts/gpu-check.sh holds parbench's triad against. Usage: cuda_copy_bw [MiB per buffer] */
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
 * bandwidth. */
__global__ void fill(unsigned *p, size_t n)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
        unsigned x = (unsigned)i * 2654435761u + 12345u;
        x ^= x >> 13;
        p[i] = x * 2246822519u;
    }
}

int main(int argc, char **argv)
{
    const size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1024;
    const size_t bytes = mib << 20;
    const int reps = 20;
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
        std::fprintf(stderr, "cuda_copy_bw: no CUDA device (%s)\n", cudaGetErrorName(err));
        return 2;
    }
    cudaDeviceProp prop;
    if ((err = cudaGetDeviceProperties(&prop, 0)) != cudaSuccess)
        return fail("cudaGetDeviceProperties", err);
    void *src = nullptr, *dst = nullptr;
    if ((err = cudaMalloc(&src, bytes)) != cudaSuccess || (err = cudaMalloc(&dst, bytes)) != cudaSuccess)
        return fail("cudaMalloc", err);
    fill<<<1024, 256>>>((unsigned *)src, bytes / sizeof(unsigned));
    fill<<<1024, 256>>>((unsigned *)dst, bytes / sizeof(unsigned));
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    std::vector<double> gbps;
    for (int i = 0; i < reps + 3; i++) {
        cudaEventRecord(start);
        cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice);
        cudaEventRecord(stop);
        if ((err = cudaEventSynchronize(stop)) != cudaSuccess)
            return fail("cudaMemcpy device to device", err);
        float ms = 0.0f;
        cudaEventElapsedTime(&ms, start, stop);
        if (i >= 3) /* the first copies warm up clocks and page mappings */
            gbps.push_back(2.0 * (double)bytes / (ms * 1e-3) / 1e9);
    }
    std::sort(gbps.begin(), gbps.end());
    std::printf("device %s\n", prop.name);
    std::printf("buffer_mib %zu\n", mib);
    std::printf("d2d_copy_GBps %.1f\n", gbps[gbps.size() / 2]);
    std::printf("d2d_copy_best_GBps %.1f\n", gbps.back());
    cudaFree(src);
    cudaFree(dst);
    return 0;
}
