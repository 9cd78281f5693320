/* What only the opencl backend has: its devices and roles, every sgemm tile configuration, the
 * standard sizes on PoCL with device timers, a kernel that fails to compile reporting its build
 * log, an oversize case refused as unsupported (tiny and quick run in test_matrix.c), and nbody's
 * split sums, which only GPUs get, run here under a GPU's plan. Skipped when the backend is not
 * built or no OpenCL platform is installed. */
#include <stdlib.h>
#include <string.h>

#include "../kernels/pb_kernel_sources.h"
#include "../kernels/pb_launch.h"
#include "../src/backends/backend.h"
#include "../src/backends/opencl/opencl_backend.h"
#include "../src/core/pool.h"
#include "../src/core/timer.h"
#include "pbcase.h"
#include "pbtest.h"

#ifdef HAVE_OPENCL
#ifdef __APPLE__
#include <OpenCL/opencl.h>
#else
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#endif
#endif

static const pb_backend *opencl_backend(void)
{
    const pb_backend_entry *e = pbcase_entry("opencl");
    return e ? e->backend : NULL;
}

/* NULL (with *why filled) when the backend is absent or finds no platform. */
static void *opencl_ctx(const pb_backend **backend, pb_msg *why) { return pbcase_start("opencl", backend, why); }

static void test_free_functions_accept_null(void)
{
    const pb_backend *backend = opencl_backend();
    if (!backend)
        SKIP("the opencl backend is not built");
    backend->shutdown(NULL);
    backend->case_destroy(NULL);
    CHECK_STR(backend->name, "opencl");
    CHECK(backend->case_e2e != NULL && backend->case_read != NULL);
}

/* Only GPUs get the gpu role: PoCL's CPU device must be labelled opencl-cpu. */
static void test_devices_are_described(void)
{
    const pb_backend *backend;
    pb_msg why = {""};
    void *ctx = opencl_ctx(&backend, &why);
    if (!ctx)
        SKIP("%s", why.text);
    int count = backend->device_count(ctx);
    CHECK(count >= 1);
    for (int d = 0; d < count; d++) {
        pb_device_info info;
        CHECK(backend->device_info(ctx, d, &info) == PB_OK);
        CHECK(info.name[0] != '\0');
        CHECK(info.api_version[0] != '\0');
        CHECK(info.compute_units > 0);
        CHECK(info.max_alloc_bytes > 0 && info.max_alloc_bytes <= info.memory_bytes);
        fprintf(stderr, "  device %d: %s (%s, %s, %d units)\n", d, info.name, pb_device_type_name(info.type),
                info.api_version, info.compute_units);
    }
    for (int id = 0; id < PB_WL_COUNT; id++) {
        pb_variant v[PB_MAX_VARIANTS];
        pb_variant_request req = {NULL, 0, 1, 0 };
        int n = backend->variants(ctx, (pb_workload_id)id, &req, v, PB_MAX_VARIANTS);
        CHECK(n == count);
        for (int i = 0; i < n; i++) {
            pb_device_info info;
            backend->device_info(ctx, v[i].device, &info);
            CHECK(v[i].role == (info.type == PB_DEVICE_GPU ? PB_ROLE_GPU : PB_ROLE_DEVICE_CPU));
            CHECK(v[i].threads == 0);
            CHECK_STR(v[i].precision, id == PB_WL_HISTOGRAM ? "u32" : "fp32");
        }
    }
    CHECK(backend->describe(ctx)[0] != '\0');
    backend->shutdown(ctx);
}

/* Every workload at the standard size on device 0, one launch each (PoCL runs on the CPU, and
 * standard sizes are meant for real GPUs; tiny and quick run in test_matrix.c), with the kernel
 * time per launch printed: the launch geometry's speed on PoCL, compared across versions. */
static void test_standard_verifies(void)
{
    if (pbcase_sanitized())
        SKIP("standard sizes are too slow under the sanitizers");
    const pb_backend *backend;
    pb_msg why = {""};
    void *ctx = opencl_ctx(&backend, &why);
    if (!ctx)
        SKIP("%s", why.text);
    static const pbcase_opts one = {.launches = 1, .device_timer = 1};
    pb_pool *pool = pbcase_pool();
    for (int id = 0; id < PB_WL_COUNT && pool; id++) {
        const pb_workload *wl = pb_workload_get((pb_workload_id)id);
        pb_variant v;
        pb_variant_request req = {NULL, 0, 1, 0 };
        CHECK(backend->variants(ctx, wl->id, &req, &v, 1) == 1);
        const double start = pb_time_now();
        const double seconds =
            pbcase_expect_verified(backend, ctx, &v, wl->id, &wl->sizes[PB_PRESET_STANDARD], pool, &one, "standard");
        fprintf(stderr, "  %-10s standard kernel %.4f s per launch (%.1f s with setup and check)\n", wl->name, seconds,
                pb_time_now() - start);
    }
    pb_pool_free(pool);
    backend->shutdown(ctx);
}

/* Every sgemm tile configuration, forced in turn (PoCL picks one for itself; GPUs pick others),
 * at sizes below, at and around the blocks, and at the odd sizes the cpu backend is tested with. */
static void test_sgemm_every_tile_config(void)
{
    const pb_backend *backend;
    pb_msg why = {""};
    void *ctx = opencl_ctx(&backend, &why);
    if (!ctx)
        SKIP("%s", why.text);
#ifdef HAVE_OPENCL
    static const int64_t sizes[] = {1, 7, 67, 1023, 1025};
    static const pbcase_opts one = {.launches = 1, .device_timer = 1};
    pb_pool *pool = pbcase_pool();
    pb_variant v;
    pb_variant_request req = {NULL, 0, 1, 0 };
    CHECK(backend->variants(ctx, PB_WL_SGEMM, &req, &v, 1) == 1);
    const int configs = pb_opencl_sgemm_config_for_test(ctx, -1);
    for (int config = 0; config < configs && pool; config++) {
        pb_opencl_sgemm_config_for_test(ctx, config);
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            const pb_dims dims = {{sizes[i]}};
            char what[64];
            snprintf(what, sizeof what, "n=%lld, tile configuration %d", (long long)sizes[i], config);
            pbcase_expect_verified(backend, ctx, &v, PB_WL_SGEMM, &dims, pool, &one, what);
        }
    }
    pb_pool_free(pool);
#endif
    backend->shutdown(ctx);
}

static void test_broken_kernel_reports_build_log(void)
{
    const pb_backend *backend;
    pb_msg why = {""};
    void *ctx = opencl_ctx(&backend, &why);
    if (!ctx)
        SKIP("%s", why.text);
#ifdef HAVE_OPENCL
    pb_msg msg = {""};
    pb_status st = pb_opencl_build_program_for_test(
        ctx, "__kernel void pb_broken(__global float *x) { x[0] = pb_no_such_name; }", &msg);
    CHECK_MSG(st == PB_ERR_BACKEND, "status %s: %s", pb_status_name(st), msg.text);
    CHECK_MSG(strstr(msg.text, "kernel compilation failed") != NULL, "message: %s", msg.text);
    CHECK_MSG(strstr(msg.text, "pb_no_such_name") != NULL, "the build log is missing: %s", msg.text);

    pb_msg ok = {""};
    CHECK_MSG(pb_opencl_build_program_for_test(ctx, "__kernel void pb_fine(__global float *x) { x[0] = 1.0f; }", &ok) ==
                  PB_OK,
              "a valid kernel failed: %s", ok.text);
#endif
    backend->shutdown(ctx);
}

/* The size check comes before any allocation or upload, so buffers that exist only on paper do. */
static void test_oversize_is_unsupported(void)
{
    const pb_backend *backend;
    pb_msg why = {""};
    void *ctx = opencl_ctx(&backend, &why);
    if (!ctx)
        SKIP("%s", why.text);
    pb_device_info info;
    CHECK(backend->device_info(ctx, 0, &info) == PB_OK);
    pb_problem problem;
    memset(&problem, 0, sizeof problem);
    problem.id = PB_WL_TRIAD;
    problem.nbuf = 3;
    const char *names[3] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        problem.buf[i].name = names[i];
        problem.buf[i].kind = i == 0 ? PB_BUFFER_OUT : PB_BUFFER_IN;
        problem.buf[i].bytes = (size_t)info.max_alloc_bytes + 4096;
    }
    problem.params.triad.n = (int)(problem.buf[0].bytes / sizeof(float));
    pb_variant v;
    pb_variant_request req = {NULL, 0, 1, 0 };
    CHECK(backend->variants(ctx, PB_WL_TRIAD, &req, &v, 1) == 1);
    void *kase = NULL;
    pb_msg msg = {""};
    pb_status st = backend->case_create(ctx, &v, &problem, &kase, &msg);
    CHECK_MSG(st == PB_ERR_UNSUPPORTED, "status %s: %s", pb_status_name(st), msg.text);
    CHECK_MSG(strstr(msg.text, "MiB") != NULL, "message: %s", msg.text);
    CHECK(kase == NULL);
    backend->shutdown(ctx);
}

#ifdef HAVE_OPENCL
/* The first device of the first platform that has one (the backend's device 0), with a context, a
 * queue and pb_nbody built from the embedded kernel source as the backend builds it. */
typedef struct raw_cl {
    cl_device_id device;
    cl_context context;
    cl_command_queue queue;
    cl_program program;
    cl_kernel kernel;
} raw_cl;

static void raw_cl_free(raw_cl *cl)
{
    if (cl->kernel)
        clReleaseKernel(cl->kernel);
    if (cl->program)
        clReleaseProgram(cl->program);
    if (cl->queue)
        clReleaseCommandQueue(cl->queue);
    if (cl->context)
        clReleaseContext(cl->context);
}

static int raw_cl_open(raw_cl *cl)
{
    memset(cl, 0, sizeof *cl);
    cl_platform_id platforms[16];
    cl_uint nplatforms = 0;
    if (clGetPlatformIDs(16, platforms, &nplatforms) != CL_SUCCESS)
        return 0;
    for (cl_uint p = 0; p < nplatforms && p < 16 && !cl->device; p++) {
        cl_uint n = 0;
        if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 1, &cl->device, &n) != CL_SUCCESS || n == 0)
            cl->device = NULL;
    }
    cl_int err = CL_SUCCESS;
    const char *source = pb_kernel_source;
    if (cl->device)
        cl->context = clCreateContext(NULL, 1, &cl->device, NULL, NULL, &err);
    if (cl->context)
        cl->queue = clCreateCommandQueue(cl->context, cl->device, 0, &err);
    if (cl->queue)
        cl->program = clCreateProgramWithSource(cl->context, 1, &source, NULL, &err);
    if (cl->program && clBuildProgram(cl->program, 1, &cl->device, "-DPB_TARGET_OPENCL=1", NULL, NULL) == CL_SUCCESS)
        cl->kernel = clCreateKernel(cl->program, pb_launch_kernel_name(PB_LK_NBODY), &err);
    CHECK_MSG(cl->kernel != NULL, "could not build pb_nbody on the OpenCL device (%d)", (int)err);
    return cl->kernel != NULL;
}

/* The limits of a GPU of `units` compute units and 32-wide SIMD groups, within what this device and
 * its built kernel allow. */
static pb_launch_limits raw_cl_gpu_limits(const raw_cl *cl, unsigned units)
{
    pb_launch_limits lim;
    memset(&lim, 0, sizeof lim);
    size_t group = 0, items[3] = {0, 0, 0}, kernel = 0;
    clGetDeviceInfo(cl->device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof group, &group, NULL);
    clGetDeviceInfo(cl->device, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof items, items, NULL);
    clGetKernelWorkGroupInfo(cl->kernel, cl->device, CL_KERNEL_WORK_GROUP_SIZE, sizeof kernel, &kernel, NULL);
    lim.max_group = (unsigned)group;
    for (int d = 0; d < 3; d++)
        lim.max_items[d] = (unsigned)items[d];
    lim.kernel_max[PB_LK_NBODY] = (unsigned)kernel;
    lim.simd_width = 32;
    lim.compute_units = units;
    return lim;
}

/* One launch of `plan` on problem p's buffers; the accelerations land in p's output. */
static int raw_cl_run(const raw_cl *cl, const pb_launch_plan *plan, pb_problem *p)
{
    const pb_launch_step *s = &plan->steps[0];
    cl_int err = CL_SUCCESS;
    cl_mem mem[2] = {NULL, NULL};
    mem[0] = clCreateBuffer(cl->context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, p->buf[0].bytes, p->buf[0].host,
                            &err);
    if (err == CL_SUCCESS)
        mem[1] = clCreateBuffer(cl->context, CL_MEM_WRITE_ONLY, p->buf[1].bytes, NULL, &err);
    for (int b = 0; b < s->nbind && err == CL_SUCCESS; b++)
        err = clSetKernelArg(cl->kernel, (cl_uint)b, sizeof(cl_mem), &mem[s->bind[b]]);
    if (err == CL_SUCCESS)
        err = clSetKernelArg(cl->kernel, (cl_uint)s->nbind, s->params_size, s->params);
    size_t global[3], local[3];
    for (unsigned d = 0; d < s->dims; d++) {
        local[d] = s->local[d];
        global[d] = (size_t)s->groups[d] * s->local[d];
    }
    if (err == CL_SUCCESS)
        err = clEnqueueNDRangeKernel(cl->queue, cl->kernel, s->dims, NULL, global, local, 0, NULL, NULL);
    if (err == CL_SUCCESS)
        err = clEnqueueReadBuffer(cl->queue, mem[1], CL_TRUE, 0, p->buf[1].bytes, p->buf[1].host, 0, NULL, NULL);
    for (int b = 0; b < 2; b++) {
        if (mem[b])
            clReleaseMemObject(mem[b]);
    }
    CHECK_MSG(err == CL_SUCCESS, "OpenCL error %d running pb_nbody", (int)err);
    return err == CL_SUCCESS;
}
#endif

/* nbody's split sums (S work-items per body, kernels/nbody.pbk) run for real: PoCL's own plan never
 * splits (a CPU device), so each size is planned for a GPU instead (132 units, an H100's SM count,
 * unless said), enqueued on this device exactly as the plan says, and verified against the fp64
 * reference; a second launch must give the same bits (the partial sums meet in a fixed order). The
 * cases: one body, part of one tile, two tiles the second of one body, splits of 2 and 4 (fewer
 * units), and the standard size as an H100 runs it. */
static void test_nbody_split_verifies(void)
{
    const pb_backend *backend;
    pb_msg why = {""};
    void *ctx = opencl_ctx(&backend, &why);
    if (!ctx)
        SKIP("%s", why.text);
    backend->shutdown(ctx);
#ifdef HAVE_OPENCL
    static const struct {
        int64_t n;
        unsigned units, split;
    } cases[] = {{1, 132, 8}, {100, 132, 8}, {257, 132, 8}, {1000, 2, 2}, {1000, 4, 4}, {4096, 132, 8},
                 {16384, 132, 8}};
    raw_cl cl;
    pb_pool *pool = pbcase_pool();
    if (raw_cl_open(&cl) && pool) {
        const pb_workload *wl = pb_workload_get(PB_WL_NBODY);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            if (cases[i].n > 4096 && pbcase_sanitized())
                continue;
            const pb_launch_limits lim = raw_cl_gpu_limits(&cl, cases[i].units);
            const pb_dims dims = {{cases[i].n}};
            pb_problem p;
            pb_launch_plan plan = {NULL, 0, 0};
            pb_msg msg = {""};
            CHECK_MSG(wl->create(&dims, PBCASE_SEED, &p, &msg) == PB_OK, "%s", msg.text);
            CHECK_MSG(pb_launch_plan_make(&p, &lim, &plan, &msg) == PB_OK, "%s", msg.text);
            const pb_launch_step *s = &plan.steps[0];
            CHECK_MSG(s->local[1] == cases[i].split, "n = %lld: split %u, not %u", (long long)cases[i].n,
                      s->local[1], cases[i].split);
            pb_problem_poison_outputs(&p);
            pb_check check;
            if (raw_cl_run(&cl, &plan, &p))
                CHECK_MSG(pbcase_verify(&p, pool, PB_FP32_UNIT_ROUNDOFF, &check),
                          "n = %lld, %u groups of %u x %u: %lld bad, max error %.3g > %.3g", (long long)cases[i].n,
                          s->groups[0], s->local[0], s->local[1], (long long)check.bad, check.max_err,
                          check.tolerance);
            const size_t bytes = p.buf[1].bytes;
            float *first = malloc(bytes);
            if (first) {
                memcpy(first, p.buf[1].host, bytes);
                pb_problem_poison_outputs(&p);
                if (raw_cl_run(&cl, &plan, &p))
                    CHECK_MSG(memcmp(first, p.buf[1].host, bytes) == 0, "n = %lld: a second launch differs",
                              (long long)cases[i].n);
            }
            fprintf(stderr, "  nbody n = %-6lld %3u units: %u groups of %u bodies x %u parts\n", (long long)cases[i].n,
                    cases[i].units, s->groups[0], s->local[0], s->local[1]);
            free(first);
            pb_launch_plan_free(&plan);
            pb_problem_destroy(&p);
        }
    }
    raw_cl_free(&cl);
    pb_pool_free(pool);
#endif
}

static const pbtest_case tests[] = {
    {"opencl_free_functions_accept_null", test_free_functions_accept_null},
    {"opencl_devices_are_described", test_devices_are_described},
    {"opencl_broken_kernel_reports_build_log", test_broken_kernel_reports_build_log},
    {"opencl_oversize_is_unsupported", test_oversize_is_unsupported},
    {"opencl_sgemm_every_tile_config", test_sgemm_every_tile_config},
    {"opencl_standard_verifies", test_standard_verifies},
    {"opencl_nbody_split_verifies", test_nbody_split_verifies},
};

PBTEST_MAIN(tests)
