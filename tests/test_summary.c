/* The plain answer under a run's table (src/cli/summary.c): its words on hand-made result sets, and
 * golden files of its lines for fixed result files (tests/golden/run/NAME.json, NAME.txt). Set
 * PB_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change, then read the diff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/cli/summary.h"
#include "../src/results/json_read.h"
#include "pbtest.h"

static pb_result *add(pb_resultset *set, const char *workload, const char *backend, const char *role, int threads,
                      double rate)
{
    pb_result *r = pb_resultset_add_result(set);
    snprintf(r->workload, sizeof r->workload, "%s", workload);
    snprintf(r->backend, sizeof r->backend, "%s", backend);
    snprintf(r->role, sizeof r->role, "%s", role);
    snprintf(r->impl, sizeof r->impl, "own");
    snprintf(r->precision, sizeof r->precision, "fp32");
    snprintf(r->device_name, sizeof r->device_name, "%s", threads ? "host CPU" : "Test GPU");
    r->threads = threads;
    r->ndims = 1;
    r->dims[0] = 1024;
    r->status = PB_CASE_OK;
    r->rate_value = rate;
    r->work = rate * 1e6; /* one launch takes 1 ms */
    r->median_s = 1e-3;
    r->rounds = 6;
    return r;
}

static void test_bound_and_duration(void)
{
    CHECK_STR(pb_summary_bound("triad"), "memory-bound");
    CHECK_STR(pb_summary_bound("nbody"), "compute-bound");
    CHECK_STR(pb_summary_bound("fft"), "");
    char d[32];
    pb_summary_duration(108, d, sizeof d);
    CHECK_STR(d, "1 min 48 s");
    pb_summary_duration(42.2, d, sizeof d);
    CHECK_STR(d, "42 s");
    pb_summary_duration(3.62, d, sizeof d);
    CHECK_STR(d, "3.6 s");
}

static void test_cpu_and_gpu_lines(void)
{
    pb_resultset set;
    pb_resultset_init(&set);
    snprintf(set.preset, sizeof set.preset, "standard");
    set.complete = 1;
    add(&set, "nbody", "cpu", "cpu-1", 1, 10);
    add(&set, "nbody", "cpu", "cpu-all", 2, 20);
    add(&set, "triad", "cpu", "cpu-1", 1, 10);
    add(&set, "triad", "cpu", "cpu-all", 2, 11);
    pb_result *g = add(&set, "nbody", "cuda", "gpu", 0, 200);
    g->ne2e = 1;
    g->e2e_median_s = 4e-3; /* a quarter of the kernel rate with copies */
    char text[2048];
    int lines = pb_summary_text(&set, 108, text, sizeof text);
    CHECK(lines == 3);
    CHECK_MSG(strstr(text, "All 2 cores: 1.5x one core (geometric mean over 2 workloads; best nbody 2.0x, "
                           "compute-bound; worst triad 1.1x, memory-bound).") != NULL, "%s", text);
    CHECK_MSG(strstr(text, "GPU (cuda on Test GPU): 10x all cores on kernels, 2.5x including copies (on nbody).") != NULL,
              "%s", text);
    CHECK_MSG(strstr(text, "Took 1 min 48 s.") != NULL, "%s", text);
    CHECK(strstr(text, "No GPU") == NULL);
    pb_resultset_free(&set);
}

static void test_tiny_and_failed(void)
{
    pb_resultset set;
    pb_resultset_init(&set);
    snprintf(set.preset, sizeof set.preset, "tiny");
    set.complete = 1;
    add(&set, "triad", "cpu", "cpu-1", 1, 10);
    add(&set, "triad", "cpu", "cpu-all", 2, 0.01)->status = PB_CASE_FAILED;
    char text[2048];
    pb_summary_text(&set, -1, text, sizeof text);
    CHECK_MSG(strstr(text, "1 of 2 cases failed verification") != NULL, "%s", text);
    CHECK_MSG(strstr(text, "the tiny preset only checks that things run") != NULL ||
                  strstr(text, "The tiny preset only checks that things run: its times are too short to compare.") != NULL,
              "%s", text);
    CHECK_MSG(strstr(text, "0.00x") == NULL && strstr(text, "Took") == NULL, "%s", text);
    pb_resultset_free(&set);
}

/* The summary of tests/golden/run/NAME.json, printed at 80 columns, against NAME.txt. */
static void golden(const char *name)
{
    char json[256], txt[256], got[8192] = "", want[8192] = "";
    snprintf(json, sizeof json, "tests/golden/run/%s.json", name);
    snprintf(txt, sizeof txt, "tests/golden/run/%s.txt", name);
    pb_resultset set;
    pb_msg msg = { "" };
    if (pb_json_read_resultset(json, &set, &msg) != PB_OK) {
        CHECK_MSG(0, "%s: %s", json, msg.text);
        return;
    }
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    pb_summary_print(&set, pb_summary_elapsed(&set), 80, f);
    rewind(f);
    size_t n = fread(got, 1, sizeof got - 1, f);
    got[n] = '\0';
    fclose(f);
    pb_resultset_free(&set);
    if (getenv("PB_UPDATE_GOLDEN")) {
        FILE *w = fopen(txt, "w");
        CHECK(w != NULL);
        if (w) {
            fputs(got, w);
            fclose(w);
        }
        return;
    }
    FILE *r = fopen(txt, "r");
    CHECK_MSG(r != NULL, "no golden file %s (PB_UPDATE_GOLDEN=1 writes it)", txt);
    if (!r)
        return;
    n = fread(want, 1, sizeof want - 1, r);
    want[n] = '\0';
    fclose(r);
    CHECK_MSG(strcmp(got, want) == 0, "%s differs from the summary:\n%s", txt, got);
    for (const char *line = got; *line; line = strchr(line, '\n') + 1)
        CHECK_MSG(strcspn(line, "\n") <= 80, "%s: a line over 80 columns", txt);
}

static void test_golden_gpu(void) { golden("box-gpu"); }
static void test_golden_nogpu(void) { golden("laptop-nogpu"); }
static void test_golden_noisy(void) { golden("noisy"); }
static void test_golden_tiny(void) { golden("tiny"); }

/* A device measured in two precisions (histogram counts u32) is one line, not one per precision. */
static void test_one_line_per_device(void)
{
    pb_resultset set;
    pb_resultset_init(&set);
    add(&set, "triad", "cpu", "cpu-all", 2, 10);
    add(&set, "histogram", "cpu", "cpu-all", 2, 4);
    add(&set, "triad", "opencl", "opencl-cpu", 0, 5);
    pb_result *h = add(&set, "histogram", "opencl", "opencl-cpu", 0, 1);
    snprintf(h->precision, sizeof h->precision, "u32");
    char text[4096];
    pb_summary_text(&set, 10, text, sizeof text);
    const char *first = strstr(text, "OpenCL on a CPU device");
    CHECK_MSG(first && !strstr(first + 1, "OpenCL on a CPU device"), "%s", text);
    CHECK_MSG(strstr(text, "geometric mean over 2 workloads") != NULL, "%s", text);
    pb_resultset_free(&set);
}

static const pbtest_case cases[] = {
    { "one line per device", test_one_line_per_device },
    { "bound and duration", test_bound_and_duration },
    { "cpu and gpu lines", test_cpu_and_gpu_lines },
    { "tiny and failed", test_tiny_and_failed },
    { "golden gpu", test_golden_gpu },
    { "golden no gpu", test_golden_nogpu },
    { "golden noisy", test_golden_noisy },
    { "golden tiny", test_golden_tiny },
};
PBTEST_MAIN(cases)
