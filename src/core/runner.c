/* The runner: warm-up, one verification, calibration of launches per sample, then rounds of
 * samples with raw samples, their round and the machine's state kept, and the summary (DESIGN.md
 * §4). A case's errors become its outcome and reason, never an abort: the run always goes on. */
#include "runner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timer.h"

void pb_runner_opts_defaults(pb_runner_opts *opts)
{
    if (opts->min_time_s <= 0)
        opts->min_time_s = 1.0;
    if (opts->min_sample_s <= 0)
        opts->min_sample_s = 0.010;
    if (opts->min_rounds <= 0)
        opts->min_rounds = 5;
    if (opts->max_rounds < opts->min_rounds)
        opts->max_rounds = 4 * opts->min_rounds;
    if (opts->round_time_s <= 0)
        opts->round_time_s = opts->min_time_s / opts->min_rounds;
    if (opts->spread_target <= 0)
        opts->spread_target = 0.5 * log(1.05);
    if (opts->max_samples_per_round <= 0)
        opts->max_samples_per_round = 64;
    if (opts->e2e_samples <= 0)
        opts->e2e_samples = 10;
}

void pb_runner_reason(char *out, size_t size, const char *what, const pb_msg *msg)
{
    /* `what` is a short phrase; the message is cut to leave room for it. */
    snprintf(out, size, "%s%s%.460s", what, msg->text[0] ? ": " : "", msg->text);
}

static int pb_interrupted(const pb_runner_opts *opts)
{
    return opts->interrupted && *opts->interrupted;
}

static void pb_runner_fail(pb_runner_case *c, pb_runner_outcome outcome, const char *what, const pb_msg *msg)
{
    c->outcome = outcome;
    pb_runner_reason(c->reason, sizeof c->reason, what, msg);
}

/* Checks the output of the warm-up launch. Returns 1 when it verified. */
static int pb_runner_verify(pb_runner_case *c, const pb_runner_opts *opts)
{
    pb_msg why = { "" };
    if (c->ops->verify(c->impl, opts->pool, opts->pool_threads, &why))
        return 1;
    c->outcome = PB_RUNNER_FAILED;
    pb_strlcpy(c->reason, why.text, sizeof c->reason);
    return 0;
}

/* Times one sample of `launches` launches; seconds per launch in *per_launch, and on the host
 * clock around the whole batch (launches and synchronisation) in *host_per_launch. */
static pb_status pb_runner_sample(const pb_runner_case *c, int launches, double *per_launch, int *device_timer,
                                  double *host_per_launch, pb_msg *msg)
{
    double total = 0, t0 = pb_time_now();
    *device_timer = 0;
    pb_status st = c->ops->run(c->impl, launches, &total, device_timer, msg);
    double host = pb_time_now() - t0;
    if (st == PB_OK) {
        *per_launch = total / launches;
        if (host_per_launch)
            *host_per_launch = host / launches;
    }
    return st;
}

/* A device timer is trusted only while it agrees with the host clock around the same batch: the
 * work happens inside the host's window, so a longer device time is wrong, and one more than
 * PB_DEVICE_TIMER_MAX_GAP times shorter is in the wrong unit (Apple's OpenCL is reported to count
 * in 41.67 ns ticks) or measures a queue, not the work. Writes the reason when it is not. */
#define PB_DEVICE_TIMER_MAX_GAP 20.0
static int pb_runner_timer_agrees(double device, double host, char *why, size_t size)
{
    /* 2% and 20 us of slack for the two clocks' resolution and the launch around the work. */
    if (device > 1.02 * host + 20e-6) {
        snprintf(why, size, "the device timer read %.3g s for a batch the host clock saw take %.3g s", device, host);
        return 0;
    }
    if (device * PB_DEVICE_TIMER_MAX_GAP < host) {
        snprintf(why, size, "the device timer read %.1fx less than the host clock around the same batch", host / device);
        return 0;
    }
    return 1;
}

/* Chooses launches per sample so that one sample lasts at least opts->min_sample_s. */
static pb_status pb_runner_calibrate(const pb_runner_case *c, const pb_runner_opts *opts, int *launches,
                                     pb_msg *msg)
{
    int n = 1, timer;
    for (int round = 0; round < 6; round++) {
        double t;
        pb_status st = pb_runner_sample(c, n, &t, &timer, NULL, msg);
        if (st != PB_OK)
            return st;
        /* A batch must clear the target with a 20% margin: a calibration sample slowed by noise
         * would otherwise leave every later sample short of it. */
        if (t * n >= (n == 1 ? 1.0 : 1.2) * opts->min_sample_s)
            break;
        double want = t > 0 ? ceil(1.5 * opts->min_sample_s / t) : 10.0 * n;
        n = want > 1e6 ? 1000000 : (int)want;
    }
    *launches = n;
    return PB_OK;
}

/* Appends one sample of round `round`, growing the arrays by doubling. */
static pb_status pb_runner_keep(pb_runner_case *c, double seconds, double host, int round, pb_msg *msg)
{
    if (c->nsamples == c->cap) {
        int ncap = c->cap ? 2 * c->cap : 64;
        double *s = realloc(c->samples, (size_t)ncap * sizeof *s);
        if (s)
            c->samples = s;
        double *h = realloc(c->host, (size_t)ncap * sizeof *h);
        if (h)
            c->host = h;
        int *r = realloc(c->sample_rounds, (size_t)ncap * sizeof *r);
        if (r)
            c->sample_rounds = r;
        if (!s || !h || !r)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for samples");
        c->cap = ncap;
    }
    c->samples[c->nsamples] = seconds;
    c->host[c->nsamples] = host;
    c->sample_rounds[c->nsamples] = round;
    c->nsamples++;
    return PB_OK;
}

static pb_status pb_runner_keep_state(pb_runner_case *c, const pb_round_state *state, pb_msg *msg)
{
    pb_round_state *s = realloc(c->states, (size_t)(c->rounds + 1) * sizeof *s);
    if (!s)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for round states");
    c->states = s;
    c->states[c->rounds] = *state;
    return PB_OK;
}

/* End-to-end samples of one round: this round's share of opts->e2e_samples. */
static pb_status pb_runner_e2e_round(pb_runner_case *c, const pb_runner_opts *opts, pb_msg *msg)
{
    int want = (opts->e2e_samples + opts->min_rounds - 1) / opts->min_rounds;
    for (int i = 0; i < want && c->ne2e < 256 && !pb_interrupted(opts); i++) {
        double *e = realloc(c->e2e, (size_t)(c->ne2e + 1) * sizeof *e);
        if (!e)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for end-to-end samples");
        c->e2e = e;
        pb_status st = c->ops->e2e(c->impl, &c->e2e[c->ne2e], msg);
        if (st != PB_OK)
            return st;
        c->ne2e++;
    }
    return PB_OK;
}

/* The warm-up launch (it also compiles kernels and faults pages in), its verification, and the
 * calibration; sets c->live when all three pass. */
static void pb_runner_warm_up(pb_runner_case *c, const pb_runner_opts *opts)
{
    pb_msg msg = { "" };
    double t;
    pb_status st = pb_runner_sample(c, 1, &t, &c->device_timer, NULL, &msg);
    if (st != PB_OK) {
        pb_runner_fail(c, PB_RUNNER_FAILED, "the warm-up launch failed", &msg);
    } else if (pb_runner_verify(c, opts) && !opts->verify_only) {
        st = pb_runner_calibrate(c, opts, &c->launches, &msg);
        if (st != PB_OK)
            pb_runner_fail(c, PB_RUNNER_FAILED, "a timed launch failed", &msg);
        else
            c->live = 1;
    }
}

pb_status pb_runner_setup(pb_runner_case *c, const pb_runner_ops *ops, void *impl, const pb_runner_opts *opts)
{
    memset(c, 0, sizeof *c);
    c->ops = ops;
    c->impl = impl;
    if (pb_interrupted(opts)) {
        c->outcome = PB_RUNNER_SKIPPED;
        pb_strlcpy(c->reason, "interrupted before this case ran", sizeof c->reason);
        return PB_ERR_INTERRUPTED;
    }
    pb_msg msg = { "" };
    pb_status st = ops->open(impl, &msg);
    if (st != PB_OK) {
        /* Unsupported covers a case too large for the device and one the backend has no kernel
         * for: the backend's message says which. */
        int unsupported = st == PB_ERR_UNSUPPORTED;
        pb_runner_fail(c, unsupported ? PB_RUNNER_SKIPPED : PB_RUNNER_FAILED,
                       unsupported ? "not supported here" : "setting up the case failed", &msg);
        return PB_OK;
    }
    c->open = 1;
    pb_runner_warm_up(c, opts);
    if (c->live && pb_interrupted(opts)) {
        c->live = 0;
        c->outcome = PB_RUNNER_SKIPPED;
        pb_strlcpy(c->reason, "interrupted before this case was measured", sizeof c->reason);
    }
    if (!c->live)
        pb_runner_close(c);
    return pb_interrupted(opts) ? PB_ERR_INTERRUPTED : PB_OK;
}

pb_status pb_runner_reopen(pb_runner_case *c, pb_msg *msg)
{
    if (c->open)
        return PB_OK;
    pb_status st = c->ops->open(c->impl, msg);
    c->open = st == PB_OK;
    return st;
}

void pb_runner_close(pb_runner_case *c)
{
    if (c->open)
        c->ops->close(c->impl);
    c->open = 0;
}

double pb_runner_idle_share(double busy_s, double span_s)
{
    if (!(span_s > 0) || !(busy_s >= 0) || busy_s >= span_s)
        return 0;
    return 1.0 - busy_s / span_s;
}

int pb_runner_launch_bound(double busy_s, double span_s)
{
    return pb_runner_idle_share(busy_s, span_s) > PB_LAUNCH_BOUND_IDLE;
}

/* Adds the device's view of the timed batch just kept, where the case reports one. */
static void pb_runner_add_batch(pb_runner_case *c)
{
    double busy = 0, span = 0;
    if (!c->ops->batch || !c->ops->batch(c->impl, &busy, &span) || !(span > 0) || !(busy >= 0))
        return;
    c->batch_busy += busy;
    c->batch_span += span;
    c->batch_launches += c->launches;
}

pb_status pb_runner_round(pb_runner_case *c, const pb_runner_opts *opts, pb_msg *msg)
{
    double t;
    int timer, round = c->rounds, taken = 0;
    double started = pb_time_now();
    /* Untimed: the first launch of a round pays for whatever ran in between (caches, clocks). */
    pb_status st = pb_runner_sample(c, 1, &t, &timer, NULL, msg);
    if (st != PB_OK)
        return st;
    pb_state_snap before, after;
    pb_state_read(&before);
    double t0 = pb_time_now();
    while (taken < opts->max_samples_per_round) {
        if (pb_interrupted(opts)) {
            st = PB_ERR_INTERRUPTED;
            break;
        }
        double host;
        st = pb_runner_sample(c, c->launches, &t, &c->device_timer, &host, msg);
        if (st == PB_OK && c->device_timer && !c->timer_note[0] &&
            !pb_runner_timer_agrees(t * c->launches, host * c->launches, c->timer_note, sizeof c->timer_note))
            c->untrusted = 1;
        if (st == PB_OK)
            st = pb_runner_keep(c, t, host, round, msg);
        if (st != PB_OK)
            break;
        pb_runner_add_batch(c);
        taken++;
        if (pb_time_now() - t0 >= opts->round_time_s)
            break;
    }
    pb_state_read(&after);
    if (taken > 0) {
        pb_round_state state;
        pb_state_between(&before, &after, &state);
        pb_status kept = pb_runner_keep_state(c, &state, msg);
        if (kept != PB_OK)
            return kept;
        c->rounds++;
    }
    if (st == PB_OK && c->ops->e2e)
        st = pb_runner_e2e_round(c, opts, msg);
    c->seconds_per_round = pb_time_now() - started;
    return st;
}

/* The standard deviation of the log round medians, and in *k the rounds that had samples. */
static double pb_runner_round_sd(const double *samples, const int *rounds, int n, int nrounds, int *k)
{
    double *logs = malloc(((size_t)nrounds + 1) * sizeof *logs), mean, sd = 0;
    *k = 0;
    if (logs) {
        *k = pb_stats_round_log_medians(samples, rounds, (size_t)n, nrounds, logs);
        pb_stats_mean_sd(logs, *k, &mean, &sd);
        free(logs);
    }
    return sd;
}

/* The samples the case will keep: the host clock's once the device timer was not trusted. */
static const double *pb_runner_kept_samples(const pb_runner_case *c)
{
    return c->untrusted ? c->host : c->samples;
}

int pb_runner_needs_round(const pb_runner_case *c, const pb_runner_opts *opts, double *halfwidth)
{
    *halfwidth = INFINITY;
    if (c->rounds >= 2) {
        int k;
        double sd = pb_runner_round_sd(pb_runner_kept_samples(c), c->sample_rounds, c->nsamples, c->rounds, &k);
        if (k > 0)
            *halfwidth = pb_stats_rounds_halfwidth(sd, k);
    }
    if (c->rounds < opts->min_rounds)
        return 1;
    return c->rounds < opts->max_rounds && *halfwidth > opts->spread_target;
}

pb_status pb_runner_rounds(pb_runner_case *c, const pb_runner_opts *opts, const char **stop)
{
    pb_msg msg = { "" };
    double halfwidth;
    pb_status st = PB_OK;
    while (st == PB_OK && pb_runner_needs_round(c, opts, &halfwidth))
        st = pb_runner_round(c, opts, &msg);
    *stop = st == PB_ERR_INTERRUPTED ? "interrupted" : halfwidth > opts->spread_target ? "round-cap" : "settled";
    if (st != PB_OK && st != PB_ERR_INTERRUPTED) {
        pb_runner_fail(c, PB_RUNNER_FAILED, "a timed launch failed", &msg);
        c->live = 0;
        return PB_OK;
    }
    return st;
}

void pb_runner_discard(pb_runner_case *c)
{
    pb_runner_close(c);
    free(c->samples);
    free(c->host);
    free(c->sample_rounds);
    free(c->states);
    free(c->e2e);
    c->samples = c->host = c->e2e = NULL;
    c->sample_rounds = NULL;
    c->states = NULL;
    c->nsamples = c->cap = c->ne2e = c->rounds = 0;
    c->batch_busy = c->batch_span = 0;
    c->batch_launches = 0;
    c->live = 0;
}

int pb_runner_finish(pb_runner_case *c, const char *stop, pb_measurement *m)
{
    pb_runner_close(c);
    memset(m, 0, sizeof *m);
    if (c->rounds == 0) {
        c->outcome = PB_RUNNER_SKIPPED;
        pb_strlcpy(c->reason, "interrupted before this case was measured", sizeof c->reason);
        return 0;
    }
    m->rounds = c->rounds;
    m->stop = stop;
    /* A device timer that disagreed with the host clock once is not trusted for any sample: the
     * host clock's samples stand instead, and both are kept with the reason. */
    m->device_timer = c->device_timer && !c->untrusted;
    m->has_other_clock = c->device_timer;
    m->timer_note = c->timer_note;
    m->samples = pb_runner_kept_samples(c);
    m->other_clock = c->untrusted ? c->samples : c->host;
    m->sample_rounds = c->sample_rounds;
    m->nsamples = c->nsamples;
    m->states = c->states;
    m->e2e = c->e2e;
    m->ne2e = c->ne2e;
    pb_stats_summarise(m->samples, (size_t)m->nsamples, &m->summary);
    int k;
    m->round_spread = pb_runner_round_sd(m->samples, m->sample_rounds, m->nsamples, c->rounds, &k);
    if (c->ne2e > 0) {
        pb_summary e;
        pb_stats_summarise(c->e2e, (size_t)c->ne2e, &e);
        m->e2e_median = e.median;
    }
    if (c->batch_launches > 0) {
        m->has_batch = 1;
        m->batch_busy_s = c->batch_busy / (double)c->batch_launches;
        m->batch_span_s = c->batch_span / (double)c->batch_launches;
        m->launch_bound = pb_runner_launch_bound(c->batch_busy, c->batch_span);
    }
    /* Unstable: the rounds disagreed too much to judge a difference of the threshold. */
    m->unstable = strcmp(stop, "settled") != 0 && strcmp(stop, "interrupted") != 0;
    return 1;
}
