/* Maps a parsed result file onto the result model by walking the schema tables (schema.c) that
 * also drive the writer: they give each field's type, range and place; every error names the
 * file, the position and the field ("r.json:40:7: results[3].samples_s: ..."). */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "schema.h"
#include "utf8.h"

typedef struct pb_mapper {
    const char *name;
    int64_t version;     /* the file's schema_version */
    pb_msg *msg;
    pb_status status;    /* PB_ERR_INPUT once a field was wrong, PB_ERR_NOMEM when memory ran out */
} pb_mapper;

/* Reports "NAME:LINE:COLUMN: WHERE.KEY: what" and returns 0. */
static int pb_map_fail(pb_mapper *m, const pb_json_value *at, const char *where, const char *key,
                       const char *fmt, ...) PB_PRINTF(5, 6);

static int pb_map_fail(pb_mapper *m, const pb_json_value *at, const char *where, const char *key,
                       const char *fmt, ...)
{
    char what[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    char path[128];
    snprintf(path, sizeof path, "%s%s%s%s", where, where[0] && key[0] ? "." : "", key,
             where[0] || key[0] ? ": " : "");
    m->status = pb_msg_set(m->msg, PB_ERR_INPUT, "%s:%d:%d: %s%s", m->name, at->line, at->column, path, what);
    return 0;
}

/* ---- values ---------------------------------------------------------------------------------- */

#define PB_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void pb_copy_truncated(char *dst, size_t size, const char *src, size_t len)
{
    if (len >= size) {
        len = size - 1;
        /* Back up to the start of a character so the copy stays valid UTF-8. */
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static int pb_map_string(pb_mapper *m, const pb_json_value *v, const char *where, const pb_field *f,
                         char *dst)
{
    if (v->type == PB_JSON_NULL && !(f->flags & PB_FIELD_REQUIRED)) {
        dst[0] = '\0';
        return 1;
    }
    if (v->type != PB_JSON_STRING)
        return pb_map_fail(m, v, where, f->key, "expected a string");
    if (f->kind == PB_FIELD_NAME && v->u.string.length >= f->size)
        return pb_map_fail(m, v, where, f->key, "longer than %zu bytes", f->size - 1);
    pb_copy_truncated(dst, f->size, v->u.string.text, v->u.string.length);
    return 1;
}

/* An integer in [lo, hi]: written without a fraction, or as a double with an integral value. */
static int pb_map_integer(pb_mapper *m, const pb_json_value *v, const char *where, const char *key,
                          int64_t lo, int64_t hi, int64_t *out)
{
    if (v->type != PB_JSON_NUMBER)
        return pb_map_fail(m, v, where, key, "expected an integer");
    double d = v->u.number.value;
    int64_t i;
    if (v->u.number.is_integer && (v->u.number.is_negative || v->u.number.u <= INT64_MAX))
        i = v->u.number.i;
    else if (d == floor(d) && fabs(d) <= 9007199254740992.0) /* 2^53: exact as a double */
        i = (int64_t)d;
    else
        return pb_map_fail(m, v, where, key, "expected an integer");
    if (i < lo || i > hi)
        return pb_map_fail(m, v, where, key, "%lld is out of range", (long long)i);
    *out = i;
    return 1;
}

static int pb_map_u64(pb_mapper *m, const pb_json_value *v, const char *where, const char *key, uint64_t *out)
{
    int64_t i;
    if (v->type == PB_JSON_NUMBER && v->u.number.is_integer && !v->u.number.is_negative) {
        *out = v->u.number.u;
        return 1;
    }
    if (!pb_map_integer(m, v, where, key, 0, INT64_MAX, &i))
        return 0;
    *out = (uint64_t)i;
    return 1;
}

static int pb_plausible_seconds(double s)
{
    return s >= PB_SCHEMA_MIN_SECONDS && s <= PB_SCHEMA_MAX_SECONDS;
}

/* A number, or null (NaN), within the field's check: stored summaries must be believable too. */
static int pb_map_double(pb_mapper *m, const pb_json_value *v, const char *where, const pb_field *f, double *dst)
{
    if (v->type == PB_JSON_NULL) {
        *dst = f->kind == PB_FIELD_KNOWN ? -1 : NAN;
        return 1;
    }
    if (v->type != PB_JSON_NUMBER)
        return pb_map_fail(m, v, where, f->key, "expected a number");
    double t = v->u.number.value;
    if (f->check == PB_CHECK_TIME && t != 0 && !pb_plausible_seconds(t))
        return pb_map_fail(m, v, where, f->key, "%g s is not a believable time (expected between %g and %g seconds)",
                           t, PB_SCHEMA_MIN_SECONDS, PB_SCHEMA_MAX_SECONDS);
    if (f->check == PB_CHECK_RATE && (t < 0 || t > PB_RESULT_MAX_RATE))
        return pb_map_fail(m, v, where, f->key, "%g is not a believable rate", t);
    *dst = t;
    return 1;
}

static int pb_map_enum(pb_mapper *m, const pb_json_value *v, const char *where, const pb_field *f, int *dst)
{
    if (v->type != PB_JSON_STRING)
        return pb_map_fail(m, v, where, f->key, "expected a string");
    if (!f->enum_parse(v->u.string.text, dst))
        return pb_map_fail(m, v, where, f->key, "unknown %s \"%.40s\" (expected %s)", f->key, v->u.string.text,
                           f->text);
    return 1;
}

/* ---- arrays ---------------------------------------------------------------------------------- */

static int pb_map_fields(pb_mapper *m, const pb_json_value *obj, const char *where, const pb_schema *schema,
                         void *base);

static int pb_nomem(pb_mapper *m, const char *what)
{
    m->status = pb_msg_set(m->msg, PB_ERR_NOMEM, "%s: out of memory reading %s", m->name, what);
    return 0;
}

/* The array value of a field (null is not an array). */
static int pb_map_array(pb_mapper *m, const pb_json_value *v, const char *where, const pb_field *f)
{
    if (v->type == PB_JSON_ARRAY)
        return 1;
    return pb_map_fail(m, v, where, f->key, f->kind == PB_FIELD_SAMPLES ? "expected an array of numbers"
                                                                         : "expected an array");
}

/* An element of an array of records must be an object with the record's fields. */
static int pb_map_record(pb_mapper *m, const pb_json_value *v, const char *where, const char *key, size_t i,
                         const pb_schema *schema, void *base)
{
    char at[96];
    snprintf(at, sizeof at, "%s%s%s[%zu]", where, where[0] ? "." : "", key, i);
    if (v->type != PB_JSON_OBJECT)
        return pb_map_fail(m, v, at, "", "expected an object");
    return pb_map_fields(m, v, at, schema, base);
}

/* backends_built: an array of names, joined with spaces in the model. */
static int pb_map_words(pb_mapper *m, const pb_json_value *arr, const char *where, const pb_field *f, char *dst)
{
    size_t used = 0;
    for (size_t i = 0; i < arr->u.array.count; i++) {
        const pb_json_value *v = &arr->u.array.items[i];
        if (v->type != PB_JSON_STRING)
            return pb_map_fail(m, v, where, f->key, "expected an array of strings");
        size_t len = v->u.string.length, room = f->size - used;
        if (len + (used ? 1 : 0) >= room)
            break;
        if (used)
            dst[used++] = ' ';
        memcpy(dst + used, v->u.string.text, len + 1);
        used += len;
    }
    return 1;
}

static int pb_map_perf_levels(pb_mapper *m, const pb_json_value *arr, const char *where, const pb_field *f,
                              pb_perf_level *levels, int *count)
{
    if (arr->u.array.count > PB_MAX_PERF_LEVELS)
        return pb_map_fail(m, arr, where, f->key, "more than %d levels", PB_MAX_PERF_LEVELS);
    for (size_t i = 0; i < arr->u.array.count; i++)
        if (!pb_map_record(m, &arr->u.array.items[i], where, f->key, i, f->sub, &levels[i]))
            return 0;
    *count = (int)arr->u.array.count;
    return 1;
}

/* A sample array: numbers of seconds within the believable bounds, into an array the result owns. */
static int pb_map_samples(pb_mapper *m, const pb_json_value *arr, const char *where, const pb_field *f,
                          double **dst, int *count)
{
    size_t n = arr->u.array.count;
    if (n > INT_MAX)
        return pb_map_fail(m, arr, where, f->key, "too many samples");
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return pb_nomem(m, "samples");
    for (size_t i = 0; i < n; i++) {
        const pb_json_value *x = &arr->u.array.items[i];
        if (x->type != PB_JSON_NUMBER || !pb_plausible_seconds(x->u.number.value)) {
            free(v);
            char item[64];
            snprintf(item, sizeof item, "%s[%zu]", f->key, i);
            return pb_map_fail(m, x, where, item, "expected a time between %g and %g seconds (a nanosecond and a day)",
                               PB_SCHEMA_MIN_SECONDS, PB_SCHEMA_MAX_SECONDS);
        }
        v[i] = x->u.number.value;
    }
    free(*dst);
    *dst = n ? v : NULL;
    if (!n)
        free(v);
    *count = (int)n;
    return 1;
}

/* Schema 2: each sample's round, an integer in [0, rounds), one per sample. */
static int pb_map_sample_rounds(pb_mapper *m, const pb_json_value *arr, const char *where, const pb_field *f,
                                pb_result *r)
{
    if (arr->u.array.count != (size_t)r->nsamples)
        return pb_map_fail(m, arr, where, f->key, "%zu entries for %d samples; there must be one per sample",
                           arr->u.array.count, r->nsamples);
    int *rounds = malloc(((size_t)r->nsamples + 1) * sizeof *rounds);
    if (!rounds)
        return pb_nomem(m, "sample rounds");
    for (int i = 0; i < r->nsamples; i++) {
        int64_t k = 0;
        char item[40];
        snprintf(item, sizeof item, "%s[%d]", f->key, i);
        if (!pb_map_integer(m, &arr->u.array.items[i], where, item, 0, r->rounds > 0 ? r->rounds - 1 : 0, &k)) {
            free(rounds);
            return 0;
        }
        rounds[i] = (int)k;
    }
    free(r->sample_rounds);
    r->sample_rounds = rounds;
    return 1;
}

static int pb_map_round_states(pb_mapper *m, const pb_json_value *arr, const char *where, const pb_field *f,
                               pb_result *r)
{
    size_t n = arr->u.array.count;
    if (n == 0)
        return 1;
    if (n > (size_t)(r->rounds > 0 ? r->rounds : 0))
        return pb_map_fail(m, arr, where, f->key, "%zu states for %d rounds", n, r->rounds);
    pb_round_state *states = calloc(n, sizeof *states);
    if (!states)
        return pb_nomem(m, "round states");
    for (size_t i = 0; i < n; i++)
        if (!pb_map_record(m, &arr->u.array.items[i], where, f->key, i, f->sub, &states[i])) {
            free(states);
            return 0;
        }
    free(r->round_states);
    r->round_states = states;
    r->nround_states = (int)n;
    return 1;
}

static int pb_map_devices(pb_mapper *m, const pb_json_value *arr, const pb_field *f, pb_resultset *out)
{
    for (size_t i = 0; i < arr->u.array.count; i++) {
        pb_device_record *d = pb_resultset_add_device(out);
        if (!d)
            return pb_nomem(m, "devices");
        if (!pb_map_record(m, &arr->u.array.items[i], "", f->key, i, f->sub, d))
            return 0;
    }
    return 1;
}

/* A result file holds each case once: a repeated one would be counted twice by compare. */
static int pb_map_unique(pb_mapper *m, const pb_json_value *v, const char *where, const pb_resultset *out)
{
    const pb_result *r = &out->results[out->nresults - 1];
    for (int j = 0; j < out->nresults - 1; j++)
        if (pb_result_same_case(&out->results[j], r)) {
            char name[160];
            pb_result_case_name(r, name, sizeof name);
            return pb_map_fail(m, v, where, "",
                               "the same case as results[%d] (%s): a result file holds each case once; "
                               "remove the repeated entry or measure again",
                               j, name);
        }
    return 1;
}

static int pb_map_results(pb_mapper *m, const pb_json_value *arr, const pb_field *f, pb_resultset *out)
{
    for (size_t i = 0; i < arr->u.array.count; i++) {
        const pb_json_value *v = &arr->u.array.items[i];
        char where[32];
        snprintf(where, sizeof where, "%s[%zu]", f->key, i);
        pb_result *r = pb_resultset_add_result(out);
        if (!r)
            return pb_nomem(m, "results");
        if (!pb_map_record(m, v, "", f->key, i, f->sub, r) || !pb_map_unique(m, v, where, out))
            return 0;
        r->check.first_bad = -1;
    }
    return 1;
}

static int pb_map_array_field(pb_mapper *m, const pb_json_value *v, const char *where, const pb_field *f,
                              char *base)
{
    void *dst = base + f->offset;
    int *count = (int *)(base + f->count);
    if (!pb_map_array(m, v, where, f))
        return 0;
    switch (f->kind) {
    case PB_FIELD_WORDS: return pb_map_words(m, v, where, f, dst);
    case PB_FIELD_PERF_LEVELS: return pb_map_perf_levels(m, v, where, f, dst, count);
    case PB_FIELD_SAMPLES: return pb_map_samples(m, v, where, f, dst, count);
    case PB_FIELD_SAMPLE_ROUNDS: return pb_map_sample_rounds(m, v, where, f, (pb_result *)base);
    case PB_FIELD_ROUND_STATES: return pb_map_round_states(m, v, where, f, (pb_result *)base);
    case PB_FIELD_DEVICES: return pb_map_devices(m, v, f, (pb_resultset *)base);
    case PB_FIELD_RESULTS: return pb_map_results(m, v, f, (pb_resultset *)base);
    default: return pb_map_fail(m, v, where, f->key, "not an array in this schema");
    }
}

/* ---- objects --------------------------------------------------------------------------------- */

static int pb_map_size(pb_mapper *m, const pb_json_value *size, const char *where, const pb_field *f, pb_result *r)
{
    if (size->type != PB_JSON_OBJECT)
        return pb_map_fail(m, size, where, f->key, "expected an object");
    if (size->u.object.count > PB_MAX_DIMS)
        return pb_map_fail(m, size, where, f->key, "more than %d dimensions", PB_MAX_DIMS);
    for (size_t i = 0; i < size->u.object.count; i++) {
        const pb_json_member *mem = &size->u.object.members[i];
        char key[64];
        snprintf(key, sizeof key, "%s.%.40s", f->key, mem->key);
        if (strlen(mem->key) >= sizeof r->dim_names[i])
            return pb_map_fail(m, &mem->value, where, key, "dimension name longer than %zu bytes",
                               sizeof r->dim_names[i] - 1);
        if (!pb_map_integer(m, &mem->value, where, key, 0, INT64_MAX, &r->dims[i]))
            return 0;
        pb_strlcpy(r->dim_names[i], mem->key, sizeof r->dim_names[i]);
    }
    r->ndims = (int)size->u.object.count;
    return 1;
}

/* A nested object; null stands for an absent one unless it is required. */
static int pb_map_object(pb_mapper *m, const pb_json_value *v, const char *where, const pb_field *f, char *base)
{
    if (v->type == PB_JSON_NULL && !(f->flags & PB_FIELD_REQUIRED))
        return 1;
    if (v->type != PB_JSON_OBJECT)
        return pb_map_fail(m, v, where, f->key, "expected an object");
    char at[96];
    snprintf(at, sizeof at, "%s%s%s", where, where[0] ? "." : "", f->key);
    if (!pb_map_fields(m, v, at, f->sub, base + f->offset))
        return 0;
    if (f->flags & PB_FIELD_WHEN)
        *(int *)(base + f->when) = 1;
    return 1;
}

static int pb_map_field(pb_mapper *m, const pb_json_value *v, const char *where, const pb_field *f, char *base)
{
    void *dst = base + f->offset;
    int64_t i;
    switch (f->kind) {
    case PB_FIELD_STRING:
    case PB_FIELD_NAME: return pb_map_string(m, v, where, f, dst);
    case PB_FIELD_CONST: return 1;
    case PB_FIELD_DOUBLE:
    case PB_FIELD_KNOWN: return pb_map_double(m, v, where, f, dst);
    case PB_FIELD_INT:
        if (!pb_map_integer(m, v, where, f->key, f->lo, f->hi, &i))
            return 0;
        *(int *)dst = (int)i;
        return 1;
    case PB_FIELD_I64: return pb_map_integer(m, v, where, f->key, INT64_MIN, INT64_MAX, dst);
    case PB_FIELD_U64: return pb_map_u64(m, v, where, f->key, dst);
    case PB_FIELD_BOOL:
        if (v->type != PB_JSON_BOOL)
            return pb_map_fail(m, v, where, f->key, "expected true or false");
        *(int *)dst = v->u.boolean;
        return 1;
    case PB_FIELD_ENUM: return pb_map_enum(m, v, where, f, dst);
    case PB_FIELD_OBJECT: return pb_map_object(m, v, where, f, base);
    case PB_FIELD_SIZE: return pb_map_size(m, v, where, f, (pb_result *)base);
    default: return pb_map_array_field(m, v, where, f, base);
    }
}

/* Whether a file must have the field: sample_rounds is required once a result has rounds. */
static int pb_map_required(const pb_field *f, const char *base)
{
    const pb_result *r = (const pb_result *)base;
    return (f->flags & PB_FIELD_REQUIRED) || (f->kind == PB_FIELD_SAMPLE_ROUNDS && r->rounds > 0 && r->nsamples > 0);
}

/* Applies one pass of a schema to `obj`: the fields that are not late, or the late ones. */
static int pb_map_pass(pb_mapper *m, const pb_json_value *obj, const char *where, const pb_schema *schema,
                       char *base, unsigned late)
{
    for (size_t k = 0; k < schema->count; k++) {
        const pb_field *f = &schema->fields[k];
        if ((f->flags & PB_FIELD_LATE) != late)
            continue;
        const pb_json_value *v = pb_json_get(obj, f->key);
        if (f->kind == PB_FIELD_ENUM && !(f->flags & PB_FIELD_REQUIRED))
            *(int *)(base + f->offset) = (int)f->lo; /* the default when absent */
        if (!v && pb_map_required(f, base))
            return pb_map_fail(m, obj, where, "", "missing field \"%s\"", f->key);
        if (v && !pb_map_field(m, v, where, f, base))
            return 0;
    }
    return 1;
}

/* Applies a schema to the object `obj`: every field with its type and range; fields that check
 * themselves against others (PB_FIELD_LATE) after the rest. */
static int pb_map_fields(pb_mapper *m, const pb_json_value *obj, const char *where, const pb_schema *schema,
                         void *base)
{
    return pb_map_pass(m, obj, where, schema, base, 0) && pb_map_pass(m, obj, where, schema, base, PB_FIELD_LATE);
}

/* ---- the document ---------------------------------------------------------------------------- */

static pb_status pb_map_schema(pb_mapper *m, const pb_json_value *root, pb_resultset *out)
{
    const pb_json_value *schema = pb_json_get(root, "schema"), *version;
    if (root->type != PB_JSON_OBJECT || !schema || schema->type != PB_JSON_STRING ||
        strcmp(schema->u.string.text, PB_SCHEMA_NAME) != 0)
        return pb_msg_set(m->msg, PB_ERR_INPUT,
                          "%s: not a parbench result file (no \"schema\": \"%s\"); give a file written by "
                          "parbench run",
                          m->name, PB_SCHEMA_NAME);
    version = pb_json_get(root, "schema_version");
    int64_t v;
    if (!version)
        return pb_msg_set(m->msg, PB_ERR_INPUT, "%s: missing field \"schema_version\"", m->name);
    if (!pb_map_integer(m, version, "", "schema_version", 1, INT64_MAX, &v))
        return PB_ERR_INPUT;
    if (v > PB_SCHEMA_VERSION)
        return pb_msg_set(m->msg, PB_ERR_INPUT,
                          "%s: schema version %lld is newer than this parbench understands (%d): upgrade parbench",
                          m->name, (long long)v, PB_SCHEMA_VERSION);
    m->version = v;
    out->schema_version = (int)v;
    return PB_OK;
}

static pb_status pb_map_resultset(pb_mapper *m, const pb_json_value *root, pb_resultset *out)
{
    pb_status st = pb_map_schema(m, root, out);
    if (st != PB_OK)
        return st;
    return pb_map_fields(m, root, "", &pb_schema_resultset, out) ? PB_OK : m->status;
}

pb_status pb_json_parse_resultset(const char *data, size_t size, const char *name, pb_resultset *out,
                                  pb_msg *msg)
{
    pb_json_doc *doc;
    pb_mapper m = { name, 0, msg, PB_OK };
    pb_resultset_init(out);
    pb_status st = pb_json_parse_buffer(data, size, name, &doc, msg);
    if (st != PB_OK)
        return st;
    st = pb_map_resultset(&m, pb_json_doc_root(doc), out);
    pb_json_doc_free(doc);
    if (st != PB_OK)
        pb_resultset_free(out);
    return st;
}

pb_status pb_json_read_resultset(const char *path, pb_resultset *out, pb_msg *msg)
{
    char *data;
    size_t size;
    pb_resultset_init(out);
    pb_status st = pb_json_read_file(path, &data, &size, msg);
    if (st != PB_OK)
        return st;
    st = pb_json_parse_resultset(data, size, path, out, msg);
    free(data);
    return st;
}
