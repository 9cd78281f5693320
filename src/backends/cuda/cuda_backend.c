/* The cuda backend: NVIDIA GPUs through the CUDA runtime (linked statically), running the dialect
 * kernels of cuda_kernels.cu, with cuBLAS sgemm as the vendor reference (fp32, and TF32 apart). */
#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../kernels/pb_ceiling.h"
#include "../../core/timer.h"
#include "../backend.h"
#include "cuda_backend.h"
#include "cuda_kernels.h"

/* The oldest architecture compiled in (mk/cuda.mk passes it); older GPUs get no variants. */
#ifndef PB_CUDA_MIN_SM
#define PB_CUDA_MIN_SM 75
#endif

/* Room left on the device for the CUDA context, cuBLAS's workspace and allocation rounding. */
#define PB_CUDA_HEADROOM_BYTES (64u << 20)

_Static_assert(sizeof ((pb_cuda_args *)0)->buf / sizeof(void *) == PB_MAX_BUFFERS,
               "pb_cuda_args holds one device pointer per problem buffer");

/* cuda_diag.c lists the sticky errors by number; two that every supported toolkit names. */
_Static_assert(cudaErrorIllegalAddress == 700 && cudaErrorLaunchFailure == 719,
               "the sticky error numbers of cuda_diag.c match this toolkit");

#define PB_MIB(bytes) ((double)(bytes) / (1024.0 * 1024.0))

typedef struct pb_cuda_ctx {
    int ndev;
    struct cudaDeviceProp *prop;  /* ndev entries */
    char describe[256];
    /* Empty until a case meets a sticky error (pb_cuda_error_is_sticky); then the failure's
     * message, and every later case fails fast with it: CUDA documents that the process must be
     * restarted, so trying each would only repeat the error. */
    char fault[sizeof ((pb_msg *)0)->text];
} pb_cuda_ctx;

/* What a case runs: the dialect kernels, or cuBLAS in plain fp32 or on TF32 tensor cores. */
typedef enum pb_cuda_impl {
    PB_CUDA_OWN,
    PB_CUDA_CUBLAS,
    PB_CUDA_CUBLAS_TF32
} pb_cuda_impl;

/* A timed batch is captured into a CUDA graph and launched as one: the GPU then runs it back to
 * back instead of at the pace the host queues launches, which at small sizes is slower than the
 * kernels (issue 13). A graph holds at most PB_CUDA_GRAPH_LAUNCHES launches (a longer batch
 * launches it several times and a second graph for the rest: a few graph launches a batch keep
 * the GPU ahead of the host); the last PB_CUDA_GRAPHS graphs are kept, as the runner alternates
 * between a few launch counts (1, and the calibrated one). */
#define PB_CUDA_GRAPH_LAUNCHES 1024
#define PB_CUDA_GRAPHS 4

typedef struct pb_cuda_graph {
    cudaGraphExec_t exec;
    int launches;                      /* 0: empty slot */
    int used;                          /* the case's graph_clock when last used */
} pb_cuda_graph;

typedef struct pb_cuda_case {
    pb_cuda_ctx *ctx;                  /* told of a sticky error */
    int device;
    pb_cuda_impl impl;
    pb_problem *problem;
    pb_cuda_args args;                 /* device buffers, workspace and stream */
    pb_launch_plan plan;               /* the own kernels' launch (kernels/pb_launch.h) */
    void *pinned[PB_MAX_BUFFERS];      /* page-locked staging of the inputs and outputs */
    cudaEvent_t start, stop;           /* around the timed launches */
    cublasHandle_t blas;               /* cuBLAS cases only */
    pb_cuda_graph graphs[PB_CUDA_GRAPHS]; /* timed batches, captured once per launch count */
    int graph_clock;                   /* for the least recently used graph */
    int no_graph;                      /* capture failed once: batches are queued launch by launch */
} pb_cuda_case;

static pb_status pb_cuda_error(pb_msg *msg, pb_status status, cudaError_t err, const char *what)
{
    return pb_msg_set(msg, status, "CUDA: %s failed: %s (%d): %s", what, cudaGetErrorName(err), (int)err,
                      cudaGetErrorString(err));
}

static pb_status pb_cublas_error(pb_msg *msg, cublasStatus_t st, const char *what)
{
    return pb_msg_set(msg, PB_ERR_BACKEND, "cuBLAS: %s failed: %s (%d): %s", what, cublasGetStatusName(st),
                      (int)st, cublasGetStatusString(st));
}

/* The driver as "580.65.06 (CUDA 13.0)": the kernel module's release, which the runtime API does
 * not expose, and the newest CUDA version it supports. */
static void pb_cuda_driver_text(char *out, size_t size)
{
    int version = 0;
    char cuda[24] = "unknown", release[24] = "";
    if (cudaDriverGetVersion(&version) == cudaSuccess && version > 0)
        pb_cuda_version_text(version, cuda, sizeof cuda);
    FILE *f = fopen("/proc/driver/nvidia/version", "r");
    char line[256];
    if (f && fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "Module");
        /* The release is the first word after "Module" that starts with a digit; words before it
         * name the architecture on some platforms ("for aarch64"). */
        while (p && *p) {
            p += strcspn(p, " \t\n");
            p += strspn(p, " \t");
            if (*p >= '0' && *p <= '9') {
                snprintf(release, sizeof release, "%.*s", (int)strcspn(p, " \t\n"), p);
                break;
            }
        }
    }
    if (f)
        fclose(f);
    if (release[0])
        snprintf(out, size, "%s (CUDA %s)", release, cuda);
    else
        snprintf(out, size, "CUDA %s", cuda);
}

/* The CUDA version this build's runtime is (it is linked statically, so the build's). */
static int pb_cuda_runtime_version(void)
{
    int runtime = 0;
    return cudaRuntimeGetVersion(&runtime) == cudaSuccess && runtime > 0 ? runtime : CUDART_VERSION;
}

static pb_status pb_cuda_init(void **out, pb_msg *why)
{
    int count = 0;
    char runtime_text[24];
    pb_cuda_version_text(pb_cuda_runtime_version(), runtime_text, sizeof runtime_text);
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
        if (err == cudaSuccess)
            err = cudaErrorNoDevice;
        /* A driver older than the runtime fails every call with cudaErrorInsufficientDriver, as no
         * driver does; its version tells the two apart (0 when there is none). */
        int driver = 0;
        if (cudaDriverGetVersion(&driver) != cudaSuccess)
            driver = 0;
        pb_cuda_unavailable_text((int)err, cudaGetErrorName(err), driver, pb_cuda_runtime_version(), why->text,
                                 sizeof why->text);
        return PB_ERR_UNAVAILABLE;
    }
    pb_cuda_ctx *ctx = calloc(1, sizeof *ctx);
    struct cudaDeviceProp *prop = calloc((size_t)count, sizeof *prop);
    if (!ctx || !prop) {
        free(ctx);
        free(prop);
        return pb_msg_set(why, PB_ERR_NOMEM, "CUDA: out of host memory listing %d devices", count);
    }
    for (int d = 0; d < count; d++) {
        err = cudaGetDeviceProperties(&prop[d], d);
        if (err != cudaSuccess) {
            free(ctx);
            free(prop);
            return pb_cuda_error(why, PB_ERR_UNAVAILABLE, err, "cudaGetDeviceProperties");
        }
    }
    ctx->ndev = count;
    ctx->prop = prop;

    int blas_major = 0, blas_minor = 0, blas_patch = 0;
    char driver_text[64];
    pb_cuda_driver_text(driver_text, sizeof driver_text);
    char blas_text[32] = "unknown";
    if (cublasGetProperty(MAJOR_VERSION, &blas_major) == CUBLAS_STATUS_SUCCESS &&
        cublasGetProperty(MINOR_VERSION, &blas_minor) == CUBLAS_STATUS_SUCCESS &&
        cublasGetProperty(PATCH_LEVEL, &blas_patch) == CUBLAS_STATUS_SUCCESS)
        snprintf(blas_text, sizeof blas_text, "%d.%d.%d", blas_major, blas_minor, blas_patch);
    snprintf(ctx->describe, sizeof ctx->describe, "CUDA runtime %s (static), driver %s, cuBLAS %s", runtime_text,
             driver_text, blas_text);
    *out = ctx;
    return PB_OK;
}

static void pb_cuda_shutdown(void *vctx)
{
    pb_cuda_ctx *ctx = vctx;
    if (!ctx)
        return;
    free(ctx->prop);
    free(ctx);
}

static int pb_cuda_device_count(void *vctx)
{
    return ((const pb_cuda_ctx *)vctx)->ndev;
}

static int pb_cuda_sm(const struct cudaDeviceProp *prop)
{
    return prop->major * 10 + prop->minor;
}

static pb_status pb_cuda_device_info(void *vctx, int device, pb_device_info *out)
{
    const pb_cuda_ctx *ctx = vctx;
    if (device < 0 || device >= ctx->ndev)
        return pb_msg_set(NULL, PB_ERR_USAGE, "no such device");
    const struct cudaDeviceProp *prop = &ctx->prop[device];
    /* Clock rates left cudaDeviceProp in CUDA 13; the attribute query works in 12 and 13. */
    int clock_khz = 0, mem_clock_khz = 0;
    if (cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, device) != cudaSuccess ||
        cudaDeviceGetAttribute(&mem_clock_khz, cudaDevAttrMemoryClockRate, device) != cudaSuccess)
        return PB_ERR_BACKEND;
    char runtime_text[24];
    pb_cuda_version_text(pb_cuda_runtime_version(), runtime_text, sizeof runtime_text);

    memset(out, 0, sizeof *out);
    /* The SM count in the label, and a MIG slice said as such: a 1/7 slice of an H200 reports the
     * name of the whole GPU. */
    pb_cuda_device_label(prop->name, prop->multiProcessorCount,
                         pb_cuda_visible_is_mig(getenv("CUDA_VISIBLE_DEVICES"), device), out->name, sizeof out->name);
    pb_strlcpy(out->vendor, "NVIDIA", sizeof out->vendor);
    out->type = PB_DEVICE_GPU;
    snprintf(out->api_version, sizeof out->api_version, "CUDA %s", runtime_text);
    pb_cuda_driver_text(out->driver_version, sizeof out->driver_version);
    out->compute_units = prop->multiProcessorCount;
    out->clock_mhz = clock_khz / 1000.0;
    out->memory_bytes = (uint64_t)prop->totalGlobalMem;
    out->max_alloc_bytes = (uint64_t)prop->totalGlobalMem;
    out->unified_memory = prop->integrated;
    out->llc_bytes = prop->l2CacheSize > 0 ? (uint64_t)prop->l2CacheSize : 0;
    int sm = pb_cuda_sm(prop);
    snprintf(out->extra, sizeof out->extra, "sm_%d, L2 %.0f MiB, %d-bit memory bus at %.0f MHz%s", sm,
             PB_MIB(prop->l2CacheSize), prop->memoryBusWidth, mem_clock_khz / 1000.0,
             sm < PB_CUDA_MIN_SM ? ", older than this build supports" : "");
    return PB_OK;
}

static int pb_cuda_variants(void *vctx, pb_workload_id id, const pb_variant_request *req, pb_variant *out, int max)
{
    const pb_cuda_ctx *ctx = vctx;
    const pb_workload *w = pb_workload_get(id);
    pb_launch_kernel kernels[2];
    (void)req;
    if (!w)
        return 0;
    /* The own kernels only where the launch plan has them (a workload with a cpu kernel only). */
    const int own = pb_launch_workload_kernels((int)id, kernels) > 0;
    int n = 0;
    for (int d = 0; d < ctx->ndev; d++) {
        if (pb_cuda_sm(&ctx->prop[d]) < PB_CUDA_MIN_SM)
            continue;
        if (own)
            n = pb_variant_add(out, n, max, d, 0, "own", PB_ROLE_GPU, w->precision, PB_FP32_UNIT_ROUNDOFF);
        if (id != PB_WL_SGEMM)
            continue;
        n = pb_variant_add(out, n, max, d, 0, "cublas", PB_ROLE_LIB_GPU, "fp32", PB_FP32_UNIT_ROUNDOFF);
        /* TF32 rounds the inputs to 10 mantissa bits: a different precision, so it is its own case
         * and compare never matches it with fp32. Its tensor cores arrived with sm_80; older GPUs
         * would quietly compute in fp32 under the tf32 label. */
        if (pb_cuda_sm(&ctx->prop[d]) >= 80)
            n = pb_variant_add(out, n, max, d, 0, "cublas-tf32", PB_ROLE_LIB_GPU, "tf32", PB_TF32_UNIT_ROUNDOFF);
    }
    return n;
}

/* Records a sticky error (the first one) so the backend's remaining cases fail fast; `what` is the
 * failure's message. */
static void pb_cuda_note_error(pb_cuda_ctx *ctx, cudaError_t err, const char *what)
{
    if (!ctx->fault[0] && pb_cuda_error_is_sticky((int)err))
        pb_strlcpy(ctx->fault, what, sizeof ctx->fault);
}

/* After a step on `device` (a case's, or a ceiling probe's) failed with `st`: whether the failure
 * left the context poisoned, asked of the device itself (a sticky error is what every later call
 * returns), whichever call saw it. */
static pb_status pb_cuda_after_failure(pb_cuda_ctx *ctx, int device, pb_status st, const pb_msg *msg)
{
    if (st == PB_OK)
        return st;
    cudaError_t err = cudaSetDevice(device);
    if (err == cudaSuccess)
        err = cudaDeviceSynchronize();
    pb_cuda_note_error(ctx, err, msg ? msg->text : cudaGetErrorName(err));
    return st;
}

/* PB_ERR_BACKEND once a sticky error has poisoned the backend, else PB_OK. */
static pb_status pb_cuda_check_fault(const pb_cuda_ctx *ctx, pb_msg *msg)
{
    if (!ctx->fault[0])
        return PB_OK;
    return pb_msg_set(msg, PB_ERR_BACKEND,
                      "CUDA: an earlier case left the GPU in an error state, so the remaining CUDA cases are not "
                      "run (restart parbench to use the GPU again): %s",
                      ctx->fault);
}

void *pb_cuda_ctx_for_test(void)
{
    return calloc(1, sizeof(pb_cuda_ctx));
}

void pb_cuda_note_error_for_test(void *ctx, int err, const char *what)
{
    pb_cuda_note_error(ctx, (cudaError_t)err, what);
}

static pb_cuda_impl pb_cuda_impl_of(const pb_variant *variant)
{
    if (strcmp(variant->impl, "cublas-tf32") == 0)
        return PB_CUDA_CUBLAS_TF32;
    if (strcmp(variant->impl, "cublas") == 0)
        return PB_CUDA_CUBLAS;
    return PB_CUDA_OWN;
}

static void pb_cuda_case_destroy(void *vkase)
{
    pb_cuda_case *c = vkase;
    if (!c)
        return;
    cudaSetDevice(c->device);
    if (c->args.stream)
        cudaStreamSynchronize(c->args.stream);
    if (c->blas)
        cublasDestroy(c->blas);
    for (int i = 0; i < PB_CUDA_GRAPHS; i++)
        if (c->graphs[i].exec)
            cudaGraphExecDestroy(c->graphs[i].exec);
    if (c->start)
        cudaEventDestroy(c->start);
    if (c->stop)
        cudaEventDestroy(c->stop);
    for (int i = 0; i < PB_MAX_BUFFERS; i++) {
        cudaFree(c->args.buf[i]);
        cudaFreeHost(c->pinned[i]);
    }
    cudaFree(c->args.work);
    if (c->args.stream)
        cudaStreamDestroy(c->args.stream);
    pb_launch_plan_free(&c->plan);
    free(c);
}

/* The device's and the built kernels' limits, as the launch plan reads them. sgemm is compiled
 * once, ahead of time, so its tile shape is fixed. */
static pb_status pb_cuda_limits(const struct cudaDeviceProp *prop, pb_launch_limits *lim, pb_msg *msg)
{
    memset(lim, 0, sizeof *lim);
    lim->max_group = (unsigned)prop->maxThreadsPerBlock;
    for (int d = 0; d < 3; d++) {
        lim->max_items[d] = (unsigned)prop->maxThreadsDim[d];
        lim->max_groups[d] = (unsigned)prop->maxGridSize[d];
    }
    lim->simd_width = (unsigned)prop->warpSize;
    lim->compute_units = (unsigned)prop->multiProcessorCount;
    lim->local_mem = prop->sharedMemPerBlock;
    pb_launch_sgemm_tile shape;
    pb_cuda_sgemm_shape(&shape);
    lim->sgemm_tile = pb_launch_sgemm_tile_index(&shape);
    if (lim->sgemm_tile < 0)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "CUDA: sgemm was compiled with a %dx%d tile the plan does not know",
                          shape.bm, shape.bn);
    cudaError_t err = pb_cuda_kernel_limits(lim->kernel_max);
    return err == cudaSuccess ? PB_OK : pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaFuncGetAttributes");
}

/* The own kernels' launch plan; cuBLAS cases have none. */
static pb_status pb_cuda_plan(pb_cuda_case *c, const struct cudaDeviceProp *prop, pb_msg *msg)
{
    if (c->impl != PB_CUDA_OWN)
        return PB_OK;
    pb_launch_limits lim;
    pb_status st = pb_cuda_limits(prop, &lim, msg);
    return st == PB_OK ? pb_launch_plan_make(c->problem, &lim, &c->plan, msg) : st;
}

/* Refuses, before allocating anything, `need` bytes (besides the headroom) that the current device
 * has no room for. */
static pb_status pb_cuda_check_room(size_t need, pb_msg *msg)
{
    size_t free_bytes = 0, total_bytes = 0;
    need += PB_CUDA_HEADROOM_BYTES;
    cudaError_t err = cudaMemGetInfo(&free_bytes, &total_bytes);
    if (err != cudaSuccess)
        return pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaMemGetInfo");
    if (need > free_bytes)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "needs %.0f MiB, device has %.0f MiB free", PB_MIB(need),
                          PB_MIB(free_bytes));
    return PB_OK;
}

/* Refuses, before allocating anything, a case the device has no room for. */
static pb_status pb_cuda_check_memory(const pb_problem *problem, size_t work, pb_msg *msg)
{
    size_t need = work;
    for (int i = 0; i < problem->nbuf; i++)
        need += problem->buf[i].bytes;
    return pb_cuda_check_room(need, msg);
}

static pb_status pb_cuda_alloc_buffers(pb_cuda_case *c, size_t work, pb_msg *msg)
{
    const pb_problem *problem = c->problem;
    char what[96];
    for (int i = 0; i < problem->nbuf; i++) {
        const pb_buffer *b = &problem->buf[i];
        cudaError_t err = cudaMalloc(&c->args.buf[i], b->bytes);
        if (err != cudaSuccess) {
            snprintf(what, sizeof what, "cudaMalloc of %s (%.1f MiB)", b->name, PB_MIB(b->bytes));
            return pb_cuda_error(msg, PB_ERR_NOMEM, err, what);
        }
        if (b->kind == PB_BUFFER_SCRATCH)
            continue;
        err = cudaMallocHost(&c->pinned[i], b->bytes);
        if (err != cudaSuccess) {
            snprintf(what, sizeof what, "cudaMallocHost of %s (%.1f MiB)", b->name, PB_MIB(b->bytes));
            return pb_cuda_error(msg, PB_ERR_NOMEM, err, what);
        }
        memcpy(c->pinned[i], b->host, b->bytes);
    }
    if (work) {
        cudaError_t err = cudaMalloc(&c->args.work, work);
        if (err != cudaSuccess)
            return pb_cuda_error(msg, PB_ERR_NOMEM, err, "cudaMalloc of the workspace");
    }
    return PB_OK;
}

/* Copies the inputs, and with `outputs` also the outputs, from pinned memory to the device. */
static pb_status pb_cuda_upload(pb_cuda_case *c, int outputs, pb_msg *msg)
{
    const pb_problem *problem = c->problem;
    for (int i = 0; i < problem->nbuf; i++) {
        pb_buffer_kind kind = problem->buf[i].kind;
        if (kind == PB_BUFFER_SCRATCH || (kind == PB_BUFFER_OUT && !outputs))
            continue;
        cudaError_t err = cudaMemcpyAsync(c->args.buf[i], c->pinned[i], problem->buf[i].bytes,
                                          cudaMemcpyHostToDevice, c->args.stream);
        if (err != cudaSuccess)
            return pb_cuda_error(msg, PB_ERR_BACKEND, err, "upload (cudaMemcpyAsync)");
    }
    return PB_OK;
}

static pb_status pb_cuda_blas_create(pb_cuda_case *c, pb_msg *msg)
{
    cublasStatus_t st = cublasCreate(&c->blas);
    if (st != CUBLAS_STATUS_SUCCESS) {
        c->blas = NULL;
        return pb_cublas_error(msg, st, "cublasCreate");
    }
    /* The default math mode keeps sgemm in IEEE fp32; only the TF32 case allows tensor cores. */
    cublasMath_t mode = c->impl == PB_CUDA_CUBLAS_TF32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH;
    st = cublasSetMathMode(c->blas, mode);
    if (st == CUBLAS_STATUS_SUCCESS)
        st = cublasSetStream(c->blas, c->args.stream);
    if (st != CUBLAS_STATUS_SUCCESS)
        return pb_cublas_error(msg, st, "cublasSetMathMode/cublasSetStream");
    return PB_OK;
}

/* The case's stream, and the events around its timed launches. */
static pb_status pb_cuda_case_stream(pb_cuda_case *c, pb_msg *msg)
{
    cudaError_t err = cudaStreamCreateWithFlags(&c->args.stream, cudaStreamNonBlocking);
    if (err != cudaSuccess)
        return pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaStreamCreate");
    err = cudaEventCreate(&c->start);
    if (err == cudaSuccess)
        err = cudaEventCreate(&c->stop);
    return err == cudaSuccess ? PB_OK : pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaEventCreate");
}

static pb_status pb_cuda_case_setup(pb_cuda_case *c, const struct cudaDeviceProp *prop, pb_msg *msg)
{
    cudaError_t err = cudaSetDevice(c->device);
    if (err != cudaSuccess)
        return pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaSetDevice");
    pb_status st = pb_cuda_plan(c, prop, msg);
    const size_t work = c->plan.work_bytes;
    if (st == PB_OK)
        st = pb_cuda_check_memory(c->problem, work, msg);
    if (st != PB_OK)
        return st;
    st = pb_cuda_case_stream(c, msg);
    if (st == PB_OK)
        st = pb_cuda_alloc_buffers(c, work, msg);
    if (st == PB_OK && c->impl != PB_CUDA_OWN)
        st = pb_cuda_blas_create(c, msg);
    /* The outputs go up too: they hold the problem's poison pattern, so a kernel that writes
     * nothing fails verification instead of passing on whatever the device memory held. */
    if (st == PB_OK)
        st = pb_cuda_upload(c, 1, msg);
    if (st != PB_OK)
        return st;
    err = cudaStreamSynchronize(c->args.stream);
    if (err != cudaSuccess)
        return pb_cuda_error(msg, PB_ERR_BACKEND, err, "upload");
    return PB_OK;
}

static pb_status pb_cuda_case_create(void *vctx, const pb_variant *variant, pb_problem *problem, void **kase,
                                     pb_msg *msg)
{
    pb_cuda_ctx *ctx = vctx;
    if (pb_cuda_check_fault(ctx, msg) != PB_OK)
        return PB_ERR_BACKEND;
    if (variant->device < 0 || variant->device >= ctx->ndev)
        return pb_msg_set(msg, PB_ERR_USAGE, "CUDA: no device %d (this machine has %d)", variant->device,
                          ctx->ndev);
    if (problem->nbuf > PB_MAX_BUFFERS)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "CUDA: %d buffers, at most %d", problem->nbuf, PB_MAX_BUFFERS);
    pb_cuda_case *c = calloc(1, sizeof *c);
    if (!c)
        return pb_msg_set(msg, PB_ERR_NOMEM, "CUDA: out of host memory");
    c->ctx = ctx;
    c->device = variant->device;
    c->impl = pb_cuda_impl_of(variant);
    c->problem = problem;
    if (c->impl != PB_CUDA_OWN && problem->id != PB_WL_SGEMM) {
        free(c);
        return pb_msg_set(msg, PB_ERR_USAGE, "CUDA: the cuBLAS variants exist for sgemm only");
    }
    pb_status st = pb_cuda_case_setup(c, &ctx->prop[variant->device], msg);
    if (st != PB_OK) {
        pb_cuda_after_failure(c->ctx, c->device, st, msg);
        pb_cuda_case_destroy(c);
        return st;
    }
    *kase = c;
    return PB_OK;
}

/* Every step of the plan, in order on the case's stream. */
static cudaError_t pb_cuda_launch_own(const pb_cuda_case *c)
{
    cudaError_t err = cudaSuccess;
    for (int i = 0; i < c->plan.nsteps && err == cudaSuccess; i++)
        err = pb_cuda_enqueue(&c->plan.steps[i], &c->args);
    return err;
}

/* C = A B in row-major order. cuBLAS is column-major, where a row-major matrix reads as its
 * transpose, so it computes C^T = B^T A^T: B goes first. */
static cublasStatus_t pb_cuda_launch_cublas(const pb_cuda_case *c)
{
    const int n = c->problem->params.sgemm.n;
    const float one = 1.0f, zero = 0.0f;
    return cublasSgemm(c->blas, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, c->args.buf[1], n, c->args.buf[0], n, &zero,
                       c->args.buf[2], n);
}

/* Queues one launch of the case; errors detected at launch are reported here, later ones at the
 * next synchronisation. */
static pb_status pb_cuda_launch(const pb_cuda_case *c, pb_msg *msg)
{
    /* An earlier error left unread (not a sticky one, which no call clears) must not be taken for
     * this launch's: cuBLAS and the launch check below read the last error. */
    cudaGetLastError();
    if (c->impl != PB_CUDA_OWN) {
        cublasStatus_t st = pb_cuda_launch_cublas(c);
        return st == CUBLAS_STATUS_SUCCESS ? PB_OK : pb_cublas_error(msg, st, "cublasSgemm");
    }
    cudaError_t err = pb_cuda_launch_own(c);
    return err == cudaSuccess ? PB_OK : pb_cuda_error(msg, PB_ERR_BACKEND, err, "kernel launch");
}

/* Captures `launches` launches on the case's stream into an executable graph. On failure the
 * capture is ended either way (the stream must not stay in capture mode). */
static pb_status pb_cuda_graph_capture(pb_cuda_case *c, int launches, cudaGraphExec_t *exec, pb_msg *msg)
{
    cudaError_t err = cudaStreamBeginCapture(c->args.stream, cudaStreamCaptureModeThreadLocal);
    if (err != cudaSuccess)
        return pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaStreamBeginCapture");
    pb_status st = PB_OK;
    for (int i = 0; i < launches && st == PB_OK; i++)
        st = pb_cuda_launch(c, msg);
    cudaGraph_t graph = NULL;
    err = cudaStreamEndCapture(c->args.stream, &graph);
    if (st == PB_OK && err != cudaSuccess)
        st = pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaStreamEndCapture");
    if (st == PB_OK) {
        err = cudaGraphInstantiateWithFlags(exec, graph, 0);
        if (err != cudaSuccess)
            st = pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaGraphInstantiate");
    }
    if (graph)
        cudaGraphDestroy(graph);
    return st;
}

/* The graph of `launches` launches: a kept one, else captured now into the least recently used
 * slot. */
static pb_status pb_cuda_graph_get(pb_cuda_case *c, int launches, cudaGraphExec_t *exec, pb_msg *msg)
{
    pb_cuda_graph *slot = &c->graphs[0];
    for (int i = 0; i < PB_CUDA_GRAPHS; i++) {
        pb_cuda_graph *g = &c->graphs[i];
        if (g->launches == launches) {
            slot = g;
            break;
        }
        if (g->used < slot->used)
            slot = g;
    }
    slot->used = ++c->graph_clock;
    if (slot->launches != launches) {
        if (slot->exec)
            cudaGraphExecDestroy(slot->exec);
        slot->exec = NULL;
        slot->launches = 0;
        pb_status st = pb_cuda_graph_capture(c, launches, &slot->exec, msg);
        if (st != PB_OK)
            return st;
        slot->launches = launches;
    }
    *exec = slot->exec;
    return PB_OK;
}

/* Queues `launches` launches as graphs of at most PB_CUDA_GRAPH_LAUNCHES. A capture that fails (a
 * toolkit or library that cannot be captured) does not fail the case: the rest of this batch and
 * every later one are then queued launch by launch, as before graphs, and a real fault shows up
 * in those launches. */
static pb_status pb_cuda_queue_batch(pb_cuda_case *c, int launches, pb_msg *msg)
{
    int done = 0;
    while (done < launches && !c->no_graph) {
        const int n = launches - done < PB_CUDA_GRAPH_LAUNCHES ? launches - done : PB_CUDA_GRAPH_LAUNCHES;
        cudaGraphExec_t exec;
        pb_msg why = { "" };
        if (pb_cuda_graph_get(c, n, &exec, &why) != PB_OK) {
            cudaGetLastError();
            c->no_graph = 1;
            break;
        }
        cudaError_t err = cudaGraphLaunch(exec, c->args.stream);
        if (err != cudaSuccess)
            return pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaGraphLaunch");
        done += n;
    }
    for (; done < launches; done++) {
        pb_status st = pb_cuda_launch(c, msg);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

static pb_status pb_cuda_run_timed(pb_cuda_case *c, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    cudaError_t err = cudaSetDevice(c->device);
    if (err == cudaSuccess)
        err = cudaEventRecord(c->start, c->args.stream);
    if (err != cudaSuccess)
        return pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaEventRecord");
    pb_status st = pb_cuda_queue_batch(c, launches, msg);
    if (st != PB_OK) {
        cudaStreamSynchronize(c->args.stream);
        return st;
    }
    err = cudaEventRecord(c->stop, c->args.stream);
    if (err == cudaSuccess)
        err = cudaEventSynchronize(c->stop);
    if (err != cudaSuccess)
        return pb_cuda_error(msg, PB_ERR_BACKEND, err, "kernel execution");
    float ms = 0.0f;
    err = cudaEventElapsedTime(&ms, c->start, c->stop);
    if (err != cudaSuccess)
        return pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaEventElapsedTime");
    *seconds = ms * 1e-3;
    *device_timer = 1;
    return PB_OK;
}

static pb_status pb_cuda_download(const pb_cuda_case *c, int to_problem, pb_msg *msg)
{
    const pb_problem *problem = c->problem;
    for (int i = 0; i < problem->nbuf; i++) {
        const pb_buffer *b = &problem->buf[i];
        if (b->kind != PB_BUFFER_OUT)
            continue;
        void *dst = to_problem ? b->host : c->pinned[i];
        cudaError_t err = cudaMemcpyAsync(dst, c->args.buf[i], b->bytes, cudaMemcpyDeviceToHost, c->args.stream);
        if (err != cudaSuccess)
            return pb_cuda_error(msg, PB_ERR_BACKEND, err, "download (cudaMemcpyAsync)");
    }
    cudaError_t err = cudaStreamSynchronize(c->args.stream);
    return err == cudaSuccess ? PB_OK : pb_cuda_error(msg, PB_ERR_BACKEND, err, "download");
}

/* Host clock around what an application pays for one result: inputs up over PCIe (from pinned
 * memory), one launch, outputs back. */
static pb_status pb_cuda_run_e2e(pb_cuda_case *c, double *seconds, pb_msg *msg)
{
    cudaError_t err = cudaSetDevice(c->device);
    if (err == cudaSuccess)
        err = cudaStreamSynchronize(c->args.stream);
    if (err != cudaSuccess)
        return pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaStreamSynchronize");
    double t0 = pb_time_now();
    pb_status st = pb_cuda_upload(c, 0, msg);
    if (st == PB_OK)
        st = pb_cuda_launch(c, msg);
    if (st == PB_OK)
        st = pb_cuda_download(c, 0, msg);
    else
        cudaStreamSynchronize(c->args.stream);
    if (st != PB_OK)
        return st;
    *seconds = pb_time_now() - t0;
    return PB_OK;
}

static pb_status pb_cuda_read(pb_cuda_case *c, pb_msg *msg)
{
    cudaError_t err = cudaSetDevice(c->device);
    if (err != cudaSuccess)
        return pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaSetDevice");
    return pb_cuda_download(c, 1, msg);
}

/* The case's entry points: none runs once a sticky error has poisoned the backend, and each
 * failure is checked for one. */
static pb_status pb_cuda_case_run(void *vkase, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    pb_cuda_case *c = vkase;
    pb_status st = pb_cuda_check_fault(c->ctx, msg);
    if (st != PB_OK)
        return st;
    return pb_cuda_after_failure(c->ctx, c->device, pb_cuda_run_timed(c, launches, seconds, device_timer, msg), msg);
}

static pb_status pb_cuda_case_e2e(void *vkase, double *seconds, pb_msg *msg)
{
    pb_cuda_case *c = vkase;
    pb_status st = pb_cuda_check_fault(c->ctx, msg);
    return st != PB_OK ? st : pb_cuda_after_failure(c->ctx, c->device, pb_cuda_run_e2e(c, seconds, msg), msg);
}

static pb_status pb_cuda_case_read(void *vkase, pb_msg *msg)
{
    pb_cuda_case *c = vkase;
    pb_status st = pb_cuda_check_fault(c->ctx, msg);
    return st != PB_OK ? st : pb_cuda_after_failure(c->ctx, c->device, pb_cuda_read(c, msg), msg);
}

/* ---- the ceilings (kernels/pb_ceiling.h) --------------------------------------------------------- */

_Static_assert(PB_LAUNCH_PROBE_BUFFERS <= PB_MAX_BUFFERS, "a case binds every probe buffer");

/* One device's probes: their buffers, and the bound probe, run as a case of no problem whose device
 * buffers are the probe's (taken back before the case is destroyed). */
typedef struct pb_cuda_probe {
    pb_cuda_ctx *ctx;
    int device;
    void *buf[PB_LAUNCH_PROBE_BUFFERS];
    size_t bytes[PB_LAUNCH_PROBE_BUFFERS];
    pb_cuda_case *kase;
} pb_cuda_probe;

static void pb_cuda_probe_unbind(pb_cuda_probe *p)
{
    if (!p->kase)
        return;
    memset(p->kase->args.buf, 0, sizeof p->kase->args.buf);
    pb_cuda_case_destroy(p->kase);
    p->kase = NULL;
}

static pb_status pb_cuda_probe_alloc(void *self, const size_t bytes[PB_LAUNCH_PROBE_BUFFERS], pb_msg *msg)
{
    pb_cuda_probe *p = self;
    size_t need = 0;
    for (int i = 0; i < PB_LAUNCH_PROBE_BUFFERS; i++)
        need += bytes[i];
    pb_status st = pb_cuda_check_room(need, msg);
    for (int i = 0; i < PB_LAUNCH_PROBE_BUFFERS && st == PB_OK; i++) {
        cudaError_t err = cudaMalloc(&p->buf[i], bytes[i]);
        if (err != cudaSuccess)
            st = pb_cuda_error(msg, PB_ERR_NOMEM, err, "cudaMalloc of a probe buffer");
        p->bytes[i] = bytes[i];
    }
    return st;
}

/* The fill and the upload run on the default stream, which the probe's non-blocking stream does
 * not wait for (and a copy from pageable memory may return before it lands): each is waited for. */
static pb_status pb_cuda_probe_poison(void *self, int buf, pb_msg *msg)
{
    pb_cuda_probe *p = self;
    cudaError_t err = cudaMemset(p->buf[buf], 0xFF, p->bytes[buf]);
    if (err == cudaSuccess)
        err = cudaDeviceSynchronize();
    return err == cudaSuccess ? PB_OK : pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaMemset");
}

static pb_status pb_cuda_probe_upload(void *self, int buf, const float *host, size_t count, pb_msg *msg)
{
    cudaError_t err = cudaMemcpy(((pb_cuda_probe *)self)->buf[buf], host, count * sizeof(float),
                                 cudaMemcpyHostToDevice);
    if (err == cudaSuccess)
        err = cudaDeviceSynchronize();
    return err == cudaSuccess ? PB_OK : pb_cuda_error(msg, PB_ERR_BACKEND, err, "upload (cudaMemcpy)");
}

static pb_status pb_cuda_probe_bind(void *self, pb_launch_plan *plan, pb_msg *msg)
{
    pb_cuda_probe *p = self;
    pb_cuda_probe_unbind(p);
    pb_cuda_case *c = calloc(1, sizeof *c);
    if (!c)
        return pb_msg_set(msg, PB_ERR_NOMEM, "CUDA: out of host memory");
    c->ctx = p->ctx;
    c->device = p->device;
    c->impl = PB_CUDA_OWN;
    c->plan = *plan;
    memset(plan, 0, sizeof *plan);
    memcpy(c->args.buf, p->buf, sizeof p->buf);
    p->kase = c;
    return pb_cuda_case_stream(c, msg);
}

static pb_status pb_cuda_probe_run(void *self, int launches, double *seconds, pb_msg *msg)
{
    int device_timer = 0;
    return pb_cuda_run_timed(((pb_cuda_probe *)self)->kase, launches, seconds, &device_timer, msg);
}

static pb_status pb_cuda_probe_read(void *self, int buf, size_t first, size_t count, float *out, pb_msg *msg)
{
    const float *from = (const float *)((pb_cuda_probe *)self)->buf[buf] + first;
    cudaError_t err = cudaMemcpy(out, from, count * sizeof(float), cudaMemcpyDeviceToHost);
    return err == cudaSuccess ? PB_OK : pb_cuda_error(msg, PB_ERR_BACKEND, err, "download (cudaMemcpy)");
}

static pb_status pb_cuda_probe_measure(pb_cuda_probe *p, pb_preset preset, pb_ceilings *out, pb_msg *msg)
{
    pb_device_info info;
    pb_launch_limits limits;
    cudaError_t err = cudaSetDevice(p->device);
    if (err != cudaSuccess)
        return pb_cuda_error(msg, PB_ERR_BACKEND, err, "cudaSetDevice");
    pb_status st = pb_cuda_device_info(p->ctx, p->device, &info);
    if (st != PB_OK)
        return pb_msg_set(msg, st, "CUDA: the facts of device %d could not be read", p->device);
    st = pb_cuda_limits(&p->ctx->prop[p->device], &limits, msg);
    const pb_ceiling_device ops = {p, pb_cuda_probe_alloc, pb_cuda_probe_poison, pb_cuda_probe_upload,
                                   pb_cuda_probe_bind, pb_cuda_probe_run, pb_cuda_probe_read};
    return st == PB_OK ? pb_ceiling_measure(&ops, &limits, &info, preset, out, msg) : st;
}

static pb_status pb_cuda_ceilings(void *vctx, int device, pb_preset preset, pb_ceilings *out, pb_msg *msg)
{
    pb_cuda_ctx *ctx = vctx;
    if (pb_cuda_check_fault(ctx, msg) != PB_OK)
        return PB_ERR_BACKEND;
    if (device < 0 || device >= ctx->ndev)
        return pb_msg_set(msg, PB_ERR_USAGE, "CUDA: no device %d (this machine has %d)", device, ctx->ndev);
    if (pb_cuda_sm(&ctx->prop[device]) < PB_CUDA_MIN_SM)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "CUDA: device %d is older than this build supports", device);
    pb_cuda_probe probe;
    memset(&probe, 0, sizeof probe);
    probe.ctx = ctx;
    probe.device = device;
    pb_status st = pb_cuda_probe_measure(&probe, preset, out, msg);
    pb_cuda_probe_unbind(&probe);
    cudaSetDevice(device);
    for (int i = 0; i < PB_LAUNCH_PROBE_BUFFERS; i++)
        cudaFree(probe.buf[i]);
    return pb_cuda_after_failure(ctx, device, st, msg);
}

static const char *pb_cuda_describe(void *vctx)
{
    return ((const pb_cuda_ctx *)vctx)->describe;
}

const pb_backend pb_backend_cuda = {
    .name = "cuda",
    .summary = "NVIDIA GPUs through CUDA: own kernels, and cuBLAS sgemm (fp32, and TF32 tensor cores apart)",
    .init = pb_cuda_init,
    .shutdown = pb_cuda_shutdown,
    .device_count = pb_cuda_device_count,
    .device_info = pb_cuda_device_info,
    .variants = pb_cuda_variants,
    .case_create = pb_cuda_case_create,
    .case_run = pb_cuda_case_run,
    .case_e2e = pb_cuda_case_e2e,
    .case_read = pb_cuda_case_read,
    .case_destroy = pb_cuda_case_destroy,
    .describe = pb_cuda_describe,
    .ceilings = pb_cuda_ceilings,
};
