/* A sweep's table from its result file (sweep_table.h). */
#include "sweep_table.h"

#include <stdio.h>
#include <string.h>

#include "../core/role.h"

int pb_sweep_crossover(const double *cpu_s, const double *dev_s, int n)
{
    int from = -1;
    for (int i = n - 1; i >= 0; i--) {
        if (!(cpu_s[i] > 0 && dev_s[i] > 0 && dev_s[i] < cpu_s[i]))
            break;
        from = i;
    }
    return from;
}

static int pb_sweep_role_cpu(const char *role)
{
    return strcmp(role, "cpu-all") == 0 || strcmp(role, "lib-cpu") == 0;
}

/* The index of size n in the table, inserted in order when new; -1 when the table is full. */
static int pb_sweep_size_slot(pb_sweep_table *t, int64_t n)
{
    int i = 0;
    while (i < t->npoints && t->sizes[i] < n)
        i++;
    if (i < t->npoints && t->sizes[i] == n)
        return i;
    if (t->npoints == PB_SWEEP_MAX_POINTS)
        return -1;
    memmove(&t->sizes[i + 1], &t->sizes[i], (size_t)(t->npoints - i) * sizeof t->sizes[0]);
    t->sizes[i] = n;
    t->npoints++;
    return i;
}

static void pb_sweep_line_name(const pb_result *r, char *out, size_t size)
{
    if (strcmp(r->role, "cpu-all") == 0 || strcmp(r->role, "lib-cpu") == 0)
        snprintf(out, size, "%s %s (%d threads)", r->backend, r->role, r->threads);
    else
        snprintf(out, size, "%s device %d (%.100s)", r->backend, r->device, r->device_name);
}

/* The line of result r, added when new; NULL when the table is full. */
static pb_sweep_line *pb_sweep_line_get(pb_sweep_table *t, const pb_result *r)
{
    char name[160];
    pb_sweep_line_name(r, name, sizeof name);
    for (int i = 0; i < t->nlines; i++)
        if (strcmp(t->lines[i].name, name) == 0)
            return &t->lines[i];
    if (t->nlines == PB_SWEEP_MAX_LINES)
        return NULL;
    pb_sweep_line *l = &t->lines[t->nlines++];
    memset(l, 0, sizeof *l);
    snprintf(l->name, sizeof l->name, "%s", name);
    snprintf(l->backend, sizeof l->backend, "%s", r->backend);
    snprintf(l->role, sizeof l->role, "%s", r->role);
    l->device = r->device;
    l->cpu = pb_sweep_role_cpu(r->role);
    return l;
}

/* Places result r at its size, shifting every line's arrays when the size is new. */
static void pb_sweep_add(pb_sweep_table *t, const pb_result *r)
{
    int before = t->npoints;
    int i = pb_sweep_size_slot(t, r->dims[0]);
    if (i < 0)
        return;
    if (t->npoints != before) {
        size_t tail = (size_t)(before - i) * sizeof(double);
        memmove(&t->work[i + 1], &t->work[i], tail);
        t->work[i] = 0;
        for (int k = 0; k < t->nlines; k++) {
            memmove(&t->lines[k].kernel_s[i + 1], &t->lines[k].kernel_s[i], tail);
            memmove(&t->lines[k].e2e_s[i + 1], &t->lines[k].e2e_s[i], tail);
            t->lines[k].kernel_s[i] = t->lines[k].e2e_s[i] = 0;
        }
    }
    pb_sweep_line *l = pb_sweep_line_get(t, r);
    if (!l)
        return;
    if (r->work > 0)
        t->work[i] = r->work;
    if (r->status != PB_CASE_OK) {
        snprintf(l->why, sizeof l->why, "%s=%lld: %.120s", r->dim_names[0], (long long)r->dims[0], r->reason);
        return;
    }
    l->kernel_s[i] = r->median_s;
    l->e2e_s[i] = r->ne2e > 0 ? r->e2e_median_s : 0;
}

int pb_sweep_table_build(const pb_resultset *set, const char *workload, pb_sweep_table *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->workload, sizeof out->workload, "%s", workload);
    for (int k = 0; k < set->nresults; k++) {
        const pb_result *r = &set->results[k];
        if (strcmp(r->workload, workload) != 0 || r->ndims < 1 ||
            !(pb_sweep_role_cpu(r->role) || pb_role_name_on_device(r->role)))
            continue;
        if (!out->dim_name[0]) {
            snprintf(out->dim_name, sizeof out->dim_name, "%s", r->dim_names[0]);
            snprintf(out->rate_unit, sizeof out->rate_unit, "%s", r->rate_unit);
        }
        pb_sweep_add(out, r);
    }
    for (int i = 0; i < out->npoints; i++) {
        out->best_cpu_s[i] = 0;
        out->best_cpu[i] = -1;
        for (int k = 0; k < out->nlines; k++) {
            double s = out->lines[k].kernel_s[i];
            if (out->lines[k].cpu && s > 0 && (out->best_cpu_s[i] <= 0 || s < out->best_cpu_s[i])) {
                out->best_cpu_s[i] = s;
                out->best_cpu[i] = k;
            }
        }
    }
    for (int k = 0; k < out->nlines; k++) {
        pb_sweep_line *l = &out->lines[k];
        l->crossover = l->cpu ? -1 : pb_sweep_crossover(out->best_cpu_s, l->e2e_s, out->npoints);
        l->crossover_kernel = l->cpu ? -1 : pb_sweep_crossover(out->best_cpu_s, l->kernel_s, out->npoints);
    }
    return out->npoints;
}
