/* Building a comparison: matching cases, per-case statistics, per-role geometric means, the
 * all-core decomposition and the comparability warnings (the method is described in
 * docs/SCHEMA.md, "The compare document"). */
#include "compare.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../core/backend.h"
#include "compare_stats.h"

const char *pb_verdict_name(pb_verdict verdict)
{
    static const char *const names[] = {
        [PB_VERDICT_FASTER] = "faster",       [PB_VERDICT_SLOWER] = "slower",
        [PB_VERDICT_SAME] = "no noticeable difference", [PB_VERDICT_UNCERTAIN] = "uncertain",
        [PB_VERDICT_FAILED] = "failed",       [PB_VERDICT_NOT_RUN] = "not run",
    };
    return (unsigned)verdict < sizeof names / sizeof names[0] ? names[verdict] : "unknown";
}

void pb_compare_size_text(const pb_result *r, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < r->ndims && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s=%lld", i ? " " : "", r->dim_names[i],
                         (long long)r->dims[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* ---- matching -------------------------------------------------------------------------------- */

static int pb_same_size(const pb_result *a, const pb_result *b)
{
    if (a->ndims != b->ndims)
        return 0;
    for (int i = 0; i < a->ndims; i++)
        if (a->dims[i] != b->dims[i] || strcmp(a->dim_names[i], b->dim_names[i]) != 0)
            return 0;
    return 1;
}

/* The match key of DESIGN.md §7: workload, size, precision and role; a scaling point (cpu-n) is
 * only comparable at the same thread count. */
static int pb_same_key(const pb_result *a, const pb_result *b)
{
    if (strcmp(a->workload, b->workload) != 0 || strcmp(a->precision, b->precision) != 0 ||
        strcmp(a->role, b->role) != 0 || !pb_same_size(a, b))
        return 0;
    return strcmp(a->role, pb_role_name(PB_ROLE_CPU_N)) != 0 || a->threads == b->threads;
}

typedef enum pb_match_pass {
    PB_MATCH_DEVICE,   /* same backend and device index */
    PB_MATCH_BACKEND,  /* same backend, another device */
    PB_MATCH_ANY       /* what is left: backends differ (OpenCL on one machine, Metal on the other) */
} pb_match_pass;

/* Pairs cases in three passes, each in file order, so a backend both files have is always
 * matched with itself before cases of different backends are paired. match_a[i] is the index
 * in B of A's case i, or -1. */
static void pb_match(const pb_resultset *a, const pb_resultset *b, int *match_a, char *used_b)
{
    for (int i = 0; i < a->nresults; i++)
        match_a[i] = -1;
    for (int pass = PB_MATCH_DEVICE; pass <= PB_MATCH_ANY; pass++) {
        for (int i = 0; i < a->nresults; i++) {
            const pb_result *x = &a->results[i];
            for (int j = 0; j < b->nresults && match_a[i] < 0; j++) {
                const pb_result *y = &b->results[j];
                if (used_b[j] || !pb_same_key(x, y))
                    continue;
                int same_backend = strcmp(x->backend, y->backend) == 0;
                if ((pass == PB_MATCH_DEVICE && !(same_backend && x->device == y->device)) ||
                    (pass == PB_MATCH_BACKEND && !same_backend))
                    continue;
                match_a[i] = j;
                used_b[j] = 1;
            }
        }
    }
}

/* ---- one case -------------------------------------------------------------------------------- */

static pb_verdict pb_judge(double lo, double hi, double threshold)
{
    double up = 1 + threshold, down = 1 / (1 + threshold);
    if (!isfinite(lo) || !isfinite(hi))
        return PB_VERDICT_UNCERTAIN;
    if (lo > up)
        return PB_VERDICT_FASTER;
    if (hi < down)
        return PB_VERDICT_SLOWER;
    if (lo >= down && hi <= up)
        return PB_VERDICT_SAME;
    return PB_VERDICT_UNCERTAIN;
}

static int pb_result_failed(const pb_result *r)
{
    return r->status == PB_CASE_FAILED || (r->has_check && !r->check.ok);
}

/* The median of a result's samples, or its recorded median when it has none. */
static pb_status pb_result_median(const pb_result *r, double *out, pb_msg *msg)
{
    if (r->nsamples == 0) {
        *out = r->median_s;
        return PB_OK;
    }
    double *tmp = malloc((size_t)r->nsamples * sizeof *tmp);
    if (!tmp)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory comparing samples");
    memcpy(tmp, r->samples_s, (size_t)r->nsamples * sizeof *tmp);
    *out = pb_compare_median_inplace(tmp, (size_t)r->nsamples);
    free(tmp);
    return PB_OK;
}

static double pb_rate(const pb_result *r, double median)
{
    if (r->work > 0 && median > 0)
        return r->work / 1e9 / median;
    return r->rate_value > 0 ? r->rate_value : NAN;
}

static int pb_all_positive(const double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (!(v[i] > 0))
            return 0;
    return 1;
}

static const char *pb_side_note(int on_a, int on_b)
{
    return on_a && on_b ? "on A and B" : on_a ? "on A" : "on B";
}

/* Fills the statistics of a matched pair. `logs` receives the bootstrap replicates of the log
 * ratio when the case gets an interval (*has_logs = 1). */
static pb_status pb_compare_one(pb_compare_case *c, double threshold, double *logs, int *has_logs, pb_msg *msg)
{
    const pb_result *a = c->a, *b = c->b;
    pb_status st;
    *has_logs = 0;
    c->median_a = c->median_b = c->rate_a = c->rate_b = NAN;
    c->ratio = c->ci_low = c->ci_high = c->p_value = NAN;
    c->note = NULL;
    if (pb_result_failed(a) || pb_result_failed(b)) {
        c->verdict = PB_VERDICT_FAILED;
        c->note = pb_side_note(pb_result_failed(a), pb_result_failed(b));
        return PB_OK;
    }
    if (a->status != PB_CASE_OK || b->status != PB_CASE_OK) {
        c->verdict = PB_VERDICT_NOT_RUN;
        c->note = pb_side_note(a->status != PB_CASE_OK, b->status != PB_CASE_OK);
        return PB_OK;
    }
    if ((st = pb_result_median(a, &c->median_a, msg)) != PB_OK ||
        (st = pb_result_median(b, &c->median_b, msg)) != PB_OK)
        return st;
    c->rate_a = pb_rate(a, c->median_a);
    c->rate_b = pb_rate(b, c->median_b);
    c->verdict = PB_VERDICT_UNCERTAIN;
    if (!(c->median_a > 0) || !(c->median_b > 0)) {
        c->note = "no positive time to compare";
        return PB_OK;
    }
    c->ratio = c->median_a / c->median_b;
    int na = a->nsamples, nb = b->nsamples;
    if (na < 3 || nb < 3) {
        c->note = "too few samples for an interval";
        return PB_OK;
    }
    if (!pb_all_positive(a->samples_s, na) || !pb_all_positive(b->samples_s, nb)) {
        c->note = "a sample of zero seconds";
        return PB_OK;
    }
    st = pb_compare_mann_whitney_p(a->samples_s, (size_t)na, b->samples_s, (size_t)nb, &c->p_value, msg);
    if (st != PB_OK)
        return st;
    /* The very same samples on both sides (a file compared with itself): there is no second
     * measurement to resample against, and the ratio is exactly 1. */
    if (na == nb && memcmp(a->samples_s, b->samples_s, (size_t)na * sizeof *a->samples_s) == 0) {
        for (int r = 0; r < PB_COMPARE_RESAMPLES; r++)
            logs[r] = 0;
    } else {
        st = pb_compare_bootstrap_log_ratio(a->samples_s, (size_t)na, b->samples_s, (size_t)nb,
                                            PB_COMPARE_RESAMPLES, PB_COMPARE_SEED, logs, msg);
        if (st != PB_OK)
            return st;
    }
    /* One case's interval is the geometric-mean interval of that case alone. */
    const double *one[] = { logs };
    st = pb_compare_geomean_interval(one, 1, PB_COMPARE_RESAMPLES, PB_COMPARE_LEVEL, &c->ci_low, &c->ci_high, msg);
    if (st != PB_OK)
        return st;
    c->verdict = pb_judge(c->ci_low, c->ci_high, threshold);
    *has_logs = 1;
    return PB_OK;
}

/* ---- roles and the all-core decomposition ---------------------------------------------------- */

/* Per role, the geometric mean of the ratios of the cases with an interval. Scaling points
 * (cpu-n) are left out: a mean over different thread counts answers no question. */
static pb_status pb_compare_groups(pb_comparison *cmp, double *const *logs, pb_msg *msg)
{
    const double **picked = malloc(((size_t)cmp->ncases + 1) * sizeof *picked);
    if (!picked)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory comparing roles");
    for (int role = 0; role < PB_ROLE_COUNT && cmp->ngroups < PB_COMPARE_MAX_GROUPS; role++) {
        const char *name = pb_role_name((pb_role)role);
        if (role == PB_ROLE_CPU_N)
            continue;
        int k = 0;
        double sum = 0;
        for (int i = 0; i < cmp->ncases; i++) {
            if (logs[i] && strcmp(cmp->cases[i].a->role, name) == 0) {
                picked[k++] = logs[i];
                sum += log(cmp->cases[i].ratio);
            }
        }
        if (k == 0)
            continue;
        pb_compare_group *g = &cmp->groups[cmp->ngroups++];
        pb_strlcpy(g->role, name, sizeof g->role);
        g->ncases = k;
        g->geomean = exp(sum / k);
        pb_status st = pb_compare_geomean_interval(picked, k, PB_COMPARE_RESAMPLES, PB_COMPARE_LEVEL, &g->ci_low,
                                                   &g->ci_high, msg);
        if (st != PB_OK) {
            free(picked);
            return st;
        }
        g->verdict = pb_judge(g->ci_low, g->ci_high, cmp->threshold);
    }
    free(picked);
    return PB_OK;
}

/* The cpu-1 case measured alongside an all-core case: same workload, size, precision and
 * backends, with a ratio on both sides. */
static const pb_compare_case *pb_one_core_partner(const pb_comparison *cmp, const pb_compare_case *all)
{
    for (int i = 0; i < cmp->ncases; i++) {
        const pb_compare_case *c = &cmp->cases[i];
        if (strcmp(c->a->role, pb_role_name(PB_ROLE_CPU_1)) == 0 && isfinite(c->ratio) &&
            strcmp(c->a->workload, all->a->workload) == 0 && strcmp(c->a->precision, all->a->precision) == 0 &&
            pb_same_size(c->a, all->a) && strcmp(c->a->backend, all->a->backend) == 0 &&
            strcmp(c->b->backend, all->b->backend) == 0)
            return c;
    }
    return NULL;
}

static pb_status pb_compare_splits(pb_comparison *cmp, pb_msg *msg)
{
    double sum[6] = { 0 };
    cmp->splits = calloc((size_t)cmp->ncases + 1, sizeof *cmp->splits);
    if (!cmp->splits)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory comparing cores");
    for (int i = 0; i < cmp->ncases; i++) {
        const pb_compare_case *all = &cmp->cases[i];
        if (strcmp(all->a->role, pb_role_name(PB_ROLE_CPU_ALL)) != 0 || !isfinite(all->ratio) ||
            all->a->threads < 1 || all->b->threads < 1)
            continue;
        const pb_compare_case *one = pb_one_core_partner(cmp, all);
        if (!one)
            continue;
        pb_compare_split *s = &cmp->splits[cmp->nsplits++];
        s->all = all;
        s->threads_a = all->a->threads;
        s->threads_b = all->b->threads;
        s->ratio = all->ratio;
        s->per_core = one->ratio;
        s->cores = (double)s->threads_b / s->threads_a;
        s->efficiency_a = one->median_a / all->median_a / s->threads_a;
        s->efficiency_b = one->median_b / all->median_b / s->threads_b;
        s->scaling = s->efficiency_b / s->efficiency_a;
        const double f[6] = { s->ratio, s->per_core, s->cores, s->scaling, s->efficiency_a, s->efficiency_b };
        for (int k = 0; k < 6; k++)
            sum[k] += log(f[k]);
    }
    if (cmp->nsplits > 0) {
        pb_compare_split *m = &cmp->split_mean;
        double n = cmp->nsplits;
        m->ratio = exp(sum[0] / n);
        m->per_core = exp(sum[1] / n);
        m->cores = exp(sum[2] / n);
        m->scaling = exp(sum[3] / n);
        m->efficiency_a = exp(sum[4] / n);
        m->efficiency_b = exp(sum[5] / n);
    }
    return PB_OK;
}

/* ---- comparability warnings ------------------------------------------------------------------ */

static void pb_warn(pb_comparison *cmp, const char *fmt, ...) PB_PRINTF(2, 3);

/* Warnings go into an array sized for the worst case up front (see pb_compare_build). */
static void pb_warn(pb_comparison *cmp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmp->warnings[cmp->nwarnings++], sizeof cmp->warnings[0], fmt, ap);
    va_end(ap);
}

static void pb_warn_if_differs(pb_comparison *cmp, const char *what, const char *a, const char *b,
                               const char *consequence)
{
    if (strcmp(a, b) != 0)
        pb_warn(cmp, "%s differ (A: %s, B: %s): %s", what, a[0] ? a : "unknown", b[0] ? b : "unknown",
                consequence);
}

/* An unmatched case of A whose workload and role B ran with another size or precision: say why
 * it was not compared (once per workload, role and kind of difference). */
static void pb_warn_mismatches(pb_comparison *cmp)
{
    for (int i = 0; i < cmp->nonly_a; i++) {
        const pb_result *x = cmp->only_a[i];
        for (int j = 0; j < cmp->nonly_b; j++) {
            const pb_result *y = cmp->only_b[j];
            if (strcmp(x->workload, y->workload) != 0 || strcmp(x->role, y->role) != 0)
                continue;
            int size_differs = !pb_same_size(x, y), precision_differs = strcmp(x->precision, y->precision) != 0;
            int seen = 0;
            for (int k = 0; k < i && !seen; k++)
                seen = strcmp(cmp->only_a[k]->workload, x->workload) == 0 && strcmp(cmp->only_a[k]->role, x->role) == 0;
            if (seen)
                break;
            char sa[64], sb[64];
            pb_compare_size_text(x, sa, sizeof sa);
            pb_compare_size_text(y, sb, sizeof sb);
            if (size_differs)
                pb_warn(cmp, "%s %s: sizes differ (A: %s, B: %s): not compared", x->workload, x->role, sa, sb);
            else if (precision_differs)
                pb_warn(cmp, "%s %s: precisions differ (A: %s, B: %s): not compared", x->workload, x->role,
                        x->precision, y->precision);
            break;
        }
    }
}

static void pb_warn_unstable(pb_comparison *cmp)
{
    char list[200] = "";
    int count = 0;
    size_t used = 0;
    for (int i = 0; i < cmp->ncases; i++) {
        const pb_compare_case *c = &cmp->cases[i];
        if (!(c->a->unstable || c->b->unstable) || c->verdict == PB_VERDICT_FAILED || c->verdict == PB_VERDICT_NOT_RUN)
            continue;
        if (count++ < 4 && used < sizeof list) {
            int n = snprintf(list + used, sizeof list - used, "%s%s %s (%s)", used ? ", " : "", c->a->workload,
                             c->a->role, c->a->unstable && c->b->unstable ? "A and B" : c->a->unstable ? "A" : "B");
            used += n > 0 ? (size_t)n : 0;
        }
    }
    if (count > 0)
        pb_warn(cmp, "%d case%s unstable (timings varied by more than 5%%), so %s wider: %s%s", count,
                count == 1 ? " was" : "s were", count == 1 ? "its interval is" : "their intervals are", list,
                count > 4 ? ", ..." : "");
}

static void pb_compare_warnings(pb_comparison *cmp)
{
    const pb_resultset *a = cmp->a, *b = cmp->b;
    pb_warn_if_differs(cmp, "parbench versions", a->tool_version, b->tool_version,
                       "kernels or measurement may have changed between versions");
    pb_warn_if_differs(cmp, "presets", a->preset, b->preset, "problem sizes differ, so few cases match");
    pb_warn_if_differs(cmp, "compilers", a->compiler, b->compiler, "the CPU kernels were not built alike");
    pb_warn_if_differs(cmp, "compiler flags", a->cflags, b->cflags, "the CPU kernels were not built alike");
    if (strcmp(a->machine.power_source, "battery") == 0 || strcmp(b->machine.power_source, "battery") == 0)
        pb_warn(cmp, "%s on battery power: laptops often run slower on battery than on mains",
                strcmp(a->machine.power_source, b->machine.power_source) == 0 ? "both ran"
                : strcmp(a->machine.power_source, "battery") == 0           ? "A ran"
                                                                            : "B ran");
    if (!a->complete || !b->complete)
        pb_warn(cmp, "%s an interrupted run: cases it did not reach are missing",
                !a->complete && !b->complete ? "A and B are each" : !a->complete ? "A is" : "B is");
    /* With different presets every size differs; the preset warning says it once. */
    if (strcmp(a->preset, b->preset) == 0)
        pb_warn_mismatches(cmp);
    pb_warn_unstable(cmp);
}

/* ---- the comparison -------------------------------------------------------------------------- */

void pb_comparison_free(pb_comparison *cmp)
{
    if (!cmp)
        return;
    free(cmp->cases);
    free(cmp->only_a);
    free(cmp->only_b);
    free(cmp->splits);
    free(cmp->warnings);
    memset(cmp, 0, sizeof *cmp);
}

/* Lists the unmatched cases and the matched pairs in the baseline's order. */
static pb_status pb_compare_pairs(pb_comparison *cmp, const int *match_a, const char *used_b, pb_msg *msg)
{
    const pb_resultset *a = cmp->a, *b = cmp->b;
    cmp->cases = calloc((size_t)a->nresults + 1, sizeof *cmp->cases);
    cmp->only_a = calloc((size_t)a->nresults + 1, sizeof *cmp->only_a);
    cmp->only_b = calloc((size_t)b->nresults + 1, sizeof *cmp->only_b);
    if (!cmp->cases || !cmp->only_a || !cmp->only_b)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory comparing results");
    for (int i = 0; i < a->nresults; i++) {
        if (match_a[i] < 0) {
            cmp->only_a[cmp->nonly_a++] = &a->results[i];
            continue;
        }
        pb_compare_case *c = &cmp->cases[cmp->ncases++];
        c->a = &a->results[i];
        c->b = &b->results[match_a[i]];
    }
    for (int j = 0; j < b->nresults; j++)
        if (!used_b[j])
            cmp->only_b[cmp->nonly_b++] = &b->results[j];
    return PB_OK;
}

static pb_status pb_compare_cases(pb_comparison *cmp, double **logs, pb_msg *msg)
{
    for (int i = 0; i < cmp->ncases; i++) {
        int has_logs;
        logs[i] = malloc(PB_COMPARE_RESAMPLES * sizeof *logs[i]);
        if (!logs[i])
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory comparing samples");
        pb_status st = pb_compare_one(&cmp->cases[i], cmp->threshold, logs[i], &has_logs, msg);
        if (st != PB_OK)
            return st;
        if (!has_logs) {
            free(logs[i]);
            logs[i] = NULL;
        }
    }
    return PB_OK;
}

pb_status pb_compare_build(const pb_resultset *a, const char *name_a, const pb_resultset *b, const char *name_b,
                           double threshold, pb_comparison *out, pb_msg *msg)
{
    pb_comparison cmp;
    memset(&cmp, 0, sizeof cmp);
    cmp.a = a;
    cmp.b = b;
    cmp.name_a = name_a;
    cmp.name_b = name_b;
    cmp.threshold = threshold;
    if (!(threshold > 0 && threshold < 1))
        return pb_msg_set(msg, PB_ERR_USAGE, "the threshold must lie between 0 and 100%%");

    int *match_a = malloc(((size_t)a->nresults + 1) * sizeof *match_a);
    char *used_b = calloc((size_t)b->nresults + 1, 1);
    double **logs = calloc((size_t)a->nresults + 1, sizeof *logs);
    /* Fixed warnings, one per unmatched case of A at most, and the unstable summary. */
    cmp.warnings = calloc((size_t)a->nresults + 8, sizeof *cmp.warnings);
    pb_status st = PB_OK;
    if (!match_a || !used_b || !logs || !cmp.warnings)
        st = pb_msg_set(msg, PB_ERR_NOMEM, "out of memory comparing results");
    if (st == PB_OK) {
        pb_match(a, b, match_a, used_b);
        st = pb_compare_pairs(&cmp, match_a, used_b, msg);
    }
    if (st == PB_OK)
        st = pb_compare_cases(&cmp, logs, msg);
    if (st == PB_OK)
        st = pb_compare_groups(&cmp, logs, msg);
    if (st == PB_OK)
        st = pb_compare_splits(&cmp, msg);
    if (st == PB_OK)
        pb_compare_warnings(&cmp);
    for (int i = 0; logs && i < cmp.ncases; i++)
        free(logs[i]);
    free(logs);
    free(match_a);
    free(used_b);
    if (st != PB_OK) {
        pb_comparison_free(&cmp);
        return st;
    }
    *out = cmp;
    return PB_OK;
}
