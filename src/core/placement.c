/* Thread placement: sched_setaffinity on Linux (pid 0 is the calling thread), QoS classes on
 * macOS. */
#include "placement.h"

#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <errno.h>
#include <sched.h>
#elif defined(__APPLE__)
#include <pthread/qos.h>
#endif

#if defined(__linux__)
static void pb_placement_mask_from_set(const cpu_set_t *set, pb_cpu_mask *out)
{
    memset(out, 0, sizeof *out);
    for (int cpu = 0; cpu < PB_CPU_MASK_MAX && cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, set))
            pb_cpu_mask_add(out, cpu);
}
#endif

pb_status pb_placement_apply(const pb_placement *place, pb_placement_saved *saved, pb_msg *msg)
{
    memset(saved, 0, sizeof *saved);
#if defined(__linux__)
    cpu_set_t now, want;
    if (sched_getaffinity(0, sizeof now, &now) != 0)
        return pb_msg_set(msg, PB_ERR_BACKEND, "could not read a thread's CPU affinity: %s", strerror(errno));
    pb_placement_mask_from_set(&now, &saved->cpus);
    saved->valid = 1;
    if (pb_cpu_mask_count(&place->cpus) == 0)
        return PB_OK;
    CPU_ZERO(&want);
    for (int cpu = 0; cpu < PB_CPU_MASK_MAX && cpu < CPU_SETSIZE; cpu++)
        if (pb_cpu_mask_has(&place->cpus, cpu) && CPU_ISSET(cpu, &now))
            CPU_SET(cpu, &want);
    if (CPU_COUNT(&want) == 0)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "none of the CPUs of this core type may be used by this process");
    if (sched_setaffinity(0, sizeof want, &want) != 0)
        return pb_msg_set(msg, PB_ERR_BACKEND, "could not pin a thread to its core type: %s", strerror(errno));
    return PB_OK;
#elif defined(__APPLE__)
    saved->qos = (int)qos_class_self();
    saved->valid = 1;
    qos_class_t cls = place->speed == PB_PLACEMENT_EFFICIENT ? QOS_CLASS_BACKGROUND : QOS_CLASS_USER_INTERACTIVE;
    int err = pthread_set_qos_class_self_np(cls, 0);
    if (err != 0)
        return pb_msg_set(msg, PB_ERR_BACKEND, "could not set a thread's QoS class: %s", strerror(err));
    return PB_OK;
#else
    (void)place;
    return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "this system offers no way to place threads on a core type");
#endif
}

void pb_placement_restore(const pb_placement_saved *saved)
{
    if (!saved->valid)
        return;
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu = 0; cpu < PB_CPU_MASK_MAX && cpu < CPU_SETSIZE; cpu++)
        if (pb_cpu_mask_has(&saved->cpus, cpu))
            CPU_SET(cpu, &set);
    (void)sched_setaffinity(0, sizeof set, &set);
#elif defined(__APPLE__)
    /* A thread that never asked for a class reports UNSPECIFIED, which cannot be set again;
     * DEFAULT is the class such a thread runs at. */
    qos_class_t cls = saved->qos == QOS_CLASS_UNSPECIFIED ? QOS_CLASS_DEFAULT : (qos_class_t)saved->qos;
    (void)pthread_set_qos_class_self_np(cls, 0);
#endif
}

int pb_placement_allowed(pb_cpu_mask *out)
{
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        pb_placement_mask_from_set(&set, out);
        return 1;
    }
#endif
    (void)out;
    return 0;
}

typedef struct pb_placement_job {
    const pb_placement *place;
    pb_placement_saved *saved;
    pb_status *status;
    pb_msg *msg;
} pb_placement_job;

static void pb_placement_apply_task(void *arg, int index, int count)
{
    const pb_placement_job *job = arg;
    (void)count;
    job->status[index] = pb_placement_apply(job->place, &job->saved[index], &job->msg[index]);
}

static void pb_placement_restore_task(void *arg, int index, int count)
{
    const pb_placement_saved *saved = arg;
    (void)count;
    pb_placement_restore(&saved[index]);
}

pb_status pb_placement_apply_pool(pb_pool *pool, int threads, const pb_placement *place,
                                  pb_placement_saved *saved, pb_msg *msg)
{
    memset(saved, 0, (size_t)threads * sizeof *saved);
    pb_placement_job job = { place, saved, calloc((size_t)threads, sizeof *job.status),
                             calloc((size_t)threads, sizeof *job.msg) };
    pb_status st = PB_OK;
    if (!job.status || !job.msg) {
        st = pb_msg_set(msg, PB_ERR_NOMEM, "out of memory placing %d threads", threads);
    } else {
        pb_pool_run(pool, threads, pb_placement_apply_task, &job);
        for (int i = 0; i < threads && st == PB_OK; i++)
            if ((st = job.status[i]) != PB_OK && msg)
                *msg = job.msg[i];
    }
    free(job.status);
    free(job.msg);
    return st;
}

void pb_placement_restore_pool(pb_pool *pool, int threads, const pb_placement_saved *saved)
{
    /* The task only reads `saved`; pb_pool_run's argument is not const. */
    pb_pool_run(pool, threads, pb_placement_restore_task, (void *)saved);
}
