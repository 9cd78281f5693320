/* The CPU's own ceilings, measured: peak fp32 multiply-add throughput (independent FMA chains on
 * every thread of the pool) and peak memory bandwidth (a large read and a large triad, with plain
 * and with non-temporal stores; the best counts). Each probe checks its own result, so that the
 * work cannot be optimised away and a wrong probe is never recorded. */
#ifndef PB_CPU_CEILING_H
#define PB_CPU_CEILING_H

#include <stddef.h>
#include <stdint.h>

#include "../../core/pool.h"
#include "../../core/status.h"

/* Independent FMA chains per thread: enough to cover the latency of two FMA pipes (4 cycles x 2). */
#define PB_CEILING_CHAINS 12

typedef struct pb_cpu_ceiling_opts {
    int threads;                /* pool threads to use (1 .. pb_pool_max_threads) */
    double fma_time_s;          /* at least this long per FMA measurement */
    size_t array_bytes;         /* bytes of each bandwidth array */
    int repeats;                /* timed passes per bandwidth kernel; the best counts */
} pb_cpu_ceiling_opts;

typedef struct pb_cpu_ceiling_result {
    double fp32_gflops;
    double read_gbs;            /* sum of one array */
    double triad_gbs;           /* a = b + s c, plain stores, 12 bytes per element */
    double triad_nt_gbs;        /* the same with non-temporal stores */
    double bandwidth_gbs;       /* the best of the three */
    double seconds;             /* the probes' wall time, setup included */
    int lanes;                  /* fp32 lanes of the vectors the chains use */
} pb_cpu_ceiling_result;

/* Runs both probes. PB_ERR_VERIFY (with what disagreed) when a probe's check fails: nothing in
 * `out` is then to be trusted. PB_ERR_NOMEM when the arrays cannot be allocated. */
pb_status pb_cpu_ceiling_measure(pb_pool *pool, const pb_cpu_ceiling_opts *opts, pb_cpu_ceiling_result *out,
                                 pb_msg *msg);

/* One lane of one chain, x <- x * m + a repeated `iters` times, in scalar fmaf: what every vector
 * lane must hold at the end. */
float pb_cpu_ceiling_chain_value(float x0, float m, float a, int64_t iters);

/* Checks `n` chain values against the scalar recomputation (start x0[k]); 1 when all agree. */
int pb_cpu_ceiling_chains_ok(const float *got, const float *x0, int n, float m, float a, int64_t iters);

/* The read probe's array holds (i mod 8) at index i; this is the exact sum of its first n. */
double pb_cpu_ceiling_read_sum(int64_t n);

#endif
