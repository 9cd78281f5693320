/* The `parbench compare` command: its options, loading the files, and writing the comparison of
 * every file against the first (the baseline). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../results/json_read.h"
#include "compare.h"

static const char pb_compare_usage[] =
    "usage: parbench compare A.json B.json [C.json ...] [--format text|md|csv|json] [--threshold PCT]\n"
    "                        [-o FILE]\n"
    "\n"
    "Compares result files of `parbench run` against the first one (A, the baseline). Cases are\n"
    "matched on workload, size, precision and role (and backend where both files have it). For each\n"
    "the speed of B relative to A is the ratio of median times, with a 95% bootstrap interval and a\n"
    "Mann-Whitney p-value. Verdicts:\n"
    "  faster / slower            the whole interval lies beyond the threshold\n"
    "  no noticeable difference   the whole interval lies within the threshold\n"
    "  uncertain                  the interval crosses it: measure longer (--min-time) or accept the doubt\n"
    "  failed                     a side failed or did not verify: never compared\n"
    "\n"
    "  --format FMT     text (default), md (Markdown, to paste), csv, json (docs/SCHEMA.md)\n"
    "  --threshold PCT  the smallest difference worth calling a difference, in percent (default 5)\n"
    "  -o FILE          write to FILE instead of standard output\n";

typedef struct pb_compare_args {
    pb_compare_format format;
    double threshold;
    const char *output;
    const char **files;
    int nfiles;
    int help;
} pb_compare_args;

static pb_status pb_parse_threshold(const char *text, double *out, pb_msg *msg)
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

/* The value of an option given as "--name VALUE" or "--name=VALUE"; NULL when `arg` is not it. */
static const char *pb_option_value(int argc, char **argv, int *i, const char *name, pb_msg *msg, pb_status *st)
{
    size_t len = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, len) != 0)
        return NULL;
    if (arg[len] == '=')
        return arg + len + 1;
    if (arg[len] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *st = pb_msg_set(msg, PB_ERR_USAGE, "%s needs a value", name);
        return NULL;
    }
    return argv[++*i];
}

static pb_status pb_compare_parse_args(int argc, char **argv, pb_compare_args *args, pb_msg *msg)
{
    pb_status st = PB_OK;
    int only_files = 0;
    memset(args, 0, sizeof *args);
    args->format = PB_COMPARE_TEXT;
    args->threshold = PB_COMPARE_DEFAULT_THRESHOLD;
    args->files = calloc((size_t)argc + 1, sizeof *args->files);
    if (!args->files)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
    for (int i = 1; i < argc && st == PB_OK; i++) {
        const char *arg = argv[i], *v;
        if (only_files || arg[0] != '-' || arg[1] == '\0') {
            args->files[args->nfiles++] = arg;
        } else if (strcmp(arg, "--") == 0) {
            only_files = 1;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            args->help = 1;
        } else if ((v = pb_option_value(argc, argv, &i, "--format", msg, &st))) {
            st = pb_compare_format_parse(v, &args->format, msg);
        } else if (st == PB_OK && (v = pb_option_value(argc, argv, &i, "--threshold", msg, &st))) {
            st = pb_parse_threshold(v, &args->threshold, msg);
        } else if (st == PB_OK && (v = pb_option_value(argc, argv, &i, "-o", msg, &st))) {
            args->output = v;
        } else if (st == PB_OK) {
            st = pb_msg_set(msg, PB_ERR_USAGE, "unknown option '%s' (see parbench compare --help)", arg);
        }
    }
    if (st == PB_OK && !args->help && args->nfiles < 2)
        st = pb_msg_set(msg, PB_ERR_USAGE,
                        "needs at least two result files, the baseline first: parbench compare A.json B.json");
    return st;
}

/* Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
static int pb_use_color(FILE *out)
{
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    return out == stdout && isatty(fileno(stdout)) && !(no_color && no_color[0]) &&
           !(term && strcmp(term, "dumb") == 0);
}

static pb_status pb_compare_run(const pb_compare_args *args, pb_resultset *sets, pb_comparison *cmps, pb_msg *msg)
{
    pb_status st = PB_OK;
    for (int i = 0; i < args->nfiles && st == PB_OK; i++)
        st = pb_json_read_resultset(args->files[i], &sets[i], msg);
    for (int i = 1; i < args->nfiles && st == PB_OK; i++)
        st = pb_compare_build(&sets[0], args->files[0], &sets[i], args->files[i], args->threshold, &cmps[i - 1], msg);
    if (st != PB_OK)
        return st;
    FILE *out = args->output ? fopen(args->output, "w") : stdout;
    if (!out)
        return pb_msg_set(msg, PB_ERR_IO, "cannot write '%s': %s; check the directory exists and is writable",
                          args->output, strerror(errno));
    st = pb_compare_write(cmps, args->nfiles - 1, args->format, pb_use_color(out), out, msg);
    if (fflush(out) != 0 && st == PB_OK)
        st = pb_msg_set(msg, PB_ERR_IO, "could not write the comparison: %s", strerror(errno));
    if (out != stdout && fclose(out) != 0 && st == PB_OK)
        st = pb_msg_set(msg, PB_ERR_IO, "could not write '%s': %s", args->output, strerror(errno));
    return st;
}

int pb_compare_main(int argc, char **argv)
{
    pb_compare_args args;
    pb_msg msg = { "" };
    pb_status st = pb_compare_parse_args(argc, argv, &args, &msg);
    if (st == PB_OK && args.help) {
        fputs(pb_compare_usage, stdout);
        free(args.files);
        return 0;
    }
    pb_resultset *sets = NULL;
    pb_comparison *cmps = NULL;
    if (st == PB_OK) {
        sets = calloc((size_t)args.nfiles, sizeof *sets);
        cmps = calloc((size_t)args.nfiles, sizeof *cmps);
        if (!sets || !cmps)
            st = pb_msg_set(&msg, PB_ERR_NOMEM, "out of memory");
    }
    if (st == PB_OK)
        st = pb_compare_run(&args, sets, cmps, &msg);
    for (int i = 0; sets && cmps && i < args.nfiles; i++) {
        pb_comparison_free(&cmps[i]);
        pb_resultset_free(&sets[i]);
    }
    free(sets);
    free(cmps);
    free(args.files);
    if (st != PB_OK) {
        fprintf(stderr, "parbench compare: %s\n", msg.text);
        return 2;
    }
    return 0;
}
