/* The cuda backend. Without a driver or GPU (the development machines), init fails fast with the
 * "no device" message; with a GPU, devices are described and fp32 and TF32 cuBLAS stay separate
 * cases (TF32 only where tensor cores have it). Every workload and variant runs and verifies in
 * test_matrix.c. Skipped when the backend is not built. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/backends/backend.h"
#include "pbcase.h"
#include "pbtest.h"

#define NO_DEVICE "CUDA: no device (driver missing or no GPU)"

static const pb_backend *cuda_backend(void)
{
    const pb_backend_entry *e = pbcase_entry("cuda");
    return e ? e->backend : NULL;
}

/* Initialises the backend under an alarm, so a hang in the CUDA runtime fails the test program
 * instead of stalling the suite. */
static pb_status cuda_init(const pb_backend *backend, void **ctx, pb_msg *why)
{
    alarm(60);
    pb_status status = backend->init(ctx, why);
    alarm(0);
    return status;
}

static void test_no_device_is_reported_cleanly(void)
{
    const pb_backend *backend = cuda_backend();
    if (!backend)
        SKIP("the cuda backend is not built");
    void *ctx = NULL;
    pb_msg why = { "" };
    pb_status status = cuda_init(backend, &ctx, &why);
    if (status == PB_OK) {
        backend->shutdown(ctx);
        SKIP("this machine has a CUDA device");
    }
    CHECK_MSG(status == PB_ERR_UNAVAILABLE, "status %s: %s", pb_status_name(status), why.text);
    CHECK_MSG(strncmp(why.text, NO_DEVICE, strlen(NO_DEVICE)) == 0, "message: %s", why.text);
    CHECK_MSG(strstr(why.text, "cudaGetDeviceCount returned cudaError") != NULL, "message: %s", why.text);
    CHECK_MSG(strstr(why.text, "nvidia-smi") != NULL, "message lacks the fix: %s", why.text);
    CHECK(ctx == NULL);

    /* Asking again gives the same answer: the failed first attempt leaves nothing half-made. */
    pb_msg again = { "" };
    CHECK(cuda_init(backend, &ctx, &again) == PB_ERR_UNAVAILABLE);
    CHECK_STR(again.text, why.text);
}

static void test_free_functions_accept_null(void)
{
    const pb_backend *backend = cuda_backend();
    if (!backend)
        SKIP("the cuda backend is not built");
    backend->shutdown(NULL);
    backend->case_destroy(NULL);
    CHECK(strcmp(backend->name, "cuda") == 0);
    CHECK(backend->case_e2e != NULL && backend->case_read != NULL);
}

/* The tests below need a device; each returns with a skip when there is none. */
static void *cuda_ctx_or_skip(const pb_backend **backend)
{
    *backend = cuda_backend();
    if (!*backend)
        return NULL;
    void *ctx = NULL;
    pb_msg why = { "" };
    return cuda_init(*backend, &ctx, &why) == PB_OK ? ctx : NULL;
}

static void test_devices_are_described(void)
{
    const pb_backend *backend;
    void *ctx = cuda_ctx_or_skip(&backend);
    if (!ctx)
        SKIP("no CUDA device here");
    CHECK(backend->device_count(ctx) >= 1);
    for (int d = 0; d < backend->device_count(ctx); d++) {
        pb_device_info info;
        CHECK(backend->device_info(ctx, d, &info) == PB_OK);
        CHECK(info.name[0] != '\0');
        CHECK(info.type == PB_DEVICE_GPU);
        CHECK(info.compute_units > 0);
        CHECK(info.memory_bytes > 0);
        CHECK_MSG(strncmp(info.extra, "sm_", 3) == 0, "extra: %s", info.extra);
    }
    CHECK(strstr(backend->describe(ctx), "cuBLAS") != NULL);
    backend->shutdown(ctx);
}

static const pb_variant *find_variant(const pb_variant *v, int n, const char *impl)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(v[i].impl, impl) == 0 && v[i].device == 0)
            return &v[i];
    }
    return NULL;
}

static void test_tf32_is_a_separate_case(void)
{
    const pb_backend *backend;
    void *ctx = cuda_ctx_or_skip(&backend);
    if (!ctx)
        SKIP("no CUDA device here");
    pb_variant v[PB_MAX_VARIANTS];
    int n = backend->variants(ctx, PB_WL_SGEMM, NULL, v, PB_MAX_VARIANTS);
    const pb_variant *own = find_variant(v, n, "own");
    const pb_variant *fp32 = find_variant(v, n, "cublas");
    const pb_variant *tf32 = find_variant(v, n, "cublas-tf32");
    CHECK(own && own->role == PB_ROLE_GPU && strcmp(own->precision, "fp32") == 0);
    CHECK(fp32 && fp32->role == PB_ROLE_LIB_GPU && strcmp(fp32->precision, "fp32") == 0 &&
          fp32->unit_roundoff == PB_FP32_UNIT_ROUNDOFF);
    pb_device_info info;
    CHECK(backend->device_info(ctx, 0, &info) == PB_OK);
    if (atoi(info.extra + 3) >= 80)
        CHECK(tf32 && tf32->role == PB_ROLE_LIB_GPU && strcmp(tf32->precision, "tf32") == 0 &&
              tf32->unit_roundoff == PB_TF32_UNIT_ROUNDOFF);
    else
        CHECK_MSG(tf32 == NULL, "TF32 offered on %s, which has no TF32 tensor cores", info.extra);
    n = backend->variants(ctx, PB_WL_TRIAD, NULL, v, PB_MAX_VARIANTS);
    CHECK(find_variant(v, n, "own") != NULL && find_variant(v, n, "cublas") == NULL);
    backend->shutdown(ctx);
}

static const pbtest_case cases[] = {
    { "no_device_is_reported_cleanly", test_no_device_is_reported_cleanly },
    { "free_functions_accept_null", test_free_functions_accept_null },
    { "devices_are_described", test_devices_are_described },
    { "tf32_is_a_separate_case", test_tf32_is_a_separate_case },
};

PBTEST_MAIN(cases)
