/* The result model's storage: growing arrays of results and devices, and owned sample arrays. */
#include "result.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/stats.h"

static const char *const pb_case_status_names[] = {
    [PB_CASE_OK] = "ok",
    [PB_CASE_FAILED] = "failed",
    [PB_CASE_UNSUPPORTED] = "unsupported",
    [PB_CASE_SKIPPED] = "skipped",
};

#define PB_CASE_STATUS_COUNT ((int)(sizeof pb_case_status_names / sizeof pb_case_status_names[0]))

const char *pb_case_status_name(pb_case_status status)
{
    return (unsigned)status < (unsigned)PB_CASE_STATUS_COUNT ? pb_case_status_names[status] : "unknown";
}

int pb_case_status_parse(const char *name, pb_case_status *out)
{
    for (int i = 0; i < PB_CASE_STATUS_COUNT; i++) {
        if (strcmp(name, pb_case_status_names[i]) == 0) {
            *out = (pb_case_status)i;
            return 1;
        }
    }
    return 0;
}

void pb_resultset_init(pb_resultset *set)
{
    memset(set, 0, sizeof *set);
    set->schema_version = PB_SCHEMA_VERSION;
}

void pb_result_free_owned(pb_result *r)
{
    if (!r)
        return;
    free(r->samples_s);
    free(r->sample_rounds);
    free(r->other_clock_s);
    free(r->round_states);
    free(r->e2e_samples_s);
    r->samples_s = r->other_clock_s = r->e2e_samples_s = NULL;
    r->sample_rounds = NULL;
    r->round_states = NULL;
    r->nsamples = r->nother_clock = r->nround_states = r->ne2e = 0;
}

void pb_resultset_free(pb_resultset *set)
{
    if (!set)
        return;
    for (int i = 0; i < set->nresults; i++)
        pb_result_free_owned(&set->results[i]);
    free(set->results);
    free(set->devices);
    memset(set, 0, sizeof *set);
}

/* Makes room for one more element of `size` bytes; doubles the capacity so appends stay O(1). */
static int pb_grow(void **array, int *cap, int count, size_t size)
{
    if (count < *cap)
        return 1;
    int ncap = *cap ? *cap * 2 : 16;
    void *p = realloc(*array, (size_t)ncap * size);
    if (!p)
        return 0;
    *array = p;
    *cap = ncap;
    return 1;
}

pb_result *pb_resultset_add_result(pb_resultset *set)
{
    void *array = set->results;
    if (!pb_grow(&array, &set->cap_results, set->nresults, sizeof *set->results))
        return NULL;
    set->results = array;
    pb_result *r = &set->results[set->nresults++];
    memset(r, 0, sizeof *r);
    return r;
}

pb_device_record *pb_resultset_add_device(pb_resultset *set)
{
    void *array = set->devices;
    if (!pb_grow(&array, &set->cap_devices, set->ndevices, sizeof *set->devices))
        return NULL;
    set->devices = array;
    pb_device_record *d = &set->devices[set->ndevices++];
    memset(d, 0, sizeof *d);
    return d;
}

/* Replaces *dst with a copy of n samples; the old array is freed only once the copy exists. */
static pb_status pb_copy_samples(double **dst, int *ndst, const double *samples, int n, pb_msg *msg)
{
    double *copy = NULL;
    if (n < 0)
        return pb_msg_set(msg, PB_ERR_USAGE, "negative sample count %d", n);
    if (n > 0) {
        copy = malloc((size_t)n * sizeof *copy);
        if (!copy)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory storing %d samples", n);
        memcpy(copy, samples, (size_t)n * sizeof *copy);
    }
    free(*dst);
    *dst = copy;
    *ndst = n;
    return PB_OK;
}

pb_status pb_result_set_samples(pb_result *r, const double *samples, const int *rounds, int n, pb_msg *msg)
{
    int *copy = NULL;
    if (rounds && n > 0) {
        copy = malloc((size_t)n * sizeof *copy);
        if (!copy)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory storing %d sample rounds", n);
        memcpy(copy, rounds, (size_t)n * sizeof *copy);
    }
    pb_status st = pb_copy_samples(&r->samples_s, &r->nsamples, samples, n, msg);
    if (st != PB_OK) {
        free(copy);
        return st;
    }
    free(r->sample_rounds);
    r->sample_rounds = copy;
    return PB_OK;
}

pb_status pb_result_set_round_states(pb_result *r, const pb_round_state *states, int n, pb_msg *msg)
{
    pb_round_state *copy = NULL;
    if (n > 0) {
        copy = malloc((size_t)n * sizeof *copy);
        if (!copy)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory storing %d round states", n);
        memcpy(copy, states, (size_t)n * sizeof *copy);
    }
    free(r->round_states);
    r->round_states = copy;
    r->nround_states = n;
    return PB_OK;
}

pb_status pb_result_set_other_clock(pb_result *r, const double *samples, int n, pb_msg *msg)
{
    return pb_copy_samples(&r->other_clock_s, &r->nother_clock, samples, n, msg);
}

pb_status pb_result_set_e2e_samples(pb_result *r, const double *samples, int n, pb_msg *msg)
{
    return pb_copy_samples(&r->e2e_samples_s, &r->ne2e, samples, n, msg);
}

int pb_result_same_case(const pb_result *a, const pb_result *b)
{
    if (strcmp(a->workload, b->workload) || strcmp(a->backend, b->backend) || a->device != b->device ||
        strcmp(a->role, b->role) || a->threads != b->threads || strcmp(a->precision, b->precision) ||
        strcmp(a->impl, b->impl) || a->ndims != b->ndims)
        return 0;
    for (int i = 0; i < a->ndims; i++)
        if (a->dims[i] != b->dims[i] || strcmp(a->dim_names[i], b->dim_names[i]))
            return 0;
    return 1;
}

void pb_result_case_name(const pb_result *r, char *out, size_t size)
{
    size_t used = (size_t)snprintf(out, size, "%s %s %s", r->workload, r->backend, r->role);
    if (used < size && r->threads > 0)
        used += (size_t)snprintf(out + used, size - used, " %d thread%s", r->threads, r->threads == 1 ? "" : "s");
    for (int i = 0; i < r->ndims && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, " %s=%lld", r->dim_names[i], (long long)r->dims[i]);
}

int pb_result_consistent(const pb_result *r, char *why, size_t size)
{
    if (r->status != PB_CASE_OK || r->nsamples == 0)
        return 1;
    double *tmp = malloc((size_t)r->nsamples * sizeof *tmp);
    if (!tmp)
        return 1;
    memcpy(tmp, r->samples_s, (size_t)r->nsamples * sizeof *tmp);
    double median = pb_stats_median_inplace(tmp, (size_t)r->nsamples);
    free(tmp);
    /* The writer prints the shortest exact form, so anything beyond rounding is an edit. */
    if (!(fabs(r->median_s - median) <= 1e-6 * median)) {
        snprintf(why, size, "stored median %.6g s, but its samples give %.6g s", r->median_s, median);
        return 0;
    }
    double rate = pb_stats_rate(r->work, median);
    if (rate > 0 && r->rate_value > 0 && !(fabs(r->rate_value - rate) <= 1e-3 * rate)) {
        snprintf(why, size, "stored rate %.6g %s, but its samples give %.6g", r->rate_value, r->rate_unit, rate);
        return 0;
    }
    return 1;
}

static double pb_known(double v)
{
    return v > 0 ? v : 0;
}

int pb_result_disturbance(const pb_result *r, double *other, double *steal)
{
    /* All rounds as one window: shares weighted by each round's length, rounding errors added in
     * quadrature; then the same rule as one round (pb_state_disturbed). */
    pb_round_state all = { .seconds = 0, .other_cpu = 0, .steal = 0, .resolution = -1 };
    double res2 = 0;
    *other = *steal = 0;
    for (int i = 0; i < r->nround_states; i++) {
        const pb_round_state *s = &r->round_states[i];
        if (!(s->seconds > 0) || s->other_cpu < 0 || s->resolution < 0)
            continue;
        all.seconds += s->seconds;
        all.other_cpu += s->seconds * pb_known(s->other_cpu);
        all.steal += s->seconds * pb_known(s->steal);
        res2 += s->resolution * s->resolution * s->seconds * s->seconds;
    }
    if (!(all.seconds > 0))
        return 0;
    all.other_cpu /= all.seconds;
    all.steal /= all.seconds;
    all.resolution = sqrt(res2) / all.seconds;
    if (!pb_state_disturbed(&all, PB_DISTURBED_SHARE, NULL, 0))
        return 0;
    int n = 0;
    for (int i = 0; i < r->nround_states; i++) {
        const pb_round_state *s = &r->round_states[i];
        if (s->other_cpu < 0 || pb_known(s->other_cpu) + pb_known(s->steal) <= PB_DISTURBED_SHARE)
            continue;
        n++;
        *other += pb_known(s->other_cpu);
        *steal += pb_known(s->steal);
    }
    if (n > 0) {
        *other /= n;
        *steal /= n;
    }
    return n;
}

/* Log round medians of an ok result with rounds into out[0..rounds-1] (NaN for a round without
 * samples); returns the number of rounds, or 0. */
static int pb_result_round_logs(const pb_result *r, double *out, int max)
{
    if (r->status != PB_CASE_OK || r->rounds < 2 || !r->sample_rounds || r->rounds > max)
        return 0;
    double *tmp = malloc((size_t)r->nsamples * sizeof *tmp);
    if (!tmp)
        return 0;
    for (int k = 0; k < r->rounds; k++)
        out[k] = pb_stats_round_log_median(r->samples_s, r->sample_rounds, (size_t)r->nsamples, k, tmp);
    free(tmp);
    return r->rounds;
}

int pb_resultset_drift(const pb_resultset *set, double *drift, int *df)
{
    enum { MAX_ROUNDS = 1024 };
    *drift = 0;
    *df = 0;
    double *sum = calloc(MAX_ROUNDS, sizeof *sum), *logs = malloc(MAX_ROUNDS * sizeof *logs);
    int *count = calloc(MAX_ROUNDS, sizeof *count);
    if (!sum || !logs || !count) {
        free(sum);
        free(logs);
        free(count);
        return 0;
    }
    int rounds = 0;
    for (int i = 0; i < set->nresults; i++) {
        int k = pb_result_round_logs(&set->results[i], logs, MAX_ROUNDS), n = 0;
        double mean = 0;
        for (int j = 0; j < k; j++)
            if (!isnan(logs[j])) {
                mean += logs[j];
                n++;
            }
        if (n < 2)
            continue;
        mean /= n;
        for (int j = 0; j < k; j++)
            if (!isnan(logs[j])) {
                sum[j] += logs[j] - mean;
                count[j]++;
            }
        rounds = k > rounds ? k : rounds;
    }
    int n = 0;
    for (int j = 0; j < rounds; j++)
        if (count[j] >= 3)
            logs[n++] = sum[j] / count[j];
    double mean;
    if (n >= 3)
        pb_stats_mean_sd(logs, n, &mean, drift);
    free(sum);
    free(logs);
    free(count);
    *df = n >= 3 ? n - 1 : 0;
    return n >= 3;
}

const char *pb_machine_usable_text(const pb_machine *m, char *buf, size_t size)
{
    if (m->usable_cpus > 0 && m->usable_cpus < m->logical_cores)
        snprintf(buf, size, ", %d usable", m->usable_cpus);
    else if (size)
        buf[0] = '\0';
    return buf;
}
