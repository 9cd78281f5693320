/* Maps a parsed result file onto the result model: field tables drive the type checks, and every
 * error names the file, the position and the field ("r.json:40:7: results[3].samples_s: ..."). */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
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

/* The member `key`, or NULL when absent; a missing required member is an error (*ok = 0). */
static const pb_json_value *pb_map_member(pb_mapper *m, const pb_json_value *obj, const char *where,
                                          const char *key, int required, int *ok)
{
    const pb_json_value *v = pb_json_get(obj, key);
    *ok = 1;
    if (!v && required)
        *ok = pb_map_fail(m, obj, where, "", "missing field \"%s\"", key);
    return v;
}

/* ---- field tables ---------------------------------------------------------------------------- */

typedef enum pb_field_kind {
    PB_FIELD_STRING,     /* truncated to fit (at a UTF-8 boundary): descriptive text */
    PB_FIELD_NAME,       /* must fit: identifies a case, so truncation would mis-match */
    PB_FIELD_DOUBLE,     /* a number, or null (read as NaN: the writer's form of non-finite) */
    PB_FIELD_INT,
    PB_FIELD_I64,
    PB_FIELD_U64,
    PB_FIELD_BOOL
} pb_field_kind;

typedef struct pb_field {
    const char *key;
    pb_field_kind kind;
    size_t offset;
    size_t size;         /* of the destination, for strings */
    int required;
} pb_field;

#define PB_FIELD(type, key, kind, member, required) \
    { key, kind, offsetof(type, member), sizeof(((type *)0)->member), required }

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
    if (v->type == PB_JSON_NULL && !f->required) {
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

static int pb_map_field(pb_mapper *m, const pb_json_value *v, const char *where, const pb_field *f,
                        char *base)
{
    void *dst = base + f->offset;
    int64_t i;
    switch (f->kind) {
    case PB_FIELD_STRING:
    case PB_FIELD_NAME:
        return pb_map_string(m, v, where, f, dst);
    case PB_FIELD_DOUBLE:
        if (v->type == PB_JSON_NULL) {
            *(double *)dst = NAN;
            return 1;
        }
        if (v->type != PB_JSON_NUMBER)
            return pb_map_fail(m, v, where, f->key, "expected a number");
        *(double *)dst = v->u.number.value;
        return 1;
    case PB_FIELD_INT:
        if (!pb_map_integer(m, v, where, f->key, INT_MIN, INT_MAX, &i))
            return 0;
        *(int *)dst = (int)i;
        return 1;
    case PB_FIELD_I64:
        if (!pb_map_integer(m, v, where, f->key, INT64_MIN, INT64_MAX, &i))
            return 0;
        *(int64_t *)dst = i;
        return 1;
    case PB_FIELD_U64:
        if (v->type == PB_JSON_NUMBER && v->u.number.is_integer && !v->u.number.is_negative) {
            *(uint64_t *)dst = v->u.number.u;
            return 1;
        }
        if (!pb_map_integer(m, v, where, f->key, 0, INT64_MAX, &i))
            return 0;
        *(uint64_t *)dst = (uint64_t)i;
        return 1;
    case PB_FIELD_BOOL:
        if (v->type != PB_JSON_BOOL)
            return pb_map_fail(m, v, where, f->key, "expected true or false");
        *(int *)dst = v->u.boolean;
        return 1;
    }
    return 0;
}

/* Applies a field table to the object `obj` (which may be NULL when the whole object is absent). */
static int pb_map_fields(pb_mapper *m, const pb_json_value *obj, const char *where, const pb_field *fields,
                         size_t count, void *base)
{
    if (!obj)
        return 1;
    for (size_t i = 0; i < count; i++) {
        int ok;
        const pb_json_value *v = pb_map_member(m, obj, where, fields[i].key, fields[i].required, &ok);
        if (!ok || (v && !pb_map_field(m, v, where, &fields[i], base)))
            return 0;
    }
    return 1;
}

/* An optional (or required) member that must be an object; *out is NULL when absent or null. */
static int pb_map_object(pb_mapper *m, const pb_json_value *parent, const char *where, const char *key,
                         int required, const pb_json_value **out)
{
    int ok;
    const pb_json_value *v = pb_map_member(m, parent, where, key, required, &ok);
    *out = NULL;
    if (!ok)
        return 0;
    if (!v || (v->type == PB_JSON_NULL && !required))
        return 1;
    if (v->type != PB_JSON_OBJECT)
        return pb_map_fail(m, v, where, key, "expected an object");
    *out = v;
    return 1;
}

static int pb_map_array(pb_mapper *m, const pb_json_value *parent, const char *where, const char *key,
                        int required, const pb_json_value **out)
{
    int ok;
    const pb_json_value *v = pb_map_member(m, parent, where, key, required, &ok);
    *out = NULL;
    if (!ok)
        return 0;
    if (!v)
        return 1;
    if (v->type != PB_JSON_ARRAY)
        return pb_map_fail(m, v, where, key, "expected an array");
    *out = v;
    return 1;
}

/* ---- tool, run, machine ---------------------------------------------------------------------- */

static const pb_field pb_tool_fields[] = {
    PB_FIELD(pb_resultset, "version", PB_FIELD_STRING, tool_version, 0),
    PB_FIELD(pb_resultset, "compiler", PB_FIELD_STRING, compiler, 0),
    PB_FIELD(pb_resultset, "cflags", PB_FIELD_STRING, cflags, 0),
};

static const pb_field pb_run_fields[] = {
    PB_FIELD(pb_resultset, "started_at", PB_FIELD_STRING, started_at, 0),
    PB_FIELD(pb_resultset, "finished_at", PB_FIELD_STRING, finished_at, 0),
    PB_FIELD(pb_resultset, "preset", PB_FIELD_NAME, preset, 0),
    PB_FIELD(pb_resultset, "complete", PB_FIELD_BOOL, complete, 0),
    PB_FIELD(pb_resultset, "min_time_s", PB_FIELD_DOUBLE, min_time_s, 0),
    PB_FIELD(pb_resultset, "seed", PB_FIELD_U64, seed, 0),
    PB_FIELD(pb_resultset, "min_rounds", PB_FIELD_INT, min_rounds, 0),
    PB_FIELD(pb_resultset, "max_rounds", PB_FIELD_INT, max_rounds, 0),
    PB_FIELD(pb_resultset, "shuffle_seed", PB_FIELD_U64, shuffle_seed, 0),
    PB_FIELD(pb_resultset, "memory_budget_bytes", PB_FIELD_DOUBLE, memory_budget_bytes, 0),
    PB_FIELD(pb_resultset, "cases_kept", PB_FIELD_BOOL, cases_kept, 0),
    PB_FIELD(pb_resultset, "command", PB_FIELD_STRING, command, 0),
};

static const pb_field pb_machine_fields[] = {
    PB_FIELD(pb_machine, "label", PB_FIELD_STRING, label, 0),
    PB_FIELD(pb_machine, "hostname", PB_FIELD_STRING, hostname, 0),
    PB_FIELD(pb_machine, "os", PB_FIELD_STRING, os, 0),
    PB_FIELD(pb_machine, "os_version", PB_FIELD_STRING, os_version, 0),
    PB_FIELD(pb_machine, "kernel", PB_FIELD_STRING, kernel, 0),
    PB_FIELD(pb_machine, "arch", PB_FIELD_STRING, arch, 0),
    PB_FIELD(pb_machine, "memory_bytes", PB_FIELD_U64, memory_bytes, 0),
    PB_FIELD(pb_machine, "power_source", PB_FIELD_NAME, power_source, 0),
    PB_FIELD(pb_machine, "virtualization", PB_FIELD_STRING, virtualization, 0),
};

static const pb_field pb_cpu_fields[] = {
    PB_FIELD(pb_machine, "model", PB_FIELD_STRING, cpu_model, 0),
    PB_FIELD(pb_machine, "logical_cores", PB_FIELD_INT, logical_cores, 0),
    PB_FIELD(pb_machine, "physical_cores", PB_FIELD_INT, physical_cores, 0),
    PB_FIELD(pb_machine, "simd", PB_FIELD_STRING, simd, 0),
    PB_FIELD(pb_machine, "l1d_bytes", PB_FIELD_I64, l1d_bytes, 0),
    PB_FIELD(pb_machine, "l2_bytes", PB_FIELD_I64, l2_bytes, 0),
    PB_FIELD(pb_machine, "l3_bytes", PB_FIELD_I64, l3_bytes, 0),
};

static const pb_field pb_gpu_fields[] = {
    PB_FIELD(pb_machine, "name", PB_FIELD_STRING, gpu_name, 0),
    PB_FIELD(pb_machine, "cores", PB_FIELD_INT, gpu_cores, 0),
};

static const pb_field pb_perf_level_fields[] = {
    PB_FIELD(pb_perf_level, "name", PB_FIELD_STRING, name, 0),
    PB_FIELD(pb_perf_level, "cores", PB_FIELD_INT, cores, 0),
    PB_FIELD(pb_perf_level, "logical_cores", PB_FIELD_INT, logical_cores, 0),
};

#define PB_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* backends_built: an array of names, joined with spaces in the model. */
static int pb_map_backends_built(pb_mapper *m, const pb_json_value *tool, pb_resultset *out)
{
    const pb_json_value *arr;
    if (!pb_map_array(m, tool, "tool", "backends_built", 0, &arr))
        return 0;
    if (!arr)
        return 1;
    size_t used = 0;
    for (size_t i = 0; i < arr->u.array.count; i++) {
        const pb_json_value *v = &arr->u.array.items[i];
        if (v->type != PB_JSON_STRING)
            return pb_map_fail(m, v, "tool", "backends_built", "expected an array of strings");
        size_t len = v->u.string.length, room = sizeof out->backends_built - used;
        if (len + (used ? 1 : 0) >= room)
            break;
        if (used)
            out->backends_built[used++] = ' ';
        memcpy(out->backends_built + used, v->u.string.text, len + 1);
        used += len;
    }
    return 1;
}

static int pb_map_machine(pb_mapper *m, const pb_json_value *root, pb_machine *out)
{
    const pb_json_value *machine, *cpu, *gpu, *levels;
    if (!pb_map_object(m, root, "", "machine", 0, &machine))
        return 0;
    if (!machine)
        return 1;
    if (!pb_map_fields(m, machine, "machine", pb_machine_fields, PB_COUNT(pb_machine_fields), out) ||
        !pb_map_object(m, machine, "machine", "cpu", 0, &cpu) ||
        !pb_map_fields(m, cpu, "machine.cpu", pb_cpu_fields, PB_COUNT(pb_cpu_fields), out) ||
        !pb_map_object(m, machine, "machine", "gpu", 0, &gpu) ||
        !pb_map_fields(m, gpu, "machine.gpu", pb_gpu_fields, PB_COUNT(pb_gpu_fields), out) ||
        !pb_map_array(m, cpu, "machine.cpu", "perf_levels", 0, &levels))
        return 0;
    if (!levels)
        return 1;
    if (levels->u.array.count > PB_MAX_PERF_LEVELS)
        return pb_map_fail(m, levels, "machine.cpu", "perf_levels", "more than %d levels", PB_MAX_PERF_LEVELS);
    for (size_t i = 0; i < levels->u.array.count; i++) {
        const pb_json_value *v = &levels->u.array.items[i];
        char where[64];
        snprintf(where, sizeof where, "machine.cpu.perf_levels[%zu]", i);
        if (v->type != PB_JSON_OBJECT)
            return pb_map_fail(m, v, where, "", "expected an object");
        if (!pb_map_fields(m, v, where, pb_perf_level_fields, PB_COUNT(pb_perf_level_fields),
                           &out->perf_levels[i]))
            return 0;
    }
    out->nperf_levels = (int)levels->u.array.count;
    return 1;
}

/* ---- devices --------------------------------------------------------------------------------- */

static const pb_field pb_device_fields[] = {
    PB_FIELD(pb_device_record, "backend", PB_FIELD_NAME, backend, 1),
    PB_FIELD(pb_device_record, "index", PB_FIELD_INT, index, 0),
    PB_FIELD(pb_device_record, "name", PB_FIELD_STRING, info.name, 0),
    PB_FIELD(pb_device_record, "vendor", PB_FIELD_STRING, info.vendor, 0),
    PB_FIELD(pb_device_record, "api_version", PB_FIELD_STRING, info.api_version, 0),
    PB_FIELD(pb_device_record, "driver_version", PB_FIELD_STRING, info.driver_version, 0),
    PB_FIELD(pb_device_record, "compute_units", PB_FIELD_INT, info.compute_units, 0),
    PB_FIELD(pb_device_record, "clock_mhz", PB_FIELD_DOUBLE, info.clock_mhz, 0),
    PB_FIELD(pb_device_record, "memory_bytes", PB_FIELD_U64, info.memory_bytes, 0),
    PB_FIELD(pb_device_record, "max_alloc_bytes", PB_FIELD_U64, info.max_alloc_bytes, 0),
    PB_FIELD(pb_device_record, "unified_memory", PB_FIELD_BOOL, info.unified_memory, 0),
    PB_FIELD(pb_device_record, "extra", PB_FIELD_STRING, info.extra, 0),
};

static int pb_map_device(pb_mapper *m, const pb_json_value *v, const char *where, pb_device_record *d)
{
    if (v->type != PB_JSON_OBJECT)
        return pb_map_fail(m, v, where, "", "expected an object");
    if (!pb_map_fields(m, v, where, pb_device_fields, PB_COUNT(pb_device_fields), d))
        return 0;
    const pb_json_value *type = pb_json_get(v, "type");
    d->info.type = PB_DEVICE_OTHER;
    if (!type)
        return 1;
    if (type->type != PB_JSON_STRING)
        return pb_map_fail(m, type, where, "type", "expected a string");
    for (int t = PB_DEVICE_CPU; t <= PB_DEVICE_OTHER; t++)
        if (strcmp(type->u.string.text, pb_device_type_name((pb_device_type)t)) == 0)
            d->info.type = (pb_device_type)t;
    return 1;
}

/* ---- results --------------------------------------------------------------------------------- */

static const pb_field pb_result_fields[] = {
    PB_FIELD(pb_result, "workload", PB_FIELD_NAME, workload, 1),
    PB_FIELD(pb_result, "backend", PB_FIELD_NAME, backend, 1),
    PB_FIELD(pb_result, "device", PB_FIELD_INT, device, 0),
    PB_FIELD(pb_result, "device_name", PB_FIELD_STRING, device_name, 0),
    PB_FIELD(pb_result, "role", PB_FIELD_NAME, role, 1),
    PB_FIELD(pb_result, "threads", PB_FIELD_INT, threads, 0),
    PB_FIELD(pb_result, "precision", PB_FIELD_NAME, precision, 1),
    PB_FIELD(pb_result, "impl", PB_FIELD_NAME, impl, 0),
    PB_FIELD(pb_result, "reason", PB_FIELD_STRING, reason, 0),
    PB_FIELD(pb_result, "flops", PB_FIELD_DOUBLE, flops, 0),
    PB_FIELD(pb_result, "bytes", PB_FIELD_DOUBLE, bytes, 0),
    PB_FIELD(pb_result, "work", PB_FIELD_DOUBLE, work, 0),
    PB_FIELD(pb_result, "iterations_per_sample", PB_FIELD_INT, iterations_per_sample, 0),
    PB_FIELD(pb_result, "timer", PB_FIELD_NAME, timer, 0),
    PB_FIELD(pb_result, "timer_note", PB_FIELD_STRING, timer_note, 0),
    PB_FIELD(pb_result, "median_s", PB_FIELD_DOUBLE, median_s, 0),
    PB_FIELD(pb_result, "mad_s", PB_FIELD_DOUBLE, mad_s, 0),
    PB_FIELD(pb_result, "min_s", PB_FIELD_DOUBLE, min_s, 0),
    PB_FIELD(pb_result, "cv", PB_FIELD_DOUBLE, cv, 0),
    PB_FIELD(pb_result, "unstable", PB_FIELD_BOOL, unstable, 0),
    PB_FIELD(pb_result, "e2e_median_s", PB_FIELD_DOUBLE, e2e_median_s, 0),
    PB_FIELD(pb_result, "rounds", PB_FIELD_INT, rounds, 0),
    PB_FIELD(pb_result, "round_spread", PB_FIELD_DOUBLE, round_spread, 0),
    PB_FIELD(pb_result, "rounds_stop", PB_FIELD_STRING, rounds_stop, 0),
    PB_FIELD(pb_result, "disturbed_rounds", PB_FIELD_INT, disturbed_rounds, 0),
};

static const pb_field pb_round_state_fields[] = {
    PB_FIELD(pb_round_state, "seconds", PB_FIELD_DOUBLE, seconds, 0),
    PB_FIELD(pb_round_state, "other_cpu", PB_FIELD_DOUBLE, other_cpu, 0),
    PB_FIELD(pb_round_state, "steal", PB_FIELD_DOUBLE, steal, 0),
    PB_FIELD(pb_round_state, "resolution", PB_FIELD_DOUBLE, resolution, 0),
    PB_FIELD(pb_round_state, "load1", PB_FIELD_DOUBLE, load1, 0),
    PB_FIELD(pb_round_state, "freq_mhz", PB_FIELD_DOUBLE, freq_mhz, 0),
    PB_FIELD(pb_round_state, "temp_c", PB_FIELD_DOUBLE, temp_c, 0),
    PB_FIELD(pb_round_state, "thermal", PB_FIELD_STRING, thermal, 0),
};

static const pb_field pb_rate_fields[] = {
    PB_FIELD(pb_result, "value", PB_FIELD_DOUBLE, rate_value, 0),
    PB_FIELD(pb_result, "unit", PB_FIELD_NAME, rate_unit, 0),
};

static const pb_field pb_check_fields[] = {
    PB_FIELD(pb_result, "ok", PB_FIELD_BOOL, check.ok, 1),
    PB_FIELD(pb_result, "method", PB_FIELD_STRING, check.method, 0),
    PB_FIELD(pb_result, "max_rel_err", PB_FIELD_DOUBLE, check.max_err, 0),
    PB_FIELD(pb_result, "tolerance", PB_FIELD_DOUBLE, check.tolerance, 0),
    PB_FIELD(pb_result, "bad", PB_FIELD_I64, check.bad, 0),
};

/* Bounds of a believable time per launch: a result file is untrusted input, and a time outside
 * them is a corrupted or hand-edited file, not a measurement. */
#define PB_MIN_SECONDS 1e-9
#define PB_MAX_SECONDS 86400.0

static int pb_plausible_seconds(double s)
{
    return s >= PB_MIN_SECONDS && s <= PB_MAX_SECONDS;
}

/* A sample array: numbers of seconds within the believable bounds. */
static int pb_map_samples(pb_mapper *m, const pb_json_value *obj, const char *where, const char *key,
                          int required, pb_result *r, int e2e /* 0 samples, 1 end-to-end, 2 other clock */)
{
    int ok;
    const pb_json_value *arr = pb_map_member(m, obj, where, key, required, &ok);
    if (!ok)
        return 0;
    if (!arr)
        return 1;
    if (arr->type != PB_JSON_ARRAY)
        return pb_map_fail(m, arr, where, key, "expected an array of numbers");
    size_t n = arr->u.array.count;
    if (n > INT_MAX)
        return pb_map_fail(m, arr, where, key, "too many samples");
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        m->status = pb_msg_set(m->msg, PB_ERR_NOMEM, "%s: out of memory reading samples", m->name);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const pb_json_value *x = &arr->u.array.items[i];
        if (x->type != PB_JSON_NUMBER || !pb_plausible_seconds(x->u.number.value)) {
            free(v);
            char item[64];
            snprintf(item, sizeof item, "%s[%zu]", key, i);
            return pb_map_fail(m, x, where, item, "expected a time between %g and %g seconds (a nanosecond and a day)",
                               PB_MIN_SECONDS, PB_MAX_SECONDS);
        }
        v[i] = x->u.number.value;
    }
    pb_status st = e2e == 1 ? pb_result_set_e2e_samples(r, v, (int)n, m->msg)
                   : e2e == 2 ? pb_result_set_other_clock(r, v, (int)n, m->msg)
                              : pb_result_set_samples(r, v, NULL, (int)n, m->msg);
    free(v);
    if (st != PB_OK)
        m->status = st;
    return st == PB_OK;
}

static int pb_map_size(pb_mapper *m, const pb_json_value *obj, const char *where, pb_result *r)
{
    const pb_json_value *size;
    if (!pb_map_object(m, obj, where, "size", 1, &size))
        return 0;
    if (size->u.object.count > PB_MAX_DIMS)
        return pb_map_fail(m, size, where, "size", "more than %d dimensions", PB_MAX_DIMS);
    for (size_t i = 0; i < size->u.object.count; i++) {
        const pb_json_member *mem = &size->u.object.members[i];
        char key[64];
        snprintf(key, sizeof key, "size.%.40s", mem->key);
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

/* Schema 2: each sample's round, an integer in [0, rounds), one per sample. */
static int pb_map_sample_rounds(pb_mapper *m, const pb_json_value *obj, const char *where, pb_result *r)
{
    const pb_json_value *arr;
    if (!pb_map_array(m, obj, where, "sample_rounds", r->rounds > 0 && r->nsamples > 0, &arr))
        return 0;
    if (!arr)
        return 1;
    if (arr->u.array.count != (size_t)r->nsamples)
        return pb_map_fail(m, arr, where, "sample_rounds", "%zu entries for %d samples; there must be one per sample",
                           arr->u.array.count, r->nsamples);
    int *rounds = malloc(((size_t)r->nsamples + 1) * sizeof *rounds);
    if (!rounds) {
        m->status = pb_msg_set(m->msg, PB_ERR_NOMEM, "%s: out of memory reading sample rounds", m->name);
        return 0;
    }
    for (int i = 0; i < r->nsamples; i++) {
        int64_t k = 0;
        char item[40];
        snprintf(item, sizeof item, "sample_rounds[%d]", i);
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

/* null (unknown) reads as NaN; the model marks unknown with -1. */
static void pb_state_unknowns(pb_round_state *s)
{
    double *known[] = { &s->other_cpu, &s->steal, &s->resolution, &s->load1, &s->freq_mhz, &s->temp_c };
    for (size_t k = 0; k < PB_COUNT(known); k++)
        if (isnan(*known[k]))
            *known[k] = -1;
}

static int pb_map_round_states(pb_mapper *m, const pb_json_value *obj, const char *where, pb_result *r)
{
    const pb_json_value *arr;
    if (!pb_map_array(m, obj, where, "round_states", 0, &arr))
        return 0;
    size_t n = arr ? arr->u.array.count : 0;
    if (n == 0)
        return 1;
    if (n > (size_t)(r->rounds > 0 ? r->rounds : 0))
        return pb_map_fail(m, arr, where, "round_states", "%zu states for %d rounds", n, r->rounds);
    pb_round_state *states = calloc(n, sizeof *states);
    if (!states) {
        m->status = pb_msg_set(m->msg, PB_ERR_NOMEM, "%s: out of memory reading round states", m->name);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const pb_json_value *item = &arr->u.array.items[i];
        char at[64];
        snprintf(at, sizeof at, "%s.round_states[%zu]", where, i);
        if (item->type != PB_JSON_OBJECT ||
            !pb_map_fields(m, item, at, pb_round_state_fields, PB_COUNT(pb_round_state_fields), &states[i])) {
            free(states);
            return item->type != PB_JSON_OBJECT ? pb_map_fail(m, item, at, "", "expected an object") : 0;
        }
        pb_state_unknowns(&states[i]);
    }
    free(r->round_states);
    r->round_states = states;
    r->nround_states = (int)n;
    return 1;
}

/* Stored summaries must be believable too: a median of a year is a corrupted file. */
static int pb_map_check_times(pb_mapper *m, const pb_json_value *v, const char *where, const pb_result *r)
{
    const struct { const char *key; double value; } times[] = {
        { "median_s", r->median_s }, { "min_s", r->min_s }, { "e2e_median_s", r->e2e_median_s },
    };
    for (size_t i = 0; i < PB_COUNT(times); i++) {
        double t = times[i].value;
        if (t != 0 && !isnan(t) && !pb_plausible_seconds(t))
            return pb_map_fail(m, pb_json_get(v, times[i].key) ? pb_json_get(v, times[i].key) : v, where, times[i].key,
                               "%g s is not a believable time (expected between %g and %g seconds)", t,
                               PB_MIN_SECONDS, PB_MAX_SECONDS);
    }
    if (!isnan(r->rate_value) && (isinf(r->rate_value) || r->rate_value < 0 || r->rate_value > 1e12))
        return pb_map_fail(m, v, where, "rate.value", "%g is not a believable rate", r->rate_value);
    if (r->rounds < 0 || r->rounds > 100000)
        return pb_map_fail(m, v, where, "rounds", "%d is out of range", r->rounds);
    return 1;
}

static int pb_map_result(pb_mapper *m, const pb_json_value *v, const char *where, pb_result *r)
{
    const pb_json_value *rate, *check, *status;
    int ok;
    if (v->type != PB_JSON_OBJECT)
        return pb_map_fail(m, v, where, "", "expected an object");
    if (!pb_map_fields(m, v, where, pb_result_fields, PB_COUNT(pb_result_fields), r) ||
        !pb_map_size(m, v, where, r) || !pb_map_samples(m, v, where, "samples_s", 1, r, 0) ||
        !pb_map_samples(m, v, where, "e2e_samples_s", 0, r, 1) ||
        !pb_map_samples(m, v, where, "other_clock_samples_s", 0, r, 2) ||
        !pb_map_object(m, v, where, "rate", 0, &rate) ||
        !pb_map_fields(m, rate, where, pb_rate_fields, PB_COUNT(pb_rate_fields), r) ||
        !pb_map_object(m, v, where, "check", 0, &check) ||
        !pb_map_fields(m, check, where, pb_check_fields, PB_COUNT(pb_check_fields), r) ||
        !pb_map_check_times(m, v, where, r) || !pb_map_sample_rounds(m, v, where, r) ||
        !pb_map_round_states(m, v, where, r))
        return 0;
    r->has_check = check != NULL;
    r->check.first_bad = -1;
    status = pb_map_member(m, v, where, "status", 1, &ok);
    if (!ok)
        return 0;
    if (status->type != PB_JSON_STRING)
        return pb_map_fail(m, status, where, "status", "expected a string");
    if (!pb_case_status_parse(status->u.string.text, &r->status))
        return pb_map_fail(m, status, where, "status",
                           "unknown status \"%.40s\" (expected ok, failed, unsupported or skipped)",
                           status->u.string.text);
    return 1;
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

/* run.state (schema 2): the machine's state over the whole measurement. */
static int pb_map_run_state(pb_mapper *m, const pb_json_value *run, pb_resultset *out)
{
    const pb_json_value *state;
    if (!run)
        return 1;
    if (!pb_map_object(m, run, "run", "state", 0, &state))
        return 0;
    if (!state)
        return 1;
    if (!pb_map_fields(m, state, "run.state", pb_round_state_fields, PB_COUNT(pb_round_state_fields), &out->run_state))
        return 0;
    pb_state_unknowns(&out->run_state);
    out->has_run_state = 1;
    return 1;
}

static pb_status pb_map_resultset(pb_mapper *m, const pb_json_value *root, pb_resultset *out)
{
    const pb_json_value *tool, *run, *devices, *results;
    pb_status st = pb_map_schema(m, root, out);
    if (st != PB_OK)
        return st;
    if (!pb_map_object(m, root, "", "tool", 0, &tool) ||
        !pb_map_fields(m, tool, "tool", pb_tool_fields, PB_COUNT(pb_tool_fields), out) ||
        !pb_map_backends_built(m, tool, out) || !pb_map_object(m, root, "", "run", 0, &run) ||
        !pb_map_fields(m, run, "run", pb_run_fields, PB_COUNT(pb_run_fields), out) ||
        !pb_map_run_state(m, run, out) ||
        !pb_map_machine(m, root, &out->machine) || !pb_map_array(m, root, "", "devices", 0, &devices) ||
        !pb_map_array(m, root, "", "results", 1, &results))
        return m->status;
    for (size_t i = 0; devices && i < devices->u.array.count; i++) {
        char where[32];
        snprintf(where, sizeof where, "devices[%zu]", i);
        pb_device_record *d = pb_resultset_add_device(out);
        if (!d)
            return pb_msg_set(m->msg, PB_ERR_NOMEM, "%s: out of memory", m->name);
        if (!pb_map_device(m, &devices->u.array.items[i], where, d))
            return m->status;
    }
    for (size_t i = 0; i < results->u.array.count; i++) {
        char where[32];
        snprintf(where, sizeof where, "results[%zu]", i);
        pb_result *r = pb_resultset_add_result(out);
        if (!r)
            return pb_msg_set(m->msg, PB_ERR_NOMEM, "%s: out of memory", m->name);
        if (!pb_map_result(m, &results->u.array.items[i], where, r))
            return m->status;
        for (int j = 0; j < out->nresults - 1; j++)
            if (pb_result_same_case(&out->results[j], r)) {
                char name[160];
                pb_result_case_name(r, name, sizeof name);
                pb_map_fail(m, &results->u.array.items[i], where, "",
                            "the same case as results[%d] (%s): a result file holds each case once; "
                            "remove the repeated entry or measure again",
                            j, name);
                return m->status;
            }
    }
    return PB_OK;
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
