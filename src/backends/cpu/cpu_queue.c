/* The work queue of the CPU kernels: each thread's own share of chunks first, then the others'
 * (cpu_kernels.h). */
#include <stdatomic.h>
#include <string.h>

#include "../../core/mem.h"
#include "cpu_kernels.h"

/* One thread's share [next, end) of the chunks, on a cache line of its own: its owner takes from
 * it without contending with anyone until another thread comes to help. */
typedef struct pb_cpu_share {
    _Alignas(64) atomic_llong next;
    int64_t end;
} pb_cpu_share;

struct pb_cpu_queue {
    int threads;
    pb_cpu_share *share;
};

pb_status pb_cpu_queue_create(int threads, pb_cpu_queue **out, pb_msg *msg)
{
    pb_cpu_queue *q = pb_alloc(sizeof *q);
    pb_cpu_share *share = pb_alloc((size_t)threads * sizeof *share);
    if (!q || !share) {
        pb_free(q);
        pb_free(share);
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory preparing a cpu work queue");
    }
    memset(share, 0, (size_t)threads * sizeof *share);
    for (int t = 0; t < threads; t++)
        atomic_init(&share[t].next, 0);
    q->threads = threads;
    q->share = share;
    *out = q;
    return PB_OK;
}

void pb_cpu_queue_free(pb_cpu_queue *queue)
{
    if (!queue)
        return;
    pb_free(queue->share);
    pb_free(queue);
}

void pb_cpu_queue_run(pb_cpu_case *c, int64_t chunks, pb_task_fn task, void *arg)
{
    pb_cpu_queue *q = c->queue;
    for (int t = 0; t < c->threads; t++) {
        int64_t begin, end;
        pb_split(chunks, t, c->threads, &begin, &end);
        atomic_store_explicit(&q->share[t].next, begin, memory_order_relaxed);
        q->share[t].end = end;
    }
    pb_pool_run(c->pool, c->threads, task, arg);
}

/* The next chunk of share s, or -1 when it is used up. The load first keeps threads that look
 * for work from writing the line of a share that has none left. */
static int64_t pb_cpu_share_take(pb_cpu_share *s)
{
    if (atomic_load_explicit(&s->next, memory_order_relaxed) >= s->end)
        return -1;
    int64_t k = atomic_fetch_add_explicit(&s->next, 1, memory_order_relaxed);
    return k < s->end ? k : -1;
}

int64_t pb_cpu_queue_next(const pb_cpu_case *c, int t)
{
    pb_cpu_queue *q = c->queue;
    for (int i = 0; i < c->threads; i++) {
        int64_t k = pb_cpu_share_take(&q->share[(t + i) % c->threads]);
        if (k >= 0)
            return k;
    }
    return -1;
}
