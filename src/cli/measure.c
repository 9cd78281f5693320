/* A backend case measured by the core runner: the runner's ops for a backend case (open, run,
 * end-to-end, verify against the workload, close), and its outcome and measurement written into
 * the result model. */
#include "measure.h"

#include <stdio.h>
#include <string.h>

void pb_measure_describe(const pb_backend *backend, void *ctx, const pb_variant *variant, const pb_problem *problem,
                         pb_result *out)
{
    const pb_workload *wl = pb_workload_get(problem->id);
    pb_strlcpy(out->workload, wl->name, sizeof out->workload);
    pb_strlcpy(out->backend, backend->name, sizeof out->backend);
    pb_device_info info;
    memset(&info, 0, sizeof info);
    if (backend->device_info(ctx, variant->device, &info) == PB_OK) {
        pb_strlcpy(out->device_name, info.name, sizeof out->device_name);
        out->llc_bytes = info.llc_bytes;
    }
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
    out->working_set_bytes = pb_problem_bytes(problem);
    pb_strlcpy(out->rate_unit, wl->rate_unit, sizeof out->rate_unit);
    pb_strlcpy(out->timer, "host", sizeof out->timer);
}

/* ---- the runner's ops for a backend case ------------------------------------------------------ */

static pb_status pb_measure_open(void *impl, pb_msg *msg)
{
    pb_measured_case *m = impl;
    pb_status st = m->backend->case_create(m->ctx, &m->variant, m->problem, &m->kase, msg);
    if (st != PB_OK)
        m->kase = NULL;
    return st;
}

static pb_status pb_measure_run(void *impl, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    pb_measured_case *m = impl;
    return m->backend->case_run(m->kase, launches, seconds, device_timer, msg);
}

static pb_status pb_measure_e2e(void *impl, double *seconds, pb_msg *msg)
{
    pb_measured_case *m = impl;
    return m->backend->case_e2e(m->kase, seconds, msg);
}

/* The device's busy time and span of the last batch, where the backend reports them. */
static int pb_measure_batch(void *impl, double *busy_s, double *span_s)
{
    pb_measured_case *m = impl;
    return m->backend->case_batch_info && m->backend->case_batch_info(m->kase, busy_s, span_s) == PB_OK;
}

/* Reads the output back where the backend keeps it on a device, and checks it with the workload;
 * the check is recorded in the result whether it passed or not. */
static int pb_measure_verify(void *impl, pb_pool *pool, int threads, pb_msg *why)
{
    pb_measured_case *m = impl;
    pb_msg msg = { "" };
    if (m->backend->case_read && m->backend->case_read(m->kase, &msg) != PB_OK) {
        pb_runner_reason(why->text, sizeof why->text, "reading the output back failed", &msg);
        return 0;
    }
    const pb_workload *wl = pb_workload_get(m->problem->id);
    double u = m->variant.unit_roundoff > 0 ? m->variant.unit_roundoff : PB_FP32_UNIT_ROUNDOFF;
    pb_check check;
    memset(&check, 0, sizeof check);
    check.first_bad = -1;
    if (wl->verify(m->problem, pool, threads, u, &check, &msg) != PB_OK) {
        pb_runner_reason(why->text, sizeof why->text, "verification could not run", &msg);
        return 0;
    }
    m->out->has_check = 1;
    m->out->check = check;
    if (!check.ok)
        snprintf(why->text, sizeof why->text,
                 "wrong result: %lld element(s) beyond tolerance, first at index %lld "
                 "(max error %.3g > tolerance %.3g; %s)",
                 (long long)check.bad, (long long)check.first_bad, check.max_err, check.tolerance, check.method);
    return check.ok;
}

static void pb_measure_close(void *impl)
{
    pb_measured_case *m = impl;
    m->backend->case_destroy(m->kase);
    m->kase = NULL;
}

/* Two tables, as the runner checks the optional end-to-end slot for NULL. The batch slot answers
 * 0 for a backend without case_batch_info. */
static const pb_runner_ops pb_measure_ops_host = {
    .open = pb_measure_open,
    .run = pb_measure_run,
    .batch = pb_measure_batch,
    .verify = pb_measure_verify,
    .close = pb_measure_close,
};
static const pb_runner_ops pb_measure_ops_device = {
    .open = pb_measure_open,
    .run = pb_measure_run,
    .e2e = pb_measure_e2e,
    .batch = pb_measure_batch,
    .verify = pb_measure_verify,
    .close = pb_measure_close,
};

/* ---- outcome and measurement into the result ------------------------------------------------- */

/* A case that did not end ok: its status and reason. */
static void pb_measure_outcome(const pb_runner_case *rc, pb_result *out)
{
    if (rc->outcome == PB_RUNNER_OK)
        return;
    out->status = rc->outcome == PB_RUNNER_SKIPPED ? PB_CASE_SKIPPED : PB_CASE_FAILED;
    pb_strlcpy(out->reason, rc->reason, sizeof out->reason);
}

pb_status pb_measure_setup(pb_measured_case *m, const pb_backend *backend, void *ctx, const pb_variant *variant,
                           pb_problem *problem, const pb_runner_opts *opts, pb_result *out)
{
    memset(m, 0, sizeof *m);
    m->backend = backend;
    m->ctx = ctx;
    m->variant = *variant;
    m->problem = problem;
    m->out = out;
    pb_measure_describe(backend, ctx, variant, problem, out);
    out->status = PB_CASE_OK;
    /* Outputs start as poison, so a backend that writes nothing can never pass verification. */
    pb_problem_poison_outputs(problem);
    pb_status st = pb_runner_setup(&m->rc, backend->case_e2e ? &pb_measure_ops_device : &pb_measure_ops_host, m,
                                   opts);
    out->iterations_per_sample = m->rc.launches;
    pb_measure_outcome(&m->rc, out);
    m->out = NULL;
    return st;
}

pb_status pb_measure_reopen(pb_measured_case *m, pb_problem *problem, pb_msg *msg)
{
    m->problem = problem;
    return pb_runner_reopen(&m->rc, msg);
}

/* Copies the measurement's arrays into the result; on failure the message says why. */
static pb_status pb_measure_store(const pb_measurement *me, pb_result *out, pb_msg *msg)
{
    pb_status st = pb_result_set_samples(out, me->samples, me->sample_rounds, me->nsamples, msg);
    if (st == PB_OK && me->has_other_clock)
        st = pb_result_set_other_clock(out, me->other_clock, me->nsamples, msg);
    if (st == PB_OK)
        st = pb_result_set_round_states(out, me->states, me->rounds, msg);
    if (st == PB_OK && me->ne2e > 0)
        st = pb_result_set_e2e_samples(out, me->e2e, me->ne2e, msg);
    return st;
}

/* The summary fields of a result whose samples are stored. */
static void pb_measure_summary(const pb_measurement *me, pb_result *out)
{
    out->median_s = me->summary.median;
    out->mad_s = me->summary.mad;
    out->min_s = me->summary.min;
    out->cv = me->summary.cv;
    out->rate_value = pb_stats_rate(out->work, me->summary.median);
    out->round_spread = me->round_spread;
    double other, steal;
    out->disturbed_rounds = pb_result_disturbance(out, &other, &steal);
    if (me->ne2e > 0)
        out->e2e_median_s = me->e2e_median;
    out->unstable = me->unstable;
    out->has_batch = me->has_batch;
    out->batch_busy_s = me->batch_busy_s;
    out->batch_span_s = me->batch_span_s;
    out->launch_bound = me->launch_bound;
}

void pb_measure_finish(pb_measured_case *m, const char *stop, pb_result *out)
{
    pb_measurement me;
    if (!pb_runner_finish(&m->rc, stop, &me)) {
        pb_measure_outcome(&m->rc, out);
        pb_runner_discard(&m->rc);
        return;
    }
    out->rounds = me.rounds;
    pb_strlcpy(out->rounds_stop, me.stop, sizeof out->rounds_stop);
    pb_strlcpy(out->timer, me.device_timer ? "device" : "host", sizeof out->timer);
    pb_strlcpy(out->timer_note, me.timer_note, sizeof out->timer_note);
    pb_msg msg = { "" };
    if (pb_measure_store(&me, out, &msg) == PB_OK) {
        pb_measure_summary(&me, out);
    } else {
        out->status = PB_CASE_FAILED;
        pb_runner_reason(out->reason, sizeof out->reason, "storing the samples failed", &msg);
    }
    pb_runner_discard(&m->rc);
}

pb_status pb_measure_case(const pb_backend *backend, void *ctx, const pb_variant *variant, pb_problem *problem,
                          const pb_runner_opts *opts, pb_result *out)
{
    pb_measured_case m;
    pb_status st = pb_measure_setup(&m, backend, ctx, variant, problem, opts, out);
    if (st == PB_OK && m.rc.live) {
        const char *stop;
        st = pb_runner_rounds(&m.rc, opts, &stop);
        if (m.rc.outcome == PB_RUNNER_OK) {
            pb_measure_finish(&m, stop, out);
            return st;
        }
        pb_measure_outcome(&m.rc, out);
    }
    pb_runner_discard(&m.rc);
    return st;
}
