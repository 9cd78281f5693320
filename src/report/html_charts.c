/* The report's workload charts: per workload one grouped bar chart, a group per configuration (as
 * compare matches them: role, size, precision) and in it a bar per machine, with the compare
 * interval as an error bar; a case that failed, was skipped or is missing is a labelled mark. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_words.h"
#include "html_page.h"
#include "svg.h"

/* A log axis once the bars span more than this factor: a linear one would flatten the small ones. */
#define PB_HTML_LOG_SPAN 30.0

enum { PB_CHART_W = 760, PB_CHART_H = 330, PB_CHART_LEFT = 64, PB_CHART_TOP = 34, PB_CHART_BOTTOM = 62 };

/* One configuration: each file's case in it, and the comparison case that matched it (files other
 * than the baseline). */
typedef struct pb_bar_group {
    const pb_result *r[PB_HTML_MAX_FILES];
    const pb_compare_case *c[PB_HTML_MAX_FILES];
} pb_bar_group;

/* What a file shows in a group: a bar (v, with an error bar lo..hi where known) or a mark. */
typedef struct pb_bar {
    double v, lo, hi;
    const char *mark;   /* "failed", "skipped", ...; NULL for a bar */
} pb_bar;

static const pb_result *pb_group_first(const pb_bar_group *g)
{
    for (int f = 0; f < PB_HTML_MAX_FILES; f++)
        if (g->r[f])
            return g->r[f];
    return NULL;
}

/* Cases compare cannot match (one file alone has them) share a group when role, precision and
 * size agree and the group has no case of that file yet. */
static int pb_group_fits(const pb_bar_group *g, const pb_result *r, int file, int baseline)
{
    const pb_result *x = pb_group_first(g);
    if (!x || g->r[file] || g->r[baseline] || strcmp(x->role, r->role) != 0 ||
        strcmp(x->precision, r->precision) != 0 || x->ndims != r->ndims || x->threads != r->threads)
        return 0;
    for (int i = 0; i < x->ndims; i++)
        if (x->dims[i] != r->dims[i])
            return 0;
    return 1;
}

static int pb_groups_add_unmatched(pb_bar_group *g, int n, const pb_result *r, int file, int baseline)
{
    for (int k = 0; k < n; k++)
        if (pb_group_fits(&g[k], r, file, baseline)) {
            g[k].r[file] = r;
            return n;
        }
    memset(&g[n], 0, sizeof g[n]);
    g[n].r[file] = r;
    return n + 1;
}

/* The groups of `workload`: the baseline's cases in its order, each compared file's matched cases
 * beside them, then what compare left unmatched. g has room for every case of every file. */
static int pb_groups_build(const pb_html_page *page, const char *workload, pb_bar_group *g)
{
    int n = 0, base = page->baseline;
    const pb_resultset *a = page->files[base].set;
    for (int i = 0; i < a->nresults; i++)
        if (strcmp(a->results[i].workload, workload) == 0) {
            memset(&g[n], 0, sizeof g[n]);
            g[n++].r[base] = &a->results[i];
        }
    for (int f = 0; f < page->nfiles; f++) {
        const pb_comparison *cmp = page->files[f].cmp;
        for (int i = 0; cmp && i < cmp->ncases; i++) {
            const pb_compare_case *c = &cmp->cases[i];
            for (int k = 0; k < n && strcmp(c->a->workload, workload) == 0; k++)
                if (g[k].r[base] == c->a) {
                    g[k].r[f] = c->b;
                    g[k].c[f] = c;
                }
        }
        for (int i = 0; cmp && i < cmp->nonly_b; i++)
            if (strcmp(cmp->only_b[i]->workload, workload) == 0)
                n = pb_groups_add_unmatched(g, n, cmp->only_b[i], f, base);
    }
    return n;
}

static pb_bar pb_bar_of(const pb_html_page *page, const pb_bar_group *g, int f)
{
    pb_bar bar = { NAN, NAN, NAN, NULL };
    const pb_result *r = g->r[f];
    if (!r) {
        bar.mark = "none";
    } else if (pb_html_failed(r)) {
        bar.mark = "failed";
    } else if (r->status != PB_CASE_OK) {
        bar.mark = pb_case_status_name(r->status);
    } else if (g->c[f]) {
        const pb_compare_case *c = g->c[f];
        bar.v = c->rate_b;
        if (isfinite(c->ci_low) && isfinite(c->ci_high) && c->ratio > 0) {
            bar.lo = bar.v * c->ci_low / c->ratio;
            bar.hi = bar.v * c->ci_high / c->ratio;
        }
    } else {
        /* The baseline's rate as its comparisons computed it, else from its own samples. */
        for (int k = 0; k < page->nfiles && f == page->baseline && !isfinite(bar.v); k++)
            if (g->c[k])
                bar.v = g->c[k]->rate_a;
        if (!isfinite(bar.v))
            bar.v = pb_html_rate(r);
    }
    if (!bar.mark && !(bar.v > 0))
        bar.mark = "no rate";
    return bar;
}

/* The group's label: the role in plain words, and the backend (and the size where it differs from
 * the chart's first group). */
static void pb_group_label(const pb_result *r, const pb_result *first, char *role, size_t rsize, char *detail,
                           size_t dsize)
{
    char dims[96] = "";
    int same_size = r->ndims == first->ndims;
    for (int i = 0; same_size && i < r->ndims; i++)
        same_size = r->dims[i] == first->dims[i];
    if (!same_size)
        pb_compare_size_text(r, dims, sizeof dims);
    if (strcmp(r->role, "cpu-n") == 0)
        snprintf(role, rsize, "%d threads", r->threads);
    else
        snprintf(role, rsize, "%s", pb_compare_role_label(r->role));
    /* Each machine has its own thread count for "all cores"; a library on one thread is its own group. */
    int one_thread = r->threads == 1 && strcmp(r->role, "cpu-1") != 0;
    snprintf(detail, dsize, "%s%s%s%s", r->backend, one_thread ? ", 1 thread" : "", dims[0] ? " " : "", dims);
}

static void pb_bar_title(const pb_html_page *page, int f, const pb_result *r, const pb_bar *bar, char *buf,
                         size_t size)
{
    const pb_html_file *file = &page->files[f];
    char name[200], v[24], lo[24], hi[24];
    if (!r) {
        snprintf(buf, size, "%s %s: no such case in this file", file->tag, pb_html_machine(file->set));
        return;
    }
    pb_html_case_name(r, name, sizeof name);
    if (bar->mark) {
        snprintf(buf, size, "%s %s: %s: %s%s%s", file->tag, pb_html_machine(file->set), name, bar->mark,
                 r->reason[0] ? ": " : "", r->reason);
        return;
    }
    pb_html_number(bar->v, v, sizeof v);
    size_t used = (size_t)snprintf(buf, size, "%s %s: %s: %s %s", file->tag, pb_html_machine(file->set), name, v,
                                   r->rate_unit);
    if (used < size && isfinite(bar->lo) && isfinite(bar->hi)) {
        pb_html_number(bar->lo, lo, sizeof lo);
        pb_html_number(bar->hi, hi, sizeof hi);
        snprintf(buf + used, size - used, "; from the 95%% interval of its ratio to %s: %s to %s",
                 page->files[page->baseline].tag, lo, hi);
    }
}

/* Which files have bars: every file that is not a sweep, in order. */
static int pb_chart_files(const pb_html_page *page, int *files)
{
    int n = 0;
    for (int f = 0; f < page->nfiles; f++)
        if (!page->files[f].sweep)
            files[n++] = f;
    return n;
}

static void pb_chart_scale(const pb_html_page *page, const pb_bar_group *g, int ng, pb_svg_plot *p)
{
    pb_svg_extent e;
    pb_svg_extent_init(&e);
    for (int k = 0; k < ng; k++)
        for (int f = 0; f < page->nfiles; f++) {
            pb_bar bar = pb_bar_of(page, &g[k], f);
            if (bar.mark)
                continue;
            pb_svg_extent_add(&e, bar.v);
            pb_svg_extent_add(&e, bar.lo);
            pb_svg_extent_add(&e, bar.hi);
        }
    p->left = PB_CHART_LEFT;
    p->top = PB_CHART_TOP;
    p->width = PB_CHART_W - PB_CHART_LEFT - 10;
    p->height = PB_CHART_H - PB_CHART_TOP - PB_CHART_BOTTOM;
    if (pb_svg_extent_wide(&e, PB_HTML_LOG_SPAN))
        pb_svg_scale_log(&p->y, &e, p->top + p->height, p->top);
    else
        pb_svg_scale_linear(&p->y, &e, 1, 5, p->top + p->height, p->top);
}

static void pb_chart_group(pb_html *h, const pb_html_page *page, const pb_svg_plot *p, const pb_bar_group *g,
                           const pb_result *first, double x0, double gw, const int *files, int nf)
{
    char title[900], role[48], detail[160];
    double bw = gw * 0.84 / nf, bottom = p->top + p->height;
    for (int j = 0; j < nf; j++) {
        int f = files[j];
        pb_bar bar = pb_bar_of(page, g, f);
        double x = x0 + gw * 0.08 + j * bw;
        pb_bar_title(page, f, g->r[f], &bar, title, sizeof title);
        if (bar.mark) {
            pb_html_rawf(h, "<text class=\"mark\" transform=\"translate(%.1f %.1f) rotate(-90)\">", x + bw / 2 + 4,
                         bottom - 4);
            pb_html_raw(h, "<title>");
            pb_html_text(h, title);
            pb_html_raw(h, "</title>");
            pb_html_text(h, bar.mark);
            pb_html_raw(h, "</text>\n");
        } else {
            pb_svg_bar(h, p, x, bw * 0.92, bar.v, bar.lo, bar.hi, pb_html_series(f), title);
        }
        if (bw >= 9)
            pb_svg_text(h, x + bw / 2, bottom + 12, "middle", "tag", page->files[f].tag, NULL);
    }
    const pb_result *r = pb_group_first(g);
    pb_group_label(r, first, role, sizeof role, detail, sizeof detail);
    /* Narrow groups keep what fits; every bar's tooltip names its case in full. */
    if (gw >= 34)
        pb_svg_text(h, x0 + gw / 2, bottom + 28, "middle", "key", role, NULL);
    if (gw >= 56)
        pb_svg_text(h, x0 + gw / 2, bottom + 41, "middle", "tag", detail, NULL);
}

static void pb_chart_caption(pb_html *h, const pb_html_page *page, const char *workload, const pb_result *first,
                             const pb_svg_plot *p)
{
    char dims[96];
    pb_compare_size_text(first, dims, sizeof dims);
    pb_html_raw(h, "<figcaption><b>");
    pb_html_text(h, workload);
    pb_html_raw(h, "</b>: ");
    pb_html_textf(h, "%s, higher is faster; %s %s; %s axis. ", first->rate_unit, dims, first->precision,
                  p->y.log ? "logarithmic" : "linear");
    if (page->nfiles > 1)
        pb_html_textf(h, "Error bars: the 95%% interval of each machine's ratio to %s, in %s's units. ",
                      page->files[page->baseline].tag, page->files[page->baseline].tag);
    pb_html_raw(h, "A case that failed, was skipped or is not in a file is named instead of drawn.</figcaption>\n");
}

static void pb_chart_legend(pb_html *h, const pb_html_page *page, const int *files, int nf)
{
    const char *cls[PB_HTML_MAX_FILES], *labels[PB_HTML_MAX_FILES];
    char text[PB_HTML_MAX_FILES][80];
    for (int j = 0; j < nf; j++) {
        const pb_html_file *file = &page->files[files[j]];
        snprintf(text[j], sizeof text[j], "%s %s", file->tag, pb_html_machine(file->set));
        cls[j] = pb_html_series(files[j]);
        labels[j] = text[j];
    }
    pb_svg_legend(h, PB_CHART_LEFT, 16, cls, labels, nf);
}

static void pb_chart(pb_html *h, const pb_html_page *page, const char *workload, const pb_bar_group *g, int ng)
{
    int files[PB_HTML_MAX_FILES], nf = pb_chart_files(page, files);
    const pb_result *first = pb_group_first(&g[0]);
    pb_svg_plot p;
    char title[160];
    pb_chart_scale(page, g, ng, &p);
    pb_html_raw(h, "<figure class=\"chart workload\" data-workload=\"");
    pb_html_text(h, workload);
    pb_html_raw(h, "\">\n");
    snprintf(title, sizeof title, "%s: %s per configuration and machine", workload, first->rate_unit);
    pb_svg_begin(h, PB_CHART_W, PB_CHART_H, title);
    pb_chart_legend(h, page, files, nf);
    pb_svg_axis_y(h, &p, first->rate_unit);
    double gw = p.width / ng;
    for (int k = 0; k < ng; k++)
        pb_chart_group(h, page, &p, &g[k], first, p.left + k * gw, gw, files, nf);
    pb_svg_line(h, p.left, p.top + p.height, p.left + p.width, p.top + p.height, "edge");
    pb_svg_end(h);
    pb_chart_caption(h, page, workload, first, &p);
    pb_html_raw(h, "</figure>\n");
}

void pb_html_workloads(pb_html *h, const pb_html_page *page)
{
    int nw = 0, room = 0;
    const char **names = page->baseline >= 0 ? pb_html_workload_names(h, page, -1, &nw) : NULL;
    pb_html_raw(h, "<section id=\"workloads\">\n<h2>Workloads</h2>\n");
    for (int f = 0; f < page->nfiles; f++)
        room += page->files[f].set->nresults;
    pb_bar_group *g = malloc(((size_t)room + 1) * sizeof *g);
    if (!g) {
        h->nomem = 1;
        nw = 0;
    }
    for (int w = 0; w < nw; w++) {
        int ng = pb_groups_build(page, names[w], g);
        if (ng > 0)
            pb_chart(h, page, names[w], g, ng);
    }
    if (nw == 0)
        pb_html_raw(h, "<p class=\"note\">No file holds a run to chart (a sweep is charted in its own section).</p>\n");
    free(g);
    free(names);
    pb_html_raw(h, "</section>\n");
}
