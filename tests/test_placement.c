/* Thread placement: on Linux a placed pool's workers really run on the CPUs asked for, and go back
 * to the affinity they had afterwards; a placement no CPU allows fails with a reason. On macOS a
 * placed thread asks for the QoS class that steers it, and gets its own class back. */
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sched.h>
#elif defined(__APPLE__)
#include <pthread/qos.h>
#endif

#include "../src/core/placement.h"
#include "../src/core/pool.h"
#include "pbtest.h"

enum { POOL_THREADS = 4 };

#if defined(__linux__)
typedef struct where_probe {
    int cpu[POOL_THREADS];        /* sched_getcpu() in each worker */
    int allowed[POOL_THREADS];    /* how many CPUs each worker may run on */
} where_probe;

static void where_task(void *arg, int index, int count)
{
    where_probe *p = arg;
    cpu_set_t set;
    (void)count;
    p->cpu[index] = sched_getcpu();
    p->allowed[index] = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
}
#endif

static void test_pool_placed_on_cpu0(void)
{
#if defined(__linux__)
    pb_cpu_mask allowed;
    CHECK(pb_placement_allowed(&allowed) == 1);
    if (!pb_cpu_mask_has(&allowed, 0))
        SKIP("this process may not use CPU 0");
    pb_pool *pool = NULL;
    pb_msg msg = { "" };
    CHECK(pb_pool_create(POOL_THREADS, &pool, &msg) == PB_OK);
    if (!pool)
        return;
    pb_placement place;
    memset(&place, 0, sizeof place);
    pb_cpu_mask_add(&place.cpus, 0);
    pb_placement_saved saved[POOL_THREADS];
    CHECK_MSG(pb_placement_apply_pool(pool, POOL_THREADS, &place, saved, &msg) == PB_OK, "%s", msg.text);
    where_probe p;
    memset(&p, 0, sizeof p);
    pb_pool_run(pool, POOL_THREADS, where_task, &p);
    for (int i = 0; i < POOL_THREADS; i++) {
        CHECK_MSG(p.cpu[i] == 0, "worker %d ran on CPU %d", i, p.cpu[i]);
        CHECK(p.allowed[i] == 1);
        CHECK(saved[i].valid && pb_cpu_mask_count(&saved[i].cpus) == pb_cpu_mask_count(&allowed));
    }
    pb_placement_restore_pool(pool, POOL_THREADS, saved);
    memset(&p, 0, sizeof p);
    pb_pool_run(pool, POOL_THREADS, where_task, &p);
    for (int i = 0; i < POOL_THREADS; i++)
        CHECK_MSG(p.allowed[i] == pb_cpu_mask_count(&allowed), "worker %d may use %d CPUs after the restore",
                  i, p.allowed[i]);
    pb_pool_free(pool);
#else
    SKIP("thread affinity is Linux-only (macOS steers threads by QoS class)");
#endif
}

static void test_unusable_cpus_are_refused(void)
{
#if defined(__linux__)
    pb_cpu_mask allowed;
    CHECK(pb_placement_allowed(&allowed) == 1);
    if (pb_cpu_mask_has(&allowed, PB_CPU_MASK_MAX - 1))
        SKIP("this process may use every CPU up to %d", PB_CPU_MASK_MAX - 1);
    pb_placement place;
    pb_placement_saved saved;
    pb_msg msg = { "" };
    memset(&place, 0, sizeof place);
    pb_cpu_mask_add(&place.cpus, PB_CPU_MASK_MAX - 1);
    CHECK(pb_placement_apply(&place, &saved, &msg) == PB_ERR_UNSUPPORTED);
    CHECK(strstr(msg.text, "none of the CPUs") != NULL);
    CHECK(saved.valid);
    pb_placement_restore(&saved);

    /* An empty set leaves the thread where it may run. */
    memset(&place, 0, sizeof place);
    CHECK(pb_placement_apply(&place, &saved, &msg) == PB_OK);
    pb_cpu_mask now;
    CHECK(pb_placement_allowed(&now) == 1 && memcmp(&now, &allowed, sizeof now) == 0);
    pb_placement_restore(&saved);
#else
    SKIP("thread affinity is Linux-only");
#endif
}

static void test_qos_classes(void)
{
#if defined(__APPLE__)
    pb_placement place;
    pb_placement_saved saved;
    pb_msg msg = { "" };
    memset(&place, 0, sizeof place);
    qos_class_t before = qos_class_self();
    place.speed = PB_PLACEMENT_EFFICIENT;
    CHECK_MSG(pb_placement_apply(&place, &saved, &msg) == PB_OK, "%s", msg.text);
    CHECK(qos_class_self() == QOS_CLASS_BACKGROUND);
    pb_placement_restore(&saved);
    CHECK(qos_class_self() == (before == QOS_CLASS_UNSPECIFIED ? QOS_CLASS_DEFAULT : before));
    place.speed = PB_PLACEMENT_FAST;
    CHECK(pb_placement_apply(&place, &saved, &msg) == PB_OK);
    CHECK(qos_class_self() == QOS_CLASS_USER_INTERACTIVE);
    pb_placement_restore(&saved);
#else
    SKIP("QoS classes are macOS-only");
#endif
}

static const pbtest_case cases[] = {
    { "pool_placed_on_cpu0", test_pool_placed_on_cpu0 },
    { "unusable_cpus_are_refused", test_unusable_cpus_are_refused },
    { "qos_classes", test_qos_classes },
};

PBTEST_MAIN(cases)
