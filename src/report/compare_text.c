/* The text and Markdown forms of `parbench compare`. Each comparison opens with the plain answer
 * (per role: faster, slower, no noticeable difference or too noisy to say, by how much), then the
 * machines, the warnings and the detail tables. Text fits a width: lines are wrapped and tables
 * leave out their least needed columns until they fit; Markdown keeps every column. Every ratio
 * is written one way: the headline as speed ("1.26x slower") and its interval in the same
 * direction and unit ("1.02x to 1.49x"). */
#include "compare_text.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../core/role.h"
#include "../core/text.h"
#include "compare_words.h"

/* ---- words ----------------------------------------------------------------------------------- */

static int pb_width(const char *s) { return pb_text_width_n(s, strlen(s)); }

static void pb_wrapf(FILE *out, int width, const char *first, const char *rest, const char *fmt, ...)
    PB_PRINTF(5, 6);

static void pb_wrapf(FILE *out, int width, const char *first, const char *rest, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    pb_text_wrap(out, width, first, rest, text);
}


/* ---- cell text ------------------------------------------------------------------------------- */

/* Three significant digits without an exponent for everyday magnitudes. */
static void pb_fmt_sig(char *buf, size_t size, double v)
{
    double m = fabs(v);
    if (m >= 100 || m == 0)
        snprintf(buf, size, "%.0f", v);
    else if (m >= 10)
        snprintf(buf, size, "%.1f", v);
    else if (m >= 1)
        snprintf(buf, size, "%.2f", v);
    else
        snprintf(buf, size, "%.3g", v);
}

/* The measure of one side: its rate in its unit, else its time per launch. */
static void pb_fmt_measure(char *buf, size_t size, const pb_result *r, double rate, double median)
{
    char num[32];
    if (r->status != PB_CASE_OK || (r->has_check && !r->check.ok)) {
        snprintf(buf, size, "%s", r->status == PB_CASE_OK ? "wrong result" : pb_case_status_name(r->status));
    } else if (isfinite(rate) && r->rate_unit[0]) {
        pb_fmt_sig(num, sizeof num, rate);
        snprintf(buf, size, "%s %s", num, r->rate_unit);
    } else if (median > 0) {
        pb_fmt_sig(num, sizeof num, median < 1 ? median * 1e3 : median);
        snprintf(buf, size, "%s %s", num, median < 1 ? "ms" : "s");
    } else {
        snprintf(buf, size, "-");
    }
}

static void pb_fmt_p(char *buf, size_t size, double p)
{
    if (!isfinite(p))
        snprintf(buf, size, "-");
    else if (p < 0.001)
        snprintf(buf, size, "<0.001");
    else
        snprintf(buf, size, "%.3f", p);
}

static void pb_fmt_backend(char *buf, size_t size, const pb_compare_case *c)
{
    if (strcmp(c->a->backend, c->b->backend) == 0)
        snprintf(buf, size, "%s", c->a->backend);
    else
        snprintf(buf, size, "%s/%s", c->a->backend, c->b->backend);
}

static void pb_fmt_threads(char *buf, size_t size, const pb_compare_case *c)
{
    if (c->a->threads == 0 && c->b->threads == 0)
        snprintf(buf, size, "-");
    else if (c->a->threads == c->b->threads)
        snprintf(buf, size, "%d", c->a->threads);
    else
        snprintf(buf, size, "%d/%d", c->a->threads, c->b->threads);
}

static void pb_fmt_verdict(char *buf, size_t size, const pb_compare_case *c)
{
    if (c->note)
        snprintf(buf, size, "%s (%s)", pb_verdict_name(c->verdict), c->note);
    else
        snprintf(buf, size, "%s", pb_compare_verdict_words(c->verdict));
}

/* A size in few columns: "4096x2048x10", "16M" (binary multiples as K and M). */
static void pb_fmt_size_short(char *buf, size_t size, const pb_result *r)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < r->ndims && used < size; i++) {
        long long v = (long long)r->dims[i];
        const char *sep = i ? "x" : "";
        int n;
        if (v >= (1 << 20) && v % (1 << 20) == 0)
            n = snprintf(buf + used, size - used, "%s%lldM", sep, v >> 20);
        else if (v >= (1 << 14) && v % 1024 == 0)
            n = snprintf(buf + used, size - used, "%s%lldK", sep, v >> 10);
        else
            n = snprintf(buf + used, size - used, "%s%lld", sep, v);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static void pb_fmt_size(char *buf, size_t size, const pb_result *r, int width)
{
    if (width > 0)
        pb_fmt_size_short(buf, size, r);
    else
        pb_compare_size_text(r, buf, size);
}

static void pb_fmt_machine(char *buf, size_t size, const pb_resultset *set, const char *file)
{
    const pb_machine *m = &set->machine;
    char usable[32];
    snprintf(buf, size, "%s (%s): %s, %d thread%s%s, %s %s; %s preset, parbench %s",
             m->label[0] ? m->label : "unlabelled", file, m->cpu_model[0] ? m->cpu_model : "unknown CPU",
             m->logical_cores, m->logical_cores == 1 ? "" : "s", pb_machine_usable_text(m, usable, sizeof usable), m->os,
             m->arch, set->preset[0] ? set->preset : "unknown", set->tool_version[0] ? set->tool_version : "unknown");
}

/* ---- tables ---------------------------------------------------------------------------------- */

#define PB_CELL 128
#define PB_MAX_COLS 12

typedef struct pb_table {
    int ncols, nrows, cap;
    char (*cells)[PB_CELL];
    int *tone;               /* per row: a pb_verdict for the last column's colour, or -1 */
    int drop[PB_MAX_COLS];   /* 0: always shown; else the order in which columns leave to fit a width */
    int shown[PB_MAX_COLS];  /* set by pb_table_fit */
    int failed;              /* out of memory: the table prints nothing and the write fails */
} pb_table;

static void pb_table_init(pb_table *t, int ncols, const int *drop)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    for (int c = 0; c < ncols; c++) {
        t->drop[c] = drop ? drop[c] : 0;
        t->shown[c] = 1;
    }
}

static void pb_table_free(pb_table *t)
{
    free(t->cells);
    free(t->tone);
}

/* Appends a row of t->ncols cells given as strings. */
static void pb_table_row(pb_table *t, int tone, ...)
{
    if (t->failed)
        return;
    if (t->nrows == t->cap) {
        int cap = t->cap ? t->cap * 2 : 32;
        void *cells = realloc(t->cells, (size_t)cap * (size_t)t->ncols * sizeof *t->cells);
        if (cells)
            t->cells = cells;
        void *tones = cells ? realloc(t->tone, (size_t)cap * sizeof *t->tone) : NULL;
        if (!tones) {
            t->failed = 1;
            return;
        }
        t->tone = tones;
        t->cap = cap;
    }
    va_list ap;
    va_start(ap, tone);
    for (int i = 0; i < t->ncols; i++)
        pb_strlcpy(t->cells[t->nrows * t->ncols + i], va_arg(ap, const char *), PB_CELL);
    va_end(ap);
    t->tone[t->nrows++] = tone;
}

static void pb_table_widths(const pb_table *t, int *width)
{
    for (int c = 0; c < t->ncols; c++)
        width[c] = 0;
    for (int r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            int w = pb_width(t->cells[r * t->ncols + c]);
            width[c] = w > width[c] ? w : width[c];
        }
}

static int pb_table_total(const pb_table *t, const int *width)
{
    int total = 0, shown = 0;
    for (int c = 0; c < t->ncols; c++)
        if (t->shown[c]) {
            total += width[c];
            shown++;
        }
    return total + 2 * (shown > 0 ? shown - 1 : 0);
}

/* Leaves out columns, drop rank 1 first (all of one rank together), then 2, ..., until the table
 * fits `limit` columns or only the columns that always show are left; then brings back those that
 * fit after all. 0: no limit. */
static void pb_table_fit(pb_table *t, int limit)
{
    int width[PB_MAX_COLS];
    pb_table_widths(t, width);
    while (limit > 0 && pb_table_total(t, width) > limit) {
        int rank = 0;
        for (int c = 0; c < t->ncols; c++)
            if (t->shown[c] && t->drop[c] > 0 && (rank == 0 || t->drop[c] < rank))
                rank = t->drop[c];
        if (rank == 0)
            return;
        for (int c = 0; c < t->ncols; c++)
            if (t->drop[c] == rank)
                t->shown[c] = 0;
    }
    /* Then each left-out rank that fits after all comes back, the most needed first. */
    for (int rank = PB_MAX_COLS; rank > 0 && limit > 0; rank--) {
        int changed = 0;
        for (int c = 0; c < t->ncols; c++)
            if (t->drop[c] == rank && !t->shown[c])
                t->shown[c] = changed = 1;
        if (changed && pb_table_total(t, width) > limit)
            for (int c = 0; c < t->ncols; c++)
                if (t->drop[c] == rank)
                    t->shown[c] = 0;
    }
}

/* The headers of the columns pb_table_fit left out, as "size, A, B and p" (empty: none). */
static void pb_table_hidden(const pb_table *t, char *buf, size_t size)
{
    int n = 0, total = 0;
    buf[0] = '\0';
    for (int c = 0; c < t->ncols; c++)
        total += !t->shown[c];
    for (int c = 0; c < t->ncols && t->nrows > 0; c++) {
        if (t->shown[c])
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", n == 0 ? "" : n == total - 1 ? " and " : ", ", t->cells[c]);
        n++;
    }
}

static const char *pb_tone_color(int tone)
{
    switch (tone) {
    case PB_VERDICT_FASTER: return "\033[32m";
    case PB_VERDICT_SLOWER: return "\033[31m";
    case PB_VERDICT_UNCERTAIN: return "\033[33m";
    case PB_VERDICT_FAILED: return "\033[1;31m";
    case PB_VERDICT_NOT_RUN: return "\033[2m";
    default: return NULL;
    }
}

static void pb_md_cell(FILE *out, const char *cell, int first)
{
    fputs(first ? "| " : " | ", out);
    for (const char *p = cell; *p; p++) {
        if (*p == '|')
            fputc('\\', out);
        fputc(*p, out);
    }
}

/* Row 0 is the header. Text: the shown columns padded to their widest cell, a rule under the
 * header; Markdown: a pipe table of every column. */
static void pb_table_print(const pb_table *t, int markdown, int color, FILE *out)
{
    int width[PB_MAX_COLS], last = 0;
    pb_table_widths(t, width);
    for (int c = 0; c < t->ncols; c++)
        if (markdown || t->shown[c])
            last = c;
    for (int r = 0; r < t->nrows; r++) {
        int first = 1;
        for (int c = 0; c <= last; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            if (markdown) {
                pb_md_cell(out, cell, c == 0);
                continue;
            }
            if (!t->shown[c])
                continue;
            const char *col = color && r > 0 && c == last ? pb_tone_color(t->tone[r]) : NULL;
            fprintf(out, "%s%s%s%s", first ? "" : "  ", col ? col : "", cell, col ? "\033[0m" : "");
            if (c != last)
                fprintf(out, "%*s", width[c] - pb_width(cell), "");
            first = 0;
        }
        fputs(markdown ? " |\n" : "\n", out);
        if (r == 0 && markdown) {
            for (int c = 0; c < t->ncols; c++)
                fputs(c ? " | ---" : "| ---", out);
            fputs(" |\n", out);
        } else if (r == 0) {
            for (int i = pb_table_total(t, width); i > 0; i--)
                fputc('-', out);
            fputc('\n', out);
        }
    }
}

static int pb_print_table(pb_table *t, int markdown, int color, FILE *out)
{
    int ok = !t->failed;
    if (ok)
        pb_table_print(t, markdown, color, out);
    pb_table_free(t);
    return ok;
}

/* ---- the answer ------------------------------------------------------------------------------ */

/* Whether a file ran a GPU: a gpu or lib-gpu case that ran (ok or failed). */
static int pb_ran_gpu(const pb_resultset *set)
{
    for (int i = 0; i < set->nresults; i++)
        if (pb_role_name_is_gpu(set->results[i].role) &&
            (set->results[i].status == PB_CASE_OK || set->results[i].status == PB_CASE_FAILED))
            return 1;
    return 0;
}

/* Unmatched cases that are left unmatched because the other file ran no GPU: said once, in the
 * answer, instead of listed one by one. */
static int pb_gpu_only(const pb_result *r, const pb_resultset *other)
{
    return pb_role_name_is_gpu(r->role) && !pb_ran_gpu(other);
}

static int pb_count_gpu_only(const pb_result *const *list, int n, const pb_resultset *other)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += pb_gpu_only(list[i], other);
    return k;
}

/* "B has no GPU: A's 7 GPU cases are not compared." (nothing when it does not apply) */
static void pb_answer_gpu(FILE *out, int width, const char *item, const char *rest, const pb_resultset *lacking,
                          const char *side, const char *other, int count)
{
    if (count == 0)
        return;
    const char *built = lacking->backends_built;
    int no_backend = built[0] && !strstr(built, "cuda") && !strstr(built, "opencl") && !strstr(built, "metal");
    if (no_backend)
        pb_wrapf(out, width, item, rest,
                 "%s's parbench was built without a GPU backend (built: %s): %s's %d GPU case%s %s not compared.",
                 side, built, other, count, count == 1 ? "" : "s", count == 1 ? "is" : "are");
    else
        pb_wrapf(out, width, item, rest, "%s has no GPU: %s's %d GPU case%s %s not compared.", side, other, count,
                 count == 1 ? "" : "s", count == 1 ? "is" : "are");
}

/* How many distinct workloads a role's judged cases cover. */
static int pb_group_workloads(const pb_comparison *cmp, const pb_compare_group *g)
{
    int n = 0;
    for (int i = 0; i < cmp->ncases; i++) {
        const pb_compare_case *c = &cmp->cases[i];
        if (!isfinite(c->ci_low) || strcmp(c->a->role, g->role) != 0)
            continue;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = isfinite(cmp->cases[j].ci_low) && strcmp(cmp->cases[j].a->role, g->role) == 0 &&
                   strcmp(cmp->cases[j].a->workload, c->a->workload) == 0;
        n += !seen;
    }
    return n;
}

/* "B is faster on all cores; too noisy to say on one core and the CPU library." */
static void pb_answer_lead(const pb_comparison *cmp, char *buf, size_t size)
{
    static const pb_verdict order[] = { PB_VERDICT_FASTER, PB_VERDICT_SLOWER, PB_VERDICT_SAME, PB_VERDICT_UNCERTAIN };
    size_t used = 0;
    int any_faster = 0;
    buf[0] = '\0';
    for (size_t v = 0; v < sizeof order / sizeof order[0]; v++) {
        int n = 0, total = 0;
        for (int i = 0; i < cmp->ngroups; i++)
            total += cmp->groups[i].verdict == order[v];
        for (int i = 0; i < cmp->ngroups && used < size; i++) {
            if (cmp->groups[i].verdict != order[v])
                continue;
            const char *head = "";
            if (n == 0) {
                head = order[v] == PB_VERDICT_FASTER   ? "B is faster on "
                       : order[v] == PB_VERDICT_SLOWER ? (any_faster ? "slower on " : "B is slower on ")
                       : order[v] == PB_VERDICT_SAME   ? "no noticeable difference on "
                                                       : "too noisy to say on ";
            }
            int k = snprintf(buf + used, size - used, "%s%s%s%s", n == 0 && used ? "; " : "",
                             n == 0 ? "" : n == total - 1 ? " and " : ", ", head, pb_compare_role_on(cmp->groups[i].role));
            used += k > 0 ? (size_t)k : 0;
            n++;
        }
        any_faster |= order[v] == PB_VERDICT_FASTER && n > 0;
    }
    if (used + 1 < size) {
        buf[used] = '.';
        buf[used + 1] = '\0';
    }
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
}

/* "19.32x faster, 11.45x to 32.61x (7 workloads)", with the verdict first where the number alone
 * does not say it. */
static void pb_answer_role(const pb_comparison *cmp, const pb_compare_group *g, char *buf, size_t size)
{
    char speed[32], ci[48], count[32];
    int workloads = pb_group_workloads(cmp, g);
    pb_compare_speed_text(g->geomean, speed, sizeof speed);
    pb_compare_interval_text(g->geomean, g->ci_low, g->ci_high, ci, sizeof ci);
    if (workloads == g->ncases)
        snprintf(count, sizeof count, "%d workload%s", workloads, workloads == 1 ? "" : "s");
    else
        snprintf(count, sizeof count, "%d cases", g->ncases);
    int decided = g->verdict == PB_VERDICT_FASTER || g->verdict == PB_VERDICT_SLOWER;
    snprintf(buf, size, "%s%s%s, %s (%s)", decided ? "" : pb_compare_verdict_words(g->verdict), decided ? "" : ": ", speed,
             ci, count);
}

/* Why no role has a verdict: every matched case failed, did not run or has no interval. */
static void pb_answer_nothing(const pb_comparison *cmp, FILE *out, int width)
{
    int failed = 0, not_run = 0, other = 0;
    for (int i = 0; i < cmp->ncases; i++) {
        pb_verdict v = cmp->cases[i].verdict;
        failed += v == PB_VERDICT_FAILED;
        not_run += v == PB_VERDICT_NOT_RUN;
        other += v != PB_VERDICT_FAILED && v != PB_VERDICT_NOT_RUN;
    }
    pb_wrapf(out, width, "", "",
             "No case could be judged: of the %d case%s both files have, %d failed, %d did not run on a side "
             "and %d had no interval (the table below says why).",
             cmp->ncases, cmp->ncases == 1 ? "" : "s", failed, not_run, other);
}

static void pb_write_answer(const pb_comparison *cmp, int markdown, FILE *out, int width)
{
    char text[640];
    const char *item = markdown ? "- " : "  ";
    int label = 0, uncertain = 0;
    if (cmp->ngroups == 0) {
        pb_answer_nothing(cmp, out, width);
    } else {
        pb_answer_lead(cmp, text, sizeof text);
        pb_text_wrap(out, width, "", "", text);
        if (markdown)
            fputc('\n', out);
    }
    for (int i = 0; i < cmp->ngroups; i++) {
        int w = pb_width(pb_compare_role_label(cmp->groups[i].role));
        label = w > label ? w : label;
    }
    for (int i = 0; i < cmp->ngroups; i++) {
        const pb_compare_group *g = &cmp->groups[i];
        char first[64], rest[64];
        pb_answer_role(cmp, g, text, sizeof text);
        if (markdown)
            snprintf(first, sizeof first, "- **%s**: ", pb_compare_role_label(g->role));
        else
            snprintf(first, sizeof first, "%s%-*s  ", item, label, pb_compare_role_label(g->role));
        snprintf(rest, sizeof rest, "%*s", markdown ? 2 : label + 4, "");
        pb_text_wrap(out, width, first, rest, text);
        uncertain |= g->verdict == PB_VERDICT_UNCERTAIN;
    }
    pb_answer_gpu(out, width, "", "  ", cmp->b, "B", "A",
                  pb_count_gpu_only(cmp->only_a, cmp->nonly_a, cmp->b));
    pb_answer_gpu(out, width, "", "  ", cmp->a, "A", "B",
                  pb_count_gpu_only(cmp->only_b, cmp->nonly_b, cmp->a));
    if (cmp->ngroups == 0)
        return;
    if (markdown)
        fputc('\n', out);
    pb_wrapf(out, width, "", "",
             "Geometric means over the cases, with their 95%% intervals; within %g%% counts as no noticeable "
             "difference.%s",
             100 * cmp->threshold,
             uncertain ? " Too noisy to say: the interval reaches across that threshold; measure again with more "
                         "rounds (--rounds) or on a quieter machine."
                       : "");
}

/* ---- the detail tables ----------------------------------------------------------------------- */

static void pb_cases_table(const pb_comparison *cmp, pb_table *t, int width)
{
    /* Left out first to fit: precision, p, backend, threads, size, the two measures, the interval. */
    static const int drop[12] = { 0, 5, 1, 0, 3, 4, 6, 6, 0, 7, 2, 0 };
    pb_table_init(t, 12, drop);
    pb_table_row(t, -1, "workload", "size", "precision", "role", "backend", "threads", "A", "B", "B vs A",
                 "95% interval", "p", "verdict");
    for (int i = 0; i < cmp->ncases; i++) {
        const pb_compare_case *c = &cmp->cases[i];
        char size[64], backend[64], threads[32], ma[64], mb[64], speed[32], ci[48], p[16], verdict[96];
        pb_fmt_size(size, sizeof size, c->a, width);
        pb_fmt_backend(backend, sizeof backend, c);
        pb_fmt_threads(threads, sizeof threads, c);
        pb_fmt_measure(ma, sizeof ma, c->a, c->rate_a, c->median_a);
        pb_fmt_measure(mb, sizeof mb, c->b, c->rate_b, c->median_b);
        pb_compare_speed_text(c->ratio, speed, sizeof speed);
        pb_compare_interval_text(c->ratio, c->ci_low, c->ci_high, ci, sizeof ci);
        pb_fmt_p(p, sizeof p, c->p_value);
        pb_fmt_verdict(verdict, sizeof verdict, c);
        pb_table_row(t, (int)c->verdict, c->a->workload, size, c->a->precision, c->a->role, backend, threads, ma, mb,
                     speed, ci, p, verdict);
    }
    pb_table_fit(t, width);
}

static void pb_roles_table(const pb_comparison *cmp, pb_table *t)
{
    pb_table_init(t, 5, NULL);
    pb_table_row(t, -1, "role", "cases", "geometric mean", "95% interval", "verdict");
    for (int i = 0; i < cmp->ngroups; i++) {
        const pb_compare_group *g = &cmp->groups[i];
        char n[16], speed[32], ci[48];
        snprintf(n, sizeof n, "%d", g->ncases);
        pb_compare_speed_text(g->geomean, speed, sizeof speed);
        pb_compare_interval_text(g->geomean, g->ci_low, g->ci_high, ci, sizeof ci);
        pb_table_row(t, (int)g->verdict, g->role, n, speed, ci, pb_compare_verdict_words(g->verdict));
    }
}

/* The factors of one split, each in a column of its own so that the details can leave to fit:
 * all cores, per core, cores, threads A -> B, scaling, efficiency A -> B. */
static void pb_split_cells(const pb_compare_split *s, char cells[6][48])
{
    snprintf(cells[0], 48, "%.2fx", s->ratio);
    snprintf(cells[1], 48, "%.2fx", s->per_core);
    snprintf(cells[2], 48, "%.2fx", s->cores);
    if (s->all)
        snprintf(cells[3], 48, "%d -> %d", s->threads_a, s->threads_b);
    else
        cells[3][0] = '\0';
    snprintf(cells[4], 48, "%.2fx", s->scaling);
    snprintf(cells[5], 48, "%.0f%% -> %.0f%%", 100 * s->efficiency_a, 100 * s->efficiency_b);
}

static void pb_splits_table(const pb_comparison *cmp, pb_table *t, int width)
{
    /* Left out first to fit: size, threads (the case table has them), efficiencies. */
    static const int drop[8] = { 0, 1, 0, 0, 0, 2, 0, 3 };
    char cells[6][48], size[64];
    pb_table_init(t, 8, drop);
    pb_table_row(t, -1, "workload", "size", "all cores", "= per core", "x cores", "threads A -> B", "x scaling",
                 "efficiency A -> B");
    for (int i = 0; i < cmp->nsplits; i++) {
        const pb_compare_split *s = &cmp->splits[i];
        pb_fmt_size(size, sizeof size, s->all->a, width);
        pb_split_cells(s, cells);
        pb_table_row(t, -1, s->all->a->workload, size, cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]);
    }
    if (cmp->nsplits > 1) {
        pb_split_cells(&cmp->split_mean, cells);
        pb_table_row(t, -1, "geometric mean", "", cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]);
    }
    pb_table_fit(t, width);
}

static void pb_fmt_roof(char *buf, size_t size, double fraction)
{
    if (isfinite(fraction))
        snprintf(buf, size, "%.0f%%", 100 * fraction);
    else
        snprintf(buf, size, "-");
}

/* The cases placed on a roofline on at least one side. */
static int pb_roof_count(const pb_comparison *cmp)
{
    int n = 0;
    for (int i = 0; i < cmp->ncases; i++)
        n += isfinite(cmp->cases[i].roof_a) || isfinite(cmp->cases[i].roof_b);
    return n;
}

static void pb_roof_table(const pb_comparison *cmp, pb_table *t, int width)
{
    /* Left out first to fit: size, then the intensity. */
    static const int drop[6] = { 0, 1, 0, 2, 0, 0 };
    pb_table_init(t, 6, drop);
    pb_table_row(t, -1, "workload", "size", "role", "FLOP/byte", "A of its roof", "B of its roof");
    for (int i = 0; i < cmp->ncases; i++) {
        const pb_compare_case *c = &cmp->cases[i];
        if (!isfinite(c->roof_a) && !isfinite(c->roof_b))
            continue;
        char size[64], intensity[32], ra[16], rb[16];
        pb_fmt_size(size, sizeof size, c->a, width);
        if (c->a->bytes > 0)
            pb_fmt_sig(intensity, sizeof intensity, c->a->flops / c->a->bytes);
        else
            snprintf(intensity, sizeof intensity, "-");
        pb_fmt_roof(ra, sizeof ra, c->roof_a);
        pb_fmt_roof(rb, sizeof rb, c->roof_b);
        pb_table_row(t, -1, c->a->workload, size, c->a->role, intensity, ra, rb);
    }
    pb_table_fit(t, width);
}

static void pb_unmatched_line(FILE *out, int width, const char *prefix, const pb_result *r)
{
    char size[64], threads[32] = "";
    pb_compare_size_text(r, size, sizeof size);
    if (r->threads > 0)
        snprintf(threads, sizeof threads, ", %d thread%s", r->threads, r->threads == 1 ? "" : "s");
    pb_wrapf(out, width, prefix, "    ", "%s %s %s %s (%s%s)", r->workload, size, r->precision, r->role, r->backend,
             threads);
}

/* The cases one file has and the other lacks, less those the answer already named ("B has no
 * GPU"). */
static void pb_write_unmatched(const pb_comparison *cmp, int markdown, int width, FILE *out)
{
    int n = cmp->nonly_a + cmp->nonly_b - pb_count_gpu_only(cmp->only_a, cmp->nonly_a, cmp->b) -
            pb_count_gpu_only(cmp->only_b, cmp->nonly_b, cmp->a);
    if (n == 0)
        return;
    fprintf(out, "\n%sNot compared (no matching case in the other file)\n\n", markdown ? "### " : "");
    for (int i = 0; i < cmp->nonly_a; i++)
        if (!pb_gpu_only(cmp->only_a[i], cmp->b))
            pb_unmatched_line(out, width, markdown ? "- only in A: " : "  only in A: ", cmp->only_a[i]);
    for (int i = 0; i < cmp->nonly_b; i++)
        if (!pb_gpu_only(cmp->only_b[i], cmp->a))
            pb_unmatched_line(out, width, markdown ? "- only in B: " : "  only in B: ", cmp->only_b[i]);
}

/* What the case table shows, above it: the columns it had to leave out, and how to see them. */
static void pb_cases_intro(const pb_table *t, int markdown, int width, FILE *out)
{
    char hidden[160];
    pb_table_hidden(t, hidden, sizeof hidden);
    int p_shown = markdown || t->shown[10];
    pb_wrapf(out, width, "", "",
             "Each case: the speed of B relative to A (B vs A) and its 95%% interval over rounds, in the same "
             "direction and unit%s.%s%s%s",
             p_shown ? "; p: Welch's t-test on the rounds" : "", hidden[0] ? " Left out to fit: " : "", hidden,
             hidden[0] ? " (--wide shows every column)." : "");
}

int pb_compare_write_text(const pb_comparison *cmp, int markdown, int color, int width, FILE *out)
{
    char line[640];
    pb_table t;
    int ok = 1;
    const char *h = markdown ? "### " : "";
    if (markdown)
        width = 0;
    const pb_machine *ma = &cmp->a->machine, *mb = &cmp->b->machine;
    char title[640];
    snprintf(title, sizeof title, "B = %s%s%s%s against A = %s%s%s%s", mb->label, mb->label[0] ? " (" : "",
             cmp->name_b, mb->label[0] ? ")" : "", ma->label, ma->label[0] ? " (" : "", cmp->name_a,
             ma->label[0] ? ")" : "");
    pb_text_wrap(out, width, h, "  ", title);
    fputc('\n', out);
    pb_write_answer(cmp, markdown, out, width);
    fputc('\n', out);
    pb_fmt_machine(line, sizeof line, cmp->a, cmp->name_a);
    pb_text_wrap(out, width, markdown ? "- A (baseline): " : "A (baseline): ", "  ", line);
    pb_fmt_machine(line, sizeof line, cmp->b, cmp->name_b);
    pb_text_wrap(out, width, markdown ? "- B: " : "B: ", "  ", line);
    if (cmp->nwarnings)
        fputc('\n', out);
    for (int i = 0; i < cmp->nwarnings; i++)
        pb_text_wrap(out, width, markdown ? "- **warning:** " : "warning: ", "  ", cmp->warnings[i]);
    fputc('\n', out);
    pb_cases_table(cmp, &t, width);
    pb_cases_intro(&t, markdown, width, out);
    fputc('\n', out);
    ok &= pb_print_table(&t, markdown, color, out);
    if (cmp->ngroups && (markdown || width == 0)) {
        fprintf(out, "\n%sBy role (geometric mean of the cases with an interval)\n\n", h);
        pb_roles_table(cmp, &t);
        ok &= pb_print_table(&t, markdown, color, out);
    }
    if (cmp->nsplits) {
        fprintf(out, "\n%sAll cores = per-core speed x core count x scaling efficiency\n\n", h);
        pb_splits_table(cmp, &t, width);
        ok &= pb_print_table(&t, markdown, 0, out);
    }
    if (pb_roof_count(cmp)) {
        fprintf(out, "\n%sEach machine against its own ceilings (roofline)\n\n", h);
        pb_wrapf(out, width, "", "",
                 "The share of its machine's roofline each side reached: min(peak FLOP/s, FLOP/byte x peak "
                 "bandwidth), from the ceilings measured in the same run. B vs A says which machine is faster; "
                 "these say how much of each machine's hardware the code used (- : that file has no ceilings).");
        fputc('\n', out);
        pb_roof_table(cmp, &t, width);
        ok &= pb_print_table(&t, markdown, 0, out);
    }
    pb_write_unmatched(cmp, markdown, width, out);
    return ok;
}
