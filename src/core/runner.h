/* The runner (DESIGN.md §4): for one case, warm up, verify once, calibrate launches per sample so a
 * sample lasts >= 10 ms, then sample until >= min_samples and >= min_time (capped by max_time),
 * keeping every raw sample. */
#ifndef PB_RUNNER_H
#define PB_RUNNER_H

#include <signal.h>

#include "../results/result.h"
#include "backend.h"
#include "pool.h"

typedef struct pb_runner_opts {
    double min_time_s;          /* per case; preset default when 0 */
    double max_time_s;          /* per case cap on sampling */
    double min_sample_s;        /* a sample lasts at least this long (0.01) */
    int min_samples;            /* >= 10 */
    int max_samples;            /* hard cap on stored samples */
    int e2e_samples;            /* end-to-end samples for device backends */
    pb_pool *pool;              /* for expensive references in verification */
    int pool_threads;
    volatile sig_atomic_t *interrupted; /* set by the SIGINT handler; may be NULL */
    int verify_only;            /* warm up and verify, take no timed samples (selftest) */
} pb_runner_opts;

/* Fills defaults for unset (zero) fields. */
void pb_runner_opts_defaults(pb_runner_opts *opts);

/* Fills the descriptive fields of `out` (names, sizes, FLOP and byte counts) without running. */
void pb_runner_describe_only(const pb_backend *backend, void *ctx, const pb_variant *variant,
                             const pb_problem *problem, pb_result *out);

/* Measures one case and fills `out` (which the caller has zeroed and named). Never aborts the run:
 * errors become out->status = failed/skipped with a reason. Returns PB_ERR_INTERRUPTED when the
 * user interrupted during this case (the result is then marked skipped), else PB_OK. */
pb_status pb_runner_run_case(const pb_backend *backend, void *ctx, const pb_variant *variant,
                             pb_problem *problem, const pb_runner_opts *opts, pb_result *out);

#endif
