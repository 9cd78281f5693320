/* Backend selection and initialisation shared by run, list and selftest. */
#include "session.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

void pb_session_known_backends(char *out, size_t size)
{
    int count;
    const pb_backend_entry *reg = pb_backend_registry(&count);
    out[0] = '\0';
    for (int i = 0; i < count; i++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", i ? ", " : "", reg[i].name);
    }
}

static const pb_backend_entry *pb_session_lookup(const char *name)
{
    int count;
    const pb_backend_entry *reg = pb_backend_registry(&count);
    for (int i = 0; i < count; i++)
        if (strcmp(reg[i].name, name) == 0)
            return &reg[i];
    return NULL;
}

static void pb_session_init_slot(pb_backend_slot *slot)
{
    if (!slot->entry->backend) {
        pb_msg_set(&slot->why, PB_ERR_UNAVAILABLE, "%s", slot->entry->missing_why);
        return;
    }
    void *ctx = NULL;
    if (slot->entry->backend->init(&ctx, &slot->why) == PB_OK)
        slot->ctx = ctx;
    else if (!slot->why.text[0])
        pb_msg_set(&slot->why, PB_ERR_UNAVAILABLE, "%s: could not initialise", slot->entry->name);
}

/* Adds backend `e` once (a second mention may still mark it named). */
static void pb_session_add(pb_session *session, const pb_backend_entry *e, int named)
{
    for (int j = 0; j < session->nslots; j++)
        if (session->slots[j].entry == e) {
            session->slots[j].named |= named;
            return;
        }
    if (session->nslots >= PB_MAX_BACKENDS)
        return;
    session->slots[session->nslots].entry = e;
    session->slots[session->nslots++].named = named;
}

/* An unknown backend name, with the nearest known one when it looks like a typo. */
static pb_status pb_session_unknown(const char *name, pb_msg *msg)
{
    int count;
    const pb_backend_entry *reg = pb_backend_registry(&count);
    const char *names[PB_MAX_BACKENDS + 1];
    int n = 0;
    for (int i = 0; i < count && n < PB_MAX_BACKENDS; i++)
        names[n++] = reg[i].name;
    names[n++] = PB_SESSION_GPU;
    const char *near = pb_opts_nearest(name, names, n);
    if (near)
        return pb_msg_set(msg, PB_ERR_USAGE, "unknown backend '%s'; did you mean '%s'?", name, near);
    char known[256];
    pb_session_known_backends(known, sizeof known);
    return pb_msg_set(msg, PB_ERR_USAGE, "unknown backend '%s'; known backends: %s, or gpu for every GPU backend",
                      name, known);
}

void pb_session_short_why(const pb_backend_slot *slot, char *out, size_t size)
{
    const char *why = slot->why.text;
    size_t len = strcspn(why, ";(.");
    while (len > 0 && why[len - 1] == ' ')
        len--;
    if (len > 60)
        len = 60;
    snprintf(out, size, "%.*s", (int)len, why);
}

pb_status pb_session_open(pb_session *session, const char *const *names, int nnames, pb_msg *msg)
{
    memset(session, 0, sizeof *session);
    int count;
    const pb_backend_entry *reg = pb_backend_registry(&count);
    if (nnames == 0) {
        for (int i = 0; i < count && i < PB_MAX_BACKENDS; i++)
            session->slots[session->nslots++].entry = &reg[i];
    } else {
        for (int i = 0; i < nnames; i++) {
            if (strcmp(names[i], PB_SESSION_GPU) == 0) {
                for (int r = 0; r < count; r++)
                    if (reg[r].backend && reg[r].backend->case_e2e)
                        pb_session_add(session, &reg[r], 0);
                session->gpu_named = 1;
                continue;
            }
            const pb_backend_entry *e = pb_session_lookup(names[i]);
            if (!e)
                return pb_session_unknown(names[i], msg);
            pb_session_add(session, e, 1);
        }
    }
    for (int i = 0; i < session->nslots; i++)
        pb_session_init_slot(&session->slots[i]);
    return PB_OK;
}

void pb_session_close(pb_session *session)
{
    if (!session)
        return;
    for (int i = 0; i < session->nslots; i++) {
        pb_backend_slot *s = &session->slots[i];
        if (s->ctx)
            s->entry->backend->shutdown(s->ctx);
        s->ctx = NULL;
        free(s->chosen);
        s->chosen = NULL;
    }
}

int pb_session_device_backend(const pb_backend_slot *slot)
{
    return slot->ctx && slot->entry->backend->case_e2e != NULL;
}

void pb_session_describe_devices(const pb_session *session, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (int s = 0; s < session->nslots && len < size; s++) {
        const pb_backend_slot *slot = &session->slots[s];
        if (!pb_session_device_backend(slot))
            continue;
        const pb_backend *b = slot->entry->backend;
        int n = b->device_count(slot->ctx);
        len += (size_t)snprintf(out + len, size - len, "%s%s has %s", len ? "; " : "", slot->entry->name,
                                n == 0 ? "no devices" : n == 1 ? "device " : "devices ");
        for (int d = 0; d < n && len < size; d++) {
            pb_device_info info;
            memset(&info, 0, sizeof info);
            b->device_info(slot->ctx, d, &info);
            len += (size_t)snprintf(out + len, size - len, "%s%d (%s)", d ? ", " : "", d, info.name);
        }
    }
    if (!out[0])
        snprintf(out, size, "no backend with devices of its own (opencl, cuda, metal) is usable here");
}

/* The session's slot of backend `name`, or NULL. */
static const pb_backend_slot *pb_session_slot(const pb_session *session, const char *name)
{
    for (int s = 0; s < session->nslots; s++)
        if (strcmp(session->slots[s].entry->name, name) == 0)
            return &session->slots[s];
    return NULL;
}

/* Whether `needle` occurs in `hay`, ignoring case. */
static int pb_session_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

/* Marks the devices one --device item names (`backend` NULL: on every device backend); returns
 * how many. */
static int pb_session_mark(pb_session *session, const char *backend, const char *what)
{
    char *end;
    long index = strtol(what, &end, 10);
    int by_index = isdigit((unsigned char)what[0]) && *end == '\0';
    int all = strcmp(what, "all") == 0, marked = 0;
    for (int s = 0; s < session->nslots; s++) {
        pb_backend_slot *slot = &session->slots[s];
        if (!pb_session_device_backend(slot) || (backend && strcmp(backend, slot->entry->name) != 0))
            continue;
        for (int d = 0; d < slot->nchosen; d++) {
            pb_device_info info;
            memset(&info, 0, sizeof info);
            int hit = all || (by_index ? index == d
                                       : slot->entry->backend->device_info(slot->ctx, d, &info) == PB_OK &&
                                             pb_session_contains(info.name, what));
            marked += hit;
            slot->chosen[d] |= (unsigned char)hit;
        }
    }
    return marked;
}

/* Makes every device backend's `chosen` array, all zero, once. */
static pb_status pb_session_start_choosing(pb_session *session, pb_msg *msg)
{
    if (session->devices_chosen)
        return PB_OK;
    session->devices_chosen = 1;
    for (int s = 0; s < session->nslots; s++) {
        pb_backend_slot *slot = &session->slots[s];
        int n = pb_session_device_backend(slot) ? slot->entry->backend->device_count(slot->ctx) : 0;
        if (n <= 0)
            continue;
        slot->chosen = calloc((size_t)n, 1);
        if (!slot->chosen)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
        slot->nchosen = n;
    }
    return PB_OK;
}

pb_status pb_session_choose_devices(pb_session *session, char *spec, pb_msg *msg)
{
    const char *items[PB_OPTS_MAX];
    int n;
    pb_status st = pb_opts_split("--device", spec, items, PB_OPTS_MAX, &n, msg);
    if (st == PB_OK)
        st = pb_session_start_choosing(session, msg);
    for (int i = 0; i < n && st == PB_OK; i++) {
        char backend[32] = "";
        const char *what = items[i], *colon = strchr(items[i], ':');
        if (colon) {
            snprintf(backend, sizeof backend, "%.*s", (int)(colon - items[i]), items[i]);
            what = colon + 1;
            if (!pb_session_slot(session, backend) && !pb_session_lookup(backend)) {
                char known[256];
                pb_session_known_backends(known, sizeof known);
                return pb_msg_set(msg, PB_ERR_USAGE, "--device: unknown backend '%s' in '%s'; known backends: %s",
                                  backend, items[i], known);
            }
            if (!pb_session_slot(session, backend))
                return pb_msg_set(msg, PB_ERR_USAGE, "no device %s: %s is not among the backends chosen with -b",
                                  items[i], backend);
        }
        if (!what[0])
            return pb_msg_set(msg, PB_ERR_USAGE, "--device: '%s' names no device; write an index, a name or 'all'",
                              items[i]);
        if (pb_session_mark(session, colon ? backend : NULL, what) == 0) {
            char there[400];
            pb_session_describe_devices(session, there, sizeof there);
            const pb_backend_slot *named = colon ? pb_session_slot(session, backend) : NULL;
            if (named && !named->ctx)
                return pb_msg_set(msg, PB_ERR_USAGE, "no device %s: %s is unavailable here: %s", items[i], backend,
                                  named->why.text);
            if (named && !pb_session_device_backend(named))
                return pb_msg_set(msg, PB_ERR_USAGE, "no device %s: %s runs on the host CPU; --device chooses among "
                                  "%s; choose %s with -b and its threads with -t", items[i], backend, there, backend);
            int by_index = isdigit((unsigned char)what[0]) && strspn(what, "0123456789") == strlen(what);
            return pb_msg_set(msg, PB_ERR_USAGE, by_index ? "no device %s: %s; see 'parbench list'"
                                                          : "no device matches '%s': %s; see 'parbench list'",
                              items[i], there);
        }
    }
    return st;
}

/* Whether the user's choices keep variant `v` of `slot`. */
static int pb_session_keeps(const pb_session *session, const pb_backend_slot *slot, const pb_variant *v,
                            int include_cpu_devices)
{
    if (v->role == PB_ROLE_DEVICE_CPU && !slot->named && !include_cpu_devices)
        return 0;
    if (!session->devices_chosen || !pb_session_device_backend(slot))
        return 1;
    return v->device >= 0 && v->device < slot->nchosen && slot->chosen[v->device];
}

pb_status pb_session_variants(const pb_session *session, int slot, pb_workload_id id, const pb_variant_request *req,
                              int include_cpu_devices, pb_variant_list *out, pb_msg *msg)
{
    const pb_backend_slot *s = &session->slots[slot];
    memset(out, 0, sizeof *out);
    if (!s->ctx)
        return PB_OK;
    pb_status st = pb_variant_list_init(out, s->entry->backend, s->ctx, id, req, msg);
    int kept = 0;
    for (int i = 0; i < out->n; i++)
        if (pb_session_keeps(session, s, &out->items[i], include_cpu_devices))
            out->items[kept++] = out->items[i];
    out->n = kept;
    return st;
}
