/* The cpu backend: parbench's own C kernels on a persistent pthreads pool, one variant per thread
 * count asked for, plus one per core type on hybrid CPUs. Kernels live in cpu_<workload>.c; this
 * file is the pb_backend table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/fingerprint.h"
#include "../../core/mem.h"
#include "../../core/placement.h"
#include "../../core/timer.h"
#include "../backend.h"
#include "cpu_backend.h"
#include "cpu_kernels.h"
#include "cpu_simd.h"

typedef struct pb_cpu_ctx {
    pb_pool *pool;
    int max_threads;
    /* The CPU's performance levels, each cut down to the CPUs this process may use (its
     * logical_cores then counts those). */
    pb_perf_level levels[PB_MAX_PERF_LEVELS];
    int nlevels;
    /* The kernel of each workload, indexed by pb_workload_id; a NULL slot or an id past `nkernels`
     * is a workload this backend does not run. */
    const pb_cpu_kernel *const *kernels;
    int nkernels;
    uint64_t llc_bytes;     /* the CPU's last-level cache (pb_fingerprint_llc_bytes) */
    char describe[160];
} pb_cpu_ctx;

/* A case and, for cpu-p and cpu-e, the core type its threads move to. The pool is shared by every
 * case, and the runner keeps many cases open and interleaves their rounds, so the threads move
 * for each piece of the case's work (setup, each timed batch) and move back after it. The kernels
 * and the slots that take a pb_cpu_case see `k`, the first member. */
typedef struct pb_cpu_placed_case {
    pb_cpu_case k;
    const pb_cpu_kernel *kernel;
    pb_placement place;
    pb_placement_saved *saved;  /* one per thread; NULL when the case's threads stay where they are */
} pb_cpu_placed_case;

/* The kernels, generated from the workload list (workload.h): entry PB_WL_<ID> is pb_cpu_<name>,
 * so a workload without its cpu_<name>.c fails to link instead of crashing at run time. */
static const pb_cpu_kernel *const pb_cpu_kernels[] = {
#define PB_CPU_KERNEL_ENTRY(ID, name, OUTPUT) [PB_WL_##ID] = &pb_cpu_##name,
    PB_WORKLOAD_LIST(PB_CPU_KERNEL_ENTRY)
#undef PB_CPU_KERNEL_ENTRY
};
_Static_assert(sizeof pb_cpu_kernels / sizeof pb_cpu_kernels[0] == PB_WL_COUNT, "one cpu kernel per workload");

#if defined(__AVX512F__)
#define PB_CPU_ISA "AVX-512"
#elif defined(__AVX2__)
#define PB_CPU_ISA "AVX2"
#elif defined(__AVX__)
#define PB_CPU_ISA "AVX"
#elif defined(__ARM_NEON)
#define PB_CPU_ISA "NEON"
#elif defined(__SSE2__)
#define PB_CPU_ISA "SSE2"
#else
#define PB_CPU_ISA "generic"
#endif

void pb_cpu_use_levels(void *ctx, const pb_machine *m)
{
    pb_cpu_ctx *c = ctx;
    pb_cpu_mask allowed;
    int known = pb_placement_allowed(&allowed);
    c->nlevels = m->nperf_levels;
    for (int l = 0; l < m->nperf_levels; l++) {
        pb_perf_level *level = &c->levels[l];
        *level = m->perf_levels[l];
        if (!known || pb_cpu_mask_count(&level->cpus) == 0)
            continue;
        for (size_t w = 0; w < sizeof level->cpus.bits / sizeof level->cpus.bits[0]; w++)
            level->cpus.bits[w] &= allowed.bits[w];
        level->logical_cores = pb_cpu_mask_count(&level->cpus);
    }
}

void pb_cpu_use_kernels(void *ctx, const pb_cpu_kernel *const *kernels, int count)
{
    pb_cpu_ctx *c = ctx;
    c->kernels = kernels;
    c->nkernels = count;
}

/* The kernel of workload `id`, or NULL when this backend has none for it. */
static const pb_cpu_kernel *pb_cpu_kernel_for(const pb_cpu_ctx *c, pb_workload_id id)
{
    return (unsigned)id < (unsigned)c->nkernels ? c->kernels[id] : NULL;
}

static pb_status pb_cpu_init(void **ctx, pb_msg *why)
{
    pb_cpu_ctx *c = pb_alloc(sizeof *c);
    if (!c)
        return pb_msg_set(why, PB_ERR_NOMEM, "out of memory starting the cpu backend");
    memset(c, 0, sizeof *c);
    c->max_threads = pb_fingerprint_online_cpus();
    pb_machine machine;
    pb_fingerprint_read(&machine);
    pb_cpu_use_levels(c, &machine);
    c->llc_bytes = (uint64_t)pb_fingerprint_llc_bytes(&machine);
    pb_cpu_use_kernels(c, pb_cpu_kernels, PB_WL_COUNT);
    pb_status st = pb_pool_create(c->max_threads, &c->pool, why);
    if (st != PB_OK) {
        pb_free(c);
        return st;
    }
    snprintf(c->describe, sizeof c->describe, "own C kernels, %d-lane fp32 vectors (%s), pthreads pool of %d",
             PB_VF_LANES, PB_CPU_ISA, c->max_threads);
    *ctx = c;
    return PB_OK;
}

static void pb_cpu_shutdown(void *ctx)
{
    pb_cpu_ctx *c = ctx;
    if (!c)
        return;
    pb_pool_free(c->pool);
    pb_free(c);
}

static int pb_cpu_device_count(void *ctx)
{
    (void)ctx;
    return 1;
}

static pb_status pb_cpu_device_info(void *ctx, int device, pb_device_info *out)
{
    const pb_cpu_ctx *c = ctx;
    if (device != 0)
        return pb_msg_set(NULL, PB_ERR_USAGE, "the cpu backend has one device");
    memset(out, 0, sizeof *out);
    pb_strlcpy(out->name, "host CPU", sizeof out->name);
    out->type = PB_DEVICE_CPU;
    out->compute_units = c->max_threads;
    out->unified_memory = 1;
    out->llc_bytes = c->llc_bytes;
    snprintf(out->extra, sizeof out->extra, "%d-lane fp32 vectors (%s)", PB_VF_LANES, PB_CPU_ISA);
    return PB_OK;
}

int pb_cpu_core_type_variants(const pb_perf_level *levels, int nlevels, int max_threads, const int *counts,
                              int ncounts, const char *precision, pb_variant *out, int count, int max)
{
    static const pb_role roles[2] = { PB_ROLE_CPU_P, PB_ROLE_CPU_E };
    if (nlevels != 2)
        return count;
    for (int l = 0; l < 2; l++) {
        int cores = levels[l].logical_cores;
        for (int i = 0; i < (counts ? ncounts : 1); i++) {
            int t = counts ? counts[i] : cores, seen = 0;
            for (int j = 0; j < i; j++)
                seen |= counts[j] == t;
            if (!seen && t >= 1 && t <= cores && t <= max_threads)
                count = pb_variant_add(out, count, max, 0, t, "own", roles[l], precision, PB_FP32_UNIT_ROUNDOFF);
        }
    }
    return count;
}

/* One variant per distinct thread count asked for. Counts above the pool's size (the online CPUs)
 * are left out: the pool cannot run them. On a one-core machine the single-thread case is both
 * "one core" and "all cores", and is listed under both roles so it matches either on another
 * machine. Where all cores are asked for on a hybrid CPU, each core type gets a row of its own
 * too (cpu-p, cpu-e): they show what each kind of core contributes to cpu-all; with
 * each_core_type, every count asked for gets them (a scaling series per core type). */
static int pb_cpu_variants(void *ctx, pb_workload_id id, const pb_variant_request *req, pb_variant *out,
                           int max)
{
    const pb_cpu_ctx *c = ctx;
    int count = 0, all = 0;
    const pb_workload *wl = pb_workload_get(id);
    if (!wl || !pb_cpu_kernel_for(c, id))
        return 0;
    const char *precision = wl->precision;
    for (int i = 0; i < req->nthreads; i++) {
        int t = req->threads[i], seen = 0;
        for (int j = 0; j < i; j++)
            seen |= req->threads[j] == t;
        if (seen || t < 1 || t > c->max_threads)
            continue;
        all |= t == req->all_threads;
        if (t == 1)
            count = pb_variant_add(out, count, max, 0, t, "own", PB_ROLE_CPU_1, precision, PB_FP32_UNIT_ROUNDOFF);
        if (t == req->all_threads)
            count = pb_variant_add(out, count, max, 0, t, "own", PB_ROLE_CPU_ALL, precision, PB_FP32_UNIT_ROUNDOFF);
        if (t != 1 && t != req->all_threads)
            count = pb_variant_add(out, count, max, 0, t, "own", PB_ROLE_CPU_N, precision, PB_FP32_UNIT_ROUNDOFF);
    }
    if (req->each_core_type)
        count = pb_cpu_core_type_variants(c->levels, c->nlevels, c->max_threads, req->threads, req->nthreads,
                                          precision, out, count, max);
    else if (all)
        count = pb_cpu_core_type_variants(c->levels, c->nlevels, c->max_threads, NULL, 0, precision, out, count, max);
    return count;
}

/* Buffers at least this large get pages of their own, placed by the worker threads. */
#define PB_CPU_PLACE_MIN_BYTES ((size_t)4 << 20)

/* Copies of one buffer, a share per thread: the thread that copies a page touches it first. The
 * shares are those of the kernels' work queue (cpu_kernels.h): PB_CPU_CHUNK_BYTES chunks split as
 * pb_split splits them, so each thread's own chunks are the ones it touched. */
typedef struct pb_cpu_copy_job {
    unsigned char *dst;
    const unsigned char *src; /* NULL: zero-fill (scratch) */
    size_t bytes;
} pb_cpu_copy_job;

static void pb_cpu_copy_task(void *arg, int t, int threads)
{
    const pb_cpu_copy_job *job = arg;
    int64_t b, e;
    pb_split_aligned((int64_t)job->bytes, (int64_t)PB_CPU_CHUNK_BYTES, t, threads, &b, &e);
    if (job->src)
        memcpy(job->dst + b, job->src + b, (size_t)(e - b));
    else
        memset(job->dst + b, 0, (size_t)(e - b));
}

static void pb_cpu_copy_buffer(const pb_cpu_case *k, void *dst, const void *src, size_t bytes)
{
    pb_cpu_copy_job job = { dst, src, bytes };
    pb_pool_run(k->pool, k->threads, pb_cpu_copy_task, &job);
}

/* Gives the case its own copy of every large buffer, first touched by the case's threads in the
 * contiguous shares of chunks the bandwidth-bound kernels start from. Outputs are copied too: they
 * hold the poison pattern, so a kernel that writes nothing still fails verification. */
static pb_status pb_cpu_place(pb_cpu_case *k, pb_msg *msg)
{
    k->placed = *k->source;
    k->placed.ref = NULL;
    k->placed.ref_free = NULL;
    k->problem = &k->placed;
    for (int i = 0; i < k->placed.nbuf; i++) {
        pb_buffer *b = &k->placed.buf[i];
        if (b->bytes < PB_CPU_PLACE_MIN_BYTES)
            continue;
        void *copy = pb_alloc(b->bytes);
        if (!copy)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory placing the %s buffer (%zu MiB) for the cpu backend",
                              b->name, b->bytes >> 20);
        pb_cpu_copy_buffer(k, copy, b->kind == PB_BUFFER_SCRATCH ? NULL : b->host, b->bytes);
        b->host = copy;
        k->owned[i] = 1;
    }
    return PB_OK;
}

/* For cpu-p and cpu-e, chooses the core type the case's threads work on. */
static pb_status pb_cpu_choose_place(const pb_cpu_ctx *c, const pb_variant *variant, pb_cpu_placed_case *pc,
                                     pb_msg *msg)
{
    if (variant->role != PB_ROLE_CPU_P && variant->role != PB_ROLE_CPU_E)
        return PB_OK;
    if (c->nlevels != 2)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "cpu: %s needs a CPU with two kinds of core; this one has %s",
                          pb_role_name(variant->role), c->nlevels ? "more" : "one");
    int fast = variant->role == PB_ROLE_CPU_P;
    pc->place.speed = fast ? PB_PLACEMENT_FAST : PB_PLACEMENT_EFFICIENT;
    pc->place.cpus = c->levels[fast ? 0 : 1].cpus;
    pc->saved = calloc((size_t)pc->k.threads, sizeof *pc->saved);
    if (!pc->saved)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory placing the cpu case's threads");
    return PB_OK;
}

/* Moves the case's threads onto its core type (nothing to do for the other roles); every
 * successful pb_cpu_enter is followed by pb_cpu_leave. */
static pb_status pb_cpu_enter(pb_cpu_placed_case *pc, pb_msg *msg)
{
    if (!pc->saved)
        return PB_OK;
    pb_status st = pb_placement_apply_pool(pc->k.pool, pc->k.threads, &pc->place, pc->saved, msg);
    if (st != PB_OK)
        pb_placement_restore_pool(pc->k.pool, pc->k.threads, pc->saved);
    return st;
}

static void pb_cpu_leave(pb_cpu_placed_case *pc)
{
    if (pc->saved)
        pb_placement_restore_pool(pc->k.pool, pc->k.threads, pc->saved);
}

static void pb_cpu_case_destroy(void *kase)
{
    pb_cpu_placed_case *pc = kase;
    if (!pc)
        return;
    pb_cpu_case *k = &pc->k;
    if (pc->kernel && pc->kernel->teardown)
        pc->kernel->teardown(k);
    pb_cpu_queue_free(k->queue);
    for (int i = 0; i < PB_MAX_BUFFERS; i++)
        if (k->owned[i])
            pb_free(k->placed.buf[i].host);
    free(pc->saved);
    pb_free(pc);
}

/* Copies the outputs of the case's own buffers back to the caller's problem. */
static pb_status pb_cpu_case_read(void *kase, pb_msg *msg)
{
    pb_cpu_case *k = kase;
    (void)msg;
    for (int i = 0; i < k->placed.nbuf; i++)
        if (k->owned[i] && k->placed.buf[i].kind == PB_BUFFER_OUT)
            pb_cpu_copy_buffer(k, k->source->buf[i].host, k->placed.buf[i].host, k->placed.buf[i].bytes);
    return PB_OK;
}

static pb_status pb_cpu_case_create(void *ctx, const pb_variant *variant, pb_problem *problem, void **kase,
                                    pb_msg *msg)
{
    pb_cpu_ctx *c = ctx;
    const pb_cpu_kernel *kernel = pb_cpu_kernel_for(c, problem->id);
    const pb_workload *wl = pb_workload_get(problem->id);
    if (!kernel || !wl)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "the cpu backend has no kernel for workload %s",
                          wl ? wl->name : "(unknown)");
    if (variant->threads < 1 || variant->threads > c->max_threads)
        return pb_msg_set(msg, PB_ERR_USAGE, "cpu: %d threads asked for, the pool has %d", variant->threads,
                          c->max_threads);
    pb_cpu_placed_case *pc = pb_alloc(sizeof *pc);
    if (!pc)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory preparing a cpu case");
    memset(pc, 0, sizeof *pc);
    pb_cpu_case *k = &pc->k;
    k->source = problem;
    k->pool = c->pool;
    k->threads = variant->threads;
    pc->kernel = kernel;
    /* The threads that first touch the case's memory are those that will use it. */
    pb_status st = pb_cpu_choose_place(c, variant, pc, msg);
    if (st == PB_OK && (st = pb_cpu_enter(pc, msg)) == PB_OK) {
        st = pb_cpu_queue_create(k->threads, &k->queue, msg);
        if (st == PB_OK)
            st = pb_cpu_place(k, msg);
        if (st == PB_OK && kernel->setup)
            st = kernel->setup(k, msg);
        pb_cpu_leave(pc);
    }
    if (st != PB_OK) {
        pb_cpu_case_destroy(pc);
        return st;
    }
    *kase = pc;
    return PB_OK;
}

static pb_status pb_cpu_case_run(void *kase, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    pb_cpu_placed_case *pc = kase;
    pb_cpu_case *k = &pc->k;
    const pb_cpu_kernel *kernel = pc->kernel;
    pb_status st = pb_cpu_enter(pc, msg);
    if (st != PB_OK)
        return st;
    double t0 = pb_time_now();
    for (int i = 0; i < launches; i++)
        kernel->launch(k);
    *seconds = pb_time_now() - t0;
    *device_timer = 0;
    pb_cpu_leave(pc);
    return PB_OK;
}

static const char *pb_cpu_describe(void *ctx) { return ((const pb_cpu_ctx *)ctx)->describe; }

const pb_backend pb_backend_cpu = {
    .name = "cpu",
    .summary = "own C kernels on all CPU cores (pthreads, portable SIMD)",
    .init = pb_cpu_init,
    .shutdown = pb_cpu_shutdown,
    .device_count = pb_cpu_device_count,
    .device_info = pb_cpu_device_info,
    .variants = pb_cpu_variants,
    .case_create = pb_cpu_case_create,
    .case_run = pb_cpu_case_run,
    .case_e2e = NULL,
    .case_read = pb_cpu_case_read,
    .case_destroy = pb_cpu_case_destroy,
    .describe = pb_cpu_describe,
};
