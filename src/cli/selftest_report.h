/* `parbench selftest --report FILE`: what a first run on unknown hardware needs to show, in one
 * Markdown file a user can attach to an issue. */
#ifndef PB_SELFTEST_REPORT_H
#define PB_SELFTEST_REPORT_H

#include <stdio.h>

#include "../core/atomic_file.h"
#include "../results/result.h"
#include "session.h"

/* The report is written to a temporary file beside the target and renamed over it at the end, so
 * a reader never sees half a report. Opening checks the path before anything runs. */
typedef struct pb_report_file {
    pb_atomic_file file;
} pb_report_file;

/* Creates the temporary file. On failure (*why says what was wrong and what to do) nothing exists. */
pb_status pb_report_open(pb_report_file *f, const char *path, pb_msg *why);

/* Writes the report: build, machine, every backend's device facts and notes (compile logs where
 * the backend gives them), and every case with its check and, for device backends, device time
 * against host time; then renames it into place. Closes the file either way. */
pb_status pb_report_write(pb_report_file *f, const pb_session *session, const pb_resultset *set,
                          const char *const *who, pb_msg *why);

/* Removes the temporary file (an interrupted or failed selftest); accepts a file never opened. */
void pb_report_discard(pb_report_file *f);

#endif
