/* `parbench report`: its options, through the one option parser; reading the files and writing the
 * page is the report layer's (pb_html_report_files). */
#include <stdio.h>
#include <stdlib.h>

#include "../report/compare.h"
#include "../report/html.h"
#include "cli.h"
#include "opts.h"

#define PB_REPORT_DEFAULT_OUTPUT "report.html"

enum { OPT_OUTPUT, OPT_THRESHOLD, OPT_HELP };

static const pb_opt_spec pb_report_specs[] = {
    { "output", 'o', 1, OPT_OUTPUT, "FILE", "the page to write (default: " PB_REPORT_DEFAULT_OUTPUT " here)" },
    { "threshold", 0, 1, OPT_THRESHOLD, "PCT", "the smallest difference worth calling a difference, in percent "
                                               "(default 5)" },
    { "help", 'h', 0, OPT_HELP, "", "show this help" },
};
#define PB_REPORT_NSPECS ((int)(sizeof pb_report_specs / sizeof pb_report_specs[0]))

static void pb_report_help(void)
{
    printf("usage: parbench report A.json [B.json ...] [-o report.html] [--threshold PCT]\n"
           "\n"
           "Writes one self-contained HTML page (inline CSS and SVG; it loads nothing and runs no script) from\n"
           "1 to %d result files: the machines side by side; each file compared with the first (A, the\n"
           "baseline) per role, with the 95%% interval and verdict of `parbench compare`; a bar chart per\n"
           "workload; each device's roofline where the file has its ceilings; thread scaling; a sweep's\n"
           "crossover (files of `parbench sweep`); and every case's verification. One file alone is fine: the\n"
           "page then compares nothing. The page is written whole or not at all; open it in any browser.\n\n",
           PB_HTML_MAX_FILES);
    pb_opts_print_help(pb_report_specs, PB_REPORT_NSPECS);
    printf("\nExamples:\n  parbench report results/laptop-*.json\n"
           "  parbench report mac.json linux-box.json old-laptop.json -o machines.html\n");
}

pb_status pb_cmd_report(int argc, char **argv, pb_msg *msg)
{
    pb_opt_match *m = calloc((size_t)argc + 1, sizeof *m);
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    const char *output = PB_REPORT_DEFAULT_OUTPUT;
    double threshold = PB_COMPARE_DEFAULT_THRESHOLD;
    int nm = 0, nfiles = 0, help = 0;
    pb_status st = m && files ? pb_opts_parse("report", pb_report_specs, PB_REPORT_NSPECS, argc, argv, m, &nm, files,
                                              &nfiles, argc + 1, msg)
                              : pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
    for (int i = 0; i < nm && st == PB_OK; i++) {
        switch (m[i].id) {
        case OPT_OUTPUT: output = m[i].value; break;
        case OPT_THRESHOLD: st = pb_cli_parse_threshold(m[i].value, &threshold, msg); break;
        case OPT_HELP: help = 1; break;
        }
    }
    size_t bytes = 0;
    if (st == PB_OK && help)
        pb_report_help();
    else if (st == PB_OK && nfiles < 1)
        st = pb_msg_set(msg, PB_ERR_USAGE, "needs at least one result file: parbench report A.json [B.json ...] "
                        "[-o report.html]");
    else if (st == PB_OK && nfiles > PB_HTML_MAX_FILES)
        st = pb_msg_set(msg, PB_ERR_USAGE, "takes at most %d result files, got %d: report fewer machines at once",
                        PB_HTML_MAX_FILES, nfiles);
    else if (st == PB_OK && (st = pb_html_report_files(files, nfiles, threshold, output, &bytes, msg)) == PB_OK)
        printf("wrote %s (%zu KiB): open it in a browser\n", output, (bytes + 1023) / 1024);
    free(m);
    free(files);
    return st;
}
