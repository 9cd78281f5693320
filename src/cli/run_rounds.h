/* The round scheduler behind `parbench run` (DESIGN.md §4): set up and verify every case once,
 * then measure all of them in shuffled rounds until the stopping rule is satisfied. */
#ifndef PB_RUN_ROUNDS_H
#define PB_RUN_ROUNDS_H

#include "../core/runner.h"
#include "cli.h"

/* Cases keep their buffers between rounds while the kept workloads' buffers (on the host, plus a
 * copy per device case) stay within this share of the machine's memory; the others are set up
 * again in every round. */
#define PB_ROUNDS_MEMORY_SHARE 0.4

typedef struct pb_rounds_summary {
    int rounds;          /* rounds run (the most any case got) */
    int extra_rounds;    /* cases that needed more than the minimum */
    double seconds;      /* wall time of setup and rounds */
} pb_rounds_summary;

/* The memory budget for keeping cases set up, from the machine's memory. */
double pb_rounds_memory_budget(const pb_machine *m);

/* Measures every planned case into set->results (one result per plan item, in plan order).
 * set->shuffle_seed seeds the order; extra rounds start only while they can end within
 * `deadline_s` of the start. Returns PB_ERR_INTERRUPTED when the user interrupted (the measured
 * rounds are kept), PB_ERR_NOMEM when the bookkeeping could not be allocated, else PB_OK. */
pb_status pb_run_rounds(const pb_run_config *cfg, pb_session *session, const pb_planned_list *plan,
                        pb_resultset *set, const pb_runner_opts *ro, double deadline_s, int tty,
                        pb_rounds_summary *sum);

#endif
