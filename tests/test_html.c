/* The HTML report (src/report/html*.c): escaping, hostile strings from result files shown as text,
 * absurd numbers refused, one chart per workload, a page that is small and loads nothing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/report/html.h"
#include "../src/results/json_read.h"
#include "pbtest.h"

#define GOLDEN_A "tests/golden/laptop-nogpu.json"
#define GOLDEN_B "tests/golden/box-gpu.json"
#define GOLDEN_C "tests/golden/report/scale-4t.json"

static int count(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* Reads the golden files into sets[0..n); 0 (and a skip) when one is missing. */
static int load(pb_resultset *sets, const char *const *paths, int n)
{
    for (int i = 0; i < n; i++) {
        pb_msg msg;
        if (pb_json_read_resultset(paths[i], &sets[i], &msg) != PB_OK) {
            fprintf(stderr, "  cannot read %s: %s\n", paths[i], msg.text);
            for (int k = 0; k < i; k++)
                pb_resultset_free(&sets[k]);
            return 0;
        }
    }
    return 1;
}

static void unload(pb_resultset *sets, int n)
{
    for (int i = 0; i < n; i++)
        pb_resultset_free(&sets[i]);
}

/* The page for n sets, or NULL with the status in *st. The caller frees the text. */
static char *page_of(const pb_resultset *sets, const char *const *names, int n, pb_status *st, pb_msg *msg)
{
    pb_html h;
    pb_html_init(&h);
    *st = pb_html_report(sets, names, n, 0.05, &h, msg);
    if (*st != PB_OK) {
        pb_html_free(&h);
        return NULL;
    }
    return h.data;
}

static void test_escape(void)
{
    pb_html h;
    pb_html_init(&h);
    pb_html_text(&h, "<script>alert('x')</script> & \"q\"\x01\tok\n");
    CHECK_STR(h.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;&#xFFFD;\tok\n");
    pb_html_free(&h);
    pb_html_init(&h);
    pb_html_textf(&h, "%s=%d", "<a href>", 3);
    pb_html_raw(&h, "<br>");
    CHECK_STR(h.data, "&lt;a href&gt;=3<br>");
    CHECK(pb_html_status(&h, NULL) == PB_OK);
    pb_html_free(&h);
    pb_html_free(NULL);
}

static void test_three_files(void)
{
    const char *names[] = { GOLDEN_A, GOLDEN_B, GOLDEN_C };
    pb_resultset sets[3];
    if (!load(sets, names, 3))
        SKIP("golden files missing: run from the repository root");
    pb_status st;
    pb_msg msg;
    char *page = page_of(sets, names, 3, &st, &msg);
    CHECK_MSG(st == PB_OK, "%s", msg.text);
    if (page) {
        static const char *const sections[] = { "machines", "summary", "workloads", "roofline", "scaling", "sweep",
                                                "verification" };
        for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
            char id[64];
            snprintf(id, sizeof id, "<section id=\"%s\">", sections[i]);
            CHECK_MSG(count(page, id) == 1, "section %s", sections[i]);
        }
        /* sgemm, triad, nbody: one chart each, whichever file has them. */
        CHECK(count(page, "<figure class=\"chart workload\"") == 3);
        CHECK(count(page, "data-workload=\"sgemm\"") >= 1 && count(page, "data-workload=\"nbody\"") == 1);
        CHECK(count(page, "<figure class=\"chart roofline\" data-machine=\"C\"") == 1);
        CHECK(count(page, "<figure class=\"chart scaling\"") == 2); /* C holds 1, 2 and 4 threads */
        CHECK(strlen(page) < 1024 * 1024);
        CHECK(strstr(page, "http://") == NULL && strstr(page, "https://") == NULL);
        CHECK(strstr(page, "src=") == NULL && strstr(page, "url(") == NULL && strstr(page, "<script") == NULL);
        CHECK(count(page, "href=") == count(page, "href=\"#"));
        CHECK(strstr(page, "Content-Security-Policy") != NULL && strstr(page, "@media print") != NULL);
        CHECK(strncmp(page, "<!DOCTYPE html>", 15) == 0 && strstr(page, "</html>\n") != NULL);
        /* Both comparisons against A, with their verdicts. */
        CHECK(strstr(page, "B: linux-box against A: laptop") != NULL);
        CHECK(strstr(page, "C: scale-box against A: laptop") != NULL);
    }
    free(page);
    unload(sets, 3);
}

static void test_one_file(void)
{
    const char *names[] = { GOLDEN_C };
    pb_resultset set;
    if (!load(&set, names, 1))
        SKIP("golden files missing: run from the repository root");
    pb_status st;
    pb_msg msg;
    char *page = page_of(&set, names, 1, &st, &msg);
    CHECK_MSG(st == PB_OK, "%s", msg.text);
    if (page) {
        CHECK(strstr(page, "nothing to compare it with") != NULL);
        CHECK(count(page, "<figure class=\"chart workload\"") == 2);
        CHECK(count(page, "<figure class=\"chart roofline\"") == 1);
        CHECK(strstr(page, "<section id=\"verification\">") != NULL);
    }
    free(page);
    pb_resultset_free(&set);
}

/* Every string a result file carries that the page shows, made hostile. */
static void test_hostile_strings(void)
{
    const char *names[] = { GOLDEN_A, "<b>b.json</b>" };
    pb_resultset sets[2];
    const char *paths[] = { GOLDEN_A, GOLDEN_B };
    if (!load(sets, paths, 2))
        SKIP("golden files missing: run from the repository root");
    pb_machine *m = &sets[1].machine;
    strcpy(m->hostname, "<script>alert(1)</script>");
    strcpy(m->label, "<img src=x onerror=alert(2)>");
    strcpy(m->cpu_model, "\"><svg onload=alert(3)>");
    strcpy(sets[1].cflags, "-O3 '><iframe>");
    pb_result *r = &sets[1].results[0];
    strcpy(r->workload, "<svg/onload=alert(4)>");
    strcpy(sets[1].results[1].reason, "<u>skipped</u> & \"why\"");
    sets[1].results[1].status = PB_CASE_SKIPPED;
    pb_status st;
    pb_msg msg;
    char *page = page_of(sets, names, 2, &st, &msg);
    CHECK_MSG(st == PB_OK, "%s", msg.text);
    if (page) {
        CHECK(strstr(page, "<script") == NULL && strstr(page, "<img") == NULL && strstr(page, "<iframe") == NULL &&
              strstr(page, "<svg onload") == NULL && strstr(page, "<svg/onload") == NULL &&
              strstr(page, "<u>") == NULL && strstr(page, "<b>b.json") == NULL);
        CHECK(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
        CHECK(strstr(page, "&lt;img src=x onerror=alert(2)&gt;") != NULL);
        CHECK(strstr(page, "&quot;&gt;&lt;svg onload=alert(3)&gt;") != NULL);
        CHECK(strstr(page, "data-workload=\"&lt;svg/onload=alert(4)&gt;\"") != NULL);
        CHECK(strstr(page, "&lt;u&gt;skipped&lt;/u&gt; &amp; &quot;why&quot;") != NULL);
        CHECK(strstr(page, "&lt;b&gt;b.json&lt;/b&gt;") != NULL);
    }
    free(page);
    unload(sets, 2);
}

/* Numbers the reader leaves unchecked but the page would draw are refused, naming file and case. */
static void test_absurd_numbers(void)
{
    const char *names[] = { GOLDEN_C };
    static const struct {
        const char *what, *expect;
    } cases[] = {
        { "work", "results[0] (sgemm cpu-1 (cpu, 1 thread) n=67): work per launch of 1e+300 is not believable" },
        { "flops", "flops per launch of -1 is not believable" },
        { "rate", "a rate from its samples of 1e+13 is not believable" },
        { "ceiling", "devices[0] (cpu 0): ceilings.fp32_gflops of inf is not believable" },
        { "bandwidth", "ceilings.bandwidth_gbs of -5 is not believable" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pb_resultset set;
        if (!load(&set, names, 1))
            SKIP("golden files missing: run from the repository root");
        pb_result *r = &set.results[0];
        switch (k) {
        case 0: r->work = 1e300; break;
        case 1: r->flops = -1; break;
        case 2: r->work = 1e13 * 1e9 * r->median_s; break; /* 1e13 GFLOP/s at the median of its samples */
        case 3: set.devices[0].ceilings.fp32_gflops = INFINITY; break;
        case 4: set.devices[0].ceilings.bandwidth_gbs = -5; break;
        }
        pb_status st;
        pb_msg msg = { "" };
        char *page = page_of(&set, names, 1, &st, &msg);
        CHECK_MSG(st == PB_ERR_INPUT && !page, "%s: status %d", cases[k].what, (int)st);
        CHECK_MSG(strstr(msg.text, GOLDEN_C) && strstr(msg.text, cases[k].expect), "%s: %s", cases[k].what, msg.text);
        free(page);
        pb_resultset_free(&set);
    }
}

/* A case that failed, was skipped or is missing is a labelled mark, never a bar. */
static void test_failed_is_no_bar(void)
{
    const char *names[] = { GOLDEN_A, GOLDEN_B };
    pb_resultset sets[2];
    if (!load(sets, names, 2))
        SKIP("golden files missing: run from the repository root");
    for (int i = 0; i < sets[1].nresults; i++) {
        pb_result *r = &sets[1].results[i];
        if (strcmp(r->workload, "nbody") == 0 && strcmp(r->role, "cpu-1") == 0) {
            r->check.ok = 0;
            r->check.max_err = NAN;
        }
        if (strcmp(r->workload, "nbody") == 0 && strcmp(r->role, "cpu-all") == 0) {
            r->status = PB_CASE_SKIPPED;
            strcpy(r->reason, "interrupted");
        }
    }
    pb_status st;
    pb_msg msg;
    char *page = page_of(sets, names, 2, &st, &msg);
    CHECK_MSG(st == PB_OK, "%s", msg.text);
    const char *fig = page ? strstr(page, "data-workload=\"nbody\"") : NULL;
    const char *end = fig ? strstr(fig, "</figure>") : NULL;
    CHECK(fig && end);
    if (fig && end) {
        size_t len = (size_t)(end - fig);
        char *chart = malloc(len + 1);
        memcpy(chart, fig, len);
        chart[len] = '\0';
        /* A's two cases are bars; B's cpu-1 failed, its cpu-all was skipped, its GPU case has no A side. */
        CHECK(count(chart, "<g class=\"bar ") == 3);
        CHECK(count(chart, ">failed</text>") == 1 && count(chart, ">skipped</text>") == 1);
        CHECK(count(chart, ">none</text>") == 1);
        free(chart);
    }
    CHECK(page && strstr(page, "WRONG RESULT") != NULL);
    free(page);
    unload(sets, 2);
}

static void test_too_many_files(void)
{
    pb_html h;
    pb_msg msg;
    pb_html_init(&h);
    CHECK(pb_html_report(NULL, NULL, 0, 0.05, &h, &msg) == PB_ERR_USAGE);
    CHECK(pb_html_report(NULL, NULL, PB_HTML_MAX_FILES + 1, 0.05, &h, &msg) == PB_ERR_USAGE);
    CHECK(h.len == 0);
    pb_html_free(&h);
}

static const pbtest_case tests[] = {
    { "escape", test_escape },
    { "three_files", test_three_files },
    { "one_file", test_one_file },
    { "hostile_strings", test_hostile_strings },
    { "absurd_numbers", test_absurd_numbers },
    { "failed_is_no_bar", test_failed_is_no_bar },
    { "too_many_files", test_too_many_files },
};

PBTEST_MAIN(tests)
