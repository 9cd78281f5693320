/* The CPU backend's internal contract: one pb_cpu_kernel per workload (cpu_<workload>.c), and the
 * per-thread scratch they share. */
#ifndef PB_CPU_KERNELS_H
#define PB_CPU_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "../../core/pool.h"
#include "../../workloads/workload.h"

typedef struct pb_cpu_queue pb_cpu_queue;

/* One prepared case: what a launch needs. `problem` is the case's own view of the problem: its
 * large buffers are copies whose pages the worker threads touched first (so they sit near those
 * cores on NUMA machines), the rest alias the caller's problem (`source`). */
typedef struct pb_cpu_case {
    pb_problem *problem;
    pb_problem *source;
    pb_problem placed;
    int owned[PB_MAX_BUFFERS]; /* 1: placed.buf[i].host is the case's copy */
    pb_pool *pool;
    int threads;
    pb_cpu_queue *queue;    /* hands out the chunks of each launch (pb_cpu_queue_run) */
    void *state;            /* the kernel's own per-case state (set by setup, freed by teardown) */
} pb_cpu_case;

typedef struct pb_cpu_kernel {
    /* (optional) Allocates c->state. Anything large is allocated and first touched by the worker
     * threads that use it, so its pages are placed near them. */
    pb_status (*setup)(pb_cpu_case *c, pb_msg *msg);
    /* One launch on c->threads threads of c->pool; outputs go straight to the problem's buffers. */
    void (*launch)(pb_cpu_case *c);
    /* (optional) Frees c->state; accepts a case whose setup failed half-way. */
    void (*teardown)(pb_cpu_case *c);
} pb_cpu_kernel;

/* Each workload of the list (workload.h) has its kernel, pb_cpu_<name>, in cpu_<name>.c. */
#define PB_CPU_DECLARE(ID, name, OUTPUT) extern const pb_cpu_kernel pb_cpu_##name;
PB_WORKLOAD_LIST(PB_CPU_DECLARE)
#undef PB_CPU_DECLARE

/* Outputs larger than this are written with streaming stores: they cannot stay cached until they
 * are read again, and bypassing the cache saves a read of every written line. A fixed size, never
 * taken from the reported cache sizes (virtual machines report the host's L3). */
#define PB_CPU_STREAM_MIN_BYTES ((size_t)32 << 20)

/* One cache-line-aligned block per thread, each allocated and zeroed by the thread that uses it
 * (first touch places its pages near that core; separate blocks never share a cache line). */
typedef struct pb_cpu_scratch {
    void **block;
    int count;
    size_t bytes;
} pb_cpu_scratch;

/* Work is handed out in chunks as the threads ask for it, never in fixed shares: on cores of
 * different speeds (Apple's P and E cores) a static split leaves the fast threads idle at the end,
 * and some kernels' cost per item varies (mandelbrot). Each thread first takes, in order, the
 * chunks of its own contiguous share (pb_split of the chunk indices), then takes what is left of
 * the other threads' shares. On equal cores each thread therefore works on its own share, whose
 * pages it touched first (pb_cpu_place), and streams through it in order; a thread that finishes
 * early helps the others.
 *
 * The grain of the bandwidth-bound kernels' chunks and of the first touch of large buffers: with
 * chunks of this many bytes of each buffer, a thread's own share of chunks is exactly the part of
 * each buffer it touched first. Large enough that taking a chunk (one atomic add on a line no other
 * thread writes until it steals) costs nothing against streaming it (tens of microseconds), small
 * enough that a 1/12 share holds tens of chunks to balance with. */
#define PB_CPU_CHUNK_BYTES ((size_t)256 << 10)

/* Creates the queue of a case on `threads` threads; free with pb_cpu_queue_free (accepts NULL). */
pb_status pb_cpu_queue_create(int threads, pb_cpu_queue **out, pb_msg *msg);
void pb_cpu_queue_free(pb_cpu_queue *queue);
/* Rewinds the case's queue to hand out chunks [0, chunks), then runs task(arg, t, threads) on the
 * case's threads. */
void pb_cpu_queue_run(pb_cpu_case *c, int64_t chunks, pb_task_fn task, void *arg);
/* The next chunk for thread t of a queue_run; -1 when none are left. */
int64_t pb_cpu_queue_next(const pb_cpu_case *c, int t);

pb_status pb_cpu_scratch_create(pb_pool *pool, int threads, size_t bytes, pb_cpu_scratch **out,
                                pb_msg *msg);
void pb_cpu_scratch_free(pb_cpu_scratch *scratch); /* accepts NULL */

#endif
