/* The metal backend: Apple GPUs through Metal, running the dialect kernels compiled at run time from
 * the embedded source, with MPS sgemm as the vendor reference. Objective-C under ARC inside, the
 * plain C backend table outside; launch plans come from kernels/pb_launch.c. */
#import <Foundation/Foundation.h>
#import <Metal/Metal.h>
#import <MetalPerformanceShaders/MetalPerformanceShaders.h>

#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>
#include <sys/sysctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../kernels/pb_ceiling.h"
#include "../../../kernels/pb_kernel_sources.h"
#include "../../core/timer.h"
#include "../backend.h"
#include "../../../kernels/pb_launch.h"
#include "metal_source.h"

#define PB_MTL_MAX_DEVICES 8
#define PB_MTL_LOG_SIZE 4096
#define PB_MIB(bytes) ((double)(bytes) / (1024.0 * 1024.0))
#define PB_GIB(bytes) ((double)(bytes) / (1024.0 * 1024.0 * 1024.0))

/* One GPU: its queue, the library compiled from the kernel source on first use (one per sgemm tile
 * shape, the later ones only when sgemm needs them), and one pipeline per kernel, each made on
 * first use so that a kernel that fails fails only its own workload. These live as long as the
 * backend; everything a case creates is released with the case. */
@interface PBMetalGPU : NSObject {
@public
    id<MTLDevice> device;
    id<MTLCommandQueue> queue;
    id<MTLLibrary> libraries[PB_LAUNCH_SGEMM_TILES];
    id<MTLComputePipelineState> pipelines[PB_LK_COUNT];
    int library_state[PB_LAUNCH_SGEMM_TILES]; /* 0 not yet compiled, 1 compiled, -1 failed */
    pb_msg library_error[PB_LAUNCH_SGEMM_TILES];
    pb_msg pipeline_error[PB_LK_COUNT];
    int sgemm_tile;                     /* the tile shape of pipelines[PB_LK_SGEMM] */
    int gpu_cores;                      /* from the IORegistry; 0 when unknown */
    BOOL mps;                           /* MPSSupportsMTLDevice */
    char msl[8];                        /* the MSL version the kernels compiled as ("" before) */
    char compile_log[PB_MTL_LOG_SIZE];  /* the compiler's warnings, and newer versions that failed */
}
@end

@implementation PBMetalGPU
@end

@interface PBMetalContext : NSObject {
@public
    PBMetalGPU *gpus[PB_MTL_MAX_DEVICES];
    int ngpus;
    char describe[PB_MTL_MAX_DEVICES * PB_MTL_LOG_SIZE + 512];
}
@end

@implementation PBMetalContext
@end

/* One case: shared-storage buffers in the problem's buffer order, the reduce's workspace, and either
 * the launch plan of the dialect kernels or the MPS objects. */
@interface PBMetalCase : NSObject {
@public
    PBMetalGPU *gpu;
    pb_problem *problem;
    id<MTLBuffer> buffers[PB_MAX_BUFFERS];
    id<MTLBuffer> work;
    pb_launch_plan plan;
    MPSMatrixMultiplication *gemm;
    MPSMatrix *matrices[3];             /* A, B, C */
}
@end

@implementation PBMetalCase
- (void)dealloc
{
    pb_launch_plan_free(&plan);
}
@end

static const char *pb_mtl_text(NSString *s)
{
    const char *text = s ? [s UTF8String] : NULL;
    return text ? text : "";
}

static pb_status pb_mtl_error(pb_msg *msg, pb_status status, const char *what, NSError *error)
{
    if (!error)
        return pb_msg_set(msg, status, "Metal: %s failed", what);
    return pb_msg_set(msg, status, "Metal: %s failed (error %ld): %s", what, (long)[error code],
                      pb_mtl_text([error localizedDescription]));
}

/* "gpu-core-count" of the device's IORegistry entry (Apple silicon only; METAL-API.md §3.1). */
static int pb_mtl_gpu_cores(id<MTLDevice> device)
{
    /* kIOMainPortDefault (macOS 12+) and kIOMasterPortDefault both equal MACH_PORT_NULL. */
    io_service_t entry = IOServiceGetMatchingService(MACH_PORT_NULL, IORegistryEntryIDMatching([device registryID]));
    if (!entry && [device hasUnifiedMemory])
        entry = IOServiceGetMatchingService(MACH_PORT_NULL, IOServiceMatching("AGXAccelerator"));
    if (!entry)
        return 0;
    int cores = 0;
    CFTypeRef value = IORegistryEntryCreateCFProperty(entry, CFSTR("gpu-core-count"), kCFAllocatorDefault, 0);
    if (value) {
        if (CFGetTypeID(value) != CFNumberGetTypeID() || !CFNumberGetValue((CFNumberRef)value, kCFNumberIntType, &cores))
            cores = 0;
        CFRelease(value);
    }
    IOObjectRelease(entry);
    return cores;
}

static void pb_mtl_add_device(PBMetalContext *ctx, id<MTLDevice> device)
{
    if (!device || ctx->ngpus >= PB_MTL_MAX_DEVICES)
        return;
    for (int i = 0; i < ctx->ngpus; i++)
        if ([ctx->gpus[i]->device registryID] == [device registryID])
            return;
    id<MTLCommandQueue> queue = [device newCommandQueue];
    if (!queue)
        return;
    PBMetalGPU *gpu = [[PBMetalGPU alloc] init];
    gpu->device = device;
    gpu->queue = queue;
    gpu->gpu_cores = pb_mtl_gpu_cores(device);
    gpu->mps = MPSSupportsMTLDevice(device);
    ctx->gpus[ctx->ngpus++] = gpu;
}

static pb_status pb_mtl_init(void **out, pb_msg *why)
{
    @autoreleasepool {
        PBMetalContext *ctx = [[PBMetalContext alloc] init];
        /* The default device first: it is the GPU a user means, and asking for it first also makes
         * MTLCopyAllDevices list every GPU (it has been seen empty before that call). */
        pb_mtl_add_device(ctx, MTLCreateSystemDefaultDevice());
        NSArray<id<MTLDevice>> *all = MTLCopyAllDevices();
        for (NSUInteger i = 0; i < [all count]; i++)
            pb_mtl_add_device(ctx, all[i]);
        if (ctx->ngpus == 0)
            return pb_msg_set(why, PB_ERR_UNAVAILABLE,
                              "Metal: no GPU found (MTLCreateSystemDefaultDevice and MTLCopyAllDevices returned "
                              "none). Every Apple-silicon Mac and most Intel Macs since 2012 have one; in a virtual "
                              "machine or a session without a logged-in user the GPU can be hidden: run parbench "
                              "from Terminal in a desktop session");
        *out = (__bridge_retained void *)ctx;
    }
    return PB_OK;
}

static void pb_mtl_shutdown(void *vctx)
{
    if (vctx)
        (void)(__bridge_transfer PBMetalContext *)vctx;
}

static int pb_mtl_device_count(void *vctx)
{
    return ((__bridge PBMetalContext *)vctx)->ngpus;
}

/* The Metal generation and GPU family, asked with raw MTLGPUFamily values (METAL-API.md §1.2) so
 * that any SDK builds this: an OS that predates a family just answers NO. */
static void pb_mtl_family(id<MTLDevice> device, pb_device_info *out)
{
    int metal = 0;
    for (int v = 5002; v >= 5001 && !metal; v--)
        if ([device supportsFamily:(MTLGPUFamily)v])
            metal = v - 5001 + 3;
    if (metal)
        snprintf(out->api_version, sizeof out->api_version, "Metal %d", metal);
    else
        pb_strlcpy(out->api_version, "Metal", sizeof out->api_version);
    char family[16] = "";
    for (int k = 10; k >= 1 && !family[0]; k--)
        if ([device supportsFamily:(MTLGPUFamily)(1000 + k)])
            snprintf(family, sizeof family, "Apple%d", k);
    if (!family[0] && [device supportsFamily:(MTLGPUFamily)2002])
        pb_strlcpy(family, "Mac2", sizeof family);
    snprintf(out->extra, sizeof out->extra, "GPU family %s; %s memory; working set %.1f GiB; max buffer %.1f GiB",
             family[0] ? family : "unknown", out->unified_memory ? "unified" : "discrete",
             PB_GIB(out->memory_bytes), PB_GIB(out->max_alloc_bytes));
}

/* What compiling the kernels said, for the device's record in the result file (its whole log is in
 * describe() and `parbench selftest --report`). */
static void pb_mtl_compile_facts(const PBMetalGPU *gpu, pb_device_info *out)
{
    size_t len = strlen(out->extra);
    if (gpu->msl[0])
        snprintf(out->extra + len, sizeof out->extra - len, "; kernels MSL %s%s%.120s", gpu->msl,
                 gpu->compile_log[0] ? "; compiler said: " : "", gpu->compile_log);
    else if (gpu->compile_log[0])
        snprintf(out->extra + len, sizeof out->extra - len, "; kernels failed to compile: %.120s", gpu->compile_log);
}

static void pb_mtl_vendor(const char *name, char *out, size_t size)
{
    static const char *const vendors[] = { "Apple", "AMD", "Intel", "NVIDIA" };
    for (size_t i = 0; i < sizeof vendors / sizeof vendors[0]; i++) {
        if (strncmp(name, vendors[i], strlen(vendors[i])) == 0) {
            pb_strlcpy(out, vendors[i], size);
            return;
        }
    }
}

static pb_status pb_mtl_device_info(void *vctx, int index, pb_device_info *out)
{
    PBMetalContext *ctx = (__bridge PBMetalContext *)vctx;
    if (index < 0 || index >= ctx->ngpus)
        return pb_msg_set(NULL, PB_ERR_USAGE, "no such device");
    const PBMetalGPU *gpu = ctx->gpus[index];
    @autoreleasepool {
        id<MTLDevice> device = gpu->device;
        memset(out, 0, sizeof *out);
        pb_strlcpy(out->name, pb_mtl_text([device name]), sizeof out->name);
        pb_mtl_vendor(out->name, out->vendor, sizeof out->vendor);
        out->type = PB_DEVICE_GPU;
        char version[32] = "";
        size_t len = sizeof version - 1;
        if (sysctlbyname("kern.osproductversion", version, &len, NULL, 0) == 0)
            snprintf(out->driver_version, sizeof out->driver_version, "macOS %s", version);
        out->compute_units = gpu->gpu_cores;
        out->memory_bytes = [device recommendedMaxWorkingSetSize];
        out->max_alloc_bytes = [device maxBufferLength];
        out->unified_memory = [device hasUnifiedMemory] ? 1 : 0;
        pb_mtl_family(device, out);
        pb_mtl_compile_facts(gpu, out);
    }
    return PB_OK;
}

static int pb_mtl_variants(void *vctx, pb_workload_id id, const pb_variant_request *req, pb_variant *out, int max)
{
    PBMetalContext *ctx = (__bridge PBMetalContext *)vctx;
    const pb_workload *w = pb_workload_get(id);
    pb_launch_kernel kernels[2];
    (void)req;
    if (!w)
        return 0;
    /* The own kernels only where the launch plan has them (a workload with a cpu kernel only). */
    const int own = pb_launch_workload_kernels((int)id, kernels) > 0;
    const double own_roundoff = strcmp(w->precision, "fp32") == 0 ? PB_FP32_UNIT_ROUNDOFF : 0.0;
    int n = 0;
    for (int d = 0; d < ctx->ngpus; d++) {
        if (own)
            n = pb_variant_add(out, n, max, d, 0, "own", PB_ROLE_GPU, w->precision, own_roundoff);
        if (id == PB_WL_SGEMM && ctx->gpus[d]->mps)
            n = pb_variant_add(out, n, max, d, 0, "mps", PB_ROLE_LIB_GPU, "fp32", PB_FP32_UNIT_ROUNDOFF);
    }
    return n;
}

/* Exact IEEE arithmetic, so results verify: Metal compiles with fast math by default. macOS 15
 * replaced fastMathEnabled with mathMode; build with either SDK, run on either OS. */
static void pb_mtl_exact_math(MTLCompileOptions *options)
{
#if defined(__MAC_15_0) && __MAC_OS_X_VERSION_MAX_ALLOWED >= __MAC_15_0
    if (@available(macOS 15.0, *)) {
        options.mathMode = MTLMathModeSafe;
        options.mathFloatingPointFunctions = MTLMathFloatingPointFunctionsPrecise;
        return;
    }
#endif
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
    options.fastMathEnabled = NO;
#pragma clang diagnostic pop
}

typedef struct pb_mtl_language {
    MTLLanguageVersion version;
    const char *name;
} pb_mtl_language;

/* The MSL versions this OS and SDK offer, newest first (METAL-API.md §1.3). The kernels need MSL 2.2
 * (macOS 10.15), which is always last; a newer version brings newer compiler fixes and is what the
 * `#pragma METAL fp contract(off)` the dialect uses is documented against. */
static int pb_mtl_languages(pb_mtl_language *out)
{
    int n = 0;
#if defined(__MAC_26_0) && __MAC_OS_X_VERSION_MAX_ALLOWED >= __MAC_26_0
    if (@available(macOS 26.0, *))
        out[n++] = (pb_mtl_language){ MTLLanguageVersion4_0, "4.0" };
#endif
#if defined(__MAC_15_0) && __MAC_OS_X_VERSION_MAX_ALLOWED >= __MAC_15_0
    if (@available(macOS 15.0, *))
        out[n++] = (pb_mtl_language){ MTLLanguageVersion3_2, "3.2" };
#endif
#if defined(__MAC_14_0)
    if (@available(macOS 14.0, *))
        out[n++] = (pb_mtl_language){ MTLLanguageVersion3_1, "3.1" };
#endif
#if defined(__MAC_13_0)
    if (@available(macOS 13.0, *))
        out[n++] = (pb_mtl_language){ MTLLanguageVersion3_0, "3.0" };
#endif
#if defined(__MAC_12_0)
    if (@available(macOS 12.0, *))
        out[n++] = (pb_mtl_language){ MTLLanguageVersion2_4, "2.4" };
#endif
#if defined(__MAC_11_0)
    if (@available(macOS 11.0, *))
        out[n++] = (pb_mtl_language){ MTLLanguageVersion2_3, "2.3" };
#endif
    out[n++] = (pb_mtl_language){ MTLLanguageVersion2_2, "2.2" };
    return n;
}

/* Appends one entry to the GPU's compile log (cut at its size; the whole log also goes to stderr). */
static void pb_mtl_log(PBMetalGPU *gpu, const char *what, const char *version, NSError *error)
{
    size_t len = strlen(gpu->compile_log);
    snprintf(gpu->compile_log + len, sizeof gpu->compile_log - len, "%sMSL %s %s (error %ld): %s",
             len ? "\n" : "", version, what, error ? (long)[error code] : 0L,
             error ? pb_mtl_text([error localizedDescription]) : "no log");
}

/* Compiles `source` with the newest MSL version that works, falling back through the older ones.
 * Metal returns a library together with an NSError when the compiler only warned (code 4,
 * MTLLibraryErrorCompileWarning): the warnings are kept in the log, as are the failures of newer
 * versions. Returns nil, with *last the last version's error, when none compiles. */
static id<MTLLibrary> pb_mtl_compile(PBMetalGPU *gpu, NSString *source, MTLCompileOptions *options,
                                     NSError **last)
{
    pb_mtl_language languages[8];
    const int n = pb_mtl_languages(languages);
    /* A later library (another sgemm tile shape) starts at the version the first one compiled as. */
    int first = 0;
    while (gpu->msl[0] && first < n - 1 && strcmp(languages[first].name, gpu->msl) != 0)
        first++;
    for (int i = first; i < n; i++) {
        NSError *error = nil;
        options.languageVersion = languages[i].version;
        id<MTLLibrary> library = [gpu->device newLibraryWithSource:source options:options error:&error];
        if (library) {
            if (error) {
                pb_mtl_log(gpu, "compiled with warnings", languages[i].name, error);
                fprintf(stderr, "parbench: Metal compiled the kernels as MSL %s with warnings:\n%s\n",
                        languages[i].name, pb_mtl_text([error localizedDescription]));
            }
            if (!gpu->msl[0])
                pb_strlcpy(gpu->msl, languages[i].name, sizeof gpu->msl);
            return library;
        }
        pb_mtl_log(gpu, i + 1 < n ? "failed, falling back to an older version" : "failed", languages[i].name, error);
        if (i + 1 < n)
            fprintf(stderr, "parbench: Metal could not compile the kernels as MSL %s; trying MSL %s\n",
                    languages[i].name, languages[i + 1].name);
        *last = error;
    }
    return nil;
}

/* The embedded kernel source with the Metal target and sgemm tile shape `tile` defined first. */
static NSString *pb_mtl_source(int tile)
{
    size_t a = (size_t)pb_mtl_source_prefix(tile, NULL, 0), b = strlen(pb_kernel_source);
    char *text = malloc(a + b + 1);
    if (!text)
        return nil;
    pb_mtl_source_prefix(tile, text, a + 1);
    memcpy(text + a, pb_kernel_source, b + 1);
    NSString *source = [NSString stringWithUTF8String:text];
    free(text);
    return source;
}

/* Compiles the library of tile shape `tile` once per GPU. A failure is remembered (each case then
 * reports it without recompiling) and the compiler's whole log goes to stderr, since a message
 * holds only its start. */
static pb_status pb_mtl_library(PBMetalGPU *gpu, int tile, pb_msg *msg)
{
    if (gpu->library_state[tile] == 0) {
        @autoreleasepool {
            NSString *source = pb_mtl_source(tile);
            MTLCompileOptions *options = [[MTLCompileOptions alloc] init];
            pb_mtl_exact_math(options);
            NSError *error = nil;
            id<MTLLibrary> library = source ? pb_mtl_compile(gpu, source, options, &error) : nil;
            if (library) {
                gpu->libraries[tile] = library;
                gpu->library_state[tile] = 1;
            } else {
                const char *log = source ? pb_mtl_text([error localizedDescription]) : "out of memory";
                fprintf(stderr, "parbench: Metal could not compile the kernels; the compiler said:\n%s\n", log);
                pb_msg_set(&gpu->library_error[tile], PB_ERR_BACKEND,
                           "Metal: compiling the kernels failed (whole log on stderr): %s", log);
                gpu->library_state[tile] = -1;
            }
        }
    }
    if (gpu->library_state[tile] < 0)
        return pb_msg_set(msg, PB_ERR_BACKEND, "%s", gpu->library_error[tile].text);
    return PB_OK;
}

/* Kernel k's pipeline from the library of tile shape `tile`; nil, with the reason in *why, when
 * it cannot be made. */
static id<MTLComputePipelineState> pb_mtl_make_pipeline(PBMetalGPU *gpu, pb_launch_kernel k, int tile, pb_msg *why)
{
    if (pb_mtl_library(gpu, tile, why) != PB_OK)
        return nil;
    id<MTLComputePipelineState> pipeline = nil;
    @autoreleasepool {
        const char *name = pb_launch_kernel_name(k);
        id<MTLFunction> function = [gpu->libraries[tile] newFunctionWithName:[NSString stringWithUTF8String:name]];
        NSError *error = nil;
        if (!function)
            pb_msg_set(why, PB_ERR_BACKEND, "Metal: kernel %s is missing from the library", name);
        else if (!(pipeline = [gpu->device newComputePipelineStateWithFunction:function error:&error]))
            pb_mtl_error(why, PB_ERR_BACKEND, "making the compute pipeline", error);
    }
    return pipeline;
}

/* Makes kernel k's pipeline on first use. Only sgemm depends on the tile shape: its pipeline comes
 * from the first shape whose pipeline allows the threads that shape needs (a register-heavy
 * shape can allow fewer), or from the last shape, which the plan then refuses with the reason. */
static pb_status pb_mtl_pipeline(PBMetalGPU *gpu, pb_launch_kernel k, pb_msg *msg)
{
    const int tiles = k == PB_LK_SGEMM ? PB_LAUNCH_SGEMM_TILES : 1;
    for (int tile = 0; tile < tiles && !gpu->pipelines[k] && !gpu->pipeline_error[k].text[0]; tile++) {
        id<MTLComputePipelineState> pipeline = pb_mtl_make_pipeline(gpu, k, tile, &gpu->pipeline_error[k]);
        const unsigned max_threads = pipeline ? (unsigned)[pipeline maxTotalThreadsPerThreadgroup] : 0;
        if (pipeline && (tile == tiles - 1 || pb_launch_sgemm_tile_fits(tile, max_threads))) {
            gpu->pipelines[k] = pipeline;
            if (k == PB_LK_SGEMM)
                gpu->sgemm_tile = tile;
        }
    }
    if (!gpu->pipelines[k])
        return pb_msg_set(msg, PB_ERR_BACKEND, "%s", gpu->pipeline_error[k].text);
    return PB_OK;
}

/* The GPU's limits, as the launch plan reads them; the pipelines' own are added per case. */
static void pb_mtl_device_limits(const PBMetalGPU *gpu, pb_launch_limits *lim)
{
    memset(lim, 0, sizeof *lim);
    const MTLSize items = [gpu->device maxThreadsPerThreadgroup];
    lim->max_items[0] = (unsigned)items.width;
    lim->max_items[1] = (unsigned)items.height;
    lim->max_items[2] = (unsigned)items.depth;
    lim->local_mem = [gpu->device maxThreadgroupMemoryLength];
    lim->compute_units = (unsigned)gpu->gpu_cores;
    lim->sgemm_tile = gpu->sgemm_tile;
}

/* The pipelines of kernels `used` (made on first use), then the limits a plan reads from them and
 * from the GPU. */
static pb_status pb_mtl_limits(PBMetalGPU *gpu, const pb_launch_kernel *used, int nused, pb_launch_limits *limits,
                               pb_msg *msg)
{
    for (int i = 0; i < nused; i++) {
        pb_status st = pb_mtl_pipeline(gpu, used[i], msg);
        if (st != PB_OK)
            return st;
    }
    pb_mtl_device_limits(gpu, limits);
    for (int i = 0; i < nused; i++) {
        id<MTLComputePipelineState> pipeline = gpu->pipelines[used[i]];
        const unsigned simd = (unsigned)[pipeline threadExecutionWidth];
        limits->kernel_max[used[i]] = (unsigned)[pipeline maxTotalThreadsPerThreadgroup];
        if (simd && (!limits->simd_width || simd < limits->simd_width))
            limits->simd_width = simd;
    }
    return PB_OK;
}

/* Pipelines for the workload's kernels, then the plan from their limits. */
static pb_status pb_mtl_setup_own(PBMetalCase *c, pb_msg *msg)
{
    pb_launch_kernel kernels[2];
    const int nk = pb_launch_workload_kernels((int)c->problem->id, kernels);
    pb_launch_limits limits;
    pb_status st = pb_mtl_limits(c->gpu, kernels, nk, &limits, msg);
    return st == PB_OK ? pb_launch_plan_make(c->problem, &limits, &c->plan, msg) : st;
}

/* Refuses, before allocating, a case that does not fit: one buffer above maxBufferLength, or all
 * of them above the working set Metal recommends for this GPU. */
static pb_status pb_mtl_check_memory(const PBMetalCase *c, pb_msg *msg)
{
    id<MTLDevice> device = c->gpu->device;
    const uint64_t max_buffer = [device maxBufferLength], working_set = [device recommendedMaxWorkingSetSize];
    uint64_t need = c->plan.work_bytes;
    for (int i = 0; i < c->problem->nbuf; i++) {
        const pb_buffer *b = &c->problem->buf[i];
        if (b->bytes > max_buffer)
            return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "buffer %s needs %.0f MiB, this GPU's largest is %.0f MiB",
                              b->name, PB_MIB(b->bytes), PB_MIB(max_buffer));
        need += b->bytes;
    }
    if (need > working_set)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "needs %.0f MiB, Metal recommends at most %.0f MiB on this GPU",
                          PB_MIB(need), PB_MIB(working_set));
    return PB_OK;
}

/* Shared storage: CPU and GPU use the same memory. Inputs are copied in once here, and so are the
 * outputs, which hold the problem's poison pattern: a kernel that writes nothing cannot pass. */
static pb_status pb_mtl_alloc(PBMetalCase *c, pb_msg *msg)
{
    id<MTLDevice> device = c->gpu->device;
    const MTLResourceOptions shared = MTLResourceStorageModeShared;
    for (int i = 0; i < c->problem->nbuf; i++) {
        const pb_buffer *b = &c->problem->buf[i];
        c->buffers[i] = b->kind == PB_BUFFER_SCRATCH ? [device newBufferWithLength:b->bytes options:shared]
                                                     : [device newBufferWithBytes:b->host length:b->bytes options:shared];
        if (!c->buffers[i])
            return pb_msg_set(msg, PB_ERR_NOMEM, "Metal: allocating buffer %s (%.1f MiB) failed", b->name,
                              PB_MIB(b->bytes));
    }
    if (c->plan.work_bytes && !(c->work = [device newBufferWithLength:c->plan.work_bytes options:shared]))
        return pb_msg_set(msg, PB_ERR_NOMEM, "Metal: allocating the workspace failed");
    return PB_OK;
}

/* C = A B with all three row-major n x n, which is MPS's own layout: no transposes. */
static pb_status pb_mtl_setup_mps(PBMetalCase *c, pb_msg *msg)
{
    const NSUInteger n = (NSUInteger)c->problem->params.sgemm.n;
    MPSMatrixDescriptor *desc = [MPSMatrixDescriptor matrixDescriptorWithRows:n
                                                                      columns:n
                                                                     rowBytes:n * sizeof(float)
                                                                     dataType:MPSDataTypeFloat32];
    for (int i = 0; i < 3 && desc; i++)
        c->matrices[i] = [[MPSMatrix alloc] initWithBuffer:c->buffers[i] descriptor:desc];
    c->gemm = [[MPSMatrixMultiplication alloc] initWithDevice:c->gpu->device
                                                transposeLeft:NO
                                               transposeRight:NO
                                                   resultRows:n
                                                resultColumns:n
                                              interiorColumns:n
                                                        alpha:1.0
                                                         beta:0.0];
    if (!desc || !c->matrices[0] || !c->matrices[1] || !c->matrices[2] || !c->gemm)
        return pb_msg_set(msg, PB_ERR_BACKEND, "MPS: creating the matrices or the multiplication failed");
    return PB_OK;
}

static pb_status pb_mtl_case_create(void *vctx, const pb_variant *variant, pb_problem *problem, void **kase,
                                    pb_msg *msg)
{
    PBMetalContext *ctx = (__bridge PBMetalContext *)vctx;
    if (variant->device < 0 || variant->device >= ctx->ngpus)
        return pb_msg_set(msg, PB_ERR_USAGE, "Metal: no device %d (this machine has %d)", variant->device,
                          ctx->ngpus);
    const int mps = strcmp(variant->impl, "mps") == 0;
    if (mps && (problem->id != PB_WL_SGEMM || !ctx->gpus[variant->device]->mps))
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "MPS runs sgemm only, on GPUs it supports");
    if (problem->nbuf > PB_MAX_BUFFERS)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "Metal: %d buffers, at most %d", problem->nbuf, PB_MAX_BUFFERS);
    @autoreleasepool {
        PBMetalCase *c = [[PBMetalCase alloc] init];
        c->gpu = ctx->gpus[variant->device];
        c->problem = problem;
        pb_status st = mps ? PB_OK : pb_mtl_setup_own(c, msg);
        if (st == PB_OK)
            st = pb_mtl_check_memory(c, msg);
        if (st == PB_OK)
            st = pb_mtl_alloc(c, msg);
        if (st == PB_OK && mps)
            st = pb_mtl_setup_mps(c, msg);
        if (st != PB_OK)
            return st;
        *kase = (__bridge_retained void *)c;
    }
    return PB_OK;
}

static void pb_mtl_encode_step(PBMetalCase *c, id<MTLComputeCommandEncoder> encoder, const pb_launch_step *s)
{
    [encoder setComputePipelineState:c->gpu->pipelines[s->kernel]];
    for (int i = 0; i < s->nbind; i++)
        [encoder setBuffer:s->bind[i] == PB_LAUNCH_BIND_WORK ? c->work : c->buffers[s->bind[i]]
                    offset:0
                   atIndex:(NSUInteger)i];
    [encoder setBytes:s->params length:s->params_size atIndex:(NSUInteger)s->nbind];
    [encoder dispatchThreadgroups:MTLSizeMake(s->groups[0], s->groups[1], s->groups[2])
            threadsPerThreadgroup:MTLSizeMake(s->local[0], s->local[1], s->local[2])];
}

/* `launches` launches into one command buffer. One serial compute encoder holds every dispatch:
 * each starts after the previous one has finished, as the stencil's steps and the reduce's passes
 * need. MPS encodes its own kernels. The buffer is committed only once the whole batch is encoded,
 * so the GPU runs it back to back, never at the pace the host encodes it: the gate that OpenCL
 * builds with a user event and CUDA with a graph (README.md, "How parbench measures"). The GPU's
 * timestamps see only the whole buffer, so Metal reports no busy time between dispatches
 * (case_batch_info stays NULL). */
static pb_status pb_mtl_encode(PBMetalCase *c, id<MTLCommandBuffer> cb, int launches, pb_msg *msg)
{
    if (c->gemm) {
        for (int i = 0; i < launches; i++)
            [c->gemm encodeToCommandBuffer:cb leftMatrix:c->matrices[0] rightMatrix:c->matrices[1]
                              resultMatrix:c->matrices[2]];
        return PB_OK;
    }
    id<MTLComputeCommandEncoder> encoder = [cb computeCommandEncoder];
    if (!encoder)
        return pb_msg_set(msg, PB_ERR_BACKEND, "Metal: could not create a compute command encoder");
    for (int i = 0; i < launches; i++)
        for (int s = 0; s < c->plan.nsteps; s++)
            pb_mtl_encode_step(c, encoder, &c->plan.steps[s]);
    [encoder endEncoding];
    return PB_OK;
}

/* Encodes, commits and waits for `launches` launches. Gives the GPU's own time (GPUEndTime -
 * GPUStartTime, valid once the buffer completed; 0 when the GPU reports none) and the host time
 * from encoding to completion. */
static pb_status pb_mtl_submit(PBMetalCase *c, int launches, double *gpu_seconds, double *host_seconds, pb_msg *msg)
{
    @autoreleasepool {
        const double start = pb_time_now();
        id<MTLCommandBuffer> cb = [c->gpu->queue commandBuffer];
        if (!cb)
            return pb_msg_set(msg, PB_ERR_BACKEND, "Metal: could not create a command buffer");
        pb_status st = pb_mtl_encode(c, cb, launches, msg);
        if (st != PB_OK)
            return st;
        [cb commit];
        [cb waitUntilCompleted];
        *host_seconds = pb_time_now() - start;
        if ([cb status] != MTLCommandBufferStatusCompleted) {
            char what[64];
            snprintf(what, sizeof what, "the command buffer (status %lu)", (unsigned long)[cb status]);
            return pb_mtl_error(msg, PB_ERR_BACKEND, what, [cb error]);
        }
        const double gpu = [cb GPUEndTime] - [cb GPUStartTime];
        *gpu_seconds = gpu > 0 ? gpu : 0;
    }
    return PB_OK;
}

static pb_status pb_mtl_case_run(void *vkase, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    PBMetalCase *c = (__bridge PBMetalCase *)vkase;
    double gpu = 0, host = 0;
    pb_status st = pb_mtl_submit(c, launches, &gpu, &host, msg);
    if (st != PB_OK)
        return st;
    *device_timer = gpu > 0;
    *seconds = gpu > 0 ? gpu : host;
    return PB_OK;
}

/* What an application on unified memory pays for one result: its data already lives in shared
 * buffers, so there is nothing to upload or download, only the launch and its completion. */
static pb_status pb_mtl_case_e2e(void *vkase, double *seconds, pb_msg *msg)
{
    PBMetalCase *c = (__bridge PBMetalCase *)vkase;
    double gpu = 0;
    return pb_mtl_submit(c, 1, &gpu, seconds, msg);
}

static pb_status pb_mtl_case_read(void *vkase, pb_msg *msg)
{
    PBMetalCase *c = (__bridge PBMetalCase *)vkase;
    (void)msg;
    for (int i = 0; i < c->problem->nbuf; i++) {
        pb_buffer *b = &c->problem->buf[i];
        if (b->kind == PB_BUFFER_OUT)
            memcpy(b->host, [c->buffers[i] contents], b->bytes);
    }
    return PB_OK;
}

static void pb_mtl_case_destroy(void *vkase)
{
    if (vkase)
        (void)(__bridge_transfer PBMetalCase *)vkase;
}

/* ---- the ceilings (kernels/pb_ceiling.h) --------------------------------------------------------- */

/* One GPU's probes: shared-storage buffers, and the bound probe, run as a case of no problem whose
 * buffers are the probe's. */
@interface PBMetalProbe : NSObject {
@public
    PBMetalGPU *gpu;
    id<MTLBuffer> buffers[PB_LAUNCH_PROBE_BUFFERS];
    size_t bytes[PB_LAUNCH_PROBE_BUFFERS];
    PBMetalCase *kase;
}
@end

@implementation PBMetalProbe
@end

_Static_assert(PB_LAUNCH_PROBE_BUFFERS <= PB_MAX_BUFFERS, "a case binds every probe buffer");

/* Refuses, before allocating, buffers that do not fit (as pb_mtl_check_memory does a case's). */
static pb_status pb_mtl_probe_alloc(void *self, const size_t bytes[PB_LAUNCH_PROBE_BUFFERS], pb_msg *msg)
{
    PBMetalProbe *p = (__bridge PBMetalProbe *)self;
    id<MTLDevice> device = p->gpu->device;
    const uint64_t max_buffer = [device maxBufferLength], working_set = [device recommendedMaxWorkingSetSize];
    uint64_t need = 0;
    for (int i = 0; i < PB_LAUNCH_PROBE_BUFFERS; i++) {
        if (bytes[i] > max_buffer)
            return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "a probe buffer needs %.0f MiB, this GPU's largest is %.0f MiB",
                              PB_MIB(bytes[i]), PB_MIB(max_buffer));
        need += bytes[i];
    }
    if (need > working_set)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "the probes need %.0f MiB, Metal recommends at most %.0f MiB on "
                          "this GPU", PB_MIB(need), PB_MIB(working_set));
    for (int i = 0; i < PB_LAUNCH_PROBE_BUFFERS; i++) {
        p->buffers[i] = [device newBufferWithLength:bytes[i] options:MTLResourceStorageModeShared];
        if (!p->buffers[i])
            return pb_msg_set(msg, PB_ERR_NOMEM, "Metal: allocating a probe buffer (%.1f MiB) failed",
                              PB_MIB(bytes[i]));
        p->bytes[i] = bytes[i];
    }
    return PB_OK;
}

/* Through the shared memory, as the uploads and reads. */
static pb_status pb_mtl_probe_poison(void *self, int buf, pb_msg *msg)
{
    PBMetalProbe *p = (__bridge PBMetalProbe *)self;
    (void)msg;
    memset([p->buffers[buf] contents], 0xFF, p->bytes[buf]);
    return PB_OK;
}

static pb_status pb_mtl_probe_upload(void *self, int buf, const float *host, size_t count, pb_msg *msg)
{
    PBMetalProbe *p = (__bridge PBMetalProbe *)self;
    (void)msg;
    memcpy([p->buffers[buf] contents], host, count * sizeof(float));
    return PB_OK;
}

static pb_status pb_mtl_probe_bind(void *self, pb_launch_plan *plan, pb_msg *msg)
{
    PBMetalProbe *p = (__bridge PBMetalProbe *)self;
    (void)msg;
    PBMetalCase *c = [[PBMetalCase alloc] init];
    c->gpu = p->gpu;
    c->plan = *plan;
    memset(plan, 0, sizeof *plan);
    for (int i = 0; i < PB_LAUNCH_PROBE_BUFFERS; i++)
        c->buffers[i] = p->buffers[i];
    p->kase = c;
    return PB_OK;
}

/* The GPU's own time, or the host's where the GPU reports none (as case_run). */
static pb_status pb_mtl_probe_run(void *self, int launches, double *seconds, pb_msg *msg)
{
    PBMetalProbe *p = (__bridge PBMetalProbe *)self;
    double gpu = 0, host = 0;
    pb_status st = pb_mtl_submit(p->kase, launches, &gpu, &host, msg);
    if (st == PB_OK)
        *seconds = gpu > 0 ? gpu : host;
    return st;
}

static pb_status pb_mtl_probe_read(void *self, int buf, size_t first, size_t count, float *out, pb_msg *msg)
{
    PBMetalProbe *p = (__bridge PBMetalProbe *)self;
    (void)msg;
    memcpy(out, (const float *)[p->buffers[buf] contents] + first, count * sizeof(float));
    return PB_OK;
}

static pb_status pb_mtl_ceilings(void *vctx, int device, pb_preset preset, pb_ceilings *out, pb_msg *msg)
{
    PBMetalContext *ctx = (__bridge PBMetalContext *)vctx;
    if (device < 0 || device >= ctx->ngpus)
        return pb_msg_set(msg, PB_ERR_USAGE, "Metal: no device %d (this machine has %d)", device, ctx->ngpus);
    pb_device_info info;
    pb_status st = pb_mtl_device_info(vctx, device, &info);
    if (st != PB_OK)
        return pb_msg_set(msg, st, "Metal: the facts of device %d could not be read", device);
    @autoreleasepool {
        PBMetalProbe *probe = [[PBMetalProbe alloc] init];
        probe->gpu = ctx->gpus[device];
        pb_launch_kernel used[PB_LAUNCH_PROBE_COUNT];
        for (int i = 0; i < PB_LAUNCH_PROBE_COUNT; i++)
            used[i] = pb_launch_probe_kernel((pb_launch_probe_id)i);
        pb_launch_limits limits;
        st = pb_mtl_limits(probe->gpu, used, PB_LAUNCH_PROBE_COUNT, &limits, msg);
        const pb_ceiling_device ops = {(__bridge void *)probe, pb_mtl_probe_alloc, pb_mtl_probe_poison,
                                       pb_mtl_probe_upload, pb_mtl_probe_bind, pb_mtl_probe_run, pb_mtl_probe_read};
        if (st == PB_OK)
            st = pb_ceiling_measure(&ops, &limits, &info, preset, out, msg);
    }
    return st;
}

/* The backend's facts, and per GPU the MSL version its kernels compiled as and the compiler's log
 * (warnings are kept, not dropped). Rebuilt on each call: kernels compile on first use. */
static const char *pb_mtl_describe(void *vctx)
{
    PBMetalContext *ctx = (__bridge PBMetalContext *)vctx;
    size_t len = (size_t)snprintf(ctx->describe, sizeof ctx->describe,
                                  "Metal, %d device(s); kernels compiled at run time with the newest MSL the OS "
                                  "offers (falling back to older ones) and fast math off; MPS sgemm; buffers in "
                                  "shared memory, so end-to-end time is launch + completion with no copies",
                                  ctx->ngpus);
    for (int i = 0; i < ctx->ngpus && len < sizeof ctx->describe; i++) {
        const PBMetalGPU *gpu = ctx->gpus[i];
        if (!gpu->msl[0] && !gpu->compile_log[0])
            continue;
        len += (size_t)snprintf(ctx->describe + len, sizeof ctx->describe - len, "\ndevice %d: %s%s%s%s", i,
                                gpu->msl[0] ? "kernels compiled as MSL " : "kernels did not compile",
                                gpu->msl, gpu->compile_log[0] ? "; compiler log:\n" : "; no compiler warnings",
                                gpu->compile_log);
    }
    return ctx->describe;
}

const pb_backend pb_backend_metal = {
    .name = "metal",
    .summary = "Apple GPUs through Metal: own kernels, and MPS sgemm",
    .init = pb_mtl_init,
    .shutdown = pb_mtl_shutdown,
    .device_count = pb_mtl_device_count,
    .device_info = pb_mtl_device_info,
    .variants = pb_mtl_variants,
    .case_create = pb_mtl_case_create,
    .case_run = pb_mtl_case_run,
    .case_e2e = pb_mtl_case_e2e,
    .case_read = pb_mtl_case_read,
    .case_destroy = pb_mtl_case_destroy,
    .describe = pb_mtl_describe,
    .ceilings = pb_mtl_ceilings,
};
