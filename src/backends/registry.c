/* The backend registry: the one place that knows which backends this build has. Every #ifdef
 * HAVE_<BACKEND> of parbench outside a backend's own folder lives here. */
#include "backend.h"

extern const pb_backend pb_backend_cpu;
#ifdef HAVE_BLAS
extern const pb_backend pb_backend_blas;
#endif
#ifdef HAVE_OPENCL
extern const pb_backend pb_backend_opencl;
#endif
#ifdef HAVE_CUDA
extern const pb_backend pb_backend_cuda;
#endif
#ifdef HAVE_METAL
extern const pb_backend pb_backend_metal;
#endif

static const pb_backend_entry pb_registry[] = {
    { "cpu", &pb_backend_cpu, NULL },
#ifdef HAVE_BLAS
    { "blas", &pb_backend_blas, NULL },
#else
    { "blas", NULL,
      "not built: no CBLAS found at build time. Install one (Debian/Ubuntu: apt-get install "
      "libopenblas-dev; macOS has Accelerate) and rebuild with `make clean && make`" },
#endif
#ifdef HAVE_METAL
    { "metal", &pb_backend_metal, NULL },
#else
    { "metal", NULL, "not built: Metal is available only on macOS; on a Mac, install Apple's command-line tools "
                "(xcode-select --install) and rebuild with `make clean && make`" },
#endif
#ifdef HAVE_CUDA
    { "cuda", &pb_backend_cuda, NULL },
#elif defined(PB_CUDA_MISSING_WHY)
    /* nvcc was found but could not compile with its host compiler: mk/cuda.mk passes its error. */
    { "cuda", NULL, PB_CUDA_MISSING_WHY },
#else
    { "cuda", NULL,
      "not built: nvcc not found at build time. Install the CUDA toolkit (12 or 13) and rebuild, "
      "or point to it with `make NVCC=/path/to/nvcc`" },
#endif
#ifdef HAVE_OPENCL
    { "opencl", &pb_backend_opencl, NULL },
#else
    { "opencl", NULL,
      "not built: OpenCL headers or ICD loader not found at build time. Debian/Ubuntu: apt-get install "
      "ocl-icd-opencl-dev opencl-headers, plus a driver (pocl-opencl-icd runs on the CPU); then rebuild" },
#endif
};

const pb_backend_entry *pb_backend_registry(int *count)
{
    *count = (int)(sizeof pb_registry / sizeof pb_registry[0]);
    return pb_registry;
}
