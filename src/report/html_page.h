/* Inside the HTML report (html.h): what its parts know of the page's files. html.c writes the frame,
 * the summary and the verification; html_machines.c the machines; html_charts.c one chart per
 * workload; html_plots.c the roofline, thread scaling and sweep sections. */
#ifndef PB_HTML_PAGE_H
#define PB_HTML_PAGE_H

#include "compare.h"
#include "html.h"

typedef struct pb_html_file {
    const pb_resultset *set;
    const char *name;           /* the path as given */
    char tag[2];                /* "A", "B", ...: the files in the order given */
    int sweep;                  /* preset "sweep": a sweep's points are not compared or charted per workload */
    const pb_comparison *cmp;   /* this file against the baseline; NULL for the baseline and for sweeps */
} pb_html_file;

typedef struct pb_html_page {
    pb_html_file files[PB_HTML_MAX_FILES];
    int nfiles;
    int baseline;               /* the first file that is not a sweep; -1 when all are */
    double threshold;
} pb_html_page;

/* The machine's name on the page: its label, else its host name, else "unnamed machine". */
const char *pb_html_machine(const pb_resultset *set);

/* The CSS class of file i's colour ("s0" ... "s7"). */
const char *pb_html_series(int i);

/* 1 when a case failed or did not verify: it is never drawn as a bar or a point. */
int pb_html_failed(const pb_result *r);

/* A result's median time per launch from its samples (the stored one without samples), and its
 * rate at that time (the stored rate when the file has no work count); NaN when not measured. */
double pb_html_median(const pb_result *r);
double pb_html_rate(const pb_result *r);

/* "sgemm cpu-all (cpu, 2 threads) n=2048": one case, for tooltips and tables. */
void pb_html_case_name(const pb_result *r, char *buf, size_t size);

/* "1.23k"-style number with three significant digits; "n/a" when it is not finite. */
void pb_html_number(double v, char *buf, size_t size);

/* The sections. */
void pb_html_machines(pb_html *h, const pb_html_page *page);
void pb_html_workloads(pb_html *h, const pb_html_page *page);
void pb_html_roofline(pb_html *h, const pb_html_page *page);
void pb_html_scaling(pb_html *h, const pb_html_page *page);
void pb_html_sweep(pb_html *h, const pb_html_page *page);

/* The distinct workloads of file `file`, or of every file that is not a sweep when `file` is -1, in
 * order of first appearance, in a fresh array the caller frees; *n is how many. NULL (and h's
 * out-of-memory flag set) when memory runs out. */
const char **pb_html_workload_names(pb_html *h, const pb_html_page *page, int file, int *n);

#endif
