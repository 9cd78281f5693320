/* The work queue of the CPU kernels whose threads take pieces of work as they go (cpu_kernels.h). */
#include <stdatomic.h>

#include "../../core/mem.h"
#include "cpu_kernels.h"

typedef struct pb_cpu_queue {
    atomic_llong next;      /* first item of the next piece to hand out */
} pb_cpu_queue;

pb_status pb_cpu_queue_setup(pb_cpu_case *c, pb_msg *msg)
{
    pb_cpu_queue *q = pb_alloc(sizeof *q);
    if (!q)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory preparing a cpu work queue");
    atomic_init(&q->next, 0);
    c->state = q;
    return PB_OK;
}

void pb_cpu_queue_teardown(pb_cpu_case *c) { pb_free(c->state); }

void pb_cpu_queue_run(pb_cpu_case *c, pb_task_fn task)
{
    pb_cpu_queue *q = c->state;
    atomic_store_explicit(&q->next, 0, memory_order_relaxed);
    pb_pool_run(c->pool, c->threads, task, c);
}

int64_t pb_cpu_queue_take(const pb_cpu_case *c, int64_t count)
{
    pb_cpu_queue *q = c->state;
    return atomic_fetch_add_explicit(&q->next, count, memory_order_relaxed);
}
