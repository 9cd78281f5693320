/* Option parsing for the subcommands (see opts.h). */
#include "opts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        if (!spec)
            return pb_msg_set(msg, PB_ERR_USAGE, "unknown option '%.*s' for 'parbench %s'; see 'parbench %s --help'",
                              (int)len, arg, command, command);
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
