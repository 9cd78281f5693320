/* The report's chart code (src/report/svg.c): extents, linear and log scales, their ticks and
 * labels, and that no shape ever carries a NaN or an infinity into the SVG. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "../src/report/svg.h"
#include "pbtest.h"

static void extent_of(pb_svg_extent *e, const double *v, int n)
{
    pb_svg_extent_init(e);
    for (int i = 0; i < n; i++)
        pb_svg_extent_add(e, v[i]);
}

static int ticks_of(const pb_svg_scale *s, pb_svg_tick *t) { return pb_svg_ticks(s, t, PB_SVG_MAX_TICKS); }

/* 1 when no attribute value ("...") in the text holds nan or inf. */
static int attributes_finite(const char *text)
{
    for (const char *p = strstr(text, "=\""); p; p = strstr(p, "=\"")) {
        p += 2;
        const char *end = strchr(p, '"');
        if (!end)
            return 0;
        for (const char *q = p; q + 3 <= end; q++)
            if (strncmp(q, "nan", 3) == 0 || strncmp(q, "inf", 3) == 0 || strncmp(q, "NAN", 3) == 0 ||
                strncmp(q, "INF", 3) == 0)
                return 0;
        p = end + 1;
    }
    return 1;
}

static void test_linear_ticks(void)
{
    const double v[] = { 1.2, 7.3 };
    pb_svg_extent e;
    pb_svg_scale s;
    pb_svg_tick t[PB_SVG_MAX_TICKS];
    extent_of(&e, v, 2);
    pb_svg_scale_linear(&s, &e, 1, 5, 100, 0);
    CHECK(s.lo == 0 && s.hi == 8 && s.step == 2);
    int n = ticks_of(&s, t);
    CHECK(n == 5);
    CHECK_STR(t[0].label, "0");
    CHECK_STR(t[1].label, "2");
    CHECK_STR(t[4].label, "8");
    CHECK(pb_svg_map(&s, 0) == 100 && pb_svg_map(&s, 8) == 0 && pb_svg_map(&s, 4) == 50);

    const double small[] = { 0.013, 0.047 };
    extent_of(&e, small, 2);
    pb_svg_scale_linear(&s, &e, 0, 5, 0, 100);
    n = ticks_of(&s, t);
    CHECK(fabs(s.step - 0.01) < 1e-12 && fabs(s.lo - 0.01) < 1e-12 && fabs(s.hi - 0.05) < 1e-12);
    CHECK(n == 5);
    CHECK_STR(t[0].label, "0.01");
    CHECK_STR(t[4].label, "0.05");

    const double big[] = { 0, 2300 };
    extent_of(&e, big, 2);
    pb_svg_scale_linear(&s, &e, 1, 5, 0, 100);
    n = ticks_of(&s, t);
    CHECK(s.step == 500 && s.hi == 2500 && n == 6);
    CHECK_STR(t[1].label, "500");
    CHECK_STR(t[3].label, "1.5k");
}

static void test_log_ticks(void)
{
    const double v[] = { 3, 4500 };
    pb_svg_extent e;
    pb_svg_scale s;
    pb_svg_tick t[PB_SVG_MAX_TICKS];
    extent_of(&e, v, 2);
    pb_svg_scale_log(&s, &e, 100, 0);
    CHECK(s.lo == 1 && s.hi == 1e4 && s.step == 1);
    int n = ticks_of(&s, t), majors = 0, labelled_minors = 0, minors = 0;
    for (int i = 0; i < n; i++) {
        majors += t[i].major;
        minors += !t[i].major;
        labelled_minors += !t[i].major && t[i].label[0];
    }
    CHECK(majors == 5 && minors == 8 && labelled_minors == 0); /* 4 decades: 2 and 5 unlabelled */
    CHECK_STR(t[0].label, "1");
    CHECK_STR(t[n - 1].label, "10k");
    CHECK(fabs(pb_svg_map(&s, 100) - 50) < 1e-9);

    /* Within a decade or two, 2 and 5 are labelled. */
    const double narrow[] = { 20, 70 };
    extent_of(&e, narrow, 2);
    pb_svg_scale_log(&s, &e, 0, 100);
    n = ticks_of(&s, t);
    CHECK(s.lo == 10 && s.hi == 100 && n == 4);
    CHECK_STR(t[1].label, "20");
    CHECK_STR(t[2].label, "50");

    /* The lowest decade lies strictly below the smallest value, so a bar of it has a height. */
    const double decade[] = { 10, 1000 };
    extent_of(&e, decade, 2);
    pb_svg_scale_log(&s, &e, 0, 100);
    CHECK(s.lo == 1 && s.hi == 1000);

    /* Many decades: every k-th labelled, no minor ticks. */
    const double wide[] = { 1e-6, 1e9 };
    extent_of(&e, wide, 2);
    pb_svg_scale_log(&s, &e, 0, 100);
    n = ticks_of(&s, t);
    CHECK(s.step == 5 && n == 5);
    CHECK_STR(t[0].label, "1e-10");
    CHECK_STR(t[3].label, "100k");
    CHECK_STR(t[4].label, "10G");
}

static void test_empty_and_single(void)
{
    pb_svg_extent e;
    pb_svg_scale s;
    pb_svg_tick t[PB_SVG_MAX_TICKS];
    pb_svg_extent_init(&e);
    pb_svg_scale_linear(&s, &e, 1, 5, 0, 100);
    CHECK(s.lo == 0 && s.hi == 1 && ticks_of(&s, t) >= 2);
    pb_svg_scale_log(&s, &e, 0, 100);
    CHECK(s.lo == 1 && s.hi == 10 && ticks_of(&s, t) >= 2);

    const double one[] = { 5 };
    extent_of(&e, one, 1);
    pb_svg_scale_linear(&s, &e, 0, 5, 0, 100);
    CHECK(s.lo < 5 && s.hi > 5);
    pb_svg_scale_linear(&s, &e, 1, 5, 0, 100);
    CHECK(s.lo == 0 && s.hi >= 5);
    pb_svg_scale_log(&s, &e, 0, 100);
    CHECK(s.lo == 1 && s.hi == 10);

    const double zero[] = { 0 };
    extent_of(&e, zero, 1);
    pb_svg_scale_linear(&s, &e, 1, 5, 0, 100);
    CHECK(s.lo == 0 && s.hi == 1);
    pb_svg_scale_linear(&s, &e, 0, 5, 0, 100);
    CHECK(s.lo < 0 && s.hi > 0);

    const double negative[] = { -3 };
    extent_of(&e, negative, 1);
    pb_svg_scale_linear(&s, &e, 1, 5, 0, 100);
    CHECK(s.lo <= -3 && s.hi == 0);

    const double alike[] = { 1, 1 + 1e-13 };
    extent_of(&e, alike, 2);
    pb_svg_scale_linear(&s, &e, 0, 5, 0, 100);
    CHECK(s.lo < 1 && s.hi > 1 && ticks_of(&s, t) <= 12);
}

static void test_log_refuses_zero_and_negative(void)
{
    const double v[] = { -1, 0, 50 };
    pb_svg_extent e;
    pb_svg_scale s;
    extent_of(&e, v, 3);
    CHECK(e.n == 3 && e.npos == 1 && e.min_pos == 50);
    CHECK(!pb_svg_extent_wide(&e, 30)); /* not every value is positive: no log axis */
    pb_svg_scale_log(&s, &e, 100, 0);
    CHECK(s.lo == 10 && s.hi == 100);
    CHECK(!pb_svg_on_scale(&s, 0) && !pb_svg_on_scale(&s, -1) && pb_svg_on_scale(&s, 20));
    CHECK(pb_svg_map(&s, 0) == 100 && pb_svg_map(&s, -1) == 100);
    CHECK(pb_svg_map(&s, 1e6) == 0); /* clamped */

    const double spread[] = { 1, 100 };
    extent_of(&e, spread, 2);
    CHECK(pb_svg_extent_wide(&e, 30) && !pb_svg_extent_wide(&e, 300));
}

static void test_huge_and_not_finite(void)
{
    pb_svg_extent e;
    pb_svg_scale s;
    pb_svg_tick t[PB_SVG_MAX_TICKS];
    pb_svg_extent_init(&e);
    pb_svg_extent_add(&e, NAN);
    pb_svg_extent_add(&e, INFINITY);
    pb_svg_extent_add(&e, -INFINITY);
    CHECK(e.n == 0);

    const double huge[] = { -1.7e308, 1.7e308 };
    extent_of(&e, huge, 2);
    pb_svg_scale_linear(&s, &e, 1, 5, 0, 100);
    CHECK(isfinite(s.lo) && isfinite(s.hi) && isfinite(s.step) && s.lo < 0 && s.hi > 0);
    int n = ticks_of(&s, t);
    CHECK(n >= 2 && n <= 12);
    for (int i = 0; i < n; i++)
        CHECK(isfinite(t[i].value) && t[i].label[0] && !strstr(t[i].label, "inf") && !strstr(t[i].label, "nan"));

    const double tiny_to_huge[] = { 4.9e-324, 1e-300, 1e300, DBL_MAX };
    extent_of(&e, tiny_to_huge, 4);
    pb_svg_scale_log(&s, &e, 0, 100);
    CHECK(s.lo > 0 && isfinite(s.hi));
    n = ticks_of(&s, t);
    CHECK(n >= 2 && n <= 12);
    for (int i = 0; i < n; i++)
        CHECK(isfinite(t[i].value) && t[i].value > 0 && t[i].label[0]);
    CHECK(isfinite(pb_svg_map(&s, 1e-320)) && isfinite(pb_svg_map(&s, DBL_MAX)));
}

static void test_format(void)
{
    char buf[24];
    pb_svg_format(1500, 500, buf, sizeof buf);
    CHECK_STR(buf, "1.5k");
    pb_svg_format(0.001, 0, buf, sizeof buf);
    CHECK_STR(buf, "0.001");
    pb_svg_format(1e-5, 0, buf, sizeof buf);
    CHECK_STR(buf, "1e-5");
    pb_svg_format(2.5e16, 0, buf, sizeof buf);
    CHECK_STR(buf, "2.5e16");
    pb_svg_format(12345678, 0, buf, sizeof buf);
    CHECK_STR(buf, "12.3M");
    pb_svg_format(-2000, 1000, buf, sizeof buf);
    CHECK_STR(buf, "-2k");
    pb_svg_format(0.30000000000000004, 0.1, buf, sizeof buf);
    CHECK_STR(buf, "0.3");
    pb_svg_format(NAN, 0, buf, sizeof buf);
    CHECK_STR(buf, "");
    pb_svg_format(INFINITY, 1, buf, sizeof buf);
    CHECK_STR(buf, "");
}

static void plot_of(pb_svg_plot *p, int log)
{
    const double v[] = { 1, 1000 };
    pb_svg_extent e;
    extent_of(&e, v, 2);
    p->left = 50;
    p->top = 10;
    p->width = 400;
    p->height = 200;
    pb_svg_scale_linear(&p->x, &e, 1, 5, 50, 450);
    if (log)
        pb_svg_scale_log(&p->y, &e, 210, 10);
    else
        pb_svg_scale_linear(&p->y, &e, 1, 5, 210, 10);
}

static void test_shapes_never_draw_nan(void)
{
    pb_html h;
    pb_svg_plot p;
    plot_of(&p, 1);
    pb_html_init(&h);
    pb_svg_begin(&h, 500, 250, "a <chart>");
    pb_svg_axis_y(&h, &p, "GFLOP/s");
    pb_svg_axis_x(&h, &p, "threads");
    size_t before = h.len;
    pb_svg_bar(&h, &p, 60, 10, NAN, 1, 2, "s0", "nan bar");
    pb_svg_bar(&h, &p, 60, 10, 0, 1, 2, "s0", "zero on a log axis");
    pb_svg_bar(&h, &p, NAN, 10, 5, 1, 2, "s0", "nowhere");
    pb_svg_point(&h, &p, 5, -1, "s0", "x", "negative on a log axis");
    pb_svg_line(&h, 0, INFINITY, 1, 1, "edge");
    pb_svg_text(&h, NAN, 1, "start", "key", "lost", NULL);
    CHECK(h.len == before); /* none of them drew anything */
    pb_svg_bar(&h, &p, 60, 10, 50, NAN, 80, "s0", "bar without an interval");
    CHECK(!strstr(h.data + before, "class=\"err\""));
    pb_svg_bar(&h, &p, 80, 10, 50, 40, 60, "s1", "bar with one");
    CHECK(strstr(h.data + before, "class=\"err\"") != NULL);
    const double xs[] = { 1, 2, NAN, 4, 5 }, ys[] = { 10, 20, 30, 0, 50 };
    size_t line = h.len;
    pb_svg_polyline(&h, &p, xs, ys, 5, "s0", "broken line");
    /* Two pieces: 1-2, then 5 alone after the NaN and the zero. */
    int moves = 0;
    for (const char *q = h.data + line; *q; q++)
        moves += *q == 'M';
    CHECK(moves == 2);
    pb_svg_end(&h);
    CHECK(pb_html_status(&h, NULL) == PB_OK);
    CHECK(attributes_finite(h.data));
    CHECK(strstr(h.data, "<title>a &lt;chart&gt;</title>") != NULL);
    pb_html_free(&h);
}

static void test_text_is_escaped(void)
{
    pb_html h;
    pb_svg_plot p;
    plot_of(&p, 0);
    pb_html_init(&h);
    pb_svg_text(&h, 1, 2, "start", "key", "<script>alert('x')</script> & \"q\"", "t<i>");
    const char *cls[] = { "s0" }, *labels[] = { "<b>host</b>" };
    pb_svg_legend(&h, 0, 10, cls, labels, 1);
    pb_svg_point(&h, &p, 1, 1, "s0", "<1>", "<p>");
    CHECK(!strchr(h.data, '\'') && !strstr(h.data, "<script") && !strstr(h.data, "<b>") &&
          !strstr(h.data, "<i>") && !strstr(h.data, "<p>") && !strstr(h.data, "<1>"));
    CHECK(strstr(h.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;") != NULL);
    CHECK(strstr(h.data, "&lt;b&gt;host&lt;/b&gt;") != NULL);
    pb_html_free(&h);
}

static const pbtest_case tests[] = {
    { "linear_ticks", test_linear_ticks },
    { "log_ticks", test_log_ticks },
    { "empty_and_single", test_empty_and_single },
    { "log_refuses_zero_and_negative", test_log_refuses_zero_and_negative },
    { "huge_and_not_finite", test_huge_and_not_finite },
    { "format", test_format },
    { "shapes_never_draw_nan", test_shapes_never_draw_nan },
    { "text_is_escaped", test_text_is_escaped },
};

PBTEST_MAIN(tests)
