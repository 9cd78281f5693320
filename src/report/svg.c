/* Scales, ticks and shapes for the report's charts (svg.h). */
#include "svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- extents and scales ---------------------------------------------------------------------- */

static double pb_svg_clamp(double v) { return v > PB_SVG_LIMIT ? PB_SVG_LIMIT : v < -PB_SVG_LIMIT ? -PB_SVG_LIMIT : v; }

void pb_svg_extent_init(pb_svg_extent *e) { memset(e, 0, sizeof *e); }

void pb_svg_extent_add(pb_svg_extent *e, double v)
{
    if (!isfinite(v))
        return;
    v = pb_svg_clamp(v);
    if (e->n == 0 || v < e->min)
        e->min = v;
    if (e->n == 0 || v > e->max)
        e->max = v;
    e->n++;
    if (v > 0) {
        v = fmax(v, 1 / PB_SVG_LIMIT);
        if (e->npos == 0 || v < e->min_pos)
            e->min_pos = v;
        e->npos++;
    }
}

int pb_svg_extent_wide(const pb_svg_extent *e, double ratio)
{
    return e->npos > 0 && e->npos == e->n && e->max / e->min_pos > ratio;
}

/* The smallest of 1, 2, 5 or 10 times a power of ten that is at least raw (> 0). */
static double pb_svg_nice(double raw)
{
    double p = pow(10, floor(log10(raw)));
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

void pb_svg_scale_linear(pb_svg_scale *s, const pb_svg_extent *e, int zero, int ticks, double px_lo, double px_hi)
{
    double lo = e->n ? e->min : 0, hi = e->n ? e->max : 1;
    if (zero) {
        lo = fmin(lo, 0);
        hi = fmax(hi, 0);
    }
    /* One value (or values alike to rounding): a range around it, or [0, 1] around nothing. */
    if (!(hi - lo > 1e-9 * fmax(fabs(lo), fabs(hi)))) {
        double mid = (lo + hi) / 2, pad = mid == 0 ? 1 : fabs(mid) / 2;
        lo = zero && mid >= 0 ? 0 : mid - pad;
        hi = zero && mid < 0 ? 0 : mid + pad;
    }
    s->log = 0;
    s->step = pb_svg_nice((hi - lo) / (ticks > 0 ? ticks : 5));
    s->lo = floor(lo / s->step) * s->step;
    s->hi = ceil(hi / s->step) * s->step;
    s->px_lo = px_lo;
    s->px_hi = px_hi;
}

void pb_svg_scale_log(pb_svg_scale *s, const pb_svg_extent *e, double px_lo, double px_hi)
{
    /* Magnitudes within PB_SVG_LIMIT keep the decades, and 10^ of them, finite and non-zero. */
    int dlo = e->npos ? (int)ceil(log10(e->min_pos)) - 1 : 0, dhi = e->npos ? (int)ceil(log10(e->max)) : 1;
    if (dhi <= dlo)
        dhi = dlo + 1;
    int step = dhi - dlo <= 8 ? 1 : (int)pb_svg_nice((dhi - dlo) / 6.0);
    dlo = (int)floor((double)dlo / step) * step;
    dhi = (int)ceil((double)dhi / step) * step;
    s->log = 1;
    s->step = step;
    s->lo = pow(10, dlo);
    s->hi = pow(10, dhi);
    s->px_lo = px_lo;
    s->px_hi = px_hi;
}

int pb_svg_on_scale(const pb_svg_scale *s, double v) { return isfinite(v) && (!s->log || v > 0); }

double pb_svg_map(const pb_svg_scale *s, double v)
{
    if (!pb_svg_on_scale(s, v))
        return s->px_lo;
    double t = s->log ? (log10(v) - log10(s->lo)) / (log10(s->hi) - log10(s->lo)) : (v - s->lo) / (s->hi - s->lo);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return s->px_lo + t * (s->px_hi - s->px_lo);
}

/* ---- ticks and labels ------------------------------------------------------------------------ */

void pb_svg_format(double v, double step, char *buf, size_t size)
{
    static const struct {
        double value;
        const char *suffix;
    } units[] = { { 1e12, "T" }, { 1e9, "G" }, { 1e6, "M" }, { 1e3, "k" }, { 1, "" } };
    double m = fabs(v);
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", "");
        return;
    }
    if (m == 0 || (step > 0 && m < step * 1e-9)) {
        snprintf(buf, size, "0");
        return;
    }
    if (m >= 1e15 || m < 1e-3) {
        int e = (int)floor(log10(m));
        double mant = v / pow(10, e);
        if (fabs(mant) >= 9.995) {
            mant /= 10;
            e++;
        }
        snprintf(buf, size, "%.3ge%d", mant, e);
        return;
    }
    size_t u = 0;
    while (units[u].value > 1 && m < units[u].value * 0.9995)
        u++;
    double x = v / units[u].value, st = step / units[u].value;
    if (step > 0) {
        int decimals = (int)ceil(-log10(st) - 1e-9);
        decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
        snprintf(buf, size, "%.*f%s", decimals, x, units[u].suffix);
    } else {
        snprintf(buf, size, "%.3g%s", x, units[u].suffix);
    }
}

static int pb_svg_tick_add(pb_svg_tick *out, int n, int max, double v, int major, int labelled, double step)
{
    if (n >= max)
        return n;
    out[n].value = v;
    out[n].major = major;
    out[n].label[0] = '\0';
    if (labelled)
        pb_svg_format(v, step, out[n].label, sizeof out[n].label);
    return n + 1;
}

int pb_svg_ticks(const pb_svg_scale *s, pb_svg_tick *out, int max)
{
    int n = 0;
    if (!s->log) {
        int count = (int)floor((s->hi - s->lo) / s->step + 0.5);
        for (int i = 0; i <= count && i < PB_SVG_MAX_TICKS; i++) {
            double v = s->lo + i * s->step;
            n = pb_svg_tick_add(out, n, max, fabs(v) < s->step * 1e-9 ? 0 : v, 1, 1, s->step);
        }
        return n;
    }
    int dlo = (int)floor(log10(s->lo) + 0.5), dhi = (int)floor(log10(s->hi) + 0.5), step = (int)s->step;
    int decades = dhi - dlo;
    for (int d = dlo; d <= dhi; d += step) {
        double v = pow(10, d);
        n = pb_svg_tick_add(out, n, max, v, 1, 1, 0);
        for (int k = 0; step == 1 && decades <= 6 && d < dhi && k < 2; k++)
            n = pb_svg_tick_add(out, n, max, (k ? 5 : 2) * v, 0, decades <= 2, 0);
    }
    return n;
}

/* ---- shapes ---------------------------------------------------------------------------------- */

void pb_svg_begin(pb_html *h, int width, int height, const char *title)
{
    pb_html_rawf(h, "<svg viewBox=\"0 0 %d %d\" role=\"img\"><title>", width, height);
    pb_html_text(h, title);
    pb_html_raw(h, "</title>\n");
}

void pb_svg_end(pb_html *h) { pb_html_raw(h, "</svg>\n"); }

void pb_svg_line(pb_html *h, double x1, double y1, double x2, double y2, const char *cls)
{
    if (!isfinite(x1) || !isfinite(y1) || !isfinite(x2) || !isfinite(y2))
        return;
    pb_html_rawf(h, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", cls, x1, y1, x2, y2);
}

void pb_svg_text(pb_html *h, double x, double y, const char *anchor, const char *cls, const char *text,
                 const char *title)
{
    if (!isfinite(x) || !isfinite(y))
        return;
    pb_html_rawf(h, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", cls, x, y, anchor);
    if (title && title[0]) {
        pb_html_raw(h, "<title>");
        pb_html_text(h, title);
        pb_html_raw(h, "</title>");
    }
    pb_html_text(h, text);
    pb_html_raw(h, "</text>");
}

void pb_svg_axis_y(pb_html *h, const pb_svg_plot *p, const char *title)
{
    pb_svg_tick ticks[PB_SVG_MAX_TICKS];
    int n = pb_svg_ticks(&p->y, ticks, PB_SVG_MAX_TICKS);
    pb_html_raw(h, "<g class=\"axis\">");
    for (int i = 0; i < n; i++) {
        double y = pb_svg_map(&p->y, ticks[i].value);
        pb_svg_line(h, p->left, y, p->left + p->width, y, ticks[i].major ? "grid" : "grid minor");
        if (ticks[i].label[0])
            pb_svg_text(h, p->left - 5, y + 4, "end", "tick", ticks[i].label, NULL);
    }
    pb_svg_line(h, p->left, p->top, p->left, p->top + p->height, "edge");
    pb_html_rawf(h, "<text class=\"title\" transform=\"rotate(-90)\" x=\"%.1f\" y=\"14\" text-anchor=\"middle\">",
                 -(p->top + p->height / 2));
    pb_html_text(h, title);
    pb_html_raw(h, "</text></g>\n");
}

void pb_svg_axis_x(pb_html *h, const pb_svg_plot *p, const char *title)
{
    pb_svg_tick ticks[PB_SVG_MAX_TICKS];
    int n = pb_svg_ticks(&p->x, ticks, PB_SVG_MAX_TICKS);
    double bottom = p->top + p->height;
    pb_html_raw(h, "<g class=\"axis\">");
    for (int i = 0; i < n; i++) {
        double x = pb_svg_map(&p->x, ticks[i].value);
        pb_svg_line(h, x, p->top, x, bottom, ticks[i].major ? "grid" : "grid minor");
        if (ticks[i].label[0])
            pb_svg_text(h, x, bottom + 14, "middle", "tick", ticks[i].label, NULL);
    }
    pb_svg_line(h, p->left, bottom, p->left + p->width, bottom, "edge");
    pb_svg_text(h, p->left + p->width / 2, bottom + 30, "middle", "title", title, NULL);
    pb_html_raw(h, "</g>\n");
}

void pb_svg_bar(pb_html *h, const pb_svg_plot *p, double x, double w, double v, double lo, double hi, const char *cls,
                const char *title)
{
    if (!pb_svg_on_scale(&p->y, v) || !isfinite(x) || !(w > 0))
        return;
    double base = p->y.log ? p->y.px_lo : pb_svg_map(&p->y, 0), top = pb_svg_map(&p->y, v);
    pb_html_rawf(h, "<g class=\"bar %s\"><title>", cls);
    pb_html_text(h, title);
    pb_html_rawf(h, "</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", x, fmin(base, top), w,
                 fabs(base - top));
    if (pb_svg_on_scale(&p->y, lo) && pb_svg_on_scale(&p->y, hi)) {
        double mid = x + w / 2, y1 = pb_svg_map(&p->y, lo), y2 = pb_svg_map(&p->y, hi), cap = fmin(w / 4, 4);
        pb_html_rawf(h, "<path class=\"err\" d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\"/>", mid, y1, y2,
                     mid - cap, y1, mid + cap, mid - cap, y2, mid + cap);
    }
    pb_html_raw(h, "</g>\n");
}

void pb_svg_polyline(pb_html *h, const pb_svg_plot *p, const double *xs, const double *ys, int n, const char *cls,
                     const char *title)
{
    int open = 0, pen_down = 0;
    for (int i = 0; i < n; i++) {
        if (!pb_svg_on_scale(&p->x, xs[i]) || !pb_svg_on_scale(&p->y, ys[i])) {
            pen_down = 0;
            continue;
        }
        if (!open) {
            pb_html_rawf(h, "<path class=\"line %s\" d=\"", cls);
            open = 1;
        }
        pb_html_rawf(h, "%s%.1f %.1f", pen_down ? "L" : "M", pb_svg_map(&p->x, xs[i]), pb_svg_map(&p->y, ys[i]));
        pen_down = 1;
    }
    if (!open)
        return;
    pb_html_raw(h, "\"><title>");
    pb_html_text(h, title);
    pb_html_raw(h, "</title></path>\n");
}

void pb_svg_point(pb_html *h, const pb_svg_plot *p, double x, double y, const char *cls, const char *label,
                  const char *title)
{
    if (!pb_svg_on_scale(&p->x, x) || !pb_svg_on_scale(&p->y, y))
        return;
    double cx = pb_svg_map(&p->x, x), cy = pb_svg_map(&p->y, y);
    pb_html_rawf(h, "<g class=\"pt %s\"><title>", cls);
    pb_html_text(h, title);
    pb_html_rawf(h, "</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>", cx, cy);
    if (label && label[0])
        pb_svg_text(h, cx + 6, cy - 6, "start", "label", label, NULL);
    pb_html_raw(h, "</g>\n");
}

void pb_svg_legend(pb_html *h, double x, double y, const char *const *cls, const char *const *labels, int n)
{
    pb_html_raw(h, "<g class=\"legend\">");
    for (int i = 0; i < n; i++) {
        pb_html_rawf(h, "<rect class=\"swatch %s\" x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\"/>", cls[i], x,
                     y - 9);
        pb_svg_text(h, x + 14, y, "start", "key", labels[i], NULL);
        x += 24 + 7.5 * (double)strlen(labels[i]); /* room for the larger phone-width font */
    }
    pb_html_raw(h, "</g>\n");
}
