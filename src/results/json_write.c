/* The streaming JSON writer and the result-file writer, which walks the schema tables (schema.c;
 * docs/SCHEMA.md), with the atomic write-to-temp-then-rename that keeps an interrupted run from
 * leaving half a result file. */
#include "json_write.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/atomic_file.h"
#include "schema.h"
#include "utf8.h"

void pb_json_writer_init(pb_json_writer *w, FILE *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
}

pb_status pb_json_writer_finish(pb_json_writer *w, pb_msg *msg)
{
    if (w->depth != 0)
        w->failed = 1;
    fputc('\n', w->out);
    if (w->failed || ferror(w->out))
        return pb_msg_set(msg, PB_ERR_IO, "could not write the JSON document%s",
                          w->failed ? " (unbalanced or malformed structure)" : "");
    return PB_OK;
}

static void pb_json_indent(pb_json_writer *w)
{
    fputc('\n', w->out);
    for (int i = 0; i < w->depth; i++)
        fputs("  ", w->out);
}

void pb_json_write_escaped(FILE *out, const char *value)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)value;
    size_t left = strlen(value);
    fputc('"', out);
    while (left > 0) {
        int len = pb_utf8_valid_len(s, left);
        if (len == 0) {
            fputs("\xEF\xBF\xBD", out); /* U+FFFD REPLACEMENT CHARACTER, one per bad byte */
            len = 1;
        } else if (*s == '"' || *s == '\\') {
            fputc('\\', out);
            fputc(*s, out);
        } else if (*s < 0x20) {
            switch (*s) {
            case '\n': fputs("\\n", out); break;
            case '\t': fputs("\\t", out); break;
            case '\r': fputs("\\r", out); break;
            case '\b': fputs("\\b", out); break;
            case '\f': fputs("\\f", out); break;
            default:
                fputs("\\u00", out);
                fputc(hex[*s >> 4], out);
                fputc(hex[*s & 15], out);
            }
        } else {
            fwrite(s, 1, (size_t)len, out);
        }
        s += len;
        left -= (size_t)len;
    }
    fputc('"', out);
}

/* Separator, indentation and key before a value; a key is required exactly inside objects. */
static void pb_json_prefix(pb_json_writer *w, const char *key)
{
    int in_object = w->depth > 0 && w->is_object[w->depth];
    if ((key != NULL) != in_object || (w->depth == 0 && w->count[0] > 0)) {
        w->failed = 1;
        return;
    }
    if (w->depth > 0) {
        if (w->count[w->depth] > 0)
            fputc(',', w->out);
        if (!w->one_line[w->depth])
            pb_json_indent(w);
        else if (w->count[w->depth] > 0)
            fputc(' ', w->out);
    }
    w->count[w->depth]++;
    if (key) {
        pb_json_write_escaped(w->out, key);
        fputs(": ", w->out);
    }
}

static void pb_json_open(pb_json_writer *w, const char *key, int object, int one_line)
{
    if (w->depth >= PB_JSON_MAX_DEPTH) {
        w->failed = 1;
        return;
    }
    pb_json_prefix(w, key);
    fputc(object ? '{' : '[', w->out);
    int parent_one_line = w->depth > 0 && w->one_line[w->depth];
    w->depth++;
    w->count[w->depth] = 0;
    w->is_object[w->depth] = (char)object;
    w->one_line[w->depth] = (char)(one_line || parent_one_line);
}

static void pb_json_close(pb_json_writer *w, int object)
{
    if (w->depth == 0 || w->is_object[w->depth] != object) {
        w->failed = 1;
        return;
    }
    int had_items = w->count[w->depth] > 0, one_line = w->one_line[w->depth];
    w->depth--;
    if (had_items && !one_line)
        pb_json_indent(w);
    fputc(object ? '}' : ']', w->out);
}

void pb_json_object_begin(pb_json_writer *w, const char *key) { pb_json_open(w, key, 1, 0); }
void pb_json_object_begin_inline(pb_json_writer *w, const char *key) { pb_json_open(w, key, 1, 1); }
void pb_json_object_end(pb_json_writer *w) { pb_json_close(w, 1); }
void pb_json_array_begin(pb_json_writer *w, const char *key) { pb_json_open(w, key, 0, 0); }
void pb_json_array_begin_inline(pb_json_writer *w, const char *key) { pb_json_open(w, key, 0, 1); }
void pb_json_array_end(pb_json_writer *w) { pb_json_close(w, 0); }

void pb_json_string(pb_json_writer *w, const char *key, const char *value)
{
    pb_json_prefix(w, key);
    if (value)
        pb_json_write_escaped(w->out, value);
    else
        fputs("null", w->out);
}

void pb_json_number(pb_json_writer *w, const char *key, double value)
{
    char buf[40];
    pb_json_prefix(w, key);
    if (!isfinite(value)) {
        fputs("null", w->out); /* JSON has no NaN or Infinity */
        return;
    }
    /* The fewest digits (15..17) that read back to exactly the same double. */
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, value);
        if (strtod(buf, NULL) == value)
            break;
    }
    fputs(buf, w->out);
}

void pb_json_int(pb_json_writer *w, const char *key, int64_t value)
{
    pb_json_prefix(w, key);
    fprintf(w->out, "%" PRId64, value);
}

void pb_json_uint(pb_json_writer *w, const char *key, uint64_t value)
{
    pb_json_prefix(w, key);
    fprintf(w->out, "%" PRIu64, value);
}

void pb_json_bool(pb_json_writer *w, const char *key, int value)
{
    pb_json_prefix(w, key);
    fputs(value ? "true" : "false", w->out);
}

void pb_json_null(pb_json_writer *w, const char *key)
{
    pb_json_prefix(w, key);
    fputs("null", w->out);
}

/* ---- the result file: written by walking the schema tables (schema.c) -------------------------- */

static void pb_json_number_array(pb_json_writer *w, const char *key, const double *v, int n)
{
    pb_json_array_begin_inline(w, key);
    for (int i = 0; i < n; i++)
        pb_json_number(w, NULL, v[i]);
    pb_json_array_end(w);
}

/* A space-separated list written as an array of strings. */
static void pb_json_word_array(pb_json_writer *w, const char *key, const char *words)
{
    pb_json_array_begin_inline(w, key);
    const char *p = words;
    for (;;) {
        p += strspn(p, " ");
        size_t len = strcspn(p, " ");
        if (len == 0)
            break;
        char word[128];
        size_t keep = len < sizeof word ? len : sizeof word - 1;
        memcpy(word, p, keep);
        word[keep] = '\0';
        pb_json_string(w, NULL, word);
        p += len;
    }
    pb_json_array_end(w);
}

#define PB_MEMBER(base, f, type) ((const type *)((const char *)(base) + (f)->offset))
#define PB_COUNT_OF(base, f) (*(const int *)((const char *)(base) + (f)->count))

static void pb_json_write_object(pb_json_writer *w, const char *key, const pb_schema *schema, const void *base,
                                 int inline_);

/* Arrays of records: elements of `stride` bytes from `first`, each an object of `schema`. */
static void pb_json_write_records(pb_json_writer *w, const pb_field *f, const void *first, size_t stride, int n,
                                  int inline_items)
{
    pb_json_array_begin(w, f->key);
    for (int i = 0; i < n; i++)
        pb_json_write_object(w, NULL, f->sub, (const char *)first + (size_t)i * stride, inline_items);
    pb_json_array_end(w);
}

static void pb_json_write_size(pb_json_writer *w, const char *key, const pb_result *r)
{
    pb_json_object_begin(w, key);
    for (int i = 0; i < r->ndims && i < PB_MAX_DIMS; i++)
        pb_json_int(w, r->dim_names[i], r->dims[i]);
    pb_json_object_end(w);
}

static void pb_json_write_sample_rounds(pb_json_writer *w, const char *key, const int *rounds, int n)
{
    if (!rounds)
        return;
    pb_json_array_begin_inline(w, key);
    for (int i = 0; i < n; i++)
        pb_json_int(w, NULL, rounds[i]);
    pb_json_array_end(w);
}

/* Fields whose value is an array (of numbers, words or records). */
static void pb_json_write_array_field(pb_json_writer *w, const pb_field *f, const void *base)
{
    int n = f->count ? PB_COUNT_OF(base, f) : 0;
    if ((f->flags & PB_FIELD_OMIT_EMPTY) && n == 0)
        return;
    switch (f->kind) {
    case PB_FIELD_WORDS: pb_json_word_array(w, f->key, PB_MEMBER(base, f, char)); break;
    case PB_FIELD_SAMPLES: pb_json_number_array(w, f->key, *PB_MEMBER(base, f, double *), n); break;
    case PB_FIELD_SAMPLE_ROUNDS: pb_json_write_sample_rounds(w, f->key, *PB_MEMBER(base, f, int *), n); break;
    case PB_FIELD_PERF_LEVELS:
        pb_json_write_records(w, f, PB_MEMBER(base, f, pb_perf_level), sizeof(pb_perf_level),
                              n < PB_MAX_PERF_LEVELS ? n : PB_MAX_PERF_LEVELS, 0);
        break;
    case PB_FIELD_ROUND_STATES:
        pb_json_write_records(w, f, *PB_MEMBER(base, f, pb_round_state *), sizeof(pb_round_state), n, 1);
        break;
    case PB_FIELD_DEVICES:
        pb_json_write_records(w, f, *PB_MEMBER(base, f, pb_device_record *), sizeof(pb_device_record), n, 0);
        break;
    case PB_FIELD_RESULTS:
        pb_json_write_records(w, f, *PB_MEMBER(base, f, pb_result *), sizeof(pb_result), n, 0);
        break;
    default: w->failed = 1;
    }
}

/* Strings that may be empty are written as null where the schema says so. */
static void pb_json_write_text(pb_json_writer *w, const pb_field *f, const char *text)
{
    pb_json_string(w, f->key, (f->flags & PB_FIELD_NULL_EMPTY) && !text[0] ? NULL : text);
}

static void pb_json_write_field(pb_json_writer *w, const pb_field *f, const void *base)
{
    if ((f->flags & PB_FIELD_WHEN) && !*(const int *)((const char *)base + f->when)) {
        if (f->flags & PB_FIELD_NULL_ABSENT)
            pb_json_null(w, f->key);
        return;
    }
    switch (f->kind) {
    case PB_FIELD_STRING:
    case PB_FIELD_NAME: pb_json_write_text(w, f, PB_MEMBER(base, f, char)); break;
    case PB_FIELD_CONST: pb_json_string(w, f->key, f->text); break;
    case PB_FIELD_DOUBLE: pb_json_number(w, f->key, *PB_MEMBER(base, f, double)); break;
    case PB_FIELD_KNOWN: {
        double v = *PB_MEMBER(base, f, double);
        if (v < 0)
            pb_json_null(w, f->key);
        else
            pb_json_number(w, f->key, v);
        break;
    }
    case PB_FIELD_INT: pb_json_int(w, f->key, *PB_MEMBER(base, f, int)); break;
    case PB_FIELD_I64: pb_json_int(w, f->key, *PB_MEMBER(base, f, int64_t)); break;
    case PB_FIELD_U64: pb_json_uint(w, f->key, *PB_MEMBER(base, f, uint64_t)); break;
    case PB_FIELD_BOOL: pb_json_bool(w, f->key, *PB_MEMBER(base, f, int)); break;
    case PB_FIELD_ENUM: pb_json_string(w, f->key, f->enum_name(*PB_MEMBER(base, f, int))); break;
    case PB_FIELD_OBJECT:
        pb_json_write_object(w, f->key, f->sub, PB_MEMBER(base, f, char), (f->flags & PB_FIELD_INLINE) != 0);
        break;
    case PB_FIELD_SIZE: pb_json_write_size(w, f->key, base); break;
    default: pb_json_write_array_field(w, f, base);
    }
}

static void pb_json_write_object(pb_json_writer *w, const char *key, const pb_schema *schema, const void *base,
                                 int inline_)
{
    if (inline_)
        pb_json_object_begin_inline(w, key);
    else
        pb_json_object_begin(w, key);
    for (size_t i = 0; i < schema->count; i++)
        pb_json_write_field(w, &schema->fields[i], base);
    pb_json_object_end(w);
}

pb_status pb_json_write_resultset_stream(const pb_resultset *set, FILE *out, pb_msg *msg)
{
    pb_json_writer w;
    pb_json_writer_init(&w, out);
    pb_json_object_begin(&w, NULL);
    pb_json_string(&w, "schema", PB_SCHEMA_NAME);
    pb_json_int(&w, "schema_version", PB_SCHEMA_VERSION);
    for (size_t i = 0; i < pb_schema_resultset.count; i++)
        pb_json_write_field(&w, &pb_schema_resultset.fields[i], set);
    pb_json_object_end(&w);
    return pb_json_writer_finish(&w, msg);
}

static pb_status pb_write_error(const char *path, int err, pb_msg *msg)
{
    return pb_msg_set(msg, PB_ERR_IO,
                      "cannot write the result file '%s': %s; check the directory exists and is "
                      "writable, or choose another path with -o",
                      path, strerror(err));
}

pb_status pb_json_write_resultset(const pb_resultset *set, const char *path, pb_msg *msg)
{
    pb_atomic_file f;
    int err = pb_atomic_open(&f, path);
    if (err != 0)
        return pb_write_error(path, err, msg);
    pb_msg ignored;
    errno = 0;
    if (pb_json_write_resultset_stream(set, f.out, &ignored) != PB_OK)
        err = errno ? errno : EIO;
    if ((err = pb_atomic_commit(&f, err)) != 0)
        return pb_write_error(path, err, msg);
    return PB_OK;
}
