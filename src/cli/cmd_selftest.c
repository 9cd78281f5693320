/* `parbench selftest`: every backend x workload x variant at tiny size, verified once, in one
 * table, so the first run on new hardware reports every problem at once; with --report FILE, also
 * a file with everything a first run on unknown hardware needs to show (selftest_report.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buildinfo.h"
#include "../core/fingerprint.h"
#include "cli.h"
#include "opts.h"
#include "measure.h"
#include "plan_walk.h"
#include "selftest_report.h"

enum { OPT_REPORT, OPT_DEVICES, OPT_HELP };

static const pb_opt_spec pb_selftest_specs[] = {
    { "report", 0, 1, OPT_REPORT, "FILE",
      "also write a Markdown report to FILE: the build, the machine (cores per performance level), every "
      "backend's device facts and compile log, each case's verification, and for GPU cases one short timed "
      "sample with the device timer against the host clock. Attach it to an issue." },
    { "device", 'd', 1, OPT_DEVICES, "LIST",
      "devices of the GPU backends to test, by index, name or backend:index, as for 'parbench run' (default: all)" },
    { "help", 'h', 0, OPT_HELP, "", "show this help" },
};
#define PB_SELFTEST_NSPECS ((int)(sizeof pb_selftest_specs / sizeof pb_selftest_specs[0]))

/* Parses the arguments into *report and *devices (NULL: none); *help is 1 when help was printed. */
static pb_status pb_selftest_args(int argc, char **argv, const char **report, char **devices, int *help,
                                  pb_msg *msg)
{
    pb_opt_match m[PB_OPTS_MAX];
    int nm;
    *report = NULL;
    *devices = NULL;
    pb_status st = pb_opts_parse_only("selftest", pb_selftest_specs, PB_SELFTEST_NSPECS, OPT_HELP, argc, argv, m,
                                      &nm, PB_OPTS_MAX, help, msg);
    for (int i = 0; st == PB_OK && i < nm; i++)
        if (m[i].id == OPT_REPORT)
            *report = m[i].value;
        else if (m[i].id == OPT_DEVICES)
            *devices = (char *)m[i].value;
    if (st == PB_OK && *help) {
        printf("usage: parbench selftest [-d LIST] [--report FILE]\n\nRuns every workload on every backend and device found, "
               "at tiny size, once, and\nverifies each output against the reference. Exit code 0 when all pass, "
               "1 otherwise.\n\n");
        pb_opts_print_help(pb_selftest_specs, PB_SELFTEST_NSPECS);
    }
    return st;
}

/* The state of one selftest: what each case runs with, and the tally. */
typedef struct pb_selftest {
    const pb_session *session;
    const pb_planned_list *plan;
    const pb_runner_opts *verify;
    const pb_runner_opts *timed;    /* NULL without a report */
    char (*who)[96];                /* each case's backend and variant, for the table and report */
    int passed, failed;
} pb_selftest;

/* Verify-only for every case; with a report, a case on a device backend (one with end-to-end
 * timing) also takes one short timed round, so its device timer is seen against the host clock.
 * Prints the case's line of the table. */
static void pb_selftest_case(void *user, int i, pb_problem *problem, pb_result *r)
{
    pb_selftest *t = user;
    const pb_plan_item *item = &t->plan->items[i];
    const pb_backend_slot *slot = &t->session->slots[item->slot];
    const pb_backend *b = slot->entry->backend;
    pb_cli_variant_name(slot, &item->variant, t->who[i], sizeof t->who[i]);
    if (problem)
        pb_measure_case(b, slot->ctx, &item->variant, problem, t->timed && b->case_e2e ? t->timed : t->verify, r);
    int ok = problem && r->status == PB_CASE_OK;
    t->passed += ok;
    t->failed += !ok;
    const char *name = pb_workload_get(item->id)->name;
    if (ok)
        printf("PASS  %-10s %-36s error %.2g <= tolerance %.2g (%s)\n", name, t->who[i], r->check.max_err,
               r->check.tolerance, r->check.method);
    else
        printf("FAIL  %-10s %-36s %s\n", name, t->who[i], r->reason);
}

pb_status pb_cmd_selftest(int argc, char **argv, pb_msg *msg)
{
    const char *report_path;
    char *devices;
    int help;
    pb_status st = pb_selftest_args(argc, argv, &report_path, &devices, &help, msg);
    if (st != PB_OK || help)
        return st;
    pb_session session;
    pb_session_open(&session, NULL, 0, msg);
    if (devices && (st = pb_session_choose_devices(&session, devices, msg)) != PB_OK) {
        pb_session_close(&session);
        return st;
    }
    pb_report_file report;
    if (report_path && pb_report_open(&report, report_path, msg) != PB_OK) {
        pb_session_close(&session);
        return PB_ERR_USAGE;
    }
    pb_resultset set;
    pb_resultset_init(&set);
    pb_fingerprint_read(&set.machine);
    pb_cli_utc_now(set.started_at, sizeof set.started_at, NULL, 0);
    int all = pb_fingerprint_online_cpus();
    int threads[2] = { 1, all };
    pb_variant_request req = { threads, all > 1 ? 2 : 1, all, 0 };
    int workloads[PB_WL_COUNT];
    for (int i = 0; i < PB_WL_COUNT; i++)
        workloads[i] = 1;
    pb_planned_list planned = { NULL, 0, 0 }, *plan = &planned;
    char (*who)[96] = NULL;
    const char **who_list = NULL;
    pb_pool *pool = NULL;
    pb_plan_walk walk;
    memset(&walk, 0, sizeof walk);
    if ((st = pb_cli_plan(&session, workloads, &req, 1, stdout, plan, msg)) != PB_OK)
        goto done;
    /* One more than the cases, so that an empty plan still allocates. */
    who = malloc((size_t)(plan->n + 1) * sizeof *who);
    who_list = malloc((size_t)(plan->n + 1) * sizeof *who_list);
    st = PB_ERR_NOMEM;
    pb_msg_set(msg, st, "out of memory");
    if (!who || !who_list || (st = pb_pool_create(all, &pool, msg)) != PB_OK)
        goto done;
    pb_runner_opts verify = { .pool = pool, .pool_threads = all, .verify_only = 1 };
    pb_runner_opts_defaults(&verify);
    pb_runner_opts timed = { .pool = pool, .pool_threads = all, .min_time_s = 0.01, .min_sample_s = 0.005,
                             .min_rounds = 1, .max_rounds = 1, .round_time_s = 0.01, .max_samples_per_round = 3,
                             .e2e_samples = 2 };
    pb_runner_opts_defaults(&timed);

    printf("parbench %s selftest: %d cases at tiny size\n\n", pb_build_version(), plan->n);
    pb_selftest t = { .session = &session, .plan = plan, .verify = &verify, .timed = report_path ? &timed : NULL,
                      .who = who };
    static const pb_plan_walk_ops ops = { .visit = pb_selftest_case };
    if (pb_plan_walk_init(&walk, &session, plan, PB_PRESET_TINY, 1, &set) != PB_OK) {
        st = pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
        goto done;
    }
    pb_plan_walk_run(&walk, &ops, &t);
    for (int i = 0; i < plan->n; i++)
        who_list[i] = who[i];
    /* Missing backends in one short line each: 'parbench list' has the whole reason and the fix. */
    for (int s = 0; s < session.nslots; s++)
        if (!session.slots[s].ctx) {
            char why[80];
            pb_session_short_why(&session.slots[s], why, sizeof why);
            printf("----  %-10s %s (see 'parbench list')\n", session.slots[s].entry->name, why);
        }
    printf("\n%d passed, %d failed\n", t.passed, t.failed);
    if (t.failed)
        printf("To report a failure, open an issue in parbench's tracker with this whole table, the output of\n"
               "'parbench info' and 'parbench list', and everything printed above the table (a GPU kernel\n"
               "compile error prints the compiler's full log there), or attach the file that\n"
               "'parbench selftest --report FILE' writes. The Metal backend has not yet run on Apple\n"
               "hardware, so metal and mps reports are especially welcome.\n");
    /* The table has said which cases failed: nothing more for main to print. */
    st = t.failed ? pb_msg_set(msg, PB_ERR_VERIFY, "%s", "") : PB_OK;
    if (report_path) {
        pb_status written = pb_report_write(&report, &session, &set, who_list, msg);
        if (written != PB_OK)
            st = written;
        else
            printf("Report written to %s\n", report_path);
    }
done:
    if (report_path)
        pb_report_discard(&report);
    pb_plan_walk_free(&walk);
    pb_pool_free(pool);
    pb_planned_list_free(plan);
    free(who);
    free(who_list);
    pb_resultset_free(&set);
    pb_session_close(&session);
    return st;
}
