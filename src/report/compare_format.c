/* Writing comparisons: aligned terminal tables (coloured verdicts on a terminal), Markdown, CSV
 * and the "parbench-compare" JSON document (docs/SCHEMA.md). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../results/json_write.h"
#include "compare.h"
#include "compare_stats.h"

pb_status pb_compare_format_parse(const char *name, pb_compare_format *out, pb_msg *msg)
{
    static const char *const names[] = { [PB_COMPARE_TEXT] = "text", [PB_COMPARE_MD] = "md",
                                         [PB_COMPARE_CSV] = "csv", [PB_COMPARE_JSON] = "json" };
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (pb_compare_format)i;
            return PB_OK;
        }
    }
    return pb_msg_set(msg, PB_ERR_USAGE, "unknown format '%s': use text, md, csv or json", name);
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

static void pb_fmt_speed(char *buf, size_t size, double ratio)
{
    if (!isfinite(ratio))
        snprintf(buf, size, "-");
    else if (fabs(ratio - 1) < 0.005)
        snprintf(buf, size, "1.00x");
    else if (ratio > 1)
        snprintf(buf, size, "%.2fx faster", ratio);
    else
        snprintf(buf, size, "%.2fx slower", 1 / ratio);
}

static void pb_fmt_interval(char *buf, size_t size, double lo, double hi)
{
    if (isfinite(lo) && isfinite(hi))
        snprintf(buf, size, "[%.2f, %.2f]", lo, hi);
    else
        snprintf(buf, size, "-");
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
        snprintf(buf, size, "%s", pb_verdict_name(c->verdict));
}

static void pb_fmt_machine(char *buf, size_t size, const pb_resultset *set, const char *file)
{
    const pb_machine *m = &set->machine;
    snprintf(buf, size, "%s (%s): %s, %d threads, %s %s; %s preset, parbench %s", m->label[0] ? m->label : "unlabelled",
             file, m->cpu_model[0] ? m->cpu_model : "unknown CPU", m->logical_cores, m->os, m->arch,
             set->preset[0] ? set->preset : "unknown", set->tool_version[0] ? set->tool_version : "unknown");
}

/* ---- tables for text and Markdown ------------------------------------------------------------ */

#define PB_CELL 128
#define PB_MAX_COLS 12

typedef struct pb_table {
    int ncols, nrows, cap;
    char (*cells)[PB_CELL];
    int *tone;          /* per row: a pb_verdict for the last column's colour, or -1 */
    int failed;         /* out of memory: the table prints nothing and the write fails */
} pb_table;

static void pb_table_init(pb_table *t, int ncols)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
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

/* Display width: UTF-8 continuation bytes take no column. */
static int pb_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
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

/* Row 0 is the header. Text: columns padded to their widest cell, a rule under the header;
 * Markdown: a pipe table. */
static void pb_table_print(const pb_table *t, int markdown, int color, FILE *out)
{
    int width[PB_MAX_COLS] = { 0 };
    for (int r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            int w = pb_width(t->cells[r * t->ncols + c]);
            width[c] = w > width[c] ? w : width[c];
        }
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            int last = c == t->ncols - 1;
            if (markdown) {
                fputs(c ? " | " : "| ", out);
                for (const char *p = cell; *p; p++) {
                    if (*p == '|')
                        fputc('\\', out);
                    fputc(*p, out);
                }
                if (last)
                    fputs(" |", out);
                continue;
            }
            const char *col = color && r > 0 && last ? pb_tone_color(t->tone[r]) : NULL;
            fprintf(out, "%s%s%s%s", c ? "  " : "", col ? col : "", cell, col ? "\033[0m" : "");
            if (!last)
                fprintf(out, "%*s", width[c] - pb_width(cell), "");
        }
        fputc('\n', out);
        if (r == 0 && markdown) {
            for (int c = 0; c < t->ncols; c++)
                fputs(c ? " | ---" : "| ---", out);
            fputs(" |\n", out);
        } else if (r == 0) {
            int total = 0;
            for (int c = 0; c < t->ncols; c++)
                total += width[c] + (c ? 2 : 0);
            for (int i = 0; i < total; i++)
                fputc('-', out);
            fputc('\n', out);
        }
    }
}

/* ---- text and Markdown ----------------------------------------------------------------------- */

static void pb_cases_table(const pb_comparison *cmp, pb_table *t)
{
    pb_table_init(t, 12);
    pb_table_row(t, -1, "workload", "size", "precision", "role", "backend", "threads", "A", "B", "B vs A",
                 "95% interval", "p", "verdict");
    for (int i = 0; i < cmp->ncases; i++) {
        const pb_compare_case *c = &cmp->cases[i];
        char size[64], backend[64], threads[32], ma[64], mb[64], speed[32], ci[48], p[16], verdict[96];
        pb_compare_size_text(c->a, size, sizeof size);
        pb_fmt_backend(backend, sizeof backend, c);
        pb_fmt_threads(threads, sizeof threads, c);
        pb_fmt_measure(ma, sizeof ma, c->a, c->rate_a, c->median_a);
        pb_fmt_measure(mb, sizeof mb, c->b, c->rate_b, c->median_b);
        pb_fmt_speed(speed, sizeof speed, c->ratio);
        pb_fmt_interval(ci, sizeof ci, c->ci_low, c->ci_high);
        pb_fmt_p(p, sizeof p, c->p_value);
        pb_fmt_verdict(verdict, sizeof verdict, c);
        pb_table_row(t, (int)c->verdict, c->a->workload, size, c->a->precision, c->a->role, backend, threads, ma, mb,
                     speed, ci, p, verdict);
    }
}

static void pb_roles_table(const pb_comparison *cmp, pb_table *t)
{
    pb_table_init(t, 5);
    pb_table_row(t, -1, "role", "cases", "geometric mean", "95% interval", "verdict");
    for (int i = 0; i < cmp->ngroups; i++) {
        const pb_compare_group *g = &cmp->groups[i];
        char n[16], speed[32], ci[48];
        snprintf(n, sizeof n, "%d", g->ncases);
        pb_fmt_speed(speed, sizeof speed, g->geomean);
        pb_fmt_interval(ci, sizeof ci, g->ci_low, g->ci_high);
        pb_table_row(t, (int)g->verdict, g->role, n, speed, ci, pb_verdict_name(g->verdict));
    }
}

static void pb_split_cells(const pb_compare_split *s, char cells[4][48])
{
    snprintf(cells[0], 48, "%.2fx", s->ratio);
    snprintf(cells[1], 48, "%.2fx", s->per_core);
    if (s->all)
        snprintf(cells[2], 48, "%.2fx (%d -> %d)", s->cores, s->threads_a, s->threads_b);
    else
        snprintf(cells[2], 48, "%.2fx", s->cores);
    snprintf(cells[3], 48, "%.2fx (%.0f%% -> %.0f%%)", s->scaling, 100 * s->efficiency_a, 100 * s->efficiency_b);
}

static void pb_splits_table(const pb_comparison *cmp, pb_table *t)
{
    char cells[4][48], size[64];
    pb_table_init(t, 6);
    pb_table_row(t, -1, "workload", "size", "all cores", "= per core", "x cores (A -> B)",
                 "x scaling (efficiency A -> B)");
    for (int i = 0; i < cmp->nsplits; i++) {
        const pb_compare_split *s = &cmp->splits[i];
        pb_compare_size_text(s->all->a, size, sizeof size);
        pb_split_cells(s, cells);
        pb_table_row(t, -1, s->all->a->workload, size, cells[0], cells[1], cells[2], cells[3]);
    }
    if (cmp->nsplits > 1) {
        pb_split_cells(&cmp->split_mean, cells);
        pb_table_row(t, -1, "geometric mean", "", cells[0], cells[1], cells[2], cells[3]);
    }
}

static void pb_unmatched_line(FILE *out, const char *prefix, const pb_result *r)
{
    char size[64];
    pb_compare_size_text(r, size, sizeof size);
    fprintf(out, "%s%s %s %s %s (%s", prefix, r->workload, size, r->precision, r->role, r->backend);
    if (r->threads > 0)
        fprintf(out, ", %d threads", r->threads);
    fprintf(out, ")\n");
}

static int pb_print_table(pb_table *t, int markdown, int color, FILE *out)
{
    int ok = !t->failed;
    if (ok)
        pb_table_print(t, markdown, color, out);
    pb_table_free(t);
    return ok;
}

static int pb_write_text_one(const pb_comparison *cmp, int markdown, int color, FILE *out)
{
    char line[640];
    pb_table t;
    int ok = 1;
    const char *h = markdown ? "### " : "";
    const char *item = markdown ? "- " : "  ";
    pb_fmt_machine(line, sizeof line, cmp->a, cmp->name_a);
    fprintf(out, "%s%s vs %s\n\n", h, cmp->b->machine.label[0] ? cmp->b->machine.label : cmp->name_b,
            cmp->a->machine.label[0] ? cmp->a->machine.label : cmp->name_a);
    fprintf(out, "%sA (baseline): %s\n", item, line);
    pb_fmt_machine(line, sizeof line, cmp->b, cmp->name_b);
    fprintf(out, "%sB: %s\n\n", item, line);
    fprintf(out, "Speed of B relative to A (above 1: B is faster), its 95%% interval over rounds and the p-value\n"
                 "of Welch's t-test on rounds. Differences within %g%% count as not noticeable.\n\n",
            100 * cmp->threshold);
    for (int i = 0; i < cmp->nwarnings; i++)
        fprintf(out, "%s%s\n", markdown ? "- **warning:** " : "warning: ", cmp->warnings[i]);
    if (cmp->nwarnings)
        fputc('\n', out);
    pb_cases_table(cmp, &t);
    ok &= pb_print_table(&t, markdown, color, out);
    if (cmp->ngroups) {
        fprintf(out, "\n%sBy role (geometric mean of the cases with an interval)\n\n", h);
        pb_roles_table(cmp, &t);
        ok &= pb_print_table(&t, markdown, color, out);
    }
    if (cmp->nsplits) {
        fprintf(out, "\n%sAll cores = per-core speed x core count x scaling efficiency\n\n", h);
        pb_splits_table(cmp, &t);
        ok &= pb_print_table(&t, markdown, 0, out);
    }
    if (cmp->nonly_a || cmp->nonly_b) {
        fprintf(out, "\n%sNot compared (no matching case in the other file)\n\n", h);
        for (int i = 0; i < cmp->nonly_a; i++)
            pb_unmatched_line(out, markdown ? "- only in A: " : "  only in A: ", cmp->only_a[i]);
        for (int i = 0; i < cmp->nonly_b; i++)
            pb_unmatched_line(out, markdown ? "- only in B: " : "  only in B: ", cmp->only_b[i]);
    }
    return ok;
}

/* ---- CSV ------------------------------------------------------------------------------------- */

static void pb_csv_text(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* An empty field for a missing number. */
static void pb_csv_number(FILE *out, double v, int digits)
{
    fputc(',', out);
    if (isfinite(v))
        fprintf(out, "%.*g", digits, v);
}

static void pb_csv_fields(FILE *out, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        fputc(',', out);
        pb_csv_text(out, va_arg(ap, const char *));
    }
    va_end(ap);
}

static void pb_csv_threads(FILE *out, const pb_result *a, const pb_result *b)
{
    fputc(',', out);
    if (a)
        fprintf(out, "%d", a->threads);
    fputc(',', out);
    if (b)
        fprintf(out, "%d", b->threads);
}

/* A row for a case, matched or not (the missing side is NULL). */
static void pb_csv_case(FILE *out, const pb_comparison *cmp, const char *kind, const pb_result *a, const pb_result *b,
                        const pb_compare_case *c)
{
    const pb_result *r = a ? a : b;
    char size[64];
    pb_compare_size_text(r, size, sizeof size);
    pb_csv_text(out, kind);
    pb_csv_fields(out, 8, cmp->name_a, cmp->name_b, r->workload, size, r->precision, r->role, a ? a->backend : "",
                  b ? b->backend : "");
    pb_csv_threads(out, a, b);
    pb_csv_fields(out, 1, r->rate_unit);
    pb_csv_number(out, c ? c->rate_a : NAN, 9);
    pb_csv_number(out, c ? c->rate_b : NAN, 9);
    pb_csv_number(out, c ? c->median_a : NAN, 9);
    pb_csv_number(out, c ? c->median_b : NAN, 9);
    pb_csv_number(out, c ? c->ratio : NAN, 6);
    pb_csv_number(out, c ? c->ci_low : NAN, 6);
    pb_csv_number(out, c ? c->ci_high : NAN, 6);
    pb_csv_number(out, c ? c->p_value : NAN, 6);
    pb_csv_fields(out, 2, c ? pb_verdict_name(c->verdict) : "not compared",
                  c ? (c->note ? c->note : "") : (a ? "only in A" : "only in B"));
    fputc('\n', out);
}

static void pb_write_csv(const pb_comparison *cmps, int n, FILE *out)
{
    fputs("kind,a_file,b_file,workload,size,precision,role,backend_a,backend_b,threads_a,threads_b,unit,"
          "rate_a,rate_b,median_a_s,median_b_s,ratio,ci_low,ci_high,p_value,verdict,note\n",
          out);
    for (int k = 0; k < n; k++) {
        const pb_comparison *cmp = &cmps[k];
        for (int i = 0; i < cmp->ncases; i++)
            pb_csv_case(out, cmp, "case", cmp->cases[i].a, cmp->cases[i].b, &cmp->cases[i]);
        for (int i = 0; i < cmp->ngroups; i++) {
            const pb_compare_group *g = &cmp->groups[i];
            pb_csv_text(out, "role");
            pb_csv_fields(out, 6, cmp->name_a, cmp->name_b, "", "", "", g->role);
            fputs(",,,,,,,,,", out);
            pb_csv_number(out, g->geomean, 6);
            pb_csv_number(out, g->ci_low, 6);
            pb_csv_number(out, g->ci_high, 6);
            fputc(',', out);
            pb_csv_fields(out, 2, pb_verdict_name(g->verdict), "");
            fputc('\n', out);
        }
        for (int i = 0; i < cmp->nonly_a; i++)
            pb_csv_case(out, cmp, "unmatched", cmp->only_a[i], NULL, NULL);
        for (int i = 0; i < cmp->nonly_b; i++)
            pb_csv_case(out, cmp, "unmatched", NULL, cmp->only_b[i], NULL);
    }
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static void pb_json_size(pb_json_writer *w, const pb_result *r)
{
    pb_json_object_begin(w, "size");
    for (int i = 0; i < r->ndims; i++)
        pb_json_int(w, r->dim_names[i], r->dims[i]);
    pb_json_object_end(w);
}

static void pb_json_side(pb_json_writer *w, const char *key, const pb_resultset *set, const char *file)
{
    pb_json_object_begin(w, key);
    pb_json_string(w, "file", file);
    pb_json_string(w, "label", set->machine.label);
    pb_json_string(w, "hostname", set->machine.hostname);
    pb_json_string(w, "cpu_model", set->machine.cpu_model);
    pb_json_string(w, "preset", set->preset);
    pb_json_string(w, "tool_version", set->tool_version);
    pb_json_object_end(w);
}

static void pb_json_case(pb_json_writer *w, const pb_compare_case *c)
{
    pb_json_object_begin(w, NULL);
    pb_json_string(w, "workload", c->a->workload);
    pb_json_size(w, c->a);
    pb_json_string(w, "precision", c->a->precision);
    pb_json_string(w, "role", c->a->role);
    pb_json_string(w, "backend_a", c->a->backend);
    pb_json_string(w, "backend_b", c->b->backend);
    pb_json_int(w, "threads_a", c->a->threads);
    pb_json_int(w, "threads_b", c->b->threads);
    pb_json_string(w, "status_a", pb_case_status_name(c->a->status));
    pb_json_string(w, "status_b", pb_case_status_name(c->b->status));
    pb_json_string(w, "unit", c->a->rate_unit);
    pb_json_number(w, "rate_a", c->rate_a);
    pb_json_number(w, "rate_b", c->rate_b);
    pb_json_number(w, "median_a_s", c->median_a);
    pb_json_number(w, "median_b_s", c->median_b);
    pb_json_number(w, "ratio", c->ratio);
    pb_json_number(w, "ci_low", c->ci_low);
    pb_json_number(w, "ci_high", c->ci_high);
    pb_json_number(w, "p_value", c->p_value);
    pb_json_string(w, "method", c->method);
    pb_json_string(w, "verdict", pb_verdict_name(c->verdict));
    pb_json_string(w, "note", c->note);
    pb_json_object_end(w);
}

static void pb_json_split(pb_json_writer *w, const char *key, const pb_compare_split *s)
{
    pb_json_object_begin(w, key);
    if (s->all) {
        pb_json_string(w, "workload", s->all->a->workload);
        pb_json_size(w, s->all->a);
        pb_json_int(w, "threads_a", s->threads_a);
        pb_json_int(w, "threads_b", s->threads_b);
    }
    pb_json_number(w, "ratio", s->ratio);
    pb_json_number(w, "per_core", s->per_core);
    pb_json_number(w, "cores", s->cores);
    pb_json_number(w, "scaling", s->scaling);
    pb_json_number(w, "efficiency_a", s->efficiency_a);
    pb_json_number(w, "efficiency_b", s->efficiency_b);
    pb_json_object_end(w);
}

static void pb_json_unmatched(pb_json_writer *w, const char *side, const pb_result *r)
{
    pb_json_object_begin(w, NULL);
    pb_json_string(w, "side", side);
    pb_json_string(w, "workload", r->workload);
    pb_json_size(w, r);
    pb_json_string(w, "precision", r->precision);
    pb_json_string(w, "role", r->role);
    pb_json_string(w, "backend", r->backend);
    pb_json_int(w, "threads", r->threads);
    pb_json_object_end(w);
}

static void pb_json_comparison(pb_json_writer *w, const pb_comparison *cmp)
{
    pb_json_object_begin(w, NULL);
    pb_json_side(w, "a", cmp->a, cmp->name_a);
    pb_json_side(w, "b", cmp->b, cmp->name_b);
    pb_json_array_begin(w, "warnings");
    for (int i = 0; i < cmp->nwarnings; i++)
        pb_json_string(w, NULL, cmp->warnings[i]);
    pb_json_array_end(w);
    pb_json_array_begin(w, "cases");
    for (int i = 0; i < cmp->ncases; i++)
        pb_json_case(w, &cmp->cases[i]);
    pb_json_array_end(w);
    pb_json_array_begin(w, "roles");
    for (int i = 0; i < cmp->ngroups; i++) {
        const pb_compare_group *g = &cmp->groups[i];
        pb_json_object_begin(w, NULL);
        pb_json_string(w, "role", g->role);
        pb_json_int(w, "cases", g->ncases);
        pb_json_number(w, "geomean", g->geomean);
        pb_json_number(w, "ci_low", g->ci_low);
        pb_json_number(w, "ci_high", g->ci_high);
        pb_json_string(w, "verdict", pb_verdict_name(g->verdict));
        pb_json_object_end(w);
    }
    pb_json_array_end(w);
    pb_json_array_begin(w, "cpu_all");
    for (int i = 0; i < cmp->nsplits; i++)
        pb_json_split(w, NULL, &cmp->splits[i]);
    pb_json_array_end(w);
    if (cmp->nsplits > 0)
        pb_json_split(w, "cpu_all_mean", &cmp->split_mean);
    else
        pb_json_null(w, "cpu_all_mean");
    pb_json_array_begin(w, "unmatched");
    for (int i = 0; i < cmp->nonly_a; i++)
        pb_json_unmatched(w, "a", cmp->only_a[i]);
    for (int i = 0; i < cmp->nonly_b; i++)
        pb_json_unmatched(w, "b", cmp->only_b[i]);
    pb_json_array_end(w);
    pb_json_object_end(w);
}

static pb_status pb_write_json(const pb_comparison *cmps, int n, FILE *out, pb_msg *msg)
{
    pb_json_writer w;
    pb_json_writer_init(&w, out);
    pb_json_object_begin(&w, NULL);
    pb_json_string(&w, "schema", PB_COMPARE_SCHEMA_NAME);
    pb_json_int(&w, "schema_version", PB_COMPARE_SCHEMA_VERSION);
    pb_json_number(&w, "threshold", n > 0 ? cmps[0].threshold : PB_COMPARE_DEFAULT_THRESHOLD);
    pb_json_number(&w, "confidence", PB_COMPARE_LEVEL);
    pb_json_int(&w, "resamples", PB_COMPARE_RESAMPLES);
    pb_json_uint(&w, "seed", PB_COMPARE_SEED);
    pb_json_array_begin(&w, "comparisons");
    for (int i = 0; i < n; i++)
        pb_json_comparison(&w, &cmps[i]);
    pb_json_array_end(&w);
    pb_json_object_end(&w);
    return pb_json_writer_finish(&w, msg);
}

/* ---- entry ----------------------------------------------------------------------------------- */

pb_status pb_compare_write(const pb_comparison *cmps, int n, pb_compare_format format, int color, FILE *out,
                           pb_msg *msg)
{
    int ok = 1;
    switch (format) {
    case PB_COMPARE_JSON:
        return pb_write_json(cmps, n, out, msg);
    case PB_COMPARE_CSV:
        pb_write_csv(cmps, n, out);
        break;
    case PB_COMPARE_TEXT:
    case PB_COMPARE_MD:
        for (int i = 0; i < n; i++) {
            if (i > 0)
                fputc('\n', out);
            ok &= pb_write_text_one(&cmps[i], format == PB_COMPARE_MD, color && format == PB_COMPARE_TEXT, out);
        }
        break;
    }
    if (!ok)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory formatting the comparison");
    if (ferror(out))
        return pb_msg_set(msg, PB_ERR_IO, "could not write the comparison");
    return PB_OK;
}
