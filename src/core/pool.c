/* Persistent thread pool: a generation counter under one mutex wakes the workers; a countdown
 * tells the caller when the launch is done. Launches are long (>= 10 ms samples), so a condition
 * variable wake-up is cheap enough and never spins a core that a kernel needs. */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>
#if defined(__APPLE__)
#include <pthread/qos.h>
#endif

struct pb_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_cond_t done;
    pthread_t *threads;
    int max_threads;
    int started;        /* workers actually created */
    unsigned long generation;
    int active;         /* threads taking part in the current launch */
    int pending;        /* workers of the current launch not yet finished */
    int quit;
    pb_task_fn fn;
    void *arg;
};

typedef struct pb_worker_start {
    pb_pool *pool;
    int index;
} pb_worker_start;

/* macOS has no thread affinity: the QoS class is what steers a thread between P and E cores, and
 * a thread that never asks for one may be parked on E cores while P cores idle. Benchmark workers
 * ask for the class the scheduler gives P cores first. */
static void pb_pool_worker_class(void)
{
#if defined(__APPLE__)
    (void)pthread_set_qos_class_self_np(QOS_CLASS_USER_INTERACTIVE, 0);
#endif
}

static void *pb_pool_worker(void *p)
{
    pb_worker_start start = *(pb_worker_start *)p;
    pb_pool_worker_class();
    pb_pool *pool = start.pool;
    free(p);
    unsigned long seen = 0;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->quit && pool->generation == seen)
            pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->quit)
            break;
        seen = pool->generation;
        if (start.index >= pool->active)
            continue;
        pb_task_fn fn = pool->fn;
        void *arg = pool->arg;
        int count = pool->active;
        pthread_mutex_unlock(&pool->lock);
        fn(arg, start.index, count);
        pthread_mutex_lock(&pool->lock);
        if (--pool->pending == 0)
            pthread_cond_signal(&pool->done);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

pb_status pb_pool_create(int max_threads, pb_pool **out, pb_msg *msg)
{
    if (max_threads < 1)
        return pb_msg_set(msg, PB_ERR_USAGE, "thread pool needs at least 1 thread, got %d", max_threads);
    pb_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory creating the thread pool");
    pool->max_threads = max_threads;
    pool->threads = calloc((size_t)max_threads, sizeof *pool->threads);
    if (!pool->threads) {
        free(pool);
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory creating the thread pool");
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    for (int i = 1; i < max_threads; i++) {
        pb_worker_start *start = malloc(sizeof *start);
        if (!start || (start->pool = pool, start->index = i,
                       pthread_create(&pool->threads[i], NULL, pb_pool_worker, start) != 0)) {
            free(start);
            pb_pool_free(pool);
            return pb_msg_set(msg, PB_ERR_BACKEND, "could not start worker thread %d of %d", i, max_threads);
        }
        pool->started = i;
    }
    *out = pool;
    return PB_OK;
}

void pb_pool_free(pb_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->quit = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 1; i <= pool->started; i++)
        pthread_join(pool->threads[i], NULL);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    free(pool->threads);
    free(pool);
}

int pb_pool_max_threads(const pb_pool *pool) { return pool->max_threads; }

void pb_pool_run(pb_pool *pool, int threads, pb_task_fn fn, void *arg)
{
    if (threads < 1)
        threads = 1;
    if (threads > pool->max_threads)
        threads = pool->max_threads;
    if (threads == 1) {
        fn(arg, 0, 1);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    pool->fn = fn;
    pool->arg = arg;
    pool->active = threads;
    pool->pending = threads - 1;
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);

    fn(arg, 0, threads);

    pthread_mutex_lock(&pool->lock);
    while (pool->pending > 0)
        pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}
