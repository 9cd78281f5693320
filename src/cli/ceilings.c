/* The run's ceiling probes (ceilings.h): sizes per preset, the calls into the cpu backend's probes
 * and into the GPU backends' ceilings slots, and where their numbers go in the result file. */
#include "ceilings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../backends/cpu/cpu_ceiling.h"

#define MIB ((size_t)1 << 20)

/* Per preset (tiny, quick, standard, large): seconds of each FMA measurement and passes of each
 * bandwidth kernel. Tiny (the tests' size) uses arrays of PB_TINY_ARRAY, which may sit in a cache;
 * the others four times the last-level cache (at least 128 MiB, at most 512 MiB and 1/16 of memory). */
static const double pb_ceiling_fma_s[PB_PRESET_COUNT] = { 0.05, 0.1, 0.25, 0.25 };
static const int pb_ceiling_repeats[PB_PRESET_COUNT] = { 2, 3, 8, 8 };
#define PB_TINY_ARRAY (8 * MIB)

static size_t pb_ceiling_array_bytes(pb_preset preset, const pb_machine *m)
{
    if (preset == PB_PRESET_TINY)
        return PB_TINY_ARRAY;
    int64_t llc = pb_fingerprint_llc_bytes(m);
    size_t bytes = llc > 0 ? 4 * (size_t)llc : 128 * MIB;
    bytes = bytes < 128 * MIB ? 128 * MIB : bytes > 512 * MIB ? 512 * MIB : bytes;
    if (m->memory_bytes > 0 && bytes > m->memory_bytes / 16)
        bytes = m->memory_bytes / 16 > 4 * MIB ? (size_t)(m->memory_bytes / 16) : 4 * MIB;
    return bytes;
}

pb_status pb_cli_ceilings_measure(pb_pool *pool, int threads, pb_preset preset, const pb_machine *m,
                                  pb_ceilings *out, pb_msg *msg)
{
    pb_cpu_ceiling_opts o = { threads, pb_ceiling_fma_s[preset], pb_ceiling_array_bytes(preset, m),
                              pb_ceiling_repeats[preset] };
    pb_cpu_ceiling_result r;
    pb_status st = pb_cpu_ceiling_measure(pool, &o, &r, msg);
    if (st != PB_OK)
        return st;
    pb_ceilings c;
    memset(&c, 0, sizeof c);
    c.fp32_gflops = r.fp32_gflops;
    c.bandwidth_gbs = r.bandwidth_gbs;
    c.read_gbs = r.read_gbs;
    c.triad_gbs = r.triad_gbs;
    c.triad_nt_gbs = r.triad_nt_gbs;
    c.threads = threads;
    c.seconds = r.seconds;
    snprintf(c.method, sizeof c.method,
             "%d fp32 FMA chains x %d lanes per thread; best of read, triad, triad with non-temporal stores over "
             "3 x %zu MiB%s",
             PB_CEILING_CHAINS, r.lanes, o.array_bytes / MIB,
             preset == PB_PRESET_TINY ? " (tiny preset: the arrays may sit in a cache)" : "");
    *out = c;
    return PB_OK;
}

static int pb_on_host(const char *backend) { return strcmp(backend, "cpu") == 0 || strcmp(backend, "blas") == 0; }

int pb_cli_ceilings_wanted(const pb_session *session)
{
    for (int s = 0; s < session->nslots; s++)
        if (session->slots[s].ctx && pb_on_host(session->slots[s].entry->name))
            return 1;
    return 0;
}

void pb_cli_ceilings_attach(pb_resultset *set, const pb_ceilings *c)
{
    for (int i = 0; i < set->ndevices; i++) {
        pb_device_record *d = &set->devices[i];
        if (pb_on_host(d->backend)) {
            d->has_ceilings = 1;
            d->ceilings = *c;
        }
    }
}

void pb_cli_ceilings_print(const pb_ceilings *c, FILE *out)
{
    /* Two lines, each within 80 columns. */
    fprintf(out, "CPU ceilings on %d thread%s: %.0f GFLOP/s fp32 FMA, %.1f GB/s memory\n"
                 "  (read %.1f, triad %.1f, non-temporal triad %.1f GB/s; measured in %.1f s)\n",
            c->threads, c->threads == 1 ? "" : "s", c->fp32_gflops, c->bandwidth_gbs, c->read_gbs, c->triad_gbs,
            c->triad_nt_gbs, c->seconds);
}

/* The entry for device `index` of `backend`, or NULL. */
static const pb_cli_device_ceiling *pb_cli_device_find(const pb_cli_device_ceilings *got, const char *backend,
                                                       int index)
{
    for (int i = 0; i < got->n; i++)
        if (got->items[i].index == index && strcmp(got->items[i].backend, backend) == 0)
            return &got->items[i];
    return NULL;
}

/* Measures device `index` of slot `slot` into a new entry of `got`, and says what came of it. */
static void pb_cli_device_measure(const pb_backend_slot *slot, int index, pb_preset preset, FILE *out,
                                  pb_cli_device_ceilings *got)
{
    pb_cli_device_ceiling *grown = realloc(got->items, (size_t)(got->n + 1) * sizeof *grown);
    if (!grown) {
        fprintf(out, "%s device %d ceilings not recorded: out of memory\n", slot->entry->name, index);
        return;
    }
    got->items = grown;
    pb_cli_device_ceiling *d = &got->items[got->n++];
    memset(d, 0, sizeof *d);
    pb_strlcpy(d->backend, slot->entry->name, sizeof d->backend);
    d->index = index;
    pb_msg why = { "" };
    d->measured = slot->entry->backend->ceilings(slot->ctx, index, preset, &d->ceilings, &why) == PB_OK;
    if (d->measured)
        pb_cli_device_ceilings_print(d, out);
    else
        fprintf(out, "%s device %d ceilings not recorded: %s\n", d->backend, index, why.text);
}

void pb_cli_device_ceilings_measure(const pb_session *session, const pb_planned_list *plan, pb_preset preset,
                                    FILE *out, pb_cli_device_ceilings *got)
{
    for (int i = 0; i < plan->n; i++) {
        const pb_backend_slot *slot = &session->slots[plan->items[i].slot];
        const int index = plan->items[i].variant.device;
        if (slot->ctx && slot->entry->backend->ceilings && !pb_cli_device_find(got, slot->entry->name, index))
            pb_cli_device_measure(slot, index, preset, out, got);
    }
}

void pb_cli_device_ceilings_attach(pb_resultset *set, const pb_cli_device_ceilings *got)
{
    for (int i = 0; i < set->ndevices; i++) {
        pb_device_record *rec = &set->devices[i];
        const pb_cli_device_ceiling *d = pb_cli_device_find(got, rec->backend, rec->index);
        if (d && d->measured) {
            rec->has_ceilings = 1;
            rec->ceilings = d->ceilings;
        }
    }
}

void pb_cli_device_ceilings_free(pb_cli_device_ceilings *got)
{
    if (!got)
        return;
    free(got->items);
    got->items = NULL;
    got->n = 0;
}

void pb_cli_device_ceilings_print(const pb_cli_device_ceiling *d, FILE *out)
{
    fprintf(out, "%s device %d ceilings: %.0f GFLOP/s fp32 FMA, %.1f GB/s memory (%.1f s)\n", d->backend, d->index,
            d->ceilings.fp32_gflops, d->ceilings.bandwidth_gbs, d->ceilings.seconds);
}
