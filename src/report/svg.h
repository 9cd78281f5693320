/* SVG charts for the HTML report: linear and logarithmic scales with "nice" ticks and their labels,
 * and the few shapes the charts draw. Every text is escaped, and a value that is not a finite
 * number (or not positive on a log scale) is never drawn, so no NaN or inf reaches the SVG. */
#ifndef PB_SVG_H
#define PB_SVG_H

#include <stddef.h>

#include "html_text.h"

/* Magnitudes beyond this (and positive ones below its inverse) are clamped to it, so every span,
 * and every power of ten a log scale widens to, stays a finite non-zero number. */
#define PB_SVG_LIMIT 1e200

/* What a chart's values span, fed one value at a time; values that are not finite are left out. */
typedef struct pb_svg_extent {
    int n;              /* finite values seen */
    double min, max;
    int npos;           /* positive ones: what a log scale can show */
    double min_pos;
} pb_svg_extent;

void pb_svg_extent_init(pb_svg_extent *e);
void pb_svg_extent_add(pb_svg_extent *e, double v);

/* 1 when every value is positive and they span more than `ratio` (max / min > ratio): a log
 * scale shows them better than a linear one. */
int pb_svg_extent_wide(const pb_svg_extent *e, double ratio);

typedef struct pb_svg_scale {
    int log;
    double lo, hi;          /* the domain, widened to whole ticks (log: both positive) */
    double step;            /* linear: between ticks; log: decades between labelled ticks */
    double px_lo, px_hi;    /* where lo and hi land (px_hi < px_lo on a y axis) */
} pb_svg_scale;

/* A linear scale over the extent, widened to whole ticks of 1, 2 or 5 times a power of ten, about
 * `ticks` of them. `zero`: the domain reaches 0 (bars). No values: [0, 1]; one value: a range
 * around it. */
void pb_svg_scale_linear(pb_svg_scale *s, const pb_svg_extent *e, int zero, int ticks, double px_lo, double px_hi);

/* A log scale over the extent's positive values, widened to whole decades, the lowest strictly
 * below the smallest value (a bar of it has a height). Zero and negative values are not on it.
 * No positive values: [1, 10]. */
void pb_svg_scale_log(pb_svg_scale *s, const pb_svg_extent *e, double px_lo, double px_hi);

/* 1 when v can be drawn on the scale: finite, and positive on a log scale. */
int pb_svg_on_scale(const pb_svg_scale *s, double v);

/* Where v lands, clamped to the scale's ends; px_lo for a value not on the scale. */
double pb_svg_map(const pb_svg_scale *s, double v);

#define PB_SVG_MAX_TICKS 64

typedef struct pb_svg_tick {
    double value;
    int major;          /* a decade, or every linear tick: a darker grid line */
    char label[24];     /* "" for an unlabelled tick */
} pb_svg_tick;

/* The scale's ticks, ascending. Linear: every step. Log: decades (every step-th one when there
 * are many), and 2 and 5 times each decade: labelled over up to 2 decades, unlabelled up to 6,
 * none beyond. Returns how many (at most `max`). */
int pb_svg_ticks(const pb_svg_scale *s, pb_svg_tick *out, int max);

/* A number for a label: with the decimals `step` needs (step 0: three significant digits), k, M,
 * G and T for thousands and beyond, an exponent beyond that or below 0.001; "" when v is not
 * finite. */
void pb_svg_format(double v, double step, char *buf, size_t size);

/* ---- drawing --------------------------------------------------------------------------------- */

/* A plotting area in the SVG's units, and its scales: x.px_* run from left to left + width, y.px_*
 * from top + height (lo) up to top (hi). */
typedef struct pb_svg_plot {
    double left, top, width, height;
    pb_svg_scale x, y;
} pb_svg_plot;

/* Opens an SVG of width x height units that scales to its container, with its accessible title. */
void pb_svg_begin(pb_html *h, int width, int height, const char *title);
void pb_svg_end(pb_html *h);

/* The y axis: grid lines, tick labels and the axis title (rotated) on the left. */
void pb_svg_axis_y(pb_html *h, const pb_svg_plot *p, const char *title);
/* A numeric x axis: ticks, labels and the title under the plot. */
void pb_svg_axis_x(pb_html *h, const pb_svg_plot *p, const char *title);

/* A bar from the axis up to v at x (its left edge) and width w, with an error bar from lo to hi
 * where both are on the scale; `cls` styles it, `title` is its tooltip. Nothing when v is not on
 * the scale. */
void pb_svg_bar(pb_html *h, const pb_svg_plot *p, double x, double w, double v, double lo, double hi, const char *cls,
                const char *title);

/* A line between points given in data units; a point not on the scales breaks it. */
void pb_svg_polyline(pb_html *h, const pb_svg_plot *p, const double *xs, const double *ys, int n, const char *cls,
                     const char *title);

/* A point in data units with an optional short label beside it. */
void pb_svg_point(pb_html *h, const pb_svg_plot *p, double x, double y, const char *cls, const char *label,
                  const char *title);

/* A line and a text in the SVG's own units (skipped when a coordinate is not finite). anchor:
 * "start", "middle" or "end". */
void pb_svg_line(pb_html *h, double x1, double y1, double x2, double y2, const char *cls);
void pb_svg_text(pb_html *h, double x, double y, const char *anchor, const char *cls, const char *text,
                 const char *title);

/* A legend in one row from (x, y): a swatch in each class and its label. */
void pb_svg_legend(pb_html *h, double x, double y, const char *const *cls, const char *const *labels, int n);

#endif
