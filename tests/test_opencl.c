/* What only the opencl backend has: its devices and roles, every sgemm tile configuration, the
 * standard sizes on PoCL with device timers, a kernel that fails to compile reporting its build
 * log, and an oversize case refused as unsupported (tiny and quick run in test_matrix.c). Skipped
 * when the backend is not built or no OpenCL platform is installed. */
#include <stdlib.h>
#include <string.h>

#include "../src/backends/backend.h"
#include "../src/backends/opencl/opencl_backend.h"
#include "../src/core/pool.h"
#include "../src/core/timer.h"
#include "pbcase.h"
#include "pbtest.h"

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
        pb_variant_request req = {NULL, 0, 1};
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
        pb_variant_request req = {NULL, 0, 1};
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
    pb_variant_request req = {NULL, 0, 1};
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
    pb_variant_request req = {NULL, 0, 1};
    CHECK(backend->variants(ctx, PB_WL_TRIAD, &req, &v, 1) == 1);
    void *kase = NULL;
    pb_msg msg = {""};
    pb_status st = backend->case_create(ctx, &v, &problem, &kase, &msg);
    CHECK_MSG(st == PB_ERR_UNSUPPORTED, "status %s: %s", pb_status_name(st), msg.text);
    CHECK_MSG(strstr(msg.text, "MiB") != NULL, "message: %s", msg.text);
    CHECK(kase == NULL);
    backend->shutdown(ctx);
}

static const pbtest_case tests[] = {
    {"opencl_free_functions_accept_null", test_free_functions_accept_null},
    {"opencl_devices_are_described", test_devices_are_described},
    {"opencl_broken_kernel_reports_build_log", test_broken_kernel_reports_build_log},
    {"opencl_oversize_is_unsupported", test_oversize_is_unsupported},
    {"opencl_sgemm_every_tile_config", test_sgemm_every_tile_config},
    {"opencl_standard_verifies", test_standard_verifies},
};

PBTEST_MAIN(tests)
