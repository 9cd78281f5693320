/* The plain answer under a run's table (summary.h): a few sentences computed from the result set. */
#include "summary.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../core/stats.h"
#include "cli.h"

/* What limits each workload (README's workload table), for the words beside a speed-up: a
 * memory-bound workload gains little from more cores, a compute-bound one nearly their number. */
static const struct {
    const char *workload, *bound;
} pb_summary_bounds[] = {
    { "sgemm", "compute-bound" },  { "triad", "memory-bound" },  { "reduce", "memory-bound" },
    { "stencil", "memory-bound" }, { "nbody", "compute-bound" }, { "mandelbrot", "compute-bound" },
    { "histogram", "contention-bound" },
};

const char *pb_summary_bound(const char *workload)
{
    for (size_t i = 0; i < sizeof pb_summary_bounds / sizeof pb_summary_bounds[0]; i++)
        if (strcmp(pb_summary_bounds[i].workload, workload) == 0)
            return pb_summary_bounds[i].bound;
    return "";
}

void pb_summary_duration(double seconds, char *out, size_t size)
{
    if (seconds < 10)
        snprintf(out, size, "%.1f s", seconds);
    else if (seconds < 60)
        snprintf(out, size, "%.0f s", seconds);
    else
        snprintf(out, size, "%d min %d s", (int)(seconds + 0.5) / 60, (int)(seconds + 0.5) % 60);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian), without the C library's time zone. */
static long pb_summary_days(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int pb_summary_stamp(const char *iso, double *out)
{
    int y, mo, d, h, mi, s;
    if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
        return 0;
    *out = (double)pb_summary_days(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + s;
    return 1;
}

double pb_summary_elapsed(const pb_resultset *set)
{
    double a, b;
    if (!pb_summary_stamp(set->started_at, &a) || !pb_summary_stamp(set->finished_at, &b) || b < a)
        return -1;
    return b - a;
}

/* A ratio as people say it: "14x", "1.9x", "0.42x". */
static void pb_summary_x(double v, char *out, size_t size)
{
    snprintf(out, size, v >= 10 ? "%.0fx" : v >= 0.995 ? "%.1fx" : "%.2fx", v);
}

/* The text being built: lines appended with pb_summary_line, never past `size`. */
typedef struct pb_summary_buf {
    char *out;
    size_t size, len;
    int lines;
} pb_summary_buf;

static void pb_summary_line(pb_summary_buf *b, const char *fmt, ...) PB_PRINTF(2, 3);
static void pb_summary_line(pb_summary_buf *b, const char *fmt, ...)
{
    if (b->len + 1 >= b->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->out + b->len, b->size - b->len, fmt, ap);
    va_end(ap);
    b->len = n < 0 ? b->len : b->len + (size_t)n >= b->size - 1 ? b->size - 1 : b->len + (size_t)n;
    if (b->len + 1 < b->size) {
        b->out[b->len++] = '\n';
        b->out[b->len] = '\0';
    }
    b->lines++;
}

/* The ok case of `role` for the same workload and size as `r`, or NULL. */
static const pb_result *pb_summary_peer(const pb_resultset *set, const pb_result *r, const char *role)
{
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *o = &set->results[i];
        if (o->status == PB_CASE_OK && o->rate_value > 0 && strcmp(o->role, role) == 0 &&
            strcmp(o->workload, r->workload) == 0 && memcmp(o->dims, r->dims, sizeof o->dims) == 0)
            return o;
    }
    return NULL;
}

static int pb_summary_ok(const pb_result *r)
{
    return r->status == PB_CASE_OK && r->rate_value > 0;
}

/* "All 16 cores: 12x one core (geometric mean over 3 workloads; best ..., worst ...)." */
static void pb_summary_cpu(const pb_resultset *set, pb_summary_buf *b)
{
    double logsum = 0, best = 0, worst = 0;
    const char *best_wl = "", *worst_wl = "";
    int n = 0, cores = 0;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        const pb_result *one = strcmp(r->role, "cpu-all") == 0 && pb_summary_ok(r) ? pb_summary_peer(set, r, "cpu-1")
                                                                                   : NULL;
        if (!one)
            continue;
        double x = r->rate_value / one->rate_value;
        logsum += log(x);
        if (n == 0 || x > best)
            best = x, best_wl = r->workload;
        if (n == 0 || x < worst)
            worst = x, worst_wl = r->workload;
        cores = r->threads;
        n++;
    }
    if (n == 0)
        return;
    char mean[16], hi[16], lo[16];
    pb_summary_x(exp(logsum / n), mean, sizeof mean);
    pb_summary_x(best, hi, sizeof hi);
    pb_summary_x(worst, lo, sizeof lo);
    if (n == 1)
        pb_summary_line(b, "All %d cores: %s one core on %s (%s).", cores, mean, best_wl, pb_summary_bound(best_wl));
    else
        pb_summary_line(b, "All %d cores: %s one core (geometric mean over %d workloads; best %s %s, %s; worst %s %s, %s).",
                        cores, mean, n, best_wl, hi, pb_summary_bound(best_wl), worst_wl, lo,
                        pb_summary_bound(worst_wl));
}

/* Whether two results belong to the same device or library line: backend, role, device, impl and
 * threads alike. Precision is not: histogram (u32) counts on the same device as the fp32 cases. */
static int pb_summary_same_group(const pb_result *a, const pb_result *b)
{
    return strcmp(a->backend, b->backend) == 0 && strcmp(a->role, b->role) == 0 && a->device == b->device &&
           strcmp(a->impl, b->impl) == 0 && a->threads == b->threads;
}

/* Roles that stand against all cores: the GPU, the vendor libraries (a CPU library only on as many
 * threads as all cores), a CPU device (PoCL). */
static int pb_summary_against_all(const pb_result *r)
{
    return pb_role_name_on_device(r->role) || strcmp(r->role, "lib-cpu") == 0;
}

static void pb_summary_group_name(const pb_result *r, char *out, size_t size)
{
    char what[96] = "";
    if (strcmp(r->impl, "own") != 0 && strcmp(r->impl, r->backend) != 0 && r->impl[0])
        snprintf(what, sizeof what, " %s", r->impl);
    int n;
    if (strcmp(r->role, "gpu") == 0)
        n = snprintf(out, size, "GPU (%s%s on %s)", r->backend, what, r->device_name);
    else if (strcmp(r->role, "lib-gpu") == 0)
        n = snprintf(out, size, "GPU library (%s%s on %s)", r->backend, what, r->device_name);
    else if (strcmp(r->role, "opencl-cpu") == 0)
        n = snprintf(out, size, "OpenCL on a CPU device (%s)", r->device_name);
    else
        n = snprintf(out, size, "CPU library (%s%s, %d threads)", r->backend, what, r->threads);
    /* A long device name is cut at the buffer's end: the line stays readable. */
    if (n < 0 && size)
        out[0] = '\0';
}

/* One line for the group of `first`: its kernels and end-to-end times against all cores. */
static void pb_summary_group(const pb_resultset *set, const pb_result *first, pb_summary_buf *b)
{
    double klog = 0, elog = 0;
    int n = 0, ne = 0;
    const char *only = "";
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        const pb_result *all = pb_summary_same_group(r, first) && pb_summary_ok(r) ? pb_summary_peer(set, r, "cpu-all")
                                                                                   : NULL;
        if (!all || (strcmp(r->role, "lib-cpu") == 0 && r->threads != all->threads))
            continue;
        klog += log(r->rate_value / all->rate_value);
        only = r->workload;
        n++;
        if (r->ne2e > 0 && r->e2e_median_s > 0) {
            elog += log(pb_stats_rate(r->work, r->e2e_median_s) / all->rate_value);
            ne++;
        }
    }
    if (n == 0)
        return;
    char name[256], k[16], e[16], over[64];
    pb_summary_group_name(first, name, sizeof name);
    pb_summary_x(exp(klog / n), k, sizeof k);
    if (n == 1)
        snprintf(over, sizeof over, "on %s", only);
    else
        snprintf(over, sizeof over, "geometric mean over %d workloads", n);
    const char *cpu_device = strcmp(first->role, "opencl-cpu") == 0
                                 ? " It runs the GPU kernels on the CPU: it checks them, it does not measure a GPU."
                                 : "";
    if (ne == n) {
        pb_summary_x(exp(elog / ne), e, sizeof e);
        pb_summary_line(b, "%s: %s all cores on kernels, %s including copies (%s).%s", name, k, e, over, cpu_device);
    } else {
        pb_summary_line(b, "%s: %s all cores (%s).%s", name, k, over, cpu_device);
    }
}

static void pb_summary_devices(const pb_resultset *set, pb_summary_buf *b)
{
    int gpu_rows = 0;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        gpu_rows += pb_role_name_is_gpu(r->role);
        if (!pb_summary_against_all(r))
            continue;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = pb_summary_same_group(&set->results[j], r);
        if (!seen)
            pb_summary_group(set, r, b);
    }
    if (gpu_rows == 0)
        pb_summary_line(b, "No GPU was measured: this run found or chose none ('parbench list' shows the backends "
                           "and how to add a missing one).");
}

/* "Too noisy" when the machine's speed moved more than 5% from round to round, or when most
 * cases' rounds still disagreed: then differences below the resolution mean nothing. */
/* What a comparison of this run with another can resolve: per case, the 95% half-width of a
 * comparison with an identical run, 2.8 x sqrt(spread^2 / rounds + drift^2) in logs (the method
 * compare uses), and the median over the cases. */
static double pb_summary_resolution(const pb_resultset *set, double drift)
{
    double h[512];
    int n = 0;
    for (int i = 0; i < set->nresults && n < (int)(sizeof h / sizeof h[0]); i++) {
        const pb_result *r = &set->results[i];
        if (r->status == PB_CASE_OK && r->rounds > 0)
            h[n++] = 2.8 * sqrt(r->round_spread * r->round_spread / r->rounds + drift * drift);
    }
    return n ? 100 * (exp(pb_stats_median_inplace(h, (size_t)n)) - 1) : 0;
}

static void pb_summary_noise(const pb_resultset *set, pb_summary_buf *b)
{
    int ok = 0, unstable = 0;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        if (r->status != PB_CASE_OK || r->rounds == 0)
            continue;
        ok++;
        unstable += r->unstable;
    }
    double drift = 0;
    int df;
    pb_resultset_drift(set, &drift, &df);
    if (ok == 0 || (drift <= 0.05 && 2 * unstable <= ok))
        return;
    char moved[96] = "";
    if (drift > 0.05)
        snprintf(moved, sizeof moved, "the machine's speed moved %.0f%% from round to round and ", 100 * drift);
    pb_summary_line(b, "Too noisy to trust small differences: %s%d of %d cases' rounds still disagreed, so differences "
                       "below about %.0f%% cannot be told apart. Run again with nothing else running.",
                    moved, unstable, ok, pb_summary_resolution(set, drift));
}

int pb_summary_text(const pb_resultset *set, double seconds, char *out, size_t size)
{
    pb_summary_buf b = { out, size, 0, 0 };
    if (size)
        out[0] = '\0';
    int ok = 0, failed = 0;
    for (int i = 0; i < set->nresults; i++) {
        ok += set->results[i].status == PB_CASE_OK;
        failed += set->results[i].status == PB_CASE_FAILED;
    }
    if (failed)
        pb_summary_line(&b, "%d of %d cases failed verification (see the table): their numbers are left out.",
                        failed, set->nresults);
    if (strcmp(set->preset, "tiny") == 0) {
        if (!failed)
            pb_summary_line(&b, "All %d cases verified.", ok);
        pb_summary_line(&b, "The tiny preset only checks that things run: its times are too short to compare. "
                            "To measure, run --preset quick or the standard preset.");
    } else {
        pb_summary_cpu(set, &b);
        pb_summary_devices(set, &b);
        pb_summary_noise(set, &b);
    }
    if (!set->complete)
        pb_summary_line(&b, "The run was interrupted: these numbers cover only the cases measured before it stopped.");
    if (seconds >= 0) {
        char took[32];
        pb_summary_duration(seconds, took, sizeof took);
        pb_summary_line(&b, "Took %s.", took);
    }
    return b.lines;
}

void pb_summary_print(const pb_resultset *set, double seconds, int width, FILE *out)
{
    char text[4096];
    pb_summary_text(set, seconds, text, sizeof text);
    pb_cli_print_wrapped(text, width, out);
}
