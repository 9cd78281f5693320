/* `parbench compare` below its options (src/cli/cmd_compare.c parses them): load the files and
 * write the comparison of every file against the first (the baseline). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/atomic_file.h"
#include "../core/text.h"
#include "../results/json_read.h"
#include "compare.h"

/* Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
static int pb_use_color(FILE *out)
{
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    return out == stdout && isatty(fileno(stdout)) && !(no_color && no_color[0]) &&
           !(term && strcmp(term, "dumb") == 0);
}

/* The columns the text fits: $COLUMNS where it holds a sensible number, else PB_COMPARE_WIDTH;
 * 0 (no limit) for --wide. */
static int pb_compare_width(int wide) { return wide ? 0 : pb_text_columns(PB_COMPARE_WIDTH); }

/* Writes the comparisons to `output` (NULL: standard output), whole or not at all; an unwritable
 * -o is bad usage. */
static pb_status pb_compare_output(const pb_comparison *cmps, int n, pb_compare_format format, int width,
                                   const char *output, pb_msg *msg)
{
    if (!output) {
        pb_status st = pb_compare_write_width(cmps, n, format, pb_use_color(stdout), width, stdout, msg);
        if (fflush(stdout) != 0 && st == PB_OK)
            st = pb_msg_set(msg, PB_ERR_IO, "could not write the comparison: %s", strerror(errno));
        return st;
    }
    pb_atomic_file f;
    int err = pb_atomic_open(&f, output);
    if (err != 0)
        return pb_msg_set(msg, PB_ERR_USAGE, "cannot write '%s': %s; check the directory exists and is writable",
                          output, strerror(err));
    pb_status st = pb_compare_write_width(cmps, n, format, 0, width, f.out, msg);
    if (st != PB_OK) {
        pb_atomic_discard(&f);
        return st;
    }
    if ((err = pb_atomic_commit(&f, 0)) != 0)
        return pb_msg_set(msg, PB_ERR_IO, "could not write '%s': %s", output, strerror(err));
    return PB_OK;
}

pb_status pb_compare_files(const char *const *files, int nfiles, pb_compare_format format, double threshold,
                           int wide, const char *output, pb_msg *msg)
{
    pb_resultset *sets = calloc((size_t)nfiles, sizeof *sets);
    pb_comparison *cmps = calloc((size_t)nfiles, sizeof *cmps);
    pb_status st = sets && cmps ? PB_OK : pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
    for (int i = 0; i < nfiles && st == PB_OK; i++) {
        st = pb_json_read_resultset(files[i], &sets[i], msg);
        if (st == PB_ERR_IO)
            st = PB_ERR_INPUT; /* a missing or unreadable file is bad input to compare */
    }
    for (int i = 1; i < nfiles && st == PB_OK; i++) {
        st = pb_compare_build(&sets[0], files[0], &sets[i], files[i], threshold, &cmps[i - 1], msg);
        if (st == PB_OK)
            st = pb_compare_require_common(&cmps[i - 1], msg);
    }
    if (st == PB_OK)
        st = pb_compare_output(cmps, nfiles - 1, format, pb_compare_width(wide), output, msg);
    for (int i = 0; sets && cmps && i < nfiles; i++) {
        pb_comparison_free(&cmps[i]);
        pb_resultset_free(&sets[i]);
    }
    free(sets);
    free(cmps);
    return st;
}
