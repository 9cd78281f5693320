/* The report's plots beyond the workload charts: each device's roofline (log-log, its ceilings as
 * lines and every verified case as a point), thread scaling (speed-up over threads per machine)
 * and a sweep's times over size with the crossover marked. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../results/scaling.h"
#include "../results/sweep_table.h"
#include "html_page.h"
#include "svg.h"

enum { PB_PLOT_W = 760, PB_PLOT_H = 360, PB_PLOT_LEFT = 64, PB_PLOT_TOP = 34, PB_PLOT_BOTTOM = 46 };

static void pb_plot_area(pb_svg_plot *p)
{
    p->left = PB_PLOT_LEFT;
    p->top = PB_PLOT_TOP;
    p->width = PB_PLOT_W - PB_PLOT_LEFT - 16;
    p->height = PB_PLOT_H - PB_PLOT_TOP - PB_PLOT_BOTTOM;
}

static void pb_figure_open(pb_html *h, const char *kind, const char *attr, const char *value)
{
    pb_html_rawf(h, "<figure class=\"chart %s\" %s=\"", kind, attr);
    pb_html_text(h, value);
    pb_html_raw(h, "\">\n");
}

/* ---- the roofline ---------------------------------------------------------------------------- */

typedef struct pb_roof_point {
    const pb_result *r;
    pb_roofline rl;
    double gflops;      /* achieved, NaN when the case counts no FLOPs */
} pb_roof_point;

/* The verified cases of `set` on the device whose ceilings are `c`. */
static int pb_roof_points(const pb_resultset *set, const pb_ceilings *c, pb_roof_point *out)
{
    int n = 0;
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        if (pb_resultset_ceilings(set, r) != c || pb_html_failed(r) || !pb_roofline_place(r, c, &out[n].rl))
            continue;
        out[n].r = r;
        out[n].gflops = r->flops > 0 ? r->flops / pb_html_median(r) / 1e9 : NAN;
        n++;
    }
    return n;
}

static void pb_roof_scales(const pb_ceilings *c, const pb_roof_point *pts, int n, pb_svg_plot *p)
{
    double ridge = c->fp32_gflops / c->bandwidth_gbs;
    pb_svg_extent ex, ey;
    pb_svg_extent_init(&ex);
    pb_svg_extent_init(&ey);
    pb_svg_extent_add(&ex, ridge / 8);
    pb_svg_extent_add(&ex, ridge * 8);
    pb_svg_extent_add(&ey, c->fp32_gflops * 2);
    for (int i = 0; i < n; i++)
        if (pts[i].rl.intensity > 0 && pts[i].gflops > 0) {
            pb_svg_extent_add(&ex, pts[i].rl.intensity);
            pb_svg_extent_add(&ey, pts[i].gflops);
        }
    pb_plot_area(p);
    pb_svg_scale_log(&p->x, &ex, p->left, p->left + p->width);
    pb_svg_extent_add(&ey, c->bandwidth_gbs * p->x.lo);
    pb_svg_scale_log(&p->y, &ey, p->top + p->height, p->top);
}

/* The roofs: bandwidth up to the ridge, then the device's compute peak; and the lower compute roof
 * of each thread count below the probes' (a one-core case has one core's share). */
static void pb_roof_lines(pb_html *h, const pb_svg_plot *p, const pb_ceilings *c, const pb_roof_point *pts, int n)
{
    char text[96], num[24], bw[24];
    double xs[3] = { p->x.lo, c->fp32_gflops / c->bandwidth_gbs, p->x.hi };
    double ys[3] = { c->bandwidth_gbs * p->x.lo, c->fp32_gflops, c->fp32_gflops };
    pb_html_number(c->fp32_gflops, num, sizeof num);
    pb_html_number(c->bandwidth_gbs, bw, sizeof bw);
    snprintf(text, sizeof text, "roofline: %s GB/s up to %s GFLOP/s fp32", bw, num);
    pb_svg_polyline(h, p, xs, ys, 3, "roof", text);
    snprintf(text, sizeof text, "peak %s GFLOP/s", num);
    pb_svg_text(h, p->left + p->width - 4, pb_svg_map(&p->y, c->fp32_gflops) - 5, "end", "key", text, NULL);
    snprintf(text, sizeof text, "%s GB/s", bw);
    pb_svg_text(h, pb_svg_map(&p->x, xs[0]) + 6, pb_svg_map(&p->y, ys[0]) - 8, "start", "key", text, NULL);
    double drawn[4];
    int nd = 0;
    for (int i = 0; i < n && nd < 4; i++) {
        double peak = pts[i].rl.peak_gflops;
        int seen = !(peak < c->fp32_gflops * 0.999);
        for (int k = 0; k < nd && !seen; k++)
            seen = fabs(drawn[k] - peak) <= 1e-9 * peak;
        if (seen)
            continue;
        drawn[nd++] = peak;
        double rx[2] = { peak / c->bandwidth_gbs, p->x.hi }, ry[2] = { peak, peak };
        pb_html_number(peak, num, sizeof num);
        snprintf(text, sizeof text, "%d thread%s: %s GFLOP/s", pts[i].r->threads, pts[i].r->threads == 1 ? "" : "s",
                 num);
        pb_svg_polyline(h, p, rx, ry, 2, "roof dash", text);
        pb_svg_text(h, p->left + p->width - 4, pb_svg_map(&p->y, peak) - 5, "end", "key", text, NULL);
    }
}

static void pb_roof_table(pb_html *h, const pb_roof_point *pts, int n)
{
    char name[200], x[24], y[24], roof[24];
    pb_html_raw(h, "<div class=\"scroll\"><table>\n<tr><th>#</th><th>case</th><th>FLOP/byte</th>"
                   "<th>GFLOP/s</th><th>roof GFLOP/s</th><th>of the roof</th></tr>\n");
    for (int i = 0; i < n; i++) {
        pb_html_case_name(pts[i].r, name, sizeof name);
        pb_html_number(pts[i].rl.intensity > 0 ? pts[i].rl.intensity : NAN, x, sizeof x);
        pb_html_number(pts[i].gflops, y, sizeof y);
        pb_html_number(pts[i].r->flops > 0 ? pts[i].rl.attainable_gflops : NAN, roof, sizeof roof);
        pb_html_rawf(h, "<tr><td class=\"num\">%d</td><td>", i + 1);
        pb_html_text(h, name);
        pb_html_raw(h, "</td><td class=\"num\">");
        pb_html_text(h, x);
        pb_html_raw(h, "</td><td class=\"num\">");
        pb_html_text(h, y);
        pb_html_raw(h, "</td><td class=\"num\">");
        pb_html_text(h, roof);
        pb_html_rawf(h, "</td><td class=\"num\">%.0f%%</td></tr>\n", 100 * pts[i].rl.fraction);
    }
    pb_html_raw(h, "</table></div>\n");
}

static void pb_roof_chart(pb_html *h, const pb_html_file *file, int f, const pb_device_record *d, pb_roof_point *pts)
{
    const pb_ceilings *c = &d->ceilings;
    int n = pb_roof_points(file->set, c, pts);
    char title[300], label[16];
    pb_svg_plot p;
    pb_roof_scales(c, pts, n, &p);
    pb_html_raw(h, "<h3>");
    pb_html_textf(h, "%s: %s, %s %d (%s)", file->tag, pb_html_machine(file->set), d->backend, d->index, d->info.name);
    pb_html_raw(h, "</h3>\n");
    pb_figure_open(h, "roofline", "data-machine", file->tag);
    snprintf(title, sizeof title, "roofline of %s %s device %d (%s) on %s", d->backend,
             pb_device_type_name(d->info.type), d->index, d->info.name, pb_html_machine(file->set));
    pb_svg_begin(h, PB_PLOT_W, PB_PLOT_H, title);
    pb_svg_axis_y(h, &p, "GFLOP/s");
    pb_svg_axis_x(h, &p, "arithmetic intensity (FLOP per byte)");
    pb_roof_lines(h, &p, c, pts, n);
    for (int i = 0; i < n; i++) {
        char name[200];
        pb_html_case_name(pts[i].r, name, sizeof name);
        snprintf(label, sizeof label, "%d", i + 1);
        snprintf(title, sizeof title, "%d: %s: %.0f%% of its roof", i + 1, name, 100 * pts[i].rl.fraction);
        pb_svg_point(h, &p, pts[i].rl.intensity, pts[i].gflops, pb_html_series(f), label, title);
    }
    pb_svg_end(h);
    pb_html_raw(h, "<figcaption>");
    pb_html_raw(h, "The device's measured ceilings as lines (dashed: the compute roof of fewer threads), each "
                   "verified case as a numbered point at its FLOPs per byte moved and its achieved GFLOP/s. A case "
                   "that counts no FLOPs has no point; the table gives every case's share of its roof: the least "
                   "time the ceilings allow over the time measured.");
    pb_html_raw(h, "</figcaption>\n");
    pb_roof_table(h, pts, n);
    pb_html_raw(h, "</figure>\n");
}

void pb_html_roofline(pb_html *h, const pb_html_page *page)
{
    int charts = 0;
    pb_html_raw(h, "<section id=\"roofline\">\n<h2>Roofline</h2>\n");
    for (int f = 0; f < page->nfiles; f++) {
        const pb_resultset *set = page->files[f].set;
        pb_roof_point *pts = malloc(((size_t)set->nresults + 1) * sizeof *pts);
        if (!pts) {
            h->nomem = 1;
            break;
        }
        for (int i = 0; i < set->ndevices; i++) {
            const pb_device_record *d = &set->devices[i];
            if (d->has_ceilings && d->ceilings.fp32_gflops > 0 && d->ceilings.bandwidth_gbs > 0) {
                pb_roof_chart(h, &page->files[f], f, d, pts);
                charts++;
            }
        }
        free(pts);
    }
    if (charts == 0)
        pb_html_raw(h, "<p class=\"note\">No file holds a device's measured ceilings (peak FLOP/s and bandwidth), "
                       "so there is no roofline to draw: <code>parbench run</code> measures them.</p>\n");
    pb_html_raw(h, "</section>\n");
}

/* ---- thread scaling -------------------------------------------------------------------------- */

/* A series with a one-thread point gives speed-ups; the others cannot be drawn as such. */
static int pb_speedups(const pb_scale_series *s, double *out)
{
    if (s->n < 2 || s->threads[0] != 1 || !(s->rate[0] > 0))
        return 0;
    for (int i = 0; i < s->n; i++)
        out[i] = s->rate[i] / s->rate[0];
    return s->n;
}

static void pb_scaling_chart(pb_html *h, const pb_html_page *page, const char *workload, const pb_scale_series *series)
{
    pb_svg_extent ex, ey;
    pb_svg_extent_init(&ex);
    pb_svg_extent_init(&ey);
    int maxt = 1;
    for (int f = 0; f < page->nfiles; f++) {
        double speedup[PB_SCALE_MAX_POINTS];
        int n = pb_speedups(&series[f], speedup);
        for (int i = 0; i < n; i++) {
            maxt = series[f].threads[i] > maxt ? series[f].threads[i] : maxt;
            pb_svg_extent_add(&ey, speedup[i]);
        }
    }
    pb_svg_extent_add(&ex, maxt);
    pb_svg_extent_add(&ey, maxt);
    pb_svg_plot p;
    pb_plot_area(&p);
    pb_svg_scale_linear(&p.x, &ex, 1, 6, p.left, p.left + p.width);
    pb_svg_scale_linear(&p.y, &ey, 1, 5, p.top + p.height, p.top);
    char title[200];
    snprintf(title, sizeof title, "%s: speed-up over one thread by thread count", workload);
    pb_figure_open(h, "scaling", "data-workload", workload);
    pb_svg_begin(h, PB_PLOT_W, PB_PLOT_H, title);
    pb_svg_axis_y(h, &p, "speed-up over one thread");
    pb_svg_axis_x(h, &p, "threads");
    double ideal[2] = { 1, maxt };
    pb_svg_polyline(h, &p, ideal, ideal, 2, "ideal", "perfect scaling: speed-up = threads");
    const char *cls[PB_HTML_MAX_FILES], *labels[PB_HTML_MAX_FILES];
    char text[PB_HTML_MAX_FILES][96];
    int nl = 0;
    for (int f = 0; f < page->nfiles; f++) {
        double xs[PB_SCALE_MAX_POINTS], ys[PB_SCALE_MAX_POINTS], serial;
        int n = pb_speedups(&series[f], ys);
        if (n == 0)
            continue;
        for (int i = 0; i < n; i++)
            xs[i] = series[f].threads[i];
        const char *who = pb_html_machine(page->files[f].set);
        if (pb_scale_amdahl_fit(series[f].threads, ys, n, &serial))
            snprintf(text[nl], sizeof text[nl], "%s %s (Amdahl serial fraction %.3f)", page->files[f].tag, who, serial);
        else
            snprintf(text[nl], sizeof text[nl], "%s %s", page->files[f].tag, who);
        pb_svg_polyline(h, &p, xs, ys, n, pb_html_series(f), text[nl]);
        for (int i = 0; i < n; i++) {
            snprintf(title, sizeof title, "%s %s: %d threads, %.2fx", page->files[f].tag, who, series[f].threads[i],
                     ys[i]);
            pb_svg_point(h, &p, xs[i], ys[i], pb_html_series(f), NULL, title);
        }
        cls[nl] = pb_html_series(f);
        labels[nl] = text[nl];
        nl++;
    }
    pb_svg_legend(h, PB_PLOT_LEFT, 16, cls, labels, nl);
    pb_svg_end(h);
    pb_html_raw(h, "<figcaption>");
    pb_html_textf(h, "%s on the cpu backend: the rate at each thread count over the one-thread rate; the dashed "
                     "line is perfect scaling.",
                  workload);
    pb_html_raw(h, "</figcaption>\n</figure>\n");
}

static void pb_scaling_row(pb_html *h, const pb_html_file *file, const char *workload, const pb_scale_series *s)
{
    double speedup[PB_SCALE_MAX_POINTS], serial;
    int n = pb_speedups(s, speedup);
    if (n == 0)
        return;
    int t = s->threads[n - 1];
    pb_html_raw(h, "<tr><td>");
    pb_html_text(h, workload);
    pb_html_raw(h, "</td><td>");
    pb_html_textf(h, "%s %s", file->tag, pb_html_machine(file->set));
    pb_html_rawf(h, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%.2fx</td>"
                    "<td class=\"num\">%.0f%%</td>",
                 n, t, speedup[n - 1], 100 * speedup[n - 1] / t);
    if (pb_scale_amdahl_fit(s->threads, speedup, n, &serial))
        pb_html_rawf(h, "<td class=\"num\">%.3f</td></tr>\n", serial);
    else
        pb_html_raw(h, "<td class=\"num\">n/a</td></tr>\n");
}

void pb_html_scaling(pb_html *h, const pb_html_page *page)
{
    int nw, charts = 0;
    const char **names = pb_html_workload_names(h, page, -1, &nw);
    pb_scale_series series[PB_HTML_MAX_FILES];
    pb_html_raw(h, "<section id=\"scaling\">\n<h2>Thread scaling</h2>\n<p class=\"note\">A chart for each workload "
                   "that a file measured at three or more thread counts (<code>parbench scale</code> writes such "
                   "files); every run's one-core and all-core cases are in the table.</p>\n");
    for (int w = 0; w < nw; w++) {
        int most = 0;
        memset(series, 0, sizeof series);
        for (int f = 0; f < page->nfiles; f++) {
            double speedup[PB_SCALE_MAX_POINTS];
            if (page->files[f].sweep)
                continue;
            pb_scale_series_collect(page->files[f].set, names[w], PB_SCALE_ALL, &series[f]);
            int n = pb_speedups(&series[f], speedup);
            most = n > most ? n : most;
        }
        if (most >= 3) {
            pb_scaling_chart(h, page, names[w], series);
            charts++;
        }
    }
    pb_html_raw(h, "<div class=\"scroll\"><table>\n<tr><th>workload</th><th>machine</th><th>thread counts</th>"
                   "<th>most threads</th><th>speed-up</th><th>efficiency</th><th>Amdahl serial fraction</th></tr>\n");
    for (int w = 0; w < nw; w++)
        for (int f = 0; f < page->nfiles; f++) {
            pb_scale_series s;
            if (!page->files[f].sweep && pb_scale_series_collect(page->files[f].set, names[w], PB_SCALE_ALL, &s) > 0)
                pb_scaling_row(h, &page->files[f], names[w], &s);
        }
    pb_html_raw(h, "</table></div>\n");
    free(names);
    if (charts == 0)
        pb_html_raw(h, "<p class=\"note\">No file holds three or more thread counts of a workload: no chart.</p>\n");
    pb_html_raw(h, "</section>\n");
}

/* ---- the sweep ------------------------------------------------------------------------------- */

static void pb_sweep_crossover_text(const pb_sweep_table *t, const pb_sweep_line *l, char *buf, size_t size)
{
    if (l->crossover >= 0)
        snprintf(buf, size, "%s overtakes the best CPU role end to end from %s=%lld", l->name, t->dim_name,
                 (long long)t->sizes[l->crossover]);
    else
        snprintf(buf, size, "%s: no crossover end to end in this range (%s=%lld..%lld)", l->name, t->dim_name,
                 (long long)t->sizes[0], (long long)t->sizes[t->npoints - 1]);
}

static void pb_sweep_scales(const pb_sweep_table *t, const double *xs, pb_svg_plot *p)
{
    pb_svg_extent ex, ey;
    pb_svg_extent_init(&ex);
    pb_svg_extent_init(&ey);
    for (int i = 0; i < t->npoints; i++) {
        pb_svg_extent_add(&ex, xs[i]);
        pb_svg_extent_add(&ey, t->best_cpu_s[i]);
        for (int k = 0; k < t->nlines; k++) {
            pb_svg_extent_add(&ey, t->lines[k].e2e_s[i]);
            pb_svg_extent_add(&ey, t->lines[k].kernel_s[i]);
        }
    }
    pb_plot_area(p);
    pb_svg_scale_log(&p->x, &ex, p->left, p->left + p->width);
    pb_svg_scale_log(&p->y, &ey, p->top + p->height, p->top);
}

static void pb_sweep_chart(pb_html *h, const pb_html_file *file, const pb_sweep_table *t)
{
    double xs[PB_SWEEP_MAX_POINTS];
    char title[300], axis[64];
    pb_svg_plot p;
    for (int i = 0; i < t->npoints; i++)
        xs[i] = (double)t->sizes[i];
    pb_sweep_scales(t, xs, &p);
    pb_figure_open(h, "sweep", "data-workload", t->workload);
    snprintf(title, sizeof title, "%s sweep on %s: time per launch over size", t->workload, pb_html_machine(file->set));
    pb_svg_begin(h, PB_PLOT_W, PB_PLOT_H, title);
    pb_svg_axis_y(h, &p, "seconds per launch");
    snprintf(axis, sizeof axis, "size (%s)", t->dim_name);
    pb_svg_axis_x(h, &p, axis);
    pb_svg_polyline(h, &p, xs, t->best_cpu_s, t->npoints, pb_html_series(0), "best CPU role (kernel time)");
    const char *cls[PB_SWEEP_MAX_LINES + 1] = { pb_html_series(0) }, *labels[PB_SWEEP_MAX_LINES + 1] = { "best CPU" };
    int nl = 1;
    for (int k = 0; k < t->nlines; k++) {
        const pb_sweep_line *l = &t->lines[k];
        if (l->cpu)
            continue;
        char dashed[16];
        snprintf(title, sizeof title, "%s end to end", l->name);
        pb_svg_polyline(h, &p, xs, l->e2e_s, t->npoints, pb_html_series(nl), title);
        snprintf(title, sizeof title, "%s kernel only (dashed)", l->name);
        snprintf(dashed, sizeof dashed, "%s dash", pb_html_series(nl));
        pb_svg_polyline(h, &p, xs, l->kernel_s, t->npoints, dashed, title);
        if (l->crossover >= 0) {
            double x = pb_svg_map(&p.x, xs[l->crossover]);
            pb_sweep_crossover_text(t, l, title, sizeof title);
            pb_svg_line(h, x, p.top, x, p.top + p.height, "cross");
            pb_svg_text(h, x + 4, p.top + 12 + 13 * (nl - 1), "start", "key", "crossover", title);
        }
        cls[nl] = pb_html_series(nl);
        labels[nl] = l->name;
        nl++;
    }
    pb_svg_legend(h, PB_PLOT_LEFT, 16, cls, labels, nl);
    pb_svg_end(h);
    pb_html_raw(h, "<figcaption>");
    pb_html_textf(h, "%s: %s, %s: time per launch of the best CPU role and of each device end to end (solid, with "
                     "the copies) and kernel only (dashed). ",
                  file->tag, pb_html_machine(file->set), t->workload);
    for (int k = 0; k < t->nlines; k++)
        if (!t->lines[k].cpu) {
            pb_sweep_crossover_text(t, &t->lines[k], title, sizeof title);
            pb_html_textf(h, "%s. ", title);
        }
    pb_html_raw(h, "A sweep measures each point briefly: read the crossover, and a run for numbers.</figcaption>\n"
                   "</figure>\n");
}

void pb_html_sweep(pb_html *h, const pb_html_page *page)
{
    int charts = 0;
    pb_sweep_table *t = malloc(sizeof *t);
    pb_html_raw(h, "<section id=\"sweep\">\n<h2>Size sweep</h2>\n");
    if (!t)
        h->nomem = 1;
    for (int f = 0; t && f < page->nfiles; f++) {
        int nw = 0;
        const char **names = page->files[f].sweep ? pb_html_workload_names(h, page, f, &nw) : NULL;
        for (int w = 0; w < nw; w++)
            if (pb_sweep_table_build(page->files[f].set, names[w], t) > 0) {
                pb_sweep_chart(h, &page->files[f], t);
                charts++;
            }
        free(names);
    }
    free(t);
    if (charts == 0)
        pb_html_rawf(h, "<p class=\"note\">No file here is a sweep (preset \"%s\", written by <code>parbench "
                        "sweep</code>), so there is no crossover to show.</p>\n",
                     PB_SWEEP_PRESET);
    pb_html_raw(h, "</section>\n");
}
