/* The blas backend: SGEMM through the platform's CBLAS (Accelerate on macOS, OpenBLAS or another
 * CBLAS elsewhere), the tuned library a user would otherwise reach for, measured beside our own. */
#include <stdio.h>
#include <string.h>

#ifdef PB_BLAS_ACCELERATE
#define ACCELERATE_NEW_LAPACK
#include <Accelerate/Accelerate.h>
#include <Availability.h>
#include <mach-o/dyld.h>
#include <sys/sysctl.h>
/* BLASSetThreading (<vecLib/thread_api.h>, which Accelerate.h includes from the macOS 15 SDK on). */
#if defined(__MAC_15_0) && __MAC_OS_X_VERSION_MAX_ALLOWED >= __MAC_15_0
#define PB_BLAS_ACCELERATE_THREADING 1
#endif
#else
#include <cblas.h>
#endif

#include "../../core/fingerprint.h"
#include "../../core/mem.h"
#include "../../core/timer.h"
#include "../backend.h"

#ifndef PB_BLAS_PROVIDER
#define PB_BLAS_PROVIDER "cblas"
#endif

#ifdef PB_BLAS_OPENBLAS
/* Declared here too: the cblas.h found first may be another CBLAS's, while the library linked is
 * OpenBLAS. */
void openblas_set_num_threads(int num_threads);
char *openblas_get_config(void);
#define PB_BLAS_IMPL "openblas"
#elif defined(PB_BLAS_ACCELERATE)
#define PB_BLAS_IMPL "accelerate"
#else
#define PB_BLAS_IMPL "cblas"
#endif

typedef struct pb_blas_ctx {
    int all_threads;
    int threads_settable;   /* the library obeys a 1-thread / all-thread choice per case */
    char threads_note[160]; /* how the thread count is set, or why it cannot be */
    char os[64];            /* the OS version, where the library is part of it (Accelerate) */
    uint64_t llc_bytes;     /* the CPU's last-level cache (pb_fingerprint_llc_bytes) */
    char describe[256];
} pb_blas_ctx;

/* One launch of a workload through the library. */
typedef void (*pb_blas_launch_fn)(const pb_problem *p);

typedef struct pb_blas_case {
    pb_problem *problem;
    pb_blas_launch_fn launch;
    int threads;
    int set_threads;        /* set the library's thread count before each batch */
} pb_blas_case;

/* Whether this library's thread count can be chosen per case; writes how, or why not. OpenBLAS's
 * count is process-wide and exact. Accelerate has, from macOS 15, a per-thread switch between one
 * thread and "Accelerate decides" (BLASSetThreading): the all-thread row is the latter, what an
 * application gets by default. Before macOS 15 there is no switch, so one row stands for the
 * library and says so. */
static int pb_blas_threads_settable(char *note, size_t size)
{
#if defined(PB_BLAS_OPENBLAS)
    snprintf(note, size, "thread count set with openblas_set_num_threads");
    return 1;
#elif defined(PB_BLAS_ACCELERATE_THREADING)
    if (__builtin_available(macOS 15.0, *)) {
        if (BLASSetThreading(BLAS_THREADING_SINGLE_THREADED) == 0 &&
            BLASSetThreading(BLAS_THREADING_MULTI_THREADED) == 0) {
            snprintf(note, size, "1 thread via BLASSetThreading(BLAS_THREADING_SINGLE_THREADED); all threads: "
                                 "Accelerate decides (BLAS_THREADING_MULTI_THREADED)");
            return 1;
        }
        snprintf(note, size, "one row only: BLASSetThreading refused the single-threaded model here, so "
                             "Accelerate picks its own thread count");
        return 0;
    }
    snprintf(note, size, "one row only: Accelerate picks its own thread count before macOS 15 (BLASSetThreading "
                         "arrived in macOS 15)");
    return 0;
#elif defined(PB_BLAS_ACCELERATE)
    snprintf(note, size, "one row only: built with an SDK older than macOS 15, which lacks BLASSetThreading; "
                         "Accelerate picks its own thread count");
    return 0;
#else
    snprintf(note, size, "one row only: thread count chosen by the library (no portable way to set it)");
    return 0;
#endif
}

/* Sets the library's thread count for the calling thread's next calls (Accelerate's setting is per
 * thread, so it is set on the thread that runs the case). */
static pb_status pb_blas_set_threads(int threads, pb_msg *msg)
{
#if defined(PB_BLAS_OPENBLAS)
    openblas_set_num_threads(threads);
#elif defined(PB_BLAS_ACCELERATE_THREADING)
    if (__builtin_available(macOS 15.0, *)) {
        if (BLASSetThreading(threads == 1 ? BLAS_THREADING_SINGLE_THREADED : BLAS_THREADING_MULTI_THREADED) != 0)
            return pb_msg_set(msg, PB_ERR_BACKEND, "Accelerate: BLASSetThreading refused the %s model",
                              threads == 1 ? "single-threaded" : "multi-threaded");
    }
#else
    (void)threads;
#endif
    (void)msg;
    return PB_OK;
}

#ifdef PB_BLAS_ACCELERATE
/* A dylib's version as dyld reports it ("xxxx.yy.zz" packed in 32 bits); "" when not loaded. */
static void pb_blas_dylib_version(const char *name, char *out, size_t size)
{
    int32_t v = NSVersionOfRunTimeLibrary(name);
    if (v == -1)
        snprintf(out, size, "unknown");
    else
        snprintf(out, size, "%d.%d.%d", (int)((uint32_t)v >> 16), (int)(((uint32_t)v >> 8) & 0xff),
                 (int)((uint32_t)v & 0xff));
}

/* Accelerate ships with the OS, so the OS version and build name it; the framework's own dylib
 * versions (public dyld API) are recorded beside them. */
static void pb_blas_describe_accelerate(pb_blas_ctx *c)
{
    char product[32] = "unknown", build[32] = "", accelerate[24], veclib[24];
    size_t len = sizeof product - 1;
    if (sysctlbyname("kern.osproductversion", product, &len, NULL, 0) != 0)
        snprintf(product, sizeof product, "unknown");
    len = sizeof build - 1;
    if (sysctlbyname("kern.osversion", build, &len, NULL, 0) != 0)
        build[0] = '\0';
    snprintf(c->os, sizeof c->os, "macOS %s%s%s%s", product, build[0] ? " (" : "", build, build[0] ? ")" : "");
    pb_blas_dylib_version("Accelerate", accelerate, sizeof accelerate);
    pb_blas_dylib_version("vecLib", veclib, sizeof veclib);
    snprintf(c->describe, sizeof c->describe, "Accelerate %s (vecLib %s) on %s; %s", accelerate, veclib, c->os,
             c->threads_note);
}
#endif

static pb_status pb_blas_init(void **ctx, pb_msg *why)
{
    pb_blas_ctx *c = pb_alloc(sizeof *c);
    if (!c)
        return pb_msg_set(why, PB_ERR_NOMEM, "out of memory starting the blas backend");
    memset(c, 0, sizeof *c);
    c->all_threads = pb_fingerprint_online_cpus();
    pb_machine machine;
    pb_fingerprint_read(&machine);
    c->llc_bytes = (uint64_t)pb_fingerprint_llc_bytes(&machine);
    c->threads_settable = pb_blas_threads_settable(c->threads_note, sizeof c->threads_note);
#if defined(PB_BLAS_OPENBLAS)
    snprintf(c->describe, sizeof c->describe, "%s (%s); %s", PB_BLAS_PROVIDER, openblas_get_config(),
             c->threads_note);
#elif defined(PB_BLAS_ACCELERATE)
    pb_blas_describe_accelerate(c);
#else
    snprintf(c->describe, sizeof c->describe, "%s; %s", PB_BLAS_PROVIDER, c->threads_note);
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
    out->llc_bytes = c->llc_bytes;
    pb_strlcpy(out->driver_version, c->os, sizeof out->driver_version);
    snprintf(out->extra, sizeof out->extra, "CBLAS: %s; %s", PB_BLAS_PROVIDER, c->threads_note);
    return PB_OK;
}

/* C = A B, row-major, in fp32. */
static void pb_blas_sgemm(const pb_problem *p)
{
    const int n = p->params.sgemm.n;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, p->buf[0].host, n, p->buf[1].host, n, 0.0f,
                p->buf[2].host, n);
}

/* The workloads a BLAS has a routine for, indexed by pb_workload_id (looked up with
 * PB_WL_TABLE_GET): every other workload is not offered on this backend. */
static const pb_blas_launch_fn pb_blas_launches[] = {
    [PB_WL_SGEMM] = pb_blas_sgemm,
};
_Static_assert(sizeof pb_blas_launches / sizeof pb_blas_launches[0] <= PB_WL_COUNT, "indexed by pb_workload_id");

static int pb_blas_variant(pb_variant *out, int count, int max, int threads)
{
    return pb_variant_add(out, count, max, 0, threads, PB_BLAS_IMPL, PB_ROLE_LIB_CPU, "fp32", PB_FP32_UNIT_ROUNDOFF);
}

/* The workloads of pb_blas_launches (SGEMM), on one thread and on all threads where those were
 * asked for (both role lib-cpu; the thread count tells them apart). A library whose thread count
 * cannot be set gets one variant, on all threads, since that is what it uses; describe() says why. */
static int pb_blas_variants(void *ctx, pb_workload_id id, const pb_variant_request *req, pb_variant *out, int max)
{
    const pb_blas_ctx *c = ctx;
    int want_one = 0, want_all = 0, count = 0;
    if (!PB_WL_TABLE_GET(pb_blas_launches, id))
        return 0;
    for (int i = 0; i < req->nthreads; i++) {
        want_one |= req->threads[i] == 1;
        want_all |= req->threads[i] == req->all_threads;
    }
    if (!c->threads_settable) {
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
    const pb_blas_ctx *c = ctx;
    pb_blas_launch_fn launch = PB_WL_TABLE_GET(pb_blas_launches, problem->id);
    if (!launch)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "the blas backend runs sgemm only");
    pb_blas_case *k = pb_alloc(sizeof *k);
    if (!k)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory preparing a blas case");
    k->problem = problem;
    k->launch = launch;
    k->threads = variant->threads < 1 ? 1 : variant->threads;
    k->set_threads = c->threads_settable;
    *kase = k;
    return PB_OK;
}

static pb_status pb_blas_case_run(void *kase, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    pb_blas_case *k = kase;
    if (k->set_threads) {
        pb_status st = pb_blas_set_threads(k->threads, msg);
        if (st != PB_OK)
            return st;
    }
    double t0 = pb_time_now();
    for (int i = 0; i < launches; i++)
        k->launch(k->problem);
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
