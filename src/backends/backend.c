/* Helpers shared by the backends' tables. */
#include "backend.h"

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
