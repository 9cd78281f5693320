/* The CPU backend's internal contract: one pb_cpu_kernel per workload (cpu_<workload>.c), and the
 * per-thread scratch they share. */
#ifndef PB_CPU_KERNELS_H
#define PB_CPU_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "../../core/pool.h"
#include "../../workloads/workload.h"

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

extern const pb_cpu_kernel pb_cpu_sgemm;
extern const pb_cpu_kernel pb_cpu_triad;
extern const pb_cpu_kernel pb_cpu_reduce;
extern const pb_cpu_kernel pb_cpu_stencil;
extern const pb_cpu_kernel pb_cpu_nbody;
extern const pb_cpu_kernel pb_cpu_mandelbrot;
extern const pb_cpu_kernel pb_cpu_histogram;

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

/* A shared counter from which threads take the next piece of work, for kernels whose cost per item
 * varies (mandelbrot) or that run on cores of different speeds (Apple's P and E cores): a static
 * split would leave the fast threads idle at the end. It is the kernel's state: pb_cpu_queue_setup
 * and pb_cpu_queue_teardown fill its setup and teardown slots. */
pb_status pb_cpu_queue_setup(pb_cpu_case *c, pb_msg *msg);
void pb_cpu_queue_teardown(pb_cpu_case *c);
/* Rewinds the queue to item 0, then runs `task` (with the case as its argument) on the case's
 * threads. */
void pb_cpu_queue_run(pb_cpu_case *c, pb_task_fn task);
/* Takes the next `count` items and returns the first of them; past the end when none are left. */
int64_t pb_cpu_queue_take(const pb_cpu_case *c, int64_t count);

pb_status pb_cpu_scratch_create(pb_pool *pool, int threads, size_t bytes, pb_cpu_scratch **out,
                                pb_msg *msg);
void pb_cpu_scratch_free(pb_cpu_scratch *scratch); /* accepts NULL */

#endif
