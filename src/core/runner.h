/* The runner (DESIGN.md §4): a case is set up once (warm-up, one verification, calibration of
 * launches per sample so a sample lasts >= 10 ms), then measured in rounds: in each round it gets
 * one untimed launch and a few timed samples, and the machine's state is read around them. The
 * caller interleaves the rounds of many cases (src/cli/run_rounds.c); the round, not the sample,
 * is the independent unit of the statistics, and more rounds are added while the spread between
 * rounds is too large to judge a difference of the threshold.
 * The runner is core: it sees a case only through pb_runner_ops and reports a pb_measurement, so
 * it needs no backend, workload or result model (src/cli/measure.c joins them). */
#ifndef PB_RUNNER_H
#define PB_RUNNER_H

#include <signal.h>
#include <stdint.h>

#include "machstate.h"
#include "pool.h"
#include "stats.h"
#include "status.h"

typedef struct pb_runner_opts {
    double min_time_s;          /* sampling time per case over its first min_rounds rounds (preset default when 0) */
    double min_sample_s;        /* a sample lasts at least this long (0.01) */
    int min_rounds;             /* every case gets at least this many rounds (5) */
    int max_rounds;             /* the stopping rule adds rounds up to this many (4 x min_rounds) */
    double round_time_s;        /* sampling time per case per round: min_time_s / min_rounds */
    double spread_target;       /* stop adding rounds once the predicted half-width of a comparison
                                 * (log units) is at most this: half of log(1 + 5%) */
    int max_samples_per_round;  /* a cap for very fast cases (64) */
    int e2e_samples;            /* end-to-end samples for cases that have them */
    pb_pool *pool;              /* lent to the case's verification (expensive references) */
    int pool_threads;
    volatile sig_atomic_t *interrupted; /* set by the SIGINT handler; may be NULL */
    int verify_only;            /* warm up and verify, take no timed samples (selftest) */
} pb_runner_opts;

/* Fills defaults for unset (zero) fields. */
void pb_runner_opts_defaults(pb_runner_opts *opts);

/* Writes "what: message" into a reason of `size` bytes, the message cut to leave room for `what`. */
void pb_runner_reason(char *out, size_t size, const char *what, const pb_msg *msg);

/* What the runner measures, behind function pointers: `impl` is the caller's. */
typedef struct pb_runner_ops {
    /* Sets the case up (buffers, uploads, kernels). PB_ERR_UNSUPPORTED: the case does not fit
     * or has no implementation here (it is skipped); other errors fail it. The message says why. */
    pb_status (*open)(void *impl, pb_msg *msg);
    /* Runs `launches` back-to-back launches and reports their total seconds: from device timers
     * (then *device_timer = 1), else on the host clock. */
    pb_status (*run)(void *impl, int launches, double *seconds, int *device_timer, pb_msg *msg);
    /* (optional) One end-to-end launch on the host clock, transfers included. */
    pb_status (*e2e)(void *impl, double *seconds, pb_msg *msg);
    /* (optional) The device's busy time and span of the last run() batch, in seconds (see
     * pb_runner_launch_bound). Returns 1 when that batch was measured so, else 0. */
    int (*batch)(void *impl, double *busy_s, double *span_s);
    /* Checks the output of the last launch, using up to `threads` threads of `pool`. Returns 1
     * when it verified; else 0 with the whole reason in `why`. */
    int (*verify)(void *impl, pb_pool *pool, int threads, pb_msg *why);
    void (*close)(void *impl);
} pb_runner_ops;

typedef enum pb_runner_outcome {
    PB_RUNNER_OK,
    PB_RUNNER_FAILED,    /* it errored or did not verify */
    PB_RUNNER_SKIPPED    /* it did not fit, or the user interrupted */
} pb_runner_outcome;

/* One case measured across rounds. pb_runner_setup initialises it. */
typedef struct pb_runner_case {
    const pb_runner_ops *ops;
    void *impl;
    int open;                   /* ops->open succeeded and close has not run */
    pb_runner_outcome outcome;
    char reason[512];           /* why, when the outcome is not ok */
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
    double *e2e;                /* end-to-end seconds, a few per round */
    int ne2e;
    double seconds_per_round;   /* wall time of the last round, for estimates */
    double batch_busy, batch_span; /* summed over the timed samples whose batch ops->batch measured */
    int64_t batch_launches;     /* the launches of those samples */
} pb_runner_case;

/* What a finished case measured. The arrays belong to the case: copy them before
 * pb_runner_discard. */
typedef struct pb_measurement {
    int rounds;
    const char *stop;                /* why rounds ended: "settled", "round-cap", "time-cap", "interrupted" */
    int device_timer;                /* the kept samples are the device timer's */
    int has_other_clock;             /* a device timer ran: other_clock holds the other clock's samples */
    const char *timer_note;          /* why the device timer was not trusted ("" when it was, or none ran) */
    const double *samples;           /* seconds per launch on the kept clock */
    const double *other_clock;       /* the same samples on the other clock (has_other_clock) */
    const int *sample_rounds;        /* each sample's round */
    int nsamples;
    const pb_round_state *states;    /* one per round */
    const double *e2e;               /* end-to-end seconds per launch */
    int ne2e;
    pb_summary summary;              /* of the kept samples */
    double round_spread;             /* std dev of the log round medians */
    double e2e_median;               /* 0 without end-to-end samples */
    int unstable;                    /* the rounds disagreed too much to judge the threshold */
    int has_batch;                   /* ops->batch measured timed batches: the next two are set */
    double batch_busy_s;             /* the device's busy time per launch over those batches */
    double batch_span_s;             /* their span on the device (first start to last end) per launch */
    int launch_bound;                /* pb_runner_launch_bound of the two */
} pb_measurement;

/* A case is launch-bound when the device sat idle more than this share of its batches' span: the
 * gaps between kernels (the host's or the driver's cost per launch) then weigh more than a quarter
 * of the time, so the rate says more about launching than about the kernel. */
#define PB_LAUNCH_BOUND_IDLE 0.25

/* The share of `span_s` the device sat idle (0 when the numbers are not usable). */
double pb_runner_idle_share(double busy_s, double span_s);

/* 1 when the idle share of a batch with these busy and span times exceeds PB_LAUNCH_BOUND_IDLE. */
int pb_runner_launch_bound(double busy_s, double span_s);

/* Sets up one case: opens it, runs the warm-up launch, verifies its output and calibrates. On
 * success c->live is 1 and the case is open; else c->outcome and c->reason say why. The return
 * value is PB_ERR_INTERRUPTED only when the user interrupted. */
pb_status pb_runner_setup(pb_runner_case *c, const pb_runner_ops *ops, void *impl, const pb_runner_opts *opts);

/* For a case set up per round (its buffers did not fit the memory budget): opens it again. */
pb_status pb_runner_reopen(pb_runner_case *c, pb_msg *msg);

/* Closes the case (keeps the samples). */
void pb_runner_close(pb_runner_case *c);

/* One round of an open case: one untimed launch, then samples for opts->round_time_s (at least
 * one) with the machine's state read before and after, then end-to-end samples where the case
 * has them (their share of opts->e2e_samples), so they too span the run. */
pb_status pb_runner_round(pb_runner_case *c, const pb_runner_opts *opts, pb_msg *msg);

/* The stopping rule: 1 when the case has fewer than min_rounds rounds, or fewer than max_rounds
 * and its predicted comparison half-width (pb_stats_rounds_halfwidth) exceeds spread_target.
 * *halfwidth receives that prediction (infinity below 2 rounds). */
int pb_runner_needs_round(const pb_runner_case *c, const pb_runner_opts *opts, double *halfwidth);

/* Rounds back to back for a case measured on its own (selftest, tests) until the stopping rule
 * is met; *stop says why they ended. A failed launch fails the case (c->outcome). Returns
 * PB_ERR_INTERRUPTED when the user interrupted, else PB_OK. */
pb_status pb_runner_rounds(pb_runner_case *c, const pb_runner_opts *opts, const char **stop);

/* Ends a case: closes it and, when it took rounds, fills `m` and returns 1. A case that took no
 * round is marked skipped (c->outcome) and 0 is returned. `stop` says why rounds ended. */
int pb_runner_finish(pb_runner_case *c, const char *stop, pb_measurement *m);

/* Frees a case's arrays and closes it. */
void pb_runner_discard(pb_runner_case *c);

#endif
