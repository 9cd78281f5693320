/* `parbench sweep`: where the GPU overtakes the CPU. For triad, sgemm and reduce (by default) it
 * walks sizes from the tiny preset up to --max-size in steps of at most 4x, measures the best CPU
 * role (cpu-all, and lib-cpu where a BLAS is built) against each GPU-style device (its kernel time
 * and its end-to-end time with the copies), and names the size from which the device stays faster
 * end to end. A sweep, not a benchmark: each point is verified but measured briefly, with one
 * short round. It prints only; it saves no result file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/fingerprint.h"
#include "cli.h"
#include "measure.h"
#include "opts.h"
#include "sweep.h"

enum { OPT_BACKENDS, OPT_WORKLOADS, OPT_MAX_SIZE, OPT_OUTPUT, OPT_HELP };

static const pb_opt_spec pb_sweep_specs[] = {
    { "backends", 'b', 1, OPT_BACKENDS, "LIST",
      "backends to use, e.g. cpu,opencl or cpu,cuda (default: all found; an OpenCL CPU device such as PoCL "
      "is included)" },
    { "workloads", 'w', 1, OPT_WORKLOADS, "LIST", "workloads to sweep (default: triad,sgemm,reduce)" },
    { "max-size", 0, 1, OPT_MAX_SIZE, "PRESET",
      "the largest size: the size of this preset (tiny, quick, standard, large; default standard)" },
    { "output", 'o', 1, OPT_OUTPUT, "FILE", "not supported yet: sweep prints only (see README)" },
    { "help", 'h', 0, OPT_HELP, "", "show this help" },
};
#define PB_SWEEP_NSPECS ((int)(sizeof pb_sweep_specs / sizeof pb_sweep_specs[0]))

#define PB_SWEEP_MAX_SERIES 32

typedef struct pb_sweep_config {
    const char *backends[PB_MAX_BACKENDS];
    int nbackends;
    int workloads[PB_WL_COUNT];
    pb_preset max;
} pb_sweep_config;

/* One configuration measured over the sizes: a CPU role, or a device. */
typedef struct pb_sweep_series {
    char name[96];
    int cpu;                                /* 1: a CPU role (host), 0: a device */
    int unified, cpu_device;                /* devices: unified memory; a CPU device (PoCL) */
    double kernel_s[PB_SWEEP_MAX_POINTS];   /* seconds per launch, 0 when not measured */
    double e2e_s[PB_SWEEP_MAX_POINTS];      /* devices: end to end, copies included */
    char why[200];                          /* the last reason a point did not run */
} pb_sweep_series;

static pb_status pb_sweep_args(int argc, char **argv, pb_sweep_config *cfg, int *help, pb_msg *msg)
{
    pb_opt_match m[PB_OPTS_MAX];
    int nm;
    memset(cfg, 0, sizeof *cfg);
    cfg->max = PB_PRESET_STANDARD;
    pb_status st = pb_opts_parse_only("sweep", pb_sweep_specs, PB_SWEEP_NSPECS, OPT_HELP, argc, argv, m, &nm,
                                      PB_OPTS_MAX, help, msg);
    int any_workload = 0;
    for (int i = 0; st == PB_OK && i < nm; i++) {
        char *v = (char *)m[i].value;
        if (m[i].id == OPT_BACKENDS) {
            st = pb_opts_split("--backends", v, cfg->backends, PB_MAX_BACKENDS, &cfg->nbackends, msg);
        } else if (m[i].id == OPT_MAX_SIZE) {
            st = pb_preset_parse(v, &cfg->max, msg);
        } else if (m[i].id == OPT_OUTPUT) {
            st = pb_msg_set(msg, PB_ERR_USAGE,
                            "-o: sweep does not save a result file yet (its sizes are not a preset's); it prints "
                            "only. Leave out -o, and redirect the output to keep it");
        } else if (m[i].id == OPT_WORKLOADS) {
            const char *items[PB_WL_COUNT + 1];
            int n;
            if ((st = pb_opts_split("--workloads", v, items, PB_WL_COUNT + 1, &n, msg)) != PB_OK)
                break;
            for (int k = 0; k < n; k++) {
                const pb_workload *wl = pb_workload_find(items[k]);
                if (!wl || (wl->id != PB_WL_TRIAD && wl->id != PB_WL_SGEMM && wl->id != PB_WL_REDUCE)) {
                    st = pb_msg_set(msg, PB_ERR_USAGE, "--workloads: '%s' is not one sweep measures; "
                                    "it sweeps triad, sgemm and reduce", items[k]);
                    break;
                }
                cfg->workloads[wl->id] = 1;
                any_workload = 1;
            }
        }
    }
    if (st == PB_OK && !any_workload)
        cfg->workloads[PB_WL_TRIAD] = cfg->workloads[PB_WL_SGEMM] = cfg->workloads[PB_WL_REDUCE] = 1;
    if (st == PB_OK && *help) {
        printf("usage: parbench sweep [-b BACKENDS] [-w triad,sgemm,reduce] [--max-size PRESET]\n\n"
               "Where does the GPU overtake the CPU? For each workload, sizes from the tiny preset up to\n"
               "--max-size in steps of at most 4x: the best CPU role (cpu-all; lib-cpu for sgemm with a\n"
               "BLAS) against each GPU-style device, its kernel time and its end-to-end time (uploads,\n"
               "launch, downloads), and the size from which the device stays faster end to end.\n"
               "A sweep, not a benchmark: every point is verified, but measured only briefly; use\n"
               "'parbench run' for numbers to compare. Prints only: no result file.\n\n");
        pb_opts_print_help(pb_sweep_specs, PB_SWEEP_NSPECS);
    }
    return st;
}

/* The series named `name`, added when new; NULL when the table is full. */
static pb_sweep_series *pb_sweep_series_get(pb_sweep_series *s, int *n, const char *name)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(s[i].name, name) == 0)
            return &s[i];
    if (*n == PB_SWEEP_MAX_SERIES)
        return NULL;
    pb_sweep_series *x = &s[(*n)++];
    memset(x, 0, sizeof *x);
    snprintf(x->name, sizeof x->name, "%s", name);
    return x;
}

/* "4.2" / "123" / "-" for a rate in the workload's unit. */
static void pb_sweep_rate(double work, double s, char *out, size_t size)
{
    if (s <= 0) {
        snprintf(out, size, "-");
        return;
    }
    double r = work / 1e9 / s;
    snprintf(out, size, r >= 100 ? "%.0f" : r >= 10 ? "%.1f" : "%.2f", r);
}

/* Prints one workload's tables: one per device, against the best CPU role at each size. */
static void pb_sweep_print(const pb_workload *wl, const int64_t *sizes, const double *work, int npts,
                           const pb_sweep_series *s, int ns, FILE *out)
{
    double best[PB_SWEEP_MAX_POINTS];
    const char *best_name[PB_SWEEP_MAX_POINTS];
    int ndev = 0;
    for (int i = 0; i < npts; i++) {
        best[i] = 0;
        best_name[i] = "-";
        for (int k = 0; k < ns; k++)
            if (s[k].cpu && s[k].kernel_s[i] > 0 && (best[i] <= 0 || s[k].kernel_s[i] < best[i])) {
                best[i] = s[k].kernel_s[i];
                best_name[i] = s[k].name;
            }
    }
    fprintf(out, "\n%s (%s; %s = size)\n", wl->name, wl->rate_unit, wl->dim_names[0]);
    for (int k = 0; k < ns; k++) {
        if (s[k].cpu)
            continue;
        ndev++;
        fprintf(out, "  %s against the best CPU role\n", s[k].name);
        fprintf(out, "    %12s  %10s  %12s  %12s  %-6s  %s\n", "size", "CPU", "dev kernel", "dev e2e", "e2e", "best CPU role");
        for (int i = 0; i < npts; i++) {
            char c[24], kr[24], er[24];
            pb_sweep_rate(work[i], best[i], c, sizeof c);
            pb_sweep_rate(work[i], s[k].kernel_s[i], kr, sizeof kr);
            pb_sweep_rate(work[i], s[k].e2e_s[i], er, sizeof er);
            const char *win = best[i] <= 0 || s[k].e2e_s[i] <= 0 ? "-" : s[k].e2e_s[i] < best[i] ? "device" : "cpu";
            fprintf(out, "    %12lld  %10s  %12s  %12s  %-6s  %s\n", (long long)sizes[i], c, kr, er, win, best_name[i]);
        }
        int x = pb_sweep_crossover(best, s[k].e2e_s, npts);
        int xk = pb_sweep_crossover(best, s[k].kernel_s, npts);
        if (x >= 0)
            fprintf(out, "    crossover (end to end): the device wins from %s=%lld on\n", wl->dim_names[0],
                    (long long)sizes[x]);
        else
            fprintf(out, "    crossover (end to end): never in this range (%s=%lld..%lld)\n", wl->dim_names[0],
                    (long long)sizes[0], (long long)sizes[npts - 1]);
        if (xk >= 0 && xk != x)
            fprintf(out, "    kernel time alone: the device wins from %s=%lld on\n", wl->dim_names[0],
                    (long long)sizes[xk]);
        if (s[k].cpu_device)
            fprintf(out, "    why: this device is a CPU (e.g. PoCL) running the GPU kernels on the same cores as the\n"
                         "    CPU roles, so it shows the GPU code path, not a GPU; it rarely wins.\n");
        else if (s[k].unified)
            fprintf(out, "    why: unified memory: host and device share memory, so there is little to copy and\n"
                         "    end-to-end time stays close to kernel time; the crossover comes early.\n");
        else
            fprintf(out, "    why: a discrete device: every launch end to end copies the inputs over the bus and\n"
                         "    the outputs back, which dominates small sizes, so the crossover comes late (or\n"
                         "    never for memory-bound work such as triad, whose copies cost more than the kernel).\n");
        if (s[k].why[0])
            fprintf(out, "    not measured at some sizes: %s\n", s[k].why);
    }
    if (!ndev)
        fprintf(out, "  no GPU-style device measured it here: nothing to cross over (see 'parbench list')\n");
}

/* Measures the CPU roles or devices of slot `s` on `problem`, point `i` of the sweep, into their
 * series. Returns how many cases failed. */
static int pb_sweep_slot(const pb_session *session, int s, const pb_variant_request *req, const pb_runner_opts *opts,
                         pb_problem *problem, int i, int64_t size, pb_sweep_series *series, int *ns,
                         pb_resultset *set)
{
    const pb_backend_slot *slot = &session->slots[s];
    const pb_workload *wl = pb_workload_get(problem->id);
    pb_variant_list vl = { NULL, 0, 0 };
    pb_msg why = { "" };
    int failed = 0;
    if (!slot->ctx || pb_session_variants(session, s, wl->id, req, 1, &vl, &why) != PB_OK) {
        pb_variant_list_free(&vl);
        return 0;
    }
    for (int v = 0; v < vl.n; v++) {
        const pb_variant *var = &vl.items[v];
        int cpu = var->role == PB_ROLE_CPU_ALL || var->role == PB_ROLE_LIB_CPU;
        int dev = var->role == PB_ROLE_GPU || var->role == PB_ROLE_LIB_GPU || var->role == PB_ROLE_DEVICE_CPU;
        if (!cpu && !dev)
            continue;
        char name[96];
        pb_cli_variant_name(slot, var, name, sizeof name);
        pb_sweep_series *x = pb_sweep_series_get(series, ns, name);
        pb_result *r = pb_resultset_add_result(set);
        if (!x || !r)
            continue;
        x->cpu = cpu;
        pb_device_info info;
        memset(&info, 0, sizeof info);
        if (dev && slot->entry->backend->device_info &&
            slot->entry->backend->device_info(slot->ctx, var->device, &info) == PB_OK) {
            x->unified = info.unified_memory;
            x->cpu_device = info.type == PB_DEVICE_CPU;
        }
        pb_measure_case(slot->entry->backend, slot->ctx, var, problem, opts, r);
        if (r->status == PB_CASE_OK) {
            x->kernel_s[i] = r->median_s;
            x->e2e_s[i] = r->ne2e > 0 ? r->e2e_median_s : 0;
            continue;
        }
        snprintf(x->why, sizeof x->why, "%s=%lld: %.120s", wl->dim_names[0], (long long)size, r->reason);
        if (r->status == PB_CASE_FAILED) {
            failed++;
            printf("FAIL %s %s %s=%lld: %s\n", wl->name, name, wl->dim_names[0], (long long)size, r->reason);
        }
    }
    pb_variant_list_free(&vl);
    return failed;
}

pb_status pb_cmd_sweep(int argc, char **argv, pb_msg *msg)
{
    pb_sweep_config cfg;
    int help = 0;
    pb_status st = pb_sweep_args(argc, argv, &cfg, &help, msg);
    if (st != PB_OK || help)
        return st;
    pb_session session;
    if ((st = pb_session_open(&session, cfg.backends, cfg.nbackends, msg)) != PB_OK) {
        pb_session_close(&session);
        return PB_ERR_USAGE;
    }
    int all = pb_fingerprint_online_cpus();
    int threads[1] = { all };
    pb_variant_request req = { threads, 1, all };
    pb_pool *pool = NULL;
    pb_resultset set;
    pb_resultset_init(&set);
    pb_sweep_series *series = calloc(PB_SWEEP_MAX_SERIES, sizeof *series);
    if (!series) {
        st = pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((st = pb_pool_create(all, &pool, msg)) != PB_OK)
        goto done;
    pb_runner_opts opts = { .pool = pool, .pool_threads = all, .min_time_s = 0.02, .min_sample_s = 0.005,
                            .min_rounds = 1, .max_rounds = 1, .round_time_s = 0.02, .max_samples_per_round = 3,
                            .e2e_samples = 3 };
    pb_runner_opts_defaults(&opts);
    for (int s = 0; s < session.nslots; s++)
        if (!session.slots[s].ctx && session.slots[s].named) {
            char why[80];
            pb_session_short_why(&session.slots[s], why, sizeof why);
            printf("%s: not available here: %s (see 'parbench list')\n", session.slots[s].entry->name, why);
        }
    printf("parbench sweep up to the %s sizes: a sweep, not a benchmark. Every point is verified but\n"
           "measured briefly (one short round); use 'parbench run' for numbers to compare.\n",
           pb_preset_name(cfg.max));
    int failed = 0;
    for (int w = 0; w < PB_WL_COUNT; w++) {
        if (!cfg.workloads[w])
            continue;
        const pb_workload *wl = pb_workload_get((pb_workload_id)w);
        int64_t sizes[PB_SWEEP_MAX_POINTS];
        double work[PB_SWEEP_MAX_POINTS];
        int npts = pb_sweep_sizes(wl, cfg.max, sizes, PB_SWEEP_MAX_POINTS), ns = 0;
        memset(series, 0, PB_SWEEP_MAX_SERIES * sizeof *series);
        for (int i = 0; i < npts; i++) {
            pb_dims dims = wl->sizes[PB_PRESET_TINY];
            dims.v[0] = sizes[i];
            pb_problem problem;
            memset(&problem, 0, sizeof problem);
            work[i] = 0;
            fprintf(stderr, "sweep %s %s=%lld\n", wl->name, wl->dim_names[0], (long long)sizes[i]);
            pb_msg why = { "" };
            if (wl->create(&dims, 1, &problem, &why) != PB_OK) {
                printf("%s %s=%lld: inputs not made: %s\n", wl->name, wl->dim_names[0], (long long)sizes[i], why.text);
                continue;
            }
            work[i] = problem.work;
            for (int s = 0; s < session.nslots; s++)
                failed += pb_sweep_slot(&session, s, &req, &opts, &problem, i, sizes[i], series, &ns, &set);
            pb_problem_destroy(&problem);
        }
        pb_sweep_print(wl, sizes, work, npts, series, ns, stdout);
    }
    st = failed ? pb_msg_set(msg, PB_ERR_VERIFY, "%s", "") : PB_OK;
done:
    free(series);
    pb_pool_free(pool);
    pb_resultset_free(&set);
    pb_session_close(&session);
    return st;
}
