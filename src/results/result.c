/* The result model's storage: growing arrays of results and devices, and owned sample arrays. */
#include "result.h"

#include <stdlib.h>
#include <string.h>

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
}

void pb_resultset_free(pb_resultset *set)
{
    if (!set)
        return;
    for (int i = 0; i < set->nresults; i++) {
        free(set->results[i].samples_s);
        free(set->results[i].e2e_samples_s);
    }
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

pb_status pb_result_set_samples(pb_result *r, const double *samples, int n, pb_msg *msg)
{
    return pb_copy_samples(&r->samples_s, &r->nsamples, samples, n, msg);
}

pb_status pb_result_set_e2e_samples(pb_result *r, const double *samples, int n, pb_msg *msg)
{
    return pb_copy_samples(&r->e2e_samples_s, &r->ne2e, samples, n, msg);
}
