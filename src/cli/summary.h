/* The plain answer under a run's table: how much all cores gain over one core, how each GPU or
 * vendor library stands against all cores (kernels only and with copies), whether the numbers can
 * be trusted, and how long the run took. Computed from a result set alone, so a saved file gives
 * the same lines (tests/golden/run/). */
#ifndef PB_SUMMARY_H
#define PB_SUMMARY_H

#include <stdio.h>

#include "../results/result.h"

/* What limits a workload, for the words beside its speed-up: "memory-bound", "compute-bound",
 * "contention-bound"; "" for a name it does not know. */
const char *pb_summary_bound(const char *workload);

/* "1 min 48 s", "42 s", "0.4 s". */
void pb_summary_duration(double seconds, char *out, size_t size);

/* The seconds from the set's started_at to its finished_at; -1 when either is missing. */
double pb_summary_elapsed(const pb_resultset *set);

/* Writes the summary into `out` (always terminated): one paragraph per line, unwrapped. `seconds`
 * is the run's wall time (< 0: left out). Returns the number of lines. */
int pb_summary_text(const pb_resultset *set, double seconds, char *out, size_t size);

/* Prints pb_summary_text wrapped to `width` columns (continuation lines indented by two). */
void pb_summary_print(const pb_resultset *set, double seconds, int width, FILE *out);

#endif
