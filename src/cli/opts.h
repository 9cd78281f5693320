/* A small strict option parser for the subcommands: long and short options, `--opt=value` or
 * `--opt value`, positionals collected, and every malformed value named in the error. */
#ifndef PB_OPTS_H
#define PB_OPTS_H

#include <stdint.h>

#include "../core/status.h"

#define PB_OPTS_MAX 64 /* options or arguments one command line may hold */

typedef struct pb_opt_spec {
    const char *long_name;  /* without the leading "--" */
    char short_name;        /* 0 when none */
    int takes_value;
    int id;
    const char *value_name; /* for help, e.g. "LIST" */
    const char *help;
} pb_opt_spec;

typedef struct pb_opt_match {
    int id;
    const char *value;      /* NULL for flags */
} pb_opt_match;

/* Parses argv[0..argc) (the subcommand's arguments). Matches are appended to `matches` (capacity
 * `max`), positionals to `positionals` (capacity `max`). Returns PB_ERR_USAGE with a message naming
 * the bad option and how to get help. */
pb_status pb_opts_parse(const char *command, const pb_opt_spec *specs, int nspecs, int argc, char **argv,
                        pb_opt_match *matches, int *nmatches, const char **positionals,
                        int *npositionals, int max, pb_msg *msg);

/* For commands that take options but no positional arguments: as pb_opts_parse with matches of
 * capacity `max`; a positional is "unexpected argument"; *help is 1 when the option `help_id` was
 * given. */
pb_status pb_opts_parse_only(const char *command, const pb_opt_spec *specs, int nspecs, int help_id, int argc,
                             char **argv, pb_opt_match *matches, int *nmatches, int max, int *help, pb_msg *msg);

/* Prints "  -s, --long VALUE   help" lines. */
void pb_opts_print_help(const pb_opt_spec *specs, int nspecs);

/* Strict number parsing: the whole string must be a finite number within [lo, hi]. */
pb_status pb_opts_double(const char *option, const char *text, double lo, double hi, double *out, pb_msg *msg);
pb_status pb_opts_int(const char *option, const char *text, long lo, long hi, long *out, pb_msg *msg);

/* "Did you mean": the candidate nearest to `word` by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours), when it is near enough to be a typo of it (at most 2 edits,
 * and fewer than the word has letters); NULL otherwise. */
const char *pb_opts_nearest(const char *word, const char *const *candidates, int n);

/* Appends "; did you mean 'X'?" to msg when pb_opts_nearest finds X. */
void pb_opts_suggest(pb_msg *msg, const char *word, const char *const *candidates, int n);

/* Splits a comma-separated list in place into at most `max` items; empty items are an error. */
pb_status pb_opts_split(const char *option, char *text, const char **items, int max, int *count, pb_msg *msg);

#endif
