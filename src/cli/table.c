/* The results table printed after a run: one line per case, the speed-up over one core, and the
 * reasons for every case that did not measure cleanly listed underneath; then how the rounds went
 * and which cases the machine disturbed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/stats.h"
#include "../report/compare.h"
#include "cli.h"
#include "run_rounds.h"

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

/* An end-to-end rate above the kernel-only rate: one of the two timings is wrong. */
static int pb_e2e_faster(const pb_result *r)
{
    return r->status == PB_CASE_OK && r->ne2e > 0 && r->e2e_median_s > 0 && r->median_s > 0 &&
           r->e2e_median_s < r->median_s;
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
            "role", "thr", "median", "spread", "rate", "end-to-end", "vs 1core", "check");
    int notes = 0;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        char size[64], med[32] = "-", mad[16] = "-", rate[32] = "-", e2e[32] = "", speed[16] = "";
        pb_compare_size_text(r, size, sizeof size);
        if (r->status == PB_CASE_OK && r->nsamples > 0) {
            pb_fmt_time(r->median_s, med, sizeof med);
            /* The spread between rounds: what a comparison of two runs has to see through. */
            if (r->rounds >= 2)
                snprintf(mad, sizeof mad, "%.1f%%", 100 * (exp(r->round_spread) - 1));
            snprintf(rate, sizeof rate, "%.2f %s", r->rate_value, r->rate_unit);
            if (r->ne2e > 0 && r->e2e_median_s > 0)
                snprintf(e2e, sizeof e2e, "%.2f %s%s", pb_stats_rate(r->work, r->e2e_median_s), r->rate_unit,
                         pb_e2e_faster(r) ? "!" : "");
            double one = pb_one_core_rate(set, r);
            if (one > 0)
                snprintf(speed, sizeof speed, "%.2fx", r->rate_value / one);
        }
        const char *check = r->status != PB_CASE_OK ? pb_case_status_name(r->status)
                            : r->unstable            ? "ok, spread"
                                                     : "ok";
        char thr[16] = "-";
        if (r->threads > 0)
            snprintf(thr, sizeof thr, "%d", r->threads);
        int noted = r->reason[0] || r->timer_note[0] || pb_e2e_faster(r);
        fprintf(out, "%-10s %-*s %-7s %-10s %3s %11s %6s %18s %18s %8s  %s%s\n", r->workload, sw, size, r->backend,
                r->role, thr, med, mad, rate, e2e, speed, check, noted ? " *" : "");
        notes += noted;
    }
    if (!notes)
        return;
    fprintf(out, "\n");
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        if (r->reason[0])
            fprintf(out, "* %s on %s %s: %s\n", r->workload, r->backend, r->role, r->reason);
        if (r->timer_note[0])
            fprintf(out, "* %s on %s %s: timed on the host clock: %s\n", r->workload, r->backend, r->role,
                    r->timer_note);
        if (pb_e2e_faster(r))
            fprintf(out, "* %s on %s %s: end-to-end (!) faster than kernel-only: one of the two timings is wrong, "
                         "or the end-to-end launches overlapped\n",
                    r->workload, r->backend, r->role);
    }
}

/* "sgemm lib-cpu (blas, 2 threads)": which case, in the lines under the table. */
static void pb_case_label(const pb_result *r, char *out, size_t size)
{
    if (r->threads > 0)
        snprintf(out, size, "%s %s (%s, %d thread%s)", r->workload, r->role, r->backend, r->threads,
                 r->threads == 1 ? "" : "s");
    else
        snprintf(out, size, "%s %s (%s dev%d %s)", r->workload, r->role, r->backend, r->device, r->impl);
}

void pb_cli_print_rounds(const pb_resultset *set, const pb_rounds_summary *sum, FILE *out)
{
    int minutes = (int)sum->seconds / 60;
    fprintf(out, "\nMeasured in %d round%s (%d:%02d), each visiting the cases in a new order (order seed %llu).\n",
            sum->rounds, sum->rounds == 1 ? "" : "s", minutes, (int)sum->seconds % 60,
            (unsigned long long)set->shuffle_seed);
    if (!set->cases_kept)
        fprintf(out, "Some workloads did not fit %.1f GiB and were set up again in every round.\n",
                set->memory_budget_bytes / (1u << 30));
    const pb_round_state *rs = &set->run_state;
    if (set->has_run_state && (rs->other_cpu > 0.05 || rs->steal > 0.05))
        fprintf(out, "While it measured, other processes used %.0f%% of the machine's CPU and the hypervisor took %.0f%%: "
                     "expect wider intervals.\n",
                100 * (rs->other_cpu > 0 ? rs->other_cpu : 0), 100 * (rs->steal > 0 ? rs->steal : 0));
    int spread = 0, disturbed = 0, column = 0;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        if (r->status != PB_CASE_OK || r->rounds == 0 || !r->unstable)
            continue;
        char item[200];
        pb_case_label(r, item, sizeof item);
        size_t len = strlen(item);
        snprintf(item + len, sizeof item - len, " %.0f%%", 100 * (exp(r->round_spread) - 1));
        if (spread++ == 0) {
            fprintf(out, "Rounds still disagreed when the rounds or the time ran out (spread between rounds):\n ");
            column = 1;
        } else {
            fputc(',', out);
            column++;
        }
        /* Wrapped to fit a 100-column terminal. */
        if (column + 1 + (int)strlen(item) > 100) {
            fprintf(out, "\n ");
            column = 1;
        }
        column += fprintf(out, " %s", item);
    }
    if (spread)
        fprintf(out, "\n  (marked \"ok, spread\"; differences smaller than about their spread cannot be judged)\n");
    double drift;
    int df;
    if (pb_resultset_drift(set, &drift, &df) && drift > 0.01)
        fprintf(out, "The machine's overall speed moved by %.1f%% from round to round (every case at once), so a comparison\n"
                     "with another run cannot resolve differences much below %.0f%%.\n",
                100 * drift, 100 * (exp(2.8 * drift) - 1));
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        double other, steal;
        int n = r->status == PB_CASE_OK ? pb_result_disturbance(r, &other, &steal) : 0;
        if (n == 0)
            continue;
        if (disturbed++ == 0)
            fprintf(out, "The machine was disturbed while measuring:\n");
        char name[160];
        pb_case_label(r, name, sizeof name);
        fprintf(out, "  %s: ", name);
        if (other > 0)
            fprintf(out, "other work took %.0f%% of the CPU", 100 * other);
        if (steal > 0)
            fprintf(out, "%sthe hypervisor took %.0f%% (steal)", other > 0 ? " and " : "", 100 * steal);
        fprintf(out, " during %d of %d rounds\n", n, r->rounds);
    }
}
