/* Backend selection and initialisation shared by run, list and selftest. */
#include "session.h"

#include <stdio.h>
#include <string.h>

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

pb_status pb_session_open(pb_session *session, const char *const *names, int nnames, pb_msg *msg)
{
    memset(session, 0, sizeof *session);
    int count;
    const pb_backend_entry *reg = pb_backend_registry(&count);
    if (nnames == 0) {
        for (int i = 0; i < count && i < PB_MAX_BACKENDS; i++)
            session->slots[session->nslots++].entry = &reg[i];
    } else {
        for (int i = 0; i < nnames && session->nslots < PB_MAX_BACKENDS; i++) {
            const pb_backend_entry *e = pb_session_lookup(names[i]);
            if (!e) {
                char known[256];
                pb_session_known_backends(known, sizeof known);
                return pb_msg_set(msg, PB_ERR_USAGE, "unknown backend '%s'; known backends: %s", names[i], known);
            }
            int dup = 0;
            for (int j = 0; j < session->nslots; j++)
                dup |= session->slots[j].entry == e;
            if (dup)
                continue;
            session->slots[session->nslots].entry = e;
            session->slots[session->nslots++].named = 1;
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
    }
}

int pb_session_variants(const pb_session *session, int slot, pb_workload_id id, const pb_variant_request *req,
                        int include_cpu_devices, pb_variant *out, int max)
{
    const pb_backend_slot *s = &session->slots[slot];
    if (!s->ctx)
        return 0;
    pb_variant all[PB_MAX_VARIANTS];
    int n = s->entry->backend->variants(s->ctx, id, req, all, PB_MAX_VARIANTS), kept = 0;
    for (int i = 0; i < n && kept < max; i++) {
        if (all[i].role == PB_ROLE_DEVICE_CPU && !s->named && !include_cpu_devices)
            continue;
        out[kept++] = all[i];
    }
    return kept;
}
