/* The blas backend: SGEMM through the platform's CBLAS (Accelerate on macOS, OpenBLAS or another
 * CBLAS elsewhere), the tuned library a user would otherwise reach for, measured beside our own. */
#include <stdio.h>
#include <string.h>

#ifdef PB_BLAS_ACCELERATE
#define ACCELERATE_NEW_LAPACK
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

#include "../../core/backend.h"
#include "../../core/fingerprint.h"
#include "../../core/mem.h"
#include "../../core/timer.h"

#ifndef PB_BLAS_PROVIDER
#define PB_BLAS_PROVIDER "cblas"
#endif

#ifdef PB_BLAS_OPENBLAS
/* Declared here too: the cblas.h found first may be another CBLAS's, while the library linked is
 * OpenBLAS. */
void openblas_set_num_threads(int num_threads);
char *openblas_get_config(void);
#define PB_BLAS_IMPL "openblas"
/* OpenBLAS's thread count is process-wide: each case sets its own before it runs. */
#define PB_BLAS_SET_THREADS(n) openblas_set_num_threads(n)
#define PB_BLAS_THREADS_NOTE ""
#elif defined(PB_BLAS_ACCELERATE)
#define PB_BLAS_IMPL "accelerate"
#define PB_BLAS_SET_THREADS(n) ((void)(n))
#define PB_BLAS_THREADS_NOTE "; thread count chosen by Accelerate (it cannot be set per call)"
#else
#define PB_BLAS_IMPL "cblas"
#define PB_BLAS_SET_THREADS(n) ((void)(n))
#define PB_BLAS_THREADS_NOTE "; thread count chosen by the library (no portable way to set it)"
#endif

/* Whether the library obeys a thread count: when it does not, one variant stands for it. */
#ifdef PB_BLAS_OPENBLAS
#define PB_BLAS_CAN_SET_THREADS 1
#else
#define PB_BLAS_CAN_SET_THREADS 0
#endif

typedef struct pb_blas_ctx {
    int all_threads;
    char describe[256];
} pb_blas_ctx;

typedef struct pb_blas_case {
    pb_problem *problem;
    int threads;
} pb_blas_case;

static pb_status pb_blas_init(void **ctx, pb_msg *why)
{
    pb_blas_ctx *c = pb_alloc(sizeof *c);
    if (!c)
        return pb_msg_set(why, PB_ERR_NOMEM, "out of memory starting the blas backend");
    memset(c, 0, sizeof *c);
    c->all_threads = pb_fingerprint_online_cpus();
#ifdef PB_BLAS_OPENBLAS
    snprintf(c->describe, sizeof c->describe, "%s (%s)", PB_BLAS_PROVIDER, openblas_get_config());
#else
    snprintf(c->describe, sizeof c->describe, "%s%s", PB_BLAS_PROVIDER, PB_BLAS_THREADS_NOTE);
#endif
    *ctx = c;
    return PB_OK;
}

static void pb_blas_shutdown(void *ctx) { pb_free(ctx); }

static int pb_blas_device_count(void *ctx)
{
    (void)ctx;
    return 1;
}

static pb_status pb_blas_device_info(void *ctx, int device, pb_device_info *out)
{
    const pb_blas_ctx *c = ctx;
    if (device != 0)
        return PB_ERR_USAGE;
    memset(out, 0, sizeof *out);
    pb_strlcpy(out->name, "host CPU", sizeof out->name);
    out->type = PB_DEVICE_CPU;
    out->compute_units = c->all_threads;
    out->unified_memory = 1;
    pb_strlcpy(out->extra, "CBLAS: " PB_BLAS_PROVIDER PB_BLAS_THREADS_NOTE, sizeof out->extra);
    return PB_OK;
}

static int pb_blas_variant(pb_variant *out, int count, int max, int threads)
{
    return pb_variant_add(out, count, max, 0, threads, PB_BLAS_IMPL, PB_ROLE_LIB_CPU, "fp32", PB_FP32_UNIT_ROUNDOFF);
}

/* SGEMM only, on one thread and on all threads where those were asked for (both role lib-cpu; the
 * thread count tells them apart). A library whose thread count cannot be set gets one variant,
 * on all threads, since that is what it uses. */
static int pb_blas_variants(void *ctx, pb_workload_id id, const pb_variant_request *req, pb_variant *out, int max)
{
    int want_one = 0, want_all = 0, count = 0;
    (void)ctx;
    if (id != PB_WL_SGEMM)
        return 0;
    for (int i = 0; i < req->nthreads; i++) {
        want_one |= req->threads[i] == 1;
        want_all |= req->threads[i] == req->all_threads;
    }
    if (!PB_BLAS_CAN_SET_THREADS) {
        return want_one || want_all ? pb_blas_variant(out, count, max, req->all_threads) : count;
    }
    if (want_one)
        count = pb_blas_variant(out, count, max, 1);
    if (want_all && req->all_threads != 1)
        count = pb_blas_variant(out, count, max, req->all_threads);
    return count;
}

static pb_status pb_blas_case_create(void *ctx, const pb_variant *variant, pb_problem *problem, void **kase,
                                     pb_msg *msg)
{
    (void)ctx;
    if (problem->id != PB_WL_SGEMM)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "the blas backend runs sgemm only");
    pb_blas_case *k = pb_alloc(sizeof *k);
    if (!k)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory preparing a blas case");
    k->problem = problem;
    k->threads = variant->threads < 1 ? 1 : variant->threads;
    *kase = k;
    return PB_OK;
}

static pb_status pb_blas_case_run(void *kase, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    pb_blas_case *k = kase;
    const pb_problem *p = k->problem;
    const int n = p->params.sgemm.n;
    const float *a = p->buf[0].host, *b = p->buf[1].host;
    float *cm = p->buf[2].host;
    (void)msg;
    PB_BLAS_SET_THREADS(k->threads);
    double t0 = pb_time_now();
    for (int i = 0; i < launches; i++)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, cm, n);
    *seconds = pb_time_now() - t0;
    *device_timer = 0;
    return PB_OK;
}

static void pb_blas_case_destroy(void *kase) { pb_free(kase); }

static const char *pb_blas_describe(void *ctx) { return ((const pb_blas_ctx *)ctx)->describe; }

const pb_backend pb_backend_blas = {
    .name = "blas",
    .summary = "the platform's CBLAS (" PB_BLAS_PROVIDER "): SGEMM as a vendor reference",
    .init = pb_blas_init,
    .shutdown = pb_blas_shutdown,
    .device_count = pb_blas_device_count,
    .device_info = pb_blas_device_info,
    .variants = pb_blas_variants,
    .case_create = pb_blas_case_create,
    .case_run = pb_blas_case_run,
    .case_e2e = NULL,
    .case_read = NULL,
    .case_destroy = pb_blas_case_destroy,
    .describe = pb_blas_describe,
};
