/* `parbench compare`: statistics with known answers, synthetic result sets whose true ratio is
 * known, matching rules, the all-core decomposition, warnings, output formats and the command. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/core/rng.h"
#include "../src/core/stats.h"
#include "../src/cli/cli.h"
#include "../src/report/compare.h"
#include "../src/report/compare_stats.h"
#include "../src/results/json_read.h"
#include "../src/results/json_write.h"
#include "pbtest.h"
#include "sample_results.h"

/* ---- synthetic result sets ------------------------------------------------------------------- */

static void pb_set_init(pb_resultset *set, const char *label)
{
    pb_resultset_init(set);
    strcpy(set->tool_version, "0.1.0");
    strcpy(set->compiler, "gcc 12.2.0");
    strcpy(set->cflags, "-O3");
    strcpy(set->preset, "standard");
    set->complete = 1;
    strcpy(set->machine.label, label);
    strcpy(set->machine.power_source, "ac");
}

/* Normal samples around `center` seconds with relative spread `cv` (Box-Muller). */
static void pb_draw_samples(pb_rng *rng, double center, double cv, int n, double *out)
{
    for (int i = 0; i < n; i++) {
        double u1 = pb_rng_double(rng), u2 = pb_rng_double(rng);
        double z = sqrt(-2 * log(u1 > 0 ? u1 : 1e-300)) * cos(2 * M_PI * u2);
        out[i] = center * (1 + cv * z);
    }
}

static pb_result *pb_add_case(pb_resultset *set, const char *workload, const char *role, const char *backend,
                              int threads, int64_t n, pb_rng *rng, double center, double cv, int nsamples)
{
    double samples[256];
    pb_result *r = pb_resultset_add_result(set);
    strcpy(r->workload, workload);
    strcpy(r->role, role);
    strcpy(r->backend, backend);
    strcpy(r->precision, "fp32");
    strcpy(r->impl, "own");
    strcpy(r->rate_unit, "GFLOP/s");
    r->threads = threads;
    r->ndims = 1;
    strcpy(r->dim_names[0], "n");
    r->dims[0] = n;
    r->status = PB_CASE_OK;
    r->work = 1e9;
    r->has_check = 1;
    r->check.ok = 1;
    pb_draw_samples(rng, center, cv, nsamples, samples);
    /* Rounds of two samples each, as `parbench run` interleaves them (schema 2). */
    int rounds[256];
    r->rounds = nsamples / 2 >= 2 ? nsamples / 2 : 0;
    for (int i = 0; i < nsamples; i++)
        rounds[i] = r->rounds ? i % r->rounds : 0;
    pb_result_set_samples(r, samples, r->rounds ? rounds : NULL, nsamples, NULL);
    r->median_s = pb_stats_median_inplace(samples, (size_t)nsamples);
    r->rate_value = r->work / 1e9 / r->median_s;
    r->unstable = cv > PB_UNSTABLE_CV;
    return r;
}

static const pb_compare_case *pb_find_case(const pb_comparison *cmp, const char *workload, const char *role)
{
    for (int i = 0; i < cmp->ncases; i++)
        if (strcmp(cmp->cases[i].a->workload, workload) == 0 && strcmp(cmp->cases[i].a->role, role) == 0)
            return &cmp->cases[i];
    return NULL;
}

static int pb_has_warning(const pb_comparison *cmp, const char *text)
{
    for (int i = 0; i < cmp->nwarnings; i++)
        if (strstr(cmp->warnings[i], text))
            return 1;
    return 0;
}

/* ---- statistics ------------------------------------------------------------------------------ */

static void test_stats_known_values(void)
{
    double odd[] = { 5, 1, 4, 2, 3 }, even[] = { 4, 1, 3, 2 }, same[] = { 7, 7, 7 };
    CHECK(pb_stats_median_inplace(odd, 5) == 3);
    CHECK(pb_stats_median_inplace(even, 4) == 2.5);
    CHECK(pb_stats_median_inplace(same, 3) == 7);
    CHECK(pb_stats_rate(2e9, 0.5) == 4);
    CHECK(pb_stats_rate(0, 0.5) == 0 && pb_stats_rate(1e9, 0) == 0);
    const double sorted[] = { 1, 2, 3, 4, 5 };
    CHECK(pb_compare_quantile_sorted(sorted, 5, 0) == 1);
    CHECK(pb_compare_quantile_sorted(sorted, 5, 1) == 5);
    CHECK(pb_compare_quantile_sorted(sorted, 5, 0.125) == 1.5);

    /* U = 0 for fully separated samples of 5 and 5: z = (12.5 - 0.5) / sqrt(275 / 12). */
    const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };
    double p;
    CHECK(pb_compare_mann_whitney_p(a, 5, b, 5, &p, NULL) == PB_OK);
    CHECK_MSG(fabs(p - erfc(12 / sqrt(275.0 / 12) / sqrt(2.0))) < 1e-12, "p = %g", p);
    CHECK(p > 0.012 && p < 0.013);
    CHECK(pb_compare_mann_whitney_p(b, 5, a, 5, &p, NULL) == PB_OK && p > 0.012 && p < 0.013);
    const double flat[] = { 2, 2, 2 };
    CHECK(pb_compare_mann_whitney_p(flat, 3, flat, 3, &p, NULL) == PB_OK && p == 1);
    CHECK(pb_compare_mann_whitney_p(a, 5, a, 5, &p, NULL) == PB_OK && p == 1);
    CHECK(pb_compare_mann_whitney_p(a, 0, b, 5, &p, NULL) == PB_ERR_USAGE);
}

static void test_bootstrap_is_reproducible(void)
{
    pb_rng rng = pb_rng_make(1);
    double a[30], b[30], r1[500], r2[500];
    pb_draw_samples(&rng, 0.1, 0.03, 30, a);
    pb_draw_samples(&rng, 0.05, 0.03, 30, b);
    CHECK(pb_compare_bootstrap_log_ratio(a, 30, b, 30, 500, 42, r1, NULL) == PB_OK);
    CHECK(pb_compare_bootstrap_log_ratio(a, 30, b, 30, 500, 42, r2, NULL) == PB_OK);
    CHECK(memcmp(r1, r2, sizeof r1) == 0);
    double lo, hi;
    const double *logs[] = { r1 };
    CHECK(pb_compare_geomean_interval(logs, 1, 500, 0.95, &lo, &hi, NULL) == PB_OK);
    CHECK_MSG(lo < 2 && hi > 2 && lo > 1.9 && hi < 2.1, "[%g, %g]", lo, hi);
}

/* ---- verdicts on synthetic data -------------------------------------------------------------- */

static void test_twice_as_fast(void)
{
    pb_resultset a, b;
    pb_comparison cmp;
    pb_rng rng = pb_rng_make(2026);
    pb_set_init(&a, "old");
    pb_set_init(&b, "new");
    pb_add_case(&a, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.100, 0.03, 20);
    pb_add_case(&b, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.050, 0.03, 20);
    pb_add_case(&a, "triad", "cpu-1", "cpu", 1, 1024, &rng, 0.050, 0.03, 20);
    pb_add_case(&b, "triad", "cpu-1", "cpu", 1, 1024, &rng, 0.100, 0.03, 20);
    pb_msg msg = { "" };
    CHECK_MSG(pb_compare_build(&a, "a.json", &b, "b.json", 0.05, &cmp, &msg) == PB_OK, "%s", msg.text);
    const pb_compare_case *c = pb_find_case(&cmp, "sgemm", "cpu-1");
    CHECK(c != NULL);
    if (c) {
        CHECK_MSG(c->verdict == PB_VERDICT_FASTER, "verdict %s", pb_verdict_name(c->verdict));
        CHECK_MSG(c->ci_low < 2 && c->ci_high > 2, "[%g, %g]", c->ci_low, c->ci_high);
        CHECK(fabs(c->ratio - 2) < 0.1);
        CHECK(c->p_value < 0.001);
        CHECK(fabs(c->rate_b / c->rate_a - c->ratio) < 1e-9);
    }
    c = pb_find_case(&cmp, "triad", "cpu-1");
    CHECK(c && c->verdict == PB_VERDICT_SLOWER && c->ci_low < 0.5 && c->ci_high > 0.5);
    /* One role, ratios 2 and 1/2: the geometric mean is 1, and the interval says so. */
    CHECK(cmp.ngroups == 1);
    CHECK(cmp.groups[0].ncases == 2 && fabs(cmp.groups[0].geomean - 1) < 0.05);
    /* Its interval combines the two cases' standard errors (independent cases). */
    const pb_compare_case *x = &cmp.cases[0], *y = &cmp.cases[1];
    double se = sqrt(x->se * x->se + y->se * y->se) / 2;
    CHECK_MSG(cmp.groups[0].ci_low < cmp.groups[0].geomean && cmp.groups[0].geomean < cmp.groups[0].ci_high &&
                  fabs(log(cmp.groups[0].ci_high / cmp.groups[0].geomean) / se - 2.0) < 0.2,
              "%g [%g, %g], se %g", cmp.groups[0].geomean, cmp.groups[0].ci_low, cmp.groups[0].ci_high, se);
    CHECK(cmp.nonly_a == 0 && cmp.nonly_b == 0);
    pb_comparison_free(&cmp);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

static void test_same_distribution_trials(void)
{
    int same = 0, trials = 200;
    for (int t = 0; t < trials; t++) {
        pb_resultset a, b;
        pb_comparison cmp;
        pb_rng rng = pb_rng_make(1000 + (uint64_t)t);
        pb_set_init(&a, "run 1");
        pb_set_init(&b, "run 2");
        pb_add_case(&a, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.100, 0.03, 20);
        pb_add_case(&b, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.100, 0.03, 20);
        if (pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK) {
            same += cmp.cases[0].verdict == PB_VERDICT_SAME;
            CHECK(cmp.cases[0].verdict != PB_VERDICT_FASTER && cmp.cases[0].verdict != PB_VERDICT_SLOWER);
            pb_comparison_free(&cmp);
        }
        pb_resultset_free(&a);
        pb_resultset_free(&b);
    }
    CHECK_MSG(same >= trials * 95 / 100, "%d of %d trials found no noticeable difference", same, trials);
}

static void test_threshold_decides(void)
{
    pb_resultset a, b;
    pb_comparison cmp;
    pb_rng rng = pb_rng_make(7);
    pb_set_init(&a, "a");
    pb_set_init(&b, "b");
    pb_add_case(&a, "nbody", "gpu", "cuda", 0, 4096, &rng, 0.108, 0.005, 30);
    pb_add_case(&b, "nbody", "gpu", "cuda", 0, 4096, &rng, 0.100, 0.005, 30);
    CHECK(pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK);
    CHECK(cmp.cases[0].verdict == PB_VERDICT_FASTER);
    pb_comparison_free(&cmp);
    CHECK(pb_compare_build(&a, "a", &b, "b", 0.10, &cmp, NULL) == PB_OK);
    CHECK(cmp.cases[0].verdict == PB_VERDICT_SAME);
    pb_comparison_free(&cmp);
    /* An 8% difference against a 5% threshold, but too noisy to tell. */
    pb_resultset_free(&b);
    pb_set_init(&b, "b");
    pb_add_case(&b, "nbody", "gpu", "cuda", 0, 4096, &rng, 0.100, 0.15, 10);
    CHECK(pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK);
    CHECK_MSG(cmp.cases[0].verdict == PB_VERDICT_UNCERTAIN, "%s [%g, %g]", pb_verdict_name(cmp.cases[0].verdict),
              cmp.cases[0].ci_low, cmp.cases[0].ci_high);
    CHECK(pb_has_warning(&cmp, "1 case was unstable"));
    pb_comparison_free(&cmp);
    CHECK(pb_compare_build(&a, "a", &b, "b", 0, &cmp, NULL) == PB_ERR_USAGE);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

/* A file compared with itself: ratio exactly 1 and no noticeable difference for every case that
 * ran, even the noisy ones; failed and skipped cases get no verdict. */
static void test_self_compare(void)
{
    pb_resultset set;
    pb_comparison cmp;
    pb_rng rng = pb_rng_make(3);
    pb_sample_resultset(&set);
    pb_add_case(&set, "reduce", "cpu-all", "cpu", 12, 1 << 20, &rng, 0.02, 0.30, 12);
    pb_add_case(&set, "reduce", "cpu-1", "cpu", 1, 1 << 20, &rng, 0.2, 0.01, 12);
    CHECK(pb_compare_build(&set, "r.json", &set, "r.json", 0.05, &cmp, NULL) == PB_OK);
    CHECK(cmp.ncases == set.nresults);
    for (int i = 0; i < cmp.ncases; i++) {
        const pb_compare_case *c = &cmp.cases[i];
        if (c->a->status == PB_CASE_OK) {
            CHECK(c->ratio == 1.0 && c->ci_low == 1.0 && c->ci_high == 1.0);
            CHECK_MSG(c->verdict == PB_VERDICT_SAME, "%s: %s", c->a->workload, pb_verdict_name(c->verdict));
        } else {
            CHECK(c->verdict == (c->a->status == PB_CASE_FAILED ? PB_VERDICT_FAILED : PB_VERDICT_NOT_RUN));
            CHECK(isnan(c->ratio));
        }
    }
    for (int i = 0; i < cmp.ngroups; i++)
        CHECK(cmp.groups[i].geomean == 1.0 && cmp.groups[i].verdict == PB_VERDICT_SAME);
    CHECK(cmp.nsplits == 1 && fabs(cmp.splits[0].scaling - 1) < 1e-12);
    CHECK(cmp.nonly_a == 0 && cmp.nonly_b == 0);
    pb_comparison_free(&cmp);
    pb_resultset_free(&set);
}

static void test_failed_cases_get_no_verdict(void)
{
    pb_resultset a, b;
    pb_comparison cmp;
    pb_rng rng = pb_rng_make(4);
    pb_set_init(&a, "a");
    pb_set_init(&b, "b");
    pb_add_case(&a, "sgemm", "gpu", "cuda", 0, 2048, &rng, 0.1, 0.01, 10);
    pb_result *r = pb_add_case(&b, "sgemm", "gpu", "cuda", 0, 2048, &rng, 0.01, 0.01, 10);
    r->check.ok = 0; /* ten times faster, but wrong */
    pb_add_case(&a, "triad", "gpu", "cuda", 0, 2048, &rng, 0.1, 0.01, 10);
    r = pb_add_case(&b, "triad", "gpu", "cuda", 0, 2048, &rng, 0.01, 0.01, 10);
    r->status = PB_CASE_FAILED;
    r = pb_add_case(&a, "reduce", "gpu", "cuda", 0, 2048, &rng, 0.1, 0.01, 10);
    r->status = PB_CASE_SKIPPED;
    pb_add_case(&b, "reduce", "gpu", "cuda", 0, 2048, &rng, 0.1, 0.01, 10);
    pb_add_case(&a, "nbody", "gpu", "cuda", 0, 2048, &rng, 0.1, 0.01, 2);
    pb_add_case(&b, "nbody", "gpu", "cuda", 0, 2048, &rng, 0.05, 0.01, 2);
    CHECK(pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK);
    const pb_compare_case *c = pb_find_case(&cmp, "sgemm", "gpu");
    CHECK(c && c->verdict == PB_VERDICT_FAILED && isnan(c->ratio) && strcmp(c->note, "on B") == 0);
    c = pb_find_case(&cmp, "triad", "gpu");
    CHECK(c && c->verdict == PB_VERDICT_FAILED);
    c = pb_find_case(&cmp, "reduce", "gpu");
    CHECK(c && c->verdict == PB_VERDICT_NOT_RUN && strcmp(c->note, "on A") == 0);
    c = pb_find_case(&cmp, "nbody", "gpu");
    CHECK(c && c->verdict == PB_VERDICT_UNCERTAIN && fabs(c->ratio - 2) < 0.1 && isnan(c->ci_low));
    /* Nothing with an interval, so no role summary. */
    CHECK(cmp.ngroups == 0);
    pb_comparison_free(&cmp);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

/* ---- matching -------------------------------------------------------------------------------- */

static void test_matching(void)
{
    pb_resultset a, b;
    pb_comparison cmp;
    pb_rng rng = pb_rng_make(5);
    pb_set_init(&a, "linux");
    pb_set_init(&b, "mac");
    pb_add_case(&a, "sgemm", "gpu", "cuda", 0, 2048, &rng, 0.01, 0.01, 10);
    pb_add_case(&a, "sgemm", "gpu", "opencl", 0, 2048, &rng, 0.02, 0.01, 10);
    pb_add_case(&b, "sgemm", "gpu", "metal", 0, 2048, &rng, 0.03, 0.01, 10);
    pb_add_case(&b, "sgemm", "gpu", "opencl", 0, 2048, &rng, 0.04, 0.01, 10);
    pb_add_case(&a, "triad", "cpu-all", "cpu", 2, 1 << 20, &rng, 0.01, 0.01, 10);   /* threads differ: */
    pb_add_case(&b, "triad", "cpu-all", "cpu", 12, 1 << 20, &rng, 0.01, 0.01, 10);  /* still matched */
    pb_add_case(&a, "triad", "cpu-n", "cpu", 4, 1 << 20, &rng, 0.01, 0.01, 10);     /* scaling points: */
    pb_add_case(&b, "triad", "cpu-n", "cpu", 8, 1 << 20, &rng, 0.01, 0.01, 10);     /* never matched */
    pb_add_case(&a, "stencil", "cpu-1", "cpu", 1, 1024, &rng, 0.01, 0.01, 10);
    pb_add_case(&b, "stencil", "cpu-1", "cpu", 1, 2048, &rng, 0.01, 0.01, 10);      /* another size */
    pb_result *r = pb_add_case(&b, "nbody", "cpu-1", "cpu", 1, 1024, &rng, 0.01, 0.01, 10);
    strcpy(r->precision, "fp64");
    r = pb_add_case(&a, "nbody", "cpu-1", "cpu", 1, 1024, &rng, 0.01, 0.01, 10);
    CHECK(pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK);
    CHECK(cmp.ncases == 3);
    int paired = 0;
    for (int i = 0; i < cmp.ncases; i++) {
        const pb_compare_case *c = &cmp.cases[i];
        if (strcmp(c->a->workload, "sgemm") == 0) {
            /* The backend both have is matched with itself; the rest pair up across backends. */
            paired += strcmp(c->a->backend, "opencl") == 0 && strcmp(c->b->backend, "opencl") == 0;
            paired += strcmp(c->a->backend, "cuda") == 0 && strcmp(c->b->backend, "metal") == 0;
        }
    }
    CHECK(paired == 2);
    CHECK(pb_find_case(&cmp, "triad", "cpu-all") != NULL);
    CHECK(cmp.nonly_a == 3 && cmp.nonly_b == 3);
    CHECK(pb_has_warning(&cmp, "stencil cpu-1: sizes differ (A: n=1024, B: n=2048)"));
    CHECK(pb_has_warning(&cmp, "nbody cpu-1: precisions differ (A: fp32, B: fp64)"));
    CHECK(cmp.nwarnings == 2);
    pb_comparison_free(&cmp);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

/* ---- the all-core decomposition -------------------------------------------------------------- */

static void test_decomposition(void)
{
    pb_resultset a, b;
    pb_comparison cmp;
    pb_rng rng = pb_rng_make(6);
    pb_set_init(&a, "4 cores");
    pb_set_init(&b, "8 cores");
    pb_add_case(&a, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.100, 0.001, 10);
    pb_add_case(&b, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.080, 0.001, 10);
    pb_add_case(&a, "sgemm", "cpu-all", "cpu", 4, 1024, &rng, 0.030, 0.001, 10);  /* efficiency 83% */
    pb_add_case(&b, "sgemm", "cpu-all", "cpu", 8, 1024, &rng, 0.015, 0.001, 10);  /* efficiency 67% */
    pb_add_case(&a, "triad", "cpu-all", "cpu", 4, 1024, &rng, 0.030, 0.001, 10);  /* no cpu-1 partner */
    pb_add_case(&b, "triad", "cpu-all", "cpu", 8, 1024, &rng, 0.015, 0.001, 10);
    CHECK(pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK);
    CHECK(cmp.nsplits == 1);
    if (cmp.nsplits == 1) {
        const pb_compare_split *s = &cmp.splits[0];
        CHECK(fabs(s->ratio - 2.0) < 0.01);
        CHECK(fabs(s->per_core - 1.25) < 0.01);
        CHECK(s->cores == 2.0 && s->threads_a == 4 && s->threads_b == 8);
        CHECK(fabs(s->efficiency_a - 0.8333) < 0.01 && fabs(s->efficiency_b - 0.6667) < 0.01);
        CHECK(fabs(s->scaling - 0.8) < 0.01);
        CHECK(fabs(s->per_core * s->cores * s->scaling - s->ratio) < 1e-12);
        CHECK(fabs(cmp.split_mean.ratio - s->ratio) < 1e-12);
    }
    pb_comparison_free(&cmp);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

static void test_warnings(void)
{
    pb_resultset a, b;
    pb_comparison cmp;
    pb_rng rng = pb_rng_make(8);
    pb_set_init(&a, "a");
    pb_set_init(&b, "b");
    strcpy(b.tool_version, "0.2.0");
    strcpy(b.preset, "quick");
    strcpy(b.cflags, "-O2");
    strcpy(b.machine.power_source, "battery");
    b.complete = 0;
    pb_add_case(&a, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.1, 0.01, 10);
    pb_add_case(&b, "sgemm", "cpu-1", "cpu", 1, 512, &rng, 0.1, 0.01, 10);
    CHECK(pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK);
    CHECK(pb_has_warning(&cmp, "parbench versions differ (A: 0.1.0, B: 0.2.0)"));
    CHECK(pb_has_warning(&cmp, "presets differ (A: standard, B: quick)"));
    CHECK(pb_has_warning(&cmp, "compiler flags differ (A: -O3, B: -O2)"));
    CHECK(pb_has_warning(&cmp, "B ran on battery power"));
    CHECK(pb_has_warning(&cmp, "B is an interrupted run"));
    CHECK(!pb_has_warning(&cmp, "sizes differ (A")); /* the preset warning covers it */
    CHECK(cmp.nwarnings == 5);
    pb_comparison_free(&cmp);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

/* ---- output formats -------------------------------------------------------------------------- */

/* The output at `width` columns (0: --wide). */
static char *pb_render_width(const pb_comparison *cmp, pb_compare_format format, int color, int width)
{
    FILE *f = tmpfile();
    if (!f)
        return NULL;
    pb_msg msg = { "" };
    CHECK_MSG(pb_compare_write_width(cmp, 1, format, color, width, f, &msg) == PB_OK, "%s", msg.text);
    long n = ftell(f);
    char *text = calloc((size_t)n + 1, 1);
    rewind(f);
    if (text && fread(text, 1, (size_t)n, f) != (size_t)n)
        text[0] = '\0';
    fclose(f);
    return text;
}

static char *pb_render(const pb_comparison *cmp, pb_compare_format format, int color)
{
    return pb_render_width(cmp, format, color, PB_COMPARE_WIDTH);
}

/* Fields in one CSV line, honouring quotes. */
static int pb_csv_count(const char *line, const char *end)
{
    int fields = 1, quoted = 0;
    for (const char *p = line; p < end; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted)
            fields++;
    }
    return fields;
}

static void test_formats(void)
{
    pb_resultset a, b;
    pb_comparison cmp;
    pb_rng rng = pb_rng_make(9);
    pb_sample_resultset(&a);
    pb_sample_resultset(&b);
    pb_add_case(&a, "reduce", "cpu-1", "cpu", 1, 1 << 20, &rng, 0.2, 0.01, 12);
    pb_add_case(&b, "reduce", "cpu-1", "cpu", 1, 1 << 20, &rng, 0.1, 0.01, 12);
    pb_add_case(&a, "reduce", "cpu-all", "cpu", 12, 1 << 20, &rng, 0.02, 0.01, 12);
    pb_add_case(&b, "reduce", "cpu-all", "cpu", 16, 1 << 20, &rng, 0.01, 0.01, 12);
    pb_add_case(&b, "mandelbrot", "gpu", "metal", 0, 4096, &rng, 0.1, 0.01, 12);
    /* The sample's sgemm case has a wild round (1/3 s among 10 ms ones): as a third case it would
     * set a drift of the whole run far beyond the 2x differences this test formats. */
    a.results[0].rounds = b.results[0].rounds = 0;
    CHECK(pb_compare_build(&a, "a,1.json", &b, "b.json", 0.05, &cmp, NULL) == PB_OK);

    char *text = pb_render(&cmp, PB_COMPARE_TEXT, 0);
    CHECK(text && strstr(text, "reduce") && strstr(text, "A (baseline): lab box (a,1.json)"));
    CHECK(text && strstr(text, "faster") && strstr(text, "failed (on A and B)"));
    CHECK(text && strstr(text, "only in B: mandelbrot n=4096 fp32 gpu (metal)"));
    CHECK(text && strstr(text, "All cores = per-core speed x core count x scaling efficiency"));
    CHECK(text && !strchr(text, '\033'));
    CHECK(text && strstr(text, "B has no GPU") == NULL && strstr(text, "only in B: mandelbrot"));
    for (const char *p = text, *nl; p && (nl = strchr(p, '\n')) != NULL; p = nl + 1)
        CHECK_MSG(nl - p <= PB_COMPARE_WIDTH, "%.*s", (int)(nl - p), p);
    free(text);
    text = pb_render_width(&cmp, PB_COMPARE_TEXT, 0, 0);
    CHECK(text && strstr(text, "12 -> 16") && strstr(text, "n=1048576") && strstr(text, "95% interval"));
    free(text);
    text = pb_render(&cmp, PB_COMPARE_TEXT, 1);
    CHECK(text && strstr(text, "\033[32mfaster"));
    free(text);

    text = pb_render(&cmp, PB_COMPARE_MD, 1);
    CHECK(text && strstr(text, "| workload | size |") && strstr(text, "| --- |") && !strchr(text, '\033'));
    free(text);

    text = pb_render(&cmp, PB_COMPARE_CSV, 0);
    int lines = 0;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        CHECK_MSG(pb_csv_count(p, nl) == 22, "%.*s", (int)(nl - p), p);
        lines++;
        p = nl + 1;
    }
    CHECK(lines == 1 + cmp.ncases + cmp.ngroups + cmp.nonly_a + cmp.nonly_b);
    CHECK(text && strstr(text, "\"a,1.json\""));
    free(text);

    text = pb_render(&cmp, PB_COMPARE_JSON, 0);
    pb_json_doc *doc = NULL;
    pb_msg msg = { "" };
    CHECK_MSG(text && pb_json_parse_buffer(text, strlen(text), "compare.json", &doc, &msg) == PB_OK, "%s", msg.text);
    if (doc) {
        const pb_json_value *root = pb_json_doc_root(doc);
        CHECK_STR(pb_json_get(root, "schema")->u.string.text, "parbench-compare");
        const pb_json_value *list = pb_json_get(root, "comparisons");
        CHECK(list && list->u.array.count == 1);
        const pb_json_value *cases = pb_json_get(&list->u.array.items[0], "cases");
        CHECK(cases && (int)cases->u.array.count == cmp.ncases);
        CHECK(pb_json_get(&list->u.array.items[0], "cpu_all_mean")->type == PB_JSON_OBJECT);
        pb_json_doc_free(doc);
    }
    free(text);

    pb_compare_format f;
    CHECK(pb_compare_format_parse("md", &f, NULL) == PB_OK && f == PB_COMPARE_MD);
    CHECK(pb_compare_format_parse("html", &f, &msg) == PB_ERR_USAGE && strstr(msg.text, "text, md, csv or json"));
    pb_comparison_free(&cmp);
    pb_comparison_free(NULL);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

/* ---- the command ----------------------------------------------------------------------------- */

/* The command as main runs it: the arguments after "compare"; 0 ok, 2 bad usage or input. */
static int pb_run_main(const char *const *args, int n)
{
    char *argv[16];
    for (int i = 1; i < n; i++)
        argv[i - 1] = (char *)args[i];
    argv[n - 1] = NULL;
    pb_msg msg = { "" };
    pb_status st = pb_cmd_compare(n - 1, argv, &msg);
    return st == PB_OK ? 0 : st == PB_ERR_USAGE || st == PB_ERR_INPUT ? 2 : 1;
}

static void test_command(void)
{
    char dir[256], good[300], out[300], bad[300];
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/pbtest-compare-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir))
        SKIP("cannot create a temporary directory");
    snprintf(good, sizeof good, "%s/good.json", dir);
    snprintf(out, sizeof out, "%s/out.csv", dir);
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    pb_resultset set;
    pb_sample_resultset(&set);
    CHECK(pb_json_write_resultset(&set, good, NULL) == PB_OK);
    pb_resultset_free(&set);
    FILE *f = fopen(bad, "w");
    if (f) {
        fputs("{\"schema\": \"parbench-result\", \"schema_version\": 1, \"results\": [}", f);
        fclose(f);
    }

    const char *ok_args[] = { "compare", good, good, "--format=csv", "--threshold", "10%", "-o", out };
    CHECK(pb_run_main(ok_args, 8) == 0);
    CHECK(access(out, R_OK) == 0);
    const char *help[] = { "compare", "--help" };
    FILE *saved = stdout;
    stdout = fopen("/dev/null", "w");
    if (stdout) {
        CHECK(pb_run_main(help, 2) == 0);
        fclose(stdout);
    }
    stdout = saved;

    const char *usage[][6] = {
        { "compare" },
        { "compare", good },
        { "compare", good, good, "--format", "xml" },
        { "compare", good, good, "--format" },
        { "compare", good, good, "--threshold", "0" },
        { "compare", good, good, "--threshold", "abc" },
        { "compare", good, good, "--bogus" },
        { "compare", good, bad },
        { "compare", good, dir },
        { "compare", good, "/nonexistent/x.json" },
    };
    const int counts[] = { 1, 2, 5, 4, 5, 5, 4, 3, 3, 3 };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        CHECK_MSG(pb_run_main(usage[i], counts[i]) == 2, "case %zu", i);

    remove(good);
    remove(bad);
    remove(out);
    rmdir(dir);
}


/* ---- rounds as the unit -------------------------------------------------------------------- */

static void test_t_distribution(void)
{
    /* Tables of Student's t: 97.5% quantiles. */
    CHECK_MSG(fabs(pb_stats_t_quantile(0.975, 1) - 12.7062) < 1e-3, "%g", pb_stats_t_quantile(0.975, 1));
    CHECK_MSG(fabs(pb_stats_t_quantile(0.975, 4) - 2.7764) < 1e-3, "%g", pb_stats_t_quantile(0.975, 4));
    CHECK_MSG(fabs(pb_stats_t_quantile(0.975, 10) - 2.2281) < 1e-3, "%g", pb_stats_t_quantile(0.975, 10));
    CHECK_MSG(fabs(pb_stats_t_quantile(0.975, 1e6) - 1.9600) < 1e-3, "%g", pb_stats_t_quantile(0.975, 1e6));
    CHECK(fabs(pb_stats_t_quantile(0.025, 10) + 2.2281) < 1e-3);
    CHECK_MSG(fabs(pb_stats_t_two_sided(2.2281, 10) - 0.05) < 1e-4, "%g", pb_stats_t_two_sided(2.2281, 10));
    CHECK(fabs(pb_stats_t_two_sided(0, 5) - 1) < 1e-12);
    CHECK(isnan(pb_stats_t_quantile(0.975, 0)) && isnan(pb_stats_t_quantile(1.5, 3)));
    /* Welch: equal variances and sizes give n1 + n2 - 2. */
    CHECK(fabs(pb_stats_welch_df(0.01, 6, 0.01, 6) - 10) < 1e-9);
    CHECK(isinf(pb_stats_rounds_halfwidth(0.1, 1)));
}

/* Samples of `rounds` rounds x `per` samples: each round is shifted by a between-round effect
 * (sd `between`, log scale) and each sample by a within-round one (sd `within`). */
static void pb_hier_case(pb_resultset *set, pb_rng *rng, double center, double between, double within,
                         int rounds, int per)
{
    double samples[256];
    int round_of[256];
    int n = 0;
    for (int k = 0; k < rounds; k++) {
        double z[2];
        pb_draw_samples(rng, 1, 1, 2, z); /* two N(1, 1) draws */
        double shift = between * (z[0] - 1);
        for (int i = 0; i < per; i++) {
            pb_draw_samples(rng, 1, 1, 1, z);
            samples[n] = center * exp(shift + within * (z[0] - 1));
            round_of[n++] = k;
        }
    }
    pb_result *r = pb_resultset_add_result(set);
    strcpy(r->workload, "triad");
    strcpy(r->role, "cpu-all");
    strcpy(r->backend, "cpu");
    strcpy(r->precision, "fp32");
    r->threads = 2;
    r->ndims = 1;
    strcpy(r->dim_names[0], "n");
    r->dims[0] = 1 << 20;
    r->status = PB_CASE_OK;
    r->rounds = rounds;
    pb_result_set_samples(r, samples, round_of, n, NULL);
    r->median_s = pb_stats_median_inplace(samples, (size_t)n);
}

/* The interval's coverage with known between-round and within-round noise: 500 pairs of runs
 * whose true speed ratio is 1.2. Treating rounds as the unit covers the truth about 95% of the
 * time; the single-window interval (every sample independent) would not. */
static void test_interval_coverage(void)
{
    const int trials = 500;
    const double truth = 1.2;
    int covered = 0, covered_window = 0;
    for (int t = 0; t < trials; t++) {
        pb_resultset a, b;
        pb_comparison cmp;
        pb_rng rng = pb_rng_make(90000 + (uint64_t)t);
        pb_set_init(&a, "a");
        pb_set_init(&b, "b");
        pb_hier_case(&a, &rng, 0.012, 0.05, 0.02, 6, 5);
        pb_hier_case(&b, &rng, 0.010, 0.05, 0.02, 6, 5);
        if (pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK) {
            const pb_compare_case *c = &cmp.cases[0];
            CHECK(c->method && strcmp(c->method, "rounds") == 0);
            covered += c->ci_low <= truth && truth <= c->ci_high;
            pb_comparison_free(&cmp);
        }
        /* The same samples as one window each (what a schema 1 file holds). */
        a.results[0].rounds = b.results[0].rounds = 0;
        a.schema_version = b.schema_version = 1;
        if (pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK) {
            const pb_compare_case *c = &cmp.cases[0];
            CHECK(c->method && strcmp(c->method, "samples") == 0);
            covered_window += c->ci_low <= truth && truth <= c->ci_high;
            CHECK(pb_has_warning(&cmp, "schema version 1"));
            pb_comparison_free(&cmp);
        }
        pb_resultset_free(&a);
        pb_resultset_free(&b);
    }
    fprintf(stderr, "  coverage of the 95%% interval: rounds %d/%d, single window %d/%d\n", covered, trials,
            covered_window, trials);
    CHECK_MSG(covered >= trials * 93 / 100, "rounds: %d of %d", covered, trials);
    CHECK_MSG(covered_window < trials * 80 / 100, "single window: %d of %d", covered_window, trials);
}

/* A case's disturbance is judged over all its rounds: one round is below the counters' resolution,
 * eighteen of them are not. */
static void test_disturbance_over_rounds(void)
{
    pb_result r;
    memset(&r, 0, sizeof r);
    pb_round_state st[18];
    for (int i = 0; i < 18; i++)
        st[i] = (pb_round_state){ 0.04, i < 11 ? 0.47 : 0.01, 0.0, 0.5, 1.0, -1, -1, "" };
    r.round_states = st;
    r.nround_states = 1;
    double other, steal;
    CHECK(pb_result_disturbance(&r, &other, &steal) == 0); /* 0.47 < 2 x 0.5 */
    r.nround_states = 18;
    CHECK(pb_result_disturbance(&r, &other, &steal) == 11);
    CHECK(fabs(other - 0.47) < 1e-12 && steal == 0);
    for (int i = 0; i < 18; i++)
        st[i].other_cpu = 0.03; /* busy, but not beyond the threshold */
    CHECK(pb_result_disturbance(&r, &other, &steal) == 0);
    for (int i = 0; i < 18; i++)
        st[i].other_cpu = -1; /* unknown */
    CHECK(pb_result_disturbance(&r, &other, &steal) == 0);
}

/* A run whose overall speed swings from round to round (a factor common to every case) gets that
 * swing as its drift, and compare widens each case's interval by it: the whole next run may sit
 * at another point of the swing. */
static void test_drift_widens_intervals(void)
{
    pb_resultset a, b;
    pb_rng rng = pb_rng_make(21);
    pb_set_init(&a, "a");
    pb_set_init(&b, "b");
    const char *names[] = { "sgemm", "triad", "reduce", "stencil" };
    double common[8];
    for (int k = 0; k < 8; k++)
        common[k] = k % 2 ? 0.10 : -0.10; /* the machine alternates between +-10% */
    for (int w = 0; w < 4; w++) {
        pb_result *x = pb_add_case(&a, names[w], "cpu-1", "cpu", 1, 1024, &rng, 0.1, 0.005, 16);
        pb_add_case(&b, names[w], "cpu-1", "cpu", 1, 1024, &rng, 0.1, 0.005, 16);
        for (int i = 0; i < x->nsamples; i++)
            x->samples_s[i] *= exp(common[x->sample_rounds[i]]);
        x->median_s = 0; /* stored summaries are not what this test is about */
    }
    double drift;
    int df;
    CHECK(pb_resultset_drift(&a, &drift, &df) && fabs(drift - 0.107) < 0.02 && df == 7);
    CHECK(pb_resultset_drift(&b, &drift, &df) && drift < 0.01);
    pb_comparison cmp;
    CHECK(pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK);
    CHECK(cmp.drift_a > 0.08 && cmp.drift_b < 0.01);
    for (int i = 0; i < cmp.ncases; i++) {
        const pb_compare_case *c = &cmp.cases[i];
        /* Without the drift the interval would be about +-2%; with it, wider than +-10%. */
        CHECK_MSG(c->ci_high / c->ci_low > 1.2 && c->verdict == PB_VERDICT_UNCERTAIN, "%s [%g, %g]",
                  c->a->workload, c->ci_low, c->ci_high);
    }
    pb_comparison_free(&cmp);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

/* Result files are untrusted: stored summaries that disagree with the samples are named. */
static void test_untrusted_summaries(void)
{
    pb_resultset a, b;
    pb_comparison cmp;
    pb_rng rng = pb_rng_make(11);
    pb_set_init(&a, "a");
    pb_set_init(&b, "b");
    pb_add_case(&a, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.1, 0.01, 12);
    pb_result *r = pb_add_case(&b, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.1, 0.01, 12);
    r->median_s = 0.001; /* edited: 100x faster than its samples */
    r->disturbed_rounds = 2;
    CHECK(pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK);
    CHECK(pb_has_warning(&cmp, "B results[0] (sgemm cpu cpu-1 1 thread n=1024): stored median 0.001 s"));
    CHECK(pb_has_warning(&cmp, "B: other work or the hypervisor took over 10% of the CPU during 1 case: sgemm cpu-1 (2 of 6 rounds)"));
    /* The comparison itself rests on the samples. */
    CHECK(cmp.cases[0].verdict == PB_VERDICT_SAME && fabs(cmp.cases[0].ratio - 1) < 0.05);
    pb_comparison_free(&cmp);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

/* Files with no case in common are refused with the reason and the fix. */
static void test_nothing_in_common(void)
{
    pb_resultset a, b;
    pb_comparison cmp;
    pb_msg msg = { "" };
    pb_rng rng = pb_rng_make(5);
    pb_set_init(&a, "a");
    pb_set_init(&b, "b");
    pb_add_case(&a, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.1, 0.01, 12);
    pb_add_case(&b, "sgemm", "gpu", "cuda", 0, 1024, &rng, 0.1, 0.01, 12);
    CHECK(pb_compare_build(&a, "a.json", &b, "b.json", 0.05, &cmp, NULL) == PB_OK);
    CHECK(pb_compare_require_common(&cmp, &msg) == PB_ERR_INPUT);
    CHECK_MSG(strstr(msg.text, "A has roles cpu-1, B has gpu: run both with the same backends"), "%s", msg.text);
    pb_comparison_free(&cmp);

    strcpy(b.results[0].workload, "triad");
    CHECK(pb_compare_build(&a, "a.json", &b, "b.json", 0.05, &cmp, NULL) == PB_OK);
    CHECK(pb_compare_require_common(&cmp, &msg) == PB_ERR_INPUT);
    CHECK_MSG(strstr(msg.text, "A ran sgemm, B ran triad: run B with -w sgemm"), "%s", msg.text);
    pb_comparison_free(&cmp);

    strcpy(b.results[0].workload, "sgemm");
    strcpy(b.results[0].role, "cpu-1");
    b.results[0].dims[0] = 2048;
    strcpy(b.tool_version, "0.2.0");
    CHECK(pb_compare_build(&a, "a.json", &b, "b.json", 0.05, &cmp, NULL) == PB_OK);
    CHECK(pb_compare_require_common(&cmp, &msg) == PB_ERR_INPUT);
    CHECK_MSG(strstr(msg.text, "A was made by parbench 0.1.0 and B by 0.2.0"), "%s", msg.text);
    pb_comparison_free(&cmp);

    strcpy(b.preset, "quick");
    CHECK(pb_compare_build(&a, "a.json", &b, "b.json", 0.05, &cmp, NULL) == PB_OK);
    CHECK(pb_compare_require_common(&cmp, &msg) == PB_ERR_INPUT);
    CHECK_MSG(strstr(msg.text, "a.json and b.json have no case in common: A is standard, B is quick: run B with "
                               "--preset standard"), "%s", msg.text);
    pb_comparison_free(&cmp);

    b.results[0].dims[0] = 1024;
    strcpy(b.preset, "standard");
    CHECK(pb_compare_build(&a, "a.json", &b, "b.json", 0.05, &cmp, NULL) == PB_OK);
    CHECK(pb_compare_require_common(&cmp, &msg) == PB_OK);
    pb_comparison_free(&cmp);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

/* A warning names each case once, telling apart cases of one workload and role. */
static void test_warning_names_each_case_once(void)
{
    pb_resultset a, b;
    pb_comparison cmp;
    pb_rng rng = pb_rng_make(6);
    pb_set_init(&a, "a");
    pb_set_init(&b, "b");
    pb_add_case(&a, "sgemm", "lib-cpu", "blas", 1, 1024, &rng, 0.1, 0.01, 12);
    pb_add_case(&a, "sgemm", "lib-cpu", "blas", 8, 1024, &rng, 0.02, 0.01, 12);
    pb_add_case(&b, "sgemm", "lib-cpu", "blas", 1, 1024, &rng, 0.1, 0.01, 12)->disturbed_rounds = 2;
    pb_add_case(&b, "sgemm", "lib-cpu", "blas", 8, 1024, &rng, 0.02, 0.01, 12)->disturbed_rounds = 3;
    b.seed = 9;
    CHECK(pb_compare_build(&a, "a.json", &b, "b.json", 0.05, &cmp, NULL) == PB_OK);
    CHECK(pb_has_warning(&cmp, "sgemm lib-cpu 1 thread (2 of 6 rounds), sgemm lib-cpu 8 threads (3 of 6 rounds)"));
    CHECK(pb_has_warning(&cmp, "different input seeds (A: 0, B: 9)"));
    CHECK(!pb_has_warning(&cmp, "same"));
    pb_comparison_free(&cmp);
    CHECK(pb_compare_build(&a, "a.json", &a, "a.json", 0.05, &cmp, NULL) == PB_OK);
    CHECK(pb_has_warning(&cmp, "A and B are the same file (a.json)"));
    pb_comparison_free(&cmp);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

/* Each side on its own machine's roofline: A's file has ceilings, B's has none (an older file).
 * The case carries A's fraction and NaN for B; the text shows both, "-" for the side without. */
static void test_roofline_side_by_side(void)
{
    pb_resultset a, b;
    pb_comparison cmp;
    pb_rng rng = pb_rng_make(7);
    pb_set_init(&a, "a");
    pb_set_init(&b, "b");
    pb_result *ra = pb_add_case(&a, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.100, 0.01, 20);
    pb_result *rb = pb_add_case(&b, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.100, 0.01, 20);
    ra->flops = rb->flops = 2e9;
    ra->bytes = rb->bytes = 1e7;
    pb_device_record *d = pb_resultset_add_device(&a);
    strcpy(d->backend, "cpu");
    d->has_ceilings = 1;
    d->ceilings.fp32_gflops = 80; /* two threads of 40: one thread's roof is 40 GFLOP/s */
    d->ceilings.bandwidth_gbs = 20;
    d->ceilings.threads = 2;
    CHECK(pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK);
    const pb_compare_case *c = pb_find_case(&cmp, "sgemm", "cpu-1");
    CHECK(c != NULL);
    if (c) {
        /* 2e9 FLOPs at 40 GFLOP/s take 50 ms at best; measured about 100 ms: about half the roof. */
        CHECK_MSG(fabs(c->roof_a - 0.05 / ra->median_s) < 1e-9, "roof_a %g", c->roof_a);
        CHECK(isnan(c->roof_b));
    }
    char *text = pb_render_width(&cmp, PB_COMPARE_TEXT, 0, 0);
    CHECK(text && strstr(text, "Each machine against its own ceilings"));
    CHECK(text && strstr(text, "A of its roof") && strstr(text, "200  "));
    char want[32];
    snprintf(want, sizeof want, "%.0f%%", 100 * (c ? c->roof_a : 0));
    CHECK_MSG(text && strstr(text, want), "no '%s' in the text", want);
    free(text);
    char *json = pb_render(&cmp, PB_COMPARE_JSON, 0);
    CHECK(json && strstr(json, "\"roofline_a\": ") && strstr(json, "\"roofline_b\": null"));
    free(json);
    pb_comparison_free(&cmp);
    /* Neither side with ceilings: no roofline table at all. */
    pb_resultset_free(&a);
    pb_set_init(&a, "a");
    pb_add_case(&a, "sgemm", "cpu-1", "cpu", 1, 1024, &rng, 0.100, 0.01, 20);
    CHECK(pb_compare_build(&a, "a", &b, "b", 0.05, &cmp, NULL) == PB_OK);
    text = pb_render_width(&cmp, PB_COMPARE_TEXT, 0, 0);
    CHECK(text && !strstr(text, "own ceilings"));
    free(text);
    pb_comparison_free(&cmp);
    pb_resultset_free(&a);
    pb_resultset_free(&b);
}

static const pbtest_case tests[] = {
    { "roofline side by side", test_roofline_side_by_side },
    { "nothing_in_common", test_nothing_in_common },
    { "warning_names_each_case_once", test_warning_names_each_case_once },
    { "t_distribution", test_t_distribution },
    { "interval_coverage", test_interval_coverage },
    { "untrusted_summaries", test_untrusted_summaries },
    { "disturbance_over_rounds", test_disturbance_over_rounds },
    { "drift_widens_intervals", test_drift_widens_intervals },
    { "stats_known_values", test_stats_known_values },
    { "bootstrap_is_reproducible", test_bootstrap_is_reproducible },
    { "twice_as_fast", test_twice_as_fast },
    { "same_distribution_trials", test_same_distribution_trials },
    { "threshold_decides", test_threshold_decides },
    { "self_compare", test_self_compare },
    { "failed_cases_get_no_verdict", test_failed_cases_get_no_verdict },
    { "matching", test_matching },
    { "decomposition", test_decomposition },
    { "warnings", test_warnings },
    { "formats", test_formats },
    { "command", test_command },
};

PBTEST_MAIN(tests)
