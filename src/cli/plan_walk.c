/* The one loop over a plan that `run` (its setup pass) and `selftest` share: grouping by
 * workload, making the inputs, the result of a case whose inputs could not be made, and the
 * inputs' lifetime. */
#include "plan_walk.h"

#include <stdio.h>
#include <string.h>

#include "measure.h"

pb_status pb_plan_walk_init(pb_plan_walk *w, const pb_session *session, const pb_planned_list *plan,
                            pb_preset preset, uint64_t seed, pb_resultset *set)
{
    memset(w, 0, sizeof *w);
    w->session = session;
    w->plan = plan;
    w->preset = preset;
    w->seed = seed;
    w->set = set;
    w->first = set->nresults;
    for (int i = 0; i < plan->n; i++)
        if (!pb_resultset_add_result(set))
            return PB_ERR_NOMEM;
    return PB_OK;
}

pb_status pb_plan_walk_inputs(const pb_plan_walk *w, pb_workload_id id, pb_problem *out, pb_msg *msg)
{
    const pb_workload *wl = pb_workload_get(id);
    memset(out, 0, sizeof *out);
    return wl->create(&wl->sizes[w->preset], w->seed, out, msg);
}

/* A case that cannot run because its workload's inputs could not be made. */
static void pb_plan_walk_no_inputs(const pb_plan_walk *w, const pb_plan_item *item, pb_status made,
                                   const pb_msg *why, pb_result *res)
{
    const pb_backend_slot *slot = &w->session->slots[item->slot];
    pb_problem described = { .id = item->id, .dims = pb_workload_get(item->id)->sizes[w->preset] };
    pb_measure_describe(slot->entry->backend, slot->ctx, &item->variant, &described, res);
    res->status = made == PB_ERR_NOMEM ? PB_CASE_SKIPPED : PB_CASE_FAILED;
    snprintf(res->reason, sizeof res->reason, "could not make the inputs: %.480s", why->text);
}

void pb_plan_walk_run(pb_plan_walk *w, const pb_plan_walk_ops *ops, void *user)
{
    const pb_planned_list *plan = w->plan;
    for (int i = 0; i < plan->n;) {
        pb_workload_id id = plan->items[i].id;
        pb_problem *problem = &w->inputs[id];
        pb_msg why = { "" };
        pb_status made = pb_plan_walk_inputs(w, id, problem, &why);
        w->kept[id] = made == PB_OK && ops->keep && ops->keep(user, id, problem);
        for (; i < plan->n && plan->items[i].id == id; i++) {
            pb_result *res = &w->set->results[w->first + i];
            if (made != PB_OK)
                pb_plan_walk_no_inputs(w, &plan->items[i], made, &why, res);
            ops->visit(user, i, made == PB_OK ? problem : NULL, res);
        }
        if (!w->kept[id])
            pb_problem_destroy(problem);
    }
}

void pb_plan_walk_free(pb_plan_walk *w)
{
    if (!w)
        return;
    for (int id = 0; id < PB_WL_COUNT; id++)
        if (w->kept[id])
            pb_problem_destroy(&w->inputs[id]);
    memset(w->kept, 0, sizeof w->kept);
}
