/* `parbench run` measures in rounds (DESIGN.md §4): every case is set up and verified once, then
 * each round visits every case in a freshly shuffled order and takes a few samples of it, so a
 * case's samples span the whole run and a disturbance hits every case a little instead of one
 * case entirely. After the minimum, rounds go on only for the cases whose rounds still disagree
 * too much to judge a difference of the threshold, up to a round cap and a time cap. */
#include "run_rounds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/rng.h"
#include "../core/timer.h"
#include "measure.h"
#include "plan_walk.h"

/* One planned case across the rounds. */
typedef struct pb_round_item {
    pb_measured_case mc;
    int kept;           /* buffers stay allocated between rounds */
    int wanted;         /* takes part in the current round */
    double halfwidth;   /* the stopping rule's last prediction */
    const char *stop;   /* why its rounds ended, once they have */
} pb_round_item;

typedef struct pb_rounds {
    pb_session *session;
    const pb_planned_list *plan;
    pb_resultset *set;
    const pb_runner_opts *ro;
    pb_round_item *items;
    pb_plan_walk walk;      /* the inputs of the workloads whose buffers are kept */
    double budget, used;    /* bytes the kept cases may hold, and hold */
    pb_status outcome;      /* of the setup pass: PB_ERR_INTERRUPTED once the user interrupted */
    double start;
    int tty;
} pb_rounds;

/* Bytes a workload's case holds while set up: the problem's buffers on the host, and a copy on
 * each device that runs it. */
static double pb_rounds_need(const pb_problem *p, const pb_planned_list *plan, pb_workload_id id)
{
    double bytes = (double)pb_problem_bytes(p);
    int device_cases = 0;
    for (int i = 0; i < plan->n; i++)
        device_cases += plan->items[i].id == id && plan->items[i].variant.threads == 0;
    return bytes * (1 + device_cases);
}

double pb_rounds_memory_budget(const pb_machine *m)
{
    /* Unknown memory: assume a small machine rather than risk swapping. */
    double total = m->memory_bytes > 0 ? (double)m->memory_bytes : 4.0 * (1u << 30);
    return PB_ROUNDS_MEMORY_SHARE * total;
}

static void pb_rounds_progress(const pb_rounds *r, int round, int pos, int total, int item)
{
    const pb_plan_item *it = &r->plan->items[item];
    char who[96], when[24] = "setup";
    pb_cli_variant_name(&r->session->slots[it->slot], &it->variant, who, sizeof who);
    if (round >= 0)
        snprintf(when, sizeof when, "round %d", round + 1);
    double elapsed = pb_time_now() - r->start;
    if (r->tty)
        fprintf(stderr, "\r\033[K%-9s [%2d/%d] %-10s %s  %d:%02d", when, pos + 1, total,
                pb_workload_get(it->id)->name, who, (int)elapsed / 60, (int)elapsed % 60);
    else
        fprintf(stderr, "%-9s [%2d/%d] %-10s %s\n", when, pos + 1, total, pb_workload_get(it->id)->name, who);
    fflush(stderr);
}

/* Keeps a workload's buffers set up between rounds while they fit the memory budget. */
static int pb_rounds_keep(void *user, pb_workload_id id, const pb_problem *problem)
{
    pb_rounds *r = user;
    double need = pb_rounds_need(problem, r->plan, id);
    if (r->used + need > r->budget)
        return 0;
    r->used += need;
    return 1;
}

/* Sets up and verifies one case, or records why it did not run. */
static void pb_rounds_setup_case(void *user, int i, pb_problem *problem, pb_result *res)
{
    pb_rounds *r = user;
    const pb_plan_item *item = &r->plan->items[i];
    const pb_backend_slot *slot = &r->session->slots[item->slot];
    pb_rounds_progress(r, -1, i, r->plan->n, i);
    if (!problem)
        return;
    if (r->outcome == PB_ERR_INTERRUPTED) {
        pb_measure_describe(slot->entry->backend, slot->ctx, &item->variant, problem, res);
        res->status = PB_CASE_SKIPPED;
        pb_strlcpy(res->reason, "interrupted before this case ran", sizeof res->reason);
        return;
    }
    pb_round_item *ri = &r->items[i];
    if (pb_measure_setup(&ri->mc, slot->entry->backend, slot->ctx, &item->variant, problem, r->ro, res) ==
        PB_ERR_INTERRUPTED)
        r->outcome = PB_ERR_INTERRUPTED;
    ri->kept = r->walk.kept[item->id];
    if (!ri->kept)
        pb_runner_close(&ri->mc.rc);
}

/* The setup pass, workload by workload in plan order: make the inputs, set up and verify each
 * case, and keep the buffers of workloads that fit the memory budget. */
static pb_status pb_rounds_setup(pb_rounds *r)
{
    static const pb_plan_walk_ops ops = { .keep = pb_rounds_keep, .visit = pb_rounds_setup_case };
    pb_plan_walk_run(&r->walk, &ops, r);
    return r->outcome;
}

/* One round of one case, setting it up again first when its buffers were not kept. */
static pb_status pb_rounds_visit(pb_rounds *r, int i, pb_msg *msg)
{
    pb_round_item *ri = &r->items[i];
    pb_workload_id id = r->plan->items[i].id;
    pb_problem fresh, *problem = &r->walk.inputs[id];
    pb_status st;
    if (!ri->kept) {
        problem = &fresh;
        st = pb_plan_walk_inputs(&r->walk, id, problem, msg);
        if (st == PB_OK)
            st = pb_measure_reopen(&ri->mc, problem, msg);
        if (st != PB_OK) {
            pb_problem_destroy(problem);
            return st;
        }
    }
    st = pb_runner_round(&ri->mc.rc, r->ro, msg);
    if (!ri->kept) {
        pb_runner_close(&ri->mc.rc);
        pb_problem_destroy(problem);
    }
    return st;
}

static void pb_rounds_shuffle(int *order, int n, pb_rng *rng)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(((uint64_t)pb_rng_u32(rng) * (uint64_t)(i + 1)) >> 32);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* Decides which cases take part in round `round`; returns how many. */
static int pb_rounds_select(pb_rounds *r, int round, int *order)
{
    int n = 0;
    for (int i = 0; i < r->plan->n; i++) {
        pb_round_item *ri = &r->items[i];
        ri->wanted = 0;
        if (!ri->mc.rc.live || ri->stop)
            continue;
        if (pb_runner_needs_round(&ri->mc.rc, r->ro, &ri->halfwidth) && round < r->ro->max_rounds) {
            ri->wanted = 1;
            order[n++] = i;
        } else {
            ri->stop = ri->halfwidth > r->ro->spread_target ? "round-cap" : "settled";
        }
    }
    return n;
}

/* Seconds one more round of the wanted cases should take, from their last rounds. */
static double pb_rounds_estimate(const pb_rounds *r)
{
    double t = 0;
    for (int i = 0; i < r->plan->n; i++)
        if (r->items[i].wanted)
            t += r->items[i].mc.rc.seconds_per_round;
    return t;
}

static pb_status pb_rounds_measure(pb_rounds *r, double deadline_s, pb_rounds_summary *sum)
{
    int *order = malloc(((size_t)r->plan->n + 1) * sizeof *order);
    if (!order)
        return PB_ERR_NOMEM;
    pb_rng rng = pb_rng_make(r->set->shuffle_seed);
    pb_status outcome = PB_OK;
    for (int round = 0;; round++) {
        int n = pb_rounds_select(r, round, order);
        if (n == 0)
            break;
        /* Past the minimum, a round starts only when it can end before the time cap. */
        if (round >= r->ro->min_rounds && pb_time_now() - r->start + pb_rounds_estimate(r) > deadline_s) {
            for (int k = 0; k < n; k++)
                r->items[order[k]].stop = "time-cap";
            break;
        }
        pb_rounds_shuffle(order, n, &rng);
        for (int k = 0; k < n && outcome == PB_OK; k++) {
            pb_msg msg = { "" };
            pb_round_item *ri = &r->items[order[k]];
            pb_rounds_progress(r, round, k, n, order[k]);
            pb_status st = pb_rounds_visit(r, order[k], &msg);
            if (st == PB_ERR_INTERRUPTED) {
                outcome = st;
            } else if (st != PB_OK) {
                pb_result *res = &r->set->results[order[k]];
                res->status = PB_CASE_FAILED;
                snprintf(res->reason, sizeof res->reason, "a timed launch failed in round %d: %.440s", round + 1,
                         msg.text);
                pb_runner_discard(&ri->mc.rc);
            }
        }
        sum->rounds = round + 1;
        if (outcome != PB_OK)
            break;
    }
    free(order);
    return outcome;
}

pb_status pb_run_rounds(const pb_run_config *cfg, pb_session *session, const pb_planned_list *plan,
                        pb_resultset *set, const pb_runner_opts *ro, double deadline_s, int tty,
                        pb_rounds_summary *sum)
{
    pb_rounds r;
    memset(&r, 0, sizeof r);
    memset(sum, 0, sizeof *sum);
    r.session = session;
    r.plan = plan;
    r.set = set;
    r.ro = ro;
    r.tty = tty;
    r.start = pb_time_now();
    r.items = calloc((size_t)plan->n + 1, sizeof *r.items);
    if (!r.items || pb_plan_walk_init(&r.walk, session, plan, cfg->preset, cfg->seed, set) != PB_OK) {
        free(r.items);
        return PB_ERR_NOMEM;
    }
    set->memory_budget_bytes = pb_rounds_memory_budget(&set->machine);
    r.budget = set->memory_budget_bytes;
    /* The whole run as one window: long enough for the tick counters to resolve a few percent. */
    pb_state_snap run_start, run_end;
    pb_state_read(&run_start);
    pb_status outcome = pb_rounds_setup(&r);
    if (outcome == PB_OK)
        outcome = pb_rounds_measure(&r, deadline_s, sum);
    pb_state_read(&run_end);
    pb_state_between(&run_start, &run_end, &set->run_state);
    set->has_run_state = 1;
    set->cases_kept = 1;
    for (int i = 0; i < plan->n; i++) {
        pb_round_item *ri = &r.items[i];
        set->cases_kept &= ri->kept;
        if (ri->mc.rc.live) {
            const char *stop = outcome == PB_ERR_INTERRUPTED ? "interrupted" : ri->stop ? ri->stop : "round-cap";
            sum->extra_rounds += ri->mc.rc.rounds > ro->min_rounds;
            pb_measure_finish(&ri->mc, stop, &set->results[i]);
        } else {
            pb_runner_discard(&ri->mc.rc);
        }
    }
    pb_plan_walk_free(&r.walk);
    free(r.items);
    if (tty)
        fprintf(stderr, "\r\033[K");
    sum->seconds = pb_time_now() - r.start;
    return outcome;
}
