/* Text for a terminal: display widths and word wrapping. */
#include "text.h"

#include <stdlib.h>
#include <string.h>

int pb_text_width_n(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n && s[i]; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

void pb_text_wrap(FILE *out, int width, const char *first, const char *rest, const char *text)
{
    int col = pb_text_width_n(first, strlen(first)), start = 1;
    fputs(first, out);
    for (const char *p = text; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t n = strcspn(p, " ");
        int w = pb_text_width_n(p, n);
        if (!start && width > 0 && col + 1 + w > width) {
            fprintf(out, "\n%s", rest);
            col = pb_text_width_n(rest, strlen(rest));
            start = 1;
        }
        if (!start) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, n, out);
        col += w;
        start = 0;
        p += n;
    }
    fputc('\n', out);
}

int pb_text_columns(int fallback)
{
    const char *columns = getenv("COLUMNS");
    char *end = NULL;
    long n = columns && columns[0] ? strtol(columns, &end, 10) : 0;
    return n >= 20 && n <= 10000 && end && *end == '\0' ? (int)n : fallback;
}
