/* A growing text buffer for the HTML report and its SVG charts: markup as given, text escaped, and
 * one sticky out-of-memory flag that the writer checks once at the end. */
#ifndef PB_HTML_TEXT_H
#define PB_HTML_TEXT_H

#include <stddef.h>

#include "../core/status.h"

typedef struct pb_html {
    char *data;     /* NUL-terminated; NULL until something was written */
    size_t len, cap;
    int nomem;      /* an append failed: the text is incomplete */
} pb_html;

void pb_html_init(pb_html *h);
void pb_html_free(pb_html *h); /* accepts NULL */

/* Markup, written as it is: only for text this program wrote itself. */
void pb_html_raw(pb_html *h, const char *markup);
void pb_html_rawf(pb_html *h, const char *fmt, ...) PB_PRINTF(2, 3);

/* Text, escaped for an element's content and for a quoted attribute value alike: & < > " ' become
 * entities and control characters (but tab and newline) U+FFFD, so every string from a result
 * file shows as text and never as markup. */
void pb_html_text(pb_html *h, const char *text);
void pb_html_textf(pb_html *h, const char *fmt, ...) PB_PRINTF(2, 3);

/* PB_ERR_NOMEM when an append failed, else PB_OK. */
pb_status pb_html_status(const pb_html *h, pb_msg *msg);

#endif
