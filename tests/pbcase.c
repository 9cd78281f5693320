/* The case lifecycle shared by the backend tests and the matrix test (pbcase.h). */
#include "pbcase.h"

#include <stdlib.h>
#include <string.h>

#include "../src/core/fingerprint.h"
#include "pbtest.h"

#if defined(__SANITIZE_ADDRESS__)
#define PBCASE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PBCASE_ASAN 1
#endif
#endif
#ifndef PBCASE_ASAN
#define PBCASE_ASAN 0
#endif

/* Read by AddressSanitizer at start-up in SANITIZE=1 builds (ignored otherwise), for every test
 * program that may start a backend. An allocation too large to make returns NULL, as it does
 * without the sanitizer, instead of ending the program (test_cpu asks for terabytes on purpose).
 * With a GPU, the CUDA driver maps memory inside the range ASan protects as its shadow gap, and
 * keeps a few allocations from its initialisation to the end (google/sanitizers#629). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1:protect_shadow_gap=0";
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libcuda\nleak:libcublas\n";
}

int pbcase_sanitized(void)
{
    const char *s = getenv("PB_SANITIZE");
    return PBCASE_ASAN || (s && strcmp(s, "1") == 0);
}

const pb_backend_entry *pbcase_entry(const char *name)
{
    int count = 0;
    const pb_backend_entry *registry = pb_backend_registry(&count);
    for (int i = 0; i < count; i++) {
        if (strcmp(registry[i].name, name) == 0)
            return &registry[i];
    }
    return NULL;
}

void *pbcase_start(const char *name, const pb_backend **backend, pb_msg *why)
{
    const pb_backend_entry *e = pbcase_entry(name);
    *backend = e ? e->backend : NULL;
    if (!*backend) {
        pb_msg_set(why, PB_ERR_UNAVAILABLE, "%s: %s", name, e ? e->missing_why : "not in the registry");
        return NULL;
    }
    void *ctx = NULL;
    return (*backend)->init(&ctx, why) == PB_OK ? ctx : NULL;
}

pb_pool *pbcase_pool(void)
{
    pb_pool *pool = NULL;
    pb_msg msg = { "" };
    CHECK_MSG(pb_pool_create(pb_fingerprint_online_cpus(), &pool, &msg) == PB_OK, "pool: %s", msg.text);
    return pool;
}

int pbcase_variants(const pb_backend *backend, void *ctx, pb_workload_id id, pb_variant *out)
{
    const int all = pb_fingerprint_online_cpus();
    int threads[] = { 1, all };
    pb_variant_request req = { threads, 2, all, 0 };
    return backend->variants(ctx, id, &req, out, PB_MAX_VARIANTS);
}

int pbcase_verify(pb_problem *p, pb_pool *pool, double u, pb_check *check)
{
    pb_msg msg = { "" };
    memset(check, 0, sizeof *check);
    const int threads = pool ? pb_pool_max_threads(pool) : 1;
    pb_status st = pb_workload_get(p->id)->verify(p, pool, threads, u, check, &msg);
    CHECK_MSG(st == PB_OK, "verify of %s could not run: %s", pb_workload_get(p->id)->name, msg.text);
    return st == PB_OK && check->ok;
}

/* Records a failed step; returns its status. */
static pb_status pbcase_fail(pbcase_result *r, const char *step, pb_status st)
{
    r->status = st;
    r->step = step;
    return st;
}

/* The launches of an existing case: run, read back (where the backend has a read step), verify. */
static pb_status pbcase_launch(const pb_backend *backend, void *kase, const pb_variant *v, pb_problem *p,
                               pb_pool *pool, const pbcase_opts *opts, pbcase_result *r)
{
    pb_status st = backend->case_run(kase, opts->launches, &r->seconds, &r->device_timer, &r->msg);
    if (st != PB_OK)
        return pbcase_fail(r, "case_run", st);
    if (backend->case_read && (st = backend->case_read(kase, &r->msg)) != PB_OK)
        return pbcase_fail(r, "case_read", st);
    if (!pbcase_verify(p, pool, v->unit_roundoff, &r->check) || !opts->e2e || !backend->case_e2e)
        return PB_OK;
    double e2e = 0;
    pb_problem_poison_outputs(p);
    if ((st = backend->case_e2e(kase, &e2e, &r->msg)) != PB_OK || !(e2e > 0))
        return pbcase_fail(r, "case_e2e", st != PB_OK ? st : PB_ERR_BACKEND);
    pbcase_verify(p, pool, v->unit_roundoff, &r->check);
    return PB_OK;
}

pb_status pbcase_run(const pb_backend *backend, void *ctx, const pb_variant *v, pb_problem *p, pb_pool *pool,
                     const pbcase_opts *opts, pbcase_result *r)
{
    void *kase = NULL;
    memset(r, 0, sizeof *r);
    pb_problem_poison_outputs(p);
    pb_status st = backend->case_create(ctx, v, p, &kase, &r->msg);
    if (st != PB_OK)
        return pbcase_fail(r, "case_create", st);
    st = pbcase_launch(backend, kase, v, p, pool, opts, r);
    backend->case_destroy(kase);
    return st;
}

double pbcase_expect_verified(const pb_backend *backend, void *ctx, const pb_variant *v, pb_workload_id id,
                              const pb_dims *dims, pb_pool *pool, const pbcase_opts *opts, const char *what)
{
    const pb_workload *wl = pb_workload_get(id);
    pb_problem p;
    pbcase_result r;
    memset(&r, 0, sizeof r);
    pb_status st = wl->create(dims, PBCASE_SEED, &p, &r.msg);
    CHECK_MSG(st == PB_OK, "%s %s: create: %s", wl->name, what, r.msg.text);
    if (st != PB_OK)
        return 0;
    st = pbcase_run(backend, ctx, v, &p, pool, opts, &r);
    CHECK_MSG(st == PB_OK, "%s %s on %s (%s, %d threads): %s: %s: %s", wl->name, what, backend->name,
              pb_role_name(v->role), v->threads, r.step, pb_status_name(st), r.msg.text);
    CHECK_MSG(st != PB_OK || r.check.ok, "%s %s on %s (%s, %d threads): %s: max error %g > %g, %lld bad, first %lld",
              wl->name, what, backend->name, pb_role_name(v->role), v->threads, r.check.method, r.check.max_err,
              r.check.tolerance, (long long)r.check.bad, (long long)r.check.first_bad);
    CHECK_MSG(st != PB_OK || !opts->device_timer || (r.device_timer == 1 && r.seconds > 0),
              "%s %s on %s: %g s, not from device timers", wl->name, what, backend->name, r.seconds);
    pb_problem_destroy(&p);
    return st == PB_OK && r.check.ok ? r.seconds / opts->launches : 0;
}
