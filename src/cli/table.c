/* The results table printed after a run: one line per case, the speed-up over one core, and the
 * reasons for every case that did not measure cleanly listed underneath (and the cases that ran
 * from the last-level cache); then how the rounds went and which cases the machine disturbed. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../core/runner.h"
#include "../core/stats.h"
#include "../core/text.h"
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

/* The rate of `role` ("cpu-1", "cpu-all") for the same workload and size, the reference for the
 * speed-up columns; 0 when there is none. *threads (may be NULL) gets its thread count. */
static double pb_role_rate(const pb_resultset *set, const pb_result *r, const char *role, int *threads)
{
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *o = &set->results[i];
        if (o->status == PB_CASE_OK && strcmp(o->role, role) == 0 && strcmp(o->workload, r->workload) == 0 &&
            memcmp(o->dims, r->dims, sizeof o->dims) == 0) {
            if (threads)
                *threads = o->threads;
            return o->rate_value;
        }
    }
    return 0;
}

/* How a GPU, a vendor library (on as many threads as all cores) or a CPU device stands against all
 * cores on the same workload: kernels only in *kernel, with copies in *e2e (0 when not timed).
 * Returns 0 for other cases or without an all-cores rate. */
static int pb_vs_all(const pb_resultset *set, const pb_result *r, double *kernel, double *e2e)
{
    int threads = 0;
    double all = r->status == PB_CASE_OK && r->rate_value > 0 ? pb_role_rate(set, r, "cpu-all", &threads) : 0;
    int device = pb_role_name_on_device(r->role);
    if (all <= 0 || !(device || (strcmp(r->role, "lib-cpu") == 0 && r->threads == threads)))
        return 0;
    *kernel = r->rate_value / all;
    *e2e = r->ne2e > 0 && r->e2e_median_s > 0 ? pb_stats_rate(r->work, r->e2e_median_s) / all : 0;
    return 1;
}

/* "17291 GFLOP/s": three or more significant digits in at most 13 columns for usual rates. */
static void pb_fmt_rate(double v, const char *unit, char *out, size_t size)
{
    snprintf(out, size, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, unit);
}

/* "2048", "32M", "4096x4096x10": the problem size in few columns (the wide table names the dims). */
static void pb_short_size(const pb_result *r, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < r->ndims && i < PB_MAX_DIMS && len < size; i++) {
        long long v = (long long)r->dims[i];
        const char *sep = i ? "x" : "";
        if (v >= 1 << 20 && v % (1 << 20) == 0)
            len += (size_t)snprintf(out + len, size - len, "%s%lldM", sep, v >> 20);
        else if (v >= 100000 && v % 1024 == 0)
            len += (size_t)snprintf(out + len, size - len, "%s%lldk", sep, v >> 10);
        else
            len += (size_t)snprintf(out + len, size - len, "%s%lld", sep, v);
    }
}

/* "cpu-1", "cpu-all 16t", "blas 2t", "cuda gpu0", "cublas gpu0", "opencl-cpu 0": which case, in
 * at most 14 columns. */
static void pb_short_case(const pb_result *r, char *out, size_t size)
{
    if (strcmp(r->role, "cpu-1") == 0)
        snprintf(out, size, "%s", r->role);
    else if (r->threads > 0)
        snprintf(out, size, "%s %dt", strcmp(r->backend, "cpu") == 0 ? r->role : r->backend, r->threads);
    else if (strcmp(r->role, "opencl-cpu") == 0)
        snprintf(out, size, "%s %d", r->role, r->device);
    else
        snprintf(out, size, "%s gpu%d%s%s", r->backend, r->device, strcmp(r->impl, "own") && strcmp(r->impl, r->backend) ? " " : "",
                 strcmp(r->impl, "own") && strcmp(r->impl, r->backend) ? r->impl : "");
}

/* An end-to-end rate above the kernel-only rate: one of the two timings is wrong. */
static int pb_e2e_faster(const pb_result *r)
{
    return r->status == PB_CASE_OK && r->ne2e > 0 && r->e2e_median_s > 0 && r->median_s > 0 &&
           r->e2e_median_s < r->median_s;
}

/* A measured case whose device sat idle between kernels more than PB_LAUNCH_BOUND_IDLE of its
 * timed batches (src/core/runner.h). */
static int pb_launch_bound(const pb_result *r)
{
    return r->status == PB_CASE_OK && r->has_batch && r->launch_bound;
}

/* A measured case whose working set fits in its device's last-level cache. */
static int pb_in_llc(const pb_result *r)
{
    return r->status == PB_CASE_OK &&
           pb_device_llc_fit((double)r->working_set_bytes, (double)r->llc_bytes) == PB_LLC_FIT_YES;
}

/* ... and whose rate is bound by memory, so that it measured the cache rather than memory. */
static int pb_rate_from_llc(const pb_result *r)
{
    return pb_in_llc(r) && pb_device_bandwidth_bound(r->flops, r->bytes);
}

/* Two cases of one workload and size on one device: the same working set in the same cache. */
static int pb_same_llc_group(const pb_result *a, const pb_result *b)
{
    return strcmp(a->workload, b->workload) == 0 && strcmp(a->backend, b->backend) == 0 && a->device == b->device &&
           a->working_set_bytes == b->working_set_bytes;
}

static void pb_fmt_bytes(double bytes, char *out, size_t size)
{
    static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        u++;
    }
    snprintf(out, size, "%.3g %s", bytes, units[u]);
}

/* The first case of its group (same_group) among those that pass `keep`. */
static int pb_first_of(const pb_resultset *set, int i, int (*keep)(const pb_result *),
                       int (*same_group)(const pb_result *, const pb_result *))
{
    for (int j = 0; j < i; j++)
        if (keep(&set->results[j]) && same_group(&set->results[j], &set->results[i]))
            return 0;
    return 1;
}

/* The share of its roofline a result reached; 0 when its device has no ceilings. */
static double pb_roof_fraction(const pb_resultset *set, const pb_result *r)
{
    pb_roofline p;
    return pb_roofline_place(r, pb_resultset_ceilings(set, r), &p) ? p.fraction : 0;
}

static int pb_above_roof(const pb_resultset *set, const pb_result *r)
{
    return pb_roof_fraction(set, r) > PB_ROOFLINE_NOTE;
}

static int pb_compute_in_llc(const pb_result *r) { return pb_in_llc(r) && !pb_rate_from_llc(r); }

static int pb_same_workload(const pb_result *a, const pb_result *b) { return strcmp(a->workload, b->workload) == 0; }

void pb_cli_print_wrapped(const char *text, int width, FILE *out)
{
    char line[1024], first[64], rest[64];
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        /* A line's own indent is kept, and its continuation lines go two further. */
        size_t lead = strspn(p, " ");
        lead = lead > len ? len : lead;
        lead = lead < sizeof first - 3 ? lead : sizeof first - 3;
        snprintf(first, sizeof first, "%*s", (int)lead, "");
        snprintf(rest, sizeof rest, "%*s", (int)lead + 2, "");
        snprintf(line, sizeof line, "%.*s", (int)(len - lead), p + lead);
        pb_text_wrap(out, width, first, rest, line);
        p += len + (p[len] == '\n');
    }
}

/* The lines under the table, gathered so they can be wrapped to the terminal's width. */
typedef struct pb_notes {
    char text[8192];
    size_t used;
} pb_notes;

static void pb_note_add(pb_notes *n, const char *fmt, ...) PB_PRINTF(2, 3);
static void pb_note_add(pb_notes *n, const char *fmt, ...)
{
    if (n->used >= sizeof n->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(n->text + n->used, sizeof n->text - n->used, fmt, ap);
    va_end(ap);
    if (len > 0)
        n->used = n->used + (size_t)len < sizeof n->text ? n->used + (size_t)len : sizeof n->text - 1;
}

/* The lines on cases that ran from the last-level cache: one per bandwidth-bound workload and
 * device, naming its roles; then the compute-bound workloads that fit, all on one line. */
static void pb_print_llc_notes(const pb_resultset *set, pb_notes *out)
{
    int compute = 0;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        compute += pb_compute_in_llc(r);
        if (!pb_rate_from_llc(r) || !pb_first_of(set, i, pb_rate_from_llc, pb_same_llc_group))
            continue;
        char ws[32], llc[32];
        pb_fmt_bytes((double)r->working_set_bytes, ws, sizeof ws);
        pb_fmt_bytes((double)r->llc_bytes, llc, sizeof llc);
        pb_note_add(out, "* %s on %s (%s", r->workload, r->backend, r->role);
        for (int j = i + 1; j < set->nresults; j++)
            if (pb_rate_from_llc(&set->results[j]) && pb_same_llc_group(&set->results[j], r))
                pb_note_add(out, ", %s", set->results[j].role);
        pb_note_add(out, "): its working set (%s) fits in the device's last-level cache (%s): the rate is the cache's, "
                     "not memory's\n",
                ws, llc);
    }
    if (!compute)
        return;
    pb_note_add(out, "*");
    int listed = 0;
    for (int i = 0; i < set->nresults; i++)
        if (pb_compute_in_llc(&set->results[i]) && pb_first_of(set, i, pb_compute_in_llc, pb_same_workload))
            pb_note_add(out, "%s %s", listed++ ? "," : "", set->results[i].workload);
    pb_note_add(out, ": %s in the last-level cache too, but compute bounds %s, so that changes %s little\n",
            listed == 1 ? "its working set fits" : "their working sets fit", listed == 1 ? "its rate" : "their rates",
            listed == 1 ? "it" : "them");
}

int pb_cli_any_failed(const pb_resultset *set)
{
    for (int i = 0; i < set->nresults; i++)
        if (set->results[i].status == PB_CASE_FAILED)
            return 1;
    return 0;
}

void pb_cli_print_table(const pb_resultset *set, int width, FILE *out)
{
    int sw = 4, devices = 0;
    for (int i = 0; i < set->nresults; i++) {
        char size[64];
        double k, e;
        pb_compare_size_text(&set->results[i], size, sizeof size);
        sw = (int)strlen(size) > sw ? (int)strlen(size) : sw;
        devices += pb_vs_all(set, &set->results[i], &k, &e);
    }
    /* Every column when they fit; else the essential ones in 80 columns, with a device's standing
     * against all cores on a line under it. */
    int wide = width >= 134 + sw + (devices ? 18 : 0);
    if (wide)
        fprintf(out, "\n%-10s %-*s %-7s %-10s %3s %11s %6s %18s %18s %8s%s %6s  %s\n", "workload", sw, "size", "backend",
                "role", "thr", "median", "spread", "rate", "end-to-end", "vs 1core",
                devices ? "   vs all  e2e/all" : "", "% roof", "check");
    else
        fprintf(out, "\n%-10s %-10s %-14s %13s %6s %8s  %s\n", "workload", "size", "case", "rate", "spread",
                "vs 1core", "check");
    int notes = 0;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        char size[64], med[32] = "-", mad[16] = "-", rate[32] = "-", e2e[32] = "", speed[16] = "";
        pb_compare_size_text(r, size, sizeof size);
        if (r->status == PB_CASE_OK && r->nsamples > 0) {
            pb_fmt_time(r->median_s, med, sizeof med);
            /* The spread between rounds: what a comparison of two runs has to see through. */
            if (r->rounds >= 2)
                snprintf(mad, sizeof mad, exp(r->round_spread) < 2 ? "%.1f%%" : "%.0f%%", 100 * (exp(r->round_spread) - 1));
            snprintf(rate, sizeof rate, "%.2f %s", r->rate_value, r->rate_unit);
            if (r->ne2e > 0 && r->e2e_median_s > 0)
                snprintf(e2e, sizeof e2e, "%.2f %s%s", pb_stats_rate(r->work, r->e2e_median_s), r->rate_unit,
                         pb_e2e_faster(r) ? "!" : "");
            double one = pb_role_rate(set, r, "cpu-1", NULL);
            if (one > 0)
                snprintf(speed, sizeof speed, "%.2fx", r->rate_value / one);
        }
        const char *check = r->status != PB_CASE_OK ? pb_case_status_name(r->status)
                            : r->unstable            ? "ok, spread"
                                                     : "ok";
        char thr[16] = "-";
        if (r->threads > 0)
            snprintf(thr, sizeof thr, "%d", r->threads);
        int noted = r->reason[0] || r->timer_note[0] || pb_e2e_faster(r) || pb_launch_bound(r) ||
                    pb_rate_from_llc(r) || pb_above_roof(set, r);
        double k = 0, e = 0;
        int vs_all = pb_vs_all(set, r, &k, &e);
        char all[40] = "";
        if (wide) {
            if (devices && vs_all)
                snprintf(all, sizeof all, " %8.2fx %8s", k, "");
            if (devices && vs_all && e > 0)
                snprintf(all, sizeof all, " %8.2fx %7.2fx", k, e);
            else if (devices && !vs_all)
                snprintf(all, sizeof all, "%18s", "");
            char roof[16] = "-";
            double f = pb_roof_fraction(set, r);
            if (f > 0)
                snprintf(roof, sizeof roof, "%.0f%%", 100 * f);
            fprintf(out, "%-10s %-*s %-7s %-10s %3s %11s %6s %18s %18s %8s%s %6s  %s%s\n", r->workload, sw, size,
                    r->backend, r->role, thr, med, mad, rate, e2e, speed, all, roof, check, noted ? " *" : "");
        } else {
            char small[32], who[128];
            pb_short_size(r, small, sizeof small);
            pb_short_case(r, who, sizeof who);
            if (r->status == PB_CASE_OK && r->nsamples > 0)
                pb_fmt_rate(r->rate_value, r->rate_unit, rate, sizeof rate);
            fprintf(out, "%-10s %-10.10s %-14.14s %13s %6s %8s  %s%s\n", r->workload, small, who, rate, mad, speed,
                    check, noted ? " *" : "");
            if (vs_all && e > 0) {
                char e2e_rate[32];
                pb_fmt_rate(pb_stats_rate(r->work, r->e2e_median_s), r->rate_unit, e2e_rate, sizeof e2e_rate);
                fprintf(out, "%-10s vs all cores: %.3gx kernel-only, %.3gx end to end (%s)\n", "", k, e, e2e_rate);
            }
            else if (vs_all)
                fprintf(out, "%-10s vs all cores: %.3gx\n", "", k);
        }
        notes += noted;
    }
    int llc_notes = 0;
    for (int i = 0; i < set->nresults; i++)
        llc_notes += pb_in_llc(&set->results[i]);
    if (notes || llc_notes)
        fprintf(out, "\n");
    pb_notes nb = { "", 0 };
    for (int i = 0; notes && i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        if (r->reason[0])
            pb_note_add(&nb, "* %s on %s %s: %s\n", r->workload, r->backend, r->role, r->reason);
        if (r->timer_note[0])
            pb_note_add(&nb, "* %s on %s %s: timed on the host clock: %s\n", r->workload, r->backend, r->role,
                    r->timer_note);
        if (pb_e2e_faster(r))
            pb_note_add(&nb, "* %s on %s %s: end-to-end (!) faster than kernel-only: one of the two timings is wrong, "
                         "or the end-to-end launches overlapped\n",
                    r->workload, r->backend, r->role);
        if (pb_launch_bound(r)) {
            char busy[32], span[32];
            pb_fmt_time(r->batch_busy_s, busy, sizeof busy);
            pb_fmt_time(r->batch_span_s, span, sizeof span);
            pb_note_add(&nb,
                    "* %s on %s %s: launch-bound: the device sat idle %.0f%% of its timed batches (kernels %s, "
                    "batch %s per launch); at this size launching costs more than the kernel, so an application "
                    "would see a lower rate\n",
                    r->workload, r->backend, r->role, 100 * pb_runner_idle_share(r->batch_busy_s, r->batch_span_s),
                    busy, span);
        }
        if (pb_above_roof(set, r))
            pb_note_add(&nb, "* %s on %s %s: %.0f%% of its roofline (its device's measured ceilings): above the "
                             "roof, so a cache-resident working set, or a wrong FLOP or byte count\n",
                        r->workload, r->backend, r->role, 100 * pb_roof_fraction(set, r));
    }
    pb_print_llc_notes(set, &nb);
    pb_cli_print_wrapped(nb.text, width, out);
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

/* Over the measured cases: how many, how many still spread and disturbed, and the ranges, so that
 * a note that holds for every case is said once. */
typedef struct pb_rounds_tally {
    int measured, unstable, disturbed, every_round;
    double spread_lo, spread_hi, other_lo, other_hi, steal_lo, steal_hi;
} pb_rounds_tally;

static void pb_rounds_count(const pb_resultset *set, pb_rounds_tally *t)
{
    memset(t, 0, sizeof *t);
    t->every_round = 1;
    t->spread_lo = t->other_lo = t->steal_lo = INFINITY;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        if (r->status != PB_CASE_OK || r->rounds == 0)
            continue;
        t->measured++;
        double spread = 100 * (exp(r->round_spread) - 1), other, steal;
        if (r->unstable) {
            t->unstable++;
            t->spread_lo = fmin(t->spread_lo, spread);
            t->spread_hi = fmax(t->spread_hi, spread);
        }
        int n = pb_result_disturbance(r, &other, &steal);
        if (n == 0)
            continue;
        t->disturbed++;
        t->every_round &= n == r->rounds;
        t->other_lo = fmin(t->other_lo, other);
        t->other_hi = fmax(t->other_hi, other);
        t->steal_lo = fmin(t->steal_lo, steal);
        t->steal_hi = fmax(t->steal_hi, steal);
    }
}

void pb_cli_print_rounds(const pb_resultset *set, const pb_rounds_summary *sum, int width, FILE *out)
{
    pb_notes nb = { "", 0 }, *nt = &nb;
    int minutes = (int)sum->seconds / 60;
    pb_note_add(nt, "\nMeasured in %d round%s (%d:%02d), in a new order each round (order seed %llu).\n",
            sum->rounds, sum->rounds == 1 ? "" : "s", minutes, (int)sum->seconds % 60,
            (unsigned long long)set->shuffle_seed);
    if (!set->cases_kept)
        pb_note_add(nt, "Some workloads did not fit %.1f GiB and were set up again in every round.\n",
                set->memory_budget_bytes / (1u << 30));
    const pb_round_state *rs = &set->run_state;
    if (set->has_run_state && (rs->other_cpu > 0.05 || rs->steal > 0.05))
        pb_note_add(nt, "While it measured, other processes used %.0f%% of the machine's CPU and the hypervisor took %.0f%%: "
                     "expect wider intervals.\n",
                100 * (rs->other_cpu > 0 ? rs->other_cpu : 0), 100 * (rs->steal > 0 ? rs->steal : 0));
    int spread = 0, disturbed = 0;
    pb_rounds_tally t;
    pb_rounds_count(set, &t);
    if (t.measured > 1 && t.unstable == t.measured)
        pb_note_add(nt, "Every case's rounds still disagreed when the rounds or the time ran out (spread %.0f-%.0f%%; "
                     "marked \"ok, spread\"): differences smaller than about their spread cannot be judged.\n",
                t.spread_lo, t.spread_hi);
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        if (r->status != PB_CASE_OK || r->rounds == 0 || !r->unstable || t.unstable == t.measured)
            continue;
        char item[200];
        pb_case_label(r, item, sizeof item);
        size_t len = strlen(item);
        snprintf(item + len, sizeof item - len, " %.0f%%", 100 * (exp(r->round_spread) - 1));
        if (spread++ == 0) {
            pb_note_add(nt, "Rounds still disagreed when the rounds or the time ran out (spread between rounds):\n ");
        } else {
            pb_note_add(nt, ",");
        }
        pb_note_add(nt, " %s", item);
    }
    if (spread)
        pb_note_add(nt, "\n  (marked \"ok, spread\"; differences smaller than about their spread cannot be judged)\n");
    double drift;
    int df;
    if (pb_resultset_drift(set, &drift, &df) && drift > 0.01)
        pb_note_add(nt, "The machine's overall speed moved by %.1f%% from round to round (every case at once), so a comparison "
                     "with another run cannot resolve differences much below %.0f%%.\n",
                100 * drift, 100 * (exp(2.8 * drift) - 1));
    if (t.measured > 1 && t.disturbed == t.measured) {
        pb_note_add(nt, "Other work took %.0f-%.0f%% of the CPU", 100 * t.other_lo, 100 * t.other_hi);
        if (t.steal_hi > 0)
            pb_note_add(nt, " and the hypervisor %.0f-%.0f%% (steal)", 100 * t.steal_lo, 100 * t.steal_hi);
        pb_note_add(nt, " during %s round of every case.\n", t.every_round ? "every" : "some");
        pb_cli_print_wrapped(nb.text, width, out);
        return;
    }
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        double other, steal;
        int n = r->status == PB_CASE_OK ? pb_result_disturbance(r, &other, &steal) : 0;
        if (n == 0)
            continue;
        if (disturbed++ == 0)
            pb_note_add(nt, "The machine was disturbed while measuring:\n");
        char name[160];
        pb_case_label(r, name, sizeof name);
        pb_note_add(nt, "  %s: ", name);
        if (other > 0)
            pb_note_add(nt, "other work took %.0f%% of the CPU", 100 * other);
        if (steal > 0)
            pb_note_add(nt, "%ssteal %.0f%%", other > 0 ? ", " : "", 100 * steal);
        pb_note_add(nt, " in %d of %d rounds\n", n, r->rounds);
    }
    pb_cli_print_wrapped(nb.text, width, out);
}
