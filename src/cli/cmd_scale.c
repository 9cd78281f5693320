/* `parbench scale`: the cpu backend over 1..all threads through `run`'s own code path (same rounds,
 * verification and result file), then per workload the speed-up, parallel efficiency and an Amdahl
 * fit, read back from the saved result file. */
#include <stdio.h>
#include <string.h>

#include "../core/fingerprint.h"
#include "../results/json_read.h"
#include "../results/scaling.h"
#include "cli.h"
#include "opts.h"

enum { OPT_PRESET, OPT_WORKLOADS, OPT_LABEL, OPT_OUTPUT, OPT_HELP };

static const pb_opt_spec pb_scale_specs[] = {
    { "preset", 'p', 1, OPT_PRESET, "NAME", "problem sizes: tiny, quick (default), standard, large" },
    { "workloads", 'w', 1, OPT_WORKLOADS, "LIST",
      "workloads to scale, e.g. sgemm,triad (default: all with a CPU kernel)" },
    { "label", 'l', 1, OPT_LABEL, "NAME", "name of this machine in results (default: host name)" },
    { "output", 'o', 1, OPT_OUTPUT, "FILE", "result file (default: results/scale-<UTC time>.json)" },
    { "help", 'h', 0, OPT_HELP, "", "show this help" },
};
#define PB_SCALE_NSPECS ((int)(sizeof pb_scale_specs / sizeof pb_scale_specs[0]))

static const char *const pb_scale_kind_names[PB_SCALE_KIND_COUNT] = { "all cores", "P cores", "E cores" };

static void pb_scale_help(void)
{
    printf("usage: parbench scale [options]\n\n"
           "Measures the cpu backend on 1..all threads (powers of two, the P-core count and all cores) as\n"
           "'parbench run -b cpu -t LIST' does, saves the result file, and prints per workload the rate,\n"
           "the speed-up over one thread, the parallel efficiency (speed-up / threads) and an Amdahl fit:\n"
           "the serial fraction s of 1/speed-up = s + (1-s)/threads, least squares over the thread counts.\n"
           "On a hybrid CPU the P-cores-only and E-cores-only cases (roles cpu-p, cpu-e) are listed too.\n\n");
    pb_opts_print_help(pb_scale_specs, PB_SCALE_NSPECS);
    printf("\nExamples:\n  parbench scale\n  parbench scale -w sgemm,triad --preset standard\n");
}

typedef struct pb_scale_args {
    const char *preset, *workloads, *label, *output;
} pb_scale_args;

/* The `run` arguments of a scale: fresh copies in `store`, since run's parser splits lists in place. */
typedef struct pb_scale_argv {
    char store[8][1100];
    char *argv[16];
    int argc, nstore;
} pb_scale_argv;

/* Appends an option, and its value unless `value` is NULL (a flag). */
static void pb_scale_arg(pb_scale_argv *a, const char *option, const char *value)
{
    a->argv[a->argc++] = (char *)option;
    if (!value)
        return;
    int k = a->nstore++;
    pb_strlcpy(a->store[k], value, sizeof a->store[k]);
    a->argv[a->argc++] = a->store[k];
}

static void pb_scale_build_argv(const pb_scale_args *args, const char *threads, const char *path, pb_scale_argv *a)
{
    memset(a, 0, sizeof *a);
    pb_scale_arg(a, "-b", "cpu");
    pb_scale_arg(a, "-t", threads);
    pb_scale_arg(a, "--each-core-type", NULL);
    pb_scale_arg(a, "-p", args->preset);
    if (args->workloads)
        pb_scale_arg(a, "-w", args->workloads);
    if (args->label)
        pb_scale_arg(a, "-l", args->label);
    pb_scale_arg(a, "-o", path);
}

/* "1,2,4,6,12" for this machine. */
static void pb_scale_thread_list(char *out, size_t size)
{
    pb_machine m;
    pb_fingerprint_read(&m);
    int pcores = m.nperf_levels == 2 ? m.perf_levels[0].logical_cores : 0;
    int counts[PB_MAX_THREAD_COUNTS];
    int n = pb_scale_thread_counts(pb_fingerprint_online_cpus(), pcores, counts, PB_MAX_THREAD_COUNTS);
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%d", i ? "," : "", counts[i]);
}

static pb_status pb_scale_parse(int argc, char **argv, pb_scale_args *args, int *help, pb_msg *msg)
{
    pb_opt_match m[PB_OPTS_MAX];
    int nm;
    memset(args, 0, sizeof *args);
    args->preset = "quick";
    pb_status st = pb_opts_parse_only("scale", pb_scale_specs, PB_SCALE_NSPECS, OPT_HELP, argc, argv, m, &nm,
                                      PB_OPTS_MAX, help, msg);
    for (int i = 0; i < nm && st == PB_OK; i++) {
        switch (m[i].id) {
        case OPT_PRESET: args->preset = m[i].value; break;
        case OPT_WORKLOADS: args->workloads = m[i].value; break;
        case OPT_LABEL: args->label = m[i].value; break;
        case OPT_OUTPUT: args->output = m[i].value; break;
        }
    }
    return st;
}

static void pb_scale_print_series(const pb_scale_series *s, double one, int fitted, double serial, FILE *out)
{
    for (int i = 0; i < s->n; i++) {
        double v = s->rate[i];
        int decimals = v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3;
        fprintf(out, "  %-10s %7d %10.*f", pb_scale_kind_names[s->kind], s->threads[i], decimals, v);
        if (one > 0) {
            double speedup = s->rate[i] / one;
            fprintf(out, " %8.2fx %10.0f%%", speedup, 100.0 * speedup / s->threads[i]);
        } else {
            fprintf(out, " %9s %11s", "n/a", "n/a");
        }
        if (fitted)
            fprintf(out, " %8.2fx\n", pb_scale_amdahl_speedup(serial, s->threads[i]));
        else
            fprintf(out, " %9s\n", "-");
    }
}

static void pb_scale_print_fit(const pb_scale_series *all, int fitted, double serial, FILE *out)
{
    if (!fitted)
        fprintf(out, "  Amdahl fit: n/a (%s)\n",
                all->n < 2 ? "fewer than 2 thread counts measured" : "no one-thread rate to measure speed-up from");
    else if (serial >= 1)
        fprintf(out, "  Amdahl fit: serial fraction %.3f (%d thread counts): more threads were slower\n", serial,
                all->n);
    else if (serial > 0)
        fprintf(out, "  Amdahl fit: serial fraction %.3f (%d thread counts): at most %.1fx on any thread count\n",
                serial, all->n, 1.0 / serial);
    else
        fprintf(out, "  Amdahl fit: serial fraction %.3f (%d thread counts): superlinear (more cores, more cache)\n",
                serial, all->n);
}

/* One workload's block: the all-cores series with its fit, then P-only and E-only where measured. */
static void pb_scale_print_workload(const pb_resultset *set, const char *workload, FILE *out)
{
    pb_scale_series all;
    pb_scale_series_collect(set, workload, PB_SCALE_ALL, &all);
    double one = all.n > 0 && all.threads[0] == 1 ? all.rate[0] : 0;
    double speedup[PB_SCALE_MAX_POINTS], serial = 0;
    for (int i = 0; i < all.n; i++)
        speedup[i] = one > 0 ? all.rate[i] / one : 0;
    int fitted = one > 0 && pb_scale_amdahl_fit(all.threads, speedup, all.n, &serial);
    fprintf(out, "\n%-10s %9s %10s %9s %11s %9s\n", workload, "threads", all.unit, "speed-up", "efficiency",
            "Amdahl");
    pb_scale_print_series(&all, one, fitted, serial, out);
    for (int k = PB_SCALE_P; k < PB_SCALE_KIND_COUNT; k++) {
        pb_scale_series placed;
        if (pb_scale_series_collect(set, workload, (pb_scale_kind)k, &placed) > 0)
            pb_scale_print_series(&placed, one, 0, 0, out);
    }
    pb_scale_print_fit(&all, fitted, serial, out);
}

static void pb_scale_print(const pb_resultset *set, const char *path, FILE *out)
{
    fprintf(out, "\nThread scaling of the cpu backend (from %s):\n", path);
    fprintf(out, "speed-up: rate / one-thread rate; efficiency: speed-up / threads; Amdahl: the fit's speed-up\n");
    for (int w = 0; w < PB_WL_COUNT; w++) {
        const char *name = pb_workload_get((pb_workload_id)w)->name;
        pb_scale_series all;
        int present = pb_scale_series_collect(set, name, PB_SCALE_ALL, &all) > 0;
        for (int r = 0; r < set->nresults && !present; r++)
            present = strcmp(set->results[r].workload, name) == 0;
        if (present)
            pb_scale_print_workload(set, name, out);
    }
}

pb_status pb_cmd_scale(int argc, char **argv, pb_msg *msg)
{
    pb_scale_args args;
    int help;
    pb_status st = pb_scale_parse(argc, argv, &args, &help, msg);
    if (st != PB_OK)
        return st;
    if (help) {
        pb_scale_help();
        return PB_OK;
    }
    char threads[256], path[1024], stamp[32];
    pb_scale_thread_list(threads, sizeof threads);
    pb_cli_utc_now(NULL, 0, stamp, sizeof stamp);
    /* The same checks as run first (a bad preset or workload list), before a results/ directory is
     * made; then the result path as run decides it, results/scale-<stamp>.json by default. */
    pb_scale_argv a;
    pb_run_config cfg;
    int run_help;
    pb_scale_build_argv(&args, threads, args.output ? args.output : "scale.json", &a);
    if ((st = pb_run_parse(a.argc, a.argv, &cfg, &run_help, msg)) != PB_OK)
        return st;
    if ((st = pb_cli_output_path(args.output, "scale", stamp, path, sizeof path, msg)) != PB_OK)
        return st;
    printf("parbench scale: the cpu backend on %s threads (parbench run -b cpu -t %s)\n", threads, threads);
    pb_scale_build_argv(&args, threads, path, &a);
    st = pb_cmd_run(a.argc, a.argv, msg);
    if (st != PB_OK && st != PB_ERR_VERIFY && st != PB_ERR_INTERRUPTED)
        return st;
    pb_resultset set;
    pb_msg why = { "" };
    if (pb_json_read_resultset(path, &set, &why) == PB_OK) {
        pb_scale_print(&set, path, stdout);
        pb_resultset_free(&set);
    } else if (st == PB_OK) {
        st = pb_msg_set(msg, PB_ERR_IO, "cannot read back the result file: %s", why.text);
    }
    return st;
}
