/* The JSON writer: escaping, numbers, structure, the atomic result-file write, and the round trip
 * through the reader. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/results/json_read.h"
#include "../src/results/json_write.h"
#include "pbtest.h"
#include "sample_results.h"

/* Runs `fn` on a fresh writer over a temporary file and returns what it wrote (caller frees). */
static char *pb_capture(void (*fn)(pb_json_writer *w), pb_status *st)
{
    FILE *f = tmpfile();
    if (!f)
        return NULL;
    pb_json_writer w;
    pb_json_writer_init(&w, f);
    fn(&w);
    *st = pb_json_writer_finish(&w, NULL);
    long n = ftell(f);
    char *text = calloc((size_t)n + 1, 1);
    rewind(f);
    if (text && fread(text, 1, (size_t)n, f) != (size_t)n)
        text[0] = '\0';
    fclose(f);
    return text;
}

static void pb_write_strings(pb_json_writer *w)
{
    pb_json_array_begin_inline(w, NULL);
    pb_json_string(w, NULL, "a\"b\\c/");
    pb_json_string(w, NULL, "\n\t\r\b\f\x01\x1f\x7f");
    pb_json_string(w, NULL, "caf\xC3\xA9 \xF0\x9F\x98\x80");      /* valid 2- and 4-byte UTF-8 */
    pb_json_string(w, NULL, "x\xFFy");                              /* stray byte */
    pb_json_string(w, NULL, "\xC0\xAF");                            /* overlong '/' */
    pb_json_string(w, NULL, "\xED\xA0\x80");                        /* a UTF-16 surrogate */
    pb_json_string(w, NULL, "\xF4\x90\x80\x80");                    /* beyond U+10FFFF */
    pb_json_string(w, NULL, "\xE2\x82");                            /* truncated sequence */
    pb_json_string(w, NULL, NULL);
    pb_json_array_end(w);
}

static void test_string_escaping(void)
{
    pb_status st;
    char *text = pb_capture(pb_write_strings, &st);
    CHECK(st == PB_OK);
    CHECK(text != NULL);
    if (!text)
        return;
    const char *want = "[\"a\\\"b\\\\c/\", \"\\n\\t\\r\\b\\f\\u0001\\u001f\x7f\", "
                       "\"caf\xC3\xA9 \xF0\x9F\x98\x80\", \"x\xEF\xBF\xBDy\", "
                       "\"\xEF\xBF\xBD\xEF\xBF\xBD\", \"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\", "
                       "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\", "
                       "\"\xEF\xBF\xBD\xEF\xBF\xBD\", null]\n";
    CHECK_STR(text, want);
    free(text);
}

static void pb_write_numbers(pb_json_writer *w)
{
    pb_json_array_begin_inline(w, NULL);
    pb_json_number(w, NULL, NAN);
    pb_json_number(w, NULL, INFINITY);
    pb_json_number(w, NULL, -INFINITY);
    pb_json_number(w, NULL, 0.1);
    pb_json_number(w, NULL, 2.0);
    pb_json_number(w, NULL, 1e300);
    pb_json_number(w, NULL, -2.5e-7);
    pb_json_int(w, NULL, INT64_MIN);
    pb_json_uint(w, NULL, UINT64_MAX);
    pb_json_bool(w, NULL, 1);
    pb_json_bool(w, NULL, 0);
    pb_json_array_end(w);
}

static void test_numbers_and_non_finite(void)
{
    pb_status st;
    char *text = pb_capture(pb_write_numbers, &st);
    CHECK(st == PB_OK);
    if (!text)
        return;
    CHECK_STR(text, "[null, null, null, 0.1, 2, 1e+300, -2.5e-07, "
                    "-9223372036854775808, 18446744073709551615, true, false]\n");
    free(text);
}

static void test_numbers_round_trip(void)
{
    /* Values whose shortest form needs 15, 16 and 17 digits, and extremes. */
    const double values[] = { 1.0 / 3.0, 0.1 + 0.2, 2.0 / 3.0 * 1e-300, 5e-324, 1.7976931348623157e308,
                              123456789.123456789, -0.0 };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        FILE *f = tmpfile();
        if (!f)
            return;
        pb_json_writer w;
        pb_json_writer_init(&w, f);
        pb_json_number(&w, NULL, values[i]);
        CHECK(pb_json_writer_finish(&w, NULL) == PB_OK);
        char buf[64] = { 0 };
        rewind(f);
        CHECK(fgets(buf, sizeof buf, f) != NULL);
        fclose(f);
        CHECK_MSG(strtod(buf, NULL) == values[i], "%s", buf);
    }
}

static void pb_write_nested(pb_json_writer *w)
{
    pb_json_object_begin(w, NULL);
    pb_json_object_begin(w, "empty");
    pb_json_object_end(w);
    pb_json_array_begin(w, "list");
    pb_json_int(w, NULL, 1);
    pb_json_object_begin(w, NULL);
    pb_json_string(w, "k", "v");
    pb_json_object_end(w);
    pb_json_array_end(w);
    pb_json_array_begin_inline(w, "none");
    pb_json_array_end(w);
    pb_json_object_end(w);
}

static void test_layout(void)
{
    pb_status st;
    char *text = pb_capture(pb_write_nested, &st);
    CHECK(st == PB_OK);
    if (!text)
        return;
    CHECK_STR(text, "{\n  \"empty\": {},\n  \"list\": [\n    1,\n    {\n      \"k\": \"v\"\n    }\n  ],\n"
                    "  \"none\": []\n}\n");
    free(text);
}

static void pb_write_key_in_array(pb_json_writer *w)
{
    pb_json_array_begin(w, NULL);
    pb_json_int(w, "key", 1);
    pb_json_array_end(w);
}

static void pb_write_missing_key(pb_json_writer *w)
{
    pb_json_object_begin(w, NULL);
    pb_json_int(w, NULL, 1);
    pb_json_object_end(w);
}

static void pb_write_unbalanced(pb_json_writer *w)
{
    pb_json_object_begin(w, NULL);
    pb_json_array_begin(w, "a");
    pb_json_object_end(w);
}

static void pb_write_too_deep(pb_json_writer *w)
{
    for (int i = 0; i <= PB_JSON_MAX_DEPTH; i++)
        pb_json_array_begin(w, NULL);
    for (int i = 0; i <= PB_JSON_MAX_DEPTH; i++)
        pb_json_array_end(w);
}

static void pb_write_two_roots(pb_json_writer *w)
{
    pb_json_int(w, NULL, 1);
    pb_json_int(w, NULL, 2);
}

static void test_misuse_is_reported(void)
{
    void (*const cases[])(pb_json_writer *) = { pb_write_key_in_array, pb_write_missing_key,
                                                pb_write_unbalanced, pb_write_too_deep,
                                                pb_write_two_roots };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_status st = PB_OK;
        free(pb_capture(cases[i], &st));
        CHECK_MSG(st == PB_ERR_IO, "case %zu", i);
    }
}

/* A fresh empty directory under the system's temporary directory. */
static int pb_make_tmpdir(char *dir, size_t size)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, size, "%s/pbtest-json-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(dir) != NULL;
}

static int pb_dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_atomic_write(void)
{
    char dir[256], path[300];
    if (!pb_make_tmpdir(dir, sizeof dir))
        SKIP("cannot create a temporary directory");
    snprintf(path, sizeof path, "%s/results.json", dir);
    pb_resultset set;
    pb_sample_resultset(&set);
    pb_msg msg = { "" };
    CHECK(pb_json_write_resultset(&set, path, &msg) == PB_OK);
    CHECK_STR(msg.text, "");
    CHECK(pb_dir_entries(dir) == 1); /* the file itself, no temporary beside it */
    /* Overwriting an existing file goes through the same rename. */
    CHECK(pb_json_write_resultset(&set, path, &msg) == PB_OK);
    CHECK(pb_dir_entries(dir) == 1);
    FILE *f = fopen(path, "r");
    char head[64] = { 0 };
    CHECK(f && fgets(head, sizeof head, f));
    CHECK_STR(head, "{\n");
    if (f)
        fclose(f);
    pb_resultset_free(&set);
    remove(path);
    rmdir(dir);
}

static void test_unwritable_paths(void)
{
    char dir[256], path[300];
    if (!pb_make_tmpdir(dir, sizeof dir))
        SKIP("cannot create a temporary directory");
    pb_resultset set;
    pb_sample_resultset(&set);

    /* The directory does not exist. */
    snprintf(path, sizeof path, "%s/missing/results.json", dir);
    pb_msg msg = { "" };
    CHECK(pb_json_write_resultset(&set, path, &msg) == PB_ERR_IO);
    CHECK(strstr(msg.text, path) != NULL);
    CHECK(strstr(msg.text, "-o") != NULL);
    CHECK(pb_dir_entries(dir) == 0);

    /* The target is a directory: the temporary file is written, the rename fails, and the
     * temporary must then be removed. */
    snprintf(path, sizeof path, "%s/taken", dir);
    CHECK(mkdir(path, 0700) == 0);
    msg.text[0] = '\0';
    CHECK(pb_json_write_resultset(&set, path, &msg) == PB_ERR_IO);
    CHECK(strstr(msg.text, "writable") != NULL);
    CHECK(pb_dir_entries(dir) == 1);
    rmdir(path);

    /* A read-only directory (root ignores permissions, so only check when they apply). */
    snprintf(path, sizeof path, "%s/ro", dir);
    CHECK(mkdir(path, 0500) == 0);
    if (access(path, W_OK) != 0) {
        char file[320];
        snprintf(file, sizeof file, "%s/results.json", path);
        CHECK(pb_json_write_resultset(&set, file, &msg) == PB_ERR_IO);
        CHECK(pb_dir_entries(path) == 0);
    }
    rmdir(path);
    pb_resultset_free(&set);
    rmdir(dir);
}

static void test_result_model(void)
{
    pb_case_status s;
    for (int i = PB_CASE_OK; i <= PB_CASE_SKIPPED; i++) {
        CHECK(pb_case_status_parse(pb_case_status_name((pb_case_status)i), &s));
        CHECK(s == (pb_case_status)i);
    }
    CHECK(!pb_case_status_parse("error", &s));
    CHECK_STR(pb_case_status_name((pb_case_status)99), "unknown");

    pb_resultset set;
    pb_resultset_init(&set);
    for (int i = 0; i < 100; i++) {
        pb_result *r = pb_resultset_add_result(&set);
        CHECK(r && r->nsamples == 0 && r->samples_s == NULL);
        double v[3] = { i, i + 1, i + 2 };
        CHECK(pb_result_set_samples(r, v, NULL, 3, NULL) == PB_OK);
        CHECK(pb_result_set_samples(r, v, NULL, 2, NULL) == PB_OK); /* replaces, no leak */
    }
    CHECK(set.nresults == 100);
    CHECK(set.results[99].samples_s[1] == 100.0);
    CHECK(pb_resultset_add_device(&set) != NULL);
    pb_resultset_free(&set);
    CHECK(set.nresults == 0 && set.results == NULL);
    pb_resultset_free(NULL);
}

/* What the writer writes, the reader reads back to the same values. */
static void test_round_trip(void)
{
    char dir[256], path[300];
    if (!pb_make_tmpdir(dir, sizeof dir))
        SKIP("cannot create a temporary directory");
    snprintf(path, sizeof path, "%s/r.json", dir);
    pb_resultset a, b;
    pb_sample_resultset(&a);
    pb_msg msg = { "" };
    CHECK(pb_json_write_resultset(&a, path, &msg) == PB_OK);
    CHECK_MSG(pb_json_read_resultset(path, &b, &msg) == PB_OK, "%s", msg.text);
    remove(path);
    rmdir(dir);

    CHECK_STR(a.tool_version, b.tool_version);
    CHECK_STR(a.compiler, b.compiler);
    CHECK_STR(a.cflags, b.cflags);
    CHECK_STR(a.backends_built, b.backends_built);
    CHECK_STR(a.started_at, b.started_at);
    CHECK_STR(a.finished_at, b.finished_at);
    CHECK_STR(a.preset, b.preset);
    CHECK(a.complete == b.complete);
    CHECK(a.min_time_s == b.min_time_s);
    CHECK(a.seed == b.seed);
    CHECK_STR(a.command, b.command);
    CHECK(memcmp(&a.machine, &b.machine, sizeof a.machine) == 0);
    CHECK(a.ndevices == b.ndevices);
    if (a.ndevices == b.ndevices)
        for (int i = 0; i < a.ndevices; i++)
            CHECK(memcmp(&a.devices[i], &b.devices[i], sizeof a.devices[i]) == 0);
    CHECK(a.nresults == b.nresults);
    for (int i = 0; i < a.nresults && i < b.nresults; i++) {
        pb_result *x = &a.results[i], *y = &b.results[i];
        CHECK_STR(x->workload, y->workload);
        CHECK_STR(x->backend, y->backend);
        CHECK_STR(x->device_name, y->device_name);
        CHECK(x->device == y->device);
        CHECK_STR(x->role, y->role);
        CHECK(x->threads == y->threads);
        CHECK_STR(x->precision, y->precision);
        CHECK_STR(x->impl, y->impl);
        CHECK(x->ndims == y->ndims);
        for (int d = 0; d < x->ndims; d++) {
            CHECK_STR(x->dim_names[d], y->dim_names[d]);
            CHECK(x->dims[d] == y->dims[d]);
        }
        CHECK(x->status == y->status);
        CHECK_STR(x->reason, y->reason);
        CHECK(x->flops == y->flops && x->bytes == y->bytes && x->work == y->work);
        CHECK(x->iterations_per_sample == y->iterations_per_sample);
        CHECK_STR(x->timer, y->timer);
        CHECK(x->nsamples == y->nsamples);
        for (int s = 0; s < x->nsamples && s < y->nsamples; s++)
            CHECK(x->samples_s[s] == y->samples_s[s]);
        CHECK(x->ne2e == y->ne2e);
        for (int s = 0; s < x->ne2e && s < y->ne2e; s++)
            CHECK(x->e2e_samples_s[s] == y->e2e_samples_s[s]);
        CHECK(x->median_s == y->median_s && x->mad_s == y->mad_s && x->min_s == y->min_s);
        CHECK(x->cv == y->cv && x->unstable == y->unstable && x->e2e_median_s == y->e2e_median_s);
        CHECK(x->rate_value == y->rate_value);
        CHECK_STR(x->rate_unit, y->rate_unit);
        CHECK(x->has_check == y->has_check);
        CHECK(x->check.ok == y->check.ok && x->check.bad == y->check.bad);
        CHECK_STR(x->check.method, y->check.method);
        CHECK(x->check.max_err == y->check.max_err && x->check.tolerance == y->check.tolerance);
    }
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

static const pbtest_case tests[] = {
    { "string_escaping", test_string_escaping },
    { "numbers_and_non_finite", test_numbers_and_non_finite },
    { "numbers_round_trip", test_numbers_round_trip },
    { "layout", test_layout },
    { "misuse_is_reported", test_misuse_is_reported },
    { "atomic_write", test_atomic_write },
    { "unwritable_paths", test_unwritable_paths },
    { "result_model", test_result_model },
    { "round_trip", test_round_trip },
};

PBTEST_MAIN(tests)
