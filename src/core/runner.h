/* The runner (DESIGN.md §4): a case is set up once (warm-up, one verification, calibration of
 * launches per sample so a sample lasts >= 10 ms), then measured in rounds: in each round it gets
 * one untimed launch and a few timed samples, and the machine's state is read around them. The
 * caller interleaves the rounds of many cases (src/cli/run_rounds.c); the round, not the sample,
 * is the independent unit of the statistics, and more rounds are added while the spread between
 * rounds is too large to judge a difference of the threshold. */
#ifndef PB_RUNNER_H
#define PB_RUNNER_H

#include <signal.h>

#include "../results/result.h"
#include "backend.h"
#include "machstate.h"
#include "pool.h"

typedef struct pb_runner_opts {
    double min_time_s;          /* sampling time per case over its first min_rounds rounds (preset default when 0) */
    double min_sample_s;        /* a sample lasts at least this long (0.01) */
    int min_rounds;             /* every case gets at least this many rounds (5) */
    int max_rounds;             /* the stopping rule adds rounds up to this many (4 x min_rounds) */
    double round_time_s;        /* sampling time per case per round: min_time_s / min_rounds */
    double spread_target;       /* stop adding rounds once the predicted half-width of a comparison
                                 * (log units) is at most this: half of log(1 + 5%) */
    int max_samples_per_round;  /* a cap for very fast cases (64) */
    int e2e_samples;            /* end-to-end samples for device backends */
    pb_pool *pool;              /* for expensive references in verification */
    int pool_threads;
    volatile sig_atomic_t *interrupted; /* set by the SIGINT handler; may be NULL */
    int verify_only;            /* warm up and verify, take no timed samples (selftest) */
} pb_runner_opts;

/* Fills defaults for unset (zero) fields. */
void pb_runner_opts_defaults(pb_runner_opts *opts);

/* One case measured across rounds. Zero it before pb_runner_setup. */
typedef struct pb_runner_case {
    const pb_backend *backend;
    void *ctx;
    pb_variant variant;
    void *kase;                 /* the backend's case, open while set up */
    int launches;               /* per sample, from calibration */
    int device_timer;           /* the last sample used device timers */
    int live;                   /* set up and verified: takes rounds */
    int rounds;                 /* rounds with samples so far */
    double *samples;            /* seconds per launch */
    double *host;               /* the same samples on the host clock around the batch */
    int untrusted;              /* the device timer disagreed with the host clock */
    char timer_note[160];       /* why */
    int *sample_rounds;         /* each sample's round (0..rounds-1) */
    int nsamples, cap;
    pb_round_state *states;     /* the machine's state in each round */
    double *e2e;                /* end-to-end seconds, a few per round (device backends) */
    int ne2e;
    double seconds_per_round;   /* wall time of the last round, for estimates */
} pb_runner_case;

/* Fills the descriptive fields of `out` (names, sizes, FLOP and byte counts) without running. */
void pb_runner_describe_only(const pb_backend *backend, void *ctx, const pb_variant *variant,
                             const pb_problem *problem, pb_result *out);

/* Sets up one case: describes it in `out` (which the caller has zeroed), poisons the outputs,
 * creates the backend case, runs the warm-up launch, verifies its output and calibrates. On
 * success c->live is 1 and the backend case is open. Errors become out->status failed or
 * skipped with a reason; the return value is PB_ERR_INTERRUPTED only when the user interrupted. */
pb_status pb_runner_setup(pb_runner_case *c, const pb_backend *backend, void *ctx, const pb_variant *variant,
                          pb_problem *problem, const pb_runner_opts *opts, pb_result *out);

/* For a case set up per round (its buffers did not fit the memory budget): creates the backend
 * case again on `problem`, which must hold the same inputs. */
pb_status pb_runner_reopen(pb_runner_case *c, pb_problem *problem, pb_msg *msg);

/* Closes the backend case (keeps the samples). */
void pb_runner_close(pb_runner_case *c);

/* One round of an open case: one untimed launch, then samples for opts->round_time_s (at least
 * one) with the machine's state read before and after, then end-to-end samples where the backend
 * has them (their share of opts->e2e_samples), so they too span the run. */
pb_status pb_runner_round(pb_runner_case *c, const pb_runner_opts *opts, pb_msg *msg);

/* The stopping rule: 1 when the case has fewer than min_rounds rounds, or fewer than max_rounds
 * and its predicted comparison half-width (pb_stats_rounds_halfwidth) exceeds spread_target.
 * *halfwidth receives that prediction (infinity below 2 rounds). */
int pb_runner_needs_round(const pb_runner_case *c, const pb_runner_opts *opts, double *halfwidth);

/* Ends a case: the summary into `out`, and the backend case closed. `stop` says why rounds ended. A case that
 * took no round is marked skipped. Frees the case's own arrays. */
pb_status pb_runner_finish(pb_runner_case *c, const pb_runner_opts *opts, const char *stop, pb_result *out);

/* Frees a case's arrays and closes it; for cases that failed or were never finished. */
void pb_runner_discard(pb_runner_case *c);

/* Measures one case on its own: setup, min_rounds rounds back to back (the stopping rule
 * applies), finish. For selftest and tests; `parbench run` interleaves cases instead. */
pb_status pb_runner_run_case(const pb_backend *backend, void *ctx, const pb_variant *variant,
                             pb_problem *problem, const pb_runner_opts *opts, pb_result *out);

#endif
