/* `parbench compare`: matches the cases of two result files, and for each gives the speed ratio
 * with a 95% interval whose unit is the round (Welch's t over the log round medians; files of
 * schema 1 fall back to a bootstrap over samples, with a warning), a p-value and a verdict; per
 * role a geometric mean; for all-core runs the split into per-core speed, core count and scaling. */
#ifndef PB_COMPARE_H
#define PB_COMPARE_H

#include <stdio.h>

#include "../core/status.h"
#include "../results/result.h"

#define PB_COMPARE_DEFAULT_THRESHOLD 0.05 /* 5%: smaller differences are "not noticeable" */
#define PB_COMPARE_LEVEL 0.95             /* confidence level of every interval */

typedef enum pb_verdict {
    PB_VERDICT_FASTER,     /* the whole interval lies above 1 + threshold */
    PB_VERDICT_SLOWER,     /* the whole interval lies below 1 / (1 + threshold) */
    PB_VERDICT_SAME,       /* the whole interval lies within those bounds */
    PB_VERDICT_UNCERTAIN,  /* the interval crosses a bound, or there is no interval */
    PB_VERDICT_FAILED,     /* a side failed or did not verify: never compared */
    PB_VERDICT_NOT_RUN     /* a side was skipped or unsupported */
} pb_verdict;

/* "faster", "slower", "no noticeable difference", "uncertain", "failed", "not run" */
const char *pb_verdict_name(pb_verdict verdict);

typedef struct pb_compare_case {
    const pb_result *a, *b;      /* point into the compared result sets */
    double median_a, median_b;   /* seconds per launch, recomputed from the samples */
    double rate_a, rate_b;       /* in a->rate_unit; NaN when unknown */
    double roof_a, roof_b;       /* the fraction of its own machine's roofline each side reached
                                  * (pb_roofline_place); NaN where its file has no ceilings */
    double ratio;                /* speed of B relative to A: median_a / median_b (NaN: none) */
    double ci_low, ci_high;      /* 95% interval of `ratio` (NaN: none) */
    double p_value;              /* two-sided: Welch's t on rounds, or Mann-Whitney U on samples (NaN: none) */
    double log_ratio, se, df;    /* log of the ratio, its standard error and degrees of freedom */
    double drift_var;            /* the part of se^2 that is the two runs' drift (common to every case) */
    const char *method;          /* "rounds" (schema 2: rounds are the units) or "samples" (one window) */
    pb_verdict verdict;
    const char *note;            /* why there is no verdict or interval, else NULL */
} pb_compare_case;

/* The geometric mean of the ratios of one role's cases that have an interval. */
typedef struct pb_compare_group {
    char role[16];
    int ncases;
    double geomean, ci_low, ci_high;
    pb_verdict verdict;
} pb_compare_group;

/* An all-core ratio split into factors whose product it is exactly:
 *   ratio = per_core x cores x scaling
 * per_core: the one-core (cpu-1) speed ratio of the same workload and size; cores: threads B / A;
 * scaling: ratio of parallel efficiencies, efficiency = (one-core time / all-core time) / threads. */
typedef struct pb_compare_split {
    const pb_compare_case *all;  /* NULL in the summary row */
    int threads_a, threads_b;
    double ratio, per_core, cores, scaling;
    double efficiency_a, efficiency_b;
} pb_compare_split;

#define PB_COMPARE_MAX_GROUPS 8

typedef struct pb_comparison {
    const pb_resultset *a, *b;
    const char *name_a, *name_b;  /* file names, as given */
    double threshold;
    double drift_a, drift_b;      /* each run's drift (pb_resultset_drift), 0 when unknown */
    int drift_df_a, drift_df_b;
    pb_compare_case *cases;
    int ncases;
    const pb_result **only_a;     /* cases of A with no match in B */
    int nonly_a;
    const pb_result **only_b;
    int nonly_b;
    pb_compare_group groups[PB_COMPARE_MAX_GROUPS];
    int ngroups;
    pb_compare_split *splits;     /* one per cpu-all case with a cpu-1 partner on both sides */
    int nsplits;
    pb_compare_split split_mean;  /* geometric means of the factors (when nsplits > 0) */
    char (*warnings)[320];        /* comparability warnings, most important first */
    int nwarnings;
} pb_comparison;

/* Compares B against the baseline A. Both sets and names must outlive `out`. threshold is a
 * fraction (0.05 for 5%). Free with pb_comparison_free. */
pb_status pb_compare_build(const pb_resultset *a, const char *name_a, const pb_resultset *b, const char *name_b,
                           double threshold, pb_comparison *out, pb_msg *msg);
void pb_comparison_free(pb_comparison *cmp); /* accepts NULL */

/* The size as "n=2048" or "nx=4096 ny=4096 steps=10". */
void pb_compare_size_text(const pb_result *r, char *buf, size_t size);

/* "parbench-compare" documents (docs/SCHEMA.md) and their version. */
#define PB_COMPARE_SCHEMA_NAME "parbench-compare"
#define PB_COMPARE_SCHEMA_VERSION 1

typedef enum pb_compare_format {
    PB_COMPARE_TEXT,   /* aligned terminal tables */
    PB_COMPARE_MD,     /* Markdown tables, to paste into an issue */
    PB_COMPARE_CSV,    /* one row per case, role and unmatched case */
    PB_COMPARE_JSON    /* the "parbench-compare" document */
} pb_compare_format;

/* PB_ERR_USAGE with the list of formats for an unknown name. */
pb_status pb_compare_format_parse(const char *name, pb_compare_format *out, pb_msg *msg);

#define PB_COMPARE_WIDTH 80 /* columns the text fits by default (a terminal's width when COLUMNS is unset) */

/* Writes n comparisons (each against the same baseline) in `format`. `color`: ANSI colours in
 * the text format. `width`: the columns the text format fits, leaving out table columns and
 * wrapping lines (0: no limit, every column); Markdown, CSV and JSON keep everything. */
pb_status pb_compare_write_width(const pb_comparison *cmps, int n, pb_compare_format format, int color, int width,
                                 FILE *out, pb_msg *msg);
/* The same at PB_COMPARE_WIDTH columns. */
pb_status pb_compare_write(const pb_comparison *cmps, int n, pb_compare_format format, int color, FILE *out,
                           pb_msg *msg);

/* PB_ERR_INPUT when A and B have no case in common, with the reason and the fix ("A is quick, B
 * is standard: run B with --preset quick"); PB_OK otherwise. */
pb_status pb_compare_require_common(const pb_comparison *cmp, pb_msg *msg);

/* `parbench compare` once its options are parsed: reads the files (the baseline first), compares
 * each with the baseline and writes the result in `format` to `output` (NULL: standard output).
 * The text fits $COLUMNS, else PB_COMPARE_WIDTH columns; `wide`: every column, no wrapping.
 * PB_ERR_USAGE or PB_ERR_INPUT for a bad argument or file, or files with no case in common (the
 * message names it). */
pb_status pb_compare_files(const char *const *files, int nfiles, pb_compare_format format, double threshold,
                           int wide, const char *output, pb_msg *msg);

#endif
