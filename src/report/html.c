/* The HTML report's page (html.h): its frame and style, the summary of each comparison with the
 * verdict rules, and every case's verification; the machines are in html_machines.c, the charts in
 * html_charts.c and html_plots.c. */
#include "html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buildinfo.h"
#include "../core/stats.h"
#include "../results/sweep_table.h"
#include "compare_words.h"
#include "html_page.h"
#include "svg.h"

/* Bounds of believable numbers that the reader leaves unchecked. A rate's is the reader's own for
 * stored rates (PB_RESULT_MAX_RATE); a count's is far beyond any problem a preset holds. */
#define PB_HTML_MAX_COUNT 1e21  /* FLOPs, bytes or work per launch */

/* ---- what the parts share -------------------------------------------------------------------- */

const char *pb_html_machine(const pb_resultset *set)
{
    const pb_machine *m = &set->machine;
    return m->label[0] ? m->label : m->hostname[0] ? m->hostname : "unnamed machine";
}

/* Okabe and Ito's colours, which stay apart for the common kinds of colour blindness. */
static const char *const pb_html_colours[PB_HTML_MAX_FILES] = {
    "#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#999933", "#555555",
};

const char *pb_html_series(int i)
{
    static const char *const names[PB_HTML_MAX_FILES] = { "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7" };
    return names[i % PB_HTML_MAX_FILES];
}

int pb_html_failed(const pb_result *r) { return r->status == PB_CASE_FAILED || (r->has_check && !r->check.ok); }

double pb_html_median(const pb_result *r)
{
    if (r->status != PB_CASE_OK)
        return NAN;
    if (r->nsamples == 0)
        return r->median_s > 0 ? r->median_s : NAN;
    double *tmp = malloc((size_t)r->nsamples * sizeof *tmp);
    if (!tmp)
        return NAN;
    memcpy(tmp, r->samples_s, (size_t)r->nsamples * sizeof *tmp);
    double median = pb_stats_median_inplace(tmp, (size_t)r->nsamples);
    free(tmp);
    return median > 0 ? median : NAN;
}

double pb_html_rate(const pb_result *r)
{
    double rate = pb_stats_rate(r->work, pb_html_median(r));
    return rate > 0 ? rate : r->status == PB_CASE_OK && r->rate_value > 0 ? r->rate_value : NAN;
}

void pb_html_case_name(const pb_result *r, char *buf, size_t size)
{
    char dims[96];
    pb_compare_size_text(r, dims, sizeof dims);
    if (r->threads > 0)
        snprintf(buf, size, "%s %s (%s, %d thread%s) %s", r->workload, r->role, r->backend, r->threads,
                 r->threads == 1 ? "" : "s", dims);
    else
        snprintf(buf, size, "%s %s (%s device %d) %s", r->workload, r->role, r->backend, r->device, dims);
}

void pb_html_number(double v, char *buf, size_t size)
{
    pb_svg_format(v, 0, buf, size);
    if (!buf[0])
        snprintf(buf, size, "n/a");
}

static int pb_html_add_workloads(const pb_resultset *set, const char **out, int n)
{
    for (int i = 0; i < set->nresults; i++) {
        int seen = 0;
        for (int k = 0; k < n && !seen; k++)
            seen = strcmp(out[k], set->results[i].workload) == 0;
        if (!seen)
            out[n++] = set->results[i].workload;
    }
    return n;
}

const char **pb_html_workload_names(pb_html *h, const pb_html_page *page, int file, int *n)
{
    size_t room = 1;
    for (int f = 0; f < page->nfiles; f++)
        room += (size_t)page->files[f].set->nresults;
    const char **names = malloc(room * sizeof *names);
    *n = 0;
    if (!names) {
        h->nomem = 1;
        return NULL;
    }
    for (int f = 0; f < page->nfiles; f++)
        if (file == f || (file < 0 && !page->files[f].sweep))
            *n = pb_html_add_workloads(page->files[f].set, names, *n);
    return names;
}

/* ---- believable numbers ---------------------------------------------------------------------- */

/* 1 when v is unknown (NaN: null in the file) or a finite number in [0, max]. */
static int pb_html_believable(double v, double max) { return isnan(v) || (v >= 0 && v <= max); }

static pb_status pb_html_refuse(const char *name, const char *what, double v, pb_msg *msg)
{
    return pb_msg_set(msg, PB_ERR_INPUT,
                      "%s: %s of %g is not believable: the file is corrupted or was edited; use the file "
                      "parbench wrote",
                      name, what, v);
}

/* Refuses what the reader leaves unchecked and the page would draw: counts, rates recomputed from
 * the samples, and the ceilings. */
static pb_status pb_html_check_set(const pb_resultset *set, const char *name, pb_msg *msg)
{
    char what[320], label[200];
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        const double counts[] = { r->flops, r->bytes, r->work };
        static const char *const count_names[] = { "flops", "bytes", "work" };
        pb_html_case_name(r, label, sizeof label);
        for (int k = 0; k < 3; k++) {
            if (pb_html_believable(counts[k], PB_HTML_MAX_COUNT))
                continue;
            snprintf(what, sizeof what, "results[%d] (%s): %s per launch", i, label, count_names[k]);
            return pb_html_refuse(name, what, counts[k], msg);
        }
        double rate = pb_html_rate(r);
        if (!pb_html_believable(rate, PB_RESULT_MAX_RATE)) {
            snprintf(what, sizeof what, "results[%d] (%s): a rate from its samples", i, label);
            return pb_html_refuse(name, what, rate, msg);
        }
    }
    for (int i = 0; i < set->ndevices; i++) {
        const pb_device_record *d = &set->devices[i];
        const pb_ceilings *c = &d->ceilings;
        const double v[] = { c->fp32_gflops, c->bandwidth_gbs, c->read_gbs, c->triad_gbs, c->triad_nt_gbs };
        static const char *const names[] = { "fp32_gflops", "bandwidth_gbs", "read_gbs", "triad_gbs",
                                             "triad_nt_gbs" };
        for (int k = 0; d->has_ceilings && k < 5; k++) {
            if (pb_html_believable(v[k], PB_RESULT_MAX_RATE))
                continue;
            snprintf(what, sizeof what, "devices[%d] (%.24s %d): ceilings.%s", i, d->backend, d->index, names[k]);
            return pb_html_refuse(name, what, v[k], msg);
        }
    }
    return PB_OK;
}

/* ---- the frame ------------------------------------------------------------------------------- */

static const char pb_html_style[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:1100px;"
    "padding:0 12px 40px;color:#1a1a1a;background:#fff}\n"
    "h1{font-size:1.5em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.8em}\n"
    "h3{font-size:1.05em;margin:1.2em 0 .4em}nav a{margin-right:.8em}.note{color:#444;font-size:.92em}\n"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.88em;margin:.4em 0}\n"
    "th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}td.lines{white-space:pre-line}\n"
    ".faster{color:#006b3c;font-weight:600}.slower{color:#a30000;font-weight:600}.bad{color:#a30000}\n"
    "ul.warn li{color:#7a4a00}\n"
    "figure{margin:1.2em 0;break-inside:avoid}figcaption{font-size:.9em;color:#333;margin-top:.3em}\n"
    "svg{width:100%;height:auto;display:block;font-size:11px}svg text{fill:#222}\n"
    "svg .grid{stroke:#d8d8d8}svg .minor{stroke:#efefef}svg .edge{stroke:#555}svg .title{font-weight:600}\n"
    "svg .err{stroke:#111;stroke-width:1.3;fill:none}svg .mark{fill:#a30000;font-style:italic}\n"
    "svg .tag{fill:#555;font-size:10px}svg .roof{stroke:#333;stroke-width:1.6}svg .dash{stroke-dasharray:5 4}\n"
    "svg .cross{stroke:#a30000;stroke-dasharray:3 3}svg .ideal{stroke:#999;stroke-dasharray:4 4}\n";

static void pb_html_head(pb_html *h, const pb_html_page *page)
{
    pb_html_raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   /* The page loads nothing and runs nothing: the browser enforces what the writer promises. */
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'\">\n");
    pb_html_rawf(h, "<meta name=\"generator\" content=\"parbench %s\">\n<title>parbench report: ", pb_build_version());
    for (int f = 0; f < page->nfiles; f++)
        pb_html_textf(h, "%s%s", f ? ", " : "", pb_html_machine(page->files[f].set));
    pb_html_raw(h, "</title>\n<style>\n");
    pb_html_raw(h, pb_html_style);
    for (int i = 0; i < PB_HTML_MAX_FILES; i++)
        pb_html_rawf(h, "svg .%s{fill:%s;stroke:%s}", pb_html_series(i), pb_html_colours[i], pb_html_colours[i]);
    pb_html_raw(h, "\nsvg .line{fill:none;stroke-width:2}svg .bar rect,svg .swatch{stroke:none}\n"
                   "svg .pt circle{stroke:#fff;stroke-width:1}\n"
                   "@media (max-width:640px){body{font-size:14px;padding:0 6px}svg{font-size:13px}}\n"
                   "@media print{body{max-width:none;font-size:10pt;padding:0}nav{display:none}"
                   "a{color:inherit;text-decoration:none}h2{break-after:avoid}table,figure{break-inside:avoid}"
                   ".scroll{overflow:visible}}\n</style>\n</head>\n<body>\n");
}

static void pb_html_header(pb_html *h, const pb_html_page *page)
{
    pb_html_raw(h, "<header>\n<h1>parbench report</h1>\n<p class=\"note\">");
    for (int f = 0; f < page->nfiles; f++) {
        const pb_html_file *file = &page->files[f];
        pb_html_textf(h, "%s%s = %s (%s)", f ? "; " : "", file->tag, pb_html_machine(file->set), file->name);
    }
    pb_html_textf(h, ". Written by parbench %s from %d result file%s; it loads nothing from the network and "
                     "reads the same printed.",
                  pb_build_version(), page->nfiles, page->nfiles == 1 ? "" : "s");
    pb_html_raw(h, "</p>\n<nav><a href=\"#machines\">Machines</a>\n<a href=\"#summary\">Summary</a>\n"
                   "<a href=\"#workloads\">Workloads</a>\n<a href=\"#roofline\">Roofline</a>\n"
                   "<a href=\"#scaling\">Scaling</a>\n<a href=\"#sweep\">Sweep</a>\n"
                   "<a href=\"#verification\">Verification</a></nav>\n</header>\n");
}

/* ---- the summary ----------------------------------------------------------------------------- */

static const char *pb_verdict_class(pb_verdict v)
{
    return v == PB_VERDICT_FASTER ? "faster" : v == PB_VERDICT_SLOWER ? "slower" : v == PB_VERDICT_FAILED ? "bad" : "";
}

static void pb_html_cell_text(pb_html *h, const char *cls, const char *text)
{
    pb_html_rawf(h, "<td class=\"%s\">", cls);
    pb_html_text(h, text);
    pb_html_raw(h, "</td>");
}

static void pb_html_groups(pb_html *h, const pb_comparison *cmp, const char *b, const char *a)
{
    char speed[48], interval[48];
    pb_html_rawf(h, "<div class=\"scroll\"><table>\n<tr><th>role</th><th>cases</th><th>%s vs %s (geometric mean)</th>"
                    "<th>95%% interval</th><th>verdict</th></tr>\n", b, a);
    for (int g = 0; g < cmp->ngroups; g++) {
        const pb_compare_group *grp = &cmp->groups[g];
        pb_compare_speed_text(grp->geomean, speed, sizeof speed);
        pb_compare_interval_text(grp->geomean, grp->ci_low, grp->ci_high, interval, sizeof interval);
        pb_html_raw(h, "<tr>");
        pb_html_cell_text(h, "", pb_compare_role_label(grp->role));
        pb_html_rawf(h, "<td class=\"num\">%d</td>", grp->ncases);
        pb_html_cell_text(h, "num", speed);
        pb_html_cell_text(h, "num", interval);
        pb_html_cell_text(h, pb_verdict_class(grp->verdict), pb_compare_verdict_words(grp->verdict));
        pb_html_raw(h, "</tr>\n");
    }
    if (cmp->ngroups == 0)
        pb_html_raw(h, "<tr><td colspan=\"5\">no role has a case with an interval on both sides</td></tr>\n");
    pb_html_raw(h, "</table></div>\n");
}

static void pb_html_cases(pb_html *h, const pb_comparison *cmp, const char *b, const char *a)
{
    char name[200], ra[24], rb[24], speed[48], interval[48];
    pb_html_rawf(h, "<div class=\"scroll\"><table>\n<tr><th>case</th><th>%s</th><th>%s</th><th>unit</th>"
                    "<th>%s vs %s</th><th>95%% interval</th><th>verdict</th></tr>\n", a, b, b, a);
    for (int i = 0; i < cmp->ncases; i++) {
        const pb_compare_case *c = &cmp->cases[i];
        pb_html_case_name(c->a, name, sizeof name);
        pb_html_number(c->rate_a, ra, sizeof ra);
        pb_html_number(c->rate_b, rb, sizeof rb);
        pb_compare_speed_text(c->ratio, speed, sizeof speed);
        pb_compare_interval_text(c->ratio, c->ci_low, c->ci_high, interval, sizeof interval);
        pb_html_raw(h, "<tr>");
        pb_html_cell_text(h, "", name);
        pb_html_cell_text(h, "num", ra);
        pb_html_cell_text(h, "num", rb);
        pb_html_cell_text(h, "", c->a->rate_unit);
        pb_html_cell_text(h, "num", speed);
        pb_html_cell_text(h, "num", interval);
        pb_html_cell_text(h, pb_verdict_class(c->verdict), pb_compare_verdict_words(c->verdict));
        pb_html_raw(h, "</tr>\n");
    }
    pb_html_raw(h, "</table></div>\n");
}

static void pb_html_comparison(pb_html *h, const pb_html_page *page, const pb_html_file *file)
{
    const pb_html_file *base = &page->files[page->baseline];
    const pb_comparison *cmp = file->cmp;
    pb_html_raw(h, "<h3>");
    pb_html_textf(h, "%s: %s against %s: %s", file->tag, pb_html_machine(file->set), base->tag,
                  pb_html_machine(base->set));
    pb_html_raw(h, "</h3>\n");
    pb_html_groups(h, cmp, file->tag, base->tag);
    if (cmp->nwarnings > 0) {
        pb_html_raw(h, "<p class=\"note\">");
        pb_html_textf(h, "Before reading the numbers (in these notes A is %s: %s and B is %s: %s):", base->tag,
                      pb_html_machine(base->set), file->tag, pb_html_machine(file->set));
        pb_html_raw(h, "</p>\n<ul class=\"warn\">\n");
        for (int i = 0; i < cmp->nwarnings; i++) {
            pb_html_raw(h, "<li>");
            pb_html_text(h, cmp->warnings[i]);
            pb_html_raw(h, "</li>\n");
        }
        pb_html_raw(h, "</ul>\n");
    }
    pb_html_cases(h, cmp, file->tag, base->tag);
    if (cmp->nonly_a + cmp->nonly_b > 0)
        pb_html_rawf(h, "<p class=\"note\">%d case%s only in %s and %d only in %s: not compared.</p>\n",
                     cmp->nonly_a, cmp->nonly_a == 1 ? "" : "s", base->tag, cmp->nonly_b, file->tag);
}

static void pb_html_summary(pb_html *h, const pb_html_page *page)
{
    pb_html_raw(h, "<section id=\"summary\">\n<h2>Summary</h2>\n<p class=\"rules\">");
    pb_html_textf(h, "Each ratio is a machine's speed relative to the baseline%s%s (the baseline's median "
                     "time over the machine's), with a 95%% interval built from the rounds of both runs, so that "
                     "it holds the machines' noise from round to round and not just the scatter of back-to-back "
                     "samples. A verdict is faster or slower only when the whole interval lies beyond the %g%% "
                     "threshold, no noticeable difference when it lies within it, and too noisy to say when it "
                     "reaches across; a case that failed verification or did not run is never compared.",
                  page->baseline >= 0 ? " " : "", page->baseline >= 0 ? page->files[page->baseline].tag : "",
                  100 * page->threshold);
    pb_html_raw(h, "</p>\n");
    int compared = 0;
    for (int f = 0; f < page->nfiles; f++)
        if (page->files[f].cmp) {
            pb_html_comparison(h, page, &page->files[f]);
            compared++;
        }
    if (compared == 0)
        pb_html_raw(h, "<p class=\"note\">One run: nothing to compare it with. Give <code>parbench report</code> "
                       "another machine's result file to compare the two.</p>\n");
    pb_html_raw(h, "</section>\n");
}

/* ---- verification ---------------------------------------------------------------------------- */

static void pb_html_verify_row(pb_html *h, const pb_result *r)
{
    char name[200], err[24], tol[24], why[160];
    pb_html_case_name(r, name, sizeof name);
    pb_html_raw(h, "<tr>");
    pb_html_cell_text(h, "", name);
    pb_html_cell_text(h, r->status == PB_CASE_OK ? "" : "bad", pb_case_status_name(r->status));
    if (r->has_check) {
        pb_html_number(r->check.max_err, err, sizeof err);
        pb_html_number(r->check.tolerance, tol, sizeof tol);
        pb_html_cell_text(h, "", r->check.method);
        pb_html_cell_text(h, "num", err);
        pb_html_cell_text(h, "num", tol);
        pb_html_cell_text(h, r->check.ok ? "" : "bad", r->check.ok ? "verified" : "WRONG RESULT");
    } else {
        pb_html_raw(h, "<td></td><td></td><td></td>");
        pb_html_cell_text(h, "", r->status == PB_CASE_OK ? "not checked" : "not run");
    }
    if (!pb_result_consistent(r, why, sizeof why))
        pb_html_cell_text(h, "bad", why);
    else
        pb_html_cell_text(h, "", r->reason);
    pb_html_raw(h, "</tr>\n");
}

static void pb_html_verification(pb_html *h, const pb_html_page *page)
{
    pb_html_raw(h, "<section id=\"verification\">\n<h2>Verification</h2>\n<p class=\"note\">Every measured "
                   "configuration was checked against a reference; a case that did not verify is reported as "
                   "failed and never drawn or compared. The error is in the units of its tolerance.</p>\n");
    for (int f = 0; f < page->nfiles; f++) {
        const pb_html_file *file = &page->files[f];
        pb_html_raw(h, "<h3>");
        pb_html_textf(h, "%s: %s", file->tag, pb_html_machine(file->set));
        pb_html_raw(h, "</h3>\n<div class=\"scroll\"><table>\n<tr><th>case</th><th>status</th><th>check</th>"
                       "<th>max error</th><th>tolerance</th><th>result</th><th>note</th></tr>\n");
        for (int i = 0; i < file->set->nresults; i++)
            pb_html_verify_row(h, &file->set->results[i]);
        pb_html_raw(h, "</table></div>\n");
    }
    pb_html_raw(h, "</section>\n");
}

/* ---- the page -------------------------------------------------------------------------------- */

static pb_status pb_html_compare_all(pb_html_page *page, pb_comparison *cmps, pb_msg *msg)
{
    const pb_html_file *base = page->baseline >= 0 ? &page->files[page->baseline] : NULL;
    for (int f = 0; base && f < page->nfiles; f++) {
        pb_html_file *file = &page->files[f];
        if (f == page->baseline || file->sweep)
            continue;
        pb_status st = pb_compare_build(base->set, base->name, file->set, file->name, page->threshold, &cmps[f], msg);
        if (st != PB_OK)
            return st;
        file->cmp = &cmps[f];
    }
    return PB_OK;
}

pb_status pb_html_report(const pb_resultset *sets, const char *const *names, int n, double threshold, pb_html *out,
                         pb_msg *msg)
{
    if (n < 1 || n > PB_HTML_MAX_FILES)
        return pb_msg_set(msg, PB_ERR_USAGE, "a report takes 1 to %d result files; got %d", PB_HTML_MAX_FILES, n);
    pb_html_page page;
    memset(&page, 0, sizeof page);
    page.nfiles = n;
    page.baseline = -1;
    page.threshold = threshold;
    for (int f = 0; f < n; f++) {
        pb_status st = pb_html_check_set(&sets[f], names[f], msg);
        if (st != PB_OK)
            return st;
        pb_html_file *file = &page.files[f];
        file->set = &sets[f];
        file->name = names[f];
        file->tag[0] = (char)('A' + f);
        file->sweep = strcmp(sets[f].preset, PB_SWEEP_PRESET) == 0;
        if (page.baseline < 0 && !file->sweep)
            page.baseline = f;
    }
    pb_comparison cmps[PB_HTML_MAX_FILES];
    memset(cmps, 0, sizeof cmps);
    pb_status st = pb_html_compare_all(&page, cmps, msg);
    if (st == PB_OK) {
        pb_html_head(out, &page);
        pb_html_header(out, &page);
        pb_html_machines(out, &page);
        pb_html_summary(out, &page);
        pb_html_workloads(out, &page);
        pb_html_roofline(out, &page);
        pb_html_scaling(out, &page);
        pb_html_sweep(out, &page);
        pb_html_verification(out, &page);
        pb_html_raw(out, "</body>\n</html>\n");
        st = pb_html_status(out, msg);
    }
    for (int f = 0; f < n; f++)
        pb_comparison_free(&cmps[f]);
    return st;
}
