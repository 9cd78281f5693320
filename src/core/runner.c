/* The runner: warm-up, one verification, calibration of launches per sample, sampling with raw
 * samples kept, and the summary (DESIGN.md §4). Backend errors become a failed or skipped result
 * with the backend's message; the run always goes on. */
#include "runner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "timer.h"

void pb_runner_opts_defaults(pb_runner_opts *opts)
{
    if (opts->min_time_s <= 0)
        opts->min_time_s = 1.0;
    if (opts->max_time_s <= 0)
        opts->max_time_s = fmax(10.0 * opts->min_time_s, 10.0);
    if (opts->min_sample_s <= 0)
        opts->min_sample_s = 0.010;
    if (opts->min_samples <= 0)
        opts->min_samples = 10;
    if (opts->max_samples < opts->min_samples)
        opts->max_samples = opts->min_samples > 1000 ? opts->min_samples : 1000;
    if (opts->e2e_samples <= 0)
        opts->e2e_samples = 10;
}

static int pb_interrupted(const pb_runner_opts *opts)
{
    return opts->interrupted && *opts->interrupted;
}

void pb_runner_describe_only(const pb_backend *backend, void *ctx, const pb_variant *variant,
                               const pb_problem *problem, pb_result *out)
{
    const pb_workload *wl = pb_workload_get(problem->id);
    pb_strlcpy(out->workload, wl->name, sizeof out->workload);
    pb_strlcpy(out->backend, backend->name, sizeof out->backend);
    pb_device_info info;
    memset(&info, 0, sizeof info);
    if (backend->device_info(ctx, variant->device, &info) == PB_OK)
        pb_strlcpy(out->device_name, info.name, sizeof out->device_name);
    out->device = variant->device;
    pb_strlcpy(out->role, pb_role_name(variant->role), sizeof out->role);
    out->threads = variant->threads;
    pb_strlcpy(out->precision, variant->precision, sizeof out->precision);
    pb_strlcpy(out->impl, variant->impl, sizeof out->impl);
    out->ndims = wl->ndims;
    for (int i = 0; i < wl->ndims; i++) {
        pb_strlcpy(out->dim_names[i], wl->dim_names[i], sizeof out->dim_names[i]);
        out->dims[i] = problem->dims.v[i];
    }
    out->flops = wl->flops(&problem->dims);
    out->bytes = wl->bytes(&problem->dims);
    out->work = problem->work;
    pb_strlcpy(out->rate_unit, wl->rate_unit, sizeof out->rate_unit);
    pb_strlcpy(out->timer, "host", sizeof out->timer);
}

static void pb_runner_fail(pb_result *out, pb_case_status status, const char *what, const pb_msg *msg)
{
    out->status = status;
    /* `what` is a short phrase; the message is cut to leave room for it. */
    snprintf(out->reason, sizeof out->reason, "%s%s%.460s", what, msg->text[0] ? ": " : "", msg->text);
}

/* Checks the output of the warm-up launch. Returns 1 when it verified. */
static int pb_runner_verify(const pb_backend *backend, void *kase, const pb_variant *variant,
                            pb_problem *problem, const pb_runner_opts *opts, pb_result *out)
{
    pb_msg msg = { "" };
    if (backend->case_read && backend->case_read(kase, &msg) != PB_OK) {
        pb_runner_fail(out, PB_CASE_FAILED, "reading the output back failed", &msg);
        return 0;
    }
    const pb_workload *wl = pb_workload_get(problem->id);
    double u = variant->unit_roundoff > 0 ? variant->unit_roundoff : PB_FP32_UNIT_ROUNDOFF;
    pb_check check;
    memset(&check, 0, sizeof check);
    check.first_bad = -1;
    pb_status st = wl->verify(problem, opts->pool, opts->pool_threads, u, &check, &msg);
    if (st != PB_OK) {
        pb_runner_fail(out, PB_CASE_FAILED, "verification could not run", &msg);
        return 0;
    }
    out->has_check = 1;
    out->check = check;
    if (!check.ok) {
        out->status = PB_CASE_FAILED;
        snprintf(out->reason, sizeof out->reason,
                 "wrong result: %lld element(s) beyond tolerance, first at index %lld "
                 "(max error %.3g > tolerance %.3g; %s)",
                 (long long)check.bad, (long long)check.first_bad, check.max_err, check.tolerance,
                 check.method);
        return 0;
    }
    return 1;
}

/* Times one sample of `launches` launches; seconds per launch in *per_launch. */
static pb_status pb_runner_sample(const pb_backend *backend, void *kase, int launches,
                                  double *per_launch, int *device_timer, pb_msg *msg)
{
    double total = 0;
    *device_timer = 0;
    pb_status st = backend->case_run(kase, launches, &total, device_timer, msg);
    if (st == PB_OK)
        *per_launch = total / launches;
    return st;
}

/* Chooses launches per sample so that one sample lasts at least opts->min_sample_s. */
static pb_status pb_runner_calibrate(const pb_backend *backend, void *kase, const pb_runner_opts *opts,
                                     int *launches, pb_msg *msg)
{
    int n = 1, timer;
    for (int round = 0; round < 6; round++) {
        double t;
        pb_status st = pb_runner_sample(backend, kase, n, &t, &timer, msg);
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

static pb_status pb_runner_measure(const pb_backend *backend, void *kase, const pb_runner_opts *opts,
                                   pb_result *out, pb_msg *msg)
{
    int launches;
    pb_status st = pb_runner_calibrate(backend, kase, opts, &launches, msg);
    if (st != PB_OK)
        return st;
    out->iterations_per_sample = launches;
    double *samples = malloc((size_t)opts->max_samples * sizeof *samples);
    if (!samples)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for samples");
    int n = 0, timer = 0;
    double start = pb_time_now();
    for (;;) {
        if (pb_interrupted(opts)) {
            st = PB_ERR_INTERRUPTED;
            break;
        }
        st = pb_runner_sample(backend, kase, launches, &samples[n], &timer, msg);
        if (st != PB_OK)
            break;
        n++;
        double elapsed = pb_time_now() - start;
        int enough = n >= opts->min_samples && elapsed >= opts->min_time_s;
        if (enough || n >= opts->max_samples || elapsed >= opts->max_time_s)
            break;
    }
    if (st == PB_OK) {
        pb_strlcpy(out->timer, timer ? "device" : "host", sizeof out->timer);
        st = pb_result_set_samples(out, samples, n, msg);
    }
    free(samples);
    if (st != PB_OK)
        return st;
    pb_summary s;
    pb_stats_summarise(out->samples_s, (size_t)out->nsamples, &s);
    out->median_s = s.median;
    out->mad_s = s.mad;
    out->min_s = s.min;
    out->cv = s.cv;
    /* Fewer samples than asked (max-time cap) also make the spread untrustworthy. */
    out->unstable = s.cv > PB_UNSTABLE_CV || out->nsamples < opts->min_samples;
    out->rate_value = s.median > 0 ? out->work / 1e9 / s.median : 0;
    return PB_OK;
}

/* End-to-end samples (uploads + launch + downloads) for backends with device memory. */
static pb_status pb_runner_e2e(const pb_backend *backend, void *kase, const pb_runner_opts *opts,
                               pb_result *out, pb_msg *msg)
{
    double samples[64];
    int max = opts->e2e_samples < 64 ? opts->e2e_samples : 64, n = 0;
    double start = pb_time_now(), budget = fmax(opts->min_time_s, 1.0);
    while (n < max && !pb_interrupted(opts)) {
        pb_status st = backend->case_e2e(kase, &samples[n], msg);
        if (st != PB_OK)
            return st;
        n++;
        if (pb_time_now() - start > budget && n >= 3)
            break;
    }
    if (n == 0)
        return PB_ERR_INTERRUPTED;
    pb_status st = pb_result_set_e2e_samples(out, samples, n, msg);
    if (st != PB_OK)
        return st;
    pb_summary s;
    pb_stats_summarise(out->e2e_samples_s, (size_t)n, &s);
    out->e2e_median_s = s.median;
    return PB_OK;
}

pb_status pb_runner_run_case(const pb_backend *backend, void *ctx, const pb_variant *variant,
                             pb_problem *problem, const pb_runner_opts *opts, pb_result *out)
{
    pb_runner_describe_only(backend, ctx, variant, problem, out);
    out->status = PB_CASE_OK;
    if (pb_interrupted(opts)) {
        out->status = PB_CASE_SKIPPED;
        pb_strlcpy(out->reason, "interrupted before this case ran", sizeof out->reason);
        return PB_ERR_INTERRUPTED;
    }
    pb_problem_poison_outputs(problem);
    pb_msg msg = { "" };
    void *kase = NULL;
    pb_status st = backend->case_create(ctx, variant, problem, &kase, &msg);
    if (st != PB_OK) {
        pb_runner_fail(out, st == PB_ERR_UNSUPPORTED ? PB_CASE_SKIPPED : PB_CASE_FAILED,
                       st == PB_ERR_UNSUPPORTED ? "does not fit this device" : "setting up the case failed",
                       &msg);
        return PB_OK;
    }
    double t;
    int timer;
    /* The warm-up launch also compiles kernels and faults pages in; its output is what we verify. */
    st = pb_runner_sample(backend, kase, 1, &t, &timer, &msg);
    if (st != PB_OK)
        pb_runner_fail(out, PB_CASE_FAILED, "the warm-up launch failed", &msg);
    else if (pb_runner_verify(backend, kase, variant, problem, opts, out) && !opts->verify_only) {
        st = pb_runner_measure(backend, kase, opts, out, &msg);
        if (st == PB_OK && backend->case_e2e)
            st = pb_runner_e2e(backend, kase, opts, out, &msg);
        if (st == PB_ERR_INTERRUPTED) {
            out->status = PB_CASE_SKIPPED;
            pb_strlcpy(out->reason, "interrupted while measuring", sizeof out->reason);
        } else if (st != PB_OK) {
            pb_runner_fail(out, PB_CASE_FAILED, "a timed launch failed", &msg);
        }
    }
    backend->case_destroy(kase);
    return st == PB_ERR_INTERRUPTED ? PB_ERR_INTERRUPTED : PB_OK;
}
