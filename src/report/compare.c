/* Building a comparison: matching cases, per-case statistics, per-role geometric means, the
 * all-core decomposition and the comparability warnings (the method is described in
 * docs/SCHEMA.md, "The compare document"). */
#include "compare.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buildinfo.h"
#include "../core/role.h"
#include "../core/stats.h"
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
    *out = pb_stats_median_inplace(tmp, (size_t)r->nsamples);
    free(tmp);
    return PB_OK;
}

/* The rate at `median`, else the stored one (a file without work counts), else NaN. */
static double pb_rate(const pb_result *r, double median)
{
    double rate = pb_stats_rate(r->work, median);
    return rate > 0 ? rate : r->rate_value > 0 ? r->rate_value : NAN;
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

/* Log round medians of a result with rounds; returns how many (0: it has none to give). */
static int pb_round_logs(const pb_result *r, double *out)
{
    if (r->rounds < 2 || !r->sample_rounds)
        return 0;
    return pb_stats_round_log_medians(r->samples_s, r->sample_rounds, (size_t)r->nsamples, r->rounds, out);
}

static int pb_same_samples(const pb_result *a, const pb_result *b)
{
    size_t n = (size_t)a->nsamples;
    /* Cases without samples (schema-1 files may keep only a median) prove nothing either way. */
    return n > 0 && a->nsamples == b->nsamples && memcmp(a->samples_s, b->samples_s, n * sizeof *a->samples_s) == 0 &&
           (!a->sample_rounds || !b->sample_rounds ||
            memcmp(a->sample_rounds, b->sample_rounds, n * sizeof *a->sample_rounds) == 0);
}

/* The round method (schema 2): each side's rounds are independent units; the log ratio is the
 * difference of the mean log round medians, with Welch's t interval and test. */
static pb_status pb_compare_rounds(const pb_comparison *cmp, pb_compare_case *c, const double *la, int ka,
                                   const double *lb, int kb)
{
    double ma, sa, mb, sb;
    pb_stats_mean_sd(la, ka, &ma, &sa);
    pb_stats_mean_sd(lb, kb, &mb, &sb);
    /* Each side's variance: its rounds' scatter over their number, plus the run's drift, which
     * does not average out (another run may find the machine anywhere in that range). */
    double ra = sa * sa / ka, rb = sb * sb / kb;
    double da = cmp->drift_a * cmp->drift_a, db = cmp->drift_b * cmp->drift_b;
    double va = ra + da, vb = rb + db;
    /* Each side's typical time is the geometric mean of its round medians, so the rates, the
     * ratio and the all-core decomposition all rest on the same numbers. */
    c->median_a = exp(ma);
    c->median_b = exp(mb);
    c->rate_a = pb_rate(c->a, c->median_a);
    c->rate_b = pb_rate(c->b, c->median_b);
    c->log_ratio = ma - mb;
    c->se = sqrt(va + vb);
    c->drift_var = da + db;
    /* Welch-Satterthwaite over the four variance components. */
    pb_satterthwaite acc = { 0, 0 };
    pb_stats_satterthwaite_add(&acc, ra, ka - 1.0);
    pb_stats_satterthwaite_add(&acc, rb, kb - 1.0);
    pb_stats_satterthwaite_add(&acc, da, cmp->drift_df_a);
    pb_stats_satterthwaite_add(&acc, db, cmp->drift_df_b);
    c->df = pb_stats_satterthwaite_df(&acc);
    if (!isfinite(c->df))
        c->df = ka + kb - 2.0;
    c->ratio = exp(c->log_ratio);
    c->method = "rounds";
    if (c->se == 0) {
        c->ci_low = c->ci_high = c->ratio;
        c->p_value = c->log_ratio == 0 ? 1 : 0;
        return PB_OK;
    }
    double t = pb_stats_t_quantile(0.5 + PB_COMPARE_LEVEL / 2, c->df);
    c->ci_low = exp(c->log_ratio - t * c->se);
    c->ci_high = exp(c->log_ratio + t * c->se);
    c->p_value = pb_stats_t_two_sided(c->log_ratio / c->se, c->df);
    return PB_OK;
}

/* The single-window method (schema 1, or a side with one round): a bootstrap of the ratio of
 * medians treating samples as independent, which ignores run-to-run noise (compare warns). */
static pb_status pb_compare_window(pb_compare_case *c, pb_msg *msg)
{
    const pb_result *a = c->a, *b = c->b;
    int na = a->nsamples, nb = b->nsamples;
    c->method = "samples";
    c->log_ratio = log(c->ratio);
    c->df = INFINITY;
    pb_status st = pb_compare_mann_whitney_p(a->samples_s, (size_t)na, b->samples_s, (size_t)nb, &c->p_value, msg);
    if (st != PB_OK)
        return st;
    if (pb_same_samples(a, b)) {
        c->ci_low = c->ci_high = 1;
        c->se = 0;
        return PB_OK;
    }
    double *logs = malloc(PB_COMPARE_RESAMPLES * sizeof *logs);
    if (!logs)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory comparing samples");
    st = pb_compare_bootstrap_log_ratio(a->samples_s, (size_t)na, b->samples_s, (size_t)nb, PB_COMPARE_RESAMPLES,
                                        PB_COMPARE_SEED, logs, msg);
    if (st == PB_OK) {
        const double *one[] = { logs };
        double mean;
        st = pb_compare_geomean_interval(one, 1, PB_COMPARE_RESAMPLES, PB_COMPARE_LEVEL, &c->ci_low, &c->ci_high,
                                         msg);
        pb_stats_mean_sd(logs, PB_COMPARE_RESAMPLES, &mean, &c->se);
    }
    free(logs);
    return st;
}

/* The fraction of its machine's roofline result r reached; NaN without ceilings or counts. */
static double pb_roof_fraction(const pb_resultset *set, const pb_result *r)
{
    const pb_ceilings *c = pb_resultset_ceilings(set, r);
    pb_roofline rl;
    return c && r->status == PB_CASE_OK && pb_roofline_place(r, c, &rl) ? rl.fraction : NAN;
}

/* Fills the statistics of a matched pair. */
static pb_status pb_compare_one(const pb_comparison *cmp, pb_compare_case *c, double threshold, pb_msg *msg)
{
    const pb_result *a = c->a, *b = c->b;
    pb_status st;
    c->median_a = c->median_b = c->rate_a = c->rate_b = c->roof_a = c->roof_b = NAN;
    c->ratio = c->ci_low = c->ci_high = c->p_value = NAN;
    c->log_ratio = c->se = c->df = NAN;
    c->drift_var = 0;
    c->method = NULL;
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
    c->roof_a = pb_roof_fraction(cmp->a, a);
    c->roof_b = pb_roof_fraction(cmp->b, b);
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
    double *la = malloc(((size_t)a->rounds + 1) * sizeof *la), *lb = malloc(((size_t)b->rounds + 1) * sizeof *lb);
    if (!la || !lb) {
        free(la);
        free(lb);
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory comparing rounds");
    }
    int ka = pb_round_logs(a, la), kb = pb_round_logs(b, lb);
    /* The very same samples on both sides (a file compared with itself): there is no second
     * measurement to compare against, and the ratio is exactly 1. */
    if (ka >= 2 && kb >= 2 && pb_same_samples(a, b)) {
        c->ratio = c->ci_low = c->ci_high = 1;
        c->log_ratio = c->se = 0;
        c->df = 2.0 * (ka - 1);
        c->p_value = 1;
        c->method = "rounds";
    } else {
        st = ka >= 2 && kb >= 2 ? pb_compare_rounds(cmp, c, la, ka, lb, kb) : pb_compare_window(c, msg);
    }
    free(la);
    free(lb);
    if (st != PB_OK)
        return st;
    if (!isfinite(c->ratio) || !isfinite(c->ci_low) || !isfinite(c->ci_high)) {
        c->note = "no finite ratio";
        c->ratio = c->ci_low = c->ci_high = NAN;
        return PB_OK;
    }
    c->verdict = pb_judge(c->ci_low, c->ci_high, threshold);
    return PB_OK;
}

/* ---- roles and the all-core decomposition ---------------------------------------------------- */

/* Per role, the geometric mean of the ratios of the cases with an interval. Its interval treats
 * the cases' own noise as independent (summed variances over k^2) but the runs' drift as common to
 * all of them (it does not average out over cases), with Welch-Satterthwaite degrees of freedom. Scaling points (cpu-n) are left out: a mean over
 * different thread counts answers no question. */
static void pb_compare_groups(pb_comparison *cmp)
{
    for (int role = 0; role < PB_ROLE_COUNT && cmp->ngroups < PB_COMPARE_MAX_GROUPS; role++) {
        const char *name = pb_role_name((pb_role)role);
        if (role == PB_ROLE_CPU_N)
            continue;
        int k = 0;
        double sum = 0, drift = 0;
        pb_satterthwaite acc = { 0, 0 };
        for (int i = 0; i < cmp->ncases; i++) {
            const pb_compare_case *c = &cmp->cases[i];
            if (!isfinite(c->ci_low) || strcmp(c->a->role, name) != 0)
                continue;
            k++;
            sum += c->log_ratio;
            drift += c->drift_var;
        }
        if (k == 0)
            continue;
        /* Own noise averages over the cases (each case's part divided by k^2); the drift (the
         * mean of the cases' drift parts, the same for all of them) does not, and has the runs'
         * degrees of freedom. */
        for (int i = 0; i < cmp->ncases; i++) {
            const pb_compare_case *c = &cmp->cases[i];
            if (isfinite(c->ci_low) && strcmp(c->a->role, name) == 0)
                pb_stats_satterthwaite_add(&acc, (c->se * c->se - c->drift_var) / ((double)k * k), c->df);
        }
        drift /= k;
        pb_stats_satterthwaite_add(&acc, drift, cmp->drift_df_a + cmp->drift_df_b);
        pb_compare_group *g = &cmp->groups[cmp->ngroups++];
        pb_strlcpy(g->role, name, sizeof g->role);
        g->ncases = k;
        g->geomean = exp(sum / k);
        double se = sqrt(acc.var), df = pb_stats_satterthwaite_df(&acc);
        double t = isfinite(df) ? pb_stats_t_quantile(0.5 + PB_COMPARE_LEVEL / 2, df) : 1.959963984540054;
        g->ci_low = exp(sum / k - t * se);
        g->ci_high = exp(sum / k + t * se);
        g->verdict = pb_judge(g->ci_low, g->ci_high, cmp->threshold);
    }
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

/* A case's name in a warning's list: its workload and role, and where another case of `set` has
 * the same two, what tells them apart (backend, device, thread count, size), so that no two
 * entries of a list read alike. */
static void pb_case_label(const pb_result *r, const pb_resultset *set, char *buf, size_t size)
{
    int backend = 0, device = 0, threads = 0, shape = 0;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *o = &set->results[i];
        if (o == r || strcmp(o->workload, r->workload) != 0 || strcmp(o->role, r->role) != 0)
            continue;
        backend |= strcmp(o->backend, r->backend) != 0;
        device |= strcmp(o->backend, r->backend) == 0 && o->device != r->device;
        threads |= o->threads != r->threads;
        shape |= !pb_same_size(o, r) || strcmp(o->precision, r->precision) != 0;
    }
    char size_text[64] = "";
    if (shape)
        pb_compare_size_text(r, size_text, sizeof size_text);
    snprintf(buf, size, "%s %s", r->workload, r->role);
    size_t used = strlen(buf);
    if (backend && used < size)
        used += (size_t)snprintf(buf + used, size - used, " %s", r->backend);
    if (device && used < size)
        used += (size_t)snprintf(buf + used, size - used, " device %d", r->device);
    if (threads && used < size)
        used += (size_t)snprintf(buf + used, size - used, " %d thread%s", r->threads, r->threads == 1 ? "" : "s");
    if (shape && used < size)
        snprintf(buf + used, size - used, " %s %s", size_text, r->precision);
}

/* The spread the unstable flag judges: between rounds (as the run table's spread column shows
 * it), or the coefficient of variation of a one-window case (schema 1). */
static double pb_flag_spread(const pb_result *r)
{
    return r->rounds >= 2 ? exp(r->round_spread) - 1 : r->cv;
}

static void pb_warn_unstable(pb_comparison *cmp)
{
    char list[240] = "", label[96];
    int count = 0;
    size_t used = 0;
    for (int i = 0; i < cmp->ncases; i++) {
        const pb_compare_case *c = &cmp->cases[i];
        if (!(c->a->unstable || c->b->unstable) || c->verdict == PB_VERDICT_FAILED || c->verdict == PB_VERDICT_NOT_RUN)
            continue;
        if (count++ < 4 && used < sizeof list) {
            pb_case_label(c->a, cmp->a, label, sizeof label);
            int n = snprintf(list + used, sizeof list - used, "%s%s (A %.0f%%, B %.0f%%)", used ? ", " : "", label,
                             100 * pb_flag_spread(c->a), 100 * pb_flag_spread(c->b));
            used += n > 0 ? (size_t)n : 0;
        }
    }
    int rounds = cmp->a->schema_version >= 2 && cmp->b->schema_version >= 2;
    if (count > 0)
        pb_warn(cmp, "%d case%s unstable (%s), so %s wider: %s%s", count, count == 1 ? " was" : "s were",
                rounds ? (count == 1 ? "its rounds still disagreed when the run's rounds ran out; spread between rounds"
                                     : "their rounds still disagreed when the run's rounds ran out; spread between "
                                       "rounds")
                       : "timings varied by more than 5%; coefficient of variation",
                count == 1 ? "its interval is" : "their intervals are", list, count > 4 ? ", ..." : "");
}

/* Whether a side of a case ran from its device's last-level cache (docs/SCHEMA.md, llc_bytes). */
static pb_llc_fit pb_side_llc_fit(const pb_result *r)
{
    return pb_device_llc_fit((double)r->working_set_bytes, (double)r->llc_bytes);
}

/* Bandwidth-bound cases whose working set fit in the last-level cache on one side only: that
 * side's rate is the cache's, the other's memory's, so the ratio compares the two. */
static void pb_warn_llc_fit(pb_comparison *cmp)
{
    char list[240] = "", label[96];
    int count = 0;
    size_t used = 0;
    for (int i = 0; i < cmp->ncases; i++) {
        const pb_compare_case *c = &cmp->cases[i];
        pb_llc_fit fa = pb_side_llc_fit(c->a), fb = pb_side_llc_fit(c->b);
        if (fa == PB_LLC_FIT_UNKNOWN || fb == PB_LLC_FIT_UNKNOWN || fa == fb ||
            !pb_device_bandwidth_bound(c->a->flops, c->a->bytes) || c->verdict == PB_VERDICT_FAILED ||
            c->verdict == PB_VERDICT_NOT_RUN)
            continue;
        if (count++ < 4 && used < sizeof list) {
            pb_case_label(c->a, cmp->a, label, sizeof label);
            int n = snprintf(list + used, sizeof list - used, "%s%s (fits on %s: %.3g MiB, caches A %.3g MiB, "
                             "B %.3g MiB)", used ? ", " : "", label, fa == PB_LLC_FIT_YES ? "A" : "B",
                             (double)c->a->working_set_bytes / (1 << 20), (double)c->a->llc_bytes / (1 << 20),
                             (double)c->b->llc_bytes / (1 << 20));
            used += n > 0 ? (size_t)n : 0;
        }
    }
    if (count > 0)
        pb_warn(cmp, "%d bandwidth-bound case%s fit in the last-level cache on one side only, so %s the cache's "
                "bandwidth with memory's: %s%s", count, count == 1 ? "" : "s",
                count == 1 ? "its ratio compares" : "their ratios compare", list, count > 4 ? ", ..." : "");
}

/* Cases compared with the single-window method: their intervals ignore run-to-run noise. */
static void pb_warn_single_window(pb_comparison *cmp)
{
    int n = 0;
    for (int i = 0; i < cmp->ncases; i++)
        n += cmp->cases[i].method && strcmp(cmp->cases[i].method, "samples") == 0;
    if (n == 0)
        return;
    int old_a = cmp->a->schema_version < 2, old_b = cmp->b->schema_version < 2;
    if (old_a || old_b)
        pb_warn(cmp, "%s schema version 1: each case was measured in one window, so %d interval%s ignore%s "
                "run-to-run noise and a \"faster\" or \"slower\" may be noise; measure again with this parbench",
                old_a && old_b ? "A and B have" : old_a ? "A has" : "B has", n, n == 1 ? "" : "s", n == 1 ? "s" : "");
    else
        pb_warn(cmp, "%d case%s had fewer than 2 rounds on one side, so %s interval ignores run-to-run noise",
                n, n == 1 ? "" : "s", n == 1 ? "its" : "their");
}

/* Cases either run says the machine disturbed, with how much. */
static void pb_warn_disturbed(pb_comparison *cmp, const pb_resultset *set, const char *side)
{
    const pb_round_state *rs = &set->run_state;
    double other = rs->other_cpu > 0 ? rs->other_cpu : 0, steal = rs->steal > 0 ? rs->steal : 0;
    if (set->has_run_state && other + steal > PB_DISTURBED_SHARE)
        pb_warn(cmp, "%s: while it measured, other processes used %.0f%% of the CPU and the hypervisor took %.0f%%",
                side, 100 * other, 100 * steal);
    char list[240] = "";
    size_t used = 0;
    int count = 0;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        if (r->status != PB_CASE_OK || r->disturbed_rounds <= 0)
            continue;
        if (count++ < 4 && used < sizeof list) {
            char label[96];
            pb_case_label(r, set, label, sizeof label);
            int n = snprintf(list + used, sizeof list - used, "%s%s (%d of %d rounds)", used ? ", " : "", label,
                             r->disturbed_rounds, r->rounds);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    if (count > 0)
        pb_warn(cmp, "%s: other work or the hypervisor took over %.0f%% of the CPU during %d case%s: %s%s; "
                "its intervals are wider, or measure again on a quieter machine",
                side, 100 * PB_DISTURBED_SHARE, count, count == 1 ? "" : "s", list, count > 4 ? ", ..." : "");
}

/* Stored summaries that disagree with their samples (compare uses the samples). */
static void pb_warn_inconsistent(pb_comparison *cmp, const pb_resultset *set, const char *side)
{
    for (int i = 0; i < set->nresults; i++) {
        char why[160], name[160];
        if (pb_result_consistent(&set->results[i], why, sizeof why))
            continue;
        pb_result_case_name(&set->results[i], name, sizeof name);
        pb_warn(cmp, "%s results[%d] (%s): %s; compared from the samples", side, i, name, why);
    }
}

/* A file compared with itself, or with a copy of itself: there is no second measurement. */
static void pb_warn_same_run(pb_comparison *cmp)
{
    const pb_resultset *a = cmp->a, *b = cmp->b;
    int same_start = a->started_at[0] && strcmp(a->started_at, b->started_at) == 0 &&
                     strcmp(a->machine.hostname, b->machine.hostname) == 0;
    int same_samples = cmp->ncases > 0 && cmp->nonly_a == 0 && cmp->nonly_b == 0, measured = 0;
    for (int i = 0; i < cmp->ncases && same_samples; i++) {
        same_samples = pb_same_samples(cmp->cases[i].a, cmp->cases[i].b);
        measured |= cmp->cases[i].a->nsamples > 0;
    }
    const char *consequence = "a run compared with itself can show no difference; compare two runs";
    if (strcmp(cmp->name_a, cmp->name_b) == 0)
        pb_warn(cmp, "A and B are the same file (%s): %s", cmp->name_a, consequence);
    else if (same_start)
        pb_warn(cmp, "A and B are the same run (started %s on %s): %s", a->started_at,
                a->machine.hostname[0] ? a->machine.hostname : "an unnamed host", consequence);
    else if (same_samples && measured)
        pb_warn(cmp, "A and B hold the very same samples, so they are one run: %s", consequence);
}

static void pb_compare_warnings(pb_comparison *cmp)
{
    const pb_resultset *a = cmp->a, *b = cmp->b;
    pb_warn_same_run(cmp);
    if (a->seed != b->seed)
        pb_warn(cmp, "the runs used different input seeds (A: %llu, B: %llu), so their inputs differ; run B with "
                "--seed %llu",
                (unsigned long long)a->seed, (unsigned long long)b->seed, (unsigned long long)a->seed);
    pb_warn_if_differs(cmp, "parbench versions", a->tool_version, b->tool_version,
                       "kernels or measurement may have changed between versions");
    pb_warn_if_differs(cmp, "presets", a->preset, b->preset, "problem sizes differ, so few cases match");
    pb_warn_if_differs(cmp, "compilers", a->compiler, b->compiler, "the CPU kernels were not built alike");
    pb_warn_if_differs(cmp, "compiler flags", a->cflags, b->cflags, "the CPU kernels were not built alike");
    const char *caveat_a = pb_build_timing_caveat(a->cflags), *caveat_b = pb_build_timing_caveat(b->cflags);
    if (caveat_a)
        pb_warn(cmp, "A's parbench was %s", caveat_a);
    if (caveat_b)
        pb_warn(cmp, "B's parbench was %s", caveat_b);
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
    pb_warn_llc_fit(cmp);
    pb_warn_single_window(cmp);
    if (cmp->drift_a > 0.01 || cmp->drift_b > 0.01)
        pb_warn(cmp, "the machine's overall speed moved from round to round by %.1f%% in A and %.1f%% in B; "
                "another run may find it anywhere in that range, so every interval includes it",
                100 * cmp->drift_a, 100 * cmp->drift_b);
    pb_warn_disturbed(cmp, a, "A");
    pb_warn_disturbed(cmp, b, "B");
    pb_warn_inconsistent(cmp, a, "A");
    pb_warn_inconsistent(cmp, b, "B");
}

/* ---- files with nothing in common ----------------------------------------------------------- */

/* The distinct values of a text field of a set's results (at `offset` in pb_result), joined by
 * `sep`; whether any of them also occurs in `other`. */
static int pb_distinct(const pb_resultset *set, size_t offset, const char *sep, const pb_resultset *other, char *buf,
                       size_t size)
{
    size_t used = 0;
    int shared = 0;
    buf[0] = '\0';
    for (int i = 0; i < set->nresults; i++) {
        const char *v = (const char *)&set->results[i] + offset;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = strcmp((const char *)&set->results[j] + offset, v) == 0;
        for (int j = 0; other && j < other->nresults && !shared; j++)
            shared = strcmp((const char *)&other->results[j] + offset, v) == 0;
        if (seen || used >= size)
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? sep : "", v);
        used += n > 0 ? (size_t)n : 0;
    }
    return shared;
}

pb_status pb_compare_require_common(const pb_comparison *cmp, pb_msg *msg)
{
    const pb_resultset *a = cmp->a, *b = cmp->b;
    const char *na = cmp->name_a, *nb = cmp->name_b;
    char la[160], lb[160];
    if (cmp->ncases > 0)
        return PB_OK;
    if (a->nresults == 0 || b->nresults == 0)
        return pb_msg_set(msg, PB_ERR_INPUT, "%s holds no results, so it has no case in common with %s: compare files "
                          "written by a `parbench run` that measured something",
                          a->nresults == 0 ? na : nb, a->nresults == 0 ? nb : na);
    if (a->preset[0] && b->preset[0] && strcmp(a->preset, b->preset) != 0)
        return pb_msg_set(msg, PB_ERR_INPUT, "%s and %s have no case in common: A is %s, B is %s: run B with --preset %s",
                          na, nb, a->preset, b->preset, a->preset);
    if (!pb_distinct(a, offsetof(pb_result, workload), ",", b, la, sizeof la)) {
        pb_distinct(b, offsetof(pb_result, workload), ",", NULL, lb, sizeof lb);
        return pb_msg_set(msg, PB_ERR_INPUT, "%s and %s have no case in common: A ran %s, B ran %s: run B with -w %s",
                          na, nb, la, lb, la);
    }
    if (!pb_distinct(a, offsetof(pb_result, role), ", ", b, la, sizeof la)) {
        pb_distinct(b, offsetof(pb_result, role), ", ", NULL, lb, sizeof lb);
        return pb_msg_set(msg, PB_ERR_INPUT, "%s and %s have no case in common: A has roles %s, B has %s: run both "
                          "with the same backends (-b; `parbench list` shows what each machine has)",
                          na, nb, la, lb);
    }
    if (strcmp(a->tool_version, b->tool_version) != 0)
        return pb_msg_set(msg, PB_ERR_INPUT, "%s and %s have no case in common: their sizes or precisions differ, as "
                          "A was made by parbench %s and B by %s: run both with the same parbench and --preset",
                          na, nb, a->tool_version[0] ? a->tool_version : "unknown",
                          b->tool_version[0] ? b->tool_version : "unknown");
    return pb_msg_set(msg, PB_ERR_INPUT, "%s and %s have no case in common: their sizes or precisions differ: run "
                      "both with the same --preset",
                      na, nb);
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

static pb_status pb_compare_cases(pb_comparison *cmp, pb_msg *msg)
{
    for (int i = 0; i < cmp->ncases; i++) {
        pb_status st = pb_compare_one(cmp, &cmp->cases[i], cmp->threshold, msg);
        if (st != PB_OK)
            return st;
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
    /* Fixed warnings, one per unmatched case of A at most, one per inconsistent case of either
     * file at most, and the summaries. */
    cmp.warnings = calloc((size_t)a->nresults + (size_t)b->nresults + 24, sizeof *cmp.warnings);
    pb_status st = PB_OK;
    if (!match_a || !used_b || !cmp.warnings)
        st = pb_msg_set(msg, PB_ERR_NOMEM, "out of memory comparing results");
    if (st == PB_OK) {
        pb_match(a, b, match_a, used_b);
        st = pb_compare_pairs(&cmp, match_a, used_b, msg);
    }
    pb_resultset_drift(a, &cmp.drift_a, &cmp.drift_df_a);
    pb_resultset_drift(b, &cmp.drift_b, &cmp.drift_df_b);
    if (st == PB_OK)
        st = pb_compare_cases(&cmp, msg);
    if (st == PB_OK)
        pb_compare_groups(&cmp);
    if (st == PB_OK)
        st = pb_compare_splits(&cmp, msg);
    if (st == PB_OK)
        pb_compare_warnings(&cmp);
    free(match_a);
    free(used_b);
    if (st != PB_OK) {
        pb_comparison_free(&cmp);
        return st;
    }
    *out = cmp;
    return PB_OK;
}
