/* The opencl backend: finds every device of every platform, describes it, and compiles the embedded
 * kernel sources once per device (cached). The cases themselves live in opencl_case.c. */
#include "opencl_backend.h"
#include "opencl_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../kernels/pb_kernel_sources.h"

/* Reads a string property of a device or platform into `out`, trimmed of the padding some
 * drivers add. Returns the CL error. */
static cl_int pb_cl_info_string(cl_device_id device, cl_platform_id platform, cl_uint param, char *out, size_t out_size)
{
    size_t size = 0;
    cl_int err =
        device ? clGetDeviceInfo(device, param, 0, NULL, &size) : clGetPlatformInfo(platform, param, 0, NULL, &size);
    char *text = err == CL_SUCCESS ? malloc(size + 1) : NULL;
    if (err == CL_SUCCESS && !text)
        err = CL_OUT_OF_HOST_MEMORY;
    if (err == CL_SUCCESS) {
        err = device ? clGetDeviceInfo(device, param, size, text, NULL)
                     : clGetPlatformInfo(platform, param, size, text, NULL);
        text[err == CL_SUCCESS ? size : 0] = '\0';
    }
    const char *start = text ? text : "";
    while (*start == ' ')
        start++;
    pb_strlcpy(out, start, out_size);
    for (size_t n = strlen(out); n > 0 && out[n - 1] == ' '; n--)
        out[n - 1] = '\0';
    free(text);
    return err;
}

/* Cuts text after its first `words` words: CL_DEVICE_VERSION is "OpenCL 3.0 <vendor details>",
 * and the details can run to a line of build flags. */
static void pb_cl_keep_words(char *text, int words)
{
    char *space = text;
    for (int i = 0; i < words && space; i++)
        space = strchr(space + (i > 0), ' ');
    if (space)
        *space = '\0';
}

static pb_device_type pb_cl_device_type(cl_device_type type)
{
    if (type & CL_DEVICE_TYPE_GPU)
        return PB_DEVICE_GPU;
    if (type & CL_DEVICE_TYPE_CPU)
        return PB_DEVICE_CPU;
    if (type & CL_DEVICE_TYPE_ACCELERATOR)
        return PB_DEVICE_ACCELERATOR;
    return PB_DEVICE_OTHER;
}

/* The device's cache for global memory as the driver reports it, or 0 (none, or not said): the
 * closest OpenCL comes to a last-level cache. Drivers differ in which level they name; where it is
 * a nearer, smaller one, a case that fits the last level is not marked as fitting. */
static uint64_t pb_cl_global_cache(cl_device_id id)
{
    cl_device_mem_cache_type type = CL_NONE;
    cl_ulong bytes = 0;
    if (clGetDeviceInfo(id, CL_DEVICE_GLOBAL_MEM_CACHE_TYPE, sizeof type, &type, NULL) != CL_SUCCESS ||
        type == CL_NONE ||
        clGetDeviceInfo(id, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, sizeof bytes, &bytes, NULL) != CL_SUCCESS)
        return 0;
    return bytes;
}

/* Fills the device's description and the limits the cases size their launches from. */
static pb_status pb_cl_device_query(pb_cl_device *dev, const char *platform_name, pb_msg *msg)
{
    pb_device_info *info = &dev->info;
    cl_device_type type = 0;
    cl_uint units = 0, clock = 0;
    cl_ulong global_mem = 0, max_alloc = 0;
    cl_bool unified = CL_FALSE;
    char c_version[64];
    cl_int err = pb_cl_info_string(dev->id, NULL, CL_DEVICE_NAME, info->name, sizeof info->name);
    if (err == CL_SUCCESS)
        err = pb_cl_info_string(dev->id, NULL, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
    if (err == CL_SUCCESS)
        err = pb_cl_info_string(dev->id, NULL, CL_DEVICE_VERSION, info->api_version, sizeof info->api_version);
    if (err == CL_SUCCESS)
        err = pb_cl_info_string(dev->id, NULL, CL_DRIVER_VERSION, info->driver_version, sizeof info->driver_version);
    if (err == CL_SUCCESS)
        err = pb_cl_info_string(dev->id, NULL, CL_DEVICE_OPENCL_C_VERSION, c_version, sizeof c_version);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(dev->id, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(dev->id, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(dev->id, CL_DEVICE_MAX_CLOCK_FREQUENCY, sizeof clock, &clock, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(dev->id, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof global_mem, &global_mem, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(dev->id, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(dev->id, CL_DEVICE_LOCAL_MEM_SIZE, sizeof dev->local_mem, &dev->local_mem, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(dev->id, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof dev->max_work_group, &dev->max_work_group,
                              NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(dev->id, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof dev->max_item_sizes, dev->max_item_sizes,
                              NULL);
    if (err != CL_SUCCESS)
        return pb_cl_fail(msg, "clGetDeviceInfo", err);
    pb_cl_keep_words(info->api_version, 3);
    /* Deprecated since OpenCL 2.0, so a newer driver may refuse it: then the answer is "no". */
    if (clGetDeviceInfo(dev->id, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof unified, &unified, NULL) != CL_SUCCESS)
        unified = CL_FALSE;
    info->type = pb_cl_device_type(type);
    info->compute_units = (int)units;
    info->clock_mhz = clock;
    info->memory_bytes = global_mem;
    info->max_alloc_bytes = max_alloc;
    info->unified_memory = unified == CL_TRUE;
    info->llc_bytes = pb_cl_global_cache(dev->id);
    snprintf(info->extra, sizeof info->extra, "platform %s; %s; local memory %llu KiB; work-group <= %zu",
             platform_name, c_version, (unsigned long long)(dev->local_mem / 1024), dev->max_work_group);
    return PB_OK;
}

/* Appends one platform's devices to ctx->devices. A platform or device that cannot be queried (a
 * broken driver) is left out, its reason kept in *skipped, so one bad ICD does not hide the rest;
 * only running out of memory is an error. */
static pb_status pb_cl_add_platform(pb_cl_ctx *ctx, cl_platform_id platform, pb_msg *skipped, pb_msg *msg)
{
    char name[96] = "", version[96] = "";
    pb_cl_info_string(NULL, platform, CL_PLATFORM_NAME, name, sizeof name);
    pb_cl_info_string(NULL, platform, CL_PLATFORM_VERSION, version, sizeof version);
    pb_cl_keep_words(version, 4);
    size_t used = strlen(ctx->platforms);
    snprintf(ctx->platforms + used, sizeof ctx->platforms - used, "%s%s (%s)", used ? "; " : "", name, version);

    cl_uint count = 0;
    cl_int err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, NULL, &count);
    if (err == CL_DEVICE_NOT_FOUND || (err == CL_SUCCESS && count == 0))
        return PB_OK;
    if (err != CL_SUCCESS) {
        pb_cl_fail(skipped, "clGetDeviceIDs", err);
        return PB_OK;
    }
    cl_device_id *ids = malloc(count * sizeof *ids);
    pb_cl_device *grown = realloc(ctx->devices, (size_t)(ctx->ndevices + (int)count) * sizeof *grown);
    if (grown)
        ctx->devices = grown;
    if (!ids || !grown) {
        free(ids);
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory listing OpenCL devices");
    }
    err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, count, ids, NULL);
    if (err != CL_SUCCESS) {
        pb_cl_fail(skipped, "clGetDeviceIDs", err);
        count = 0;
    }
    for (cl_uint i = 0; i < count; i++) {
        pb_cl_device *dev = &ctx->devices[ctx->ndevices];
        memset(dev, 0, sizeof *dev);
        dev->platform = platform;
        dev->id = ids[i];
        if (pb_cl_device_query(dev, name, skipped) == PB_OK)
            ctx->ndevices++;
    }
    free(ids);
    return PB_OK;
}

static void pb_cl_shutdown(void *opaque)
{
    pb_cl_ctx *ctx = opaque;
    if (!ctx)
        return;
    for (int d = 0; d < ctx->ndevices; d++) {
        pb_cl_device *dev = &ctx->devices[d];
        for (int i = 0; i < PB_LAUNCH_SGEMM_TILES; i++) {
            if (dev->programs[i])
                clReleaseProgram(dev->programs[i]);
        }
        if (dev->queue)
            clReleaseCommandQueue(dev->queue);
        if (dev->context)
            clReleaseContext(dev->context);
    }
    free(ctx->devices);
    free(ctx);
}

static pb_status pb_cl_init(void **out, pb_msg *why)
{
    cl_uint nplatforms = 0;
    cl_int err = clGetPlatformIDs(0, NULL, &nplatforms);
    if (err == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ || (err == CL_SUCCESS && nplatforms == 0))
        return pb_msg_set(why, PB_ERR_UNAVAILABLE,
                          "no OpenCL platform found: install a driver (Debian: pocl-opencl-icd for the CPU)");
    if (err != CL_SUCCESS) {
        pb_cl_fail(why, "clGetPlatformIDs", err);
        return PB_ERR_UNAVAILABLE;
    }
    pb_cl_ctx *ctx = calloc(1, sizeof *ctx);
    cl_platform_id *platforms = malloc(nplatforms * sizeof *platforms);
    if (!ctx || !platforms) {
        free(ctx);
        free(platforms);
        return pb_msg_set(why, PB_ERR_NOMEM, "out of memory listing OpenCL platforms");
    }
    ctx->sgemm_config = -1;
    err = clGetPlatformIDs(nplatforms, platforms, NULL);
    pb_status st = err == CL_SUCCESS ? PB_OK : pb_cl_fail(why, "clGetPlatformIDs", err);
    pb_msg skipped = {""};
    for (cl_uint p = 0; p < nplatforms && st == PB_OK; p++)
        st = pb_cl_add_platform(ctx, platforms[p], &skipped, why);
    free(platforms);
    if (st == PB_OK && ctx->ndevices == 0)
        st = pb_msg_set(why, PB_ERR_UNAVAILABLE,
                        "OpenCL platforms found (%s) but no usable devices%s%s: install a driver for your GPU, or "
                        "pocl-opencl-icd for the CPU",
                        ctx->platforms, skipped.text[0] ? "; " : "", skipped.text);
    if (st != PB_OK) {
        pb_cl_shutdown(ctx);
        return st == PB_ERR_BACKEND ? PB_ERR_UNAVAILABLE : st;
    }
    *out = ctx;
    return PB_OK;
}

static int pb_cl_device_count(void *opaque)
{
    return ((const pb_cl_ctx *)opaque)->ndevices;
}

static pb_status pb_cl_device_info(void *opaque, int device, pb_device_info *out)
{
    const pb_cl_ctx *ctx = opaque;
    if (device < 0 || device >= ctx->ndevices)
        return PB_ERR_USAGE;
    *out = ctx->devices[device].info;
    return PB_OK;
}

/* One variant per device, for a workload the launch plan has kernels for. Only GPUs are "gpu": a
 * CPU device (PoCL, Intel's CPU runtime) or an accelerator runs the same kernels but must never be
 * compared as a GPU. */
static int pb_cl_variants(void *opaque, pb_workload_id id, const pb_variant_request *req, pb_variant *out, int max)
{
    const pb_cl_ctx *ctx = opaque;
    const pb_workload *wl = pb_workload_get(id);
    pb_launch_kernel kernels[2];
    (void)req;
    if (!wl || pb_launch_workload_kernels((int)id, kernels) == 0)
        return 0;
    int n = 0;
    for (int d = 0; d < ctx->ndevices; d++)
        n = pb_variant_add(out, n, max, d, 0, "own",
                           ctx->devices[d].info.type == PB_DEVICE_GPU ? PB_ROLE_GPU : PB_ROLE_DEVICE_CPU,
                           wl->precision, PB_FP32_UNIT_ROUNDOFF);
    return n;
}

static const char *pb_cl_describe(void *opaque)
{
    return ((const pb_cl_ctx *)opaque)->platforms;
}

pb_status pb_cl_device_open(pb_cl_device *dev, pb_msg *msg)
{
    if (dev->queue)
        return PB_OK;
    cl_int err;
    if (!dev->context) {
        dev->context = clCreateContext(NULL, 1, &dev->id, NULL, NULL, &err);
        if (err != CL_SUCCESS) {
            dev->context = NULL;
            return pb_cl_fail(msg, "clCreateContext", err);
        }
    }
    dev->queue = clCreateCommandQueue(dev->context, dev->id, CL_QUEUE_PROFILING_ENABLE, &err);
    if (err != CL_SUCCESS) {
        dev->queue = NULL;
        return pb_cl_fail(msg, "clCreateCommandQueue", err);
    }
    return PB_OK;
}

/* The start of the build log, which holds the first (most useful) errors. */
static void pb_cl_build_log(pb_cl_device *dev, cl_program program, char *out, size_t out_size)
{
    size_t size = 0;
    out[0] = '\0';
    if (clGetProgramBuildInfo(program, dev->id, CL_PROGRAM_BUILD_LOG, 0, NULL, &size) != CL_SUCCESS)
        return;
    char *log = malloc(size + 1);
    if (!log)
        return;
    if (clGetProgramBuildInfo(program, dev->id, CL_PROGRAM_BUILD_LOG, size, log, NULL) == CL_SUCCESS) {
        log[size] = '\0';
        pb_strlcpy(out, log, out_size);
    }
    free(log);
}

pb_status pb_cl_program_build(pb_cl_device *dev, const char *source, const char *options, cl_program *out, pb_msg *msg)
{
    pb_status st = pb_cl_device_open(dev, msg);
    if (st != PB_OK)
        return st;
    cl_int err;
    cl_program program = clCreateProgramWithSource(dev->context, 1, &source, NULL, &err);
    if (err != CL_SUCCESS)
        return pb_cl_fail(msg, "clCreateProgramWithSource", err);
    err = clBuildProgram(program, 1, &dev->id, options, NULL, NULL);
    if (err != CL_SUCCESS) {
        char log[sizeof msg->text];
        pb_cl_build_log(dev, program, log, sizeof log);
        clReleaseProgram(program);
        return pb_msg_set(msg, PB_ERR_BACKEND, "kernel compilation failed (clBuildProgram: %s); build log: %s",
                          pb_cl_error_name(err), log[0] ? log : "(empty)");
    }
    *out = program;
    return PB_OK;
}

pb_status pb_cl_program_get(pb_cl_device *dev, int config, cl_program *out, pb_msg *msg)
{
    if (!dev->programs[config]) {
        const pb_launch_sgemm_tile *cfg = &pb_launch_sgemm_tiles[config];
        char options[192];
        snprintf(options, sizeof options,
                 "-DPB_TARGET_OPENCL=1 -DPB_SGEMM_BM=%d -DPB_SGEMM_BN=%d -DPB_SGEMM_BK=%d -DPB_SGEMM_TM=%d "
                 "-DPB_SGEMM_TN=%d",
                 cfg->bm, cfg->bn, cfg->bk, cfg->tm, cfg->tn);
        pb_status st = pb_cl_program_build(dev, pb_kernel_source, options, &dev->programs[config], msg);
        if (st != PB_OK)
            return st;
    }
    *out = dev->programs[config];
    return PB_OK;
}

pb_status pb_opencl_build_program_for_test(void *opaque, const char *source, pb_msg *msg)
{
    pb_cl_ctx *ctx = opaque;
    cl_program program;
    pb_status st = pb_cl_program_build(&ctx->devices[0], source, "-DPB_TARGET_OPENCL=1", &program, msg);
    if (st == PB_OK)
        clReleaseProgram(program);
    return st;
}

int pb_opencl_sgemm_config_for_test(void *opaque, int config)
{
    pb_cl_ctx *ctx = opaque;
    ctx->sgemm_config = config >= 0 && config < PB_LAUNCH_SGEMM_TILES ? config : -1;
    return PB_LAUNCH_SGEMM_TILES;
}

const pb_backend pb_backend_opencl = {
    .name = "opencl",
    .summary = "the portable GPU kernels through OpenCL, on every OpenCL device (GPUs, and CPUs via PoCL)",
    .init = pb_cl_init,
    .shutdown = pb_cl_shutdown,
    .device_count = pb_cl_device_count,
    .device_info = pb_cl_device_info,
    .variants = pb_cl_variants,
    .case_create = pb_cl_case_create,
    .case_run = pb_cl_case_run,
    .case_batch_info = pb_cl_case_batch_info,
    .case_e2e = pb_cl_case_e2e,
    .case_read = pb_cl_case_read,
    .case_destroy = pb_cl_case_destroy,
    .describe = pb_cl_describe,
    .ceilings = pb_cl_ceilings,
};
