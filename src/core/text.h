/* Text for a terminal: display widths and word wrapping, shared by every command's output. */
#ifndef PB_TEXT_H
#define PB_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Display width of the first n bytes of s: UTF-8 continuation bytes take no column. */
int pb_text_width_n(const char *s, size_t n);

/* Writes `text` (one paragraph, no newlines) in lines of at most `width` columns (0: one line), the
 * first starting with `first` and the others with `rest`. Runs of spaces become one; a word longer
 * than a line stands alone on it. */
void pb_text_wrap(FILE *out, int width, const char *first, const char *rest, const char *text);

/* The terminal's width from $COLUMNS when it holds a whole number from 20 to 10000, else
 * `fallback`: every command reads it the one way. */
int pb_text_columns(int fallback);

#endif
