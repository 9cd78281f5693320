/* `parbench sweep`: where the GPU overtakes the CPU. For triad, sgemm and reduce (by default) it
 * walks sizes from the tiny preset up to --max-size in steps of at most 4x, measures the best CPU
 * role (cpu-all, and lib-cpu where a BLAS is built) against each GPU-style device (its kernel time
 * and its end-to-end time with the copies), and names the size from which the device stays faster
 * end to end. A sweep, not a benchmark: each point is verified but measured briefly, with one
 * short round. Its result file (preset "sweep") keeps every point; the table and crossover printed
 * here are read from that set (results/sweep_table.h), as the report reads them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/fingerprint.h"
#include "../results/json_write.h"
#include "cli.h"
#include "measure.h"
#include "opts.h"
#include "sweep.h"

enum { OPT_BACKENDS, OPT_WORKLOADS, OPT_MAX_SIZE, OPT_OUTPUT, OPT_LABEL, OPT_HELP };

static const pb_opt_spec pb_sweep_specs[] = {
    { "backends", 'b', 1, OPT_BACKENDS, "LIST",
      "backends to use, e.g. cpu,opencl or cpu,cuda (default: all found; an OpenCL CPU device such as PoCL "
      "is included)" },
    { "workloads", 'w', 1, OPT_WORKLOADS, "LIST", "workloads to sweep (default: triad,sgemm,reduce)" },
    { "max-size", 0, 1, OPT_MAX_SIZE, "PRESET",
      "the largest size: the size of this preset (tiny, quick, standard, large; default standard)" },
    { "output", 'o', 1, OPT_OUTPUT, "FILE", "result file (default: results/sweep-<UTC time>.json)" },
    { "label", 'l', 1, OPT_LABEL, "NAME", "name of this machine in results (default: host name)" },
    { "help", 'h', 0, OPT_HELP, "", "show this help" },
};
#define PB_SWEEP_NSPECS ((int)(sizeof pb_sweep_specs / sizeof pb_sweep_specs[0]))

typedef struct pb_sweep_config {
    const char *backends[PB_MAX_BACKENDS];
    int nbackends;
    int workloads[PB_WL_COUNT];
    pb_preset max;
    const char *output, *label;
} pb_sweep_config;

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
            cfg->output = v;
        } else if (m[i].id == OPT_LABEL) {
            cfg->label = v;
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
        printf("usage: parbench sweep [-b BACKENDS] [-w triad,sgemm,reduce] [--max-size PRESET] [-o FILE]\n\n"
               "Where does the GPU overtake the CPU? For each workload, sizes from the tiny preset up to\n"
               "--max-size in steps of at most 4x: the best CPU role (cpu-all; lib-cpu for sgemm with a\n"
               "BLAS) against each GPU-style device, its kernel time and its end-to-end time (uploads,\n"
               "launch, downloads), and the size from which the device stays faster end to end.\n"
               "A sweep, not a benchmark: every point is verified, but measured only briefly; use\n"
               "'parbench run' for numbers to compare. Every point goes into the result file (preset\n"
               "\"sweep\"), which 'parbench report' draws.\n\n");
        pb_opts_print_help(pb_sweep_specs, PB_SWEEP_NSPECS);
    }
    return st;
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

/* The facts of a line's device in the set: *unified (unified memory), *cpu_device (a CPU, e.g. PoCL). */
static void pb_sweep_device_kind(const pb_resultset *set, const pb_sweep_line *l, int *unified, int *cpu_device)
{
    *unified = *cpu_device = 0;
    for (int d = 0; d < set->ndevices; d++)
        if (strcmp(set->devices[d].backend, l->backend) == 0 && set->devices[d].index == l->device) {
            *unified = set->devices[d].info.unified_memory;
            *cpu_device = set->devices[d].info.type == PB_DEVICE_CPU;
        }
}

static void pb_sweep_print_why(int unified, int cpu_device, FILE *out)
{
    if (cpu_device)
        fprintf(out, "    why: this device is a CPU (e.g. PoCL) running the GPU kernels on the same cores as the\n"
                     "    CPU roles, so it shows the GPU code path, not a GPU; it rarely wins.\n");
    else if (unified)
        fprintf(out, "    why: unified memory: host and device share memory, so there is little to copy and\n"
                     "    end-to-end time stays close to kernel time; the crossover comes early.\n");
    else
        fprintf(out, "    why: a discrete device: every launch end to end copies the inputs over the bus and\n"
                     "    the outputs back, which dominates small sizes, so the crossover comes late (or\n"
                     "    never for memory-bound work such as triad, whose copies cost more than the kernel).\n");
}

/* Prints one workload's tables: one per device, against the best CPU role at each size. */
static void pb_sweep_print(const pb_resultset *set, const pb_sweep_table *t, FILE *out)
{
    int ndev = 0;
    long long first = t->npoints ? (long long)t->sizes[0] : 0, last = t->npoints ? (long long)t->sizes[t->npoints - 1] : 0;
    fprintf(out, "\n%s (%s; %s = size)\n", t->workload, t->rate_unit, t->dim_name);
    for (int k = 0; k < t->nlines; k++) {
        const pb_sweep_line *l = &t->lines[k];
        if (l->cpu)
            continue;
        ndev++;
        fprintf(out, "  %s against the best CPU role\n", l->name);
        fprintf(out, "    %12s  %10s  %12s  %12s  %-6s  %s\n", "size", "CPU", "dev kernel", "dev e2e", "e2e", "best CPU role");
        for (int i = 0; i < t->npoints; i++) {
            char c[24], kr[24], er[24];
            double best = t->best_cpu_s[i];
            pb_sweep_rate(t->work[i], best, c, sizeof c);
            pb_sweep_rate(t->work[i], l->kernel_s[i], kr, sizeof kr);
            pb_sweep_rate(t->work[i], l->e2e_s[i], er, sizeof er);
            const char *win = best <= 0 || l->e2e_s[i] <= 0 ? "-" : l->e2e_s[i] < best ? "device" : "cpu";
            fprintf(out, "    %12lld  %10s  %12s  %12s  %-6s  %s\n", (long long)t->sizes[i], c, kr, er, win,
                    t->best_cpu[i] >= 0 ? t->lines[t->best_cpu[i]].name : "-");
        }
        if (l->crossover >= 0)
            fprintf(out, "    crossover (end to end): the device wins from %s=%lld on\n", t->dim_name,
                    (long long)t->sizes[l->crossover]);
        else
            fprintf(out, "    crossover (end to end): never in this range (%s=%lld..%lld)\n", t->dim_name, first, last);
        if (l->crossover_kernel >= 0 && l->crossover_kernel != l->crossover)
            fprintf(out, "    kernel time alone: the device wins from %s=%lld on\n", t->dim_name,
                    (long long)t->sizes[l->crossover_kernel]);
        int unified, cpu_device;
        pb_sweep_device_kind(set, l, &unified, &cpu_device);
        pb_sweep_print_why(unified, cpu_device, out);
        if (l->why[0])
            fprintf(out, "    not measured at some sizes: %s\n", l->why);
    }
    if (!ndev)
        fprintf(out, "  no GPU-style device measured it here: nothing to cross over (see 'parbench list')\n");
}

/* Measures the CPU roles and devices of slot `s` on `problem` into `set`. Returns how many cases
 * failed. */
static int pb_sweep_slot(const pb_session *session, int s, const pb_variant_request *req, const pb_runner_opts *opts,
                         pb_problem *problem, pb_resultset *set)
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
        int dev = pb_role_on_device(var->role);
        pb_result *r = cpu || dev ? pb_resultset_add_result(set) : NULL;
        if (!r)
            continue;
        pb_measure_case(slot->entry->backend, slot->ctx, var, problem, opts, r);
        if (r->status == PB_CASE_FAILED) {
            char name[96];
            pb_cli_variant_name(slot, var, name, sizeof name);
            failed++;
            printf("FAIL %s %s %s=%lld: %s\n", wl->name, name, wl->dim_names[0], (long long)r->dims[0], r->reason);
        }
    }
    pb_variant_list_free(&vl);
    return failed;
}

/* Measures every size of workload `wl` into `set`. Returns how many cases failed. */
static int pb_sweep_workload(const pb_session *session, const pb_sweep_config *cfg, const pb_variant_request *req,
                             const pb_runner_opts *opts, const pb_workload *wl, pb_resultset *set)
{
    int64_t sizes[PB_SWEEP_MAX_POINTS];
    int npts = pb_sweep_sizes(wl, cfg->max, sizes, PB_SWEEP_MAX_POINTS), failed = 0;
    for (int i = 0; i < npts && !pb_cli_interrupted(); i++) {
        pb_dims dims = wl->sizes[PB_PRESET_TINY];
        dims.v[0] = sizes[i];
        pb_problem problem;
        memset(&problem, 0, sizeof problem);
        fprintf(stderr, "sweep %s %s=%lld\n", wl->name, wl->dim_names[0], (long long)sizes[i]);
        pb_msg why = { "" };
        if (wl->create(&dims, 1, &problem, &why) != PB_OK) {
            printf("%s %s=%lld: inputs not made: %s\n", wl->name, wl->dim_names[0], (long long)sizes[i], why.text);
            continue;
        }
        for (int s = 0; s < session->nslots; s++)
            failed += pb_sweep_slot(session, s, req, opts, &problem, set);
        pb_problem_destroy(&problem);
    }
    return failed;
}

static void pb_sweep_fill_header(pb_resultset *set, const pb_sweep_config *cfg, int argc, char **argv)
{
    pb_cli_fill_build(set, "sweep", argc, argv);
    pb_strlcpy(set->preset, PB_SWEEP_PRESET, sizeof set->preset);
    pb_cli_read_machine(&set->machine, cfg->label);
}

pb_status pb_cmd_sweep(int argc, char **argv, pb_msg *msg)
{
    pb_sweep_config cfg;
    int help = 0;
    pb_status st = pb_sweep_args(argc, argv, &cfg, &help, msg);
    if (st != PB_OK || help)
        return st;
    char path[1024], stamp[32];
    pb_resultset set;
    pb_resultset_init(&set);
    pb_cli_utc_now(set.started_at, sizeof set.started_at, stamp, sizeof stamp);
    if ((st = pb_cli_output_path(cfg.output, "sweep", stamp, path, sizeof path, msg)) != PB_OK)
        return st;
    pb_session session;
    if ((st = pb_session_open(&session, cfg.backends, cfg.nbackends, msg)) != PB_OK) {
        pb_session_close(&session);
        return PB_ERR_USAGE;
    }
    int all = pb_fingerprint_online_cpus();
    int threads[1] = { all };
    pb_variant_request req = { threads, 1, all, 0 };
    pb_pool *pool = NULL;
    pb_sweep_table *table = malloc(sizeof *table);
    if (!table) {
        st = pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((st = pb_pool_create(all, &pool, msg)) != PB_OK)
        goto done;
    pb_runner_opts opts = { .pool = pool, .pool_threads = all, .min_time_s = 0.02, .min_sample_s = 0.005,
                            .min_rounds = 1, .max_rounds = 1, .round_time_s = 0.02, .max_samples_per_round = 3,
                            .e2e_samples = 3, .interrupted = pb_cli_interrupt_flag() };
    pb_runner_opts_defaults(&opts);
    pb_sweep_fill_header(&set, &cfg, argc, argv);
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
    pb_cli_interrupt_catch();
    for (int w = 0; w < PB_WL_COUNT && !pb_cli_interrupted(); w++) {
        if (!cfg.workloads[w])
            continue;
        const pb_workload *wl = pb_workload_get((pb_workload_id)w);
        failed += pb_sweep_workload(&session, &cfg, &req, &opts, wl, &set);
    }
    pb_cli_interrupt_release();
    set.complete = !pb_cli_interrupted();
    /* After the cases: some device facts exist only once the kernels have compiled (as in run). */
    pb_cli_record_devices(&set, &session);
    for (int w = 0; w < PB_WL_COUNT; w++)
        if (cfg.workloads[w] && pb_sweep_table_build(&set, pb_workload_get((pb_workload_id)w)->name, table) > 0)
            pb_sweep_print(&set, table, stdout);
    pb_cli_utc_now(set.finished_at, sizeof set.finished_at, NULL, 0);
    if ((st = pb_json_write_resultset(&set, path, msg)) == PB_OK) {
        printf("\nSaved %s (%d points; 'parbench report %s' draws it)\n", path, set.nresults, path);
        st = !set.complete ? pb_msg_set(msg, PB_ERR_INTERRUPTED, "interrupted: the points measured so far are saved")
             : failed ? pb_msg_set(msg, PB_ERR_VERIFY, "%s", "") : PB_OK;
    }
done:
    free(table);
    pb_pool_free(pool);
    pb_resultset_free(&set);
    pb_session_close(&session);
    return st;
}
