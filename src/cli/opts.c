/* Option parsing for the subcommands (see opts.h). */
#include "opts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Optimal string alignment distance, for words up to 63 characters (longer ones are never near). */
static int pb_opts_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    int d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            best = d[i - 1][j] + 1 < best ? d[i - 1][j] + 1 : best;
            best = d[i][j - 1] + 1 < best ? d[i][j - 1] + 1 : best;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *pb_opts_nearest(const char *word, const char *const *candidates, int n)
{
    const char *best = NULL;
    int best_d = 3;
    for (int i = 0; i < n; i++) {
        int d = pb_opts_distance(word, candidates[i]);
        if (d < best_d && d < (int)strlen(word)) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}

void pb_opts_suggest(pb_msg *msg, const char *word, const char *const *candidates, int n)
{
    const char *near = pb_opts_nearest(word, candidates, n);
    size_t len = msg ? strlen(msg->text) : 0;
    if (msg && near)
        snprintf(msg->text + len, sizeof msg->text - len, "; did you mean '%s'?", near);
}

/* The option nearest to the unknown option `arg` (len characters), as "--name", in `out`; "" when none. */
static void pb_opts_near_option(const pb_opt_spec *specs, int nspecs, const char *arg, size_t len, char *out,
                                size_t size)
{
    const char *names[PB_OPTS_MAX];
    int n = 0;
    for (int i = 0; i < nspecs && n < PB_OPTS_MAX; i++)
        names[n++] = specs[i].long_name;
    char word[64];
    size_t skip = arg[1] == '-' ? 2 : 1;
    snprintf(word, sizeof word, "%.*s", (int)(len - skip), arg + skip);
    const char *near = pb_opts_nearest(word, names, n);
    out[0] = '\0';
    if (near)
        snprintf(out, size, "; did you mean '--%s'?", near);
}

static const pb_opt_spec *pb_opts_find(const pb_opt_spec *specs, int nspecs, const char *arg, size_t len)
{
    for (int i = 0; i < nspecs; i++) {
        if (arg[1] == '-') {
            if (strlen(specs[i].long_name) == len - 2 && strncmp(specs[i].long_name, arg + 2, len - 2) == 0)
                return &specs[i];
        } else if (len == 2 && specs[i].short_name && specs[i].short_name == arg[1]) {
            return &specs[i];
        }
    }
    return NULL;
}

pb_status pb_opts_parse(const char *command, const pb_opt_spec *specs, int nspecs, int argc, char **argv,
                        pb_opt_match *matches, int *nmatches, const char **positionals,
                        int *npositionals, int max, pb_msg *msg)
{
    *nmatches = *npositionals = 0;
    int only_positionals = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positionals || arg[0] != '-' || arg[1] == '\0') {
            if (*npositionals >= max)
                return pb_msg_set(msg, PB_ERR_USAGE, "too many arguments for 'parbench %s'", command);
            positionals[(*npositionals)++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positionals = 1;
            continue;
        }
        const char *eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        const pb_opt_spec *spec = pb_opts_find(specs, nspecs, arg, len);
        if (!spec) {
            char near[96];
            pb_opts_near_option(specs, nspecs, arg, len, near, sizeof near);
            if (!near[0])
                snprintf(near, sizeof near, "; see 'parbench %s --help'", command);
            return pb_msg_set(msg, PB_ERR_USAGE, "unknown option '%.*s' for 'parbench %s'%s", (int)len, arg, command,
                              near);
        }
        const char *value = NULL;
        if (spec->takes_value) {
            if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return pb_msg_set(msg, PB_ERR_USAGE, "option '--%s' needs a value (%s); see 'parbench %s --help'",
                                  spec->long_name, spec->value_name, command);
        } else if (eq) {
            return pb_msg_set(msg, PB_ERR_USAGE, "option '--%s' takes no value", spec->long_name);
        }
        if (*nmatches >= max)
            return pb_msg_set(msg, PB_ERR_USAGE, "too many options for 'parbench %s'", command);
        matches[*nmatches].id = spec->id;
        matches[*nmatches].value = value;
        (*nmatches)++;
    }
    return PB_OK;
}

void pb_opts_print_help(const pb_opt_spec *specs, int nspecs)
{
    for (int i = 0; i < nspecs; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s%c%s--%s%s%s", specs[i].short_name ? "-" : "",
                 specs[i].short_name ? specs[i].short_name : ' ', specs[i].short_name ? ", " : "  ",
                 specs[i].long_name, specs[i].takes_value ? " " : "",
                 specs[i].takes_value ? specs[i].value_name : "");
        printf("  %-28s %s\n", specs[i].short_name ? left : left + 1, specs[i].help);
    }
}

pb_status pb_opts_double(const char *option, const char *text, double lo, double hi, double *out, pb_msg *msg)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v))
        return pb_msg_set(msg, PB_ERR_USAGE, "%s: '%s' is not a number", option, text);
    if (v < lo || v > hi)
        return pb_msg_set(msg, PB_ERR_USAGE, "%s: %s is out of range; use a value from %g to %g", option, text, lo, hi);
    *out = v;
    return PB_OK;
}

pb_status pb_opts_int(const char *option, const char *text, long lo, long hi, long *out, pb_msg *msg)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno == ERANGE)
        return pb_msg_set(msg, PB_ERR_USAGE, "%s: '%s' is not a whole number", option, text);
    if (v < lo || v > hi)
        return pb_msg_set(msg, PB_ERR_USAGE, "%s: %ld is out of range; use a value from %ld to %ld", option, v, lo, hi);
    *out = v;
    return PB_OK;
}

pb_status pb_opts_split(const char *option, char *text, const char **items, int max, int *count, pb_msg *msg)
{
    *count = 0;
    char *p = text;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*p == '\0')
            return pb_msg_set(msg, PB_ERR_USAGE, "%s: empty item in the list; write items separated by commas, e.g. a,b", option);
        if (*count >= max)
            return pb_msg_set(msg, PB_ERR_USAGE, "%s: more than %d items", option, max);
        items[(*count)++] = p;
        if (!comma)
            break;
        p = comma + 1;
    }
    return PB_OK;
}

pb_status pb_opts_parse_only(const char *command, const pb_opt_spec *specs, int nspecs, int help_id, int argc,
                             char **argv, pb_opt_match *matches, int *nmatches, int max, int *help, pb_msg *msg)
{
    const char *pos[PB_OPTS_MAX];
    int np = 0;
    *help = 0;
    pb_status st = pb_opts_parse(command, specs, nspecs, argc, argv, matches, nmatches, pos, &np,
                                 max < PB_OPTS_MAX ? max : PB_OPTS_MAX, msg);
    if (st == PB_OK && np > 0)
        return pb_msg_set(msg, PB_ERR_USAGE, "unexpected argument '%s' for 'parbench %s'; see 'parbench %s --help'",
                          pos[0], command, command);
    if (st != PB_OK)
        return st;
    for (int i = 0; i < *nmatches; i++)
        *help |= matches[i].id == help_id;
    return PB_OK;
}
