/* Walking a plan workload by workload, for `run` and `selftest`: each workload's inputs are made
 * once and shared by its cases; what a command does with a case is its own, through callbacks. */
#ifndef PB_PLAN_WALK_H
#define PB_PLAN_WALK_H

#include "cli.h"

/* What differs between the commands that walk a plan. `user` is the command's own state. */
typedef struct pb_plan_walk_ops {
    /* (optional) Called once a workload's inputs are made, before its cases. Returns 1 to keep the
     * inputs after its cases (until pb_plan_walk_free), 0 to free them then. */
    int (*keep)(void *user, pb_workload_id id, const pb_problem *problem);
    /* Called for each case, in plan order, with the result of that plan item (zeroed). `problem`
     * is NULL when the workload's inputs could not be made: `res` then describes the case and
     * says why it did not run (skipped when out of memory, else failed). */
    void (*visit)(void *user, int item, pb_problem *problem, pb_result *res);
} pb_plan_walk_ops;

/* One walk of a plan. Cases of one workload must stand together in the plan (pb_cli_plan). */
typedef struct pb_plan_walk {
    const pb_session *session;
    const pb_planned_list *plan;
    pb_preset preset;
    uint64_t seed;                      /* seeds the inputs */
    pb_resultset *set;
    int first;                          /* set->results[first + i] is plan item i's */
    pb_problem inputs[PB_WL_COUNT];     /* a workload's inputs while its cases run, or kept */
    int kept[PB_WL_COUNT];              /* 1: inputs[id] stays until pb_plan_walk_free */
} pb_plan_walk;

/* Prepares a walk and appends one zeroed result per plan item to `set`. PB_ERR_NOMEM when the
 * results could not be added (pb_plan_walk_free is still due). */
pb_status pb_plan_walk_init(pb_plan_walk *w, const pb_session *session, const pb_planned_list *plan,
                            pb_preset preset, uint64_t seed, pb_resultset *set);

/* Visits every case of the plan: per workload, makes the inputs, asks ops->keep, visits its cases,
 * and frees the inputs unless kept. */
void pb_plan_walk_run(pb_plan_walk *w, const pb_plan_walk_ops *ops, void *user);

/* Makes a fresh copy of workload `id`'s inputs (the same as the walk's) into *out, for a case whose
 * inputs were not kept. On failure *out holds nothing to free. */
pb_status pb_plan_walk_inputs(const pb_plan_walk *w, pb_workload_id id, pb_problem *out, pb_msg *msg);

/* Frees the kept inputs. Accepts NULL. */
void pb_plan_walk_free(pb_plan_walk *w);

#endif
