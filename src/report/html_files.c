/* `parbench report` below its options (src/cli/cmd_report.c parses them): read the result files,
 * write the page through a temporary file that is renamed into place only when it is whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/atomic_file.h"
#include "../results/json_read.h"
#include "html.h"

/* Writes the page through a temporary file (core/atomic_file.h): `output` is either the whole page
 * or untouched. */
static pb_status pb_html_write_atomic(const pb_html *page, const char *output, pb_msg *msg)
{
    pb_atomic_file f;
    int err = pb_atomic_open(&f, output);
    if (err != 0)
        return pb_msg_set(msg, PB_ERR_USAGE, "cannot write '%s': %s; check the directory exists and is writable, "
                          "or choose another path with -o",
                          output, strerror(err));
    if (fwrite(page->data, 1, page->len, f.out) != page->len)
        err = errno ? errno : EIO;
    if ((err = pb_atomic_commit(&f, err)) != 0)
        return pb_msg_set(msg, PB_ERR_IO, "could not write '%s': %s", output, strerror(err));
    return PB_OK;
}

pb_status pb_html_report_files(const char *const *files, int n, double threshold, const char *output, size_t *bytes,
                               pb_msg *msg)
{
    if (n < 1 || n > PB_HTML_MAX_FILES)
        return pb_msg_set(msg, PB_ERR_USAGE, "a report takes 1 to %d result files; got %d", PB_HTML_MAX_FILES, n);
    for (int i = 0; i < n; i++)
        if (strcmp(files[i], output) == 0)
            return pb_msg_set(msg, PB_ERR_USAGE,
                              "the report would overwrite its input '%s': choose another path with -o", output);
    pb_resultset *sets = calloc((size_t)n, sizeof *sets);
    pb_status st = sets ? PB_OK : pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n && st == PB_OK; i++) {
        st = pb_json_read_resultset(files[i], &sets[i], msg);
        if (st == PB_ERR_IO)
            st = PB_ERR_INPUT; /* a missing or unreadable file is bad input to the report */
    }
    pb_html page;
    pb_html_init(&page);
    if (st == PB_OK)
        st = pb_html_report(sets, files, n, threshold, &page, msg);
    if (st == PB_OK)
        st = pb_html_write_atomic(&page, output, msg);
    if (st == PB_OK)
        *bytes = page.len;
    pb_html_free(&page);
    for (int i = 0; sets && i < n; i++)
        pb_resultset_free(&sets[i]);
    free(sets);
    return st;
}
