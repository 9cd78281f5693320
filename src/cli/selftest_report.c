/* `parbench selftest --report FILE`: one Markdown file with the build, the machine, every backend's
 * device facts and notes, and every case's verification and timer check (selftest_report.h). */
#include "selftest_report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/buildinfo.h"
#include "../core/stats.h"
#include "cli.h"

pb_status pb_report_open(pb_report_file *f, const char *path, pb_msg *why)
{
    struct stat st;
    memset(f, 0, sizeof *f);
    if (!path[0])
        return pb_msg_set(why, PB_ERR_USAGE, "--report needs a file name, e.g. --report selftest.md");
    if (strlen(path) >= sizeof f->file.path)
        return pb_msg_set(why, PB_ERR_USAGE, "the report path is too long (at most %zu characters)",
                          sizeof f->file.path - 1);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return pb_msg_set(why, PB_ERR_USAGE, "cannot write the report to '%s': it is a directory; name a file in it, "
                          "e.g. %s/selftest.md", path, path);
    int err = pb_atomic_open(&f->file, path);
    if (err != 0)
        return pb_msg_set(why, PB_ERR_USAGE, "cannot write the report to '%s': %s; choose a path in a directory "
                          "you can write to", path, strerror(err));
    return PB_OK;
}

void pb_report_discard(pb_report_file *f)
{
    pb_atomic_discard(&f->file);
}

/* A table cell: '|' escaped and line breaks flattened, so any text stays in its cell. */
static void pb_md_cell(FILE *out, const char *text)
{
    fputs("| ", out);
    for (const char *p = text; *p; p++) {
        if (*p == '|')
            fputs("\\|", out);
        else
            fputc(*p == '\n' || *p == '\r' ? ' ' : *p, out);
    }
    fputc(' ', out);
}

static double pb_median_of(const double *values, int n)
{
    pb_summary s;
    if (!values || n < 1)
        return 0;
    pb_stats_summarise(values, (size_t)n, &s);
    return s.median;
}

static void pb_report_build(FILE *out)
{
    fprintf(out, "## Build\n\n- version: %s\n- compiler: %s\n- flags: `%s`\n- backends built: %s\n\n",
            pb_build_version(), pb_build_compiler(), pb_build_cflags(), pb_build_backends());
}

static void pb_report_machine(FILE *out, const pb_machine *m)
{
    fprintf(out, "## Machine\n\n- os: %s %s (kernel %s), arch %s\n- cpu: %s, %d logical / %d physical cores; "
                 "%d usable ('all' for --threads)\n- simd: %s\n",
            m->os, m->os_version, m->kernel, m->arch, m->cpu_model, m->logical_cores, m->physical_cores,
            pb_fingerprint_online_cpus(), m->simd[0] ? m->simd : "unknown");
    if (m->nperf_levels == 0)
        fprintf(out, "- performance levels: none reported (one kind of core, or the OS does not say)\n");
    for (int i = 0; i < m->nperf_levels; i++)
        fprintf(out, "- performance level %d (%s): %d cores, %d logical\n", i, m->perf_levels[i].name,
                m->perf_levels[i].cores, m->perf_levels[i].logical_cores);
    fprintf(out, "- caches: L1d %lld, L2 %lld, L3 %lld bytes (0: unknown)\n- memory: %llu bytes; power: %s%s%s\n",
            (long long)m->l1d_bytes, (long long)m->l2_bytes, (long long)m->l3_bytes,
            (unsigned long long)m->memory_bytes, m->power_source, m->virtualization[0] ? "; virtualization: " : "",
            m->virtualization);
    if (m->gpu_name[0])
        fprintf(out, "- gpu (from the OS): %s, %d cores\n", m->gpu_name, m->gpu_cores);
    fputc('\n', out);
}

static void pb_report_device(FILE *out, int index, const pb_device_info *d)
{
    fprintf(out, "- device %d: **%s** [%s]\n  - vendor: %s; api: %s; driver: %s\n"
                 "  - compute units %d; clock %.0f MHz; memory %llu bytes; largest buffer %llu bytes; %s memory\n",
            index, d->name, pb_device_type_name(d->type), d->vendor[0] ? d->vendor : "unknown",
            d->api_version[0] ? d->api_version : "unknown", d->driver_version[0] ? d->driver_version : "unknown",
            d->compute_units, d->clock_mhz, (unsigned long long)d->memory_bytes,
            (unsigned long long)d->max_alloc_bytes, d->unified_memory ? "unified" : "separate");
    if (d->extra[0])
        fprintf(out, "  - %s\n", d->extra);
}

/* Device facts are read after the cases ran: a GPU backend's compile facts exist only then. */
static void pb_report_backends(FILE *out, const pb_session *session)
{
    fprintf(out, "## Backends\n\n");
    for (int s = 0; s < session->nslots; s++) {
        const pb_backend_slot *slot = &session->slots[s];
        if (!slot->ctx) {
            fprintf(out, "### %s: not available\n\n%s\n\n", slot->entry->name, slot->why.text);
            continue;
        }
        const pb_backend *b = slot->entry->backend;
        fprintf(out, "### %s: %s\n\n", slot->entry->name, b->summary);
        int n = b->device_count(slot->ctx);
        for (int d = 0; d < n; d++) {
            pb_device_info info;
            memset(&info, 0, sizeof info);
            if (b->device_info(slot->ctx, d, &info) == PB_OK)
                pb_report_device(out, d, &info);
            else
                fprintf(out, "- device %d: its facts could not be read\n", d);
        }
        /* describe() may span lines (compile logs): a fenced block keeps it verbatim. */
        if (b->describe)
            fprintf(out, "\nNotes (with the compile log where the backend keeps one):\n\n```\n%s\n```\n",
                     b->describe(slot->ctx));
        fputc('\n', out);
    }
}

/* The device timer against the host clock, for a case that took a timed sample. */
static void pb_report_timer(FILE *out, const pb_result *r)
{
    char text[512];
    const double main_s = pb_median_of(r->samples_s, r->nsamples);
    const double other_s = pb_median_of(r->other_clock_s, r->nother_clock);
    if (r->nsamples == 0)
        snprintf(text, sizeof text, "no timed sample (verify only)");
    else if (r->nother_clock == 0)
        snprintf(text, sizeof text, "host clock only: %.3g s per launch (no device timer)", main_s);
    else {
        const int device = strcmp(r->timer, "device") == 0;
        const double dev = device ? main_s : other_s, host = device ? other_s : main_s;
        snprintf(text, sizeof text, "device %.3g s, host %.3g s per launch (device/host %.2f); timer used: %s%s%s",
                 dev, host, host > 0 ? dev / host : 0.0, r->timer, r->timer_note[0] ? ", because " : "",
                 r->timer_note);
    }
    pb_md_cell(out, text);
    if (r->ne2e > 0) {
        snprintf(text, sizeof text, "%.3g s", r->e2e_median_s);
        pb_md_cell(out, text);
    } else {
        pb_md_cell(out, "");
    }
}

static void pb_report_cases(FILE *out, const pb_resultset *set, const char *const *who)
{
    int passed = 0;
    for (int i = 0; i < set->nresults; i++)
        passed += set->results[i].status == PB_CASE_OK;
    fprintf(out, "## Cases\n\n%d passed, %d failed. Every case ran once at tiny size and was verified; a case on a "
                 "device backend also took one short timed sample on both clocks (its time at this size is "
                 "launch overhead, not a rate).\n\n",
            passed, set->nresults - passed);
    fprintf(out, "| workload | case | status | verification | device vs host time | end to end |\n"
                 "|---|---|---|---|---|---|\n");
    for (int i = 0; i < set->nresults; i++) {
        const pb_result *r = &set->results[i];
        char check[512];
        if (r->has_check)
            snprintf(check, sizeof check, "%s: error %.3g, tolerance %.3g (%s)", r->check.ok ? "ok" : "WRONG",
                     r->check.max_err, r->check.tolerance, r->check.method);
        else
            snprintf(check, sizeof check, "not checked");
        pb_md_cell(out, r->workload);
        pb_md_cell(out, who[i]);
        char status[600];
        snprintf(status, sizeof status, "%s%s%s", pb_case_status_name(r->status), r->reason[0] ? ": " : "",
                 r->reason);
        pb_md_cell(out, status);
        pb_md_cell(out, check);
        pb_report_timer(out, r);
        fputs("|\n", out);
    }
    fputc('\n', out);
}

pb_status pb_report_write(pb_report_file *f, const pb_session *session, const pb_resultset *set,
                          const char *const *who, pb_msg *why)
{
    FILE *out = f->file.out;
    fprintf(out, "# parbench selftest report\n\nparbench %s, %s. Attach this file to an issue in parbench's "
                 "tracker; messages printed to the terminal during the selftest (a compiler's full log, for one) "
                 "are not in it, so paste those too.\n\n",
            pb_build_version(), set->started_at);
    pb_report_build(out);
    pb_report_machine(out, &set->machine);
    pb_report_backends(out, session);
    pb_report_cases(out, set, who);
    int err = pb_atomic_commit(&f->file, ferror(out) ? EIO : 0);
    if (err != 0)
        return pb_msg_set(why, PB_ERR_IO, "writing the report to '%s' failed: %s", f->file.path, strerror(err));
    return PB_OK;
}
