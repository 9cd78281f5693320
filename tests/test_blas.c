/* Tests of the blas backend: found through the registry (skipped cleanly when this build has no
 * BLAS, whose entry must then say how to add one), its variants, and SGEMM verified at several
 * sizes on one thread and on all threads. */
#include <string.h>

#include "../src/core/backend.h"
#include "../src/core/fingerprint.h"
#include "pbtest.h"

#define SEED 20261127u

static const pb_backend_entry *blas_entry(void)
{
    int n;
    const pb_backend_entry *reg = pb_backend_registry(&n);
    for (int i = 0; i < n; i++)
        if (strcmp(reg[i].name, "blas") == 0)
            return &reg[i];
    return NULL;
}

static void test_registry_entry(void)
{
    const pb_backend_entry *e = blas_entry();
    CHECK(e != NULL);
    if (e && !e->backend) {
        CHECK(e->missing_why && strstr(e->missing_why, "libopenblas-dev"));
        SKIP("blas not built here: %s", e->missing_why);
    }
}

/* Runs one SGEMM of size n on each of the backend's variants for {1, all} threads and verifies. */
static void run_sgemm(const pb_backend *b, void *ctx, pb_pool *pool, int64_t n)
{
    const pb_workload *wl = pb_workload_get(PB_WL_SGEMM);
    const int all = pb_fingerprint_online_cpus();
    int threads[] = { 1, all };
    pb_variant_request req = { threads, 2, all };
    pb_variant v[PB_MAX_VARIANTS];
    int nv = b->variants(ctx, PB_WL_SGEMM, &req, v, PB_MAX_VARIANTS);
    CHECK(nv >= 1);
    for (int i = 0; i < nv; i++) {
        pb_dims d = { { n } };
        pb_problem p;
        pb_msg msg = { "" };
        CHECK(wl->create(&d, SEED, &p, &msg) == PB_OK);
        pb_problem_poison_outputs(&p);
        void *kase = NULL;
        CHECK_MSG(b->case_create(ctx, &v[i], &p, &kase, &msg) == PB_OK, "%s", msg.text);
        double s = -1;
        int device_timer = -1;
        CHECK(b->case_run(kase, 2, &s, &device_timer, &msg) == PB_OK);
        CHECK(s >= 0 && device_timer == 0);
        b->case_destroy(kase);
        pb_check check;
        CHECK(wl->verify(&p, pool, all, v[i].unit_roundoff, &check, &msg) == PB_OK);
        CHECK_MSG(check.ok, "n = %lld, %d threads: %s, error %g > %g", (long long)n, v[i].threads, check.method,
                  check.max_err, check.tolerance);
        pb_problem_destroy(&p);
    }
}

static void test_sgemm_verified(void)
{
    const pb_backend_entry *e = blas_entry();
    if (!e || !e->backend)
        SKIP("blas not built here");
    const pb_backend *b = e->backend;
    void *ctx = NULL;
    pb_pool *pool = NULL;
    pb_msg msg;
    CHECK_MSG(b->init(&ctx, &msg) == PB_OK, "%s", msg.text);
    CHECK(pb_pool_create(pb_fingerprint_online_cpus(), &pool, &msg) == PB_OK);
    static const int64_t sizes[] = { 1, 7, 67, 512, 1023, 1025 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        run_sgemm(b, ctx, pool, sizes[i]);
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
    pb_variant_request req = { threads, 2, all };
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
    pb_variant_request odd = { other, 1, all };
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
