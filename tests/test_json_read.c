/* The strict JSON reader and the result-file loader: every kind of malformed input gives one clear
 * line naming the place, never a crash; valid input decodes exactly. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/results/json_read.h"
#include "../src/results/json_write.h"
#include "pbtest.h"
#include "sample_results.h"

typedef struct pb_bad_case {
    const char *text;
    const char *want;  /* a substring of the message */
} pb_bad_case;

/* Checks that `text` is refused with PB_ERR_INPUT and a one-line message containing `want`. */
static void pb_expect_parse_error(const char *text, size_t len, const char *want)
{
    pb_json_doc *doc = NULL;
    pb_msg msg = { "" };
    pb_status st = pb_json_parse_buffer(text, len, "t.json", &doc, &msg);
    CHECK_MSG(st == PB_ERR_INPUT, "input <%s> status %d", text, (int)st);
    CHECK_MSG(strstr(msg.text, want) != NULL, "input <%s>: message \"%s\" lacks \"%s\"", text, msg.text, want);
    CHECK_MSG(strncmp(msg.text, "t.json:", 7) == 0, "message \"%s\" does not name the file", msg.text);
    CHECK(strchr(msg.text, '\n') == NULL);
    CHECK(doc == NULL);
}

static void test_syntax_errors(void)
{
    static const pb_bad_case cases[] = {
        { "", "t.json:1:1: empty document" },
        { " \n\t ", "empty document" },
        { "{", "t.json:1:2: unexpected end of input: expected a string key" },
        { "{\"a\":1", "unexpected end of input: expected ',' or '}' after object member" },
        { "{\"a\" 1}", "expected ':' after object key, found '1'" },
        { "{\"a\":1,}", "expected a string key in object, found '}'" },
        { "{a:1}", "expected a string key in object, found 'a'" },
        { "[1,]", "t.json:1:4: expected a value, found ']'" },
        { "[1 2]", "expected ',' or ']' after array element, found '2'" },
        { "[1", "unexpected end of input" },
        { "{\n  \"a\": 1\n  \"b\": 2\n}", "t.json:3:3: expected ',' or '}' after object member" },
        { "01", "leading zeros" },
        { "-01", "leading zeros" },
        { "1.", "expected a digit after '.'" },
        { "1.e5", "expected a digit after '.'" },
        { "1e", "expected a digit in the exponent" },
        { "1e+", "expected a digit in the exponent" },
        { "-", "invalid number: expected a digit" },
        { "+1", "expected a value, found '+'" },
        { ".5", "expected a value, found '.'" },
        { "1e400", "number out of range" },
        { "[0, -1.5e99999]", "t.json:1:5: number out of range" },
        { "NaN", "expected a value, found 'N'" },
        { "Infinity", "expected a value, found 'I'" },
        { "tru", "invalid literal" },
        { "nul", "invalid literal" },
        { "True", "expected a value, found 'T'" },
        { "\"abc", "t.json:1:1: unterminated string" },
        { "\"a\tb\"", "t.json:1:3: control character in string" },
        { "\"a\nb\"", "control character in string" },
        { "\"\\x\"", "t.json:1:2: invalid escape" },
        { "\"\\", "invalid escape" },
        { "\"\\u12\"", "expected four hex digits" },
        { "\"\\uZZZZ\"", "expected four hex digits" },
        { "\"\\ud800\"", "a high surrogate must be followed by a low one" },
        { "\"\\ud800\\u0041\"", "a high surrogate must be followed by a low one" },
        { "\"\\udc00\"", "a low surrogate without a high one" },
        { "\"\\u0000\"", "\\u0000 is not allowed" },
        { "\"\xFF\"", "t.json:1:2: invalid UTF-8" },
        { "\"\xC0\xAF\"", "invalid UTF-8" },
        { "\"\xED\xA0\x80\"", "invalid UTF-8" },
        { "\"\xF4\x90\x80\x80\"", "invalid UTF-8" },
        { "\"\xE2\x82\"", "invalid UTF-8" },
        { "\xFF", "expected a value, found byte 0xFF" },
        { "[1] 2", "unexpected data after the JSON value, found '2'" },
        { "{} {}", "unexpected data after the JSON value" },
        { "{\"a\":1,\"b\":2,\"a\":3}", "t.json:1:14: duplicate key \"a\"" },
        { "/* comment */ {}", "expected a value, found '/'" },
        { "[1,2,3,", "unexpected end of input: expected a value" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        pb_expect_parse_error(cases[i].text, strlen(cases[i].text), cases[i].want);
    /* An embedded NUL byte is not whitespace and not a value. */
    pb_expect_parse_error("[1]\0", 4, "found byte 0x00");
}

static void test_nesting_limit(void)
{
    char buf[2 * PB_JSON_READ_MAX_DEPTH + 4];
    int depth = PB_JSON_READ_MAX_DEPTH;
    memset(buf, '[', (size_t)depth);
    memset(buf + depth, ']', (size_t)depth);
    pb_json_doc *doc = NULL;
    CHECK(pb_json_parse_buffer(buf, 2 * (size_t)depth, "t.json", &doc, NULL) == PB_OK);
    pb_json_doc_free(doc);
    memset(buf, '[', (size_t)depth + 1);
    memset(buf + depth + 1, ']', (size_t)depth + 1);
    pb_expect_parse_error(buf, 2 * (size_t)depth + 2, "nesting deeper than 64 levels");
    /* Far deeper input must fail just as fast, without recursing further. */
    size_t big = 1000000;
    char *deep = malloc(big);
    if (!deep)
        return;
    memset(deep, '[', big);
    pb_expect_parse_error(deep, big, "nesting deeper");
    free(deep);
}

static void test_string_limit(void)
{
    size_t n = PB_JSON_READ_MAX_STRING;
    char *buf = malloc(n + 3);
    if (!buf)
        return;
    buf[0] = '"';
    memset(buf + 1, 'x', n);
    buf[n + 1] = '"';
    pb_json_doc *doc = NULL;
    CHECK(pb_json_parse_buffer(buf, n + 2, "t.json", &doc, NULL) == PB_OK);
    CHECK(doc && pb_json_doc_root(doc)->u.string.length == n);
    pb_json_doc_free(doc);
    buf[n + 1] = 'x';
    buf[n + 2] = '"';
    pb_expect_parse_error(buf, n + 3, "string longer than the 1 MiB limit");
    free(buf);
}

static const pb_json_value *pb_parse_ok(const char *text, pb_json_doc **doc)
{
    pb_msg msg = { "" };
    pb_status st = pb_json_parse_buffer(text, strlen(text), "t.json", doc, &msg);
    CHECK_MSG(st == PB_OK, "<%s>: %s", text, msg.text);
    return st == PB_OK ? pb_json_doc_root(*doc) : NULL;
}

static void test_values_decode(void)
{
    pb_json_doc *doc = NULL;
    const pb_json_value *v =
        pb_parse_ok("\xEF\xBB\xBF {\"s\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\xE2\x82\xAC\",\n"
                    " \"n\": [0, -0, 1.5e3, 1e-400, 18446744073709551615, 18446744073709551616,\n"
                    "        -9223372036854775808, -9223372036854775809, 2.0],\n"
                    " \"t\": true, \"f\": false, \"z\": null, \"e\": {}, \"a\": []}",
                    &doc);
    if (!v)
        return;
    CHECK(v->type == PB_JSON_OBJECT && v->u.object.count == 7);
    const pb_json_value *s = pb_json_get(v, "s");
    CHECK(s && s->type == PB_JSON_STRING);
    if (s)
        CHECK_STR(s->u.string.text, "\"\\/\b\f\n\r\t\xC3\xA9\xF0\x9F\x98\x80\xE2\x82\xAC");
    const pb_json_value *n = pb_json_get(v, "n");
    CHECK(n && n->type == PB_JSON_ARRAY && n->u.array.count == 9 && n->line == 2 && n->column == 7);
    if (n && n->u.array.count == 9) {
        const pb_json_value *x = n->u.array.items;
        CHECK(x[0].u.number.is_integer && x[0].u.number.i == 0);
        CHECK(x[1].u.number.is_integer && x[1].u.number.is_negative);
        CHECK(!x[2].u.number.is_integer && x[2].u.number.value == 1500.0);
        CHECK(x[3].u.number.value == 0.0);
        CHECK(x[4].u.number.is_integer && x[4].u.number.u == UINT64_MAX);
        CHECK(!x[5].u.number.is_integer && x[5].u.number.value == 18446744073709551616.0);
        CHECK(x[6].u.number.is_integer && x[6].u.number.i == INT64_MIN);
        CHECK(!x[7].u.number.is_integer);
        CHECK(!x[8].u.number.is_integer && x[8].u.number.value == 2.0);
        CHECK(x[8].line == 3 && x[8].column == 53);
    }
    CHECK(pb_json_get(v, "t")->u.boolean == 1 && pb_json_get(v, "f")->type == PB_JSON_BOOL);
    CHECK(pb_json_get(v, "z")->type == PB_JSON_NULL);
    CHECK(pb_json_get(v, "e")->type == PB_JSON_OBJECT && pb_json_get(v, "a")->u.array.count == 0);
    CHECK(pb_json_get(v, "missing") == NULL && pb_json_get(n, "s") == NULL);
    pb_json_doc_free(doc);
    pb_json_doc_free(NULL);
}

/* ---- the result-file loader ------------------------------------------------------------------ */

#define PB_HEAD "{\"schema\": \"parbench-result\", \"schema_version\": 1, "
#define PB_RESULT_OK "\"workload\": \"triad\", \"backend\": \"cpu\", \"role\": \"cpu-1\", \"precision\": \"fp32\", " \
                     "\"size\": {\"n\": 1024}, \"status\": \"ok\", \"samples_s\": [0.01, 0.02]"

static void pb_expect_result_error(const char *text, pb_status want_status, const char *want)
{
    pb_resultset set;
    pb_msg msg = { "" };
    pb_status st = pb_json_parse_resultset(text, strlen(text), "r.json", &set, &msg);
    CHECK_MSG(st == want_status, "<%s>: status %d, message \"%s\"", text, (int)st, msg.text);
    CHECK_MSG(strstr(msg.text, want) != NULL, "<%s>: message \"%s\" lacks \"%s\"", text, msg.text, want);
    CHECK(strchr(msg.text, '\n') == NULL);
    CHECK(set.nresults == 0 && set.results == NULL);
    pb_resultset_free(&set);
}

static void test_result_errors(void)
{
    static const pb_bad_case cases[] = {
        { "[]", "r.json: not a parbench result file" },
        { "{\"schema\": \"other-tool\", \"results\": []}", "not a parbench result file" },
        { "{\"version\": 1, \"benchmarks\": []}", "not a parbench result file" },
        { "{\"schema\": \"parbench-result\", \"results\": []}", "missing field \"schema_version\"" },
        { PB_HEAD "\"schema_version\": 2}", "duplicate key" },
        { "{\"schema\": \"parbench-result\", \"schema_version\": 3, \"results\": []}",
          "r.json: schema version 3 is newer than this parbench understands (2): upgrade parbench" },
        { "{\"schema\": \"parbench-result\", \"schema_version\": \"1\", \"results\": []}",
          "r.json:1:49: schema_version: expected an integer" },
        { "{\"schema\": \"parbench-result\", \"schema_version\": 1.5, \"results\": []}", "expected an integer" },
        { "{\"schema\": \"parbench-result\", \"schema_version\": 0, \"results\": []}", "out of range" },
        { PB_HEAD "\"devices\": []}", "r.json:1:1: missing field \"results\"" },
        { PB_HEAD "\"results\": {}}", "results: expected an array" },
        { PB_HEAD "\"results\": [1]}", "results[0]: expected an object" },
        { PB_HEAD "\"results\": [{\"backend\": \"cpu\"}]}", "results[0]: missing field \"workload\"" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK "}, {\"workload\": 7}]}", "results[1].workload: expected a string" },
        { PB_HEAD "\"results\": [{\"workload\": \"triad\", \"backend\": \"cpu\", \"role\": \"cpu-1\", "
                  "\"precision\": \"fp32\", \"size\": {\"n\": 1}, \"status\": \"ok\", \"samples_s\": 0.5}]}",
          "results[0].samples_s: expected an array of numbers" },
        { PB_HEAD "\"results\": [{\"workload\": \"triad\", \"backend\": \"cpu\", \"role\": \"cpu-1\", "
                  "\"precision\": \"fp32\", \"size\": {\"n\": 1}, \"status\": \"ok\", \"samples_s\": [0.5, \"x\"]}]}",
          "results[0].samples_s[1]: expected a time between 1e-09 and 86400 seconds" },
        { PB_HEAD "\"results\": [{\"workload\": \"triad\", \"backend\": \"cpu\", \"role\": \"cpu-1\", "
                  "\"precision\": \"fp32\", \"size\": {\"n\": 1}, \"status\": \"ok\", \"samples_s\": [-1]}]}",
          "samples_s[0]: expected a time between" },
        { PB_HEAD "\"results\": [{\"workload\": \"triad\", \"backend\": \"cpu\", \"role\": \"cpu-1\", "
                  "\"precision\": \"fp32\", \"size\": {\"n\": 1}, \"status\": \"ok\"}]}",
          "results[0]: missing field \"samples_s\"" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"status\": \"ok\"}]}", "duplicate key \"status\"" },
        { PB_HEAD "\"results\": [{\"workload\": \"triad\", \"backend\": \"cpu\", \"role\": \"cpu-1\", "
                  "\"precision\": \"fp32\", \"size\": {\"n\": 1}, \"status\": \"error\", \"samples_s\": []}]}",
          "results[0].status: unknown status \"error\"" },
        { PB_HEAD "\"results\": [{\"workload\": \"triad\", \"backend\": \"cpu\", \"role\": \"cpu-1\", "
                  "\"precision\": \"fp32\", \"size\": [1], \"status\": \"ok\", \"samples_s\": []}]}",
          "results[0].size: expected an object" },
        { PB_HEAD "\"results\": [{\"workload\": \"triad\", \"backend\": \"cpu\", \"role\": \"cpu-1\", "
                  "\"precision\": \"fp32\", \"size\": {\"n\": -4}, \"status\": \"ok\", \"samples_s\": []}]}",
          "results[0].size.n: -4 is out of range" },
        { PB_HEAD "\"results\": [{\"workload\": \"triad\", \"backend\": \"cpu\", \"role\": \"cpu-1\", "
                  "\"precision\": \"fp32\", \"size\": {\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}, \"status\": \"ok\", "
                  "\"samples_s\": []}]}",
          "results[0].size: more than 3 dimensions" },
        { PB_HEAD "\"results\": [{\"workload\": \"a-workload-name-that-is-far-too-long\", \"backend\": \"cpu\", "
                  "\"role\": \"cpu-1\", \"precision\": \"fp32\", \"size\": {}, \"status\": \"ok\", \"samples_s\": []}]}",
          "results[0].workload: longer than 23 bytes" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"threads\": 1.5}]}", "results[0].threads: expected an integer" },
        /* Untrusted numbers (issue 10): absurd times, rates and round data name their field. */
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"median_s\": 1e9}]}",
          "results[0].median_s: 1e+09 s is not a believable time (expected between 1e-09 and 86400 seconds)" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"min_s\": 1e-12}]}", "results[0].min_s: 1e-12 s is not a believable time" },
        { PB_HEAD "\"results\": [{\"workload\": \"triad\", \"backend\": \"cpu\", \"role\": \"cpu-1\", "
                  "\"precision\": \"fp32\", \"size\": {\"n\": 1}, \"status\": \"ok\", \"samples_s\": [0.5, 1e5]}]}",
          "results[0].samples_s[1]: expected a time between" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"rate\": {\"value\": 1e300, \"unit\": \"GB/s\"}}]}",
          "results[0].rate.value: 1e+300 is not a believable rate" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"rounds\": 2}]}", "results[0]: missing field \"sample_rounds\"" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"rounds\": 2, \"sample_rounds\": [0]}]}",
          "results[0].sample_rounds: 1 entries for 2 samples; there must be one per sample" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"rounds\": 2, \"sample_rounds\": [0, 2]}]}",
          "results[0].sample_rounds[1]: 2 is out of range" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"rounds\": 1, \"sample_rounds\": [0, 0], "
                  "\"round_states\": [{}, {}]}]}",
          "results[0].round_states: 2 states for 1 rounds" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK "}, {\"threads\": 0, " PB_RESULT_OK "}]}",
          "results[1]: the same case as results[0] (triad cpu cpu-1 n=1024): a result file holds each case once" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"threads\": 1e10}]}", "results[0].threads: 10000000000 is out of range" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"threads\": null}]}", "results[0].threads: expected an integer" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"unstable\": \"yes\"}]}", "results[0].unstable: expected true or false" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"median_s\": \"fast\"}]}", "results[0].median_s: expected a number" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"rate\": 5}]}", "results[0].rate: expected an object" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"check\": {\"method\": \"x\"}}]}",
          "results[0].check: missing field \"ok\"" },
        { PB_HEAD "\"results\": [{" PB_RESULT_OK ", \"e2e_samples_s\": [null]}]}",
          "results[0].e2e_samples_s[0]: expected a time between" },
        { PB_HEAD "\"results\": [], \"machine\": \"mac\"}", "machine: expected an object" },
        { PB_HEAD "\"results\": [], \"machine\": {\"cpu\": {\"logical_cores\": \"12\"}}}",
          "machine.cpu.logical_cores: expected an integer" },
        { PB_HEAD "\"results\": [], \"machine\": {\"cpu\": {\"perf_levels\": [{}, {}, {}, {}, {}]}}}",
          "machine.cpu.perf_levels: more than 4 levels" },
        { PB_HEAD "\"results\": [], \"machine\": {\"cpu\": {\"perf_levels\": [3]}}}",
          "machine.cpu.perf_levels[0]: expected an object" },
        { PB_HEAD "\"results\": [], \"devices\": [1]}", "devices[0]: expected an object" },
        { PB_HEAD "\"results\": [], \"devices\": [{\"index\": 0}]}", "devices[0]: missing field \"backend\"" },
        { PB_HEAD "\"results\": [], \"tool\": {\"backends_built\": \"cpu\"}}", "tool.backends_built: expected an array" },
        { PB_HEAD "\"results\": [], \"tool\": {\"backends_built\": [1]}}", "expected an array of strings" },
        { PB_HEAD "\"results\": [], \"run\": {\"seed\": -1}}", "run.seed: -1 is out of range" },
        { PB_HEAD "\"results\": [], \"run\": {\"complete\": 1}}", "run.complete: expected true or false" },
        { PB_HEAD "\"results\": [", "r.json:1:64: unexpected end of input" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        pb_expect_result_error(cases[i].text, PB_ERR_INPUT, cases[i].want);
}

static void test_result_minimal_and_extra_fields(void)
{
    const char *text = PB_HEAD "\"future_field\": {\"x\": [1, 2]}, \"results\": [{" PB_RESULT_OK
                               ", \"new_metric\": 3, \"check\": null, \"reason\": null, \"cv\": null}]}";
    pb_resultset set;
    pb_msg msg = { "" };
    CHECK_MSG(pb_json_parse_resultset(text, strlen(text), "r.json", &set, &msg) == PB_OK, "%s", msg.text);
    CHECK(set.nresults == 1);
    if (set.nresults == 1) {
        const pb_result *r = &set.results[0];
        CHECK_STR(r->workload, "triad");
        CHECK(r->ndims == 1 && r->dims[0] == 1024);
        CHECK_STR(r->dim_names[0], "n");
        CHECK(r->nsamples == 2 && r->samples_s[1] == 0.02);
        CHECK(!r->has_check && r->reason[0] == '\0' && r->cv != r->cv);
        CHECK(r->status == PB_CASE_OK);
    }
    pb_resultset_free(&set);
}

/* ---- files ----------------------------------------------------------------------------------- */

static int pb_make_tmpdir(char *dir, size_t size)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, size, "%s/pbtest-read-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(dir) != NULL;
}

static void pb_expect_file_error(const char *path, pb_status want_status, const char *want)
{
    pb_resultset set;
    pb_msg msg = { "" };
    pb_status st = pb_json_read_resultset(path, &set, &msg);
    CHECK_MSG(st == want_status, "%s: status %d, message \"%s\"", path, (int)st, msg.text);
    CHECK_MSG(strstr(msg.text, want) != NULL, "%s: message \"%s\" lacks \"%s\"", path, msg.text, want);
    CHECK(strchr(msg.text, '\n') == NULL);
    CHECK(set.nresults == 0);
    pb_resultset_free(&set);
}

static void test_file_errors(void)
{
    char dir[256], path[320];
    if (!pb_make_tmpdir(dir, sizeof dir))
        SKIP("cannot create a temporary directory");

    snprintf(path, sizeof path, "%s/missing.json", dir);
    pb_expect_file_error(path, PB_ERR_IO, "cannot open");
    pb_expect_file_error(dir, PB_ERR_IO, "is a directory");

    snprintf(path, sizeof path, "%s/empty.json", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    pb_expect_file_error(path, PB_ERR_INPUT, "is empty");

    /* A sparse file one byte past the limit: refused without parsing. */
    snprintf(path, sizeof path, "%s/huge.json", dir);
    f = fopen(path, "w");
    if (f) {
        CHECK(ftruncate(fileno(f), (off_t)PB_JSON_READ_MAX_FILE + 1) == 0);
        fclose(f);
        pb_expect_file_error(path, PB_ERR_INPUT, "larger than the 64 MiB limit");
    }
    remove(path);

    /* A real result file cut short, as by a crash without the atomic write. */
    pb_resultset set;
    pb_sample_resultset(&set);
    snprintf(path, sizeof path, "%s/truncated.json", dir);
    CHECK(pb_json_write_resultset(&set, path, NULL) == PB_OK);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    CHECK(truncate(path, st.st_size / 2) == 0);
    pb_expect_file_error(path, PB_ERR_INPUT, "truncated.json:");
    pb_resultset_free(&set);

    remove(path);
    snprintf(path, sizeof path, "%s/empty.json", dir);
    remove(path);
    rmdir(dir);
}

static const pbtest_case tests[] = {
    { "syntax_errors", test_syntax_errors },
    { "nesting_limit", test_nesting_limit },
    { "string_limit", test_string_limit },
    { "values_decode", test_values_decode },
    { "result_errors", test_result_errors },
    { "result_minimal_and_extra_fields", test_result_minimal_and_extra_fields },
    { "file_errors", test_file_errors },
};

PBTEST_MAIN(tests)
