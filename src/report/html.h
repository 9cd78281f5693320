/* `parbench report`: one self-contained HTML page over one or more result files: the machines side
 * by side, each file compared with the first (per role, with its interval and verdict), a chart
 * per workload, the roofline per device with ceilings, thread scaling, the size sweep and every
 * case's verification. Inline CSS and SVG only: the page loads nothing and runs no script. */
#ifndef PB_HTML_H
#define PB_HTML_H

#include <stddef.h>

#include "../core/status.h"
#include "../results/result.h"
#include "html_text.h"

#define PB_HTML_MAX_FILES 8   /* a chart group holds one bar per file: more would not read */

/* Writes the page for n result files (names: as the user gave them) into `out`; the first file that
 * is not a sweep is the baseline the others are compared with, as `compare` does. Result files
 * are untrusted input: besides what the reader refuses, a rate, FLOP or byte count or ceiling
 * that is not believable is refused with PB_ERR_INPUT naming the file and the case. threshold: a
 * fraction (0.05 for 5%). */
pb_status pb_html_report(const pb_resultset *sets, const char *const *names, int n, double threshold, pb_html *out,
                         pb_msg *msg);

/* `parbench report` below its options: reads the files (PB_ERR_INPUT naming one that cannot be
 * read or is invalid), writes the page to `output` through a temporary file renamed into place
 * (nothing is left at `output` on failure) and sets *bytes to its size. */
pb_status pb_html_report_files(const char *const *files, int n, double threshold, const char *output, size_t *bytes,
                               pb_msg *msg);

#endif
