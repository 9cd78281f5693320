/* Measuring one backend case: the glue between the backend contract, the workloads, the core
 * runner and the result model. The runner (src/core/runner.h) knows a case only by its
 * pb_runner_ops; this layer, which may see everything, supplies them for a backend's case and
 * turns the runner's outcome and measurement into a pb_result. */
#ifndef PB_MEASURE_H
#define PB_MEASURE_H

#include "../backends/backend.h"
#include "../core/runner.h"
#include "../results/result.h"

/* One backend case as the runner measures it. It must stay at one address from setup to
 * discard: the runner holds a pointer to it. */
typedef struct pb_measured_case {
    const pb_backend *backend;
    void *ctx;
    pb_variant variant;
    pb_problem *problem;        /* the inputs it runs on (a fresh copy per round when not kept) */
    void *kase;                 /* the backend's case while open */
    pb_result *out;             /* receives the verification's check during setup */
    pb_runner_case rc;
} pb_measured_case;

/* Fills the descriptive fields of `out` (names, sizes, FLOP and byte counts) without running. */
void pb_measure_describe(const pb_backend *backend, void *ctx, const pb_variant *variant, const pb_problem *problem,
                         pb_result *out);

/* Sets up one case: describes it in `out` (which the caller has zeroed), poisons the outputs and
 * runs pb_runner_setup. On success m->rc.live is 1 and the backend case is open; else out->status
 * is failed or skipped with the reason. Returns PB_ERR_INTERRUPTED only when the user interrupted. */
pb_status pb_measure_setup(pb_measured_case *m, const pb_backend *backend, void *ctx, const pb_variant *variant,
                           pb_problem *problem, const pb_runner_opts *opts, pb_result *out);

/* For a case set up per round: opens the backend case again on `problem`, which must hold the
 * same inputs. */
pb_status pb_measure_reopen(pb_measured_case *m, pb_problem *problem, pb_msg *msg);

/* Ends a case: its samples and summary into `out` (or why it has none), and the case discarded.
 * `stop` says why rounds ended. */
void pb_measure_finish(pb_measured_case *m, const char *stop, pb_result *out);

/* Measures one case on its own: setup, rounds back to back until the stopping rule is met,
 * finish. For selftest and tests; `parbench run` interleaves cases instead (run_rounds.c).
 * Returns PB_ERR_INTERRUPTED when the user interrupted, else PB_OK (the outcome is in `out`). */
pb_status pb_measure_case(const pb_backend *backend, void *ctx, const pb_variant *variant, pb_problem *problem,
                          const pb_runner_opts *opts, pb_result *out);

#endif
