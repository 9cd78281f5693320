/* The streaming JSON writer and the result-file writer (docs/SCHEMA.md), with the atomic
 * write-to-temp-then-rename that keeps an interrupted run from leaving half a result file. */
#include "json_write.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- the result file ------------------------------------------------------------------------ */

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

/* Unknown values (negative) are written as null. */
static void pb_json_known(pb_json_writer *w, const char *key, double value)
{
    if (value < 0)
        pb_json_null(w, key);
    else
        pb_json_number(w, key, value);
}

static void pb_json_write_round_state(pb_json_writer *w, const char *key, const pb_round_state *s)
{
    pb_json_object_begin_inline(w, key);
    pb_json_number(w, "seconds", s->seconds);
    pb_json_known(w, "other_cpu", s->other_cpu);
    pb_json_known(w, "steal", s->steal);
    pb_json_known(w, "resolution", s->resolution);
    pb_json_known(w, "load1", s->load1);
    pb_json_known(w, "freq_mhz", s->freq_mhz);
    pb_json_known(w, "temp_c", s->temp_c);
    pb_json_string(w, "thermal", s->thermal[0] ? s->thermal : NULL);
    pb_json_object_end(w);
}

static void pb_json_write_tool_run(pb_json_writer *w, const pb_resultset *set)
{
    pb_json_object_begin(w, "tool");
    pb_json_string(w, "name", "parbench");
    pb_json_string(w, "version", set->tool_version);
    pb_json_string(w, "compiler", set->compiler);
    pb_json_string(w, "cflags", set->cflags);
    pb_json_word_array(w, "backends_built", set->backends_built);
    pb_json_object_end(w);

    pb_json_object_begin(w, "run");
    pb_json_string(w, "started_at", set->started_at);
    pb_json_string(w, "finished_at", set->finished_at);
    pb_json_string(w, "preset", set->preset);
    pb_json_bool(w, "complete", set->complete);
    pb_json_number(w, "min_time_s", set->min_time_s);
    pb_json_uint(w, "seed", set->seed);
    pb_json_int(w, "min_rounds", set->min_rounds);
    pb_json_int(w, "max_rounds", set->max_rounds);
    pb_json_uint(w, "shuffle_seed", set->shuffle_seed);
    pb_json_number(w, "memory_budget_bytes", set->memory_budget_bytes);
    pb_json_bool(w, "cases_kept", set->cases_kept);
    if (set->has_run_state)
        pb_json_write_round_state(w, "state", &set->run_state);
    pb_json_string(w, "command", set->command);
    pb_json_object_end(w);
}

static void pb_json_write_machine(pb_json_writer *w, const pb_machine *m)
{
    pb_json_object_begin(w, "machine");
    pb_json_string(w, "label", m->label);
    pb_json_string(w, "hostname", m->hostname);
    pb_json_string(w, "os", m->os);
    pb_json_string(w, "os_version", m->os_version);
    pb_json_string(w, "kernel", m->kernel);
    pb_json_string(w, "arch", m->arch);
    pb_json_object_begin(w, "cpu");
    pb_json_string(w, "model", m->cpu_model);
    pb_json_int(w, "logical_cores", m->logical_cores);
    pb_json_int(w, "physical_cores", m->physical_cores);
    pb_json_array_begin(w, "perf_levels");
    for (int i = 0; i < m->nperf_levels && i < PB_MAX_PERF_LEVELS; i++) {
        pb_json_object_begin(w, NULL);
        pb_json_string(w, "name", m->perf_levels[i].name);
        pb_json_int(w, "cores", m->perf_levels[i].cores);
        pb_json_int(w, "logical_cores", m->perf_levels[i].logical_cores);
        pb_json_object_end(w);
    }
    pb_json_array_end(w);
    pb_json_string(w, "simd", m->simd);
    pb_json_int(w, "l1d_bytes", m->l1d_bytes);
    pb_json_int(w, "l2_bytes", m->l2_bytes);
    pb_json_int(w, "l3_bytes", m->l3_bytes);
    pb_json_object_end(w);
    pb_json_uint(w, "memory_bytes", m->memory_bytes);
    pb_json_string(w, "power_source", m->power_source);
    pb_json_string(w, "virtualization", m->virtualization);
    pb_json_object_begin(w, "gpu");
    pb_json_string(w, "name", m->gpu_name);
    pb_json_int(w, "cores", m->gpu_cores);
    pb_json_object_end(w);
    pb_json_object_end(w);
}

static void pb_json_write_device(pb_json_writer *w, const pb_device_record *d)
{
    pb_json_object_begin(w, NULL);
    pb_json_string(w, "backend", d->backend);
    pb_json_int(w, "index", d->index);
    pb_json_string(w, "name", d->info.name);
    pb_json_string(w, "vendor", d->info.vendor);
    pb_json_string(w, "type", pb_device_type_name(d->info.type));
    pb_json_string(w, "api_version", d->info.api_version);
    pb_json_string(w, "driver_version", d->info.driver_version);
    pb_json_int(w, "compute_units", d->info.compute_units);
    pb_json_number(w, "clock_mhz", d->info.clock_mhz);
    pb_json_uint(w, "memory_bytes", d->info.memory_bytes);
    pb_json_uint(w, "max_alloc_bytes", d->info.max_alloc_bytes);
    pb_json_bool(w, "unified_memory", d->info.unified_memory);
    pb_json_string(w, "extra", d->info.extra);
    pb_json_object_end(w);
}

static void pb_json_write_result(pb_json_writer *w, const pb_result *r)
{
    pb_json_object_begin(w, NULL);
    pb_json_string(w, "workload", r->workload);
    pb_json_string(w, "backend", r->backend);
    pb_json_int(w, "device", r->device);
    pb_json_string(w, "device_name", r->device_name);
    pb_json_string(w, "role", r->role);
    pb_json_int(w, "threads", r->threads);
    pb_json_string(w, "precision", r->precision);
    pb_json_string(w, "impl", r->impl);
    pb_json_object_begin(w, "size");
    for (int i = 0; i < r->ndims && i < PB_MAX_DIMS; i++)
        pb_json_int(w, r->dim_names[i], r->dims[i]);
    pb_json_object_end(w);
    pb_json_string(w, "status", pb_case_status_name(r->status));
    pb_json_string(w, "reason", r->reason[0] ? r->reason : NULL);
    pb_json_number(w, "flops", r->flops);
    pb_json_number(w, "bytes", r->bytes);
    pb_json_number(w, "work", r->work);
    pb_json_int(w, "iterations_per_sample", r->iterations_per_sample);
    pb_json_string(w, "timer", r->timer);
    pb_json_string(w, "timer_note", r->timer_note[0] ? r->timer_note : NULL);
    pb_json_number_array(w, "samples_s", r->samples_s, r->nsamples);
    if (r->sample_rounds) {
        pb_json_array_begin_inline(w, "sample_rounds");
        for (int i = 0; i < r->nsamples; i++)
            pb_json_int(w, NULL, r->sample_rounds[i]);
        pb_json_array_end(w);
    }
    pb_json_int(w, "rounds", r->rounds);
    pb_json_number(w, "round_spread", r->round_spread);
    pb_json_string(w, "rounds_stop", r->rounds_stop[0] ? r->rounds_stop : NULL);
    pb_json_int(w, "disturbed_rounds", r->disturbed_rounds);
    if (r->nround_states > 0) {
        pb_json_array_begin(w, "round_states");
        for (int i = 0; i < r->nround_states; i++)
            pb_json_write_round_state(w, NULL, &r->round_states[i]);
        pb_json_array_end(w);
    }
    pb_json_number(w, "median_s", r->median_s);
    pb_json_number(w, "mad_s", r->mad_s);
    pb_json_number(w, "min_s", r->min_s);
    pb_json_number(w, "cv", r->cv);
    pb_json_bool(w, "unstable", r->unstable);
    if (r->nother_clock > 0)
        pb_json_number_array(w, "other_clock_samples_s", r->other_clock_s, r->nother_clock);
    if (r->ne2e > 0) {
        pb_json_number_array(w, "e2e_samples_s", r->e2e_samples_s, r->ne2e);
        pb_json_number(w, "e2e_median_s", r->e2e_median_s);
    }
    pb_json_object_begin(w, "rate");
    pb_json_number(w, "value", r->rate_value);
    pb_json_string(w, "unit", r->rate_unit);
    pb_json_object_end(w);
    if (r->has_check) {
        pb_json_object_begin(w, "check");
        pb_json_bool(w, "ok", r->check.ok);
        pb_json_string(w, "method", r->check.method);
        pb_json_number(w, "max_rel_err", r->check.max_err);
        pb_json_number(w, "tolerance", r->check.tolerance);
        pb_json_int(w, "bad", r->check.bad);
        pb_json_object_end(w);
    } else {
        pb_json_null(w, "check");
    }
    pb_json_object_end(w);
}

pb_status pb_json_write_resultset_stream(const pb_resultset *set, FILE *out, pb_msg *msg)
{
    pb_json_writer w;
    pb_json_writer_init(&w, out);
    pb_json_object_begin(&w, NULL);
    pb_json_string(&w, "schema", PB_SCHEMA_NAME);
    pb_json_int(&w, "schema_version", PB_SCHEMA_VERSION);
    pb_json_write_tool_run(&w, set);
    pb_json_write_machine(&w, &set->machine);
    pb_json_array_begin(&w, "devices");
    for (int i = 0; i < set->ndevices; i++)
        pb_json_write_device(&w, &set->devices[i]);
    pb_json_array_end(&w);
    pb_json_array_begin(&w, "results");
    for (int i = 0; i < set->nresults; i++)
        pb_json_write_result(&w, &set->results[i]);
    pb_json_array_end(&w);
    pb_json_object_end(&w);
    return pb_json_writer_finish(&w, msg);
}

/* Best effort: makes the rename itself durable. A failure here loses nothing already written. */
static void pb_sync_parent_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash) {
        pb_strlcpy(dir, ".", sizeof dir);
    } else {
        size_t len = (size_t)(slash - path);
        if (len == 0)
            len = 1; /* the root directory */
        if (len >= sizeof dir)
            return;
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
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
    char tmp[4200];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp)
        return pb_write_error(path, ENAMETOOLONG, msg);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return pb_write_error(path, errno, msg);

    pb_msg ignored;
    errno = 0;
    pb_status st = pb_json_write_resultset_stream(set, f, &ignored);
    int err = 0;
    if (st != PB_OK)
        err = errno ? errno : EIO;
    else if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        err = errno;
    if (fclose(f) != 0 && err == 0)
        err = errno;
    if (err == 0 && rename(tmp, path) != 0)
        err = errno;
    if (err != 0) {
        remove(tmp);
        return pb_write_error(path, err, msg);
    }
    pb_sync_parent_dir(path);
    return PB_OK;
}
