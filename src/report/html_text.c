/* The report's text buffer (html_text.h): appends, escaping, and the out-of-memory flag. */
#include "html_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pb_html_init(pb_html *h) { memset(h, 0, sizeof *h); }

void pb_html_free(pb_html *h)
{
    if (!h)
        return;
    free(h->data);
    memset(h, 0, sizeof *h);
}

/* Room for `more` bytes and the terminating NUL; 0 (and the flag set) when memory ran out. */
static int pb_html_reserve(pb_html *h, size_t more)
{
    if (h->nomem)
        return 0;
    if (h->len + more + 1 <= h->cap)
        return 1;
    size_t cap = h->cap ? h->cap : 4096;
    while (cap < h->len + more + 1)
        cap *= 2;
    char *grown = realloc(h->data, cap);
    if (!grown) {
        h->nomem = 1;
        return 0;
    }
    h->data = grown;
    h->cap = cap;
    return 1;
}

static void pb_html_append(pb_html *h, const char *s, size_t n)
{
    if (!pb_html_reserve(h, n))
        return;
    memcpy(h->data + h->len, s, n);
    h->len += n;
    h->data[h->len] = '\0';
}

void pb_html_raw(pb_html *h, const char *markup) { pb_html_append(h, markup, strlen(markup)); }

static void pb_html_vrawf(pb_html *h, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n >= 0 && pb_html_reserve(h, (size_t)n)) {
        vsnprintf(h->data + h->len, (size_t)n + 1, fmt, again);
        h->len += (size_t)n;
    } else if (n < 0) {
        h->nomem = 1;
    }
    va_end(again);
}

void pb_html_rawf(pb_html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pb_html_vrawf(h, fmt, ap);
    va_end(ap);
}

/* The entity that stands for byte c in text, or NULL when c stands for itself (c != 0). */
static const char *pb_html_entity(unsigned char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    case '\t':
    case '\n': return NULL;
    default: return c < 0x20 || c == 0x7f ? "&#xFFFD;" : NULL;
    }
}

void pb_html_text(pb_html *h, const char *text)
{
    const char *run = text, *p = text;
    for (; *p; p++) {
        const char *entity = pb_html_entity((unsigned char)*p);
        if (!entity)
            continue;
        pb_html_append(h, run, (size_t)(p - run));
        pb_html_raw(h, entity);
        run = p + 1;
    }
    pb_html_append(h, run, (size_t)(p - run));
}

void pb_html_textf(pb_html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pb_html tmp;
    pb_html_init(&tmp);
    pb_html_vrawf(&tmp, fmt, ap);
    va_end(ap);
    if (tmp.nomem)
        h->nomem = 1;
    else if (tmp.data)
        pb_html_text(h, tmp.data);
    pb_html_free(&tmp);
}

pb_status pb_html_status(const pb_html *h, pb_msg *msg)
{
    return h->nomem ? pb_msg_set(msg, PB_ERR_NOMEM, "out of memory writing the report") : PB_OK;
}
