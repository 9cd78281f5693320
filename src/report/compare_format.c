/* Writing comparisons: CSV, the "parbench-compare" JSON document (docs/SCHEMA.md), and the choice
 * of format (text and Markdown are compare_text.c's). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../results/json_write.h"
#include "compare.h"
#include "compare_stats.h"
#include "compare_text.h"

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
    pb_json_number(w, "roofline_a", c->roof_a);
    pb_json_number(w, "roofline_b", c->roof_b);
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

pb_status pb_compare_write_width(const pb_comparison *cmps, int n, pb_compare_format format, int color, int width,
                                 FILE *out, pb_msg *msg)
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
            ok &= pb_compare_write_text(&cmps[i], format == PB_COMPARE_MD, color && format == PB_COMPARE_TEXT, width,
                                        out);
        }
        break;
    }
    if (!ok)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory formatting the comparison");
    if (ferror(out))
        return pb_msg_set(msg, PB_ERR_IO, "could not write the comparison");
    return PB_OK;
}

pb_status pb_compare_write(const pb_comparison *cmps, int n, pb_compare_format format, int color, FILE *out,
                           pb_msg *msg)
{
    return pb_compare_write_width(cmps, n, format, color, PB_COMPARE_WIDTH, out, msg);
}
