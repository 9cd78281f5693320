/* The text and Markdown forms of a comparison (compare_format.c dispatches to them): the plain
 * answer first, then the detail tables, fitted to a width. */
#ifndef PB_COMPARE_TEXT_H
#define PB_COMPARE_TEXT_H

#include <stdio.h>

#include "compare.h"

/* Writes one comparison as text (Markdown when `markdown`). width: the columns the text must fit
 * (0: no limit, every column; Markdown always keeps every column). `color`: ANSI colours on the
 * verdicts (text only). Returns 0 when out of memory. */
int pb_compare_write_text(const pb_comparison *cmp, int markdown, int color, int width, FILE *out);

#endif
