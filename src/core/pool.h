/* A persistent pthreads pool. Workers are created once and reused for every launch, so a launch
 * costs a wake-up, not a thread creation. The calling thread takes part as worker 0. */
#ifndef PB_POOL_H
#define PB_POOL_H

#include <stdint.h>

#include "status.h"

typedef struct pb_pool pb_pool;

/* Runs on each of `thread_count` threads with its index in [0, thread_count). */
typedef void (*pb_task_fn)(void *arg, int thread_index, int thread_count);

/* Creates a pool able to run up to `max_threads` threads (>= 1). */
pb_status pb_pool_create(int max_threads, pb_pool **out, pb_msg *msg);
void pb_pool_free(pb_pool *pool); /* accepts NULL */
int pb_pool_max_threads(const pb_pool *pool);

/* Runs fn on `threads` threads (1 <= threads <= max) and returns when all have finished.
 * Not reentrant: one pb_pool_run at a time per pool. */
void pb_pool_run(pb_pool *pool, int threads, pb_task_fn fn, void *arg);

/* The contiguous share [*begin, *end) of n items for worker `index` of `count`. Shares differ by
 * at most one item. */
static inline void pb_split(int64_t n, int index, int count, int64_t *begin, int64_t *end)
{
    int64_t base = n / count, extra = n % count;
    *begin = index * base + (index < extra ? index : extra);
    *end = *begin + base + (index < extra ? 1 : 0);
}

/* Like pb_split, but shares start on multiples of `align` items (the last share takes the rest).
 * Use it so threads never write to the same cache line. */
static inline void pb_split_aligned(int64_t n, int64_t align, int index, int count, int64_t *begin,
                                    int64_t *end)
{
    int64_t blocks = (n + align - 1) / align, b0, b1;
    pb_split(blocks, index, count, &b0, &b1);
    *begin = b0 * align < n ? b0 * align : n;
    *end = b1 * align < n ? b1 * align : n;
}

#endif
