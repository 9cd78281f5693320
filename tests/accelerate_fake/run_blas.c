/* Runs the blas backend built for Accelerate against the fake (tests/cli_accelerate_checks.sh):
 * its rows, the threading model each case hands to Accelerate, its describe() text, and SGEMM
 * verified. Prints one "ok"/"not ok" line per check. Exit 1 when one failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/backends/backend.h"
#include "../../src/core/pool.h"
#include "fake_accelerate.h"

extern const pb_backend pb_backend_blas;

static int failed;

static void check(int ok, const char *what, const char *detail)
{
    printf("%s %s%s%s\n", ok ? "ok" : "not ok", what, ok ? "" : ": ", ok ? "" : detail);
    failed |= !ok;
}

/* One SGEMM case on `v`, verified; returns the threading model Accelerate saw. */
static int run_case(void *ctx, pb_pool *pool, const pb_variant *v)
{
    const pb_workload *wl = pb_workload_get(PB_WL_SGEMM);
    pb_dims d = { { 67 } };
    pb_problem p;
    pb_msg msg = { "" };
    void *kase = NULL;
    double s;
    int timer, seen = -2;
    if (wl->create(&d, 7, &p, &msg) != PB_OK)
        return -2;
    pb_problem_poison_outputs(&p);
    if (pb_backend_blas.case_create(ctx, v, &p, &kase, &msg) == PB_OK &&
        pb_backend_blas.case_run(kase, 1, &s, &timer, &msg) == PB_OK) {
        pb_check c;
        seen = pb_fake_model_seen;
        if (wl->verify(&p, pool, 1, v->unit_roundoff, &c, &msg) != PB_OK || !c.ok)
            seen = -3;
    }
    pb_backend_blas.case_destroy(kase);
    pb_problem_destroy(&p);
    return seen;
}

int main(void)
{
    const int refused = getenv("PB_FAKE_REFUSE") != NULL;
    void *ctx = NULL;
    pb_pool *pool = NULL;
    pb_msg msg = { "" };
    if (pb_pool_create(1, &pool, &msg) != PB_OK || pb_backend_blas.init(&ctx, &msg) != PB_OK) {
        printf("not ok init: %s\n", msg.text);
        return 1;
    }
    const char *text = pb_backend_blas.describe(ctx);
    check(strstr(text, "Accelerate 4.0.0 (vecLib 3.11.0) on macOS 15.1 (24B83)") != NULL,
          "describe() names the Accelerate and macOS versions", text);
    int threads[] = { 1, 8 };
    pb_variant_request req = { threads, 2, 8, 0 };
    pb_variant v[PB_MAX_VARIANTS];
    int n = pb_backend_blas.variants(ctx, PB_WL_SGEMM, &req, v, PB_MAX_VARIANTS);
    if (!refused) {
        check(n == 2 && v[0].threads == 1 && v[1].threads == 8, "a 1-thread and an all-thread lib-cpu row", text);
        check(strstr(text, "BLAS_THREADING_SINGLE_THREADED") != NULL, "describe() says how the rows are made", text);
        check(n == 2 && run_case(ctx, pool, &v[0]) == 1 /* single */,
              "the 1-thread row runs single-threaded, verified", "wrong model or wrong result");
        check(n == 2 && run_case(ctx, pool, &v[1]) == 0 /* multi */,
              "the all-thread row lets Accelerate decide, verified", "wrong model or wrong result");
    } else {
        check(n == 1 && v[0].threads == 8, "one all-thread row when BLASSetThreading refuses", text);
        check(strstr(text, "one row only") != NULL, "describe() says why there is one row", text);
        check(n == 1 && run_case(ctx, pool, &v[0]) == 0, "that row runs, verified",
              "wrong model or wrong result");
    }
    pb_backend_blas.shutdown(ctx);
    pb_pool_free(pool);
    return failed;
}
