/* `parbench compare`: its options, through the one option parser; loading and comparing the files
 * is the report layer's (pb_compare_files). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../report/compare.h"
#include "cli.h"
#include "opts.h"

enum { OPT_FORMAT, OPT_THRESHOLD, OPT_WIDE, OPT_OUTPUT, OPT_HELP };

static const pb_opt_spec pb_compare_specs[] = {
    { "format", 0, 1, OPT_FORMAT, "FMT", "text (default), md (Markdown, to paste), csv, json (docs/SCHEMA.md)" },
    { "threshold", 0, 1, OPT_THRESHOLD, "PCT", "the smallest difference worth calling a difference, in percent (default 5)" },
    { "wide", 0, 0, OPT_WIDE, "", "text: every column, however wide (default: fit $COLUMNS, else 80 columns)" },
    { "output", 'o', 1, OPT_OUTPUT, "FILE", "write to FILE instead of standard output" },
    { "help", 'h', 0, OPT_HELP, "", "show this help" },
};
#define PB_COMPARE_NSPECS ((int)(sizeof pb_compare_specs / sizeof pb_compare_specs[0]))

static void pb_compare_help(void)
{
    printf("usage: parbench compare A.json B.json [C.json ...] [--format text|md|csv|json] [--threshold PCT]\n"
           "                        [--wide] [-o FILE]\n"
           "\n"
           "Compares result files of `parbench run` against the first one (A, the baseline). Cases are\n"
           "matched on workload, size, precision and role (and backend where both files have it). For each\n"
           "the speed of B relative to A is the ratio of median times, with a 95%% interval and a p-value.\n"
           "Verdicts:\n"
           "  faster / slower            the whole interval lies beyond the threshold\n"
           "  no noticeable difference   the whole interval lies within the threshold\n"
           "  too noisy to say           the interval crosses it (\"uncertain\" in csv, json): measure\n"
           "                             again with more rounds (--rounds) or on a quieter machine\n"
           "  failed                     a side failed or did not verify: never compared\n"
           "\n");
    pb_opts_print_help(pb_compare_specs, PB_COMPARE_NSPECS);
}

pb_status pb_cli_parse_threshold(const char *text, double *out, pb_msg *msg)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end != text && *end == '%')
        end++;
    if (end == text || *end != '\0' || errno != 0 || !(v > 0 && v < 100))
        return pb_msg_set(msg, PB_ERR_USAGE, "--threshold expects a percentage between 0 and 100, e.g. 5; got '%s'",
                          text);
    *out = v / 100;
    return PB_OK;
}

/* The options into their values; files are the positionals, the baseline first. */
static pb_status pb_compare_options(const pb_opt_match *m, int nm, pb_compare_format *format, double *threshold,
                                    int *wide, const char **output, int *help, pb_msg *msg)
{
    pb_status st = PB_OK;
    for (int i = 0; i < nm && st == PB_OK; i++) {
        switch (m[i].id) {
        case OPT_FORMAT: st = pb_compare_format_parse(m[i].value, format, msg); break;
        case OPT_THRESHOLD: st = pb_cli_parse_threshold(m[i].value, threshold, msg); break;
        case OPT_WIDE: *wide = 1; break;
        case OPT_OUTPUT: *output = m[i].value; break;
        case OPT_HELP: *help = 1; break;
        }
    }
    return st;
}

pb_status pb_cmd_compare(int argc, char **argv, pb_msg *msg)
{
    pb_opt_match *m = calloc((size_t)argc + 1, sizeof *m);
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    pb_compare_format format = PB_COMPARE_TEXT;
    double threshold = PB_COMPARE_DEFAULT_THRESHOLD;
    const char *output = NULL;
    int nm = 0, nfiles = 0, help = 0, wide = 0;
    pb_status st = m && files ? pb_opts_parse("compare", pb_compare_specs, PB_COMPARE_NSPECS, argc, argv, m, &nm,
                                              files, &nfiles, argc + 1, msg)
                              : pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
    if (st == PB_OK)
        st = pb_compare_options(m, nm, &format, &threshold, &wide, &output, &help, msg);
    if (st == PB_OK && help)
        pb_compare_help();
    else if (st == PB_OK && nfiles < 2)
        st = pb_msg_set(msg, PB_ERR_USAGE,
                        "needs at least two result files, the baseline first: parbench compare A.json B.json");
    else if (st == PB_OK)
        st = pb_compare_files(files, nfiles, format, threshold, wide, output, msg);
    free(m);
    free(files);
    return st;
}
