/* The results table printed after a run: one line per case, the speed-up over one core, and the
 * reasons for every case that did not measure cleanly listed underneath. */
#include <stdio.h>
#include <string.h>

#include "../report/compare.h"
#include "cli.h"

static void pb_fmt_time(double s, char *out, size_t size)
{
    if (s >= 1)
        snprintf(out, size, "%.3f s", s);
    else if (s >= 1e-3)
        snprintf(out, size, "%.3f ms", s * 1e3);
    else
        snprintf(out, size, "%.2f us", s * 1e6);
}

/* The one-core rate of the same workload and size, the reference for the speed-up column. */
static double pb_one_core_rate(const pb_resultset *set, const pb_result *r)
{
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *o = &set->results[i];
        if (o->status == PB_CASE_OK && strcmp(o->role, "cpu-1") == 0 && strcmp(o->workload, r->workload) == 0 &&
            memcmp(o->dims, r->dims, sizeof o->dims) == 0)
            return o->rate_value;
    }
    return 0;
}

int pb_cli_any_failed(const pb_resultset *set)
{
    for (int i = 0; i < set->nresults; i++)
        if (set->results[i].status == PB_CASE_FAILED)
            return 1;
    return 0;
}

void pb_cli_print_table(const pb_resultset *set, FILE *out)
{
    int sw = 4;
    for (int i = 0; i < set->nresults; i++) {
        char size[64];
        pb_compare_size_text(&set->results[i], size, sizeof size);
        sw = (int)strlen(size) > sw ? (int)strlen(size) : sw;
    }
    fprintf(out, "\n%-10s %-*s %-7s %-10s %3s %11s %6s %18s %18s %8s  %s\n", "workload", sw, "size", "backend",
            "role", "thr", "median", "MAD", "rate", "end-to-end", "vs 1core", "check");
    int notes = 0;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        char size[64], med[32] = "-", mad[16] = "-", rate[32] = "-", e2e[32] = "", speed[16] = "";
        pb_compare_size_text(r, size, sizeof size);
        if (r->status == PB_CASE_OK && r->nsamples > 0) {
            pb_fmt_time(r->median_s, med, sizeof med);
            snprintf(mad, sizeof mad, "%.1f%%", r->median_s > 0 ? 100 * r->mad_s / r->median_s : 0);
            snprintf(rate, sizeof rate, "%.2f %s", r->rate_value, r->rate_unit);
            if (r->ne2e > 0 && r->e2e_median_s > 0)
                snprintf(e2e, sizeof e2e, "%.2f %s", r->work / 1e9 / r->e2e_median_s, r->rate_unit);
            double one = pb_one_core_rate(set, r);
            if (one > 0)
                snprintf(speed, sizeof speed, "%.2fx", r->rate_value / one);
        }
        const char *check = r->status != PB_CASE_OK ? pb_case_status_name(r->status)
                            : r->unstable            ? "ok, unstable"
                                                     : "ok";
        char thr[16] = "-";
        if (r->threads > 0)
            snprintf(thr, sizeof thr, "%d", r->threads);
        fprintf(out, "%-10s %-*s %-7s %-10s %3s %11s %6s %18s %18s %8s  %s%s\n", r->workload, sw, size, r->backend,
                r->role, thr, med, mad, rate, e2e, speed, check, r->reason[0] ? " *" : "");
        notes += r->reason[0] != '\0';
    }
    if (!notes)
        return;
    fprintf(out, "\n");
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        if (r->reason[0])
            fprintf(out, "* %s on %s %s: %s\n", r->workload, r->backend, r->role, r->reason);
    }
}
