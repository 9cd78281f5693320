/* The lifecycle of one measured case as every backend test drives it: find and start a backend
 * through the registry, create a problem, poison its outputs, create the case, run it, read the
 * outputs back, verify. The matrix test (test_matrix.c) runs it over every backend x workload x
 * variant; the per-backend tests use it for what only their backend has (odd sizes, tile
 * configurations, timers). */
#ifndef PBCASE_H
#define PBCASE_H

#include "../src/backends/backend.h"
#include "../src/core/pool.h"

#define PBCASE_SEED 20261127u

/* Whether this is a sanitizer build (`make test SANITIZE=1` sets PB_SANITIZE=1; a sanitized binary
 * run by hand is recognised too), where large sizes are too slow to run. */
int pbcase_sanitized(void);

/* The registry entry named `name`, or NULL when this build does not know it. */
const pb_backend_entry *pbcase_entry(const char *name);

/* Starts the backend named `name`: its context, or NULL with `why` saying why not (not built, or
 * init failed: no device, no platform). *backend is set when it is built. */
void *pbcase_start(const char *name, const pb_backend **backend, pb_msg *why);

/* A pool with one thread per online CPU for verification (NULL, with a failed check, when it
 * cannot be made). */
pb_pool *pbcase_pool(void);

/* The backend's variants of workload `id` for 1 thread and all threads; returns how many. */
int pbcase_variants(const pb_backend *backend, void *ctx, pb_workload_id id, pb_variant *out);

typedef struct pbcase_opts {
    int launches;  /* timed launches (at least 1); later launches must leave the first's answer */
    int e2e;       /* also one end-to-end launch into poisoned host outputs, verified on its own */
    int device_timer; /* pbcase_expect_verified: the kernel time must come from device timers */
} pbcase_opts;

/* What happened to one case. */
typedef struct pbcase_result {
    pb_status status;    /* PB_OK when every step ran (check.ok then says whether it verified) */
    const char *step;    /* the step that failed: "case_create", "case_run", "case_read", ... */
    pb_msg msg;
    double seconds;      /* kernel time of all the timed launches */
    int device_timer;    /* 1 when `seconds` came from device timers */
    pb_check check;      /* of the last verification */
} pbcase_result;

/* Runs variant `v` of the backend on problem `p` (already created): poisons the outputs, creates
 * the case, runs it, reads back and verifies with the variant's unit roundoff; with opts->e2e,
 * poisons again and verifies one end-to-end launch. The problem keeps the verified outputs. */
pb_status pbcase_run(const pb_backend *backend, void *ctx, const pb_variant *v, pb_problem *p, pb_pool *pool,
                     const pbcase_opts *opts, pbcase_result *r);

/* Creates workload `id` at `dims`, runs it as pbcase_run and checks that it verified (failing the
 * current test with `what` and every detail otherwise). Returns the kernel time per launch, or 0
 * when it did not verify. */
double pbcase_expect_verified(const pb_backend *backend, void *ctx, const pb_variant *v, pb_workload_id id,
                              const pb_dims *dims, pb_pool *pool, const pbcase_opts *opts, const char *what);

/* Verifies the outputs now in `p` with unit roundoff `u`: 1 when they pass. A verification that
 * could not run fails the current test. */
int pbcase_verify(pb_problem *p, pb_pool *pool, double u, pb_check *check);

#endif
