/* Helpers shared by the workload files (not part of the public workload contract): size checks,
 * seeded fills, and a parallel loop that tallies per-element verification errors. */
#ifndef PB_WORKLOAD_UTIL_H
#define PB_WORKLOAD_UTIL_H

#include <math.h>
#include <stdint.h>

#include "../core/rng.h"
#include "workload.h"

/* Each workload file defines its descriptor, pb_workload_<name> (the list in workload.h). */
#define PB_WL_DECLARE(ID, name, OUTPUT) extern const pb_workload pb_workload_##name;
PB_WORKLOAD_LIST(PB_WL_DECLARE)
#undef PB_WL_DECLARE

/* Verification never uses more threads than this, so per-thread partials fit in fixed arrays. */
#define PB_WL_MAX_THREADS 64

/* Running outcome of a check over a range of elements. */
typedef struct pb_tally {
    double max_err;     /* INFINITY once a NaN or infinite error was seen */
    int64_t bad;
    int64_t first_bad;  /* -1 when none */
} pb_tally;

void pb_tally_init(pb_tally *t);

/* Records element `index` with error `err`. Written as !(err <= tol) so a NaN error is bad. Within
 * one tally, indices must come in increasing order for first_bad to be the first. */
static inline void pb_tally_add(pb_tally *t, int64_t index, double err, double tol)
{
    if (!(err <= tol) && t->bad++ == 0)
        t->first_bad = index;
    if (!(err < INFINITY))
        err = INFINITY;
    if (err > t->max_err)
        t->max_err = err;
}

/* num / den as an error measure: 0 when num is 0 (even over 0), infinite for num > 0 over 0. */
static inline double pb_ratio(double num, double den)
{
    return num == 0 ? 0 : num / den;
}

/* Work for one thread: the contiguous range [begin, end) of the loop, as share `share` of the
 * split. `tally` is this share's own (already initialised). */
typedef void (*pb_wl_range_fn)(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally);

/* Splits [0, n) into one contiguous share per thread (up to `threads`, the pool's size and
 * PB_WL_MAX_THREADS), runs them on the pool, or serially when pool is NULL, and merges their
 * tallies in index order into *total (which may be NULL). */
void pb_wl_parallel_for(pb_pool *pool, int threads, int64_t n, pb_wl_range_fn fn, void *arg, pb_tally *total);

/* Fills a pb_check from a tally: ok when nothing was bad. */
void pb_check_set(pb_check *out, const char *method, const pb_tally *t, double tolerance);

/* The larger of two errors, NaN counting as larger than anything. */
static inline double pb_worse(double a, double b)
{
    return isnan(a) || a > b ? a : b;
}

/* Checks that each dimension of `wl` lies in [min[d], INT_MAX]. */
pb_status pb_wl_check_dims(const pb_workload *wl, const pb_dims *dims, const int64_t *min, pb_msg *msg);
/* Checks that a buffer of `elements` elements can be indexed with int, as kernels do. */
pb_status pb_wl_check_elements(const pb_workload *wl, int64_t elements, pb_msg *msg);

typedef struct pb_buffer_spec {
    const char *name;
    pb_buffer_kind kind;
    size_t bytes;
} pb_buffer_spec;

/* Starts a problem in *p (zeroing it first): sets id and dims and allocates `count` buffers in the
 * workload's fixed order. On failure frees whatever was allocated. */
pb_status pb_wl_begin(pb_problem *p, pb_workload_id id, const pb_dims *dims, const pb_buffer_spec *specs, int count,
                      pb_msg *msg);

/* Fills n floats uniform in [lo, hi) from `rng`. */
void pb_fill_uniform(float *x, int64_t n, float lo, float hi, pb_rng *rng);

#endif
