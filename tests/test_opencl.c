/* The opencl backend against the workloads' references: every workload verifies at tiny, quick and
 * standard sizes on each device (PoCL here), kernel times come from device timers, a kernel that
 * fails to compile reports its build log, and an oversize case is refused as unsupported. Skipped
 * when the backend is not built or no OpenCL platform is installed. */
#include <stdlib.h>
#include <string.h>

#include "../src/backends/opencl/opencl_backend.h"
#include "../src/core/backend.h"
#include "../src/core/pool.h"
#include "../src/core/timer.h"
#include "pbtest.h"

#define SEED 12345

static const pb_backend *opencl_backend(void)
{
    int count = 0;
    const pb_backend_entry *registry = pb_backend_registry(&count);
    for (int i = 0; i < count; i++) {
        if (strcmp(registry[i].name, "opencl") == 0)
            return registry[i].backend;
    }
    return NULL;
}

/* NULL (with *why filled) when the backend is absent or finds no platform. */
static void *opencl_ctx(const pb_backend **backend, pb_msg *why)
{
    *backend = opencl_backend();
    if (!*backend) {
        pb_strlcpy(why->text, "the opencl backend is not built", sizeof why->text);
        return NULL;
    }
    void *ctx = NULL;
    return (*backend)->init(&ctx, why) == PB_OK ? ctx : NULL;
}

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

/* Verifies the outputs now in the problem's host buffers. */
static void expect_verified(const pb_workload *wl, pb_problem *problem, pb_pool *pool, const char *what)
{
    pb_check check;
    pb_msg msg = {""};
    memset(&check, 0, sizeof check);
    pb_status st = wl->verify(problem, pool, pb_pool_max_threads(pool), PB_FP32_UNIT_ROUNDOFF, &check, &msg);
    CHECK_MSG(st == PB_OK, "%s %s: verify: %s", wl->name, what, msg.text);
    CHECK_MSG(st != PB_OK || check.ok, "%s %s: %lld bad, first %lld, max error %g > %g (%s)", wl->name, what,
              (long long)check.bad, (long long)check.first_bad, check.max_err, check.tolerance, check.method);
}

/* One workload at `dims` (named `what` in messages) on device 0: `launches` timed launches (later
 * launches must leave the same answer as the first), read back, verify; with `e2e`, an end-to-end
 * launch into poisoned host outputs verifies too. Returns the kernel time per launch (0 on failure). */
static double run_dims(const pb_backend *backend, void *ctx, pb_pool *pool, const pb_workload *wl, const pb_dims *dims,
                       const char *what, int launches, int e2e)
{
    pb_problem problem;
    pb_msg msg = {""};
    memset(&problem, 0, sizeof problem);
    pb_status st = wl->create(dims, SEED, &problem, &msg);
    CHECK_MSG(st == PB_OK, "%s %s: create: %s", wl->name, what, msg.text);
    if (st != PB_OK)
        return 0;
    pb_variant v;
    pb_variant_request req = {NULL, 0, 1};
    CHECK(backend->variants(ctx, wl->id, &req, &v, 1) == 1);
    pb_problem_poison_outputs(&problem);

    double seconds = 0;
    void *kase = NULL;
    st = backend->case_create(ctx, &v, &problem, &kase, &msg);
    CHECK_MSG(st == PB_OK, "%s %s: case_create: %s", wl->name, what, msg.text);
    if (st == PB_OK) {
        int device_timer = 0;
        st = backend->case_run(kase, launches, &seconds, &device_timer, &msg);
        CHECK_MSG(st == PB_OK, "%s %s: case_run: %s", wl->name, what, msg.text);
        CHECK(device_timer == 1);
        CHECK(seconds > 0);
        st = backend->case_read(kase, &msg);
        CHECK_MSG(st == PB_OK, "%s %s: case_read: %s", wl->name, what, msg.text);
        expect_verified(wl, &problem, pool, what);
        if (e2e) {
            pb_problem_poison_outputs(&problem);
            double e2e_seconds = 0;
            st = backend->case_e2e(kase, &e2e_seconds, &msg);
            CHECK_MSG(st == PB_OK && e2e_seconds > 0, "%s %s: case_e2e: %s", wl->name, what, msg.text);
            expect_verified(wl, &problem, pool, "end-to-end");
        }
    }
    backend->case_destroy(kase);
    pb_problem_destroy(&problem);
    return seconds / launches;
}

/* One workload at one preset on device 0, as run_dims. */
static void run_workload(const pb_backend *backend, void *ctx, pb_pool *pool, pb_workload_id id, pb_preset preset,
                         int launches, int e2e)
{
    const pb_workload *wl = pb_workload_get(id);
    CHECK_MSG(wl != NULL, "workload %d is missing", (int)id);
    if (!wl)
        return;
    double start = pb_time_now();
    double seconds = run_dims(backend, ctx, pool, wl, &wl->sizes[preset], pb_preset_name(preset), launches, e2e);
    if (preset == PB_PRESET_STANDARD)
        fprintf(stderr, "  %-10s %-8s kernel %.4f s per launch (%.1f s with setup and check)\n", wl->name,
                pb_preset_name(preset), seconds, pb_time_now() - start);
}

static void run_preset(pb_preset preset, int launches, int e2e)
{
    const pb_backend *backend;
    pb_msg why = {""};
    void *ctx = opencl_ctx(&backend, &why);
    if (!ctx)
        SKIP("%s", why.text);
    pb_pool *pool = NULL;
    CHECK(pb_pool_create(2, &pool, &why) == PB_OK);
    for (int id = 0; id < PB_WL_COUNT && pool; id++)
        run_workload(backend, ctx, pool, (pb_workload_id)id, preset, launches, e2e);
    pb_pool_free(pool);
    backend->shutdown(ctx);
}

static void test_tiny_verifies(void)
{
    run_preset(PB_PRESET_TINY, 3, 1);
}

static void test_quick_verifies(void)
{
    run_preset(PB_PRESET_QUICK, 2, 1);
}

/* One launch each: PoCL runs on the CPU, and standard sizes are meant for real GPUs. */
static void test_standard_verifies(void)
{
    const char *sanitize = getenv("PB_SANITIZE");
    if (sanitize && strcmp(sanitize, "1") == 0)
        SKIP("standard sizes are too slow under the sanitizers");
    run_preset(PB_PRESET_STANDARD, 1, 0);
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
    const pb_workload *wl = pb_workload_get(PB_WL_SGEMM);
    pb_pool *pool = NULL;
    CHECK(pb_pool_create(2, &pool, &why) == PB_OK);
    const int configs = pb_opencl_sgemm_config_for_test(ctx, -1);
    for (int config = 0; config < configs && pool; config++) {
        pb_opencl_sgemm_config_for_test(ctx, config);
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            const pb_dims dims = {{sizes[i]}};
            char what[64];
            snprintf(what, sizeof what, "n=%lld, tile configuration %d", (long long)sizes[i], config);
            run_dims(backend, ctx, pool, wl, &dims, what, 1, 0);
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
    {"opencl_tiny_verifies", test_tiny_verifies},
    {"opencl_quick_verifies", test_quick_verifies},
    {"opencl_standard_verifies", test_standard_verifies},
};

PBTEST_MAIN(tests)
