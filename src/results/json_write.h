/* A small streaming JSON writer (indented, strict escaping, non-finite numbers as null) and the
 * result-file writer built on it (schema in docs/SCHEMA.md). */
#ifndef PB_JSON_WRITE_H
#define PB_JSON_WRITE_H

#include <stdint.h>
#include <stdio.h>

#include "../core/status.h"
#include "result.h"

#define PB_JSON_MAX_DEPTH 64

/* Streaming writer state. Zero-initialise through pb_json_writer_init. Values are written with a
 * key inside objects and with key NULL inside arrays and at the top level. Misuse (a key missing or
 * extra, nesting beyond PB_JSON_MAX_DEPTH) and stream errors set `failed` rather than aborting, so
 * callers write everything and check once at the end with pb_json_writer_finish. */
typedef struct pb_json_writer {
    FILE *out;
    int depth;
    int count[PB_JSON_MAX_DEPTH + 1];   /* values written so far at each level, for commas */
    char one_line[PB_JSON_MAX_DEPTH + 1]; /* 1: this container's items stay on one line */
    char is_object[PB_JSON_MAX_DEPTH + 1];
    int failed;
} pb_json_writer;

void pb_json_writer_init(pb_json_writer *w, FILE *out);
/* Ends the document with a newline. PB_ERR_IO when anything went wrong (including misuse). */
pb_status pb_json_writer_finish(pb_json_writer *w, pb_msg *msg);

void pb_json_object_begin(pb_json_writer *w, const char *key);
/* An object whose members are written on one line: for small records in long lists. */
void pb_json_object_begin_inline(pb_json_writer *w, const char *key);
void pb_json_object_end(pb_json_writer *w);
void pb_json_array_begin(pb_json_writer *w, const char *key);
/* An array whose items are written on one line: for long lists of numbers such as samples. */
void pb_json_array_begin_inline(pb_json_writer *w, const char *key);
void pb_json_array_end(pb_json_writer *w);

/* Invalid UTF-8 is written as U+FFFD; control characters are escaped. NULL writes null. */
void pb_json_string(pb_json_writer *w, const char *key, const char *value);
/* The shortest form that reads back to the same double; NaN and infinities are written as null. */
void pb_json_number(pb_json_writer *w, const char *key, double value);
void pb_json_int(pb_json_writer *w, const char *key, int64_t value);
void pb_json_uint(pb_json_writer *w, const char *key, uint64_t value);
void pb_json_bool(pb_json_writer *w, const char *key, int value);
void pb_json_null(pb_json_writer *w, const char *key);

/* Writes `value` as a JSON string literal (quotes included) to `out`; usable without a writer. */
void pb_json_write_escaped(FILE *out, const char *value);

/* Writes the whole result set as one JSON document. */
pb_status pb_json_write_resultset_stream(const pb_resultset *set, FILE *out, pb_msg *msg);

/* Writes the result set to `path` atomically: into "<path>.tmp.<pid>" beside it, flushed and
 * synced, then renamed over `path`. On failure nothing is left behind and `path` is untouched. */
pb_status pb_json_write_resultset(const pb_resultset *set, const char *path, pb_msg *msg);

#endif
