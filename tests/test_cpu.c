/* Tests of what only the cpu backend has: its variants and roles (core types, faked hybrid
 * machines), its work queue, buffer placement and scratch, and every workload at odd sizes
 * (n = 1, 7, 1023, 1025) and sgemm around its blocking, on one thread and on all threads. The
 * preset sizes of every backend run in test_matrix.c. */
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/backends/backend.h"
#include "../src/backends/cpu/cpu_backend.h"
#include "../src/backends/cpu/cpu_kernels.h"
#include "../src/core/fingerprint.h"
#include "../src/core/placement.h"
#include "pbcase.h"
#include "pbtest.h"

extern const pb_backend pb_backend_cpu;

#define SEED PBCASE_SEED

/* One backend context and one verification pool for the whole program. */
static void *cpu_ctx;
static pb_pool *verify_pool;

static int setup(void)
{
    pb_msg msg;
    if (!cpu_ctx && pb_backend_cpu.init(&cpu_ctx, &msg) != PB_OK) {
        fprintf(stderr, "cpu init: %s\n", msg.text);
        return 0;
    }
    if (!verify_pool && pb_pool_create(pb_fingerprint_online_cpus(), &verify_pool, &msg) != PB_OK)
        return 0;
    return 1;
}

/* The cpu variant of workload `id` on `threads` threads (0 when there is none). */
static int variant_for(pb_workload_id id, int threads, pb_variant *v)
{
    const int all = pb_fingerprint_online_cpus();
    pb_variant_request req = { &threads, 1, all, 0 };
    pb_variant list[PB_MAX_VARIANTS];
    const int n = pb_backend_cpu.variants(cpu_ctx, id, &req, list, PB_MAX_VARIANTS);
    CHECK(n >= 1 && list[0].threads == threads);
    *v = list[0];
    return n >= 1;
}

/* One launch of workload `id` at `dims` on `threads` threads, verified. */
static void run_verified(pb_workload_id id, const pb_dims *dims, int threads)
{
    static const pbcase_opts one = { .launches = 1 };
    pb_variant v;
    char what[64];
    if (!setup()) {
        CHECK_MSG(0, "could not start the cpu backend");
        return;
    }
    snprintf(what, sizeof what, "%lld x %lld x %lld", (long long)dims->v[0], (long long)dims->v[1],
             (long long)dims->v[2]);
    if (variant_for(id, threads, &v))
        pbcase_expect_verified(&pb_backend_cpu, cpu_ctx, &v, id, dims, verify_pool, &one, what);
}

/* The workload's tiny dims with every extent (not step or iteration counts) set to n. */
static pb_dims odd_dims(pb_workload_id id, int64_t n)
{
    static const char *const extents[] = { "n", "nx", "ny", "width", "height" };
    const pb_workload *wl = pb_workload_get(id);
    pb_dims d = wl->sizes[PB_PRESET_TINY];
    for (int k = 0; k < wl->ndims; k++)
        for (size_t e = 0; e < sizeof extents / sizeof extents[0]; e++)
            if (strcmp(wl->dim_names[k], extents[e]) == 0)
                d.v[k] = n;
    return d;
}

/* Sizes the presets never have: one element, fewer than a SIMD vector, around a power of two. */
static void run_odd(pb_workload_id id)
{
    static const int64_t sizes[] = { 1, 7, 1023, 1025 };
    const int all = pb_fingerprint_online_cpus();
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        pb_dims d = odd_dims(id, sizes[i]);
        run_verified(id, &d, 1);
        if (all > 1)
            run_verified(id, &d, all);
    }
}

#define WORKLOAD_TESTS(ID, name, OUTPUT) \
    static void test_##name##_odd_sizes(void) { run_odd(PB_WL_##ID); }
PB_WORKLOAD_LIST(WORKLOAD_TESTS)

/* Sizes around the sgemm blocking (micro-tile rows and columns, the KC and NB blocks) where an
 * edge case would go wrong first. */
static void test_sgemm_block_edges(void)
{
    static const int64_t sizes[] = { 2, 11, 12, 13, 31, 32, 33, 383, 385, 511, 513 };
    const int all = pb_fingerprint_online_cpus();
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        pb_dims d = { { sizes[i] } };
        run_verified(PB_WL_SGEMM, &d, 1);
        if (all > 1)
            run_verified(PB_WL_SGEMM, &d, all);
    }
}

/* Reduce adds fixed blocks of the input and then the block sums in block order, whichever thread
 * summed which block: its result is the same bits on one thread and on all. The size spans several
 * of the work queue's chunks and ends in a partial one; the values span 2^40 in magnitude, so a sum
 * that grouped them by thread would round differently (the static split did: 1 and 2 threads gave
 * different sums). */
static void test_reduce_same_on_any_threads(void)
{
    if (!setup()) {
        CHECK_MSG(0, "could not start the cpu backend");
        return;
    }
    const pb_workload *wl = pb_workload_get(PB_WL_REDUCE);
    const int all = pb_fingerprint_online_cpus();
    const int counts[] = { 1, 2, all };
    pb_dims d = { { 5 * 262144 + 4321 } };
    pb_problem p;
    pb_msg msg;
    CHECK(wl->create(&d, SEED, &p, &msg) == PB_OK);
    float *x = p.buf[0].host;
    for (int64_t i = 0; i < d.v[0]; i++)
        x[i] = ldexpf((float)((int)((i * 2654435761u) % 2001u) - 1000), (int)((i * 40503u) % 41u) - 20);
    uint32_t first = 0;
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        static const pbcase_opts one = { .launches = 1 };
        pbcase_result r;
        pb_variant v;
        /* These inputs are not the workload's, so only the bits are compared, not verified. */
        if (counts[i] > all || !variant_for(PB_WL_REDUCE, counts[i], &v))
            continue;
        if (pbcase_run(&pb_backend_cpu, cpu_ctx, &v, &p, NULL, &one, &r) != PB_OK)
            break;
        uint32_t bits;
        memcpy(&bits, p.buf[1].host, sizeof bits);
        if (i == 0)
            first = bits;
        CHECK_MSG(bits == first, "sum on %d threads is %08x, on 1 thread %08x", counts[i], (unsigned)bits,
                  (unsigned)first);
    }
    pb_problem_destroy(&p);
}

/* Every chunk is handed out exactly once, also when one thread does all the work: the others'
 * shares are taken by whoever asks (the fast cores of a hybrid CPU finish the slow cores' work). */
typedef struct queue_probe {
    pb_cpu_case c;
    atomic_int taken[100];
    int only_thread0;
} queue_probe;

static void queue_probe_task(void *arg, int t, int threads)
{
    queue_probe *probe = arg;
    (void)threads;
    if (probe->only_thread0 && t != 0)
        return;
    for (int64_t k; (k = pb_cpu_queue_next(&probe->c, t)) >= 0;)
        atomic_fetch_add(&probe->taken[k], 1);
}

static void test_queue_hands_out_every_chunk_once(void)
{
    if (!setup()) {
        CHECK_MSG(0, "could not start the cpu backend");
        return;
    }
    static queue_probe probe;
    pb_msg msg;
    probe.c.pool = verify_pool;
    probe.c.threads = pb_fingerprint_online_cpus();
    CHECK(pb_cpu_queue_create(probe.c.threads, &probe.c.queue, &msg) == PB_OK);
    for (int only = 0; only < 2; only++) {
        for (int k = 0; k < 100; k++)
            atomic_init(&probe.taken[k], 0);
        probe.only_thread0 = only;
        pb_cpu_queue_run(&probe.c, 97, queue_probe_task, &probe);
        for (int k = 0; k < 100; k++)
            CHECK_MSG(atomic_load(&probe.taken[k]) == (k < 97), "chunk %d taken %d times (one thread only: %d)", k,
                      atomic_load(&probe.taken[k]), only);
    }
    pb_cpu_queue_free(probe.c.queue);
    pb_cpu_queue_free(NULL);
}

/* Whether an allocation of terabytes fails here rather than being promised and then paged in:
 * under AddressSanitizer (above its size limit) and on Linux unless overcommit is unconditional. */
static int huge_allocations_fail(void)
{
    if (pbcase_sanitized())
        return 1;
    FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
    int mode = -1;
    if (f) {
        if (fscanf(f, "%d", &mode) != 1)
            mode = -1;
        fclose(f);
    }
    return mode == 0 || mode == 2;
}

/* A case whose per-thread scratch cannot be allocated fails with "out of memory" and is torn down
 * cleanly (its half-made state freed, nothing else). The problem is never run, so it needs no
 * buffers: only n, which sizes the scratch (terabytes here). */
static void test_sgemm_scratch_out_of_memory(void)
{
    if (!setup()) {
        CHECK_MSG(0, "could not start the cpu backend");
        return;
    }
    if (!huge_allocations_fail())
        SKIP("this system may grant a terabyte allocation (overcommit), so it cannot fail on demand");
    pb_problem problem;
    memset(&problem, 0, sizeof problem);
    problem.id = PB_WL_SGEMM;
    problem.params.sgemm.n = 1 << 30;
    pb_variant v[PB_MAX_VARIANTS];
    int one = 1;
    pb_variant_request req = { &one, 1, 1, 0 };
    CHECK(pb_backend_cpu.variants(cpu_ctx, PB_WL_SGEMM, &req, v, PB_MAX_VARIANTS) >= 1);
    void *kase = NULL;
    pb_msg msg = { "" };
    pb_status st = pb_backend_cpu.case_create(cpu_ctx, &v[0], &problem, &kase, &msg);
    CHECK_MSG(st == PB_ERR_NOMEM, "status %s: %s", pb_status_name(st), msg.text);
    CHECK(kase == NULL);
    CHECK(strstr(msg.text, "scratch") != NULL);
}

/* Large buffers get the case's own copies, first touched by its threads: the kernel writes the
 * copy, and the caller's output changes only when case_read copies it back. */
static void test_large_buffers_are_placed(void)
{
    if (!setup()) {
        CHECK_MSG(0, "could not start the cpu backend");
        return;
    }
    const pb_workload *wl = pb_workload_get(PB_WL_TRIAD);
    pb_problem p;
    pb_msg msg;
    CHECK(wl->create(&wl->sizes[PB_PRESET_QUICK], SEED, &p, &msg) == PB_OK);
    pb_problem_poison_outputs(&p);
    const int all = pb_fingerprint_online_cpus();
    pb_variant_request req = { &all, 1, all, 0 };
    pb_variant v[4];
    CHECK(pb_backend_cpu.variants(cpu_ctx, PB_WL_TRIAD, &req, v, 4) >= 1);
    void *kase = NULL;
    double seconds;
    int timer;
    pb_check check;
    CHECK(pb_backend_cpu.case_create(cpu_ctx, &v[0], &p, &kase, &msg) == PB_OK);
    CHECK(pb_backend_cpu.case_run(kase, 1, &seconds, &timer, &msg) == PB_OK);
    CHECK(wl->verify(&p, verify_pool, all, v[0].unit_roundoff, &check, &msg) == PB_OK && !check.ok);
    CHECK(pb_backend_cpu.case_read(kase, &msg) == PB_OK);
    CHECK(wl->verify(&p, verify_pool, all, v[0].unit_roundoff, &check, &msg) == PB_OK && check.ok);
    pb_backend_cpu.case_destroy(kase);
    pb_problem_destroy(&p);
}

static int count_role(const pb_variant *v, int n, pb_role role, int threads)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += v[i].role == role && v[i].threads == threads;
    return c;
}

static void test_variants_roles(void)
{
    if (!setup()) {
        CHECK_MSG(0, "could not start the cpu backend");
        return;
    }
    const int all = pb_fingerprint_online_cpus();
    pb_variant v[PB_MAX_VARIANTS];
    int one_all[] = { 1, all, 1 };
    pb_variant_request req = { one_all, 3, all, 0 };
    int n = pb_backend_cpu.variants(cpu_ctx, PB_WL_SGEMM, &req, v, PB_MAX_VARIANTS);
    if (all > 1) {
        CHECK(n == 2);
        CHECK(count_role(v, n, PB_ROLE_CPU_1, 1) == 1);
        CHECK(count_role(v, n, PB_ROLE_CPU_ALL, all) == 1);
    } else {
        CHECK(n == 2);
        CHECK(count_role(v, n, PB_ROLE_CPU_1, 1) == 1 && count_role(v, n, PB_ROLE_CPU_ALL, 1) == 1);
    }
    for (int i = 0; i < n; i++) {
        CHECK_STR(v[i].precision, "fp32");
        CHECK_STR(v[i].impl, "own");
        CHECK(v[i].unit_roundoff == PB_FP32_UNIT_ROUNDOFF);
    }
    n = pb_backend_cpu.variants(cpu_ctx, PB_WL_HISTOGRAM, &req, v, PB_MAX_VARIANTS);
    CHECK(n >= 1 && strcmp(v[0].precision, "u32") == 0);

    /* A single-core machine: the one-thread case is both cpu-1 and cpu-all. */
    int one[] = { 1 };
    pb_variant_request single = { one, 1, 1, 0 };
    n = pb_backend_cpu.variants(cpu_ctx, PB_WL_TRIAD, &single, v, PB_MAX_VARIANTS);
    CHECK(n == 2);
    CHECK(count_role(v, n, PB_ROLE_CPU_1, 1) == 1 && count_role(v, n, PB_ROLE_CPU_ALL, 1) == 1);

    /* A count that is neither 1 nor all is a scaling point; one beyond the pool is left out. */
    int odd[] = { 2, all + 1 };
    pb_variant_request scaling = { odd, 2, 4, 0 };
    n = pb_backend_cpu.variants(cpu_ctx, PB_WL_TRIAD, &scaling, v, PB_MAX_VARIANTS);
    CHECK(n == (all >= 2 ? 1 : 0));
    if (all >= 2)
        CHECK(v[0].role == PB_ROLE_CPU_N && v[0].threads == 2);
}

/* A faked machine's performance levels: `p` and `e` logical CPUs, numbered P first. */
static void fake_levels(pb_perf_level levels[2], int p, int e)
{
    memset(levels, 0, 2 * sizeof levels[0]);
    pb_strlcpy(levels[0].name, "P", sizeof levels[0].name);
    pb_strlcpy(levels[1].name, "E", sizeof levels[1].name);
    levels[0].logical_cores = p;
    levels[1].logical_cores = e;
    for (int cpu = 0; cpu < p + e; cpu++)
        pb_cpu_mask_add(&levels[cpu < p ? 0 : 1].cpus, cpu);
}

static void test_core_type_variants(void)
{
    pb_perf_level levels[PB_MAX_PERF_LEVELS];
    pb_variant v[PB_MAX_VARIANTS];

    /* Intel hybrid, cpu_core 0-11 (6 P-cores, two threads each) and cpu_atom 12-19. */
    fake_levels(levels, 12, 8);
    int n = pb_cpu_core_type_variants(levels, 2, 20, NULL, 0, "fp32", v, 0, PB_MAX_VARIANTS);
    CHECK(n == 2);
    CHECK(count_role(v, n, PB_ROLE_CPU_P, 12) == 1 && count_role(v, n, PB_ROLE_CPU_E, 8) == 1);
    CHECK_STR(pb_role_name(v[0].role), "cpu-p");
    CHECK_STR(pb_role_name(v[1].role), "cpu-e");
    CHECK_STR(v[0].impl, "own");

    /* An M3 Pro: 6 P + 6 E, no CPU lists (macOS has no affinity). Appended after what is there. */
    fake_levels(levels, 6, 6);
    memset(&levels[0].cpus, 0, sizeof levels[0].cpus);
    memset(&levels[1].cpus, 0, sizeof levels[1].cpus);
    n = pb_cpu_core_type_variants(levels, 2, 12, NULL, 0, "u32", v, 1, PB_MAX_VARIANTS);
    CHECK(n == 3 && count_role(v, n, PB_ROLE_CPU_P, 6) == 1 && count_role(v, n, PB_ROLE_CPU_E, 6) == 1);
    CHECK_STR(v[2].precision, "u32");

    /* No rows: a uniform CPU, three kinds of core, a level the pool cannot run, a full table. */
    CHECK(pb_cpu_core_type_variants(levels, 0, 12, NULL, 0, "fp32", v, 0, PB_MAX_VARIANTS) == 0);
    CHECK(pb_cpu_core_type_variants(levels, 3, 12, NULL, 0, "fp32", v, 0, PB_MAX_VARIANTS) == 0);
    n = pb_cpu_core_type_variants(levels, 2, 5, NULL, 0, "fp32", v, 0, PB_MAX_VARIANTS);
    CHECK(n == 0);
    levels[1].logical_cores = 0; /* none of its CPUs allowed (taskset) */
    n = pb_cpu_core_type_variants(levels, 2, 12, NULL, 0, "fp32", v, 0, PB_MAX_VARIANTS);
    CHECK(n == 1 && v[0].role == PB_ROLE_CPU_P);
    CHECK(pb_cpu_core_type_variants(levels, 2, 12, NULL, 0, "fp32", v, 2, 2) == 2);

    /* A series per core type (parbench scale on an M3 Pro: -t 1,2,4,6,8,12 with each_core_type):
     * cpu-p and cpu-e at 1, 2, 4 and 6; 8 and 12 fit neither; a repeated count is listed once. */
    fake_levels(levels, 6, 6);
    const int counts[] = { 1, 2, 4, 6, 8, 12, 2 };
    n = pb_cpu_core_type_variants(levels, 2, 12, counts, 7, "fp32", v, 0, PB_MAX_VARIANTS);
    CHECK_MSG(n == 8, "%d variants", n);
    for (int t = 1; t <= 6; t++) {
        int want = t == 1 || t == 2 || t == 4 || t == 6;
        CHECK(count_role(v, n, PB_ROLE_CPU_P, t) == want && count_role(v, n, PB_ROLE_CPU_E, t) == want);
    }
    /* Intel 12 P threads + 8 E: 8 and 12 fit the P-cores only, 16 neither. */
    fake_levels(levels, 12, 8);
    const int intel[] = { 1, 8, 12, 16, 20 };
    n = pb_cpu_core_type_variants(levels, 2, 20, intel, 5, "fp32", v, 0, PB_MAX_VARIANTS);
    CHECK_MSG(n == 5, "%d variants", n);
    CHECK(count_role(v, n, PB_ROLE_CPU_P, 12) == 1 && count_role(v, n, PB_ROLE_CPU_E, 8) == 1 &&
          count_role(v, n, PB_ROLE_CPU_E, 12) == 0 && count_role(v, n, PB_ROLE_CPU_P, 16) == 0);

    pb_role role;
    CHECK(pb_role_parse("cpu-p", &role) && role == PB_ROLE_CPU_P);
    CHECK(pb_role_parse("cpu-e", &role) && role == PB_ROLE_CPU_E);
    /* Which roles stand on a device, and which of those are a GPU (an OpenCL CPU device is not). */
    for (int k = 0; k < PB_ROLE_COUNT; k++) {
        pb_role r = (pb_role)k;
        int device = r == PB_ROLE_GPU || r == PB_ROLE_LIB_GPU || r == PB_ROLE_DEVICE_CPU;
        CHECK(pb_role_on_device(r) == device && pb_role_name_on_device(pb_role_name(r)) == device);
        CHECK(pb_role_is_gpu(r) == (device && r != PB_ROLE_DEVICE_CPU));
        CHECK(pb_role_name_is_gpu(pb_role_name(r)) == pb_role_is_gpu(r));
    }
    CHECK(!pb_role_name_on_device("gpu-ish") && !pb_role_name_is_gpu(""));
}

/* Runs one verified launch of a tiny triad on variant `v`; 1 when it passed. */
static int run_tiny_triad(const pb_variant *v)
{
    static const pbcase_opts two = { .launches = 2 };
    const pb_workload *wl = pb_workload_get(PB_WL_TRIAD);
    return pbcase_expect_verified(&pb_backend_cpu, cpu_ctx, v, PB_WL_TRIAD, &wl->sizes[PB_PRESET_TINY], verify_pool,
                                  &two, pb_role_name(v->role)) > 0;
}

/* On this machine: cpu-p and cpu-e rows exactly when the CPU has two kinds of core, and each
 * such case runs and verifies on its core type. Elsewhere such a case is refused with a reason. */
static void test_core_type_rows_here(void)
{
    if (!setup()) {
        CHECK_MSG(0, "could not start the cpu backend");
        return;
    }
    pb_machine m;
    pb_fingerprint_read(&m);
    const int all = pb_fingerprint_online_cpus();
    int one_all[] = { 1, all };
    pb_variant_request req = { one_all, 2, all, 0 };
    pb_variant v[PB_MAX_VARIANTS];
    int n = pb_backend_cpu.variants(cpu_ctx, PB_WL_TRIAD, &req, v, PB_MAX_VARIANTS);
    int typed = 0;
    for (int i = 0; i < n; i++)
        typed += v[i].role == PB_ROLE_CPU_P || v[i].role == PB_ROLE_CPU_E;
    CHECK(typed == (m.nperf_levels == 2 ? 2 : 0));
    /* Asked for one thread only (not all cores): no core-type rows. */
    pb_variant_request single = { one_all, 1, all, 0 };
    n = pb_backend_cpu.variants(cpu_ctx, PB_WL_TRIAD, &single, v, PB_MAX_VARIANTS);
    for (int i = 0; i < n && all > 1; i++)
        CHECK(v[i].role != PB_ROLE_CPU_P && v[i].role != PB_ROLE_CPU_E);

    const pb_workload *wl = pb_workload_get(PB_WL_TRIAD);
    n = pb_backend_cpu.variants(cpu_ctx, PB_WL_TRIAD, &req, v, PB_MAX_VARIANTS);
    for (int i = 0; i < n; i++) {
        if (v[i].role == PB_ROLE_CPU_P || v[i].role == PB_ROLE_CPU_E)
            run_tiny_triad(&v[i]);
    }
    pb_problem p;
    pb_msg msg = { "" };
    if (wl->create(&wl->sizes[PB_PRESET_TINY], SEED, &p, &msg) != PB_OK) {
        CHECK_MSG(0, "triad create: %s", msg.text);
        return;
    }
    if (m.nperf_levels != 2) {
        pb_variant fake = v[0];
        void *kase = NULL;
        fake.role = PB_ROLE_CPU_E;
        CHECK(pb_backend_cpu.case_create(cpu_ctx, &fake, &p, &kase, &msg) == PB_ERR_UNSUPPORTED && !kase);
        CHECK(strstr(msg.text, "two kinds of core") != NULL);
    }
    pb_problem_destroy(&p);
}

/* The backend on a faked hybrid machine: variants() gives cpu-p with the P count and cpu-e with
 * the E count, and their cases run, verify and leave the calling thread where it was. */
static void test_faked_hybrid_machine(void)
{
    if (!setup()) {
        CHECK_MSG(0, "could not start the cpu backend");
        return;
    }
    const int all = pb_fingerprint_online_cpus();
    if (all < 2)
        SKIP("needs two CPUs for a faked P and E level");
    pb_machine real, fake;
    pb_fingerprint_read(&real);
    memset(&fake, 0, sizeof fake);
    fake.nperf_levels = 2;
    int one_all[] = { 1, all };
    pb_variant_request req = { one_all, 2, all, 0 };
    pb_variant v[PB_MAX_VARIANTS];

    /* As on macOS: counts only, no CPU lists (threads are steered, not pinned). */
    fake_levels(fake.perf_levels, all, 1);
    memset(&fake.perf_levels[0].cpus, 0, sizeof fake.perf_levels[0].cpus);
    memset(&fake.perf_levels[1].cpus, 0, sizeof fake.perf_levels[1].cpus);
    pb_cpu_use_levels(cpu_ctx, &fake);
    int n = pb_backend_cpu.variants(cpu_ctx, PB_WL_TRIAD, &req, v, PB_MAX_VARIANTS);
    CHECK(count_role(v, n, PB_ROLE_CPU_P, all) == 1 && count_role(v, n, PB_ROLE_CPU_E, 1) == 1);
    CHECK(count_role(v, n, PB_ROLE_CPU_1, 1) == 1 && count_role(v, n, PB_ROLE_CPU_ALL, all) == 1);

#if defined(__linux__)
    /* As on Linux: P-core CPU 0, E-core CPU 1, and a level on CPUs this process may not use. */
    pb_cpu_mask allowed;
    CHECK(pb_placement_allowed(&allowed) == 1);
    if (pb_cpu_mask_has(&allowed, 0) && pb_cpu_mask_has(&allowed, 1)) {
        fake_levels(fake.perf_levels, 1, 1);
        pb_cpu_use_levels(cpu_ctx, &fake);
        n = pb_backend_cpu.variants(cpu_ctx, PB_WL_TRIAD, &req, v, PB_MAX_VARIANTS);
        CHECK(count_role(v, n, PB_ROLE_CPU_P, 1) == 1 && count_role(v, n, PB_ROLE_CPU_E, 1) == 1);
        for (int i = 0; i < n; i++) {
            run_tiny_triad(&v[i]);
            pb_cpu_mask now;
            CHECK_MSG(pb_placement_allowed(&now) && memcmp(&now, &allowed, sizeof now) == 0,
                      "after a %s case the calling thread may use %d CPUs, not %d", pb_role_name(v[i].role),
                      pb_cpu_mask_count(&now), pb_cpu_mask_count(&allowed));
        }
        if (!pb_cpu_mask_has(&allowed, PB_CPU_MASK_MAX - 1)) {
            memset(&fake.perf_levels[1].cpus, 0, sizeof fake.perf_levels[1].cpus);
            pb_cpu_mask_add(&fake.perf_levels[1].cpus, PB_CPU_MASK_MAX - 1);
            pb_cpu_use_levels(cpu_ctx, &fake);
            n = pb_backend_cpu.variants(cpu_ctx, PB_WL_TRIAD, &req, v, PB_MAX_VARIANTS);
            CHECK(count_role(v, n, PB_ROLE_CPU_P, 1) == 1 && count_role(v, n, PB_ROLE_CPU_E, 1) == 0);
        }
    }
#endif
    pb_cpu_use_levels(cpu_ctx, &real);
    n = pb_backend_cpu.variants(cpu_ctx, PB_WL_TRIAD, &req, v, PB_MAX_VARIANTS);
    CHECK(n == 2 + (real.nperf_levels == 2 ? 2 : 0));
}

static void test_device(void)
{
    if (!setup()) {
        CHECK_MSG(0, "could not start the cpu backend");
        return;
    }
    pb_device_info info;
    CHECK(pb_backend_cpu.device_count(cpu_ctx) == 1);
    CHECK(pb_backend_cpu.device_info(cpu_ctx, 0, &info) == PB_OK);
    CHECK_STR(info.name, "host CPU");
    CHECK(info.type == PB_DEVICE_CPU);
    CHECK(pb_backend_cpu.case_e2e == NULL && pb_backend_cpu.case_read != NULL);
    CHECK(strcmp(pb_backend_cpu.name, "cpu") == 0);
}

/* Runs last: frees what the other tests shared. */
static void test_shutdown(void)
{
    pb_backend_cpu.shutdown(cpu_ctx);
    pb_pool_free(verify_pool);
    cpu_ctx = NULL;
    verify_pool = NULL;
    pb_backend_cpu.shutdown(NULL);
}

static const pbtest_case cases[] = {
    { "variants_roles", test_variants_roles },
    { "core_type_variants", test_core_type_variants },
    { "core_type_rows_here", test_core_type_rows_here },
    { "faked_hybrid_machine", test_faked_hybrid_machine },
    { "large_buffers_are_placed", test_large_buffers_are_placed },
    { "device", test_device },
#define WORKLOAD_CASES(ID, name, OUTPUT) { #name "_odd_sizes", test_##name##_odd_sizes },
    PB_WORKLOAD_LIST(WORKLOAD_CASES)
#undef WORKLOAD_CASES
    { "sgemm_block_edges", test_sgemm_block_edges },
    { "sgemm_scratch_out_of_memory", test_sgemm_scratch_out_of_memory },
    { "reduce_same_on_any_threads", test_reduce_same_on_any_threads },
    { "queue_hands_out_every_chunk_once", test_queue_hands_out_every_chunk_once },
    { "shutdown", test_shutdown },
};

PBTEST_MAIN(cases)
