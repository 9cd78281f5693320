/* `parbench selftest`: every backend x workload x variant at tiny size, verified once, in one
 * table, so the first run on new hardware reports every problem at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buildinfo.h"
#include "../core/fingerprint.h"
#include "../core/runner.h"
#include "cli.h"

int pb_cmd_selftest(int argc, char **argv)
{
    if (argc > 0) {
        if (argc == 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
            printf("usage: parbench selftest\n\nRuns every workload on every backend and device found, "
                   "at tiny size, once, and\nverifies each output against the reference. Exit code 0 when "
                   "all pass, 1 otherwise.\n");
            return 0;
        }
        char text[256];
        snprintf(text, sizeof text, "unexpected argument '%s'; see 'parbench selftest --help'", argv[0]);
        return pb_cli_usage_error("selftest", text);
    }
    pb_session session;
    pb_msg msg = { "" };
    pb_session_open(&session, NULL, 0, &msg);
    int all = pb_fingerprint_online_cpus();
    int threads[2] = { 1, all };
    pb_variant_request req = { threads, all > 1 ? 2 : 1, all };
    int workloads[PB_WL_COUNT];
    for (int i = 0; i < PB_WL_COUNT; i++)
        workloads[i] = 1;
    pb_planned_list *plan = malloc(sizeof *plan);
    pb_pool *pool = NULL;
    if (!plan || pb_pool_create(all, &pool, &msg) != PB_OK) {
        fprintf(stderr, "parbench selftest: %s\n", plan ? msg.text : "out of memory");
        free(plan);
        pb_session_close(&session);
        return 1;
    }
    pb_cli_plan(&session, workloads, &req, 1, plan);
    pb_runner_opts ro = { .pool = pool, .pool_threads = all, .verify_only = 1 };
    pb_runner_opts_defaults(&ro);

    printf("parbench %s selftest: %d cases at tiny size\n\n", pb_build_version(), plan->n);
    int passed = 0, failed = 0;
    for (int i = 0; i < plan->n;) {
        const pb_workload *wl = pb_workload_get(plan->items[i].id);
        pb_problem problem;
        memset(&problem, 0, sizeof problem);
        pb_status made = wl->create(&wl->sizes[PB_PRESET_TINY], 1, &problem, &msg);
        for (pb_workload_id id = plan->items[i].id; i < plan->n && plan->items[i].id == id; i++) {
            const pb_plan_item *item = &plan->items[i];
            const pb_backend_slot *slot = &session.slots[item->slot];
            char who[96];
            pb_cli_variant_name(slot, &item->variant, who, sizeof who);
            pb_result r;
            memset(&r, 0, sizeof r);
            if (made == PB_OK)
                pb_runner_run_case(slot->entry->backend, slot->ctx, &item->variant, &problem, &ro, &r);
            else
                snprintf(r.reason, sizeof r.reason, "could not make the inputs: %.480s", msg.text);
            int ok = made == PB_OK && r.status == PB_CASE_OK;
            passed += ok;
            failed += !ok;
            if (ok)
                printf("PASS  %-10s %-36s error %.2g <= tolerance %.2g (%s)\n", wl->name, who, r.check.max_err,
                       r.check.tolerance, r.check.method);
            else
                printf("FAIL  %-10s %-36s %s\n", wl->name, who, r.reason);
        }
        pb_problem_destroy(&problem);
    }
    for (int s = 0; s < session.nslots; s++)
        if (!session.slots[s].ctx)
            printf("----  %-10s %s\n", session.slots[s].entry->name, session.slots[s].why.text);
    printf("\n%d passed, %d failed\n", passed, failed);
    if (failed)
        printf("To report a failure, open an issue in parbench's tracker with this whole table, the output of\n"
               "'parbench info' and 'parbench list', and everything printed above the table (a GPU kernel\n"
               "compile error prints the compiler's full log there). The Metal backend has not yet run on\n"
               "Apple hardware, so metal and mps reports are especially welcome.\n");
    pb_pool_free(pool);
    free(plan);
    pb_session_close(&session);
    return failed ? 1 : 0;
}
