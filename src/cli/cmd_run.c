/* `parbench run`: measure the chosen workloads on every chosen backend, print a table, and save
 * the result file atomically. Ctrl-C stops after the current sample and saves what was measured. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/buildinfo.h"
#include "../core/text.h"
#include "../core/fingerprint.h"
#include "../core/runner.h"
#include "../core/timer.h"
#include "../results/json_write.h"
#include "ceilings.h"
#include "cli.h"
#include "opts.h"
#include "run_rounds.h"
#include "session.h"
#include "summary.h"

enum { OPT_PRESET, OPT_WORKLOADS, OPT_BACKENDS, OPT_DEVICES, OPT_THREADS, OPT_MIN_TIME, OPT_ROUNDS, OPT_MAX_ROUNDS,
       OPT_LABEL, OPT_OUTPUT, OPT_NO_SAVE, OPT_EACH_CORE_TYPE, OPT_SEED, OPT_ORDER_SEED, OPT_WIDE, OPT_HELP };

static const pb_opt_spec pb_run_specs[] = {
    { "preset", 'p', 1, OPT_PRESET, "NAME", "problem sizes: tiny, quick, standard (default), large" },
    { "workloads", 'w', 1, OPT_WORKLOADS, "LIST", "workloads to run, e.g. sgemm,triad (default: all)" },
    { "backends", 'b', 1, OPT_BACKENDS, "LIST", "backends to use, e.g. cpu,metal, or gpu for every GPU backend (default: all found)" },
    { "device", 'd', 1, OPT_DEVICES, "LIST",
      "devices of the GPU backends, by index, name or backend:index, e.g. 0,2 or H200 or cuda:1 (default: all)" },
    { "threads", 't', 1, OPT_THREADS, "LIST", "CPU thread counts, e.g. 1,all or 1,2,4 (default: 1,all)" },
    { "each-core-type", 0, 0, OPT_EACH_CORE_TYPE, "",
      "on a hybrid CPU, every -t count also on P-cores only and on E-cores only (cpu-p, cpu-e; parbench scale)" },
    { "min-time", 0, 1, OPT_MIN_TIME, "S", "seconds of sampling per case over its first rounds (default per preset)" },
    { "rounds", 'r', 1, OPT_ROUNDS, "N", "rounds every case gets, in shuffled order (default: quick 5, standard 6)" },
    { "max-rounds", 0, 1, OPT_MAX_ROUNDS, "N", "rounds a case may get while its rounds disagree (default 4 x --rounds)" },
    { "label", 'l', 1, OPT_LABEL, "NAME", "name of this machine in results (default: host name)" },
    { "output", 'o', 1, OPT_OUTPUT, "FILE", "result file (default: results/<label>-<UTC time>.json)" },
    { "no-save", 0, 0, OPT_NO_SAVE, "", "do not write a result file" },
    { "seed", 0, 1, OPT_SEED, "N", "seed for the input data (default 1; keep it to compare machines)" },
    { "order-seed", 0, 1, OPT_ORDER_SEED, "N", "seed for the order of cases in each round (default: from the clock)" },
    { "wide", 0, 0, OPT_WIDE, "", "print every column of the table (default: what fits $COLUMNS, else 80)" },
    { "help", 'h', 0, OPT_HELP, "", "show this help" },
};
#define PB_RUN_NSPECS ((int)(sizeof pb_run_specs / sizeof pb_run_specs[0]))

/* Per preset (tiny, quick, standard, large): sampling time per case over its first rounds, the
 * minimum number of rounds, and the time after which no extra round starts (the run's budget:
 * quick within 20 s and standard within 2 minutes on a 2-core machine). Tiny is for checking. */
static const double pb_preset_min_time[PB_PRESET_COUNT] = { 0.05, 0.2, 1.0, 2.0 };
static const int pb_preset_rounds[PB_PRESET_COUNT] = { 2, 5, 6, 6 };
static const double pb_preset_deadline[PB_PRESET_COUNT] = { 5, 15, 100, 400 };

static void pb_run_help(void)
{
    printf("usage: parbench run [options]\n\n"
           "Measures each workload on one core, on all cores and on every GPU backend found, verifies\n"
           "every result, prints a table and saves a result file to compare with another machine.\n\n");
    pb_opts_print_help(pb_run_specs, PB_RUN_NSPECS);
    printf("\nExamples:\n  parbench run --preset quick\n  parbench run -w sgemm,nbody -t 1,2,4,all\n"
           "  parbench run -b opencl --preset tiny --no-save\n  parbench run -b cuda -d 6,7\n"
           "\n--device chooses among the devices of opencl, cuda and metal ('parbench list' shows them); the\n"
           "cpu and blas backends run on the host and are chosen with -b and -t. An OpenCL device that is\n"
           "a CPU (PoCL) runs only when opencl is named with -b.\n");
}

static pb_status pb_run_parse_threads(char *text, pb_run_config *cfg, pb_msg *msg)
{
    const char *items[PB_MAX_THREAD_COUNTS];
    int n;
    pb_status st = pb_opts_split("--threads", text, items, PB_MAX_THREAD_COUNTS, &n, msg);
    if (st != PB_OK)
        return st;
    cfg->nthreads = 0;
    for (int i = 0; i < n; i++) {
        long v;
        if (strcmp(items[i], "all") == 0)
            v = cfg->all_threads;
        else if ((st = pb_opts_int("--threads", items[i], 1, 1024, &v, msg)) != PB_OK)
            return strcmp(items[i], "0") == 0
                       ? pb_msg_set(msg, PB_ERR_USAGE, "--threads: 0 is not a thread count; use 1 or more, or 'all'")
                       : st;
        if (v > cfg->all_threads)
            return pb_msg_set(msg, PB_ERR_USAGE, "--threads: %ld is more than the %d CPUs this process may use; use at most %d, or 'all'",
                              v, cfg->all_threads, cfg->all_threads);
        int dup = 0;
        for (int j = 0; j < cfg->nthreads; j++)
            dup |= cfg->threads[j] == v;
        if (!dup)
            cfg->threads[cfg->nthreads++] = (int)v;
    }
    return PB_OK;
}

static pb_status pb_run_parse_workloads(char *text, pb_run_config *cfg, pb_msg *msg)
{
    const char *items[PB_WL_COUNT * 2];
    int n;
    pb_status st = pb_opts_split("--workloads", text, items, PB_WL_COUNT * 2, &n, msg);
    if (st != PB_OK)
        return st;
    memset(cfg->workloads, 0, sizeof cfg->workloads);
    for (int i = 0; i < n; i++) {
        const pb_workload *wl = pb_workload_find(items[i]);
        if (!wl) {
            char known[256] = "";
            const char *names[PB_WL_COUNT];
            for (int k = 0; k < PB_WL_COUNT; k++) {
                size_t len = strlen(known);
                names[k] = pb_workload_get((pb_workload_id)k)->name;
                snprintf(known + len, sizeof known - len, "%s%s", k ? ", " : "", names[k]);
            }
            const char *near = pb_opts_nearest(items[i], names, PB_WL_COUNT);
            if (near)
                return pb_msg_set(msg, PB_ERR_USAGE, "unknown workload '%s'; did you mean '%s'?", items[i], near);
            return pb_msg_set(msg, PB_ERR_USAGE, "unknown workload '%s'; known workloads: %s", items[i], known);
        }
        cfg->workloads[wl->id] = 1;
    }
    return PB_OK;
}

static pb_status pb_run_parse_count(const char *name, const char *text, int *out, pb_msg *msg)
{
    long v;
    pb_status st = pb_opts_int(name, text, 1, 1000, &v, msg);
    if (st == PB_OK)
        *out = (int)v;
    return st;
}

/* A word where run takes none: a preset or workload name gets the option it belongs to. */
static pb_status pb_run_unexpected(const char *word, pb_msg *msg)
{
    pb_preset preset;
    if (pb_preset_parse(word, &preset, NULL) == PB_OK)
        return pb_msg_set(msg, PB_ERR_USAGE, "unexpected argument '%s' for 'parbench run'; did you mean '--preset %s'?",
                          word, word);
    if (pb_workload_find(word))
        return pb_msg_set(msg, PB_ERR_USAGE, "unexpected argument '%s' for 'parbench run'; did you mean '-w %s'?", word,
                          word);
    return pb_msg_set(msg, PB_ERR_USAGE, "unexpected argument '%s' for 'parbench run'; see 'parbench run --help'", word);
}

pb_status pb_run_parse(int argc, char **argv, pb_run_config *cfg, int *help, pb_msg *msg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->preset = PB_PRESET_STANDARD;
    cfg->seed = 1;
    cfg->all_threads = pb_fingerprint_online_cpus();
    cfg->threads[0] = 1;
    cfg->threads[1] = cfg->all_threads;
    cfg->nthreads = cfg->all_threads > 1 ? 2 : 1;
    for (int i = 0; i < PB_WL_COUNT; i++)
        cfg->workloads[i] = 1;
    *help = 0;

    pb_opt_match m[64];
    const char *pos[64];
    int nm, np;
    pb_status st = pb_opts_parse("run", pb_run_specs, PB_RUN_NSPECS, argc, argv, m, &nm, pos, &np, 64, msg);
    if (st != PB_OK)
        return st;
    if (np > 0)
        return pb_run_unexpected(pos[0], msg);
    for (int i = 0; i < nm && st == PB_OK; i++) {
        char *v = (char *)m[i].value;
        long seed;
        switch (m[i].id) {
        case OPT_PRESET: st = pb_preset_parse(v, &cfg->preset, msg); break;
        case OPT_WORKLOADS: st = pb_run_parse_workloads(v, cfg, msg); break;
        case OPT_BACKENDS: st = pb_opts_split("--backends", v, cfg->backends, PB_MAX_BACKENDS, &cfg->nbackends, msg); break;
        case OPT_DEVICES: cfg->devices = v; break;
        case OPT_THREADS: st = pb_run_parse_threads(v, cfg, msg); break;
        case OPT_MIN_TIME: st = pb_opts_double("--min-time", v, 0.001, 3600, &cfg->min_time, msg); break;
        case OPT_ROUNDS: st = pb_run_parse_count("--rounds", v, &cfg->rounds, msg); break;
        case OPT_MAX_ROUNDS: st = pb_run_parse_count("--max-rounds", v, &cfg->max_rounds, msg); break;
        case OPT_LABEL: cfg->label = v; break;
        case OPT_OUTPUT: cfg->output = v; break;
        case OPT_NO_SAVE: cfg->no_save = 1; break;
        case OPT_EACH_CORE_TYPE: cfg->each_core_type = 1; break;
        case OPT_SEED:
            if ((st = pb_opts_int("--seed", v, 0, 2147483647L, &seed, msg)) == PB_OK)
                cfg->seed = (uint64_t)seed;
            break;
        case OPT_ORDER_SEED:
            if ((st = pb_opts_int("--order-seed", v, 0, 2147483647L, &seed, msg)) == PB_OK) {
                cfg->order_seed = (uint64_t)seed;
                cfg->order_seed_set = 1;
            }
            break;
        case OPT_WIDE: cfg->wide = 1; break;
        case OPT_HELP: *help = 1; break;
        }
    }
    if (st == PB_OK && cfg->label && !cfg->label[0])
        st = pb_msg_set(msg, PB_ERR_USAGE, "--label: the label is empty; give a name such as 'm3-pro'");
    if (st == PB_OK && cfg->rounds && cfg->max_rounds && cfg->max_rounds < cfg->rounds)
        st = pb_msg_set(msg, PB_ERR_USAGE, "--max-rounds %d is below --rounds %d; give at least as many", cfg->max_rounds,
                        cfg->rounds);
    return st;
}

/* The label as a file-name part: letters, digits, '-', '_' and '.' kept, the rest become '-'. */
static void pb_run_safe_name(const char *label, char *out, size_t size)
{
    size_t i = 0;
    for (; label[i] && i + 1 < size; i++) {
        char c = label[i];
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                   c == '_' || c == '.';
        out[i] = keep ? c : '-';
    }
    out[i] = '\0';
}

pb_status pb_cli_output_path(const char *output, const char *label, const char *stamp, char *path, size_t size,
                             pb_msg *msg)
{
    if (output) {
        pb_strlcpy(path, output, size);
    } else {
        char safe[64];
        pb_run_safe_name(label, safe, sizeof safe);
        if (mkdir("results", 0777) != 0 && errno != EEXIST)
            return pb_msg_set(msg, PB_ERR_USAGE, "cannot create the directory 'results': %s; choose a path with -o",
                              strerror(errno));
        snprintf(path, size, "results/%s-%s.json", safe, stamp);
    }
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return pb_msg_set(msg, PB_ERR_USAGE, "cannot write the result file '%s': it is a directory; give a file name with -o", path);
    char dir[1024];
    pb_strlcpy(dir, path, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (!slash)
        pb_strlcpy(dir, ".", sizeof dir);
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return pb_msg_set(msg, PB_ERR_USAGE, "cannot write the result file '%s': directory '%s' does not exist; create it or choose another path with -o", path, dir);
    /* Create and remove a probe file: permission bits alone do not tell (root, read-only mounts). */
    char probe[1100];
    snprintf(probe, sizeof probe, "%s.probe.%ld", path, (long)getpid());
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return pb_msg_set(msg, PB_ERR_USAGE, "cannot write the result file '%s': directory '%s' is not writable (%s); choose another path with -o",
                          path, dir, strerror(errno));
    close(fd);
    unlink(probe);
    return PB_OK;
}

void pb_cli_fill_build(pb_resultset *set, const char *command, int argc, char **argv)
{
    pb_strlcpy(set->tool_version, pb_build_version(), sizeof set->tool_version);
    pb_strlcpy(set->compiler, pb_build_compiler(), sizeof set->compiler);
    pb_strlcpy(set->cflags, pb_build_cflags(), sizeof set->cflags);
    pb_strlcpy(set->backends_built, pb_build_backends(), sizeof set->backends_built);
    size_t len = (size_t)snprintf(set->command, sizeof set->command, "parbench %s", command);
    for (int i = 0; i < argc && len < sizeof set->command; i++)
        len += (size_t)snprintf(set->command + len, sizeof set->command - len, " %s", argv[i]);
}

void pb_cli_read_machine(pb_machine *m, const char *label)
{
    pb_fingerprint_read(m);
    pb_strlcpy(m->label, label ? label : m->hostname[0] ? m->hostname : "machine", sizeof m->label);
}

static void pb_run_fill_header(pb_resultset *set, const pb_run_config *cfg, int argc, char **argv)
{
    pb_cli_fill_build(set, "run", argc, argv);
    pb_strlcpy(set->preset, pb_preset_name(cfg->preset), sizeof set->preset);
    set->seed = cfg->seed;
    set->min_time_s = cfg->min_time > 0 ? cfg->min_time : pb_preset_min_time[cfg->preset];
    set->shuffle_seed = cfg->order_seed_set ? cfg->order_seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
}

void pb_cli_utc_now(char *iso, size_t iso_size, char *stamp, size_t stamp_size)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    if (iso)
        strftime(iso, iso_size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (stamp)
        strftime(stamp, stamp_size, "%Y%m%dT%H%M%SZ", &tm);
}

void pb_cli_record_devices(pb_resultset *set, const pb_session *session)
{
    for (int s = 0; s < session->nslots; s++) {
        const pb_backend_slot *slot = &session->slots[s];
        if (!slot->ctx)
            continue;
        int n = slot->entry->backend->device_count(slot->ctx);
        for (int d = 0; d < n; d++) {
            pb_device_record *rec = pb_resultset_add_device(set);
            if (!rec)
                return;
            pb_strlcpy(rec->backend, slot->entry->name, sizeof rec->backend);
            rec->index = d;
            slot->entry->backend->device_info(slot->ctx, d, &rec->info);
        }
    }
}

void pb_planned_list_free(pb_planned_list *plan)
{
    if (!plan)
        return;
    free(plan->items);
    memset(plan, 0, sizeof *plan);
}

/* Appends the variants in `list` of workload `id` on slot `slot`, growing the plan to fit. */
static pb_status pb_cli_plan_add(pb_planned_list *plan, pb_workload_id id, int slot, const pb_variant_list *list,
                                 pb_msg *msg)
{
    if (plan->n + list->n > plan->room) {
        int room = plan->room ? plan->room : 64;
        while (room < plan->n + list->n)
            room *= 2;
        pb_plan_item *grown = realloc(plan->items, (size_t)room * sizeof *grown);
        if (!grown)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for a plan of %d cases", room);
        plan->items = grown;
        plan->room = room;
    }
    for (int i = 0; i < list->n; i++) {
        plan->items[plan->n].id = id;
        plan->items[plan->n].slot = slot;
        plan->items[plan->n++].variant = list->items[i];
    }
    return PB_OK;
}

pb_status pb_cli_plan(const pb_session *session, const int *workloads, const pb_variant_request *req,
                      int include_cpu_devices, FILE *notes, pb_planned_list *plan, pb_msg *msg)
{
    pb_status st = PB_OK;
    plan->n = 0;
    for (int w = 0; w < PB_WL_COUNT && st == PB_OK; w++) {
        if (!workloads[w])
            continue;
        for (int s = 0; s < session->nslots && st == PB_OK; s++) {
            pb_variant_list list;
            st = pb_session_variants(session, s, (pb_workload_id)w, req, include_cpu_devices, &list, msg);
            if (st == PB_OK)
                st = pb_cli_plan_add(plan, (pb_workload_id)w, s, &list, msg);
            if (st == PB_OK && list.truncated && notes)
                fprintf(notes, "note: %s lists more than %d variants of %s; only the first %d are planned\n",
                        session->slots[s].entry->name, PB_VARIANTS_BOUND, pb_workload_get((pb_workload_id)w)->name,
                        PB_VARIANTS_BOUND);
            pb_variant_list_free(&list);
        }
    }
    return st;
}

void pb_cli_variant_name(const pb_backend_slot *slot, const pb_variant *v, char *out, size_t size)
{
    if (v->threads > 0)
        snprintf(out, size, "%s %s (%d thread%s)", slot->entry->name, pb_role_name(v->role), v->threads,
                 v->threads == 1 ? "" : "s");
    else
        snprintf(out, size, "%s %s dev%d %s%s%s", slot->entry->name, pb_role_name(v->role), v->device, v->impl,
                 strcmp(v->precision, "fp32") && strcmp(v->precision, "u32") ? " " : "",
                 strcmp(v->precision, "fp32") && strcmp(v->precision, "u32") ? v->precision : "");
}

static void pb_run_options(const pb_run_config *cfg, pb_pool *pool, pb_runner_opts *ro)
{
    memset(ro, 0, sizeof *ro);
    ro->min_time_s = cfg->min_time > 0 ? cfg->min_time : pb_preset_min_time[cfg->preset];
    ro->min_rounds = cfg->rounds > 0 ? cfg->rounds : pb_preset_rounds[cfg->preset];
    ro->max_rounds = cfg->max_rounds > 0 ? cfg->max_rounds : 4 * ro->min_rounds;
    if (ro->max_rounds < ro->min_rounds)
        ro->max_rounds = ro->min_rounds;
    ro->pool = pool;
    ro->pool_threads = cfg->all_threads;
    ro->interrupted = pb_cli_interrupt_flag();
    pb_runner_opts_defaults(ro);
}

/* A backend the user named gets its whole reason; the others, built but unusable here, one short
 * line together (not built ones are noise in a default run): `parbench list` has the fixes. */
static void pb_run_report_unavailable(const pb_session *session)
{
    char line[400] = "";
    size_t len = 0;
    for (int s = 0; s < session->nslots; s++) {
        const pb_backend_slot *slot = &session->slots[s];
        if (slot->ctx || !slot->entry->backend) {
            if (slot->named && !slot->ctx)
                fprintf(stderr, "%s: unavailable: %s\n", slot->entry->name, slot->why.text);
            continue;
        }
        if (slot->named) {
            fprintf(stderr, "%s: unavailable: %s\n", slot->entry->name, slot->why.text);
            continue;
        }
        char why[80];
        pb_session_short_why(slot, why, sizeof why);
        len += (size_t)snprintf(line + len, len < sizeof line ? sizeof line - len : 0, "%s%s (%s)", len ? ", " : "",
                                slot->entry->name, why);
    }
    if (line[0])
        fprintf(stderr, "not used here: %s; see 'parbench list'\n", line);
}

/* The terminal's width from COLUMNS, else 80; --wide asks for every column whatever the width. */
static int pb_run_width(const pb_run_config *cfg) { return cfg->wide ? 1 << 16 : pb_text_columns(80); }

pb_status pb_cmd_run(int argc, char **argv, pb_msg *msg)
{
    double began = pb_time_now();
    pb_run_config cfg;
    int help;
    pb_status st = pb_run_parse(argc, argv, &cfg, &help, msg);
    if (st != PB_OK)
        return st;
    if (help) {
        pb_run_help();
        return PB_OK;
    }
    pb_resultset set;
    pb_resultset_init(&set);
    pb_cli_read_machine(&set.machine, cfg.label);
    const char *label = set.machine.label;
    char stamp[32], path[1024] = "";
    pb_cli_utc_now(set.started_at, sizeof set.started_at, stamp, sizeof stamp);
    /* Backend names first: a bad -b must not leave a results/ directory behind. */
    pb_session session;
    if (pb_session_open(&session, cfg.backends, cfg.nbackends, msg) != PB_OK) {
        pb_resultset_free(&set);
        return PB_ERR_USAGE; /* only the backends named with -b can fail to open the session */
    }
    /* Device names too, before anything is written: the devices are known once the backends open. */
    if (cfg.devices && (st = pb_session_choose_devices(&session, cfg.devices, msg)) != PB_OK) {
        pb_session_close(&session);
        pb_resultset_free(&set);
        return st;
    }
    if (!cfg.no_save && (st = pb_cli_output_path(cfg.output, label, stamp, path, sizeof path, msg)) != PB_OK) {
        pb_session_close(&session);
        pb_resultset_free(&set);
        return st;
    }
    pb_run_fill_header(&set, &cfg, argc, argv);
    pb_run_report_unavailable(&session);

    pb_variant_request req = { cfg.threads, cfg.nthreads, cfg.all_threads, cfg.each_core_type };
    pb_planned_list planned = { NULL, 0, 0 }, *plan = &planned;
    pb_pool *pool = NULL;
    pb_cli_device_ceilings device_ceilings = { NULL, 0 };
    st = pb_pool_create(cfg.all_threads, &pool, msg);
    if (st == PB_OK)
        st = pb_cli_plan(&session, cfg.workloads, &req, 0, stderr, plan, msg);
    if (st != PB_OK)
        goto done;
    if (plan->n == 0) {
        st = pb_msg_set(msg, PB_ERR_USAGE, cfg.devices
                        ? "nothing to run: the chosen backends have no cases on the chosen devices; see 'parbench list'"
                        : session.gpu_named && cfg.nbackends == 1
                        ? "nothing to run: -b gpu found no GPU here (a CPU device such as PoCL runs with -b opencl); "
                          "see 'parbench list'"
                        : "nothing to run: none of the chosen backends is available here; see 'parbench list'");
        goto done;
    }
    pb_runner_opts ro;
    pb_run_options(&cfg, pool, &ro);
    set.min_rounds = ro.min_rounds;
    set.max_rounds = ro.max_rounds;
    char usable[32];
    printf("parbench %s on %s (%s, %d logical cores%s), preset %s, %d cases in %d to %d rounds\n",
           pb_build_version(), set.machine.label, set.machine.cpu_model, set.machine.logical_cores,
           pb_machine_usable_text(&set.machine, usable, sizeof usable), set.preset, plan->n, ro.min_rounds,
           ro.max_rounds);
    const char *caveat = pb_build_timing_caveat(pb_build_cflags());
    if (caveat)
        printf("warning: this parbench was %s; build it with plain 'make' to measure\n", caveat);
    /* The CPU's ceilings, before the cases, on the pool the cases use: every CPU result is placed
     * on this roofline. A probe that fails its check is reported and not recorded. */
    pb_ceilings ceilings;
    int have_ceilings = 0;
    if (pb_cli_ceilings_wanted(&session)) {
        pb_msg why = { "" };
        have_ceilings = pb_cli_ceilings_measure(pool, cfg.all_threads, cfg.preset, &set.machine, &ceilings, &why) == PB_OK;
        if (have_ceilings)
            pb_cli_ceilings_print(&ceilings, stdout);
        else
            printf("CPU ceilings not recorded: %s\n", why.text);
    }
    /* Each GPU-style device's ceilings too (opencl, cuda, metal), on the devices the cases use. */
    pb_cli_device_ceilings_measure(&session, plan, cfg.preset, stdout, &device_ceilings);
    fflush(stdout);
    pb_cli_interrupt_catch();
    pb_rounds_summary summary;
    st = pb_run_rounds(&cfg, &session, plan, &set, &ro, pb_preset_deadline[cfg.preset], isatty(STDERR_FILENO),
                       &summary);
    pb_cli_interrupt_release();
    /* Devices are recorded after the cases ran: facts such as the language version the GPU kernels
     * compiled as, and the compiler's warnings, exist only once they have compiled. */
    pb_cli_record_devices(&set, &session);
    if (have_ceilings)
        pb_cli_ceilings_attach(&set, &ceilings);
    pb_cli_device_ceilings_attach(&set, &device_ceilings);
    set.complete = st == PB_OK;
    pb_cli_utc_now(set.finished_at, sizeof set.finished_at, NULL, 0);
    if (st == PB_ERR_INTERRUPTED)
        fprintf(stderr, "interrupted: saving the cases measured so far (the file is marked incomplete)\n");
    int width = pb_run_width(&cfg);
    pb_cli_print_table(&set, width, stdout);
    pb_cli_print_rounds(&set, &summary, width, stdout);
    printf("\n");
    pb_summary_print(&set, pb_time_now() - began, width < 200 ? width : 100, stdout);
    /* The table and the lines above it have said what failed or that the run was interrupted. */
    if (st == PB_ERR_NOMEM)
        pb_msg_set(msg, st, "out of memory for the rounds' bookkeeping");
    else if (st != PB_OK || pb_cli_any_failed(&set))
        st = pb_msg_set(msg, st != PB_OK ? st : PB_ERR_VERIFY, "%s", "");
    if (!cfg.no_save) {
        pb_status written = pb_json_write_resultset(&set, path, msg);
        if (written != PB_OK) {
            st = written;
        } else {
            printf("\nSaved %s\n", path);
            printf("Compare with another machine's result file:\n  parbench compare %s OTHER.json\n", path);
        }
    }
done:
    pb_cli_device_ceilings_free(&device_ceilings);
    pb_pool_free(pool);
    pb_planned_list_free(plan);
    pb_session_close(&session);
    pb_resultset_free(&set);
    return st;
}
