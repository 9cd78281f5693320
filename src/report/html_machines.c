/* The report's machines side by side (html_page.h): a row per fact of the result files, a column
 * per file. */
#include <stddef.h>
#include <stdio.h>

#include "html_page.h"

typedef void (*pb_html_cell)(const pb_html_file *f, char *buf, size_t size);

static void pb_cell_file(const pb_html_file *f, char *b, size_t n) { snprintf(b, n, "%s", f->name); }

static void pb_cell_cores(const pb_html_file *f, char *b, size_t n)
{
    const pb_machine *m = &f->set->machine;
    char usable[32];
    size_t used = (size_t)snprintf(b, n, "%d physical, %d logical%s", m->physical_cores, m->logical_cores,
                                   pb_machine_usable_text(m, usable, sizeof usable));
    for (int i = 0; i < m->nperf_levels && used < n; i++)
        used += (size_t)snprintf(b + used, n - used, "%s%d %s", i ? " + " : " (", m->perf_levels[i].cores,
                                 m->perf_levels[i].name);
    if (m->nperf_levels > 0 && used < n)
        snprintf(b + used, n - used, ")");
}

static void pb_cell_memory(const pb_html_file *f, char *b, size_t n)
{
    double gib = (double)f->set->machine.memory_bytes / (1024.0 * 1024 * 1024);
    if (gib > 0)
        snprintf(b, n, "%.1f GiB", gib);
    else
        snprintf(b, n, "unknown");
}

static void pb_cell_gpu(const pb_html_file *f, char *b, size_t n)
{
    const pb_machine *m = &f->set->machine;
    if (!m->gpu_name[0])
        snprintf(b, n, "none reported by the OS (devices below)");
    else if (m->gpu_cores > 0)
        snprintf(b, n, "%s, %d cores", m->gpu_name, m->gpu_cores);
    else
        snprintf(b, n, "%s", m->gpu_name);
}

static void pb_cell_os(const pb_html_file *f, char *b, size_t n)
{
    const pb_machine *m = &f->set->machine;
    snprintf(b, n, "%s %s\nkernel %s%s%s", m->os, m->os_version, m->kernel, m->virtualization[0] ? "\nvirtual: " : "",
             m->virtualization);
}

static void pb_cell_tool(const pb_html_file *f, char *b, size_t n)
{
    snprintf(b, n, "%s (schema %d)", f->set->tool_version, f->set->schema_version);
}

static void pb_cell_run(const pb_html_file *f, char *b, size_t n)
{
    const pb_resultset *s = f->set;
    snprintf(b, n, "preset %s, started %s%s", s->preset, s->started_at,
             s->complete ? "" : "\nINTERRUPTED: cases missing");
}

static void pb_cell_rounds(const pb_html_file *f, char *b, size_t n)
{
    const pb_resultset *s = f->set;
    if (s->max_rounds > 0)
        snprintf(b, n, "%d to %d per case", s->min_rounds, s->max_rounds);
    else
        snprintf(b, n, "one window per case (schema 1)");
}

static void pb_cell_disturbed(const pb_html_file *f, char *b, size_t n)
{
    const pb_resultset *s = f->set;
    int disturbed = 0;
    double drift;
    int df;
    for (int i = 0; i < s->nresults; i++) {
        double other, steal;
        disturbed += pb_result_disturbance(&s->results[i], &other, &steal) > 0;
    }
    size_t used = (size_t)snprintf(b, n, "%d of %d cases (other work or the hypervisor took over %.0f%% of the CPU)",
                                   disturbed, s->nresults, 100 * PB_DISTURBED_SHARE);
    if (used < n && pb_resultset_drift(s, &drift, &df))
        snprintf(b + used, n - used, "\ndrift between rounds %.1f%%", 100 * drift);
    else if (used < n)
        snprintf(b + used, n - used, "\ndrift: too few rounds to tell");
}

static void pb_cell_devices(const pb_html_file *f, char *b, size_t n)
{
    const pb_resultset *s = f->set;
    size_t used = 0;
    b[0] = '\0';
    for (int i = 0; i < s->ndevices && used < n; i++) {
        const pb_device_record *d = &s->devices[i];
        used += (size_t)snprintf(b + used, n - used, "%s%s %d: %s (%s%s)", i ? "\n" : "", d->backend, d->index,
                                 d->info.name, pb_device_type_name(d->info.type),
                                 d->info.unified_memory ? ", unified memory" : "");
    }
    if (s->ndevices == 0)
        snprintf(b, n, "none recorded");
}

static void pb_cell_ceilings(const pb_html_file *f, char *b, size_t n)
{
    const pb_resultset *s = f->set;
    size_t used = 0;
    b[0] = '\0';
    for (int i = 0; i < s->ndevices && used < n; i++) {
        const pb_device_record *d = &s->devices[i];
        char peak[24], bw[24];
        if (!d->has_ceilings)
            continue;
        pb_html_number(d->ceilings.fp32_gflops, peak, sizeof peak);
        pb_html_number(d->ceilings.bandwidth_gbs, bw, sizeof bw);
        used += (size_t)snprintf(b + used, n - used, "%s%s %d: %s GFLOP/s fp32, %s GB/s", used ? "\n" : "",
                                 d->backend, d->index, peak, bw);
    }
    if (used == 0)
        snprintf(b, n, "not measured");
}

void pb_html_machines(pb_html *h, const pb_html_page *page)
{
    /* A row shows a string of the result file (at `text` in pb_resultset) or what `cell` writes. */
#define PB_TEXT(field) offsetof(pb_resultset, field), NULL
#define PB_CELL(fn) 0, fn
    static const struct {
        const char *label;
        size_t text;
        pb_html_cell cell;
    } rows[] = {
        { "file", PB_CELL(pb_cell_file) },
        { "label", PB_TEXT(machine.label) },
        { "host name", PB_TEXT(machine.hostname) },
        { "CPU", PB_TEXT(machine.cpu_model) },
        { "cores", PB_CELL(pb_cell_cores) },
        { "memory", PB_CELL(pb_cell_memory) },
        { "GPU", PB_CELL(pb_cell_gpu) },
        { "OS", PB_CELL(pb_cell_os) },
        { "architecture", PB_TEXT(machine.arch) },
        { "power", PB_TEXT(machine.power_source) },
        { "parbench", PB_CELL(pb_cell_tool) },
        { "compiler", PB_TEXT(compiler) },
        { "flags", PB_TEXT(cflags) },
        { "backends built", PB_TEXT(backends_built) },
        { "run", PB_CELL(pb_cell_run) },
        { "rounds", PB_CELL(pb_cell_rounds) },
        { "disturbed", PB_CELL(pb_cell_disturbed) },
        { "devices", PB_CELL(pb_cell_devices) },
        { "ceilings", PB_CELL(pb_cell_ceilings) },
    };
#undef PB_TEXT
#undef PB_CELL
    char cell[2048];
    pb_html_raw(h, "<section id=\"machines\">\n<h2>Machines</h2>\n<div class=\"scroll\"><table>\n<tr><th></th>");
    for (int f = 0; f < page->nfiles; f++) {
        pb_html_raw(h, "<th>");
        pb_html_textf(h, "%s: %s", page->files[f].tag, pb_html_machine(page->files[f].set));
        pb_html_raw(h, "</th>");
    }
    pb_html_raw(h, "</tr>\n");
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        pb_html_raw(h, "<tr><th>");
        pb_html_text(h, rows[r].label);
        pb_html_raw(h, "</th>");
        for (int f = 0; f < page->nfiles; f++) {
            if (rows[r].cell)
                rows[r].cell(&page->files[f], cell, sizeof cell);
            else
                snprintf(cell, sizeof cell, "%s", (const char *)page->files[f].set + rows[r].text);
            pb_html_raw(h, "<td class=\"lines\">");
            pb_html_text(h, cell);
            pb_html_raw(h, "</td>");
        }
        pb_html_raw(h, "</tr>\n");
    }
    pb_html_raw(h, "</table></div>\n</section>\n");
}

