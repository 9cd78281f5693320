/* Tests of the blas backend: found through the registry (skipped cleanly when this build has no
 * BLAS, whose entry must then say how to add one), its variants and description, and SGEMM
 * verified at odd sizes on one thread and on all threads (the presets run in test_matrix.c). */
#include <string.h>

#include "../src/backends/backend.h"
#include "../src/core/fingerprint.h"
#include "pbcase.h"
#include "pbtest.h"

static const pb_backend_entry *blas_entry(void) { return pbcase_entry("blas"); }

static void test_registry_entry(void)
{
    const pb_backend_entry *e = blas_entry();
    CHECK(e != NULL);
    if (e && !e->backend) {
        CHECK(e->missing_why && strstr(e->missing_why, "libopenblas-dev"));
        SKIP("blas not built here: %s", e->missing_why);
    }
}

/* SGEMM at sizes the presets (run in test_matrix.c) never have, on every variant, verified. */
static void test_sgemm_verified(void)
{
    const pb_backend *b;
    pb_msg why = { "" };
    void *ctx = pbcase_start("blas", &b, &why);
    if (!ctx)
        SKIP("%s", why.text);
    static const int64_t sizes[] = { 1, 7, 1023, 1025 };
    static const pbcase_opts two = { .launches = 2 };
    pb_pool *pool = pbcase_pool();
    pb_variant v[PB_MAX_VARIANTS];
    const int nv = pbcase_variants(b, ctx, PB_WL_SGEMM, v);
    CHECK(nv >= 1);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0] && pool; i++) {
        const pb_dims d = { { sizes[i] } };
        for (int k = 0; k < nv; k++)
            pbcase_expect_verified(b, ctx, &v[k], PB_WL_SGEMM, &d, pool, &two, "odd size");
    }
    pb_pool_free(pool);
    b->shutdown(ctx);
}

static void test_variants_and_describe(void)
{
    const pb_backend_entry *e = blas_entry();
    if (!e || !e->backend)
        SKIP("blas not built here");
    const pb_backend *b = e->backend;
    void *ctx = NULL;
    pb_msg msg;
    CHECK_MSG(b->init(&ctx, &msg) == PB_OK, "%s", msg.text);
    const int all = pb_fingerprint_online_cpus();
    int threads[] = { 1, all };
    pb_variant_request req = { threads, 2, all, 0 };
    pb_variant v[PB_MAX_VARIANTS];
    int n = b->variants(ctx, PB_WL_SGEMM, &req, v, PB_MAX_VARIANTS);
    CHECK(n >= 1 && n <= 2);
    for (int i = 0; i < n; i++) {
        CHECK(v[i].role == PB_ROLE_LIB_CPU);
        CHECK_STR(v[i].precision, "fp32");
        CHECK(v[i].threads == 1 || v[i].threads == all);
        CHECK(v[i].impl[0] != '\0' && strcmp(v[i].impl, "own") != 0);
    }
    if (n == 2)
        CHECK(v[0].threads != v[1].threads);
    /* One row stands for a library whose thread count cannot be set, and describe() says why. */
    if (n == 1 && all > 1)
        CHECK_MSG(strstr(b->describe(ctx), "one row only") != NULL, "%s", b->describe(ctx));
    for (int id = 0; id < PB_WL_COUNT; id++)
        if (id != PB_WL_SGEMM)
            CHECK(b->variants(ctx, (pb_workload_id)id, &req, v, PB_MAX_VARIANTS) == 0);
    /* Only 1 and all have a lib-cpu variant: a scaling point is the cpu backend's. */
    int other[] = { all + 1 };
    pb_variant_request odd = { other, 1, all, 0 };
    CHECK(b->variants(ctx, PB_WL_SGEMM, &odd, v, PB_MAX_VARIANTS) == 0);
    CHECK(b->describe && strlen(b->describe(ctx)) > 0);
    pb_device_info info;
    CHECK(b->device_count(ctx) == 1);
    CHECK(b->device_info(ctx, 0, &info) == PB_OK && info.type == PB_DEVICE_CPU);
    b->shutdown(ctx);
    b->shutdown(NULL);
}

static const pbtest_case cases[] = {
    { "registry_entry", test_registry_entry },
    { "variants_and_describe", test_variants_and_describe },
    { "sgemm_verified", test_sgemm_verified },
};

PBTEST_MAIN(cases)
