/* Helpers shared by the backends' tables. */
#include "backend.h"

#include <stdlib.h>
#include <string.h>

int pb_variant_add(pb_variant *out, int n, int max, int device, int threads, const char *impl, pb_role role,
                   const char *precision, double unit_roundoff)
{
    if (n >= max)
        return n;
    pb_variant *v = &out[n];
    memset(v, 0, sizeof *v);
    v->device = device;
    v->threads = threads;
    v->role = role;
    pb_strlcpy(v->precision, precision, sizeof v->precision);
    pb_strlcpy(v->impl, impl, sizeof v->impl);
    v->unit_roundoff = unit_roundoff;
    return n + 1;
}

pb_status pb_variant_list_init(pb_variant_list *list, const pb_backend *b, void *ctx, pb_workload_id id,
                               const pb_variant_request *req, pb_msg *msg)
{
    memset(list, 0, sizeof *list);
    for (int room = PB_MAX_VARIANTS;; room *= 2) {
        if (room > PB_VARIANTS_BOUND)
            room = PB_VARIANTS_BOUND;
        pb_variant *grown = realloc(list->items, (size_t)room * sizeof *grown);
        if (!grown)
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for %d variants of %s", room, b->name);
        list->items = grown;
        list->n = b->variants(ctx, id, req, list->items, room);
        if (list->n < room)
            return PB_OK;
        if (room == PB_VARIANTS_BOUND) {
            list->truncated = 1;
            return PB_OK;
        }
    }
}

void pb_variant_list_free(pb_variant_list *list)
{
    if (!list)
        return;
    free(list->items);
    memset(list, 0, sizeof *list);
}
