/* The cuda backend. Without a driver or GPU (the development machines), init fails fast with the
 * "no device" message; with a GPU, devices are described and fp32 and TF32 cuBLAS stay separate
 * cases (TF32 only where tensor cores have it). Every workload and variant runs and verifies in
 * test_matrix.c. The decisions made from CUDA's answers (driver too old, MIG labels, sticky errors)
 * are tested as plain functions. Skipped when the backend is not built. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/backends/backend.h"
#include "../src/backends/cuda/cuda_backend.h"
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

/* Error numbers as cudaError_t has them (driver_types.h); the tests compile without CUDA headers. */
enum { ERR_INVALID_VALUE = 1, ERR_MEMORY_ALLOCATION = 2, ERR_INSUFFICIENT_DRIVER = 35, ERR_NO_DEVICE = 100,
       ERR_ILLEGAL_ADDRESS = 700, ERR_LAUNCH_OUT_OF_RESOURCES = 701, ERR_LAUNCH_FAILURE = 719 };

static void test_driver_older_than_the_build(void)
{
#ifdef HAVE_CUDA
    char text[512];
    /* No driver: version 0, the "no device" message with the CUDA version the driver must support. */
    pb_cuda_unavailable_text(ERR_INSUFFICIENT_DRIVER, "cudaErrorInsufficientDriver", 0, 13000, text, sizeof text);
    CHECK_MSG(strncmp(text, NO_DEVICE, strlen(NO_DEVICE)) == 0, "%s", text);
    CHECK_MSG(strstr(text, "support CUDA 13.0") && strstr(text, "nvidia-smi"), "%s", text);
    /* The same error 35 from a driver that is there but older: said so, with both fixes. */
    pb_cuda_unavailable_text(ERR_INSUFFICIENT_DRIVER, "cudaErrorInsufficientDriver", 12040, 13000, text, sizeof text);
    CHECK_MSG(strstr(text, "the driver supports CUDA 12.4, this build needs 13.0") != NULL, "%s", text);
    CHECK_MSG(strstr(text, "make clean && make NVCC=") && strstr(text, "update the NVIDIA driver"), "%s", text);
    CHECK_MSG(strstr(text, "cudaErrorInsufficientDriver (35)") != NULL, "%s", text);
    CHECK_MSG(strstr(text, "no device") == NULL, "an old driver is not 'no device': %s", text);
    /* A driver new enough and still no device: neither of the above. */
    pb_cuda_unavailable_text(ERR_NO_DEVICE, "cudaErrorNoDevice", 13000, 13000, text, sizeof text);
    CHECK_MSG(strstr(text, "CUDA: no device usable (the driver supports CUDA 13.0)") == text, "%s", text);
    CHECK_MSG(strstr(text, "cudaErrorNoDevice (100)") && strstr(text, "CUDA_VISIBLE_DEVICES"), "%s", text);
    pb_cuda_unavailable_text(ERR_NO_DEVICE, "cudaErrorNoDevice", 12080, 12060, text, sizeof text);
    CHECK_MSG(strstr(text, "too old") == NULL, "a newer driver is not too old: %s", text);
    char small[16];
    pb_cuda_unavailable_text(ERR_NO_DEVICE, "cudaErrorNoDevice", 0, 13000, small, sizeof small);
    CHECK(strlen(small) == sizeof small - 1);
#else
    SKIP("the cuda backend is not built");
#endif
}

static void test_mig_slices_are_labelled(void)
{
#ifdef HAVE_CUDA
    char label[128];
    pb_cuda_device_label("NVIDIA H200", 132, 0, label, sizeof label);
    CHECK_STR(label, "NVIDIA H200 (132 SMs)");
    /* A 1g slice of an H200: the name of the whole GPU, 16 SMs. */
    pb_cuda_device_label("NVIDIA H200", 16, 0, label, sizeof label);
    CHECK_STR(label, "NVIDIA H200 MIG slice (16 of 132 SMs)");
    pb_cuda_device_label("NVIDIA H100 PCIe", 114, 0, label, sizeof label);
    CHECK_STR(label, "NVIDIA H100 PCIe (114 SMs)");
    pb_cuda_device_label("NVIDIA H100 80GB HBM3", 66, 0, label, sizeof label);
    CHECK_STR(label, "NVIDIA H100 80GB HBM3 MIG slice (66 of 132 SMs)");
    pb_cuda_device_label("NVIDIA A100-SXM4-80GB", 42, 0, label, sizeof label);
    CHECK_STR(label, "NVIDIA A100-SXM4-80GB MIG slice (42 of 108 SMs)");
    /* Parts not in the table get no SM check, and a name's word must match whole. */
    pb_cuda_device_label("NVIDIA RTX A3000 Laptop GPU", 32, 0, label, sizeof label);
    CHECK_STR(label, "NVIDIA RTX A3000 Laptop GPU (32 SMs)");
    pb_cuda_device_label("NVIDIA GeForce RTX 4090", 128, 0, label, sizeof label);
    CHECK_STR(label, "NVIDIA GeForce RTX 4090 (128 SMs)");
    /* Named a MIG instance in CUDA_VISIBLE_DEVICES: a slice whatever the part. */
    pb_cuda_device_label("NVIDIA Future GPU", 20, 1, label, sizeof label);
    CHECK_STR(label, "NVIDIA Future GPU MIG slice (20 SMs)");

    CHECK(!pb_cuda_visible_is_mig(NULL, 0));
    CHECK(!pb_cuda_visible_is_mig("0,1", 0));
    CHECK(pb_cuda_visible_is_mig("MIG-4b5c7b1e-0f0e-5a0b-9d6e-2f1a3b4c5d6e", 0));
    CHECK(!pb_cuda_visible_is_mig("MIG-4b5c7b1e-0f0e-5a0b-9d6e-2f1a3b4c5d6e", 1));
    CHECK(pb_cuda_visible_is_mig("GPU-8a7b,  MIG-1234", 1));
    CHECK(!pb_cuda_visible_is_mig("GPU-8a7b,MIG-1234", 0));
    CHECK(!pb_cuda_visible_is_mig("MIG-1234", -1));
#else
    SKIP("the cuda backend is not built");
#endif
}

static void test_sticky_errors_are_told_apart(void)
{
#ifdef HAVE_CUDA
    CHECK(pb_cuda_error_is_sticky(ERR_ILLEGAL_ADDRESS));
    CHECK(pb_cuda_error_is_sticky(ERR_LAUNCH_FAILURE));
    CHECK(!pb_cuda_error_is_sticky(0));
    CHECK(!pb_cuda_error_is_sticky(ERR_INVALID_VALUE));
    CHECK(!pb_cuda_error_is_sticky(ERR_MEMORY_ALLOCATION));
    CHECK(!pb_cuda_error_is_sticky(ERR_LAUNCH_OUT_OF_RESOURCES));
    CHECK(!pb_cuda_error_is_sticky(ERR_INSUFFICIENT_DRIVER));
#else
    SKIP("the cuda backend is not built");
#endif
}

/* After a sticky error the backend's remaining cases fail at once with the first fault's reason;
 * other errors leave it usable. Driven on a context without devices. */
static void test_sticky_error_fails_the_rest_fast(void)
{
    const pb_backend *backend = cuda_backend();
    if (!backend)
        SKIP("the cuda backend is not built");
#ifdef HAVE_CUDA
    void *ctx = pb_cuda_ctx_for_test();
    CHECK(ctx != NULL);
    if (!ctx)
        return;
    pb_variant v;
    memset(&v, 0, sizeof v);
    pb_strlcpy(v.impl, "own", sizeof v.impl);
    pb_problem problem;
    memset(&problem, 0, sizeof problem);
    void *kase = NULL;
    pb_msg msg = { "" };
    CHECK_MSG(backend->case_create(ctx, &v, &problem, &kase, &msg) == PB_ERR_USAGE, "%s", msg.text);
    CHECK_MSG(strstr(msg.text, "no device 0") != NULL, "%s", msg.text);

    pb_cuda_note_error_for_test(ctx, ERR_MEMORY_ALLOCATION, "CUDA: cudaMalloc failed: out of memory");
    CHECK(backend->case_create(ctx, &v, &problem, &kase, &msg) == PB_ERR_USAGE);

    pb_cuda_note_error_for_test(ctx, ERR_ILLEGAL_ADDRESS, "CUDA: kernel execution failed: cudaErrorIllegalAddress (700)");
    pb_cuda_note_error_for_test(ctx, ERR_LAUNCH_FAILURE, "CUDA: a later fault");
    pb_msg fast = { "" };
    CHECK(backend->case_create(ctx, &v, &problem, &kase, &fast) == PB_ERR_BACKEND);
    CHECK_MSG(strstr(fast.text, "an earlier case left the GPU in an error state") != NULL, "%s", fast.text);
    CHECK_MSG(strstr(fast.text, "cudaErrorIllegalAddress (700)") != NULL, "the first fault: %s", fast.text);
    CHECK_MSG(strstr(fast.text, "a later fault") == NULL, "%s", fast.text);
    CHECK(kase == NULL);
    backend->shutdown(ctx);
#endif
}

static const pbtest_case cases[] = {
    { "no_device_is_reported_cleanly", test_no_device_is_reported_cleanly },
    { "free_functions_accept_null", test_free_functions_accept_null },
    { "devices_are_described", test_devices_are_described },
    { "tf32_is_a_separate_case", test_tf32_is_a_separate_case },
    { "driver_older_than_the_build", test_driver_older_than_the_build },
    { "mig_slices_are_labelled", test_mig_slices_are_labelled },
    { "sticky_errors_are_told_apart", test_sticky_errors_are_told_apart },
    { "sticky_error_fails_the_rest_fast", test_sticky_error_fails_the_rest_fast },
};

PBTEST_MAIN(cases)
